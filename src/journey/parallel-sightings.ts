// Reading and dissecting the captures' frames in a worker thread while the main thread
// correlates them: on two cores a large journey run takes about the time of its correlation
// alone. The worker (sighting-worker.ts) merges the captures by corrected time into batches
// of sighting rows; each batch's buffer is transferred to the main thread and back, so a
// handful of batches is all the memory it takes, whatever the captures' sizes.
import { Worker } from 'node:worker_threads';
import type { SharedCapture } from '../capture/capture.js';
import type { DecodeAsRule } from '../dissect/registry.js';
import { VxError, type ErrorKind } from '../errors.js';
import type { JourneyCapture } from './engine.js';

/** How the worker reads frames: what -d, --heuristics and -Y said (plain data: it is copied to the worker). */
export interface SightingReading {
  decodeAs: DecodeAsRule[];
  heuristics: boolean;
  /** -Y's text. */
  filter?: string;
}

/** The hand-over's sizes (tests make them tiny to exercise it). */
export interface SightingTuning {
  /** Rows in a batch. */
  rowsPerBatch: number;
  /** Batch buffers: how far the worker may run ahead. */
  buffers: number;
  /** Strings the table holds before it starts over. */
  maxStrings: number;
}

export interface SightingJob extends SightingReading, SightingTuning {
  captures: SharedCapture[];
  ifnames: [number, string][][];
}

/** A batch of rows from the worker, with the strings its rows added to the table (after emptying it when `renewed`). */
export interface SightingBatch {
  rows: Float64Array;
  count: number;
  strings: string[];
  renewed: boolean;
}

export type ToSightingWorker = { survey: number[] } | { offsets: number[] } | { rows: Float64Array };
export type FromSightingWorker = SightingBatch | { done: true } | { error: string; kind?: ErrorKind };

/** Receives each batch: `count` rows of `rows`, whose string ids `strings` resolves. */
export type SightingVisit = (rows: Float64Array, count: number, strings: readonly string[]) => void;

/** Below this many frames in all, a worker's start-up costs more than it saves. */
export const PARALLEL_MIN_FRAMES = 200_000;

const TUNING: SightingTuning = { rowsPerBatch: 4096, buffers: 4, maxStrings: 100_000 };

function startWorker(job: SightingJob): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: 12 };
  // From dist/ (a module here or the command line's chunk in dist/cli/) the worker is plain
  // JavaScript at ../journey/; from the TypeScript sources (tests) it registers tsx itself,
  // since Node 20 workers do not inherit the loader.
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('../journey/sighting-worker.js', import.meta.url), { workerData: job, resourceLimits });
  const entry = new URL('./sighting-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: job, resourceLimits });
}

/**
 * A worker that reads the captures' frames into sighting rows: first each capture's first
 * frames for the survey, then all of them merged once the clock offsets are known. It starts
 * at once, so it loads its code while the main thread gets ready.
 */
export class ParallelSightings {
  private readonly worker: Worker;
  private failure: Error | undefined;
  private settle: ((e?: Error) => void) | undefined;
  /** The worker's string table as far as its batches told it (one table through both passes). */
  private readonly strings: string[] = [];

  constructor(inputs: readonly JourneyCapture[], reading: SightingReading, tuning = TUNING) {
    this.worker = startWorker({
      ...reading,
      ...tuning,
      captures: inputs.map((c) => c.capture.shared()),
      ifnames: inputs.map((c) => [...c.ifnames]),
    });
    // An error before the merge starts is kept for it.
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`the journey's reading thread stopped (exit ${code})`)));
  }

  /** The first `limits[k]` frames of each capture k in turn (the first pass), a batch at a time; resolves after the last. */
  survey(limits: readonly number[], visit: SightingVisit): Promise<void> {
    return this.phase({ survey: [...limits] }, visit);
  }

  /** Every frame of every capture, in corrected-time order, a batch at a time; resolves after the last. */
  merge(offsets: readonly number[], visit: SightingVisit): Promise<void> {
    return this.phase({ offsets: [...offsets] }, visit);
  }

  private phase(request: ToSightingWorker, visit: SightingVisit): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.settle = (e) => {
        this.settle = undefined;
        this.worker.off('message', receive);
        if (e) {
          void this.worker.terminate();
          reject(e);
        } else resolve();
      };
      const receive = (m: FromSightingWorker): void => {
        if (this.settle === undefined) return;
        if ('error' in m) return this.fail(m.kind !== undefined ? new VxError(m.kind, m.error) : new Error(m.error));
        if ('done' in m) return this.settle();
        try {
          if (m.renewed) this.strings.length = 0;
          for (const s of m.strings) this.strings.push(s);
          visit(m.rows, m.count, this.strings);
          this.worker.postMessage({ rows: m.rows } satisfies ToSightingWorker, [m.rows.buffer as ArrayBuffer]);
        } catch (e) {
          this.fail(e as Error);
        }
      };
      if (this.failure) return this.settle(this.failure);
      this.worker.on('message', receive);
      this.worker.postMessage(request);
    });
  }

  /** Stops the worker (when the run ends early). */
  close(): void {
    this.settle = undefined;
    void this.worker.terminate();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.settle?.(this.failure);
  }
}
