// The hop pool keeps a journey's hops as columns and gives them back as the Hop objects the
// engine used to build: every field as it was given, a GRE key or ESP SPI past 2^31 included.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction } from '../../src/capture/types.js';
import { Facts, IpFacts } from '../../src/analysis/facts.js';
import { HopPool, HopScratch, type HopRef } from '../../src/journey/hop-pool.js';
import { ROW, SightingStrings, writeSighting } from '../../src/journey/sighting-rows.js';
import type { Packet } from '../../src/dissect/types.js';

const V6_SRC = '20010db8000000000000000000000001';
const V6_DST = '20010db8000000000000000000000002';

/** Facts as the reader leaves them for a copy, inside a tunnel when `kind` is given. */
function facts(iface: string, ttl: number, tunnel?: { kind: string; vni: number; port: number; src: number | string; dst: number | string }): Facts {
  const f = new Facts();
  f.iface = iface;
  f.outer.present = true;
  f.outer.ttl = tunnel ? 61 : ttl;
  f.outer.length = tunnel ? 1450 : 1400;
  f.outer.df = true;
  if (tunnel) {
    f.tunnel = 1;
    f.tunnelKind = tunnel.kind;
    f.vni = tunnel.vni;
    f.tunnelPort = tunnel.port;
    f.outer.src = tunnel.src;
    f.outer.dst = tunnel.dst;
    // The reader's inner header: the pod packet inside the tunnel.
    f.inner = new IpFacts();
    f.inner.present = true;
  }
  f.inner.ttl = ttl;
  return f;
}

/** The packet's bytes are read only for the keys of a transport header; these copies have none. */
const NO_BYTES = { data: new Uint8Array(0) } as unknown as Packet;

/** Adds the copy `f` describes (capture k, frame number `frame`, time t) as the merge does: through its sighting row. */
function add(pool: HopPool, tail: HopRef, k: number, frame: number, t: number, dir: Direction, f: Facts): HopRef {
  const strings = new SightingStrings();
  const row = new Float64Array(ROW);
  writeSighting(row, 0, strings, k, frame - 1, t, f, NO_BYTES, undefined, 'merge');
  return pool.add(tail, row, 0, strings.list, f.iface, dir);
}

describe('HopPool', () => {
  it('gives the hops back in order, with their tunnels, and finds them while they are open', () => {
    const pool = new HopPool();
    const gre = { kind: 'gre', vni: 0x80000001, port: 0, src: 0x0a000001, dst: 0x0a000002 };
    const vxlan = { kind: 'vxlan', vni: 32001, port: 8472, src: V6_SRC, dst: V6_DST };
    let tail = add(pool, 0, 0, 7, 1.5, Direction.Inbound, facts('lxc0', 64));
    const head = tail;
    tail = add(pool, tail, 1, 9, 1.75, Direction.Outbound, facts('eth0', 64, gre));
    add(pool, tail, 2, 11, 2, Direction.Inbound, facts('eth1', 64, vxlan));
    // Where the journey already passed: its TTL there in the same form (the same tunnel), none elsewhere.
    const there = (k: number, dir: Direction, f: Facts): number => {
      const strings = new SightingStrings();
      const row = new Float64Array(ROW);
      writeSighting(row, 0, strings, k, 0, 3, f, NO_BYTES, undefined, 'merge');
      return pool.ttlThere(head, k, dir, f.iface, row, 0, strings.list);
    };
    assert.equal(there(1, Direction.Outbound, facts('eth0', 60, gre)), 64);
    assert.equal(there(1, Direction.Outbound, facts('eth0', 60)), Infinity);
    assert.equal(there(1, Direction.Inbound, facts('eth0', 60, gre)), -1);
    assert.equal(pool.inTunnel(head, V6_SRC, V6_DST), true);
    assert.equal(pool.inTunnel(head, V6_DST, V6_SRC), false);
    const hops = pool.takeInto(head, new HopScratch());
    assert.deepEqual(
      hops.map((h) => [h.capture, h.frame, h.time, h.iface, h.direction, h.ttl, h.outerTtl, h.outerLength, h.outerDf, h.encap]),
      [
        [0, 7, 1.5, 'lxc0', Direction.Inbound, 64, 64, 1400, true, undefined],
        [1, 9, 1.75, 'eth0', Direction.Outbound, 64, 61, 1450, true, { type: 'gre', outerSrc: 0x0a000001, outerDst: 0x0a000002, vni: 2147483649, port: 0 }],
        [2, 11, 2, 'eth1', Direction.Inbound, 64, 61, 1450, true, { type: 'vxlan', outerSrc: V6_SRC, outerDst: V6_DST, vni: 32001, port: 8472 }],
      ],
    );
  });

  it('reuses the entries of hops it gave back', () => {
    const pool = new HopPool();
    for (let round = 0; round < 3; round++) {
      let tail = 0;
      let head = 0;
      for (let i = 0; i < 10_000; i++) {
        tail = add(pool, tail, 0, i + 1, i, Direction.Unknown, facts('eth0', 64));
        if (head === 0) head = tail;
      }
      const hops = pool.takeInto(head, new HopScratch());
      assert.equal(hops.length, 10_000);
      assert.deepEqual([hops[0]!.frame, hops[9_999]!.frame], [1, 10_000]);
      // Released entries come back first: the pool never needs more than one round's worth.
      assert.ok(head <= 10_000, `entry ${head} in round ${round}`);
    }
  });
});
