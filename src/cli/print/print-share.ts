// -T json spends most of its time writing text, about a hundred fields a packet. With
// two cores, a worker thread (print-worker.ts) reads and dissects the same capture and writes
// every other batch of printed packets while the main thread writes the batches between;
// the main thread puts the worker's batches into its output in order (chunk-ring.ts). Both
// threads dissect every packet, since stream numbers, relative sequence numbers and
// reassembly depend on every packet before; only the writing is shared.
import { availableParallelism } from 'node:os';
import { fstatSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { readsInPlace } from '../../capture/capture.js';
import { VxError, msg, type ErrorKind } from '../../errors.js';
import type { ReadOptions } from '../commands/read.js';
import type { Output, OutputTarget } from '../io.js';
import { ChunkRing, type ChunkRingShape } from './chunk-ring.js';

/** How printing is shared (tests make batches tiny to exercise the hand-over). */
export interface ShareTuning {
  /** Printed packets in a batch. */
  batch: number;
  ring: ChunkRingShape;
}

/** Below this many bytes of capture, the worker's start-up is more than the work it could take. */
const SHARED_MIN_BYTES = 4 * 1024 * 1024;

const TUNING: ShareTuning = { batch: 64, ring: { slots: 8, slotBytes: 128 * 1024 } };

/** The default tuning, or smaller batches from VXSHARK_PRINT_BATCH (the command-line tests' way to make the worker print on small captures). */
function tuningFromEnvironment(): ShareTuning {
  const batch = Number(process.env.VXSHARK_PRINT_BATCH);
  return Number.isInteger(batch) && batch > 0 ? { ...TUNING, batch } : TUNING;
}

/** What the worker is given: the read's options as plain data (the context as its files, loaded again there). */
export interface PrintJob {
  opts: Omit<ReadOptions, 'context' | 'statistics' | 'live' | 'writeTo'>;
  context?: { paths: string[]; names: boolean };
  /** Bytes of the file to read: both threads must see the same frames of a file still growing. */
  upTo: number;
  tuning: ShareTuning;
  shared: SharedArrayBuffer;
  schedule: SharedArrayBuffer;
  port: MessagePort;
}

export interface PrintFailure {
  error: string;
  kind?: ErrorKind;
}

/** Which thread prints a packet: each side counts the packets printed, in the same order. */
export interface PrintShare {
  /** Called for each packet to be printed, in order, with its frame number: true when this thread writes it. */
  claim(frame: number): boolean;
  /** After the last packet. */
  finish(): void;
  /** True once the other side wants no more. */
  readonly stopped: boolean;
}

/**
 * Which batches are the worker's. The worker takes a while to start (its code loads while the
 * main thread prints): until it says it is ready, the main thread prints every batch, then it
 * names the first batch of the worker's, and from there they take turns.
 */
export class ShareSchedule {
  readonly words: Int32Array;
  constructor(shared = new SharedArrayBuffer(8)) {
    this.words = new Int32Array(shared);
    // Word 0: the worker is ready; word 1: the worker's first batch plus one (0 until named).
  }

  get shared(): SharedArrayBuffer {
    return this.words.buffer as SharedArrayBuffer;
  }

  /** Worker: ready, then waits for its first batch (or for the main thread to stop). */
  firstBatch(stopped: () => boolean): number {
    Atomics.store(this.words, 0, 1);
    while (Atomics.load(this.words, 1) === 0 && !stopped()) Atomics.wait(this.words, 1, 0, 200);
    return Atomics.load(this.words, 1) - 1;
  }

  /**
   * Main thread, at the start of batch b: names the worker's first batch once it is ready (-1
   * before). With `wait`, waits for it to be ready (or to have failed) first.
   */
  nameFirst(b: number, wait: false | (() => boolean)): number {
    const first = Atomics.load(this.words, 1) - 1;
    if (first >= 0) return first;
    while (wait && Atomics.load(this.words, 0) === 0 && !wait()) Atomics.wait(this.words, 0, 0, 200);
    if (Atomics.load(this.words, 0) === 0) return -1;
    Atomics.store(this.words, 1, b + 2);
    Atomics.notify(this.words, 1);
    return b + 1;
  }
}

/** Batch b is the worker's when it is the first one named or every second one after. */
const workersBatch = (b: number, first: number): boolean => first >= 0 && b >= first && ((b - first) & 1) === 0;

/**
 * VXSHARK_PRINT_THREADS=1 keeps printing on one thread, =2 shares -V and -T json whenever it can,
 * from the second batch on (tests use it with pipes). By default only -T json is shared, and only
 * when the output is a file or a device such as /dev/null: a pipe's reader sets the pace there,
 * and a second thread is memory a slow reader's bound (100 MB) does not have room for. -V writes
 * its text fast enough (tree-lines.ts) that the second thread's own dissecting of every packet
 * costs more than it takes: 1.72 s with two threads against 1.43 s with one, 100k packets.
 */
export async function wantsSharedPrinting(
  opts: ReadOptions,
  outputTakesAnyPace = standardOutputTakesAnyPace,
): Promise<{ mode: 'when-ready' | 'always'; bytes: number } | undefined> {
  const setting = process.env.VXSHARK_PRINT_THREADS;
  if (setting === '1') return undefined;
  const mode = setting === '2' ? 'always' : 'when-ready';
  const heavy = opts.output === 'json' || (mode === 'always' && opts.verbose);
  if (!heavy || opts.output === 'fields' || opts.file === undefined || opts.live || opts.writeTo !== undefined) return undefined;
  if (opts.quiet || opts.lineBuffered || (opts.statistics?.length ?? 0) > 0) return undefined;
  if (mode === 'when-ready' && (availableParallelism() < 2 || !outputTakesAnyPace())) return undefined;
  if (!(await readsInPlace(opts.file))) return undefined;
  const bytes = (await stat(opts.file)).size;
  return mode === 'always' || bytes >= SHARED_MIN_BYTES ? { mode, bytes } : undefined;
}

/** Whether standard output is a file or a device such as /dev/null, not a pipe, socket or terminal. */
function standardOutputTakesAnyPace(): boolean {
  try {
    const st = fstatSync(1);
    return st.isFile() || (st.isCharacterDevice() && !process.stdout.isTTY);
  } catch {
    return false;
  }
}

function startWorker(job: PrintJob): Worker {
  const transferList = [job.port];
  // From the command line's bundle (dist/cli/) the worker is its own bundle there; from
  // dist/cli/print/ it is the module beside this one; from the TypeScript sources (tests) it
  // registers tsx itself, since Node 20 workers do not inherit the loader.
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    const bundled = !new URL('.', here).pathname.endsWith('/print/');
    return new Worker(new URL(bundled ? './print-worker.mjs' : './print-worker.js', here), { workerData: job, transferList });
  }
  const entry = new URL('./print-worker.ts', here).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: job, transferList });
}

/** Batches the worker has printed in this process (tests check that it did take part). */
export const workerBatches = { count: 0 };

/** The main thread's side: starts the worker and writes its batches between its own. */
export class MainShare implements PrintShare {
  readonly stopped = false;
  private readonly ring: ChunkRing;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly batch: number;
  private readonly schedule = new ShareSchedule();
  private first = -1;
  private printed = 0;
  /** The frame number of the last packet left to the worker. */
  private lastSkipped = 0;
  private readonly file: string;

  /**
   * `always`: the worker takes every second batch from the second on, once it has started (tests
   * rely on it); `when-ready`: the main thread prints until the worker is ready, not waiting.
   */
  constructor(
    opts: ReadOptions,
    upTo: number,
    private readonly out: Output,
    private readonly mode: 'when-ready' | 'always',
    tuning: ShareTuning = opts.shareTuning ?? tuningFromEnvironment(),
  ) {
    this.batch = tuning.batch;
    this.file = opts.file ?? '-';
    this.ring = new ChunkRing(tuning.ring);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { context, statistics, live, writeTo, ...plain } = opts;
    this.worker = startWorker({
      opts: plain,
      ...(context && context.paths.length > 0 ? { context: { paths: context.paths, names: context.names } } : {}),
      upTo,
      tuning,
      shared: this.ring.shared,
      schedule: this.schedule.shared,
      port: port2,
    });
    // The worker never keeps the process: the main thread ends it once the output is done.
    this.worker.unref();
    this.worker.on('error', () => this.ring.fail());
  }

  claim(frame: number): boolean {
    const n = this.printed++;
    const b = Math.floor(n / this.batch);
    if (n % this.batch === 0) {
      if (b > 0 && workersBatch(b - 1, this.first)) this.takeWorkersBatch();
      if (this.first < 0) {
        // A worker that failed to load never says so on the ring: after a while, print alone.
        const giveUp = Date.now() + 10_000;
        this.first = this.schedule.nameFirst(b, this.mode === 'always' && (() => this.ring.failed || Date.now() > giveUp));
        // Asked to share (VXSHARK_PRINT_THREADS=2), a worker that never started is an error, not a slow run.
        if (this.first < 0 && this.mode === 'always') this.fail();
      }
    }
    const mine = !workersBatch(b, this.first);
    if (!mine) this.lastSkipped = frame;
    return mine;
  }

  finish(): void {
    if (this.inWorkersBatch()) this.takeWorkersBatch();
  }

  /**
   * After an error in this thread: the worker's batch under way, as far as the worker gets (it
   * meets the same error at the same packet), so the output stops where one thread's would.
   */
  salvage(): void {
    if (this.inWorkersBatch() && !this.out.closed && !this.ring.failed) {
      this.out.flush();
      this.ring.takeBatch((bytes) => this.out.write(bytes));
    }
  }

  private inWorkersBatch(): boolean {
    return this.printed > 0 && workersBatch(Math.floor((this.printed - 1) / this.batch), this.first);
  }

  /** Lets the worker go, whether printing ended or failed. */
  close(): void {
    this.ring.stop();
    void this.worker.terminate();
  }

  private takeWorkersBatch(): void {
    if (this.out.closed) return;
    this.out.flush();
    const how = this.ring.takeBatch((bytes) => this.out.write(bytes));
    // The worker's batch must end on the frame this thread skipped last: anything else means the
    // two threads read different frames (a capture rewritten while it was read).
    if (how === 'end' && this.ring.lastTag === (this.lastSkipped | 0)) {
      workerBatches.count++;
      return;
    }
    if (how !== 'failed') throw new VxError('input', msg.inInput(this.file, msg.changedWhileRead()));
    this.fail();
  }

  /** Reports what the worker said of its failure, or that it said nothing. */
  private fail(): never {
    const failure = receiveMessageOnPort(this.port)?.message as PrintFailure | undefined;
    throw new VxError(failure?.kind ?? 'input', failure?.kind ? failure.error : msg.printThreadFailed(failure?.error ?? 'it stopped without a word'));
  }
}

/** The worker's side: writes its batches into the ring, ending each one. */
export class WorkerShare implements PrintShare {
  private printed = 0;
  private readonly batch: number;
  private first = -1;
  private lastPrinted = 0;

  constructor(
    private readonly ring: ChunkRing,
    private readonly out: Output,
    tuning: ShareTuning,
    private readonly schedule: ShareSchedule,
  ) {
    this.batch = tuning.batch;
  }

  get stopped(): boolean {
    this.ring.beat();
    return this.ring.stopped;
  }

  claim(frame: number): boolean {
    this.ring.beat();
    const n = this.printed++;
    if (n === 0) this.first = this.schedule.firstBatch(() => this.ring.stopped);
    const b = Math.floor(n / this.batch);
    if (b > 0 && n % this.batch === 0 && workersBatch(b - 1, this.first)) this.endBatch();
    const mine = workersBatch(b, this.first);
    if (mine) this.lastPrinted = frame;
    return mine;
  }

  finish(): void {
    if (this.printed > 0 && workersBatch(Math.floor((this.printed - 1) / this.batch), this.first)) this.endBatch();
  }

  private endBatch(): void {
    this.out.flush();
    if (!this.out.closed && !this.ring.endBatch(this.lastPrinted | 0)) this.out.closed = true;
  }
}

/** The worker's output: into the ring's slots, waiting while they are full; stops as a closed pipe would. */
export function ringTarget(ring: ChunkRing): OutputTarget {
  return {
    write(bytes, offset, length) {
      if (ring.stopped) throw Object.assign(new Error('the main thread stopped'), { code: 'EPIPE' });
      const n = ring.put(bytes, offset, length);
      if (n === 0) throw Object.assign(new Error('the ring is full'), { code: 'EAGAIN' });
      return n;
    },
    waitForReader() {
      ring.waitForRoom();
    },
  };
}
