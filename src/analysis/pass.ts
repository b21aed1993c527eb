// The single sequential pass: every frame, in file order as the reader hands it over, is
// dissected once (or read by the fast path), turned into Facts once, and handed to the collectors. Models are built from what the
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
  registry: Registry;
  ifnames?: ReadonlyMap<number, string>;
  filter?: (pkt: Packet) => boolean;
}

/**
 * The pass one frame at a time, for a reader that hands frames over as it reads them
 * (analysis while the capture streams in, without a second read or a frame index).
 */
export class Pass {
  private readonly facts = new Facts();
  private readonly fast: FastFacts | undefined;
  private readonly lazy: LazyPacket;
  // One FrameMeta for the whole pass: no collector keeps a packet after its turn.
  private readonly meta: FrameMeta = { number: 0, sec: 0, nsec: 0, capLen: 0, origLen: 0, linkType: 1, interfaceId: 0, direction: 0 };
  private readonly ifnames: ReadonlyMap<number, string>;
  private readonly filter: ((pkt: Packet) => boolean) | undefined;
  private readonly registry: Registry;
  private analysed = 0;
  private truncated = 0;
  private lastTime = 0;

  /**
   * `onPacket` stands for every collector: analyze() passes one function that calls each
   * collector in turn, so that each call site sees one class and stays cheap.
   */
  constructor(
    input: PassInput,
    private readonly onPacket: (f: Facts, pkt: Packet) => void,
  ) {
    this.registry = input.registry;
    this.ifnames = input.ifnames ?? NO_NAMES;
    this.filter = input.filter;
    // A display filter needs every packet dissected; otherwise most are read without their layers.
    this.fast = this.filter ? undefined : new FastFacts(this.registry);
    this.lazy = new LazyPacket(this.registry);
  }

  /** Frame `i` of `capture` (its index entry must still be there: the rolling index keeps the latest). */
  frame(capture: Capture, i: number, data: Uint8Array): void {
    const meta = this.meta;
    const facts = this.facts;
    frameMetaInto(meta, capture, i, this.ifnames);
    const time = meta.relative ?? 0;
    this.lastTime = time;
    let pkt: Packet;
    if (this.fast !== undefined && this.fast.read(facts, data, meta, i, time)) {
      this.lazy.reset(data, meta);
      pkt = this.lazy;
    } else {
      pkt = dissect(data, meta, this.registry);
      if (this.filter && !this.filter(pkt)) return;
      facts.read(pkt, i, time);
    }
    this.analysed++;
    if (meta.capLen < meta.origLen) this.truncated++;
    this.onPacket(facts, pkt);
  }

  /** The pass's figures once every frame of `capture` has been through frame(). */
  stats(capture: Capture): PassStats {
    const index = capture.index;
    const count = capture.frameCount;
    const start = count > 0 ? index.firstSeconds + index.firstNanos / 1e9 : 0;
    return { frames: count, analysed: this.analysed, start, end: count > 0 ? this.lastTime : 0, truncated: this.truncated };
  }
}

/** A packet read by the fast path: its layers are dissected only if a collector asks for them. */
export class LazyPacket implements Packet {
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
