// Following a TCP or UDP stream: the bytes each side sent, in the order the receiver got
// them, from the packets of one conversation. Inner conversations are followed through their
// tunnels (the TCP or UDP layer followed is the one that belongs to the conversation, so the
// pod-to-pod bytes are shown, not the VXLAN header).
//
// TCP is put in order by sequence number as tshark's follow does: data already delivered is
// dropped (retransmissions, and a router's forwarded copy of each segment), a retransmission
// that carries more than was seen delivers only the new part, and a segment past a gap waits
// until the gap is filled; of the waiting segments that fit, the one that arrived first goes
// first. When the other side acknowledges bytes past a gap, the capture missed them: a marker
// says how many, and the waiting segments follow.
import { rd16, rd32 } from '../dissect/field-helpers.js';
import { formatIpv4, formatIpv6 } from '../dissect/format.js';
import type { Layer, Packet } from '../dissect/types.js';

export type FollowProto = 'tcp' | 'udp';

export interface StreamEndpoint {
  /** The address as text (IPv6 without brackets). */
  address: string;
  port: number;
}

export interface StreamChunk {
  /** 0: sent by node 0 (the side that sent the conversation's first packet), 1: by the other. */
  node: 0 | 1;
  /** The frame the bytes came in (for a missing-bytes marker, the frame whose ACK revealed it). */
  frame: number;
  /** Epoch time of that frame: seconds and nanoseconds. */
  sec: number;
  nsec: number;
  data: Uint8Array;
  /** Set on a marker: this many bytes of the stream are missing from the capture. */
  missing?: number;
}

/** One TCP or UDP segment of a conversation, as the follower needs it. */
export interface StreamSegment {
  src: StreamEndpoint;
  dst: StreamEndpoint;
  frame: number;
  sec: number;
  nsec: number;
  /** The payload as captured (a copy: it outlives the read window). */
  data: Uint8Array;
  /** TCP only: sequence and acknowledgement numbers, flags, and the length the IP header declares. */
  seq: number;
  ack: number;
  flags: number;
  length: number;
  /** Where the copy was seen (interface and direction): a router's forwarded UDP copy is dropped by it. */
  seenAt: string;
  /** IPv4 identification (0 for IPv6): part of what makes a UDP datagram's copy the same datagram. */
  ipId: number;
}

const TCP_SYN = 0x02;
const TCP_ACK = 0x10;
/** Recent UDP datagrams remembered to recognise a router's second copy of one. */
const RECENT_DATAGRAMS = 64;
/** Seconds within which the same datagram on another interface is that datagram's copy, not a new one. */
const COPY_WINDOW = 0.1;

const seqDiff = (a: number, b: number): number => (a - b) | 0;

/** The conversation layer to follow in a packet: its innermost TCP or UDP header outside an ICMP quote, or -1. */
export function followedLayer(pkt: Packet): number {
  for (let i = pkt.layers.length - 1; i > 0; i--) {
    const l = pkt.layers[i]!;
    if ((l.proto === 'tcp' || l.proto === 'udp') && !l.quoted) return i;
  }
  return -1;
}

export const sameEndpoint = (a: StreamEndpoint, b: StreamEndpoint): boolean => a.address === b.address && a.port === b.port;

/** Whether a segment goes between these two ends, either way. */
export const between = (seg: StreamSegment, a: StreamEndpoint, b: StreamEndpoint): boolean =>
  (sameEndpoint(seg.src, a) && sameEndpoint(seg.dst, b)) || (sameEndpoint(seg.src, b) && sameEndpoint(seg.dst, a));

/** "10.0.0.1:80", "[fd00::1]:80". */
export const endpointText = (e: StreamEndpoint): string => (e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`);

/** The segment layer `at` of the packet carries, or undefined when its headers are cut short. */
export function segmentAt(pkt: Packet, at: number): StreamSegment | undefined {
  const l = pkt.layers[at]!;
  const ip = ipBelow(pkt, at);
  if (!ip) return undefined;
  const d = pkt.data;
  const tcp = l.proto === 'tcp';
  if (l.payload - l.start < (tcp ? 20 : 8)) return undefined;
  const v4 = ip.proto === 'ip';
  const address = (offset: number): string => (v4 ? formatIpv4(rd32(d, ip.start + offset)) : formatIpv6(d.subarray(ip.start + offset, ip.start + offset + 16)));
  const frame = pkt.frame;
  return {
    src: { address: address(v4 ? 12 : 8), port: rd16(d, l.start) },
    dst: { address: address(v4 ? 16 : 24), port: rd16(d, l.start + 2) },
    frame: frame.number,
    sec: frame.sec,
    nsec: frame.nsec,
    data: d.slice(l.payload, l.end),
    seq: tcp ? rd32(d, l.start + 4) : 0,
    ack: tcp ? rd32(d, l.start + 8) : 0,
    flags: tcp ? d[l.start + 13]! : 0,
    length: tcp ? declaredPayload(pkt, ip, l) : l.end - l.payload,
    seenAt: `${frame.interfaceName ?? frame.interfaceId}|${frame.direction}`,
    ipId: v4 ? rd16(d, ip.start + 4) : 0,
  };
}

function ipBelow(pkt: Packet, at: number): Layer | undefined {
  for (let i = at - 1; i > 0; i--) {
    const l = pkt.layers[i]!;
    if (l.proto === 'ip' || l.proto === 'ipv6') return l.payload - l.start >= (l.proto === 'ip' ? 20 : 40) ? l : undefined;
  }
  return undefined;
}

/**
 * The TCP payload length on the wire: a segment cut by the snaplen still moves the sequence by
 * its full length, which the IP header declares, up to what the frame's wire length allows (a
 * header that claims more cannot hide the bytes after it). A length of 0 (segmentation
 * offload) means what was captured, and so does a datagram reassembled from fragments (its
 * bytes follow the frame's own, complete).
 */
function declaredPayload(pkt: Packet, ip: Layer, tcp: Layer): number {
  const d = pkt.data;
  const captured = tcp.end - tcp.payload;
  if (tcp.start >= pkt.frame.capLen) return captured;
  const declared = ip.proto === 'ip' ? rd16(d, ip.start + 2) : rd16(d, ip.start + 4);
  if (declared === 0) return captured;
  const ipEnd = ip.start + declared + (ip.proto === 'ip' ? 0 : 40);
  return Math.max(captured, Math.min(ipEnd, pkt.frame.origLen) - tcp.payload);
}

interface Pending {
  seq: number;
  /** Arrival order (ties broken by it). */
  arrival: number;
  chunk: StreamChunk;
}

/** A binary min-heap. */
class Heap<T> {
  private readonly items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => boolean) {}
  get size(): number {
    return this.items.length;
  }
  peek(): T | undefined {
    return this.items[0];
  }
  push(x: T): void {
    const a = this.items;
    a.push(x);
    for (let i = a.length - 1; i > 0;) {
      const up = (i - 1) >> 1;
      if (!this.less(a[i]!, a[up]!)) break;
      [a[i], a[up]] = [a[up]!, a[i]!];
      i = up;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * One direction's segments waiting past a gap: by sequence number (to find the ones the next
 * expected byte reaches) and, once reached, by arrival (the first to arrive goes first, as in
 * tshark). Both heaps keep a long capture that lost one early segment linear-logarithmic.
 */
class Waiting {
  /** Sequence numbers are compared as distances from the direction's first byte (no wraparound within 4 GB). */
  private readonly bySeq = new Heap<Pending>((a, b) => this.distance(a.seq) < this.distance(b.seq) || (a.seq === b.seq && a.arrival < b.arrival));
  private readonly reached = new Heap<Pending>((a, b) => a.arrival < b.arrival);
  constructor(private readonly origin: number) {}
  distance(seq: number): number {
    return (seq - this.origin) >>> 0;
  }
  get size(): number {
    return this.bySeq.size + this.reached.size;
  }
  add(p: Pending): void {
    this.bySeq.push(p);
  }
  /** The lowest sequence number waiting, or undefined. */
  lowest(): number | undefined {
    const a = this.bySeq.peek()?.seq;
    let low = a;
    // Reached segments are at or below the expected byte: they are the lowest.
    const r = this.reached.peek();
    if (r && (low === undefined || this.distance(r.seq) < this.distance(low))) low = r.seq;
    return low;
  }
  /** Every segment still waiting, taken off the list. */
  takeAll(): Pending[] {
    const out: Pending[] = [];
    for (let p = this.bySeq.pop(); p; p = this.bySeq.pop()) out.push(p);
    for (let p = this.reached.pop(); p; p = this.reached.pop()) out.push(p);
    return out;
  }

  /** The first-arrived segment the expected byte has reached, taken off the list. */
  take(expected: number): Pending | undefined {
    const e = this.distance(expected);
    while (this.bySeq.size > 0 && this.distance(this.bySeq.peek()!.seq) <= e) this.reached.push(this.bySeq.pop()!);
    return this.reached.pop();
  }
}

/** The bytes of one conversation, fed its segments in capture order. */
export class FollowStream {
  /** Node 0 sent the first packet; undefined until a packet was added. */
  nodes: [StreamEndpoint, StreamEndpoint] | undefined;
  readonly chunks: StreamChunk[] = [];
  /** Payload bytes delivered from each node. */
  readonly bytes: [number, number] = [0, 0];
  /** Packets of the conversation seen, and those whose bytes added nothing (copies, retransmissions). */
  packets = 0;
  repeated = 0;
  /** Segments still waiting past a gap at the end (their bytes are not in `chunks`). */
  get waiting(): number {
    return (this.pending[0]?.size ?? 0) + (this.pending[1]?.size ?? 0);
  }

  private readonly next: [number | undefined, number | undefined] = [undefined, undefined];
  private readonly pending: [Waiting | undefined, Waiting | undefined] = [undefined, undefined];
  private pendingBytes = 0;
  private arrivals = 0;
  /** Recent datagrams: where and when each was seen (a router's copy follows within milliseconds). */
  private readonly recent = new Map<string, { seenAt: string; time: number }>();

  /** Bytes past `maxBytes` were counted but not kept (the UI keeps a bounded view of a long transfer). */
  cut = false;

  /** @param maxBytes payload bytes kept in `chunks`; the rest is still counted (less the bytes of gaps filled after the cap). */
  constructor(
    readonly proto: FollowProto,
    private readonly maxBytes = Infinity,
  ) {}

  add(seg: StreamSegment): void {
    this.packets++;
    this.nodes ??= [seg.src, seg.dst];
    const node: 0 | 1 = sameEndpoint(seg.src, this.nodes[0]) ? 0 : 1;
    if (this.proto === 'udp') this.datagram(node, seg);
    else this.segment(node, seg);
  }

  private datagram(node: 0 | 1, seg: StreamSegment): void {
    if (seg.data.length === 0) return;
    // The same datagram seen again somewhere else (a router's -i any holds it as received and as sent).
    const identity = `${node}|${seg.ipId}|${seg.data.length}|${hash(seg.data)}`;
    const time = seg.sec + seg.nsec / 1e9;
    const before = this.recent.get(identity);
    this.recent.delete(identity);
    this.recent.set(identity, { seenAt: seg.seenAt, time });
    if (this.recent.size > RECENT_DATAGRAMS) this.recent.delete(this.recent.keys().next().value!);
    // A datagram sent again later (a DNS retry, a heartbeat: same bytes, IP ID 0) is a new one.
    if (before !== undefined && before.seenAt !== seg.seenAt && Math.abs(time - before.time) <= COPY_WINDOW) {
      this.repeated++;
      return;
    }
    this.deliver({ node, frame: seg.frame, sec: seg.sec, nsec: seg.nsec, data: seg.data });
  }

  private segment(node: 0 | 1, seg: StreamSegment): void {
    const other = node === 0 ? 1 : 0;
    // The other side acknowledged bytes past a gap in this capture: they were sent, but not captured here.
    if ((seg.flags & TCP_ACK) !== 0) this.fillAcknowledgedGap(other, seg);
    let seq = (seg.flags & TCP_SYN) !== 0 ? (seg.seq + 1) >>> 0 : seg.seq;
    let length = seg.length;
    let data = seg.data;
    const expected = (this.next[node] ??= seq);
    if (seqDiff(seq, expected) < 0) {
      const end = (seq + length) >>> 0;
      if (seqDiff(end, expected) <= 0) {
        if (length > 0) this.repeated++;
        return;
      }
      // A retransmission that carries more than was delivered: only the new part.
      const skip = seqDiff(expected, seq);
      data = data.subarray(Math.min(skip, data.length));
      length = seqDiff(end, expected);
      seq = expected;
    }
    if (data.length === 0) return;
    const chunk: StreamChunk = { node, frame: seg.frame, sec: seg.sec, nsec: seg.nsec, data };
    if (seq === expected) {
      this.next[node] = (seq + length) >>> 0;
      this.deliver(chunk);
      this.drain(node);
    } else if (this.cut) {
      // Past the byte cap nothing is kept: the bytes are counted as if the gap were filled.
      this.next[node] = (seq + length) >>> 0;
      this.bytes[node] += data.length;
    } else this.wait(node, { seq, arrival: this.arrivals++, chunk });
  }

  private wait(node: 0 | 1, p: Pending): void {
    (this.pending[node] ??= new Waiting(this.next[node]!)).add(p);
    this.pendingBytes += p.chunk.data.length;
    if (this.pendingBytes > this.maxBytes) this.stopKeeping();
  }

  /** Past the byte cap: what waits is counted (as if its gaps were filled) and no longer kept. */
  private stopKeeping(): void {
    this.cut = true;
    for (const node of [0, 1] as const) {
      for (const { seq, chunk } of this.pending[node]?.takeAll() ?? []) {
        this.bytes[node] += chunk.data.length;
        const end = (seq + chunk.data.length) >>> 0;
        if (seqDiff(end, this.next[node]!) > 0) this.next[node] = end;
      }
      this.pending[node] = undefined;
    }
    this.pendingBytes = 0;
  }

  /** Delivers waiting segments the stream's end now reaches (the part not delivered yet). */
  private drain(node: 0 | 1): void {
    const waiting = this.pending[node];
    if (!waiting) return;
    for (let p = waiting.take(this.next[node]!); p; p = waiting.take(this.next[node]!)) {
      const { seq, chunk } = p;
      this.pendingBytes -= chunk.data.length;
      const expected = this.next[node]!;
      const end = (seq + chunk.data.length) >>> 0;
      if (seqDiff(end, expected) > 0) {
        this.deliver({ ...chunk, data: chunk.data.subarray(seqDiff(expected, seq)) });
        this.next[node] = end;
      }
    }
  }

  /** Markers for every gap below what the other side acknowledged, each followed by the segments after it. */
  private fillAcknowledgedGap(node: 0 | 1, seg: StreamSegment): void {
    const waiting = this.pending[node];
    for (let lowest = waiting?.lowest(); waiting && lowest !== undefined; lowest = waiting.lowest()) {
      const expected = this.next[node]!;
      if (seqDiff(seg.ack, lowest) <= 0 || seqDiff(lowest, expected) <= 0) return;
      const missing = seqDiff(lowest, expected);
      if (!this.cut) this.chunks.push({ node, frame: seg.frame, sec: seg.sec, nsec: seg.nsec, data: new Uint8Array(0), missing });
      this.next[node] = lowest;
      this.drain(node);
    }
  }

  private deliver(chunk: StreamChunk): void {
    if (this.bytes[0] + this.bytes[1] + chunk.data.length > this.maxBytes) this.cut = true;
    if (!this.cut) this.chunks.push(chunk);
    this.bytes[chunk.node] += chunk.data.length;
  }
}

/** FNV-1a over the whole payload: two datagrams with the same hash, length and IP id are one datagram. */
function hash(d: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i]!, 0x01000193);
  return h >>> 0;
}
