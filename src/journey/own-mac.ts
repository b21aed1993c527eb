// A capture on one Ethernet interface (tcpdump -i eth1, or a pcap without direction flags)
// does not say which frames the host sent. Its own MAC does: it is on nearly every frame, as
// the source of what the host sends and the destination of what it receives. One is learnt
// per interface from the frames that lack a direction, and then gives them one.
import type { Capture } from '../capture/capture.js';
import { Direction, LinkType } from '../capture/types.js';
import { macNumber } from '../analysis/addr.js';

const BROADCAST = 0xffffffffffff;
/** The MAC must be on at least this share of the frames to be taken as the host's own. */
const SHARE = 0.6;
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
  private readonly own = new Map<string, number>();
  // Every frame of a capture is counted: the last interface's tally is kept at hand.
  private lastIface: string | undefined;
  private last: Tally | undefined;
  private askedIface: string | undefined;
  private askedOwn: number | undefined;
  private readonly pendingMac = new Float64Array(1 << PENDING_BITS).fill(-1);
  private readonly pendingCount = new Int32Array(1 << PENDING_BITS);
  private readonly pendingTally: (Tally | undefined)[] = new Array<Tally | undefined>(1 << PENDING_BITS).fill(undefined);

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
      let best = 0;
      let bestCount = 0;
      for (const [mac, n] of m) if (n > bestCount) [best, bestCount] = [mac, n];
      if (total > 0 && bestCount >= SHARE * total) this.own.set(iface, best);
    }
    this.counts.clear();
  }

  /** What finish() decided: each interface's own MAC (plain data, for another thread). */
  decided(): [iface: string, mac: number][] {
    return [...this.own];
  }

  /** A finished learner that decided what another one did. */
  static fromDecided(own: readonly [string, number][]): OwnMacLearner {
    const learner = new OwnMacLearner();
    for (const [iface, mac] of own) learner.own.set(iface, mac);
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
    macs.add(itf.name ?? '', macNumber(d, 6), macNumber(d, 0));
  };
}
