// A capture on one Ethernet interface (tcpdump -i eth1, or a pcap without direction flags)
// does not say which frames the host sent. Its own MAC does: it is on nearly every frame, as
// the source of what the host sends and the destination of what it receives. One is learnt
// per interface from the frames that lack a direction, and then gives them one.
import { Direction } from '../capture/types.js';

const BROADCAST = 0xffffffffffff;
/** The MAC must be on at least this share of the frames to be taken as the host's own. */
const SHARE = 0.6;
const MAX_MACS = 4096;

export class OwnMacLearner {
  private readonly counts = new Map<string, Map<number, number>>();
  private readonly frames = new Map<string, number>();
  private readonly own = new Map<string, number>();

  /** Counts one undirected frame's MACs (0 = unknown). */
  add(iface: string, src: number, dst: number): void {
    if (src === 0 && dst === 0) return;
    let m = this.counts.get(iface);
    if (!m) {
      m = new Map();
      this.counts.set(iface, m);
    }
    this.frames.set(iface, (this.frames.get(iface) ?? 0) + 1);
    for (const mac of src === dst ? [src] : [src, dst]) {
      if (mac === 0 || mac === BROADCAST) continue;
      const n = m.get(mac);
      if (n !== undefined) m.set(mac, n + 1);
      else if (m.size < MAX_MACS) m.set(mac, 1);
    }
  }

  /** Decides each interface's own MAC once every frame was counted. */
  finish(): void {
    for (const [iface, m] of this.counts) {
      const total = this.frames.get(iface) ?? 0;
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
