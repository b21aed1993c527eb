// Built samples for the tunnel kinds beyond VXLAN and GENEVE (see dissect/encap): Calico's
// IP-in-IP, GRE with checksum, key and sequence number and a gretap (0x6558) frame, Cilium-style
// IPsec ESP and ESP in UDP 4500 with IKE and a NAT keepalive. Fixed bytes, no randomness: the
// ciphertext is a deterministic stand-in, which is all a capture without keys ever shows.
import { concat, ETH_IPV4, ethernet, icmpEcho, internetChecksum, IPPROTO_ICMP, IPPROTO_UDP, ipv4, udp } from '../test/fixtures/packet-builder.js';

const NS = 1_000_000_000n;

export interface Timed {
  t: bigint;
  data: Uint8Array;
}

const NODE_A = { ip: '10.10.0.11', mac: '52:54:00:aa:00:0b' };
const NODE_B = { ip: '10.10.0.12', mac: '52:54:00:aa:00:0c' };
const IPPROTO_IPIP = 4;
const IPPROTO_GRE = 47;
const IPPROTO_ESP = 50;

/** Node-to-node frame: Ethernet and outer IPv4 (TTL 64, DF) around `payload`. */
function outer(from: typeof NODE_A, to: typeof NODE_A, proto: number, id: number, payload: Uint8Array): Uint8Array {
  return ethernet({ src: from.mac, dst: to.mac, type: ETH_IPV4 }, ipv4({ src: from.ip, dst: to.ip, proto, ttl: 64, id, df: true }, payload));
}

function ping(src: string, dst: string, type: 8 | 0, seq: number, id: number): Uint8Array {
  const payload = Uint8Array.from({ length: 56 }, (_, i) => (i + seq) & 0xff);
  return ipv4({ src, dst, proto: IPPROTO_ICMP, ttl: 63, id, df: type === 8 }, icmpEcho({ type, id: 0x1c2d, seq }, payload));
}

/** Bytes that stand in for ciphertext: an xorshift stream from a seed, the same every run. */
export function sealed(seed: number, length: number): Uint8Array {
  let x = seed >>> 0 || 1;
  return Uint8Array.from({ length }, () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x & 0xff;
  });
}

/** Calico IPIP: pod 10.244.140.65 pings 10.244.79.130 across two nodes, three times. */
export function calicoIpip(t0: number): Timed[] {
  const frames: Timed[] = [];
  for (let seq = 1; seq <= 3; seq++) {
    const t = BigInt(t0 + seq - 1) * NS + 120_000n;
    frames.push({ t, data: outer(NODE_A, NODE_B, IPPROTO_IPIP, 0x3a00 + seq, ping('10.244.140.65', '10.244.79.130', 8, seq, 0x5100 + seq)) });
    frames.push({ t: t + 310_000n, data: outer(NODE_B, NODE_A, IPPROTO_IPIP, 0x7c00 + seq, ping('10.244.79.130', '10.244.140.65', 0, seq, 0x6200 + seq)) });
  }
  return frames;
}

/** A GRE header (RFC 2784/2890) with the optional fields given, the checksum computed over header and payload. */
export function greHeader(o: { proto: number; checksum?: boolean; key?: number; seq?: number }, payload: Uint8Array): Uint8Array {
  const size = 4 + (o.checksum ? 4 : 0) + (o.key !== undefined ? 4 : 0) + (o.seq !== undefined ? 4 : 0);
  const h = new Uint8Array(size);
  const v = new DataView(h.buffer);
  v.setUint16(0, (o.checksum ? 0x8000 : 0) | (o.key !== undefined ? 0x2000 : 0) | (o.seq !== undefined ? 0x1000 : 0));
  v.setUint16(2, o.proto);
  let i = 4 + (o.checksum ? 4 : 0);
  if (o.key !== undefined) v.setUint32((i += 4) - 4, o.key);
  if (o.seq !== undefined) v.setUint32(i, o.seq);
  if (o.checksum) v.setUint16(4, internetChecksum(h, payload));
  return concat(h, payload);
}

/** GRE between two nodes: keyed, sequenced and checksummed IPv4 pings, then gretap-bridged Ethernet frames. */
export function greTunnels(t0: number): Timed[] {
  const frames: Timed[] = [];
  for (let seq = 1; seq <= 2; seq++) {
    const t = BigInt(t0 + seq - 1) * NS;
    const req = ping('172.16.1.10', '172.16.2.20', 8, seq, 0x0a00 + seq);
    const rep = ping('172.16.2.20', '172.16.1.10', 0, seq, 0x0b00 + seq);
    frames.push({ t, data: outer(NODE_A, NODE_B, IPPROTO_GRE, 0x1200 + seq, greHeader({ proto: ETH_IPV4, checksum: true, key: 1001, seq }, req)) });
    frames.push({
      t: t + 200_000n,
      data: outer(NODE_B, NODE_A, IPPROTO_GRE, 0x2200 + seq, greHeader({ proto: ETH_IPV4, checksum: true, key: 1001, seq }, rep)),
    });
  }
  for (let seq = 1; seq <= 2; seq++) {
    const t = BigInt(t0 + 5 + seq) * NS;
    const bridged = ethernet(
      { src: '02:42:ac:10:01:0a', dst: '02:42:ac:10:02:14', type: ETH_IPV4 },
      ping('172.16.1.10', '172.16.2.20', 8, 10 + seq, 0x0c00 + seq),
    );
    frames.push({ t, data: outer(NODE_A, NODE_B, IPPROTO_GRE, 0x1300 + seq, greHeader({ proto: 0x6558, key: 42 }, bridged)) });
  }
  return frames;
}

/** An ESP packet (RFC 4303) whose payload, padding and 16-byte ICV are stand-in ciphertext. */
function espPacket(spi: number, seq: number, innerLength: number): Uint8Array {
  const h = new Uint8Array(8);
  const v = new DataView(h.buffer);
  v.setUint32(0, spi);
  v.setUint32(4, seq);
  // AES-GCM: an 8-byte IV, the inner packet padded to 4 bytes with 2 trailer bytes, a 16-byte ICV.
  const body = 8 + Math.ceil((innerLength + 2) / 4) * 4 + 16;
  return concat(h, sealed(spi * 65536 + seq, body));
}

/** Cilium IPsec: ESP straight in IP with Cilium's 4-bit key index as the SPI (3), both ways. */
export function ciliumIpsec(t0: number): Timed[] {
  const frames: Timed[] = [];
  for (let seq = 1; seq <= 3; seq++) {
    const t = BigInt(t0 + seq - 1) * NS + 50_000n;
    frames.push({ t, data: outer(NODE_A, NODE_B, IPPROTO_ESP, 0x4400 + seq, espPacket(3, seq, 84)) });
    frames.push({ t: t + 260_000n, data: outer(NODE_B, NODE_A, IPPROTO_ESP, 0x5500 + seq, espPacket(3, seq, 84)) });
  }
  return frames;
}

/** ESP in UDP 4500 (RFC 3948) behind a NAT: an IKE message after the non-ESP marker, ESP, a NAT keepalive. */
export function espInUdp(t0: number): Timed[] {
  const udpFrame = (from: typeof NODE_A, to: typeof NODE_A, id: number, payload: Uint8Array): Uint8Array =>
    outer(from, to, IPPROTO_UDP, id, udp({ srcPort: 4500, dstPort: 4500, checksum: false }, payload));
  // IKEv2 INFORMATIONAL header (28 bytes) with an encrypted payload stand-in, after 4 zero bytes.
  const ike = new Uint8Array(28);
  const iv = new DataView(ike.buffer);
  iv.setBigUint64(0, 0x1122334455667788n);
  iv.setBigUint64(8, 0x99aabbccddeeff00n);
  ike[16] = 46; // next payload: Encrypted and Authenticated
  ike[17] = 0x20; // version 2.0
  ike[18] = 37; // exchange: INFORMATIONAL
  ike[19] = 0x08; // initiator
  iv.setUint32(20, 2);
  iv.setUint32(24, 28 + 32);
  const frames: Timed[] = [
    { t: BigInt(t0) * NS, data: udpFrame(NODE_A, NODE_B, 0x6600, concat(new Uint8Array(4), ike, Uint8Array.of(0, 0, 0, 32), sealed(7, 28))) },
  ];
  for (let seq = 1; seq <= 2; seq++) {
    const t = BigInt(t0 + seq) * NS;
    frames.push({ t, data: udpFrame(NODE_A, NODE_B, 0x6600 + seq, espPacket(0xc3a5f00d, seq, 84)) });
    frames.push({ t: t + 300_000n, data: udpFrame(NODE_B, NODE_A, 0x7700 + seq, espPacket(0x0badcafe, seq, 84)) });
  }
  frames.push({ t: BigInt(t0 + 20) * NS, data: udpFrame(NODE_A, NODE_B, 0x6610, Uint8Array.of(0xff)) });
  return frames;
}

/** A WireGuard message: type, 3 reserved zero bytes, then the little-endian fields and stand-in ciphertext. */
function wgMessage(type: number, parts: (number | bigint | Uint8Array)[]): Uint8Array {
  const chunks: Uint8Array[] = [Uint8Array.of(type, 0, 0, 0)];
  for (const p of parts) {
    if (p instanceof Uint8Array) chunks.push(p);
    else if (typeof p === 'bigint') {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, p, true);
      chunks.push(b);
    } else {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, p, true);
      chunks.push(b);
    }
  }
  return concat(...chunks);
}

/**
 * Calico's WireGuard on UDP 51820 between two nodes: handshake initiation and response, pod
 * packets as transport data both ways (padded to 16 bytes, a 16-byte tag), and a keepalive.
 */
export function calicoWireguard(t0: number): Timed[] {
  const a = 0x1d3c5a01; // node A's index
  const b = 0x7e2f9b44; // node B's index
  const frame = (from: typeof NODE_A, to: typeof NODE_A, id: number, msg: Uint8Array): Uint8Array =>
    outer(from, to, IPPROTO_UDP, id, udp({ srcPort: 51820, dstPort: 51820, checksum: false }, msg));
  const data = (receiver: number, counter: bigint, inner: number): Uint8Array =>
    wgMessage(4, [receiver, counter, sealed(receiver ^ Number(counter), Math.ceil(inner / 16) * 16 + 16)]);
  const frames: Timed[] = [
    {
      t: BigInt(t0) * NS,
      data: frame(NODE_A, NODE_B, 0x0100, wgMessage(1, [a, sealed(1, 32), sealed(2, 48), sealed(3, 28), sealed(4, 16), new Uint8Array(16)])),
    },
    {
      t: BigInt(t0) * NS + 410_000n,
      data: frame(NODE_B, NODE_A, 0x0200, wgMessage(2, [b, a, sealed(5, 32), sealed(6, 16), sealed(7, 16), new Uint8Array(16)])),
    },
  ];
  for (let n = 0; n < 3; n++) {
    const t = BigInt(t0 + 1 + n) * NS;
    frames.push({ t, data: frame(NODE_A, NODE_B, 0x0101 + n, data(b, BigInt(n), 84)) });
    frames.push({ t: t + 350_000n, data: frame(NODE_B, NODE_A, 0x0201 + n, data(a, BigInt(n), 84)) });
  }
  frames.push({ t: BigInt(t0 + 26) * NS, data: frame(NODE_A, NODE_B, 0x0110, wgMessage(4, [b, 3n, sealed(9, 16)])) });
  return frames;
}
