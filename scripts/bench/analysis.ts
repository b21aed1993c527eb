// Analysis benchmark: analyze() over the whole capture (one sequential pass that reads each
// frame once and feeds the flow, tunnel, hop and topology collectors and every alert rule),
// a pass that dissects every frame for comparison, and the memory the result keeps.
import { loadCapture, type Capture } from '../../src/capture/capture.js';
import { analyze, type AnalysisResult } from '../../src/analysis/index.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { frameMeta } from '../../src/dissect/frame-meta.js';
import { note, row, section, settle, timeBest } from './harness.js';

export interface AnalysisBenchResult {
  packets: number;
  /** Best run of analyze(), in milliseconds. */
  bestMs: number;
  /** Best run of a pass that dissects every packet (analyze() skips most of that work). */
  dissectMs: number;
  /** Heap (JS objects + ArrayBuffers) and RSS growth while the result is alive, in bytes. */
  heapGrowth: number;
  rssGrowth: number;
  flows: number;
  tunnels: number;
  alerts: number;
}

const NO_NAMES: ReadonlyMap<number, string> = new Map();

function dissectOnly(capture: Capture): number {
  const registry = createRegistry();
  let layers = 0;
  capture.scan(0, capture.frameCount, (i, d) => {
    layers += dissect(d, frameMeta(capture, i, NO_NAMES), registry).layers.length;
  });
  return layers;
}

function modelCounts(result: AnalysisResult): { flows: number; tunnels: number; hopPaths: number; alerts: number } {
  return { flows: result.flows.length, tunnels: result.tunnels.length, hopPaths: result.hops.paths.length, alerts: result.alerts.length };
}

/** Times flows + tunnels + hops + topology + alerts over `file`, best of `runs`, and records memory. */
export async function benchAnalysis(file: string, runs = 3, label = ''): Promise<AnalysisBenchResult> {
  const capture = await loadCapture(file);
  try {
    const count = capture.frameCount;
    section(
      `Analysis: analyze() (flows, tunnels, hops, topology, alerts), ${count.toLocaleString('en-US')} packets${label ? `, ${label}` : ''}, best of ${runs}`,
    );
    const base = await timeBest(runs, () => dissectOnly(capture));

    // Memory: what one analysis keeps alive (its models), measured after a warm-up run.
    analyze(capture);
    await settle();
    const before = process.memoryUsage();
    let kept: AnalysisResult | undefined = analyze(capture);
    await settle();
    const after = process.memoryUsage();
    const heapGrowth = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
    const rssGrowth = after.rss - before.rss;
    const models = modelCounts(kept);
    // On the many-flow capture one result is about 1 GB: the timed runs keep none of theirs, or
    // two results and the run in progress exceed the default heap limit.
    kept = undefined;

    const t = await timeBest(runs, () => analyze(capture).stats.analysed);
    if (t.result !== count) throw new Error(`analysed ${t.result} packets, expected ${count}`);
    const result: AnalysisBenchResult = {
      packets: count,
      bestMs: t.bestMs,
      dissectMs: base.bestMs,
      heapGrowth,
      rssGrowth,
      ...models,
    };
    row('best run (analyze)', t.bestMs, 'ms', { kind: 'max', value: 1500 }, 0);
    note(`runs: ${t.runsMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    row('packets per second', count / (t.bestMs / 1000), 'pkt/s', undefined, 0);
    // analyze() reads most packets without dissecting their layers (analysis/fast-facts.ts):
    // a full dissection of every packet is shown for comparison, not as a floor.
    row('full dissection of every packet (for comparison)', base.bestMs, 'ms', undefined, 0);
    row('heap kept by the result', heapGrowth / 1e6, 'MB', undefined, 1);
    row('RSS growth with the result alive', rssGrowth / 1e6, 'MB', undefined, 1);
    note(`models: ${models.flows} flows, ${models.tunnels} tunnels, ${models.hopPaths} hop paths, ${models.alerts} alerts`);
    return result;
  } finally {
    capture.close();
  }
}
