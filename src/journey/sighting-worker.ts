// Worker thread of a large journey run (see parallel-sightings.ts): loads the captures it is
// given, adopts those the main thread loaded (through their shared frame indexes), then reads
// each capture's first frames for the survey and all of them merged by corrected time, every
// frame into a sighting row, a batch at a time, while the main thread works through the batch
// before. Requests are handled one after another, in the order they came.
import { parentPort, workerData } from 'node:worker_threads';
import { Capture, loadCapture } from '../capture/capture.js';
import { createRegistry } from '../dissect/default-registry.js';
import { VxError } from '../errors.js';
import { compileFilter } from '../filter/index.js';
import type { Packet } from '../dissect/types.js';
import type { Registry } from '../dissect/registry.js';
import { CaptureByCapture, TimeMerge } from './kway.js';
import { OwnMacLearner, ownMacFeeder, type OwnHints } from './own-mac.js';
import { FrameFactsReader } from './readers.js';
import { ROW, SightingStrings, writeSighting, type Pass } from './sighting-rows.js';
import type { FromSightingWorker, SightingJob, ToSightingWorker } from './parallel-sightings.js';

const job = workerData as SightingJob;
const port = parentPort!;

function post(message: FromSightingWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

/** An error as the main thread rethrows it: a VxError keeps its kind (a one-line message and exit status). */
function failure(e: unknown): FromSightingWorker {
  return e instanceof VxError ? { error: e.message, kind: e.kind } : { error: (e as Error).message };
}

// The main thread checked -d and -Y before it started this thread; an error is passed on all the same.
let registry!: Registry;
let filter: ((pkt: Packet) => boolean) | undefined;
try {
  registry = createRegistry({ decodeAs: job.decodeAs, heuristics: job.heuristics });
  filter = job.filter !== undefined ? compileFilter(job.filter, registry) : undefined;
} catch (e) {
  post(failure(e));
}
const captures: Capture[] = [];
let ifnames: Map<number, string>[] = [];
let readers: FrameFactsReader[] | undefined;
const strings = new SightingStrings();
const free: Float64Array[] = [];
for (let b = 0; b < job.buffers; b++) free.push(new Float64Array(job.rowsPerBatch * ROW));
/** The pass under way: the survey's frames, then the merge's. */
let frames: CaptureByCapture | TimeMerge | undefined;
let pass: Pass = 'survey';

/** Fills and posts batches while a buffer is free. */
function pump(): void {
  while (frames !== undefined && free.length > 0) {
    const rows = free.pop()!;
    const renewed = strings.renew(job.maxStrings);
    let count = 0;
    const more = frames.run((f) => {
      const r = readers![f.capture]!;
      const pkt = r.read(f.position, f.data);
      writeSighting(rows, count * ROW, strings, f.capture, f.position, f.time, r.facts, pkt, filter, pass);
      count++;
    }, job.rowsPerBatch);
    post({ rows, count, strings: strings.unsent(), renewed }, [rows.buffer as ArrayBuffer]);
    if (!more) {
      frames.close();
      frames = undefined;
      post({ done: true });
    }
  }
}

async function load(k: number, file: string, hints: OwnHints): Promise<void> {
  const learner = new OwnMacLearner(hints);
  const capture = await loadCapture(file, { onFrame: ownMacFeeder(learner) });
  learner.finish();
  captures[k] = capture;
  post({ loaded: k, capture: capture.shared(), ownMacs: learner.decided(), undecided: [...learner.undecidedInterfaces] });
}

/** Starts a pass over every capture (their readers made on the first). */
function start(source: (all: Capture[]) => CaptureByCapture | TimeMerge, which: Pass): void {
  readers ??= captures.map((c, k) => new FrameFactsReader(c, ifnames[k] ?? new Map(), registry, filter !== undefined));
  frames = source(captures);
  pass = which;
  pump();
}

async function handle(m: ToSightingWorker): Promise<void> {
  if ('load' in m) await load(m.load.capture, m.load.file, m.load.hints);
  else if ('adopt' in m) {
    for (const [k, shared] of m.adopt) captures[k] = Capture.fromShared(shared);
    ifnames = m.ifnames.map((names) => new Map(names));
  } else if ('survey' in m) start((all) => new CaptureByCapture(all, m.survey), 'survey');
  else if ('offsets' in m) start((all) => new TimeMerge(all, m.offsets), 'merge');
  else if ('rows' in m) {
    free.push(m.rows);
    pump();
  } else {
    frames?.close();
    for (const c of captures) c?.close();
    process.exit(0);
  }
}

let queue = Promise.resolve();
port.on('message', (m: ToSightingWorker) => {
  queue = queue
    .then(() => handle(m))
    .catch((e: unknown) => {
      frames?.close();
      post(failure(e));
    });
});
