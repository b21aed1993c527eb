// Flows: the innermost IP 5-tuple of each packet (the pod-to-pod flow for tunnelled traffic,
// the plain flow otherwise), both directions in one row, linked to the tunnels that carried
// it. ICMP echo uses its identifier as both "ports" so requests and replies meet.
//
// A capture can hold a million flows, so a flow is one flat record (numbers only; arrays only
// for what a flow really has) and its public view (addresses as text, directions, state) is
// computed when asked for, not stored. Past `maxFlows`, new flows are counted, not kept.
import type { Packet } from '../dissect/types.js';
import { AddrPairMap, AddrPairSet, HASH_SEED, formatAddr, mix, mixAddr, type Addr } from './addr.js';
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type Facts } from './facts.js';
import { roundTime, type Collector } from './pass.js';
import { InnerPairRecord, type InnerPair } from './tunnels.js';

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

/** Address pairs, both ways round, of the flows that were answered (both directions carried packets). */
export function answeredPairs(flows: readonly Flow[]): AddrPairSet {
  const out = new AddrPairSet();
  for (const f of flows) if (f.packetsOf(0) > 0 && f.packetsOf(1) > 0) out.add(f.srcAddr, f.dstAddr).add(f.dstAddr, f.srcAddr);
  return out;
}

/**
 * The tunnels one direction used, as [id, packets, id, packets, ...] in order of first use, at
 * most MAX_TUNNELS ids (allocated for tunnelled flows only: one small array, not an object of
 * lists, since a capture can hold a million tunnelled flows).
 */
type DirTunnels = number[];
const MAX_TUNNELS = 8;

/** What a flow's public view needs from the tunnel rows: each row has one VNI and one port. */
export interface TunnelKeys {
  readonly vni: number;
  readonly port: number;
}

/**
 * Appends to a list that stays short, at its exact size: V8 gives an array that is pushed to
 * room for 17 elements (about 190 bytes), and a million flows each keep a few such lists.
 */
function appendExact(list: number[] | undefined, ...values: number[]): number[] {
  const n = list?.length ?? 0;
  const out = new Array<number>(n + values.length);
  for (let k = 0; k < n; k++) out[k] = list![k]!;
  for (let k = 0; k < values.length; k++) out[n + k] = values[k]!;
  return out;
}

/** Counts a packet through tunnel `id` and returns the list (a new one when the id is new). */
function countTunnel(t: DirTunnels | undefined, id: number): DirTunnels {
  if (t === undefined) return [id, 1];
  for (let k = 0; k < t.length; k += 2) {
    if (t[k] === id) {
      t[k + 1]!++;
      return t;
    }
  }
  return t.length < MAX_TUNNELS * 2 ? appendExact(t, id, 1) : t;
}

function tunnelIds(t: DirTunnels | undefined): readonly number[] {
  if (t === undefined) return EMPTY;
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

/** One flow: flat counters while the pass runs, the public view (Flow) on demand. */
class FlowRecord implements Flow {
  next: FlowRecord | undefined = undefined;
  // Per direction (0: a -> b, 1: b -> a): packets, bytes, TCP flags, how carried (1 plain, 2 tunnel).
  p0 = 0;
  p1 = 0;
  b0 = 0;
  b1 = 0;
  fl0 = 0;
  fl1 = 0;
  c0 = 0;
  c1 = 0;
  t0: DirTunnels | undefined = undefined;
  t1: DirTunnels | undefined = undefined;
  last: number;
  /** Frames after the first (the first is firstFrame). */
  more: number[] | undefined = undefined;
  syn = 0;
  synAck = 0;
  requests = 0;
  replies = 0;
  queries = 0;
  responses = 0;
  reqFrame = 0;
  reqTime = 0;
  unanswered: Flow['unanswered'] = undefined;

  constructor(
    readonly id: number,
    readonly a: Addr,
    readonly b: Addr,
    readonly aPort: number,
    readonly bPort: number,
    readonly protoNumber: number,
    readonly v6: boolean,
    readonly first: number,
    readonly firstFrame: number,
    /** The tunnel rows (shared by every flow), for the VNIs and ports of `directions`. */
    private readonly tunnelRows: readonly TunnelKeys[],
  ) {
    this.last = first;
  }

  get family(): 4 | 6 {
    return this.v6 ? 6 : 4;
  }
  get proto(): string {
    return PROTO_NAMES[this.protoNumber] ?? `proto ${this.protoNumber}`;
  }
  get srcAddr(): Addr {
    return this.a;
  }
  get dstAddr(): Addr {
    return this.b;
  }
  packetsOf(dir: 0 | 1): number {
    return dir === 0 ? this.p0 : this.p1;
  }
  carriedOf(dir: 0 | 1): FlowDirection['carried'] {
    return CARRIED[dir === 0 ? this.c0 : this.c1]!;
  }
  tunnelsOf(dir: 0 | 1): readonly number[] {
    return tunnelIds(dir === 0 ? this.t0 : this.t1);
  }
  get tunnelled(): boolean {
    return this.t0 !== undefined || this.t1 !== undefined;
  }
  get src(): string {
    return formatAddr(this.a);
  }
  get dst(): string {
    return formatAddr(this.b);
  }
  get srcPort(): number {
    return this.aPort;
  }
  get dstPort(): number {
    return this.bPort;
  }
  get packets(): number {
    return this.p0 + this.p1;
  }
  get bytes(): number {
    return this.b0 + this.b1;
  }
  get firstTime(): number {
    return roundTime(this.first);
  }
  get lastTime(): number {
    return roundTime(this.last);
  }
  get frames(): readonly number[] {
    return this.more ? [this.firstFrame, ...this.more] : [this.firstFrame];
  }
  get directions(): readonly [FlowDirection, FlowDirection] {
    const dir = (packets: number, bytes: number, carried: number, t: DirTunnels | undefined): FlowDirection => {
      const tunnels = tunnelIds(t);
      const vnis: number[] = [];
      const ports: number[] = [];
      for (const id of tunnels) {
        const row = this.tunnelRows[id];
        if (row === undefined) continue;
        note(vnis, row.vni);
        note(ports, row.port);
      }
      return { packets, bytes, carried: CARRIED[carried]!, vnis, ports, tunnels };
    };
    return [dir(this.p0, this.b0, this.c0, this.t0), dir(this.p1, this.b1, this.c1, this.t1)];
  }
  get tunnels(): readonly number[] {
    if (!this.t0 && !this.t1) return EMPTY;
    return [...new Set([...tunnelIds(this.t0), ...tunnelIds(this.t1)])];
  }
  get tcp(): Flow['tcp'] {
    if (this.protoNumber !== PROTO_TCP) return undefined;
    const all = this.fl0 | this.fl1;
    return { syn: this.syn, synAck: this.synAck, fin: (all & TCP_FIN) !== 0, rst: (all & TCP_RST) !== 0 };
  }
  get icmp(): Flow['icmp'] {
    const isIcmp = this.protoNumber === PROTO_ICMP || this.protoNumber === PROTO_ICMPV6;
    return isIcmp && (this.requests > 0 || this.replies > 0) ? { requests: this.requests, replies: this.replies } : undefined;
  }
  get dns(): Flow['dns'] {
    return this.queries > 0 || this.responses > 0 ? { queries: this.queries, responses: this.responses } : undefined;
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
    if (this.tcp) out.tcp = this.tcp;
    if (this.icmp) out.icmp = this.icmp;
    if (this.dns) out.dns = this.dns;
    out.state = this.state;
    if (this.unanswered) out.unanswered = this.unanswered;
    return out;
  }
}

export interface FlowLookup {
  find(src: Addr, dst: Addr, proto: number, sport: number, dport: number): Flow | undefined;
}

/** Cut datagrams remembered at once (their fragments arrive within moments of each other). */
const MAX_CUT_DATAGRAMS = 4096;

export class FlowCollector implements Collector, FlowLookup {
  private readonly table = new Map<number, FlowRecord>();
  private readonly records: FlowRecord[] = [];
  /** Packets of flows that were not kept because maxFlows was reached. */
  untracked = 0;
  /**
   * "src|dst|id" of a datagram whose first fragment a flow counted -> flow id * 2 + direction:
   * the later fragments carry no ports, and their bytes are the flow's too (Tunnels counts them).
   */
  private readonly cut = new Map<string, number>();

  constructor(
    private readonly evidence: number,
    private readonly maxFlows = 500_000,
    /** The tunnel collector's rows (they grow during the pass; flows read them when viewed). */
    private readonly tunnelRows: readonly TunnelKeys[] = [],
  ) {}

  private hash(lo: Addr, hi: Addr, proto: number, loPort: number, hiPort: number): number {
    return mix(mix(mixAddr(mixAddr(HASH_SEED, lo), hi), proto), loPort * 65536 + hiPort);
  }

  private lookup(src: Addr, dst: Addr, proto: number, sport: number, dport: number): FlowRecord | undefined {
    const fwd = less(src, sport, dst, dport);
    let s = this.table.get(fwd ? this.hash(src, dst, proto, sport, dport) : this.hash(dst, src, proto, dport, sport));
    while (s !== undefined) {
      if (
        s.protoNumber === proto &&
        ((s.a === src && s.b === dst && s.aPort === sport && s.bPort === dport) || (s.a === dst && s.b === src && s.aPort === dport && s.bPort === sport))
      )
        return s;
      s = s.next;
    }
    return undefined;
  }

  packet(f: Facts, _pkt: Packet): void {
    if (f.copyOf !== 0) return;
    const ip = f.inner;
    if (!ip.present) return;
    // A tunnel packet without an inner IP header (ARP inside the tunnel, a cut capture) has
    // no inner flow; its outer UDP is the tunnel, which the tunnel rows count.
    if (f.tunnel >= 0 && ip === f.outer) return;
    // Later fragments have no ports; the first fragment stands for the datagram, and the
    // later ones add their bytes to its flow.
    if (ip.fragOffset !== 0) {
      const at = this.cut.size ? this.cut.get(`${String(ip.src)}|${String(ip.dst)}|${ip.id}`) : undefined;
      const r = at === undefined ? undefined : this.records[at >> 1];
      if (r) {
        if ((at! & 1) === 0) r.b0 += f.wireLength;
        else r.b1 += f.wireLength;
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
    let s = this.lookup(src, dst, proto, sport, dport);
    if (s === undefined) {
      if (f.innerCopyOf !== 0) return;
      if (this.records.length >= this.maxFlows) {
        this.untracked++;
        return;
      }
      s = this.create(f, src, dst, proto, sport, dport);
    }
    const tunnelled = f.tunnel >= 0;
    f.flowId = s.id;
    f.flowDir = s.a === src && s.aPort === sport && s.b === dst ? 0 : 1;
    if (f.innerCopyOf !== 0) {
      // The host encapsulated a packet the flow already counted plain: note the tunnel only.
      this.noteTunnel(s, f, s.a === src && s.aPort === sport && s.b === dst);
      return;
    }
    // The datagram (the outer one of a tunnel packet) was cut: its later fragments come next.
    const o = f.outer;
    if (o.present && o.moreFragments && o.fragOffset === 0) {
      if (this.cut.size >= MAX_CUT_DATAGRAMS) this.cut.clear();
      this.cut.set(`${String(o.src)}|${String(o.dst)}|${o.id}`, s.id * 2 + f.flowDir);
    }
    if (s.a === src && s.aPort === sport && s.b === dst) {
      s.p0++;
      s.b0 += f.wireLength;
      s.c0 |= tunnelled ? 2 : 1;
      s.fl0 |= ip.tcpFlags;
      if (f.tunnelId >= 0) s.t0 = countTunnel(s.t0, f.tunnelId);
    } else {
      s.p1++;
      s.b1 += f.wireLength;
      s.c1 |= tunnelled ? 2 : 1;
      s.fl1 |= ip.tcpFlags;
      if (f.tunnelId >= 0) s.t1 = countTunnel(s.t1, f.tunnelId);
    }
    if (s.firstFrame !== f.frame) {
      s.last = f.time;
      if (this.evidence > 1 && (s.more === undefined || s.more.length < this.evidence - 1)) {
        // Past 16 frames (the UI keeps 200) a push's spare room no longer matters.
        if (s.more !== undefined && s.more.length >= 16) s.more.push(f.frame);
        else s.more = appendExact(s.more, f.frame);
      }
    }
    if (proto === PROTO_TCP) {
      const fl = ip.tcpFlags & (TCP_SYN | TCP_ACK);
      if (fl === TCP_SYN) {
        s.syn++;
        this.request(s, f);
      } else if (fl === (TCP_SYN | TCP_ACK)) s.synAck++;
    } else if (ip.icmpType >= 0 && (proto === PROTO_ICMP || proto === PROTO_ICMPV6)) {
      if (isEchoRequest(ip.v6, ip.icmpType)) {
        s.requests++;
        this.request(s, f);
      } else if (isEchoReply(ip.v6, ip.icmpType)) s.replies++;
    }
    if (ip.dns === 0) {
      s.queries++;
      this.request(s, f);
    } else if (ip.dns === 1) s.responses++;
  }

  private noteTunnel(s: FlowRecord, f: Facts, forward: boolean): void {
    if (f.tunnelId < 0) return;
    if (forward) {
      s.c0 |= 2;
      s.t0 = countTunnel(s.t0, f.tunnelId);
    } else {
      s.c1 |= 2;
      s.t1 = countTunnel(s.t1, f.tunnelId);
    }
  }

  private request(s: FlowRecord, f: Facts): void {
    if (s.reqFrame === 0) {
      s.reqFrame = f.frame;
      s.reqTime = f.time;
    }
  }

  private create(f: Facts, src: Addr, dst: Addr, proto: number, sport: number, dport: number): FlowRecord {
    const ip = f.inner;
    // Orient the row from the initiator: a packet that is itself an answer was sent by the responder.
    const answer =
      (proto === PROTO_TCP && (ip.tcpFlags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK)) ||
      isEchoReply(ip.v6, ip.icmpType) ||
      ip.dns === 1 ||
      ((proto === PROTO_TCP || proto === PROTO_UDP) && ip.dns < 0 && sport < 1024 && dport >= 1024 && (ip.tcpFlags & TCP_SYN) === 0);
    const s = answer
      ? new FlowRecord(this.records.length, dst, src, dport, sport, proto, ip.v6, f.time, f.frame, this.tunnelRows)
      : new FlowRecord(this.records.length, src, dst, sport, dport, proto, ip.v6, f.time, f.frame, this.tunnelRows);
    const fwd = less(src, sport, dst, dport);
    const h = fwd ? this.hash(src, dst, proto, sport, dport) : this.hash(dst, src, proto, dport, sport);
    s.next = this.table.get(h);
    this.table.set(h, s);
    this.records.push(s);
    return s;
  }

  find(src: Addr, dst: Addr, proto: number, sport: number, dport: number): Flow | undefined {
    return this.lookup(src, dst, proto, sport, dport);
  }

  /**
   * Judges which flows went unanswered and returns them. Unanswered: requests went one way and
   * nothing at all came back; one lone request in the last `grace` seconds of the capture (which
   * ends at relative time `end`) may simply not have been answered yet.
   */
  finish(end: number, grace: number): Flow[] {
    for (const s of this.records) {
      if (s.p1 !== 0) continue;
      const isIcmp = s.protoNumber === PROTO_ICMP || s.protoNumber === PROTO_ICMPV6;
      let kind: Unanswered | undefined;
      let count = 0;
      if (s.protoNumber === PROTO_TCP && s.syn > 0 && s.synAck === 0) [kind, count] = ['tcp-syn', s.syn];
      else if (isIcmp && s.requests > 0 && s.replies === 0) [kind, count] = ['icmp-echo', s.requests];
      else if (s.queries > 0 && s.responses === 0) [kind, count] = ['dns', s.queries];
      if (kind !== undefined && (count > 1 || end - s.reqTime >= grace)) s.unanswered = { kind, count, firstFrame: s.reqFrame };
    }
    return this.records;
  }

  /** Inner address pairs per tunnel id, from the directions each flow took through each tunnel. */
  innerPairs(): Map<number, AddrPairMap<InnerPair>> {
    const out = new Map<number, AddrPairMap<InnerPairRecord>>();
    const add = (t: DirTunnels | undefined, from: Addr, to: Addr): void => {
      if (t === undefined) return;
      for (let k = 0; k < t.length; k += 2) {
        const id = t[k]!;
        let m = out.get(id);
        if (!m) out.set(id, (m = new AddrPairMap()));
        let p = m.get(from, to);
        if (p === undefined) m.set(from, to, (p = new InnerPairRecord(from, to)));
        p.packets += t[k + 1]!;
      }
    };
    for (const s of this.records) {
      add(s.t0, s.a, s.b);
      add(s.t1, s.b, s.a);
    }
    return out;
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
