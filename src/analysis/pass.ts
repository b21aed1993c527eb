// The single sequential pass: every frame is read in file order (Capture.scan), dissected once,
// turned into Facts once, and handed to every collector. Models are built from what the
// collectors kept; nothing here holds a packet after its turn.
import type { Capture } from '../capture/capture.js';
import { dissect } from '../dissect/dissect.js';
import { frameMetaInto } from '../dissect/frame-meta.js';
import type { Registry } from '../dissect/registry.js';
import type { FrameMeta, Layer, Note, Packet } from '../dissect/types.js';
import { Facts } from './facts.js';
import { FastFacts } from './fast-facts.js';

export interface Collector {
  packet(f: Facts, pkt: Packet): void;
}

export interface PassStats {
  /** Frames in the capture and frames that fed the models (after the display filter). */
  frames: number;
  analysed: number;
  /** Epoch seconds of the first frame; times in the models are relative to it. */
  start: number;
  /** Relative time of the last frame of the capture. */
  end: number;
  /** Frames whose capture was cut by the snaplen. */
  truncated: number;
}

const NO_NAMES: ReadonlyMap<number, string> = new Map();

export interface PassInput {
  capture: Capture;
  registry: Registry;
  ifnames?: ReadonlyMap<number, string>;
  filter?: (pkt: Packet) => boolean;
}

/**
 * Runs the collectors over every frame of the capture, in order, in one pass. A single
 * function may stand for them all (analyze() does this so that each collector's call site
 * sees one class and stays cheap).
 */
export function runPass(input: PassInput, collectors: readonly Collector[] | ((f: Facts, pkt: Packet) => void)): PassStats {
  const { capture, registry } = input;
  const ifnames = input.ifnames ?? NO_NAMES;
  const filter = input.filter;
  const index = capture.index;
  const count = capture.frameCount;
  const start = count > 0 ? index.secondsOf(0) + index.nanosOf(0) / 1e9 : 0;
  const end = count > 0 ? index.secondsOf(count - 1) - index.secondsOf(0) + (index.nanosOf(count - 1) - index.nanosOf(0)) / 1e9 : 0;
  const stats: PassStats = { frames: count, analysed: 0, start, end, truncated: 0 };
  const facts = new Facts();
  const list = typeof collectors === 'function' ? [{ packet: collectors }] : collectors;
  const one = list.length === 1 ? list[0]! : undefined;
  const n = list.length;
  // One FrameMeta for the whole pass: no collector keeps a packet after its turn.
  const meta: FrameMeta = { number: 0, sec: 0, nsec: 0, capLen: 0, origLen: 0, linkType: 1, interfaceId: 0, direction: 0 };
  // A display filter needs every packet dissected; otherwise most are read without their layers.
  const fast = filter ? undefined : new FastFacts(registry);
  const lazy = new LazyPacket(registry);
  capture.scan(0, count, (i, data) => {
    frameMetaInto(meta, capture, i, ifnames);
    const time = meta.relative ?? 0;
    let pkt: Packet;
    if (fast !== undefined && fast.read(facts, data, meta, i, time)) {
      lazy.reset(data, meta);
      pkt = lazy;
    } else {
      pkt = dissect(data, meta, registry);
      if (filter && !filter(pkt)) return;
      facts.read(pkt, i, time);
    }
    stats.analysed++;
    if (meta.capLen < meta.origLen) stats.truncated++;
    if (one) one.packet(facts, pkt);
    else for (let k = 0; k < n; k++) list[k]!.packet(facts, pkt);
  });
  return stats;
}

/** A packet read by the fast path: its layers are dissected only if a collector asks for them. */
class LazyPacket implements Packet {
  data: Uint8Array = new Uint8Array(0);
  frame!: FrameMeta;
  private full: Packet | undefined;
  constructor(private readonly registry: Registry) {}

  reset(data: Uint8Array, frame: FrameMeta): void {
    this.data = data;
    this.frame = frame;
    this.full = undefined;
  }

  private dissected(): Packet {
    return (this.full ??= dissect(this.data, this.frame, this.registry));
  }

  get layers(): Layer[] {
    return this.dissected().layers;
  }

  get notes(): Note[] {
    return this.dissected().notes;
  }
}

/** Appends while the list is shorter than `cap` (bounded evidence lists). */
export function pushCapped<T>(list: T[], value: T, cap: number): void {
  if (list.length < cap) list.push(value);
}

/** Seconds rounded to microseconds, for JSON and tables. */
export function roundTime(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}
