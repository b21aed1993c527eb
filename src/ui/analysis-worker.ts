// Worker thread for the analysis views: reads the capture file itself, analysing it as it
// reads (no frame index of its own), and posts back the view models, so a million packets
// never freeze the screen. The flow rows' buffers are transferred, not copied.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeFile } from '../analysis/index.js';
import { loadContext } from '../context/load.js';
import { ContextNaming } from '../context/naming.js';
import { createRegistry } from '../dissect/default-registry.js';
import { buildAnalysisView } from './analysis-model.js';
import { analyzeAcross } from './across-analysis.js';
import { flowRowsTransferables } from './flow-rows.js';
import type { AnalysisJob, AnalysisReply } from './analysis-runner.js';

/**
 * A full garbage collection, now. The analysis leaves its per-packet state (flow.stalled's rows,
 * the hop window, the flow hash: about 45 MB at half a million flows) unreachable at its end,
 * and V8 would collect it only after the view's rows had been made: the UI's peak memory would
 * pay for both (271 -> 238 MB in the worker at 1M packets, for 40 ms). The way Jest's leak
 * detector reaches gc() without starting Node with --expose-gc.
 */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as (() => void) | undefined)?.();
}

/** Evidence frames kept per alert (and per flow, for the rules that cite flows). */
const UI_EVIDENCE_FRAMES = 200;

async function run(job: AnalysisJob): Promise<AnalysisReply> {
  const context = job.contextPaths.length ? loadContext(job.contextPaths) : undefined;
  const registry = createRegistry({ decodeAs: job.decodeAs, heuristics: job.heuristics, context, names: job.names });
  const naming = context && job.names ? new ContextNaming(context) : undefined;
  const show = naming ? (a: string) => naming.show(a) : undefined;
  // n / N walk an alert's evidence in the UI: keep far more of it than the CLI prints.
  const options = {
    ...job.host,
    registry,
    ifnames: new Map(job.ifnames),
    names: job.names,
    evidenceFrames: UI_EVIDENCE_FRAMES,
    ...(context ? { context } : {}),
  };
  if (job.across) return { ok: true, view: await analyzeAcross(job.across, job.path, registry, options, show) };
  const { result, capture } = await analyzeFile(job.path, options);
  capture.close();
  collectGarbage();
  return { ok: true, view: buildAnalysisView(result, capture.frameCount, show) };
}

const job = workerData as AnalysisJob;
run(job).then(
  (reply) => {
    const transfer = reply.ok
      ? [
          ...flowRowsTransferables(reply.view.flowRows),
          reply.view.copies.buffer as ArrayBuffer,
          reply.view.origins.buffer as ArrayBuffer,
          ...(reply.view.journeys ? [reply.view.journeys.byFrame.buffer as ArrayBuffer] : []),
        ]
      : [];
    parentPort!.postMessage(reply, transfer);
  },
  (e: unknown) => parentPort!.postMessage({ ok: false, message: (e as Error)?.message ?? String(e) } satisfies AnalysisReply),
);
