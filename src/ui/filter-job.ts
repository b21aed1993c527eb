// Runs a compiled display filter over the whole index without freezing the screen: packets
// are read in sequential batches and tested for a few milliseconds at a time, then the event
// loop gets a turn (keys, rendering, the capture still loading). Matches are visible while
// the run goes on; when it reaches the end of a capture that is still loading, it waits for
// more packets instead of finishing.
import type { Packet } from '../dissect/types.js';
import { dissect } from '../dissect/dissect.js';
import { frameMeta, frameMetaInto } from '../dissect/frame-meta.js';
import { MatchedRows, type PacketStore } from './store.js';

// Capture.scan reads (and allocates) a 4 MB window per call: each call here covers just what
// fits in one window, so nothing read is thrown away, and the time limit is checked between
// calls. A window of small frames is ~15 ms of dissection; BATCH bounds it for tiny frames.
const WINDOW = 4 * 1024 * 1024 - 65536;
const BATCH = 32768;

/** The end of a run of frames from `from` whose bytes fit in one read window. */
export function windowEnd(index: { offsetOf(i: number): number; capLenOf(i: number): number }, from: number, count: number): number {
  const limit = index.offsetOf(from) + WINDOW;
  let lo = from + 1;
  let hi = Math.min(count, from + BATCH);
  // Largest `to` in (from, hi] with the last frame ending within the window (at least one frame).
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (index.offsetOf(mid - 1) + index.capLenOf(mid - 1) <= limit) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export type JobState = 'running' | 'waiting' | 'done' | 'cancelled';

export interface FilterJobOptions {
  /** Milliseconds of work before yielding to the event loop (keys wait at most this long). */
  sliceMs?: number;
  onProgress?: (job: FilterJob) => void;
  onDone?: (job: FilterJob) => void;
}

export class FilterJob {
  readonly rows = new MatchedRows();
  /** Next capture position to test. */
  tested = 0;
  state: JobState = 'running';
  readonly startedAt = performance.now();
  finishedAt: number | undefined;
  private scheduled = false;

  constructor(
    readonly text: string,
    private readonly store: PacketStore,
    private readonly predicate: (pkt: Packet) => boolean,
    private readonly opts: FilterJobOptions = {},
  ) {}

  start(): this {
    this.schedule();
    return this;
  }

  /** The capture grew: a waiting job continues. */
  notifyGrowth(): void {
    if (this.state === 'waiting') {
      this.state = 'running';
      this.schedule();
    } else if (this.state === 'done' && this.tested < this.store.count) {
      this.state = 'running';
      this.finishedAt = undefined;
      this.schedule();
    }
  }

  cancel(): void {
    if (this.state === 'running' || this.state === 'waiting') this.state = 'cancelled';
  }

  get active(): boolean {
    return this.state === 'running';
  }

  /** Share of the packets known so far that have been tested. */
  get fraction(): number {
    const n = this.store.count;
    return n === 0 ? 1 : this.tested / n;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.step();
    });
  }

  private step(): void {
    if (this.state !== 'running') return;
    const { capture, ifnames, registry } = this.store;
    const deadline = performance.now() + (this.opts.sliceMs ?? 20);
    const rows = this.rows;
    const predicate = this.predicate;
    // One FrameMeta refilled for every packet: each is dissected, tested and dropped.
    const meta = capture.frameCount ? frameMeta(capture, 0, ifnames) : undefined;
    while (meta && this.tested < capture.frameCount) {
      const from = this.tested;
      const to = windowEnd(capture.index, from, capture.frameCount);
      capture.scan(from, to, (pos, data) => {
        if (predicate(dissect(data, frameMetaInto(meta, capture, pos, ifnames), registry))) rows.push(pos);
      });
      this.tested = to;
      if (performance.now() >= deadline) break;
    }
    if (this.tested >= capture.frameCount) {
      if (capture.complete) {
        this.state = 'done';
        this.finishedAt = performance.now();
        this.opts.onProgress?.(this);
        this.opts.onDone?.(this);
        return;
      }
      this.state = 'waiting';
      this.opts.onProgress?.(this);
      return;
    }
    this.opts.onProgress?.(this);
    this.schedule();
  }
}
