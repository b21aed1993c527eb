// The printing worker (see print-share.ts): reads and dissects the capture as the main thread
// does and writes the batches that are its own into the shared ring. Whatever goes wrong is
// told to the main thread, which reports it; this thread writes nothing to the terminal.
import { workerData } from 'node:worker_threads';
import { loadContext } from '../../context/load.js';
import { VxError } from '../../errors.js';
import { read } from '../commands/read.js';
import { Output } from '../io.js';
import { ChunkRing } from './chunk-ring.js';
import { ShareSchedule, WorkerShare, ringTarget, type PrintFailure, type PrintJob } from './print-share.js';

const job = workerData as PrintJob;
const ring = new ChunkRing(job.tuning.ring, job.shared);

let out: Output | undefined;

function fail(e: unknown): void {
  // What was printed before the error goes first, as one thread would have printed it.
  try {
    out?.flush();
  } catch {
    // Nothing more can be said than the failure itself.
  }
  const failure: PrintFailure = e instanceof VxError ? { error: e.message, kind: e.kind } : { error: (e as Error)?.message ?? String(e) };
  job.port.postMessage(failure);
  ring.fail();
}

process.on('uncaughtException', fail);

try {
  out = new Output(ringTarget(ring));
  const context = job.context ? { context: loadContext(job.context.paths), ...job.context } : undefined;
  await read({ ...job.opts, ...(context ? { context } : {}) }, out, {
    share: new WorkerShare(ring, out, job.tuning, new ShareSchedule(job.schedule)),
    upTo: job.upTo,
  });
  ring.finish();
} catch (e) {
  fail(e);
}
