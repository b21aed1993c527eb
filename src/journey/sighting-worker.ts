// Worker thread of a journey run (see parallel-sightings.ts): reads each capture's first frames
// for the survey, then merges the captures by corrected time, every frame into a sighting row,
// a batch at a time, while the main thread works through the batch before. It opens the main thread's captures through their shared frame
// indexes; a few batch buffers go back and forth, so it is never more than those ahead.
import { parentPort, workerData } from 'node:worker_threads';
import { VxError } from '../errors.js';
import { Capture } from '../capture/capture.js';
import { createRegistry } from '../dissect/default-registry.js';
import { compileFilter } from '../filter/index.js';
import { CaptureByCapture, TimeMerge } from './kway.js';
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

try {
  const registry = createRegistry({ decodeAs: job.decodeAs, heuristics: job.heuristics });
  const filter = job.filter !== undefined ? compileFilter(job.filter, registry) : undefined;
  const captures = job.captures.map(Capture.fromShared);
  const readers = captures.map((c, k) => new FrameFactsReader(c, new Map(job.ifnames[k]), registry, filter !== undefined));
  const strings = new SightingStrings();
  const free: Float64Array[] = [];
  for (let b = 0; b < job.buffers; b++) free.push(new Float64Array(job.rowsPerBatch * ROW));
  /** The pass under way: the survey's frames, then the merge's. */
  let frames: CaptureByCapture | TimeMerge | undefined;
  let pass: Pass = 'survey';

  /** Fills and posts batches while a buffer is free. */
  const pump = (): void => {
    while (frames !== undefined && free.length > 0) {
      const rows = free.pop()!;
      const renewed = strings.renew(job.maxStrings);
      let count = 0;
      const more = frames.run((f) => {
        const r = readers[f.capture]!;
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
  };

  port.on('message', (m: ToSightingWorker) => {
    try {
      if ('survey' in m) {
        frames = new CaptureByCapture(captures, m.survey);
        pass = 'survey';
      } else if ('offsets' in m) {
        frames = new TimeMerge(captures, m.offsets);
        pass = 'merge';
      } else free.push(m.rows);
      pump();
    } catch (e) {
      frames?.close();
      post(failure(e));
    }
  });
} catch (e) {
  post(failure(e));
}
