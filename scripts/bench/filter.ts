// Re-filtering an indexed capture, as the UI does when the user presses Enter: every frame is
// re-read by offset, dissected and tested against a compiled display filter.
import type { Capture } from '../../src/capture/capture.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { frameMeta } from '../../src/dissect/frame-meta.js';
import { compileFilter } from '../../src/filter/index.js';
import { note, row, section, timeBest } from './harness.js';

const NO_NAMES: ReadonlyMap<number, string> = new Map();

export async function benchFilter(capture: Capture, filter: string, runs: number): Promise<void> {
  const registry = createRegistry();
  const pred = compileFilter(filter, registry);
  section(`Display filter over the indexed capture (re-read + dissect + test), best of ${runs}`);
  note(`filter: ${filter}`);
  const t = await timeBest(runs, () => {
    let matched = 0;
    capture.scan(0, capture.frameCount, (i, d) => {
      if (pred(dissect(d, frameMeta(capture, i, NO_NAMES), registry))) matched++;
    });
    return matched;
  });
  row('matching packets', t.result, '', undefined, 0);
  row('time for all packets', t.bestMs, 'ms', { kind: 'max', value: 1000 }, 0);
  note(`runs: ${t.runsMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
}
