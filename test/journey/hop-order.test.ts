// orderHops: each capture's hops keep their own order, and between captures what the packet
// carries (its TTL, the tunnel's outer TTL) and which way it went (out of one host before into the
// next) decide; the clocks' estimates only where those do not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Direction } from '../../src/capture/types.js';
import type { ClockEstimate } from '../../src/journey/clock.js';
import type { Hop } from '../../src/journey/engine.js';
import { orderHops } from '../../src/journey/fate.js';

const clock = (uncertainty: number): ClockEstimate => ({ offset: 0, matched: 10, uncertainty, via: 0 });
const CLOCKS = [clock(0), clock(0.002), clock(0.002)];
const VXLAN = { type: 'vxlan', outerSrc: 1, outerDst: 2, vni: 1, port: 8472 };

function hop(capture: number, frame: number, time: number, direction: Direction, ttl: number, tunnel?: { outerTtl: number }): Hop {
  return {
    capture,
    frame,
    time,
    iface: `if${frame}`,
    direction,
    otherHost: false,
    encap: tunnel ? VXLAN : undefined,
    ttl,
    outerTtl: tunnel?.outerTtl ?? ttl,
    outerLength: 100,
    outerDf: false,
  };
}

const names = (hops: Hop[]): string[] => hops.map((h) => `${h.capture}:${h.frame}`);

describe('orderHops', () => {
  it('keeps hops already in order as they are (the same list)', () => {
    const hops = [hop(0, 1, 1.0, Direction.Inbound, 64), hop(0, 2, 1.00001, Direction.Outbound, 63), hop(1, 5, 1.00002, Direction.Inbound, 63)];
    assert.equal(orderHops(hops, CLOCKS), hops);
  });

  it("puts a host's Out before the next host's In of the same TTL, though that one's clock says earlier and they are not neighbours", () => {
    // Host 0 bridges the packet (in and out, TTL kept), host 1 receives it: its clock is 0.5 ms
    // behind, within its 2 ms uncertainty.
    const hops = [hop(1, 7, 0.9995, Direction.Inbound, 64), hop(0, 1, 1.0, Direction.Inbound, 64), hop(0, 2, 1.0001, Direction.Outbound, 64)];
    assert.deepEqual(names(orderHops(hops, CLOCKS)), ['0:1', '0:2', '1:7']);
  });

  it("never puts a capture's own frames out of order: the sender's tunnel-device copy before its encapsulated one, the router after both", () => {
    // The sender (capture 0): pod veth in, tunnel device out, eth1 out wrapped (outer TTL 64).
    // The router (capture 1, its clock a few µs behind): in with outer TTL 64, out with 63.
    // The receiver (capture 2): in with outer TTL 63.
    const hops = [
      hop(1, 39, 0.999996, Direction.Inbound, 63, { outerTtl: 64 }),
      hop(0, 54, 0.999999, Direction.Inbound, 64),
      hop(1, 40, 0.999999, Direction.Outbound, 63, { outerTtl: 63 }),
      hop(2, 49, 0.999999, Direction.Inbound, 63, { outerTtl: 63 }),
      hop(0, 55, 1.000001, Direction.Outbound, 63),
      hop(0, 56, 1.000004, Direction.Outbound, 63, { outerTtl: 64 }),
    ];
    assert.deepEqual(names(orderHops(hops, CLOCKS)), ['0:54', '0:55', '0:56', '1:39', '1:40', '2:49']);
  });

  it('where the rules contradict each other (TTLs rewritten), the clocks decide and no hop is lost or repeated', () => {
    const hops = [hop(1, 2, 1.0, Direction.Inbound, 60), hop(0, 1, 1.001, Direction.Outbound, 61), hop(0, 3, 1.002, Direction.Outbound, 59)];
    const ordered = orderHops(hops, CLOCKS);
    assert.deepEqual([...names(ordered)].sort(), ['0:1', '0:3', '1:2']);
    assert.ok(names(ordered).indexOf('0:1') < names(ordered).indexOf('0:3'));
  });
});
