// The analysis module in the UI: runs it in a worker over the whole capture once it is
// loaded (again after `:decode`) and keeps its results for the views and the packet list.
// While a live capture (a pipe, -i) is still arriving it re-runs over what has arrived, at
// most once a second, so flows, tunnels, hops and alerts fill in before the capture ends.
import { msg } from '../errors.js';
import type { AlertRow, AnalysisView } from './analysis-model.js';
import { runAnalysis, type RunningAnalysis } from './analysis-runner.js';
import type { UiState } from './app-state.js';
import type { AcrossJob } from './across-analysis.js';
import type { MergedCaptures } from './multi-capture.js';

/** How often a capture still arriving is analysed again. */
const LIVE_INTERVAL_MS = 1000;

export class AnalysisControl {
  /** Flows, tunnels, hops and alerts, once the worker is done. */
  result: AnalysisView | undefined;
  /** Why the last run failed. */
  failed: string | undefined;
  /** Frames named by error alerts, marked in the list. */
  /** Frames an alert names as evidence, and the worst severity naming each. */
  alertFrames = new Map<number, 'error' | 'warning'>();
  /** The alert whose evidence n / N walk, and the position in its frames. */
  evidence: { alert: AlertRow; at: number } | undefined;
  private run: RunningAnalysis | undefined;
  /** The running (or last) run covers only part of a capture still arriving. */
  private partial = false;
  private lastPartialStart = 0;
  /** A later look at a capture that grew too soon after the last run. */
  private retry: ReturnType<typeof setTimeout> | undefined;
  /** Frames the shown result covers (while the capture is still arriving). */
  coveredFrames = 0;

  constructor(
    private readonly s: UiState,
    private readonly requestRender: () => void,
  ) {}

  /** Whether the worker is still running. */
  get running(): boolean {
    return this.run !== undefined;
  }

  /** Whether the result covers only the packets that had arrived when it ran. */
  get provisional(): boolean {
    return this.partial;
  }

  /** The capture grew while still arriving: analyse what is there, at most once a second. */
  grew(): void {
    const c = this.s.capture;
    // Only a live input: a large file being indexed is analysed once, when it is complete.
    if (!c || c.complete || !this.s.opts.follow || !this.s.opts.analysis || this.s.disposed || this.run || c.frameCount === 0) return;
    if (c.frameCount === this.coveredFrames) return;
    const wait = this.lastPartialStart + LIVE_INTERVAL_MS - performance.now();
    // Packets that arrive within the second are analysed when it is over, even if the capture
    // then goes quiet: a pause in the traffic must not leave the last packets unanalysed.
    if (wait > 0) {
      this.retry ??= setTimeout(() => {
        this.retry = undefined;
        this.grew();
      }, wait);
      return;
    }
    this.lastPartialStart = performance.now();
    this.launch(true);
  }

  /** Runs the analysis over the whole capture, once it is complete. */
  start(): void {
    const c = this.s.capture;
    if (!c?.complete || !this.s.opts.analysis || this.s.disposed) return;
    this.launch(false);
  }

  private launch(partial: boolean): void {
    const s = this.s;
    const c = s.capture!;
    this.run?.cancel();
    this.failed = undefined;
    this.partial = partial;
    const frames = c.frameCount;
    const run = runAnalysis({
      path: c.path,
      decodeAs: s.decodeRules,
      heuristics: s.opts.registry.heuristics ?? true,
      ifnames: [...s.opts.ifnames],
      host: s.opts.host ?? {},
      contextPaths: s.opts.contextPaths ?? [],
      names: s.opts.registry.names ?? true,
      ...(s.opts.merged ? { across: acrossJob(s.opts.merged) } : {}),
    });
    this.run = run;
    void run.result.then((reply) => {
      if (run !== this.run || s.disposed) return;
      this.run = undefined;
      if (!reply.ok) {
        // A live capture's half-written tail is not a failure: the next run will see it whole.
        if (partial) return this.requestRender();
        this.failed = reply.message;
        s.setMessage(msg.uiAnalysisFailed(reply.message), 'error');
      } else {
        this.coveredFrames = partial ? frames : (s.capture?.frameCount ?? frames);
        if (!partial) this.partial = false;
        this.result = reply.view;
        this.alertFrames = evidenceFrames(reply.view.alerts);
        s.marks.analysed ??= performance.now();
      }
      this.requestRender();
      // Packets that arrived while this run was going have not been analysed yet.
      if (partial) this.grew();
    });
  }

  /** The packets were dissected again: drops the results and runs the analysis anew. */
  restart(): void {
    this.result = undefined;
    this.alertFrames = new Map();
    this.evidence = undefined;
    this.start();
  }

  cancel(): void {
    clearTimeout(this.retry);
    this.retry = undefined;
    this.run?.cancel();
  }
}

function acrossJob(m: MergedCaptures): AcrossJob {
  return { files: m.files, podCidrs: m.podCidrs, origins: m.origins };
}

/** Each frame an error or warning names, with the worst severity naming it. */
function evidenceFrames(alerts: readonly AlertRow[]): Map<number, 'error' | 'warning'> {
  const frames = new Map<number, 'error' | 'warning'>();
  for (const a of alerts) {
    if (a.severity === 'info') continue;
    for (const n of a.frames) if (frames.get(n) !== 'error') frames.set(n, a.severity);
  }
  return frames;
}
