// How many packets of each flow ended how, from the judged journeys, for up to a limit of
// flows (the packets of the rest are counted). A flow is found by a number made from what its
// name (flowName) is made of, not by the name itself: hashing a new name string for every
// judged journey was a tenth of a large run.
//
// A flow's counts are typed columns and its texts (name, addresses) are made when the list is
// asked for: a hundred thousand flows kept as objects and strings from their first journey on
// were most of what the collector marked and copied in a large run.
import { formatAddr, mixAddr, type Addr } from '../analysis/addr.js';
import { HASH_SEED, mix } from '../util/hash.js';
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP } from '../analysis/facts.js';
import { grown } from '../util/grown.js';
import type { FlowSummary } from './engine.js';
import type { Fate } from './fate.js';
import { KeySlots } from './key-slots.js';
import { PacketNumbers, flowName, packetInfo } from './packet-info.js';

/** Named by ports (TCP, UDP), by the ICMP echo identifier, or by addresses alone (see flowName). */
const BY_PORTS = 1;
const BY_ECHO_ID = 2;
const BY_ADDRESSES = 3;
const ECHO_TYPES = new Set([8, 0, 128, 129]);
const ICMP_ECHO_REQUEST = 8;

/** Different places a flow's packets ended at, listed per flow. */
const MAX_ENDS = 20;
/** Verdict texts kept once each (the same verdict is made anew for every journey it ends). */
const MAX_VERDICTS = 100_000;

interface FlowEnd {
  verdict: string;
  packets: number;
}

export class FlowSummaries {
  /** Journeys of flows past the limit. */
  untracked = 0;
  private flowCount = 0;
  /** Each flow number's latest flow; the others are chained through sameNumber. */
  private readonly first = new KeySlots();
  // Per flow, what names it, and the next flow whose number is the same.
  private readonly proto: number[] = [];
  private readonly src: Addr[] = [];
  private readonly dst: Addr[] = [];
  private readonly kind: number[] = [];
  private readonly a: number[] = [];
  private readonly b: number[] = [];
  private readonly sameNumber: number[] = [];
  // Per flow, its packets and their fates.
  private packets = new Int32Array(1024);
  private delivered = new Int32Array(1024);
  private answered = new Int32Array(1024);
  private lost = new Int32Array(1024);
  private unknown = new Int32Array(1024);
  /**
   * Where packets were lost or last seen, in order of first occurrence: a flow's first place in
   * columns (most flows end in one place, if any), the others in a list.
   */
  private readonly firstEnd: string[] = [];
  private firstEndPackets = new Int32Array(1024);
  private readonly moreEnds = new Map<number, FlowEnd[]>();
  private readonly verdicts = new Map<string, string>();

  constructor(private readonly limit: number) {}

  /** Counts a judged journey; `p` is its packet's numbers, the ones its flow name is made from. */
  count(fate: Fate, verdict: string, p: PacketNumbers): void {
    const tcpOrUdp = p.proto === PROTO_TCP || p.proto === PROTO_UDP;
    const echo = !tcpOrUdp && p.icmpType >= 0 && ECHO_TYPES.has(p.icmpType);
    const kind = tcpOrUdp ? BY_PORTS : echo ? BY_ECHO_ID : BY_ADDRESSES;
    const a = tcpOrUdp ? p.sport : echo ? p.icmpId : 0;
    const b = tcpOrUdp ? p.dport : 0;
    const number = mix(mix(mixAddr(mixAddr(HASH_SEED, p.src), p.dst), p.proto * 4 + kind), a * 65536 + b);
    let i = this.first.get(number);
    while (
      i >= 0 &&
      !(this.proto[i] === p.proto && this.src[i] === p.src && this.dst[i] === p.dst && this.kind[i] === kind && this.a[i] === a && this.b[i] === b)
    )
      i = this.sameNumber[i]!;
    if (i < 0) {
      if (this.flowCount >= this.limit) {
        this.untracked++;
        return;
      }
      i = this.add(p, kind, a, b, number);
    }
    this.packets[i]!++;
    if (fate === 'delivered') this.delivered[i]!++;
    else if (fate === 'answered') this.answered[i]!++;
    else {
      if (fate === 'lost') this.lost[i]!++;
      else this.unknown[i]!++;
      this.end(i, verdict);
    }
  }

  private add(p: PacketNumbers, kind: number, a: number, b: number, number: number): number {
    const i = this.flowCount++;
    if (i === this.packets.length) {
      const size = i * 2;
      this.packets = grown(this.packets, size);
      this.delivered = grown(this.delivered, size);
      this.answered = grown(this.answered, size);
      this.lost = grown(this.lost, size);
      this.unknown = grown(this.unknown, size);
      this.firstEndPackets = grown(this.firstEndPackets, size);
    }
    this.proto.push(p.proto);
    this.src.push(p.src);
    this.dst.push(p.dst);
    this.kind.push(kind);
    this.a.push(a);
    this.b.push(b);
    this.sameNumber.push(this.first.get(number));
    this.firstEnd.push('');
    this.first.set(number, i);
    return i;
  }

  private end(i: number, verdict: string): void {
    if (this.firstEndPackets[i] === 0) {
      this.firstEnd[i] = this.kept(verdict);
      this.firstEndPackets[i] = 1;
      return;
    }
    if (this.firstEnd[i] === verdict) {
      this.firstEndPackets[i]!++;
      return;
    }
    let list = this.moreEnds.get(i);
    if (list === undefined) {
      list = [];
      this.moreEnds.set(i, list);
    }
    let e = 0;
    while (e < list.length && list[e]!.verdict !== verdict) e++;
    if (e < list.length) list[e]!.packets++;
    else if (list.length < MAX_ENDS - 1) list.push({ verdict: this.kept(verdict), packets: 1 });
  }

  /** One string per verdict text. */
  private kept(verdict: string): string {
    const known = this.verdicts.get(verdict);
    if (known !== undefined) return known;
    if (this.verdicts.size < MAX_VERDICTS) this.verdicts.set(verdict, verdict);
    return verdict;
  }

  private endsOf(i: number): FlowEnd[] {
    if (this.firstEndPackets[i] === 0) return [];
    const ends = [{ verdict: this.firstEnd[i]!, packets: this.firstEndPackets[i]! }];
    for (const e of this.moreEnds.get(i) ?? []) ends.push({ verdict: e.verdict, packets: e.packets });
    return ends;
  }

  /** The flows in order of first occurrence, with their names. */
  get list(): FlowSummary[] {
    return [...this.summaries()];
  }

  /** The same, one at a time. */
  *summaries(): Generator<FlowSummary> {
    const n = new PacketNumbers();
    for (let i = 0; i < this.flowCount; i++) {
      n.proto = this.proto[i]!;
      n.src = this.src[i]!;
      n.dst = this.dst[i]!;
      const kind = this.kind[i]!;
      n.sport = kind === BY_PORTS ? this.a[i]! : 0;
      n.dport = kind === BY_PORTS ? this.b[i]! : 0;
      const icmp = n.proto === PROTO_ICMP || n.proto === PROTO_ICMPV6;
      n.icmpType = kind === BY_ECHO_ID && icmp ? ICMP_ECHO_REQUEST : -1;
      n.icmpId = kind === BY_ECHO_ID ? this.a[i]! : 0;
      yield {
        flow: flowName(packetInfo(n)),
        src: formatAddr(n.src),
        dst: formatAddr(n.dst),
        packets: this.packets[i]!,
        delivered: this.delivered[i]!,
        answered: this.answered[i]!,
        lost: this.lost[i]!,
        unknown: this.unknown[i]!,
        ends: this.endsOf(i),
      };
    }
  }
}
