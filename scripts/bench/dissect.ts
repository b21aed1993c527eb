// Dissection benchmark: every frame of a capture through dissect() and summarize(), as the
// packet list does, read with the sequential scan. Baselines (the scan alone, dissect alone)
// show where the time goes.
import { loadCapture, type Capture } from '../../src/capture/capture.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { frameMeta } from '../../src/dissect/frame-meta.js';
import { summarize } from '../../src/dissect/summary.js';
import { note, row, section, timeBest } from './harness.js';

export interface DissectBenchResult {
  packets: number;
  /** Best run of dissect + summarize over every frame, in packets per second. */
  packetsPerSecond: number;
  dissectOnlyPerSecond: number;
  scanOnlyPerSecond: number;
}

const NO_NAMES: ReadonlyMap<number, string> = new Map();

/** Runs `work` on every frame of the capture; returns how many frames it saw. */
function pass(capture: Capture, work: (i: number, data: Uint8Array) => void): number {
  let n = 0;
  capture.scan(0, capture.frameCount, (i, data) => {
    work(i, data);
    n++;
  });
  return n;
}

/** Measures full dissection (dissect + summarize) of `file`, best of `runs`. */
export async function benchDissect(file: string, runs = 3): Promise<DissectBenchResult> {
  const capture = await loadCapture(file);
  try {
    const registry = createRegistry();
    const count = capture.frameCount;
    section(`Dissection: every layer of every packet (and the summary text), ${count.toLocaleString('en-US')} packets, best of ${runs}`);
    let sink = 0;
    const scan = await timeBest(runs, () => pass(capture, (_i, d) => (sink += d.length)));
    const only = await timeBest(runs, () =>
      pass(capture, (i, d) => {
        sink += dissect(d, frameMeta(capture, i, NO_NAMES), registry).layers.length;
      }),
    );
    const full = await timeBest(runs, () =>
      pass(capture, (i, d) => {
        const pkt = dissect(d, frameMeta(capture, i, NO_NAMES), registry);
        sink += summarize(pkt, registry).info.length;
      }),
    );
    if (full.result !== count) throw new Error(`dissected ${full.result} packets, expected ${count}`);
    const result: DissectBenchResult = {
      packets: count,
      packetsPerSecond: count / (full.bestMs / 1000),
      dissectOnlyPerSecond: count / (only.bestMs / 1000),
      scanOnlyPerSecond: count / (scan.bestMs / 1000),
    };
    // The target is for dissection itself (every layer decoded); the summary line's text is
    // built on top of it only where a row is printed or drawn.
    row('dissect every layer', result.dissectOnlyPerSecond, 'pkt/s', { kind: 'min', value: 1_500_000 }, 0);
    note(`runs: ${only.runsMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    row('dissect + summary line text', result.packetsPerSecond, 'pkt/s', undefined, 0);
    row('sequential scan only', result.scanOnlyPerSecond, 'pkt/s', undefined, 0);
    if (sink === -1) note('unreachable'); // keeps the work observable
    return result;
  } finally {
    capture.close();
  }
}
