// Terminal UI benchmark section: runs scripts/bench/ui-run.mjs (the built UI driven headless)
// in a fresh process and prints its figures with their targets.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { note, row, section, warmPageCache } from './harness.js';

/** The Node options bin/vxshark.js starts with (its #! line), so the UI is measured as users run it. */
function binNodeOptions(): string[] {
  const first = readFileSync(new URL('../../bin/vxshark.js', import.meta.url), 'utf8').split('\n')[0] ?? '';
  return first.split(/\s+/).filter((w) => w.startsWith('--'));
}

/** What ui-run.mjs prints (one JSON line). */
export interface UiBenchResult {
  filter: string;
  analysisWaitMs: number;
  packets: number;
  importMs: number;
  firstScreenMs: number;
  firstScreenWhileLoading: boolean;
  loadedMs: number;
  moveMedianMs: number;
  moveMaxMs: number;
  jumpLastMs: number;
  filterMs: number;
  filterMatches: number;
  keyDuringFilterMaxMs: number;
  keyDuringFilterMedianMs: number;
  filterWithKeysMs: number;
  rssMaxMb: number;
  /** Peak RSS in each phase, in MB, in the order the phases ran. */
  rssByPhaseMb: Record<string, number>;
  /** Milliseconds from the index being loaded to the analysis views getting their data (undefined: not within the wait). */
  analysisMs?: number;
  /** Longest event-loop delay while the analysis ran and its result arrived, in ms. */
  analysisStallMs: number;
}

/** The targets: the filter's is for 1M packets; at 10M only the memory and the first screen have one. */
export interface UiTargets {
  rssMb: number;
  filterMs?: number;
}

/**
 * The benchmark section: runs ui-run.mjs in a fresh process (so its memory figure is the UI's
 * alone, whatever ran before) and prints the figures with their targets.
 */
export async function uiSection(file: string, label = '', targets: UiTargets = { rssMb: 300, filterMs: 1000 }): Promise<UiBenchResult> {
  warmPageCache(file);
  const runner = fileURLToPath(new URL('./ui-run.mjs', import.meta.url));
  const child = spawnSync(process.execPath, [...binNodeOptions(), runner, file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith('{'));
  if (child.status !== 0 || !line) throw new Error(`UI benchmark process failed (status ${child.status})`);
  const r = JSON.parse(line) as UiBenchResult;
  section(`Terminal UI: headless, ${r.packets.toLocaleString('en-US')} packets${label}, 160x50`);
  note(`loading dist/ui (blessed): ${r.importMs.toFixed(0)} ms, before the timings below`);
  row('first screen with rows', r.firstScreenMs, 'ms', { kind: 'max', value: 300 }, 1);
  note(r.firstScreenWhileLoading ? 'rows were shown while the index was still loading' : 'the index finished before the first rows were drawn');
  row('index fully loaded', r.loadedMs, 'ms', undefined, 0);
  row('selection move (median)', r.moveMedianMs, 'ms', { kind: 'max', value: 20 });
  row('selection move (worst of 60)', r.moveMaxMs, 'ms');
  row('jump to last + detail + hex', r.jumpLastMs, 'ms', { kind: 'max', value: 100 });
  row('filter over every packet', r.filterMs, 'ms', targets.filterMs !== undefined ? { kind: 'max', value: targets.filterMs } : undefined, 0);
  note(`filter: ${r.filter} (${r.filterMatches.toLocaleString('en-US')} matches)`);
  row('filter again, a key every 25 ms', r.filterWithKeysMs, 'ms', undefined, 0);
  row('key to screen while filtering (median)', r.keyDuringFilterMedianMs, 'ms');
  row('key to screen while filtering (worst)', r.keyDuringFilterMaxMs, 'ms', { kind: 'max', value: 100 });
  row('RSS (peak)', r.rssMaxMb, 'MB', { kind: 'max', value: targets.rssMb }, 0);
  for (const [phase, mb] of Object.entries(r.rssByPhaseMb)) row(`RSS peak: ${phase}`, mb, 'MB', undefined, 0);
  if (r.analysisMs !== undefined) row('analysis result after index loaded', r.analysisMs, 'ms', undefined, 0);
  else note(`the analysis did not finish within ${r.analysisWaitMs / 1000} s of the index`);
  row('event-loop stall while analysing', r.analysisStallMs, 'ms', { kind: 'max', value: 50 }, 0);
  note(
    "RSS is the whole bench process (the built UI and its analysis worker, with bin/vxshark.js's Node options), sampled every 20 ms and at each phase change",
  );
  return r;
}
