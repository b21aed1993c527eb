// Several captures' frames in one order: a k-way merge of their frame indexes by corrected time
// (each capture's time minus its clock offset). Frames stay in file order within a capture; a
// binary heap picks the capture whose next frame is earliest. Only the cursors' read windows
// are held, whatever the sizes of the captures.
import type { Capture } from '../capture/capture.js';
import { FrameCursor } from './cursor.js';

export interface MergedFrame {
  /** Which capture, its 0-based frame position, the bytes (valid during the call) and the corrected time. */
  capture: number;
  position: number;
  data: Uint8Array;
  time: number;
}

export function frameTime(capture: Capture, i: number): number {
  const ix = capture.index;
  return ix.secondsOf(i) + ix.nanosOf(i) / 1e9;
}

/** Calls visit for every frame of every capture, earliest corrected time first, until it returns false. */
export function mergeByTime(captures: readonly Capture[], offsets: readonly number[], visit: (f: MergedFrame) => void | false): void {
  const merge = new TimeMerge(captures, offsets);
  try {
    merge.run(visit, Infinity);
  } finally {
    merge.close();
  }
}

/**
 * The same merge, a slice of frames at a time: `await` between slices lets a long merge be
 * interrupted (signals are handled between them); it ends early when visit returns false.
 */
export async function mergeByTimeInSlices(
  captures: readonly Capture[],
  offsets: readonly number[],
  visit: (f: MergedFrame) => void | false,
  slice = 65_536,
): Promise<void> {
  const merge = new TimeMerge(captures, offsets);
  try {
    while (merge.run(visit, slice)) await new Promise((r) => setImmediate(r));
  } finally {
    merge.close();
  }
}

/** The k-way merge's state: a cursor per capture and a heap of the captures by their next frame's time. */
export class TimeMerge {
  private readonly cursors: FrameCursor[];
  private readonly heap: number[] = [];
  private readonly frame: MergedFrame = { capture: 0, position: 0, data: new Uint8Array(0), time: 0 };
  /** Each capture's next frame's corrected time, worked out once as its cursor moves (the heap compares it often). */
  private readonly next: Float64Array;
  private stopped = false;

  constructor(
    private readonly captures: readonly Capture[],
    private readonly offsets: readonly number[],
  ) {
    this.cursors = captures.map((c) => new FrameCursor(c));
    this.next = new Float64Array(captures.length);
    for (let k = 0; k < this.cursors.length; k++) {
      if (!this.cursors[k]!.done) {
        this.next[k] = this.when(k);
        this.heap.push(k);
        this.up(this.heap.length - 1);
      }
    }
  }

  private when(k: number): number {
    return frameTime(this.captures[k]!, this.cursors[k]!.position) - (this.offsets[k] ?? 0);
  }

  private less(a: number, b: number): boolean {
    const ta = this.next[a]!;
    const tb = this.next[b]!;
    return ta < tb || (ta === tb && a < b);
  }

  private swap(i: number, j: number): void {
    const h = this.heap;
    const t = h[i]!;
    h[i] = h[j]!;
    h[j] = t;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(this.heap[i]!, this.heap[p]!)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (l + 1 < h.length && this.less(h[l + 1]!, h[m]!)) m = l + 1;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  /** Visits up to `budget` frames; returns whether frames are left (and visit did not stop). */
  run(visit: (f: MergedFrame) => void | false, budget: number): boolean {
    const heap = this.heap;
    const frame = this.frame;
    for (let n = 0; n < budget && heap.length > 0 && !this.stopped; n++) {
      const k = heap[0]!;
      const cur = this.cursors[k]!;
      frame.capture = k;
      frame.position = cur.position;
      frame.time = this.next[k]!;
      frame.data = cur.data();
      if (visit(frame) === false) {
        this.stopped = true;
        break;
      }
      cur.next();
      if (cur.done) {
        const last = heap.pop()!;
        if (heap.length > 0) {
          heap[0] = last;
          this.down(0);
        }
      } else {
        this.next[k] = this.when(k);
        this.down(0);
      }
    }
    return heap.length > 0 && !this.stopped;
  }

  close(): void {
    for (const c of this.cursors) c.close();
  }
}

/**
 * Frames of each capture in turn, the first `limits[k]` of capture k, with their own times (no
 * clock corrected): the first pass's order, visited a slice at a time as TimeMerge's are.
 */
export class CaptureByCapture {
  private k = 0;
  private readonly cursors: FrameCursor[];
  private readonly frame: MergedFrame = { capture: 0, position: 0, data: new Uint8Array(0), time: 0 };

  constructor(
    private readonly captures: readonly Capture[],
    private readonly limits: readonly number[],
  ) {
    this.cursors = captures.map((c) => new FrameCursor(c));
  }

  /** Visits up to `budget` frames; returns whether frames are left. */
  run(visit: (f: MergedFrame) => void, budget: number): boolean {
    const frame = this.frame;
    for (let n = 0; n < budget;) {
      const k = this.k;
      if (k >= this.captures.length) return false;
      const cur = this.cursors[k]!;
      if (cur.position >= (this.limits[k] ?? 0) || cur.done) {
        cur.close();
        this.k++;
        continue;
      }
      frame.capture = k;
      frame.position = cur.position;
      frame.time = frameTime(this.captures[k]!, cur.position);
      frame.data = cur.data();
      visit(frame);
      cur.next();
      n++;
    }
    return this.k < this.captures.length;
  }

  close(): void {
    for (const c of this.cursors) c.close();
  }
}
