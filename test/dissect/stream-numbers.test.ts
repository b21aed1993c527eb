// tcp.stream and udp.stream as the conversation tracker numbers them: one number for both
// directions of a conversation, whatever the order of its addresses and ports (addresses with
// the top bit set, equal addresses told apart by their ports), and a new number for a new
// connection on the ports of a finished one. IPv4 pairs live in a typed table, IPv6 ones in a
// Map: both must number alike.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConversationTracker } from '../../src/dissect/conversations.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import type { FrameMeta, Packet } from '../../src/dissect/types.js';
import { Direction } from '../../src/capture/types.js';
import { ETH_IPV4, ETH_IPV6, ethernet, IPPROTO_TCP, IPPROTO_UDP, ipv4, ipv6, tcp, udp, vxlan } from '../fixtures/packet-builder.js';

const registry = createRegistry();
const MACS = { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' } as const;

function frame(src: string, dst: string, l4: 'tcp' | 'udp', sport: number, dport: number, flags = 'A', seq = 1000, ack = 1): Uint8Array {
  const ip = { src, dst };
  const seg =
    l4 === 'tcp'
      ? tcp({ srcPort: sport, dstPort: dport, seq, ack, flags }, new Uint8Array(0), ip)
      : udp({ srcPort: sport, dstPort: dport }, new Uint8Array(4), ip);
  const proto = l4 === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP;
  const v6 = src.includes(':');
  const packet = v6 ? ipv6({ src, dst, next: proto }, seg) : ipv4({ src, dst, proto }, seg);
  return ethernet({ ...MACS, type: v6 ? ETH_IPV6 : ETH_IPV4 }, packet);
}

function streams(frames: Uint8Array[]): number[] {
  const tracker = new ConversationTracker();
  return frames.map((data, i) => {
    const meta: FrameMeta = { number: i + 1, sec: i, nsec: 0, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0 };
    const pkt: Packet = dissect(data, meta, registry);
    tracker.annotate(pkt);
    const l = pkt.layers.find((x) => x.proto === 'tcp' || x.proto === 'udp')!;
    return l.conv!.stream;
  });
}

describe('stream numbers', () => {
  for (const [family, a, b, high] of [
    ['IPv4', '10.244.0.5', '192.168.1.7', '255.255.255.254'],
    ['IPv6', 'fd00::5', 'fd00::1:7', 'ffff::fffe'],
  ] as const) {
    it(`${family}: both directions share one number, addresses with the top bit set included`, () => {
      assert.deepEqual(
        streams([
          frame(a, b, 'tcp', 40000, 80),
          frame(b, a, 'tcp', 80, 40000),
          frame(high, a, 'tcp', 65535, 32768),
          frame(a, high, 'tcp', 32768, 65535),
          frame(a, b, 'tcp', 40001, 80),
          frame(b, a, 'tcp', 80, 40001),
        ]),
        [0, 0, 1, 1, 2, 2],
      );
    });

    it(`${family}: equal addresses are told apart by their ports, in either order`, () => {
      assert.deepEqual(
        streams([
          frame(a, a, 'udp', 5000, 53),
          frame(a, a, 'udp', 53, 5000),
          frame(a, a, 'udp', 53, 5001),
          frame(a, a, 'udp', 5001, 53),
          frame(a, a, 'udp', 5000, 53),
        ]),
        [0, 0, 1, 1, 0],
      );
    });

    it(`${family}: a new SYN on the ports of a finished connection starts a new stream, and its answers follow it`, () => {
      assert.deepEqual(
        streams([
          frame(a, b, 'tcp', 40000, 80, 'S', 100, 0),
          frame(b, a, 'tcp', 80, 40000, 'SA', 500, 101),
          frame(a, b, 'tcp', 40000, 80, 'FA', 101, 501),
          frame(b, a, 'tcp', 80, 40000, 'FA', 501, 102),
          frame(a, b, 'tcp', 40000, 80, 'S', 9000, 0),
          frame(b, a, 'tcp', 80, 40000, 'SA', 700, 9001),
          frame(a, b, 'udp', 40000, 80),
        ]),
        [0, 0, 0, 0, 1, 1, 0],
      );
    });
  }
});

describe("a node's copies of a segment on its way through a tunnel", () => {
  // A Flannel node's `tcpdump -i any`: a pod's segment comes in on cni0 (TTL 64), is routed out
  // of flannel.1 (63), and leaves eth0 inside VXLAN under a new outer header (TTL 64, the inner
  // 63). The way in: eth0 (outer 62 after an underlay router, inner 64), flannel.1, cni0 (63).
  const POD = { src: '172.20.2.30', dst: '172.20.0.10' };
  const NODES = { src: '192.168.20.100', dst: '192.168.10.100' };
  type Sighting = [iface: string, direction: Direction, innerTtl: number, outerTtl?: number];
  function segment(ip: { src: string; dst: string }, ttl: number, outerTtl: number | undefined, seq: number, sport: number, dport: number): Uint8Array {
    const inner = ethernet(
      { ...MACS, type: ETH_IPV4 },
      ipv4({ ...ip, proto: IPPROTO_TCP, ttl, id: 7 }, tcp({ srcPort: sport, dstPort: dport, seq, ack: 1, flags: 'PA' }, new Uint8Array(10), ip)),
    );
    if (outerTtl === undefined) return inner;
    const outerIp = ip === POD ? NODES : { src: NODES.dst, dst: NODES.src };
    return ethernet(
      { ...MACS, type: ETH_IPV4 },
      ipv4({ ...outerIp, proto: IPPROTO_UDP, ttl: outerTtl }, udp({ srcPort: 40000, dstPort: 8472 }, vxlan({ vni: 1 }, inner))),
    );
  }
  function analysed(path: Sighting[][]): { retransmission: boolean; forwardingCopy: boolean }[] {
    const tracker = new ConversationTracker();
    let n = 0;
    const out: { retransmission: boolean; forwardingCopy: boolean }[] = [];
    for (const [k, copies] of path.entries()) {
      const out1 = k % 2 === 0;
      for (const [iface, direction, ttl, outerTtl] of copies) {
        const data = out1 ? segment(POD, ttl, outerTtl, 5000, 80, 40000) : segment({ src: POD.dst, dst: POD.src }, ttl, outerTtl, 1000, 40000, 80);
        const meta: FrameMeta = {
          number: ++n,
          sec: n,
          nsec: 0,
          capLen: data.length,
          origLen: data.length,
          linkType: 1,
          interfaceId: 0,
          interfaceName: iface,
          direction,
        };
        const pkt = dissect(data, meta, registry);
        tracker.annotate(pkt);
        const conv = pkt.layers.filter((l) => l.proto === 'tcp').at(-1)!.conv!;
        assert.equal(conv.kind, 'tcp');
        if (conv.kind === 'tcp') out.push({ retransmission: conv.retransmission, forwardingCopy: conv.forwardingCopy });
      }
    }
    return out;
  }
  const OUT: Sighting[] = [
    ['cni0', Direction.Inbound, 64],
    ['flannel.1', Direction.Outbound, 63],
    ['eth0', Direction.Outbound, 63, 64],
  ];
  const IN: Sighting[] = [
    ['eth0', Direction.Inbound, 64, 62],
    ['flannel.1', Direction.Inbound, 64],
    ['cni0', Direction.Outbound, 63],
  ];
  const first = { retransmission: false, forwardingCopy: false };
  const copy = { retransmission: false, forwardingCopy: true };

  it('are forwarding copies out of the tunnel and into it, not retransmissions', () => {
    assert.deepEqual(analysed([OUT, IN]), [first, copy, copy, first, copy, copy]);
  });

  it('are told apart from the same segment sent again, with directions recorded or not', () => {
    const resent = { retransmission: true, forwardingCopy: false };
    // The pod sends its segment again: it comes in on cni0 once more, TTL 64 after the 63 that left.
    assert.deepEqual(analysed([[...OUT, OUT[0]!]]), [first, copy, copy, resent]);
    const unknown = (s: Sighting): Sighting => [s[0], Direction.Unknown, s[2], s[3]];
    assert.deepEqual(analysed([[...OUT, OUT[0]!].map(unknown)]), [first, copy, copy, resent]);
    // An underlay router without directions: the tunnel packet in (outer 63) and out (62), then in again (63): sent again.
    const router: Sighting[] = [
      ['eth1', Direction.Unknown, 63, 63],
      ['eth0', Direction.Unknown, 63, 62],
      ['eth1', Direction.Unknown, 63, 63],
    ];
    assert.deepEqual(analysed([router]), [first, copy, resent]);
  });
});
