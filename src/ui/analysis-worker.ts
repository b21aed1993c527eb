// Worker thread for the analysis views: indexes the capture file itself, runs analyze() and
// posts back the view models, so a million packets never freeze the screen.
import { parentPort, workerData } from 'node:worker_threads';
import { loadCapture } from '../capture/capture.js';
import { analyze } from '../analysis/index.js';
import { createRegistry } from '../dissect/default-registry.js';
import { buildAnalysisView } from './analysis-model.js';
import type { AnalysisJob, AnalysisReply } from './analysis-runner.js';

/** Evidence frames kept per alert (and per flow, for the rules that cite flows). */
const UI_EVIDENCE_FRAMES = 200;

async function run(job: AnalysisJob): Promise<AnalysisReply> {
  const capture = await loadCapture(job.path);
  try {
    const registry = createRegistry({ decodeAs: job.decodeAs, heuristics: job.heuristics });
    // n / N walk an alert's evidence in the UI: keep far more of it than the CLI prints.
    const result = analyze(capture, { registry, ifnames: new Map(job.ifnames), evidenceFrames: UI_EVIDENCE_FRAMES });
    return { ok: true, view: buildAnalysisView(result, capture.frameCount) };
  } finally {
    capture.close();
  }
}

const job = workerData as AnalysisJob;
run(job).then(
  (reply) => parentPort!.postMessage(reply),
  (e: unknown) => parentPort!.postMessage({ ok: false, message: (e as Error)?.message ?? String(e) } satisfies AnalysisReply),
);
