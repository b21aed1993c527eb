// What the Journey view draws when the UI shows several captures merged into one list: each
// followed packet's hops (with their frame in the merged list and in their own capture), its
// fate, and which merged frame belongs to which journey. Plain data: the analysis worker
// builds it and posts it to the UI thread.
import { Direction } from '../capture/types.js';
import { formatAddr } from '../analysis/addr.js';
import type { Fate } from '../journey/fate.js';
import type { Journey } from '../journey/engine.js';
import { describePacket } from '../journey/packet-info.js';
import type { MergedOrigins } from '../journey/merge-writer.js';
import { safeText } from '../text/escape.js';

export interface JourneyHopRow {
  /** Frame number in the merged list. */
  frame: number;
  capture: string;
  /** Frame number in its own capture. */
  captureFrame: number;
  iface: string;
  direction: 'In' | 'Out' | '';
  otherHost: boolean;
  /** Seconds after the journey's first hop, on the reference clock. */
  after: number;
  ttl: number;
  /** "VXLAN 192.168.10.100→192.168.20.100 VNI 10100", or "" for a plain copy. */
  encap: string;
}

export interface JourneyRow {
  id: number;
  /** "ICMP echo request id 519 seq 1  172.20.0.10 → 172.20.2.30" */
  packet: string;
  fate: Fate;
  verdict: string;
  hops: JourneyHopRow[];
}

export interface JourneyView {
  rows: JourneyRow[];
  /** byFrame[n - 1]: index in rows of the journey merged frame n belongs to; NOT_FOLLOWED, or NOT_KEPT. */
  byFrame: Int32Array;
  /** Indexes in rows of the lost journeys, in the order they started. */
  lost: number[];
  /** Lost journeys, kept or not. */
  lostTotal: number;
  /** Packets followed (journeys), kept or not. */
  followed: number;
  /** Journeys followed but not kept for the view (past its limit; never a lost one): counted, not shown. */
  notKept: number;
  /** One line per capture: its packets and its clock offset. */
  captures: string[];
}

/** Journeys kept for the view, a few hundred bytes each; lost ones have their own limit, so that none goes unseen. */
export const UI_JOURNEYS = 100_000;
export const UI_LOST_JOURNEYS = 100_000;
export const NOT_FOLLOWED = -1;
/** The frame's packet was followed, its journey not kept (past UI_JOURNEYS). */
export const NOT_KEPT = -2;

/** "router #8": the capture a merged frame came from and its number there. */
export function captureLabel(m: { names: readonly string[]; origins: MergedOrigins }, position: number): string {
  return `${m.names[m.origins.capture[position]!] ?? '?'} #${m.origins.frame[position]}`;
}

const DIR: Record<number, 'In' | 'Out'> = { [Direction.Inbound]: 'In', [Direction.Outbound]: 'Out' };

/** Collects journeys as the engine judges them, with their frames numbered as in the merged list. */
export class JourneyViewBuilder {
  private readonly rows: JourneyRow[] = [];
  private readonly byFrame: Int32Array;
  private readonly lost: number[] = [];
  private followed = 0;
  private notKept = 0;
  private others = 0;
  private lostTotal = 0;

  constructor(
    mergedFrames: number,
    private readonly names: readonly string[],
    /** The merged frame number of (capture index, its frame number). */
    private readonly mergedFrame: (capture: number, frame: number) => number,
    private readonly show: (address: string) => string = (a) => a,
    private readonly limits = { journeys: UI_JOURNEYS, lost: UI_LOST_JOURNEYS },
  ) {
    this.byFrame = new Int32Array(mergedFrames).fill(NOT_FOLLOWED);
  }

  add(j: Journey): void {
    this.followed++;
    const lost = j.fate === 'lost';
    if (lost) this.lostTotal++;
    if (lost ? this.lost.length >= this.limits.lost : this.others >= this.limits.journeys) {
      this.notKept++;
      for (const h of j.hops) {
        const frame = this.mergedFrame(h.capture, h.frame);
        if (frame > 0) this.byFrame[frame - 1] = NOT_KEPT;
      }
      return;
    }
    if (!lost) this.others++;
    const index = this.rows.length;
    const first = j.hops[0]?.time ?? 0;
    const hops = j.hops.map((h): JourneyHopRow => {
      const frame = this.mergedFrame(h.capture, h.frame);
      if (frame > 0) this.byFrame[frame - 1] = index;
      const e = h.encap;
      return {
        frame,
        capture: this.names[h.capture] ?? '',
        captureFrame: h.frame,
        iface: h.iface === undefined ? '' : safeText(h.iface),
        direction: DIR[h.direction] ?? '',
        otherHost: h.otherHost,
        after: h.time - first,
        ttl: h.ttl,
        encap: e ? `${e.type.toUpperCase()} ${this.show(formatAddr(e.outerSrc))}→${this.show(formatAddr(e.outerDst))} VNI ${e.vni}` : '',
      };
    });
    const p = j.packet;
    this.rows.push({
      id: j.id,
      packet: safeText(`${describePacket(p)}  ${this.show(p.src)} → ${this.show(p.dst)}`),
      fate: j.fate,
      verdict: safeText(j.verdict),
      hops,
    });
    if (j.fate === 'lost') this.lost.push(index);
  }

  finish(captures: string[]): JourneyView {
    return {
      rows: this.rows,
      byFrame: this.byFrame,
      lost: this.lost,
      lostTotal: this.lostTotal,
      followed: this.followed,
      notKept: this.notKept,
      captures,
    };
  }
}

/** The journey merged frame n belongs to, if one was followed through it and kept. */
export function journeyOfFrame(view: JourneyView, frame: number): JourneyRow | undefined {
  const k = view.byFrame[frame - 1];
  return k === undefined || k < 0 ? undefined : view.rows[k];
}
