// The second core for a large journey run: a worker thread (sighting-worker.ts) loads some of
// the captures while the main thread loads the others, then reads frames into sighting rows
// (sighting-rows.ts) while the main thread works through the rows before: the later captures'
// first frames for the survey, then every frame of every capture merged by corrected time.
// Each batch's buffer is transferred to the main thread and back, so a handful of batches is
// all the memory the hand-over takes, whatever the captures' sizes.
import { Worker } from 'node:worker_threads';
import { Capture, type SharedCapture } from '../capture/capture.js';
import type { DecodeAsRule } from '../dissect/registry.js';
import { VxError, type ErrorKind } from '../errors.js';
import type { JourneyCapture } from './engine.js';
import { OwnMacLearner, type OwnHints } from './own-mac.js';

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

export interface SightingJob extends SightingReading, SightingTuning {}

/** A batch of rows from the worker, with the strings its rows added to the table (after emptying it when `renewed`). */
export interface SightingBatch {
  rows: Float64Array;
  count: number;
  strings: string[];
  renewed: boolean;
}

export type ToSightingWorker =
  | { load: { capture: number; file: string; hints: OwnHints } }
  | { adopt: [capture: number, shared: SharedCapture][]; ifnames: [number, string][][] }
  | { survey: number[] }
  | { offsets: number[] }
  | { rows: Float64Array }
  | { close: true };
export type FromSightingWorker =
  | SightingBatch
  | { done: true }
  | { loaded: number; capture: SharedCapture; ownMacs: [string, number][]; undecided: string[] }
  | { error: string; kind?: ErrorKind };

/** Receives each batch: `count` rows of `rows`, whose string ids `strings` resolves; false ends the pass there. */
export type SightingVisit = (rows: Float64Array, count: number, strings: readonly string[]) => void | false;

/** Below this many bytes of captures in all, a worker's start-up costs more than it saves. */
export const PARALLEL_MIN_BYTES = 24 * 1024 * 1024;

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

/** A capture the worker loaded, as the main thread opens it, with its interfaces' own MACs. */
export interface LoadedThere {
  capture: Capture;
  ownMacs: OwnMacLearner;
}

export class ParallelSightings {
  private readonly worker: Worker;
  private failure: Error | undefined;
  /** The pass under way: its batches' receiver and its end. */
  private phase: { visit: SightingVisit; settle: (e?: Error) => void } | undefined;
  private readonly loads = new Map<number, { resolve: (l: LoadedThere) => void; reject: (e: Error) => void }>();
  /** Captures the worker loaded itself (it needs the others shared). */
  private readonly loadedThere = new Set<number>();
  /** The worker's string table as far as its batches told it (one table through both passes). */
  private readonly strings: string[] = [];

  /** Starts the worker at once: it loads its code while the main thread gets on. */
  constructor(reading: SightingReading, tuning = TUNING) {
    this.worker = startWorker({ ...reading, ...tuning });
    this.worker.on('message', (m: FromSightingWorker) => this.receive(m));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`the journey's reading thread stopped (exit ${code})`)));
  }

  /** Loads capture number `k` from `file` in the worker (with its own MACs learnt, `hints` helping), while this thread does something else. */
  load(k: number, file: string, hints: OwnHints): Promise<LoadedThere> {
    return new Promise<LoadedThere>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.loads.set(k, { resolve, reject });
      this.loadedThere.add(k);
      this.post({ load: { capture: k, file, hints } });
    });
  }

  /** Gives the worker the captures this thread loaded, and every capture's interface names: all of them are then read there. */
  use(inputs: readonly JourneyCapture[]): void {
    this.post({
      adopt: inputs.flatMap((c, k) => (this.loadedThere.has(k) ? [] : [[k, c.capture.shared()] as [number, SharedCapture]])),
      ifnames: inputs.map((c) => [...c.ifnames]),
    });
  }

  /** The first `limits[k]` frames of each capture k in turn (the first pass), a batch at a time; resolves after the last. */
  survey(limits: readonly number[], visit: SightingVisit): Promise<void> {
    return this.pass({ survey: [...limits] }, visit);
  }

  /** Every frame of every capture, in corrected-time order, a batch at a time; resolves after the last. */
  merge(offsets: readonly number[], visit: SightingVisit): Promise<void> {
    return this.pass({ offsets: [...offsets] }, visit);
  }

  /** Lets the worker close its captures and end (when the run is over, or ends early). */
  close(): void {
    this.phase = undefined;
    if (this.failure) return;
    this.failure = new Error('the journey ended');
    this.post({ close: true });
    this.worker.unref();
  }

  private pass(request: ToSightingWorker, visit: SightingVisit): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.phase = {
        visit,
        settle: (e) => {
          this.phase = undefined;
          if (e) reject(e);
          else resolve();
        },
      };
      this.post(request);
    });
  }

  private receive(m: FromSightingWorker): void {
    if ('error' in m) return this.fail(m.kind !== undefined ? new VxError(m.kind, m.error) : new Error(m.error));
    if ('loaded' in m) {
      const waiting = this.loads.get(m.loaded);
      this.loads.delete(m.loaded);
      waiting?.resolve({ capture: Capture.fromShared(m.capture), ownMacs: OwnMacLearner.fromDecided(m.ownMacs, m.undecided) });
      return;
    }
    const phase = this.phase;
    if (phase === undefined) return;
    if ('done' in m) return phase.settle();
    try {
      if (m.renewed) this.strings.length = 0;
      for (const s of m.strings) this.strings.push(s);
      if (phase.visit(m.rows, m.count, this.strings) === false) return phase.settle();
      this.worker.postMessage({ rows: m.rows } satisfies ToSightingWorker, [m.rows.buffer as ArrayBuffer]);
    } catch (e) {
      this.fail(e as Error);
    }
  }

  private post(m: ToSightingWorker): void {
    this.worker.postMessage(m);
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    void this.worker.terminate();
    for (const l of this.loads.values()) l.reject(e);
    this.loads.clear();
    this.phase?.settle(e);
  }
}
