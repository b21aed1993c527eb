// Runs the analysis for the UI in a worker thread and hands back the view models. From the
// TypeScript sources (tests, tsx) the worker registers tsx itself, since Node 20 workers do
// not inherit the loader; from dist/ it is plain JavaScript.
import { Worker } from 'node:worker_threads';
import type { DecodeAsRule } from '../dissect/registry.js';
import type { HostOptions } from '../analysis/options.js';
import type { AnalysisView } from './analysis-model.js';
import type { AcrossJob } from './across-analysis.js';

export interface AnalysisJob {
  /** File the frames are read from (the spool file for standard input). */
  path: string;
  decodeAs: DecodeAsRule[];
  heuristics: boolean;
  ifnames: [number, string][];
  /** The capturing host as the user described it (plain data: it is copied to the worker). */
  host: HostOptions;
  /** Context files to load in the worker (objects do not cross threads cheaply; paths do). */
  contextPaths: string[];
  names: boolean;
  /** Several captures merged into `path`: the captures themselves, to follow packets through them. */
  across?: AcrossJob;
}

export type AnalysisReply = { ok: true; view: AnalysisView } | { ok: false; message: string };

export interface RunningAnalysis {
  result: Promise<AnalysisReply>;
  cancel(): void;
}

function startWorker(job: AnalysisJob): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  // A small young generation, as the CLI runs with (bin/vxshark.js): the analysis allocates
  // little that lives long, and a large one is memory the UI's peak pays for.
  const resourceLimits = { maxYoungGenerationSizeMb: 12 };
  // '../ui/' from dist/ui/analysis-runner.js and from the command line's bundle, dist/cli/vxshark.mjs.
  if (!fromSources) return new Worker(new URL('../ui/analysis-worker.js', import.meta.url), { workerData: job, resourceLimits });
  const entry = new URL('./analysis-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: job, resourceLimits });
}

export function runAnalysis(job: AnalysisJob): RunningAnalysis {
  let worker: Worker | undefined;
  let settle!: (r: AnalysisReply) => void;
  const result = new Promise<AnalysisReply>((resolve) => (settle = resolve));
  try {
    worker = startWorker(job);
    worker.once('message', (m: AnalysisReply) => {
      settle(m);
      void worker?.terminate();
    });
    worker.once('error', (e) => settle({ ok: false, message: e.message }));
    worker.once('exit', (code) => settle({ ok: false, message: `analysis stopped (worker exit ${code})` }));
    // The UI may quit before the analysis ends: the worker must not keep the process alive.
    worker.unref();
  } catch (e) {
    settle({ ok: false, message: (e as Error).message });
  }
  return {
    result,
    cancel: () => {
      void worker?.terminate();
    },
  };
}
