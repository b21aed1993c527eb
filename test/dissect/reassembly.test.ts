import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadCapture } from '../../src/capture/capture.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { frameMeta } from '../../src/dissect/frame-meta.js';
import { IpReassembler } from '../../src/dissect/reassembly/ipfrag.js';
import type { FrameMeta, Packet } from '../../src/dissect/types.js';
import { fieldValues } from '../../src/dissect/values.js';
import {
  ETH_IPV4,
  ETH_IPV6,
  IPPROTO_ICMP,
  IPPROTO_IPV6_FRAG,
  IPPROTO_UDP,
  ethernet,
  filler,
  icmpEcho,
  ipv4,
  ipv6,
  ipv6FragmentHeader,
  udp,
  vxlan,
  innerFrame,
} from '../fixtures/packet-builder.js';

const registry = createRegistry();
const MACS = { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' };

function meta(number: number, bytes: Uint8Array, sec = 100): FrameMeta {
  return { number, sec, nsec: 0, capLen: bytes.length, origLen: bytes.length, linkType: 1, interfaceId: 0, direction: 0 };
}

/** A VXLAN datagram (outer UDP payload) too big for one 1500-byte frame, split at 8-byte boundaries. */
function fragmentedVxlan(id: number): Uint8Array[] {
  const inner = innerFrame(
    { srcMac: MACS.src, dstMac: MACS.dst, src: '172.20.0.10', dst: '172.20.2.30' },
    { proto: IPPROTO_ICMP, bytes: icmpEcho({ type: 8, id: 7, seq: 1 }, filler(1472)) },
  );
  const datagram = udp({ srcPort: 40000, dstPort: 8472, checksum: false }, vxlan({ vni: 32001 }, inner));
  const cut = 1480;
  const pieces = [datagram.subarray(0, cut), datagram.subarray(cut)];
  return pieces.map((p, i) =>
    ethernet(
      { ...MACS, type: ETH_IPV4 },
      ipv4({ src: '192.168.10.100', dst: '192.168.20.100', proto: IPPROTO_UDP, id, mf: i === 0, fragOffset: i === 0 ? 0 : cut / 8 }, p),
    ),
  );
}

function protos(p: Packet): string[] {
  return p.layers.map((l) => l.proto);
}

describe('IPv4 fragment reassembly', () => {
  it('decodes the VXLAN packet on the last fragment and marks the first as waiting', () => {
    const [first, last] = fragmentedVxlan(0x1234);
    const r = new IpReassembler();
    const a = dissect(first!, meta(1, first!), registry, { reassembler: r });
    assert.deepEqual(protos(a), ['frame', 'eth', 'ip', 'data']);
    assert.match(a.notes.map((n) => n.message).join('\n'), /IPv4 fragment at offset 0 of datagram 0x1234; reassembled in a later frame/);
    const b = dissect(last!, meta(2, last!), registry, { reassembler: r });
    assert.deepEqual(protos(b), ['frame', 'eth', 'ip', 'udp', 'vxlan', 'eth', 'ip', 'icmp', 'data']);
    assert.deepEqual(fieldValues(b, registry, 'vxlan.vni'), [32001]);
    assert.match(b.notes.map((n) => n.message).join('\n'), /Reassembled IPv4 datagram: 1530 bytes from 2 fragments \(frames 1, 2\)/);
    assert.equal(r.pending, 0);
    assert.equal(r.heldBytes, 0);
  });

  it('completes when the fragments arrive in reverse order', () => {
    const [first, last] = fragmentedVxlan(7);
    const r = new IpReassembler();
    dissect(last!, meta(1, last!), registry, { reassembler: r });
    const b = dissect(first!, meta(2, first!), registry, { reassembler: r });
    assert.deepEqual(fieldValues(b, registry, 'icmp.type'), [8]);
  });

  it('without a reassembler, the first fragment still shows the headers it carries', () => {
    const [first, last] = fragmentedVxlan(9);
    assert.deepEqual(fieldValues(dissect(first!, meta(1, first!), registry), registry, 'vxlan.vni'), [32001]);
    assert.deepEqual(protos(dissect(last!, meta(2, last!), registry)), ['frame', 'eth', 'ip', 'data']);
  });

  it('keeps memory bounded: oldest incomplete datagrams are dropped first', () => {
    const r = new IpReassembler({ maxDatagrams: 10, maxBytes: 8000, timeoutSeconds: 60, maxDatagramBytes: 65535 });
    for (let id = 0; id < 100; id++) {
      const [first] = fragmentedVxlan(id);
      dissect(first!, meta(id + 1, first!), registry, { reassembler: r });
      assert.ok(r.pending <= 10, `pending ${r.pending}`);
      assert.ok(r.heldBytes <= 8000, `held ${r.heldBytes}`);
    }
    // Datagram 0 was evicted, so its last fragment no longer completes it.
    const [, last0] = fragmentedVxlan(0);
    assert.deepEqual(protos(dissect(last0!, meta(200, last0!), registry, { reassembler: r })), ['frame', 'eth', 'ip', 'data']);
    // The newest one is still there.
    const [, last99] = fragmentedVxlan(99);
    assert.deepEqual(fieldValues(dissect(last99!, meta(201, last99!), registry, { reassembler: r }), registry, 'vxlan.vni'), [32001]);
  });

  it('expires a datagram whose fragments stop arriving', () => {
    const [first, last] = fragmentedVxlan(5);
    const r = new IpReassembler({ maxDatagrams: 10, maxBytes: 1 << 20, timeoutSeconds: 30, maxDatagramBytes: 65535 });
    dissect(first!, meta(1, first!, 100), registry, { reassembler: r });
    const late = dissect(last!, meta(2, last!, 200), registry, { reassembler: r });
    assert.deepEqual(protos(late), ['frame', 'eth', 'ip', 'data']);
  });
});

describe('IPv6 fragment reassembly', () => {
  it('joins two fragments behind a Fragment header', () => {
    const payload = udp({ srcPort: 5000, dstPort: 9999 }, filler(2000), { src: 'fd00::1', dst: 'fd00::2' });
    const cut = 1448;
    const frames = [payload.subarray(0, cut), payload.subarray(cut)].map((p, i) =>
      ethernet(
        { ...MACS, type: ETH_IPV6 },
        ipv6(
          { src: 'fd00::1', dst: 'fd00::2', next: IPPROTO_IPV6_FRAG },
          ipv6FragmentHeader({ next: IPPROTO_UDP, offset: i === 0 ? 0 : cut / 8, more: i === 0, id: 0xabc }, p),
        ),
      ),
    );
    const r = new IpReassembler();
    dissect(frames[0]!, meta(1, frames[0]!), registry, { reassembler: r });
    const b = dissect(frames[1]!, meta(2, frames[1]!), registry, { reassembler: r });
    assert.deepEqual(fieldValues(b, registry, 'udp.dstport'), [9999]);
    assert.deepEqual(fieldValues(b, registry, 'udp.length'), [2008]);
  });
});

const RECORDING = fileURLToPath(new URL('../../samples/lab-recordings/tunnel-mtu-ctr-eth1.pcap', import.meta.url));

describe('the lab MTU recording', () => {
  it(
    'every fragmented VXLAN packet is reassembled into its full inner TCP segment',
    { skip: existsSync(RECORDING) ? false : 'lab recording absent' },
    async () => {
      const capture = await loadCapture(RECORDING);
      const r = new IpReassembler();
      let firsts = 0;
      const reassembledLens: number[] = [];
      capture.scan(0, capture.frameCount, (i, d) => {
        const pkt = dissect(d, frameMeta(capture, i, new Map()), registry, { reassembler: r });
        const [mf] = fieldValues(pkt, registry, 'ip.flags.mf');
        const [off] = fieldValues(pkt, registry, 'ip.frag_offset');
        if (mf === true && off === 0) firsts++;
        if (pkt.notes.some((n) => n.message.startsWith('[Reassembled IPv4'))) {
          reassembledLens.push(...(fieldValues(pkt, registry, 'tcp.len') as number[]));
        }
      });
      capture.close();
      assert.ok(firsts > 0);
      assert.equal(reassembledLens.length, firsts);
      // The inner IPv4 packets were 1500 bytes: 1448 bytes of TCP payload once whole.
      assert.ok(
        reassembledLens.every((n) => n === 1448),
        reassembledLens.join(','),
      );
      assert.equal(r.pending, 0);
    },
  );
});
