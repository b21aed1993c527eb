// A capture on one Ethernet interface (tcpdump -i eth1, or a pcap without direction flags)
// does not say which frames the host sent. Its own MAC does: it is on nearly every frame, as
// the source of what the host sends and the destination of what it receives. One is learnt
// per interface from the frames that lack a direction, and then gives them one. On a link
// between two hosts (a node's uplink to its router) both MACs are on nearly every frame: there
// the host's files decide (a MAC its `ip link` lists, frames from or to an address its
// `ip route` names as its own), and without them no direction is guessed.
import type { Capture } from '../capture/capture.js';
import { Direction, LinkType } from '../capture/types.js';
import { macNumber, v4At } from '../analysis/addr.js';

/** What the host's own files say about it: its interfaces' MACs and its IPv4 addresses. */
export interface OwnHints {
  macs: readonly number[];
  v4: readonly number[];
}

const ETHERTYPE_IPV4 = 0x0800;

/** The hints of a host's `ip link` entries (their MACs) and IPv4 addresses. */
export function ownHints(links: readonly { mac?: number }[] | undefined, v4: readonly number[]): OwnHints {
  return { macs: (links ?? []).flatMap((e) => (e.mac !== undefined ? [e.mac] : [])), v4 };
}

const BROADCAST = 0xffffffffffff;
/** The MAC must be on at least this share of the frames to be taken as the host's own. */
const SHARE = 0.6;
/**
 * A second MAC on this share of the first one's frames or more: a link between two hosts, where
 * each end is on nearly every frame (only broadcasts tell them apart), and neither can be taken.
 */
const TIE = 0.9;
/** pick()'s answer for such a link. */
const TIED = 'tied';
const MAX_MACS = 4096;

/** One interface's tally: frames counted, and how many of them carried each MAC. */
interface Tally {
  frames: number;
  macs: Map<number, number>;
}

/**
 * Counts not yet added to the tallies, by a hash of the interface's tally and the MAC: a host
 * sees a few MACs on nearly every frame, and a Map update per MAC per frame was most of the
 * learning. Only MACs already in their tally are held here, so the tallies keep their order of
 * first sight (which breaks ties) and their bound.
 */
const PENDING_BITS = 10;

export class OwnMacLearner {
  private readonly counts = new Map<string, Tally>();
  private readonly knownMacs: ReadonlySet<number>;
  private readonly localV4: ReadonlySet<number>;
  /** Per interface, how many frames from or to one of the host's addresses carried each MAC on the host's side. */
  private readonly votes = new Map<string, Map<number, number>>();
  private readonly own = new Map<string, number>();
  /** Interfaces where two MACs are on most frames and nothing else told which is the host's. */
  private undecided: string[] = [];
  // Every frame of a capture is counted: the last interface's tally is kept at hand.
  private lastIface: string | undefined;
  private last: Tally | undefined;
  private askedIface: string | undefined;
  private askedOwn: number | undefined;
  private readonly pendingMac = new Float64Array(1 << PENDING_BITS).fill(-1);
  private readonly pendingCount = new Int32Array(1 << PENDING_BITS);
  private readonly pendingTally: (Tally | undefined)[] = new Array<Tally | undefined>(1 << PENDING_BITS).fill(undefined);

  constructor(hints?: OwnHints) {
    this.knownMacs = new Set(hints?.macs ?? []);
    this.localV4 = new Set(hints?.v4 ?? []);
  }

  /** Whether frames' IPv4 addresses can tell the host's MAC (it has addresses to look for). */
  get knowsAddresses(): boolean {
    return this.localV4.size > 0;
  }

  /** An undirected IPv4 frame's addresses: one of the host's own marks its MAC on that side. */
  addAddresses(iface: string, src: number, dst: number, srcIp: number, dstIp: number): void {
    const mac = this.localV4.has(srcIp) ? src : this.localV4.has(dstIp) ? dst : 0;
    if (mac === 0 || mac === BROADCAST) return;
    let votes = this.votes.get(iface);
    if (!votes) this.votes.set(iface, (votes = new Map()));
    if (votes.size < MAX_MACS || votes.has(mac)) votes.set(mac, (votes.get(mac) ?? 0) + 1);
  }

  /** Counts one undirected frame's MACs (0 = unknown). */
  add(iface: string, src: number, dst: number): void {
    if (src === 0 && dst === 0) return;
    let tally = iface === this.lastIface ? this.last : this.counts.get(iface);
    if (!tally) {
      tally = { frames: 0, macs: new Map() };
      this.counts.set(iface, tally);
    }
    this.lastIface = iface;
    this.last = tally;
    tally.frames++;
    this.count(tally, src);
    if (dst !== src) this.count(tally, dst);
  }

  private count(tally: Tally, mac: number): void {
    if (mac === 0 || mac === BROADCAST) return;
    const i = Math.imul((mac >>> 0) ^ Math.floor(mac / 4294967296), 0x9e3779b1) >>> (32 - PENDING_BITS);
    if (this.pendingMac[i] === mac && this.pendingTally[i] === tally) {
      this.pendingCount[i]!++;
      return;
    }
    const n = tally.macs.get(mac);
    if (n === undefined) {
      if (tally.macs.size < MAX_MACS) tally.macs.set(mac, 1);
      return;
    }
    this.flush(i);
    this.pendingMac[i] = mac;
    this.pendingTally[i] = tally;
    this.pendingCount[i] = 1;
  }

  private flush(i: number): void {
    const tally = this.pendingTally[i];
    if (tally === undefined) return;
    const mac = this.pendingMac[i]!;
    tally.macs.set(mac, tally.macs.get(mac)! + this.pendingCount[i]!);
    this.pendingTally[i] = undefined;
    this.pendingMac[i] = -1;
    this.pendingCount[i] = 0;
  }

  /** Decides each interface's own MAC once every frame was counted. */
  finish(): void {
    this.askedIface = this.askedOwn = undefined;
    for (let i = 0; i < this.pendingTally.length; i++) this.flush(i);
    this.lastIface = this.last = undefined;
    for (const [iface, { frames: total, macs: m }] of this.counts) {
      const own = this.pick(total, m, this.votes.get(iface));
      if (own === TIED) this.undecided.push(iface);
      else if (own !== undefined) this.own.set(iface, own);
    }
    this.votes.clear();
    this.counts.clear();
  }

  /** The interface's own MAC from its tally; TIED for two MACs on nearly as many frames each, undefined for none on most. */
  private pick(total: number, macs: Map<number, number>, votes: Map<number, number> | undefined): number | typeof TIED | undefined {
    // A MAC the host's `ip link` lists is its own.
    let best: number | undefined;
    let bestCount = 0;
    for (const [mac, n] of macs) if (this.knownMacs.has(mac) && n > bestCount) [best, bestCount] = [mac, n];
    if (best !== undefined) return best;
    // The MAC on the host's side of frames from or to its addresses.
    for (const [mac, n] of votes ?? []) if (n > bestCount) [best, bestCount] = [mac, n];
    if (best !== undefined) return best;
    // The MAC on most frames, unless another one is on nearly as many (a link between two hosts).
    let second = 0;
    for (const [mac, n] of macs) {
      if (n > bestCount) {
        second = bestCount;
        [best, bestCount] = [mac, n];
      } else if (n > second) second = n;
    }
    if (total === 0 || bestCount < SHARE * total) return undefined;
    return second < TIE * bestCount ? best : TIED;
  }

  /** What finish() decided: each interface's own MAC (plain data, for another thread). */
  decided(): [iface: string, mac: number][] {
    return [...this.own];
  }

  /** The interfaces where no own MAC could be told apart from a peer's (finish()). */
  get undecidedInterfaces(): readonly string[] {
    return this.undecided;
  }

  /** A finished learner that decided what another one did. */
  static fromDecided(own: readonly [string, number][], undecided: readonly string[] = []): OwnMacLearner {
    const learner = new OwnMacLearner();
    for (const [iface, mac] of own) learner.own.set(iface, mac);
    learner.undecided = [...undecided];
    return learner;
  }

  /** The direction of an undirected frame on `iface`, Unknown when it is not the host's. */
  direction(iface: string, src: number, dst: number): Direction {
    // Asked for every frame, mostly of the interface asked about last.
    let own = this.askedOwn;
    if (iface !== this.askedIface) {
      own = this.own.get(iface);
      this.askedIface = iface;
      this.askedOwn = own;
    }
    if (own === undefined) return Direction.Unknown;
    if (src === own) return Direction.Outbound;
    if (dst === own || dst === BROADCAST) return Direction.Inbound;
    return Direction.Unknown;
  }
}

/** What OwnMacLearner is fed for each frame of a capture: the MACs of undirected Ethernet frames. */
export function ownMacFeeder(macs: OwnMacLearner): (position: number, data: Uint8Array, capture: Capture) => void {
  return (i, d, capture) => {
    const ix = capture.index;
    if (ix.directionOf(i) !== Direction.Unknown || d.length < 12) return;
    const itf = capture.interfaces[ix.interfaceOf(i)];
    if (itf?.linkType !== LinkType.ETHERNET) return;
    const iface = itf.name ?? '';
    const src = macNumber(d, 6);
    const dst = macNumber(d, 0);
    macs.add(iface, src, dst);
    if (macs.knowsAddresses && d.length >= 34 && ((d[12]! << 8) | d[13]!) === ETHERTYPE_IPV4) macs.addAddresses(iface, src, dst, v4At(d, 26), v4At(d, 30));
  };
}
