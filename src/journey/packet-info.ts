// How a followed packet is named to people and grouped into flows: made once per journey
// (not per copy), from the first copy seen.
import { rd16, rd32 } from '../dissect/field-helpers.js';
import type { Packet } from '../dissect/types.js';
import { formatAddr, mixAddr, type Addr } from '../analysis/addr.js';
import { HASH_SEED, mix } from '../util/hash.js';
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, type IpFacts } from '../analysis/facts.js';

export interface PacketInfo {
  proto: string;
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  /** IPv4 identification (IPv6: the fragment header's, else 0). */
  ipId: number;
  length: number;
  tcp?: { seq: number; ack: number; flags: string; len: number };
  icmp?: { type: number; code: number; id: number; seq: number };
}

const TCP_FLAG_NAMES: [number, string][] = [
  [0x02, 'SYN'],
  [0x10, 'ACK'],
  [0x08, 'PSH'],
  [0x01, 'FIN'],
  [0x04, 'RST'],
];
const NAMED_FLAGS = 0x1f;
/** The named flags' text for each combination of them, made once (every judged TCP journey needs one). */
const TCP_FLAGS_TEXT = Array.from({ length: NAMED_FLAGS + 1 }, (_, f) =>
  TCP_FLAG_NAMES.filter(([bit]) => f & bit)
    .map(([, name]) => name)
    .join(','),
);

// The text of recently named IPv4 addresses, by address: a large run names a journey's two
// addresses for each of millions of journeys, among far fewer addresses.
const ADDR_CACHE = 4096;
const cachedV4 = new Float64Array(ADDR_CACHE).fill(NaN);
const cachedV4Text: string[] = new Array<string>(ADDR_CACHE).fill('');

/** formatAddr, with the texts of recent IPv4 addresses kept. */
export function addrText(a: Addr): string {
  if (typeof a !== 'number') return formatAddr(a);
  const i = Math.imul(a, 0x9e3779b1) >>> 20;
  if (cachedV4[i] === a) return cachedV4Text[i]!;
  const text = formatAddr(a);
  cachedV4[i] = a;
  cachedV4Text[i] = text;
  return text;
}

export function protoName(p: number): string {
  return p === PROTO_TCP ? 'TCP' : p === PROTO_UDP ? 'UDP' : p === PROTO_ICMP ? 'ICMP' : p === PROTO_ICMPV6 ? 'ICMPv6' : `IP proto ${p}`;
}

/** Bytes of transport payload (TCP segment length), from the IP length so a cut capture still counts right. */
export function tcpPayloadLength(pkt: Packet, ip: IpFacts): number {
  if (ip.l4 < 0 || ip.l4Data - ip.l4Start < 20) return 0;
  const dataOffset = (pkt.data[ip.l4Start + 12]! >> 4) * 4;
  return Math.max(0, ip.length - ip.headerLength - dataOffset);
}

export function tcpSeq(pkt: Packet, ip: IpFacts): number {
  return ip.l4 >= 0 && ip.l4End - ip.l4Start >= 8 ? rd32(pkt.data, ip.l4Start + 4) >>> 0 : 0;
}

export function tcpAck(pkt: Packet, ip: IpFacts): number {
  return ip.l4 >= 0 && ip.l4End - ip.l4Start >= 12 ? rd32(pkt.data, ip.l4Start + 8) >>> 0 : 0;
}

/**
 * What PacketInfo is made from, as numbers: a journey keeps these in its row while it is open,
 * and its texts are made only when it is judged. Sequence numbers are kept as signed 32-bit
 * values. The engine reuses one of these for every packet: a new object per journey was born
 * with its literal's first layout, and V8 moved each one to the current layout again.
 */
export class PacketNumbers {
  proto = 0;
  src: Addr = 0;
  dst: Addr = 0;
  sport = 0;
  dport = 0;
  ipId = 0;
  length = 0;
  /** TCP only: sequence and acknowledgment numbers (| 0), flags, payload length. */
  seq = 0;
  ack = 0;
  flags = 0;
  len = 0;
  /** ICMP and ICMPv6 only (type -1: none). */
  icmpType = -1;
  icmpCode = 0;
  icmpId = 0;
  icmpSeq = 0;
}

export function packetInfo(n: PacketNumbers): PacketInfo {
  const info: PacketInfo = { proto: protoName(n.proto), src: addrText(n.src), dst: addrText(n.dst), ipId: n.ipId, length: n.length };
  if (n.proto === PROTO_TCP || n.proto === PROTO_UDP) {
    info.sport = n.sport;
    info.dport = n.dport;
  }
  if (n.proto === PROTO_TCP) {
    info.tcp = { seq: n.seq >>> 0, ack: n.ack >>> 0, flags: TCP_FLAGS_TEXT[n.flags & NAMED_FLAGS]!, len: n.len };
  } else if (n.icmpType >= 0) {
    info.icmp = { type: n.icmpType, code: n.icmpCode, id: n.icmpId, seq: n.icmpSeq };
  }
  return info;
}

/** One line for people: `ICMP echo request id 5 seq 3`, `TCP [SYN] seq 1796869948 len 0`. */
export function describePacket(p: PacketInfo): string {
  if (p.tcp) return `TCP ${p.sport} → ${p.dport} [${p.tcp.flags}] seq ${p.tcp.seq} ack ${p.tcp.ack} len ${p.tcp.len}`;
  if (p.icmp) {
    const echo: Record<number, string> = { 8: 'echo request', 0: 'echo reply', 128: 'echo request', 129: 'echo reply' };
    const what = echo[p.icmp.type];
    return what ? `${p.proto} ${what} id ${p.icmp.id} seq ${p.icmp.seq}` : `${p.proto} type ${p.icmp.type} code ${p.icmp.code}`;
  }
  if (p.sport !== undefined) return `${p.proto} ${p.sport} → ${p.dport} length ${p.length}`;
  return `${p.proto} length ${p.length}`;
}

const PORT_TEXT: (string | undefined)[] = new Array<string | undefined>(65536).fill(undefined);

function portText(port: number): string {
  return (PORT_TEXT[port] ??= String(port));
}

/** The directed flow a packet belongs to, as text: `ICMP 172.20.0.10 → 172.20.2.30 id 5`. */
export function flowName(p: PacketInfo): string {
  if (p.sport !== undefined) return `${p.proto} ${p.src}:${portText(p.sport)} → ${p.dst}:${portText(p.dport!)}`;
  if (p.icmp && (p.icmp.type === 8 || p.icmp.type === 0 || p.icmp.type === 128 || p.icmp.type === 129)) return `${p.proto} ${p.src} → ${p.dst} id ${p.icmp.id}`;
  return `${p.proto} ${p.src} → ${p.dst}`;
}

function tupleHash(src: Addr, dst: Addr, proto: number, sport: number, dport: number): number {
  let h = mixAddr(HASH_SEED, src);
  h = mixAddr(h, dst);
  h = mix(h, proto);
  return mix(h, (sport << 16) | dport);
}

/** Numeric ids of the packet's directed flow (`forward`) and of the reverse direction, set by flowHashes (once per copy: no array made). */
export const flowIds = { forward: 0, reverse: 0 };

/** Sets flowIds for the packet. ICMP echo request and reply of one exchange share a flow id: the identifier stands for both ports. */
export function flowHashes(ip: IpFacts): void {
  let sp = 0;
  let dp = 0;
  if (ip.proto === PROTO_TCP || ip.proto === PROTO_UDP) {
    sp = ip.sport;
    dp = ip.dport;
  } else if ((ip.proto === PROTO_ICMP || ip.proto === PROTO_ICMPV6) && ip.icmpType >= 0) sp = dp = ip.icmpId;
  flowIds.forward = tupleHash(ip.src, ip.dst, ip.proto, sp, dp);
  flowIds.reverse = tupleHash(ip.dst, ip.src, ip.proto, dp, sp);
}

/** The next-hop MTU an ICMP "fragmentation needed" / "packet too big" announces. */
export function announcedMtu(pkt: Packet, ip: IpFacts): number {
  if (ip.l4 < 0 || ip.l4End - ip.l4Start < 8) return 0;
  return ip.proto === PROTO_ICMP ? rd16(pkt.data, ip.l4Start + 6) : rd32(pkt.data, ip.l4Start + 4) >>> 0;
}
