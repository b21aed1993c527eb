// What the views read about packets: summaries for list rows (dissected on demand, a small
// LRU), the full packet and tree of the few packets being looked at, and the rows the
// current display filter lets through.
import type { Capture } from '../capture/capture.js';
import { resolutionDigits } from '../capture/types.js';
import { dissect } from '../dissect/dissect.js';
import { frameMeta } from '../dissect/frame-meta.js';
import type { Registry } from '../dissect/registry.js';
import { summarize, type PacketSummary } from '../dissect/summary.js';
import { buildTree } from '../dissect/tree.js';
import type { Packet, TreeNode } from '../dissect/types.js';
import { safeText } from '../text/escape.js';
import { maxOf } from '../util/max.js';
import { columnCell, resolveColumn, type CustomColumn } from './custom-columns.js';
import { StreamState } from './stream-state.js';

class Lru<V> {
  private readonly map = new Map<number, V>();
  constructor(private readonly capacity: number) {}
  get(k: number): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: number, v: V): void {
    this.map.set(k, v);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as number);
  }
  clear(): void {
    this.map.clear();
  }
  /** Drops the keys in [from, to). */
  forget(from: number, to: number): void {
    // A Map may lose entries while it is iterated: no copy of the keys.
    for (const k of this.map.keys()) if (k >= from && k < to) this.map.delete(k);
  }
  get size(): number {
    return this.map.size;
  }
}

/** Summaries kept: a few screens of rows in each direction. */
const SUMMARY_CACHE = 4096;
const PACKET_CACHE = 16;

/** What the store tells the UI, and asks of it. */
export interface StoreHooks {
  /** Packets already shown have changed (their stream state arrived): draw again. */
  changed?: () => void;
  /** Another job runs in slices of the event loop: the stream pass waits for it. */
  busy?: () => boolean;
}

export class PacketStore {
  private readonly summaries = new Lru<PacketSummary>(SUMMARY_CACHE);
  private readonly packets = new Lru<Packet>(PACKET_CACHE);
  private readonly trees = new Lru<TreeNode[]>(PACKET_CACHE);
  /** The cells of the user's columns, made with the summary from the same dissection. */
  private readonly cellCache = new Lru<string[]>(SUMMARY_CACHE);
  private custom: CustomColumn[] = [];
  private digits: number | undefined;

  private streams: StreamState;

  constructor(
    readonly capture: Capture,
    private reg: Registry,
    readonly ifnames: ReadonlyMap<number, string>,
    private readonly hooks: StoreHooks = {},
  ) {
    this.streams = this.streamState();
  }

  private streamState(): StreamState {
    const changed = (from: number, to: number): void => {
      for (const cache of [this.summaries, this.packets, this.trees, this.cellCache]) cache.forget(from, to);
      this.hooks.changed?.();
    };
    return new StreamState(this.capture, this.reg, this.ifnames, changed, () => this.hooks.busy?.() ?? false);
  }

  /** Whether the stream pass is working towards packets being looked at. */
  get annotating(): boolean {
    return this.streams.running;
  }

  /** Frames the stream pass has annotated, from the first. */
  get annotatedUpTo(): number {
    return this.streams.coveredFrames;
  }

  /** How far the stream pass is towards them (0 to 1). */
  get annotatedFraction(): number {
    return this.streams.fraction;
  }

  /** More packets were indexed. */
  grew(): void {
    this.streams.grew();
  }

  dispose(): void {
    this.streams.stop();
  }

  /**
   * The packets at these positions are on the screen: the stream pass goes as far as them.
   * (Not for rows read only to size the columns, spread over the whole capture.)
   */
  showing(positions: ArrayLike<number>): void {
    let last = -1;
    for (let i = 0; i < positions.length; i++) last = Math.max(last, positions[i]!);
    if (last >= 0) this.streams.want(last + 1);
  }

  /** Dissects the packet at `pos` alone, with the stream state once the pass has reached it. */
  private dissectAt(pos: number, data: Uint8Array): Packet {
    const pkt = dissect(data, frameMeta(this.capture, pos, this.ifnames), this.reg);
    this.streams.annotate(pos, pkt);
    return pkt;
  }

  get registry(): Registry {
    return this.reg;
  }

  /** Packets indexed so far (grows while the capture loads). */
  get count(): number {
    return this.capture.frameCount;
  }

  /** Re-dissects everything from now on with another registry (after `:decode`). */
  setRegistry(reg: Registry): void {
    this.reg = reg;
    this.streams.stop();
    this.streams = this.streamState();
    this.summaries.clear();
    this.packets.clear();
    this.trees.clear();
    this.cellCache.clear();
    this.custom = this.custom.map((c) => resolveColumn(c.name, reg));
  }

  /** The user's columns, by field name; throws a usage error for a name the registry does not know. */
  setColumns(names: readonly string[]): void {
    this.custom = names.map((n) => resolveColumn(n, this.reg));
    this.cellCache.clear();
  }

  get columns(): readonly string[] {
    return this.custom.map((c) => c.name);
  }

  /** The user's columns' cells for the packet at `pos`. */
  cells(pos: number): string[] {
    if (this.custom.length === 0) return [];
    let c = this.cellCache.get(pos);
    if (!c) {
      this.summary(pos);
      c = this.cellCache.get(pos);
      if (!c) {
        c = this.cellsOf(this.packet(pos));
        this.cellCache.set(pos, c);
      }
    }
    return c;
  }

  private cellsOf(pkt: Packet): string[] {
    return this.custom.map((col) => columnCell(pkt, col));
  }

  /** Summarizes a dissected packet, and makes its custom cells from the same dissection. */
  private summarizeAt(pos: number, pkt: Packet): PacketSummary {
    const s = summarize(pkt, this.reg);
    this.summaries.set(pos, s);
    if (this.custom.length) this.cellCache.set(pos, this.cellsOf(pkt));
    return s;
  }

  /** The packet at `pos`, dissected in full (the one selected: the stream pass goes as far as it). */
  packet(pos: number): Packet {
    this.streams.want(pos + 1);
    let p = this.packets.get(pos);
    if (!p) {
      p = this.dissectAt(pos, this.capture.frame(pos));
      this.packets.set(pos, p);
    }
    return p;
  }

  summary(pos: number): PacketSummary {
    let s = this.summaries.get(pos);
    if (!s) s = this.summarizeAt(pos, this.packets.get(pos) ?? this.dissectAt(pos, this.capture.frame(pos)));
    return s;
  }

  /**
   * Summarizes the packets at these positions that are not cached yet, reading runs of
   * consecutive frames with one sequential read each (what a screenful of rows needs).
   */
  prefetch(positions: ArrayLike<number>): void {
    let i = 0;
    while (i < positions.length) {
      const first = positions[i]!;
      if (this.summaries.get(first)) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < positions.length && positions[j] === positions[j - 1]! + 1 && !this.summaries.get(positions[j]!)) j++;
      const last = positions[j - 1]!;
      if (j - i === 1) this.summary(first);
      else
        this.capture.scan(first, last + 1, (pos, data) => {
          // scan hands out views into a shared buffer: the summary and cells keep only strings and numbers.
          this.summarizeAt(pos, this.dissectAt(pos, data));
        });
      i = j;
    }
  }

  tree(pos: number): TreeNode[] {
    let t = this.trees.get(pos);
    if (!t) {
      t = buildTree(this.packet(pos), this.reg);
      this.trees.set(pos, t);
    }
    return t;
  }

  /** Seconds since the first packet, with as many digits as the capture's resolution. */
  timeText(pos: number): string {
    const ix = this.capture.index;
    if (this.digits === undefined && this.capture.interfaces.length) {
      this.digits = maxOf(
        this.capture.interfaces.map((f) => resolutionDigits(f.tsResolution)),
        0,
      );
    }
    const d = this.digits ?? 6;
    if (ix.untimedOf(pos)) return '';
    const rel = ix.secondsOf(pos) - ix.secondsOf(0) + (ix.nanosOf(pos) - ix.nanosOf(0)) / 1e9;
    return rel.toFixed(d);
  }

  /** Length of the longest interface name as shown (escaped), at least that of "ifNN". */
  interfaceNameWidth(): number {
    let w = 4;
    for (const f of this.capture.interfaces) if (f.name !== undefined) w = Math.max(w, safeText(f.name).length);
    for (const n of this.ifnames.values()) w = Math.max(w, safeText(n).length);
    return w;
  }

  /** Whether the list needs the Interface/Dir column: named interfaces or recorded directions. */
  hasInterfaceInfo(): boolean {
    const c = this.capture;
    if (c.index.hasIfindex) return true;
    if (c.interfaces.some((f) => f.name !== undefined || f.linkType === 113 || f.linkType === 276)) return true;
    const n = Math.min(c.frameCount, 64);
    for (let i = 0; i < n; i++) if (c.index.directionOf(i) !== 0) return true;
    return false;
  }
}

/** The rows the packet list shows: every packet, or the positions a filter kept (ascending). */
export interface RowSource {
  readonly length: number;
  /** Capture position (0-based) of a row. */
  position(row: number): number;
  /** Row of a capture position, or the row of the nearest following position (length when none). */
  rowAtOrAfter(pos: number): number;
  /** Row showing exactly this position, or -1. */
  rowOf(pos: number): number;
}

export class AllRows implements RowSource {
  constructor(private readonly store: PacketStore) {}
  get length(): number {
    return this.store.count;
  }
  position(row: number): number {
    return row;
  }
  rowAtOrAfter(pos: number): number {
    return Math.min(Math.max(0, pos), this.length);
  }
  rowOf(pos: number): number {
    return pos >= 0 && pos < this.length ? pos : -1;
  }
}

/** A growable ascending list of positions, filled by a filter run. */
export class MatchedRows implements RowSource {
  private data = new Uint32Array(1024);
  private n = 0;

  get length(): number {
    return this.n;
  }

  push(pos: number): void {
    if (this.n === this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = pos;
  }

  position(row: number): number {
    return this.data[row]!;
  }

  rowAtOrAfter(pos: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.data[mid]! < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  rowOf(pos: number): number {
    const r = this.rowAtOrAfter(pos);
    return r < this.n && this.data[r] === pos ? r : -1;
  }
}
