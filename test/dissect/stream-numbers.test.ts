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
import { ETH_IPV4, ETH_IPV6, ethernet, IPPROTO_TCP, IPPROTO_UDP, ipv4, ipv6, tcp, udp } from '../fixtures/packet-builder.js';

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
