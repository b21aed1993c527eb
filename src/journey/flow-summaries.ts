// How many packets of each flow ended how, from the judged journeys, for up to a limit of
// flows (the packets of the rest are counted). A flow is found by a number made from what its
// name (flowName) is made of, not by the name itself: hashing a new name string for every
// judged journey was a tenth of a large run.
import { HASH_SEED, mix, mixAddr, type Addr } from '../analysis/addr.js';
import { PROTO_TCP, PROTO_UDP } from '../analysis/facts.js';
import type { FlowSummary, Journey } from './engine.js';
import { KeySlots } from './key-slots.js';
import type { PacketNumbers } from './packet-info.js';

/** Named by ports (TCP, UDP), by the ICMP echo identifier, or by addresses alone (see flowName). */
const BY_PORTS = 1;
const BY_ECHO_ID = 2;
const BY_ADDRESSES = 3;
const ECHO_TYPES = new Set([8, 0, 128, 129]);

export class FlowSummaries {
  readonly list: FlowSummary[] = [];
  /** Journeys of flows past the limit. */
  untracked = 0;
  /** Each flow number's latest summary; the others are chained through sameNumber. */
  private readonly first = new KeySlots();
  // Per summary, what names its flow, and the next summary whose number is the same.
  private readonly proto: number[] = [];
  private readonly src: Addr[] = [];
  private readonly dst: Addr[] = [];
  private readonly kind: number[] = [];
  private readonly a: number[] = [];
  private readonly b: number[] = [];
  private readonly sameNumber: number[] = [];

  constructor(private readonly limit: number) {}

  /** Counts a judged journey; `p` is its packet's numbers, the ones its flow name was made from. */
  count(j: Journey, p: PacketNumbers): void {
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
    let s: FlowSummary;
    if (i >= 0) s = this.list[i]!;
    else {
      if (this.list.length >= this.limit) {
        this.untracked++;
        return;
      }
      s = { flow: j.flow, src: j.packet.src, dst: j.packet.dst, packets: 0, delivered: 0, answered: 0, lost: 0, unknown: 0, ends: [] };
      const at = this.list.length;
      this.list.push(s);
      this.proto.push(p.proto);
      this.src.push(p.src);
      this.dst.push(p.dst);
      this.kind.push(kind);
      this.a.push(a);
      this.b.push(b);
      this.sameNumber.push(this.first.get(number));
      this.first.set(number, at);
    }
    s.packets++;
    s[j.fate]++;
    if (j.fate === 'lost' || j.fate === 'unknown') {
      let e = 0;
      while (e < s.ends.length && s.ends[e]!.verdict !== j.verdict) e++;
      if (e < s.ends.length) s.ends[e]!.packets++;
      else if (s.ends.length < 20) s.ends.push({ verdict: j.verdict, packets: 1 });
    }
  }
}
