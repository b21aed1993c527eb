// Following a TCP or UDP stream: the bytes each side sent, in the order the receiver got
// them, from the packets of one conversation. Inner conversations are followed through their
// tunnels (the TCP or UDP layer followed is the one that belongs to the conversation, so the
// pod-to-pod bytes are shown, not the VXLAN header).
//
// TCP is put in order by sequence number as tshark's follow does: data already delivered is
// dropped (retransmissions, and a router's forwarded copy of each segment), a retransmission
// that carries more than was seen delivers only the new part, and a segment past a gap waits
// until the gap is filled. When the other side acknowledges bytes past a gap, the capture
// missed them: a marker says how many, and the waiting segments follow.
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

const seqDiff = (a: number, b: number): number => (a - b) | 0;

/** The index of the last TCP or UDP layer outside an ICMP quote, or -1. */
export function followedLayer(pkt: Packet, proto: FollowProto): number {
  for (let i = pkt.layers.length - 1; i > 0; i--) {
    const l = pkt.layers[i]!;
    if (l.proto === proto && !l.quoted) return i;
  }
  return -1;
}

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
 * The TCP payload length the IP header declares: a segment cut by the snaplen still moves the
 * sequence by its full length. A length of 0 (segmentation offload) means what was captured.
 */
function declaredPayload(pkt: Packet, ip: Layer, tcp: Layer): number {
  const d = pkt.data;
  const declared = ip.proto === 'ip' ? rd16(d, ip.start + 2) : rd16(d, ip.start + 4);
  if (declared === 0) return tcp.end - tcp.payload;
  const ipEnd = ip.start + declared + (ip.proto === 'ip' ? 0 : 40);
  return Math.max(0, ipEnd - tcp.payload);
}

interface Pending {
  seq: number;
  chunk: StreamChunk;
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
    return this.pending[0].length + this.pending[1].length;
  }

  private readonly next: [number | undefined, number | undefined] = [undefined, undefined];
  private readonly pending: [Pending[], Pending[]] = [[], []];
  private pendingBytes = 0;
  private readonly recent = new Map<string, string>();

  /** Bytes past `maxBytes` were counted but not kept (the UI keeps a bounded view of a long transfer). */
  cut = false;

  /** @param maxBytes payload bytes kept in `chunks`; the rest is still followed and counted. */
  constructor(
    readonly proto: FollowProto,
    private readonly maxBytes = Infinity,
  ) {}

  add(seg: StreamSegment): void {
    this.packets++;
    this.nodes ??= [seg.src, seg.dst];
    const node: 0 | 1 = seg.src.address === this.nodes[0].address && seg.src.port === this.nodes[0].port ? 0 : 1;
    if (this.proto === 'udp') this.datagram(node, seg);
    else this.segment(node, seg);
  }

  private datagram(node: 0 | 1, seg: StreamSegment): void {
    if (seg.data.length === 0) return;
    // The same datagram seen again somewhere else (a router's -i any holds it as received and as sent).
    const identity = `${node}|${seg.ipId}|${seg.data.length}|${hash(seg.data)}`;
    const before = this.recent.get(identity);
    this.recent.delete(identity);
    this.recent.set(identity, seg.seenAt);
    if (this.recent.size > RECENT_DATAGRAMS) this.recent.delete(this.recent.keys().next().value!);
    if (before !== undefined && before !== seg.seenAt) {
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
    } else this.wait(node, { seq, chunk });
  }

  /**
   * Keeps a segment that arrived past a gap. The list is sorted by distance from the next
   * expected byte, nearest first: segments usually arrive in order and are appended.
   */
  private wait(node: 0 | 1, p: Pending): void {
    if (this.cut) return;
    this.pendingBytes += p.chunk.data.length;
    if (this.pendingBytes > this.maxBytes) {
      this.cut = true;
      return;
    }
    const waiting = this.pending[node];
    const expected = this.next[node]!;
    const distance = (x: Pending): number => (x.seq - expected) >>> 0;
    const d = distance(p);
    let lo = waiting.length;
    if (lo > 0 && distance(waiting[lo - 1]!) > d) {
      let hi = lo;
      lo = 0;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (distance(waiting[mid]!) <= d) lo = mid + 1;
        else hi = mid;
      }
    }
    waiting.splice(lo, 0, p);
  }

  /** Delivers waiting segments that now fit at the end of the stream (the part not delivered yet). */
  private drain(node: 0 | 1): void {
    const waiting = this.pending[node];
    let k = 0;
    for (; k < waiting.length; k++) {
      const { seq, chunk } = waiting[k]!;
      const expected = this.next[node]!;
      if (seqDiff(seq, expected) > 0) break;
      this.pendingBytes -= chunk.data.length;
      const end = (seq + chunk.data.length) >>> 0;
      if (seqDiff(end, expected) > 0) {
        this.deliver({ ...chunk, data: chunk.data.subarray(seqDiff(expected, seq)) });
        this.next[node] = end;
      }
    }
    if (k > 0) waiting.splice(0, k);
  }

  private fillAcknowledgedGap(node: 0 | 1, seg: StreamSegment): void {
    const waiting = this.pending[node];
    const expected = this.next[node];
    if (waiting.length === 0 || expected === undefined) return;
    const lowest = waiting[0]!.seq;
    if (seqDiff(seg.ack, lowest) <= 0 || seqDiff(lowest, expected) <= 0) return;
    const missing = seqDiff(lowest, expected);
    if (!this.cut) this.chunks.push({ node, frame: seg.frame, sec: seg.sec, nsec: seg.nsec, data: new Uint8Array(0), missing });
    this.next[node] = lowest;
    this.drain(node);
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
