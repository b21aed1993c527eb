// Per-conversation state that tshark keeps on a sequential pass: TCP and UDP stream numbers,
// relative sequence numbers, the window scale, retransmissions and duplicate ACKs. The
// tracker sees every packet in capture order and annotates the TCP/UDP layers it finds
// (Layer.conv); the tcp.* and udp.stream fields read those annotations. Frames dissected one
// at a time (the terminal UI's detail pane) have no annotation, so those fields are absent
// there and tcp.seq/tcp.ack fall back to the raw numbers.
//
// A router's capture (tcpdump -i any, a multi-interface pcapng) holds each forwarded segment
// twice: as received and as sent. The sent copy is the same segment on another interface
// with the TTL one lower (or equal, bridged); it is a forwarding copy, not a retransmission
// nor a duplicate ACK, and it changes no stream state. tshark counts it as a retransmission.
import { Direction } from '../capture/types.js';
import { rd16, rd32 } from './field-helpers.js';
import { Ipv4PairTable } from './ipv4-pairs.js';
import { RecentSegments, type SegmentSighting } from './recent-segments.js';
import type { Registry } from './registry.js';
import type { Layer, Packet } from './types.js';

export interface TcpConv {
  kind: 'tcp';
  stream: number;
  /** This segment's direction: 0 from the endpoint that sorts first (address, then port), 1 from the other. */
  side: 0 | 1;
  /** Sequence-number bases of this segment's direction and the opposite one. */
  seqBase: number;
  ackBase: number;
  /** Multiplier for the window field: 2^shift when both SYNs offered window scaling, else -1 (unknown) or 1. */
  windowScale: number;
  retransmission: boolean;
  duplicateAck: boolean;
  /** Set on the egress copy of a segment a router forwarded. */
  forwardingCopy: boolean;
}

export interface UdpConv {
  kind: 'udp';
  stream: number;
}

export type Conv = TcpConv | UdpConv;

/**
 * Each side of each TCP stream (stream id * 2, +1 for the side whose address sorts last), in
 * typed columns: half a million conversations as objects cost about 400 bytes each (boxed
 * 32-bit numbers among them), here 19 bytes a side.
 */
class TcpSides {
  private static readonly BASE = 1;
  private static readonly NEXT = 2;
  private static readonly ACK = 4;
  private static readonly WIN = 8;
  private static readonly FIN_OR_RST = 16;
  /** Sequence-number base; the next expected sequence number (highest seq + length seen); the last ACK. */
  private base = new Uint32Array(1024);
  private next = new Uint32Array(1024);
  private lastAck = new Uint32Array(1024);
  private lastWin = new Uint16Array(1024);
  /** Window scale shift offered in the SYN: -2 no SYN seen, -1 the SYN had none, else 0..14. */
  private ws = new Int8Array(1024).fill(-2);
  private flags = new Uint8Array(1024);

  ensure(side: number): void {
    if (side < this.flags.length) return;
    const n = Math.max(side + 1, this.flags.length * 2);
    const grow = <T extends Uint32Array | Uint16Array | Int8Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.base = grow(this.base, (k) => new Uint32Array(k));
    this.next = grow(this.next, (k) => new Uint32Array(k));
    this.lastAck = grow(this.lastAck, (k) => new Uint32Array(k));
    this.lastWin = grow(this.lastWin, (k) => new Uint16Array(k));
    const ws = new Int8Array(n).fill(-2);
    ws.set(this.ws);
    this.ws = ws;
    this.flags = grow(this.flags, (k) => new Uint8Array(k));
  }

  baseOf(i: number): number | undefined {
    return this.flags[i]! & TcpSides.BASE ? this.base[i] : undefined;
  }
  setBase(i: number, v: number): void {
    this.base[i] = v;
    this.flags[i]! |= TcpSides.BASE;
  }
  nextOf(i: number): number | undefined {
    return this.flags[i]! & TcpSides.NEXT ? this.next[i] : undefined;
  }
  setNext(i: number, v: number): void {
    this.next[i] = v;
    this.flags[i]! |= TcpSides.NEXT;
  }
  lastAckOf(i: number): number | undefined {
    return this.flags[i]! & TcpSides.ACK ? this.lastAck[i] : undefined;
  }
  setLastAck(i: number, v: number): void {
    this.lastAck[i] = v;
    this.flags[i]! |= TcpSides.ACK;
  }
  lastWinOf(i: number): number | undefined {
    return this.flags[i]! & TcpSides.WIN ? this.lastWin[i] : undefined;
  }
  setLastWin(i: number, v: number): void {
    this.lastWin[i] = v;
    this.flags[i]! |= TcpSides.WIN;
  }
  /** The SYN's window scale shift: undefined before a SYN, -1 when it offered none. */
  wsShift(i: number): number | undefined {
    const v = this.ws[i]!;
    return v === -2 ? undefined : v;
  }
  setWsShift(i: number, v: number): void {
    this.ws[i] = v;
  }
  finOrRst(i: number): boolean {
    return (this.flags[i]! & TcpSides.FIN_OR_RST) !== 0;
  }
  setFinOrRst(i: number): void {
    this.flags[i]! |= TcpSides.FIN_OR_RST;
  }
}

/**
 * Segments remembered to recognise a router's second copy of one, across all streams. A copy
 * follows its original within a few packets; one window for the whole capture (rather than a
 * window per stream) keeps the state of half a million conversations small.
 */
const RECENT_SEGMENTS = 4096;

/** Wraps 32-bit sequence arithmetic. */
const seqDiff = (a: number, b: number): number => (a - b) | 0;

export class ConversationTracker {
  /** Stream id by both endpoints (the id of the latest stream on them): IPv4 in typed tables, IPv6 by endpointsKey. */
  private readonly tcp4 = new Ipv4PairTable();
  private readonly udp4 = new Ipv4PairTable();
  private readonly tcp = new Map<string, number>();
  private readonly udp = new Map<string, number>();
  private readonly sides = new TcpSides();
  /** The last sighting of each recent segment (for forwarding copies). */
  private readonly recent = new RecentSegments(RECENT_SEGMENTS);
  private readonly here: SegmentSighting = { iface: 0, ttl: 0, outerTtl: -1, direction: 0 };
  private readonly before: SegmentSighting = { iface: 0, ttl: 0, outerTtl: -1, direction: 0 };
  /** Interfaces by name (or number, for a capture without names), as small numbers. */
  private readonly interfaces = new Map<string, number>();
  private lastInterfaceName: string | undefined;
  private lastInterfaceId = -1;
  private lastInterface = -1;
  private tcpCount = 0;
  private udpCount = 0;

  /** The frame's interface as a small number: one per name, or per number where the capture names none. */
  private interfaceKey(name: string | undefined, id: number): number {
    if (this.lastInterface >= 0 && name === this.lastInterfaceName && id === this.lastInterfaceId) return this.lastInterface;
    const text = `${name ?? id}`;
    let key = this.interfaces.get(text);
    if (key === undefined) this.interfaces.set(text, (key = this.interfaces.size));
    this.lastInterfaceName = name;
    this.lastInterfaceId = id;
    this.lastInterface = key;
    return key;
  }

  /** Annotates the packet's TCP and UDP layers; call once per packet, in capture order. */
  annotate(pkt: Packet): void {
    const layers = pkt.layers;
    let ip: Layer | undefined;
    let outer: Layer | undefined;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      if (l.quoted) continue;
      if (l.proto === 'ip' || l.proto === 'ipv6') {
        ip = l;
        outer ??= l;
      } else if (ip && l.proto === 'tcp' && l.payload - l.start >= 20) l.conv = this.tcpSegment(pkt, ip, l, outer === ip ? -1 : ttlOf(pkt, outer!));
      else if (ip && l.proto === 'udp' && l.payload - l.start >= 8) l.conv = { kind: 'udp', stream: this.udpStream(pkt, ip, l) };
    }
  }

  private udpStream(pkt: Packet, ip: Layer, l: Layer): number {
    const sport = rd16(pkt.data, l.start);
    const dport = rd16(pkt.data, l.start + 2);
    if (ip.proto === 'ip') {
      this.ipv4Pair(pkt.data, ip, sport, dport);
      let id = this.udp4.get(this.pairA, this.pairB, this.pairPorts);
      if (id < 0) this.udp4.set(this.pairA, this.pairB, this.pairPorts, (id = this.udpCount++));
      return id;
    }
    const key = endpointsKey(pkt, ip, sport, dport).key;
    let id = this.udp.get(key);
    if (id === undefined) this.udp.set(key, (id = this.udpCount++));
    return id;
  }

  // The endpoints ipv4Pair worked out last: the address and port that sort first, then the other's.
  private pairA = 0;
  private pairB = 0;
  private pairPorts = 0;
  private pairForward = true;

  /** An IPv4 packet's endpoints in endpointsKey's order (address, then port); pairForward: this packet goes from the first to the second. */
  private ipv4Pair(d: Uint8Array, ip: Layer, sport: number, dport: number): void {
    const src = rd32(d, ip.start + 12);
    const dst = rd32(d, ip.start + 16);
    const forward = src !== dst ? src < dst : sport <= dport;
    this.pairForward = forward;
    this.pairA = forward ? src : dst;
    this.pairB = forward ? dst : src;
    this.pairPorts = forward ? (sport << 16) | dport : (dport << 16) | sport;
  }

  private tcpSegment(pkt: Packet, ip: Layer, l: Layer, outerTtl: number): TcpConv {
    const d = pkt.data;
    const sport = rd16(d, l.start);
    const dport = rd16(d, l.start + 2);
    const seq = rd32(d, l.start + 4);
    const ack = rd32(d, l.start + 8);
    const flags = rd16(d, l.start + 12) & 0x0fff;
    const win = rd16(d, l.start + 14);
    const syn = (flags & 0x02) !== 0;
    const fin = (flags & 0x01) !== 0;
    const rst = (flags & 0x04) !== 0;
    const hasAck = (flags & 0x10) !== 0;
    const len = Math.max(0, l.end - l.payload);
    const v4 = ip.proto === 'ip';
    let key = '';
    let forward: boolean;
    let id: number | undefined;
    if (v4) {
      this.ipv4Pair(d, ip, sport, dport);
      forward = this.pairForward;
      const found = this.tcp4.get(this.pairA, this.pairB, this.pairPorts);
      id = found < 0 ? undefined : found;
    } else {
      ({ key, forward } = endpointsKey(pkt, ip, sport, dport));
      id = this.tcp.get(key);
    }
    const t = this.sides;
    // A new SYN on a finished connection's addresses and ports starts a new stream, as in tshark.
    if (id !== undefined && syn && !hasAck) {
      const side = forward ? id * 2 : id * 2 + 1;
      if ((t.finOrRst(id * 2) || t.finOrRst(id * 2 + 1)) && t.baseOf(side) !== seq) id = undefined;
    }
    if (id === undefined) {
      id = this.tcpCount++;
      t.ensure(id * 2 + 1);
      if (v4) this.tcp4.set(this.pairA, this.pairB, this.pairPorts, id);
      else this.tcp.set(key, id);
    }
    const me = forward ? id * 2 : id * 2 + 1;
    const peer = forward ? id * 2 + 1 : id * 2;

    // The segment's identity: the same bytes seen again are either a forwarding copy or a retransmission.
    const ipId = ip.proto === 'ip' ? rd16(d, ip.start + 4) : 0;
    const here = this.here;
    here.iface = this.interfaceKey(pkt.frame.interfaceName, pkt.frame.interfaceId);
    here.ttl = ttlOf(pkt, ip);
    here.outerTtl = outerTtl;
    here.direction = pkt.frame.direction;
    const seen = this.recent.see(id, forward, seq, ack, flags, len, win, ipId, here, this.before);
    const forwardingCopy = seen && isForwardingCopy(this.before, here);

    if (t.baseOf(me) === undefined) t.setBase(me, syn ? seq : (seq - 1) >>> 0);
    if (t.baseOf(peer) === undefined && hasAck) t.setBase(peer, (ack - 1) >>> 0);
    if (syn && t.wsShift(me) === undefined) t.setWsShift(me, windowShift(d, l) ?? -1);

    let retransmission = false;
    let duplicateAck = false;
    if (!forwardingCopy) {
      const segLen = len + (syn ? 1 : 0) + (fin ? 1 : 0);
      const end = (seq + segLen) >>> 0;
      const next = t.nextOf(me);
      if (next !== undefined && segLen > 0 && seqDiff(end, next) <= 0) retransmission = true;
      // tshark's duplicate ACK: no data, no SYN/FIN/RST, the same ACK and window as this side's last segment.
      duplicateAck =
        !retransmission && len === 0 && !syn && !fin && !rst && hasAck && win !== 0 && t.lastAckOf(me) === ack && t.lastWinOf(me) === win && next === seq;
      if (next === undefined || seqDiff(end, next) > 0) t.setNext(me, end);
      if (hasAck) t.setLastAck(me, ack);
      t.setLastWin(me, win);
      if (fin || rst) t.setFinOrRst(me);
    }
    const myShift = t.wsShift(me);
    const peerShift = t.wsShift(peer);
    const windowScale = syn ? 1 : myShift === undefined || peerShift === undefined ? -1 : myShift >= 0 && peerShift >= 0 ? 2 ** myShift : 1;
    return {
      kind: 'tcp',
      stream: id,
      side: forward ? 0 : 1,
      seqBase: t.baseOf(me)!,
      ackBase: t.baseOf(peer) ?? 0,
      windowScale,
      retransmission,
      duplicateAck,
      forwardingCopy,
    };
  }

  /**
   * The sequence-number base of one direction of a TCP stream (side 0 or 1, as TcpConv.side), or
   * undefined before its first segment (or ACK from the other side). A base never changes once set.
   */
  tcpBase(stream: number, side: 0 | 1): number | undefined {
    return stream >= 0 && stream < this.tcpCount ? this.sides.baseOf(stream * 2 + side) : undefined;
  }
}

/** An IP header's TTL (hop limit), or -1 when the header is cut short. */
function ttlOf(pkt: Packet, ip: Layer): number {
  if (ip.payload - ip.start < (ip.proto === 'ip' ? 20 : 40)) return -1;
  return pkt.data[ip.start + (ip.proto === 'ip' ? 8 : 7)]!;
}

/**
 * The same segment again on another interface, with the TTL one lower or equal, is the
 * router's egress copy; a copy that came back In after going Out is a new arrival, and a
 * higher TTL means the sender sent it again. The TTL is the segment's own IP header's: an
 * underlay router lowers the tunnel's outer TTL and leaves it, a node routing a pod's segment
 * lowers it, and a node that puts the segment into a tunnel (or takes it out) adds (or drops)
 * an outer header whose TTL says nothing of the segment's (64 out on a Flannel node's eth0
 * after 63 in from its flannel.1). The outer TTLs are compared too where both sightings have one.
 */
function isForwardingCopy(before: SegmentSighting, here: SegmentSighting): boolean {
  const sameInterface = before.iface === here.iface && before.direction === here.direction;
  if (sameInterface) return false;
  if (before.direction === Direction.Outbound && here.direction === Direction.Inbound) return false;
  if (here.ttl > before.ttl) return false;
  return here.outerTtl < 0 || before.outerTtl < 0 || here.outerTtl <= before.outerTtl;
}

/** The TCP window scale option's shift, if the header carries one. */
function windowShift(d: Uint8Array, l: Layer): number | undefined {
  let i = l.start + 20;
  while (i < l.payload) {
    const k = d[i]!;
    if (k === 0) return undefined;
    if (k === 1) {
      i++;
      continue;
    }
    if (i + 1 >= l.payload) return undefined;
    const len = d[i + 1]!;
    if (len < 2 || i + len > l.payload) return undefined;
    if (k === 3 && len === 3) return Math.min(d[i + 2]!, 14);
    i += len;
  }
  return undefined;
}

/**
 * An IPv6 conversation's key (IPv4 ones go to the typed tables through ipv4Pair): both
 * directions share it, and `forward` says which end sent this packet. The key is one flat
 * string of the address and port bytes (a string built by concatenation keeps its pieces,
 * several objects per conversation).
 */
function endpointsKey(pkt: Packet, ip: Layer, sport: number, dport: number): { key: string; forward: boolean } {
  const d = pkt.data;
  const at = ip.start + 8;
  const n = 16;
  // Compare source and destination as address then port, as the text keys did.
  let forward = true;
  let k = 0;
  for (; k < n && d[at + k] === d[at + n + k]; k++);
  if (k < n) forward = d[at + k]! < d[at + n + k]!;
  else forward = sport <= dport;
  const codes = KEY_CODES;
  const [first, second] = forward ? [at, at + n] : [at + n, at];
  for (let i = 0; i < n; i++) {
    codes[i] = d[first + i]!;
    codes[n + 2 + i] = d[second + i]!;
  }
  const [p1, p2] = forward ? [sport, dport] : [dport, sport];
  codes[n] = p1 >> 8;
  codes[n + 1] = p1 & 0xff;
  codes[2 * n + 2] = p2 >> 8;
  codes[2 * n + 3] = p2 & 0xff;
  return { key: String.fromCharCode.apply(null, codes as unknown as number[]), forward };
}

const KEY_CODES = new Array<number>(36).fill(0);

/** Whether a filter or field list names a field the conversation tracker provides (FieldDef.stream). */
export function namesStreamField(registry: Registry, texts: readonly string[]): boolean {
  if (texts.length === 0) return false;
  const names = registry.fieldNames().filter((n) => registry.field(n)!.some((d) => d.stream));
  const any = new RegExp(`\\b(?:${names.map((n) => n.replace(/\./g, '\\.')).join('|')})\\b`);
  return names.length > 0 && texts.some((t) => any.test(t));
}
