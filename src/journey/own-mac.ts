// A capture on one Ethernet interface (tcpdump -i eth1, or a pcap without direction flags)
// does not say which frames the host sent. Its own MAC does: it is on nearly every frame, as
// the source of what the host sends and the destination of what it receives. One is learnt
// per interface from the frames that lack a direction, and then gives them one.
import { Direction } from '../capture/types.js';

const BROADCAST = 0xffffffffffff;
/** The MAC must be on at least this share of the frames to be taken as the host's own. */
const SHARE = 0.6;
const MAX_MACS = 4096;

/** One interface's tally: frames counted, and how many of them carried each MAC. */
interface Tally {
  frames: number;
  macs: Map<number, number>;
}

export class OwnMacLearner {
  private readonly counts = new Map<string, Tally>();
  private readonly own = new Map<string, number>();
  // Every frame of a capture is counted: the last interface's tally is kept at hand.
  private lastIface: string | undefined;
  private last: Tally | undefined;

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
    count(tally.macs, src);
    if (dst !== src) count(tally.macs, dst);
  }

  /** Decides each interface's own MAC once every frame was counted. */
  finish(): void {
    this.lastIface = this.last = undefined;
    for (const [iface, { frames: total, macs: m }] of this.counts) {
      let best = 0;
      let bestCount = 0;
      for (const [mac, n] of m) if (n > bestCount) [best, bestCount] = [mac, n];
      if (total > 0 && bestCount >= SHARE * total) this.own.set(iface, best);
    }
    this.counts.clear();
  }

  /** The direction of an undirected frame on `iface`, Unknown when it is not the host's. */
  direction(iface: string, src: number, dst: number): Direction {
    const own = this.own.get(iface);
    if (own === undefined) return Direction.Unknown;
    if (src === own) return Direction.Outbound;
    if (dst === own || dst === BROADCAST) return Direction.Inbound;
    return Direction.Unknown;
  }
}

function count(macs: Map<number, number>, mac: number): void {
  if (mac === 0 || mac === BROADCAST) return;
  const n = macs.get(mac);
  if (n !== undefined) macs.set(mac, n + 1);
  else if (macs.size < MAX_MACS) macs.set(mac, 1);
}
