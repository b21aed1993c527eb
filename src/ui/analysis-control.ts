// The analysis module in the UI: runs it in a worker over the whole capture once it is
// loaded (again after `:decode`) and keeps its results for the views and the packet list.
import { msg } from '../errors.js';
import type { AlertRow, AnalysisView } from './analysis-model.js';
import { runAnalysis, type RunningAnalysis } from './analysis-runner.js';
import type { UiState } from './app-state.js';

export class AnalysisControl {
  /** Flows, tunnels, hops and alerts, once the worker is done. */
  result: AnalysisView | undefined;
  /** Why the last run failed. */
  failed: string | undefined;
  /** Frames named by error alerts, marked in the list. */
  alertFrames = new Set<number>();
  /** The alert whose evidence n / N walk, and the position in its frames. */
  evidence: { alert: AlertRow; at: number } | undefined;
  private run: RunningAnalysis | undefined;

  constructor(
    private readonly s: UiState,
    private readonly requestRender: () => void,
  ) {}

  /** Whether the worker is still running. */
  get running(): boolean {
    return this.run !== undefined;
  }

  /** Runs the analysis over the whole capture, once it is complete. */
  start(): void {
    const s = this.s;
    const c = s.capture;
    if (!c?.complete || s.disposed) return;
    this.run?.cancel();
    this.failed = undefined;
    const run = runAnalysis({
      path: c.path,
      decodeAs: s.decodeRules,
      heuristics: s.opts.registry.heuristics ?? true,
      ifnames: [...s.opts.ifnames],
      contextPaths: s.opts.contextPaths ?? [],
      names: s.opts.registry.names ?? true,
    });
    this.run = run;
    void run.result.then((reply) => {
      if (run !== this.run || s.disposed) return;
      this.run = undefined;
      if (!reply.ok) {
        this.failed = reply.message;
        s.setMessage(msg.uiAnalysisFailed(reply.message), 'error');
      } else {
        this.result = reply.view;
        this.alertFrames = new Set(reply.view.alerts.filter((a) => a.severity === 'error').flatMap((a) => a.frames));
        s.marks.analysed ??= performance.now();
      }
      this.requestRender();
    });
  }

  /** The packets were dissected again: drops the results and runs the analysis anew. */
  restart(): void {
    this.result = undefined;
    this.alertFrames = new Set();
    this.evidence = undefined;
    this.start();
  }

  cancel(): void {
    this.run?.cancel();
  }
}
