// The journey being judged. A large run judges millions, most of them only to be counted in
// their flows (`journey --summary`; past the journeys text lists; alerts across captures, which
// keep the lost ones): one object refilled for each, hops included, and its packet's texts made
// only when the judging names the packet. Those the consumer keeps are copied out whole.
import type { Addr } from '../analysis/addr.js';
import type { Fate, Judgement, LastSeen } from './fate.js';
import type { Hop, IcmpEvidence, Journey } from './journey-types.js';
import { PacketNumbers, flowName, packetInfo, type PacketInfo } from './packet-info.js';

const NO_ERRORS: readonly IcmpEvidence[] = Object.freeze([]);
const NOT_SEEN: LastSeen = Object.freeze({ capture: '', interface: null, direction: 'unknown' });

export class CountedJourney implements Journey {
  id = 0;
  target: Addr = 0;
  hops: Hop[] = [];
  answered = false;
  errors = NO_ERRORS as IcmpEvidence[];
  fate: Fate = 'unknown';
  lastSeen = NOT_SEEN;
  verdict = '';
  private numbers = new PacketNumbers();
  private info: PacketInfo | undefined;

  /** Its packet's texts, made once per journey when asked for. */
  get packet(): PacketInfo {
    return (this.info ??= packetInfo(this.numbers));
  }

  get flow(): string {
    return flowName(this.packet);
  }

  /** Becomes the next journey: `numbers` and `hops` are read until the next refill, not copied. */
  refill(id: number, numbers: PacketNumbers, target: Addr, hops: Hop[], answered: boolean, errors: IcmpEvidence[] | undefined): this {
    this.id = id;
    this.numbers = numbers;
    this.info = undefined;
    this.target = target;
    this.hops = hops;
    this.answered = answered;
    this.errors = errors ?? (NO_ERRORS as IcmpEvidence[]);
    return this;
  }

  /** The judged journey as an object of its own, for a consumer that keeps it. */
  kept(judged: Judgement): Journey {
    const packet = this.packet;
    return {
      id: this.id,
      flow: flowName(packet),
      packet,
      target: this.target,
      hops: judged.hops.map((h) => ({ ...h, encap: h.encap && { ...h.encap } })),
      answered: this.answered,
      errors: this.errors === NO_ERRORS ? [] : this.errors,
      fate: judged.fate,
      lastSeen: judged.lastSeen,
      verdict: judged.verdict,
    };
  }
}
