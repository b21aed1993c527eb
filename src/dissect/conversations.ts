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
import type { Layer, Packet } from './types.js';

export interface TcpConv {
  kind: 'tcp';
  stream: number;
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

interface Sighting {
  ifKey: string;
  ttl: number;
  direction: number;
}

interface TcpSide {
  base: number | undefined;
  /** Highest sequence number + length seen (the next expected), undefined before any segment. */
  nextSeq: number | undefined;
  lastAck: number | undefined;
  lastWin: number | undefined;
  /** Window scale shift offered in this side's SYN; -1 when the SYN had none, undefined when no SYN was seen. */
  wsShift: number | undefined;
  finOrRst: boolean;
}

interface TcpStream {
  id: number;
  /** The side whose address:port sorts first. */
  a: TcpSide;
  b: TcpSide;
  /** The last sighting of each recent segment, keyed by its identity (for forwarding copies). */
  recent: Map<string, Sighting>;
}

const newSide = (): TcpSide => ({ base: undefined, nextSeq: undefined, lastAck: undefined, lastWin: undefined, wsShift: undefined, finOrRst: false });
const RECENT_SEGMENTS = 64;

/** Wraps 32-bit sequence arithmetic. */
const seqDiff = (a: number, b: number): number => (a - b) | 0;

export class ConversationTracker {
  private readonly tcp = new Map<string, TcpStream>();
  private readonly udp = new Map<string, number>();
  private tcpCount = 0;
  private udpCount = 0;

  /** Annotates the packet's TCP and UDP layers; call once per packet, in capture order. */
  annotate(pkt: Packet): void {
    const layers = pkt.layers;
    let ip: Layer | undefined;
    let outerTtl = -1;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      if (l.quoted) continue;
      if (l.proto === 'ip' || l.proto === 'ipv6') {
        ip = l;
        if (outerTtl < 0 && l.payload - l.start >= 20) outerTtl = l.proto === 'ip' ? pkt.data[l.start + 8]! : pkt.data[l.start + 7]!;
      } else if (ip && l.proto === 'tcp' && l.payload - l.start >= 20) l.conv = this.tcpSegment(pkt, ip, l, outerTtl);
      else if (ip && l.proto === 'udp' && l.payload - l.start >= 8) l.conv = { kind: 'udp', stream: this.udpStream(pkt, ip, l) };
    }
  }

  private udpStream(pkt: Packet, ip: Layer, l: Layer): number {
    const key = endpointsKey(pkt, ip, rd16(pkt.data, l.start), rd16(pkt.data, l.start + 2)).key;
    let id = this.udp.get(key);
    if (id === undefined) this.udp.set(key, (id = this.udpCount++));
    return id;
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
    const { key, forward } = endpointsKey(pkt, ip, sport, dport);

    let s = this.tcp.get(key);
    // A new SYN on a finished connection's addresses and ports starts a new stream, as in tshark.
    if (s && syn && !hasAck) {
      const side = forward ? s.a : s.b;
      if ((s.a.finOrRst || s.b.finOrRst) && side.base !== seq) s = undefined;
    }
    if (!s) {
      s = { id: this.tcpCount++, a: newSide(), b: newSide(), recent: new Map() };
      this.tcp.set(key, s);
    }
    const me = forward ? s.a : s.b;
    const peer = forward ? s.b : s.a;

    // The segment's identity: the same bytes seen again are either a forwarding copy or a retransmission.
    const ipId = ip.proto === 'ip' ? rd16(d, ip.start + 4) : 0;
    const identity = `${forward ? 1 : 0}|${seq}|${ack}|${flags}|${len}|${win}|${ipId}`;
    const here: Sighting = { ifKey: `${pkt.frame.interfaceName ?? pkt.frame.interfaceId}`, ttl: outerTtl, direction: pkt.frame.direction };
    const before = s.recent.get(identity);
    const forwardingCopy = before !== undefined && isForwardingCopy(before, here);
    s.recent.delete(identity);
    s.recent.set(identity, here);
    if (s.recent.size > RECENT_SEGMENTS) s.recent.delete(s.recent.keys().next().value!);

    if (me.base === undefined) me.base = syn ? seq : (seq - 1) >>> 0;
    if (peer.base === undefined && hasAck) peer.base = (ack - 1) >>> 0;
    if (syn && me.wsShift === undefined) me.wsShift = windowShift(d, l) ?? -1;

    let retransmission = false;
    let duplicateAck = false;
    if (!forwardingCopy) {
      const segLen = len + (syn ? 1 : 0) + (fin ? 1 : 0);
      const end = (seq + segLen) >>> 0;
      if (me.nextSeq !== undefined && segLen > 0 && seqDiff(end, me.nextSeq) <= 0) retransmission = true;
      // tshark's duplicate ACK: no data, no SYN/FIN/RST, the same ACK and window as this side's last segment.
      duplicateAck =
        !retransmission && len === 0 && !syn && !fin && !rst && hasAck && win !== 0 && me.lastAck === ack && me.lastWin === win && me.nextSeq === seq;
      if (me.nextSeq === undefined || seqDiff(end, me.nextSeq) > 0) me.nextSeq = end;
      if (hasAck) me.lastAck = ack;
      me.lastWin = win;
      if (fin || rst) me.finOrRst = true;
    }
    const windowScale = syn ? 1 : me.wsShift === undefined || peer.wsShift === undefined ? -1 : me.wsShift >= 0 && peer.wsShift >= 0 ? 2 ** me.wsShift : 1;
    return { kind: 'tcp', stream: s.id, seqBase: me.base, ackBase: peer.base ?? 0, windowScale, retransmission, duplicateAck, forwardingCopy };
  }
}

/**
 * The same segment again on another interface, with the TTL one lower or equal, is the
 * router's egress copy; a copy that came back In after going Out is a new arrival, and a
 * higher TTL means the sender sent it again.
 */
function isForwardingCopy(before: Sighting, here: Sighting): boolean {
  const sameInterface = before.ifKey === here.ifKey && before.direction === here.direction;
  if (sameInterface) return false;
  if (before.direction === Direction.Outbound && here.direction === Direction.Inbound) return false;
  return here.ttl <= before.ttl;
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

/** Both directions of a conversation share one key; `forward` says which end sent this packet. */
function endpointsKey(pkt: Packet, ip: Layer, sport: number, dport: number): { key: string; forward: boolean } {
  const d = pkt.data;
  const v4 = ip.proto === 'ip';
  const at = v4 ? ip.start + 12 : ip.start + 8;
  const n = v4 ? 4 : 16;
  let src = '';
  let dst = '';
  for (let k = 0; k < n; k++) {
    src += String.fromCharCode(d[at + k]!);
    dst += String.fromCharCode(d[at + n + k]!);
  }
  const a = `${src}:${sport}`;
  const b = `${dst}:${dport}`;
  const forward = a <= b;
  return { key: forward ? `${a}|${b}` : `${b}|${a}`, forward };
}
