// Flows: the innermost IP 5-tuple of each packet (the pod-to-pod flow for tunnelled traffic,
// the plain flow otherwise), both directions in one row, linked to the tunnels that carried
// it. ICMP echo uses its identifier as both "ports" so requests and replies meet.
//
// A capture can hold a million flows, so a flow is one flat record (numbers only; arrays only
// for what a flow really has) and its public view (addresses as text, directions, state) is
// computed when asked for, not stored. Past `maxFlows`, new flows are counted, not kept.
import type { Packet } from '../dissect/types.js';
import { AddrPairSet, formatAddr, mixAddr, type Addr } from './addr.js';
import { HASH_SEED, mix } from '../util/hash.js';
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type Facts } from './facts.js';
import { roundTime, type Collector } from './pass.js';
import type { InnerPair } from './tunnels.js';
import { BIT_V6, FlowStore } from './flow-store.js';
import { innerPairsOf } from './inner-pairs.js';

export type Unanswered = 'tcp-syn' | 'icmp-echo' | 'dns';

/** How one direction was carried. */
export interface FlowDirection {
  readonly packets: number;
  readonly bytes: number;
  /** "plain", "tunnel" or "both" ("" when nothing went this way). */
  readonly carried: '' | 'plain' | 'tunnel' | 'both';
  /** VNIs and UDP ports of the tunnels this direction used (first few). */
  readonly vnis: readonly number[];
  readonly ports: readonly number[];
  readonly tunnels: readonly number[];
}

export interface Flow {
  readonly id: number;
  readonly family: 4 | 6;
  readonly proto: string;
  readonly protoNumber: number;
  /** The initiator first (the sender of the SYN, echo request or DNS query when seen). */
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  /** src and dst as the analysis keys addresses (addr.ts): what rules compare, never the text. */
  readonly srcAddr: Addr;
  readonly dstAddr: Addr;
  /** [src -> dst, dst -> src]. Built when asked: rules looping over every flow use the accessors below. */
  readonly directions: readonly [FlowDirection, FlowDirection];
  /** Per direction (0: src -> dst, 1: back), without building `directions`. */
  packetsOf(dir: 0 | 1): number;
  carriedOf(dir: 0 | 1): FlowDirection['carried'];
  tunnelsOf(dir: 0 | 1): readonly number[];
  /** Some tunnel carried it, either way (`tunnels` is not empty). */
  readonly tunnelled: boolean;
  readonly packets: number;
  readonly bytes: number;
  readonly firstTime: number;
  readonly lastTime: number;
  readonly firstFrame: number;
  readonly frames: readonly number[];
  /** Every tunnel that carried the flow, either way. */
  readonly tunnels: readonly number[];
  readonly tcp?: { syn: number; synAck: number; fin: boolean; rst: boolean };
  readonly icmp?: { requests: number; replies: number };
  readonly dns?: { queries: number; responses: number };
  /** What the flow did, in a few words ("SYN, SYN/ACK, FIN", "5 echo, no reply"). */
  readonly state: string;
  /** Set when requests went unanswered: what kind, how many, and the first request's frame. */
  readonly unanswered?: { kind: Unanswered; count: number; firstFrame: number };
  /** The public view as a plain object (what --json prints). */
  toJSON(): Record<string, unknown>;
}

/**
 * The flows by id. A view is made when asked for, and dropped by whoever does not keep it:
 * the rules read every flow and keep a few, and half a million views kept alive took the
 * garbage collector longer than the rules took to read them. (AnalysisResult.flows makes them
 * all, for the commands that list flows.)
 */
export interface FlowList {
  readonly length: number;
  /** Flow `id`, 0 <= id < length. */
  flow(id: number): Flow;
}

/** Address pairs, both ways round, of the flows that were answered (both directions carried packets). */
export function answeredPairs(flows: FlowList): AddrPairSet {
  const out = new AddrPairSet();
  for (let id = 0; id < flows.length; id++) {
    const f = flows.flow(id);
    if (f.packetsOf(0) > 0 && f.packetsOf(1) > 0) out.add(f.srcAddr, f.dstAddr).add(f.dstAddr, f.srcAddr);
  }
  return out;
}

/** Tunnels kept per direction of a flow (the first few). */
const MAX_TUNNELS = 8;

/** What a flow's public view needs from the tunnel rows: each row has one VNI and one port. */
export interface TunnelKeys {
  readonly vni: number;
  readonly port: number;
}

function tunnelIds(t: readonly number[]): readonly number[] {
  if (t.length === 0) return EMPTY;
  const ids: number[] = [];
  for (let k = 0; k < t.length; k += 2) ids.push(t[k]!);
  return ids;
}

const EMPTY: readonly number[] = Object.freeze([]);
const PROTO_NAMES: Record<number, string> = {
  [PROTO_TCP]: 'TCP',
  [PROTO_UDP]: 'UDP',
  [PROTO_ICMP]: 'ICMP',
  [PROTO_ICMPV6]: 'ICMPv6',
  132: 'SCTP',
  47: 'GRE',
  50: 'ESP',
  2: 'IGMP',
};
const CARRIED = ['', 'plain', 'tunnel', 'both'] as const;

const isEchoRequest = (v6: boolean, t: number): boolean => t === (v6 ? 128 : 8);
const isEchoReply = (v6: boolean, t: number): boolean => t === (v6 ? 129 : 0);

function less(a: Addr, ap: number, b: Addr, bp: number): boolean {
  return a < b || (a === b && ap <= bp);
}

/** A small list of distinct values, in order of appearance. */
function note(list: number[], v: number, cap = 4): void {
  if (list.length < cap && !list.includes(v)) list.push(v);
}

/** The store and what every flow's view shares: tunnel rows and the unanswered verdicts. */
class FlowTable extends FlowStore {
  /** The tunnel collector's rows (they grow during the pass; flows read them when viewed). */
  tunnelRows: readonly TunnelKeys[] = [];
  readonly answers = new Map<number, NonNullable<Flow['unanswered']>>();
  private readonly oneTunnelLists: (readonly number[])[] = [];

  /** [tunnel], one frozen list per tunnel: rules ask every flow for its tunnels, and most have one each way. */
  oneTunnel(tunnel: number): readonly number[] {
    return (this.oneTunnelLists[tunnel] ??= Object.freeze([tunnel]));
  }
}

/** The flows' count and flow `id`'s view, made afresh on each call. */
export interface FlowViewer {
  count: number;
  at(id: number): Flow;
}

/** One flow's public view over the store's columns (the counters live in the store). */
class FlowView implements Flow {
  constructor(
    private readonly s: FlowTable,
    readonly id: number,
  ) {}

  get protoNumber(): number {
    return this.s.proto[this.id]!;
  }
  get firstFrame(): number {
    return this.s.firstFrame[this.id]!;
  }
  get unanswered(): Flow['unanswered'] {
    return this.s.answers.get(this.id);
  }
  get family(): 4 | 6 {
    return (this.s.bits[this.id]! & BIT_V6) !== 0 ? 6 : 4;
  }
  get proto(): string {
    return PROTO_NAMES[this.protoNumber] ?? `proto ${this.protoNumber}`;
  }
  get srcAddr(): Addr {
    return this.s.addrA(this.id);
  }
  get dstAddr(): Addr {
    return this.s.addrB(this.id);
  }
  packetsOf(dir: 0 | 1): number {
    return (dir === 0 ? this.s.p0 : this.s.p1)[this.id]!;
  }
  carriedOf(dir: 0 | 1): FlowDirection['carried'] {
    return CARRIED[this.s.carried(this.id, dir)]!;
  }
  tunnelsOf(dir: 0 | 1): readonly number[] {
    const first = (dir === 0 ? this.s.t0 : this.s.t1)[this.id]!;
    if (first === 0) return EMPTY;
    const rest = this.s.moreTunnels.size ? this.s.moreTunnels.get(this.id * 2 + dir) : undefined;
    return rest === undefined ? this.s.oneTunnel(first - 1) : tunnelIds(this.s.tunnelList(this.id, dir));
  }
  get tunnelled(): boolean {
    return this.s.t0[this.id] !== 0 || this.s.t1[this.id] !== 0;
  }
  get src(): string {
    return formatAddr(this.srcAddr);
  }
  get dst(): string {
    return formatAddr(this.dstAddr);
  }
  get srcPort(): number {
    return this.s.aPort[this.id]!;
  }
  get dstPort(): number {
    return this.s.bPort[this.id]!;
  }
  get packets(): number {
    return this.s.p0[this.id]! + this.s.p1[this.id]!;
  }
  get bytes(): number {
    return this.s.b0[this.id]! + this.s.b1[this.id]!;
  }
  get firstTime(): number {
    return roundTime(this.s.first[this.id]!);
  }
  get lastTime(): number {
    return roundTime(this.s.last[this.id]!);
  }
  get frames(): readonly number[] {
    return this.s.frames(this.id);
  }
  get directions(): readonly [FlowDirection, FlowDirection] {
    const dir = (d: 0 | 1): FlowDirection => {
      const tunnels = this.tunnelsOf(d);
      const vnis: number[] = [];
      const ports: number[] = [];
      for (const id of tunnels) {
        const row = this.s.tunnelRows[id];
        if (row === undefined) continue;
        note(vnis, row.vni);
        note(ports, row.port);
      }
      const bytes = (d === 0 ? this.s.b0 : this.s.b1)[this.id]!;
      return { packets: this.packetsOf(d), bytes, carried: this.carriedOf(d), vnis, ports, tunnels };
    };
    return [dir(0), dir(1)];
  }
  get tunnels(): readonly number[] {
    if (!this.tunnelled) return EMPTY;
    return [...new Set([...this.tunnelsOf(0), ...this.tunnelsOf(1)])];
  }
  get tcp(): Flow['tcp'] {
    if (this.protoNumber !== PROTO_TCP) return undefined;
    const all = this.s.fl0[this.id]! | this.s.fl1[this.id]!;
    return { syn: this.s.syn[this.id]!, synAck: this.s.synAck[this.id]!, fin: (all & TCP_FIN) !== 0, rst: (all & TCP_RST) !== 0 };
  }
  get icmp(): Flow['icmp'] {
    const isIcmp = this.protoNumber === PROTO_ICMP || this.protoNumber === PROTO_ICMPV6;
    const requests = this.s.requests[this.id]!;
    const replies = this.s.replies[this.id]!;
    return isIcmp && (requests > 0 || replies > 0) ? { requests, replies } : undefined;
  }
  get dns(): Flow['dns'] {
    const queries = this.s.queries[this.id]!;
    const responses = this.s.responses[this.id]!;
    return queries > 0 || responses > 0 ? { queries, responses } : undefined;
  }
  get state(): string {
    return describe(this);
  }

  /** The public view as a plain object (what --json prints). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      id: this.id,
      family: this.family,
      proto: this.proto,
      protoNumber: this.protoNumber,
      src: this.src,
      dst: this.dst,
      srcPort: this.srcPort,
      dstPort: this.dstPort,
      directions: this.directions,
      packets: this.packets,
      bytes: this.bytes,
      firstTime: this.firstTime,
      lastTime: this.lastTime,
      firstFrame: this.firstFrame,
      frames: this.frames,
      tunnels: this.tunnels,
    };
    const tcp = this.tcp;
    const icmp = this.icmp;
    const dns = this.dns;
    const unanswered = this.unanswered;
    if (tcp) out.tcp = tcp;
    if (icmp) out.icmp = icmp;
    if (dns) out.dns = dns;
    out.state = this.state;
    if (unanswered) out.unanswered = unanswered;
    return out;
  }
}

export interface FlowLookup {
  find(src: Addr, dst: Addr, proto: number, sport: number, dport: number): Flow | undefined;
}

/** Cut datagrams remembered at once (their fragments arrive within moments of each other). */
const MAX_CUT_DATAGRAMS = 4096;

export class FlowCollector implements Collector, FlowLookup, FlowList {
  private readonly store: FlowTable;
  /** Hash buckets: the first flow of each, plus one (0: empty). Resized at 3/4 full. */
  private buckets: Int32Array;
  /** Packets of flows that were not kept because maxFlows was reached. */
  untracked = 0;
  /**
   * "src|dst|id" of a datagram whose first fragment a flow counted -> flow id * 2 + direction:
   * the later fragments carry no ports, and their bytes are the flow's too (Tunnels counts them).
   */
  private readonly cut = new Map<string, number>();
  /** Flows room was made for at once (the table grows past it, up to maxFlows). */
  readonly room: number;

  constructor(
    private readonly evidence: number,
    private readonly maxFlows = 500_000,
    /** The tunnel collector's rows (they grow during the pass; flows read them when viewed). */
    tunnelRows: readonly TunnelKeys[] = [],
    /** Frames the capture is expected to hold: room is made for as many flows (at most maxFlows). */
    expectedFrames = 0,
  ) {
    const room = (this.room = Math.min(maxFlows, expectedFrames));
    this.store = new FlowTable(room);
    this.store.tunnelRows = tunnelRows;
    let size = 2048;
    while (size * 3 < room * 4) size *= 2;
    this.buckets = new Int32Array(size);
  }

  private hash(lo: Addr, hi: Addr, proto: number, loPort: number, hiPort: number): number {
    return mix(mix(mixAddr(mixAddr(HASH_SEED, lo), hi), proto), loPort * 65536 + hiPort);
  }

  /** The key hash of the last lookup, which create() reuses. */
  private lastHash = 0;

  /** The flow's id, or -1. */
  private lookup(src: Addr, dst: Addr, proto: number, sport: number, dport: number): number {
    const st = this.store;
    const h = less(src, sport, dst, dport) ? this.hash(src, dst, proto, sport, dport) : this.hash(dst, src, proto, dport, sport);
    this.lastHash = h;
    const v6 = typeof src !== 'number';
    const s = st.stored(src);
    const d = st.stored(dst);
    // -1 is an IPv6 address no flow has; for IPv4 it is 255.255.255.255, a real address.
    if (v6 && (s === -1 || d === -1)) return -1;
    for (let at = this.buckets[h & (this.buckets.length - 1)]!; at !== 0; at = st.next[at - 1]!) {
      const i = at - 1;
      if (st.hash[i] !== h || st.proto[i] !== proto || ((st.bits[i]! & BIT_V6) !== 0) !== v6) continue;
      const a = st.a[i];
      const b = st.b[i];
      const ap = st.aPort[i];
      const bp = st.bPort[i];
      if ((a === s && b === d && ap === sport && bp === dport) || (a === d && b === s && ap === dport && bp === sport)) return i;
    }
    return -1;
  }

  packet(f: Facts, _pkt: Packet): void {
    if (f.copyOf !== 0) return;
    const ip = f.inner;
    if (!ip.present) return;
    // A tunnel packet without an inner IP header (ARP inside the tunnel, a cut capture) has
    // no inner flow; its outer UDP is the tunnel, which the tunnel rows count.
    if (f.tunnel >= 0 && ip === f.outer) return;
    const st = this.store;
    // Later fragments have no ports; the first fragment stands for the datagram, and the
    // later ones add their bytes to its flow.
    if (ip.fragOffset !== 0) {
      const at = this.cut.size ? this.cut.get(`${String(ip.src)}|${String(ip.dst)}|${ip.id}`) : undefined;
      if (at !== undefined) {
        if ((at & 1) === 0) st.b0[at >> 1]! += f.wireLength;
        else st.b1[at >> 1]! += f.wireLength;
      }
      return;
    }
    const proto = ip.proto;
    let sport = 0;
    let dport = 0;
    if (proto === PROTO_TCP || proto === PROTO_UDP) {
      sport = ip.sport;
      dport = ip.dport;
    } else if ((proto === PROTO_ICMP || proto === PROTO_ICMPV6) && (isEchoRequest(ip.v6, ip.icmpType) || isEchoReply(ip.v6, ip.icmpType))) {
      sport = dport = ip.icmpId;
    }
    const src = ip.src;
    const dst = ip.dst;
    let id = this.lookup(src, dst, proto, sport, dport);
    if (id === -1) {
      if (f.innerCopyOf !== 0) return;
      if (st.count >= this.maxFlows) {
        this.untracked++;
        return;
      }
      id = this.create(f, src, dst, proto, sport, dport);
    }
    const tunnelled = f.tunnel >= 0;
    const forward = st.a[id] === st.stored(src) && st.aPort[id] === sport && st.b[id] === st.stored(dst);
    const dir = forward ? 0 : 1;
    f.flowId = id;
    f.flowDir = dir;
    if (f.innerCopyOf !== 0) {
      // The host encapsulated a packet the flow already counted plain: note the tunnel only.
      if (f.tunnelId >= 0) {
        st.markCarried(id, dir, 2);
        st.countTunnel(id, dir, f.tunnelId, MAX_TUNNELS);
      }
      return;
    }
    // The datagram (the outer one of a tunnel packet) was cut: its later fragments come next.
    const o = f.outer;
    if (o.present && o.moreFragments && o.fragOffset === 0) {
      if (this.cut.size >= MAX_CUT_DATAGRAMS) this.cut.clear();
      this.cut.set(`${String(o.src)}|${String(o.dst)}|${o.id}`, id * 2 + dir);
    }
    if (dir === 0) {
      st.p0[id]!++;
      st.b0[id]! += f.wireLength;
      st.fl0[id]! |= ip.tcpFlags;
    } else {
      st.p1[id]!++;
      st.b1[id]! += f.wireLength;
      st.fl1[id]! |= ip.tcpFlags;
    }
    st.markCarried(id, dir, tunnelled ? 2 : 1);
    if (f.tunnelId >= 0) st.countTunnel(id, dir, f.tunnelId, MAX_TUNNELS);
    if (st.firstFrame[id] !== f.frame) {
      st.last[id] = f.time;
      if (st.moreCount[id]! < this.evidence - 1) st.addFrame(id, f.frame);
    }
    if (proto === PROTO_TCP) {
      const fl = ip.tcpFlags & (TCP_SYN | TCP_ACK);
      if (fl === TCP_SYN) {
        st.syn[id]!++;
        this.request(id, f);
      } else if (fl === (TCP_SYN | TCP_ACK)) st.synAck[id]!++;
    } else if (ip.icmpType >= 0 && (proto === PROTO_ICMP || proto === PROTO_ICMPV6)) {
      if (isEchoRequest(ip.v6, ip.icmpType)) {
        st.requests[id]!++;
        this.request(id, f);
      } else if (isEchoReply(ip.v6, ip.icmpType)) st.replies[id]!++;
    }
    if (ip.dns === 0) {
      st.queries[id]!++;
      this.request(id, f);
    } else if (ip.dns === 1) st.responses[id]!++;
  }

  private request(id: number, f: Facts): void {
    if (this.store.reqFrame[id] === 0) {
      this.store.reqFrame[id] = f.frame;
      this.store.reqTime[id] = f.time;
    }
  }

  private create(f: Facts, src: Addr, dst: Addr, proto: number, sport: number, dport: number): number {
    const ip = f.inner;
    // Orient the row from the initiator: a packet that is itself an answer was sent by the responder.
    const answer =
      (proto === PROTO_TCP && (ip.tcpFlags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK)) ||
      isEchoReply(ip.v6, ip.icmpType) ||
      ip.dns === 1 ||
      ((proto === PROTO_TCP || proto === PROTO_UDP) && ip.dns < 0 && sport < 1024 && dport >= 1024 && (ip.tcpFlags & TCP_SYN) === 0);
    const st = this.store;
    const id = st.add();
    st.a[id] = st.intern(answer ? dst : src);
    st.b[id] = st.intern(answer ? src : dst);
    st.aPort[id] = answer ? dport : sport;
    st.bPort[id] = answer ? sport : dport;
    st.proto[id] = proto;
    st.bits[id] = ip.v6 ? BIT_V6 : 0;
    st.first[id] = f.time;
    st.last[id] = f.time;
    st.firstFrame[id] = f.frame;
    const h = this.lastHash;
    st.hash[id] = h;
    if (st.count * 4 > this.buckets.length * 3) this.rehash(this.buckets.length * 2);
    const bucket = h & (this.buckets.length - 1);
    st.next[id] = this.buckets[bucket]!;
    this.buckets[bucket] = id + 1;
    return id;
  }

  /** Larger buckets, every flow chained again (called as the table grows: amortised once per flow). */
  private rehash(size: number): void {
    const st = this.store;
    this.buckets = new Int32Array(size);
    for (let id = 0; id < st.count - 1; id++) {
      const bucket = st.hash[id]! & (size - 1);
      st.next[id] = this.buckets[bucket]!;
      this.buckets[bucket] = id + 1;
    }
  }

  find(src: Addr, dst: Addr, proto: number, sport: number, dport: number): Flow | undefined {
    const id = this.lookup(src, dst, proto, sport, dport);
    return id === -1 ? undefined : this.flow(id);
  }

  get length(): number {
    return this.store.count;
  }

  flow(id: number): Flow {
    return new FlowView(this.store, id);
  }

  /**
   * Judges which flows went unanswered. Unanswered: requests went one way and
   * nothing at all came back; one lone request in the last `grace` seconds of the capture (which
   * ends at relative time `end`) may simply not have been answered yet.
   */
  finish(end: number, grace: number): void {
    const st = this.store;
    st.answers.clear();
    for (let id = 0; id < st.count; id++) {
      if (st.p1[id] !== 0) continue;
      const proto = st.proto[id];
      const isIcmp = proto === PROTO_ICMP || proto === PROTO_ICMPV6;
      let kind: Unanswered | undefined;
      let count = 0;
      if (proto === PROTO_TCP && st.syn[id]! > 0 && st.synAck[id] === 0) [kind, count] = ['tcp-syn', st.syn[id]!];
      else if (isIcmp && st.requests[id]! > 0 && st.replies[id] === 0) [kind, count] = ['icmp-echo', st.requests[id]!];
      else if (st.queries[id]! > 0 && st.responses[id] === 0) [kind, count] = ['dns', st.queries[id]!];
      if (kind !== undefined && (count > 1 || end - st.reqTime[id]! >= grace)) st.answers.set(id, { kind, count, firstFrame: st.reqFrame[id]! });
    }
  }

  /**
   * How many flows, and each one's view made when asked for: the result's list of every view is
   * made from it when first used. It holds on to the flows only, not to the lookup's hash buckets.
   */
  viewer(): FlowViewer {
    const store = this.store;
    return { count: store.count, at: (id) => new FlowView(store, id) };
  }

  /** Inner address pairs per tunnel id, from the directions each flow took through each tunnel. */
  innerPairs(): Map<number, InnerPair[]> {
    return innerPairsOf(this.store);
  }
}

function describe(f: Flow): string {
  const parts: string[] = [];
  const tcp = f.tcp;
  if (tcp) {
    if (tcp.syn) parts.push(tcp.syn > 1 ? `SYN x${tcp.syn}` : 'SYN');
    if (tcp.synAck) parts.push('SYN/ACK');
    else if (tcp.syn) parts.push('no SYN/ACK');
    if (tcp.fin) parts.push('FIN');
    if (tcp.rst) parts.push('RST');
    if (!tcp.syn && !tcp.synAck) parts.push('mid-stream');
  }
  const icmp = f.icmp;
  if (icmp) {
    parts.push(`${icmp.requests} echo`);
    parts.push(icmp.replies ? `${icmp.replies} repl${icmp.replies === 1 ? 'y' : 'ies'}` : 'no reply');
  }
  const dns = f.dns;
  if (dns) {
    parts.push(`${dns.queries} quer${dns.queries === 1 ? 'y' : 'ies'}`);
    parts.push(dns.responses ? `${dns.responses} response${dns.responses === 1 ? '' : 's'}` : 'no response');
  }
  // Plain UDP, ICMP errors, other protocols: whether anything came back is all there is to say.
  if (parts.length === 0) parts.push(f.packetsOf(1) > 0 ? 'both ways' : 'one way');
  return parts.join(', ');
}
