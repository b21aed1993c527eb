// Terminal UI benchmark: drives the real UI headless (fake terminal streams, keys written as
// escape sequences) on a capture and measures what a user feels: the first screen while the
// index is still loading, a selection move, a jump to the last packet with its tree and
// bytes, a display filter over every packet (and how fast the list answers meanwhile), and
// the process's resident memory.
import { spawnSync } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { UiHandle } from '../../src/ui/index.js';
import type * as Headless from '../../src/ui/headless.js';
import { note, row, section } from './harness.js';

export interface UiBenchResult {
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

/** How long the bench waits for the background analysis before going on without it. */
const ANALYSIS_WAIT_MS = 120_000;

const FILTER = 'inner.ip.dst == 10.244.3.5 || tcp.dstport == 443';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Writes a key and resolves with the milliseconds until the render it caused is on screen. */
async function keyToRender(ui: UiHandle, input: Headless.FakeInput, key: string): Promise<number> {
  const rendered = ui.nextRender();
  const t0 = performance.now();
  input.write(key);
  await rendered;
  return performance.now() - t0;
}

export async function benchUi(file: string): Promise<UiBenchResult> {
  let rssMax = 0;
  let phase = 'start-up';
  const byPhase: Record<string, number> = {};
  const sampleRss = (): void => {
    const rss = process.memoryUsage().rss;
    rssMax = Math.max(rssMax, rss);
    byPhase[phase] = Math.max(byPhase[phase] ?? 0, rss / 1e6);
  };
  const enter = (name: string): void => {
    sampleRss();
    phase = name;
  };
  const rssTimer = setInterval(sampleRss, 20);
  const tImport = performance.now();
  // The built UI, as bin/vxshark.js runs it: from the sources, its analysis worker would load
  // the TypeScript loader too, which is memory users never pay.
  const { runUi } = (await import(new URL('../../dist/ui/index.js', import.meta.url).href)) as typeof import('../../src/ui/index.js');
  const { FakeInput, FakeOutput } = (await import(new URL('../../dist/ui/headless.js', import.meta.url).href)) as typeof Headless;
  const importMs = performance.now() - tImport;

  const input = new FakeInput();
  const output = new FakeOutput(160, 50);
  let ready!: (ui: UiHandle) => void;
  const started = new Promise<UiHandle>((r) => (ready = r));
  const t0 = performance.now();
  enter('indexing');
  const status = runUi({ file, ifnames: new Map(), input, output, terminal: 'xterm-256color', colors: 256, onReady: ready, stderr: process.stderr });
  const ui = await started;
  // Wait for the index to finish, watching when rows first appeared.
  while (ui.marks.loaded === undefined) await new Promise((r) => setTimeout(r, 5));
  await ui.idle();
  sampleRss();
  const firstScreenMs = (ui.marks.firstRows ?? Infinity) - t0;
  const loadedMs = ui.marks.loaded - t0;
  const packets = ui.app.store?.count ?? 0;

  // The background analysis: its memory, and how long the event loop stalls when its result arrives.
  enter('analysis');
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const waitUntil = performance.now() + ANALYSIS_WAIT_MS;
  while (ui.marks.analysed === undefined && performance.now() < waitUntil) await new Promise((r) => setTimeout(r, 10));
  await ui.idle();
  delay.disable();
  const analysisMs = ui.marks.analysed !== undefined ? ui.marks.analysed - ui.marks.loaded : undefined;
  const analysisStallMs = delay.max / 1e6;
  enter('moving');

  // Selection moves in the middle of the capture (rows not cached yet for the first ones).
  await keyToRender(ui, input, ':');
  for (const ch of `goto ${Math.floor(packets / 2)}`) input.write(ch);
  await keyToRender(ui, input, '\r');
  const moves: number[] = [];
  for (let i = 0; i < 60; i++) moves.push(await keyToRender(ui, input, i % 10 === 9 ? '\x1b[6~' : 'j'));
  sampleRss();

  // G: the last packet, its detail tree and its bytes.
  const jumpLastMs = await keyToRender(ui, input, 'G');
  await keyToRender(ui, input, 'g');

  // A display filter over every packet: once left alone (its time), once with keys pressed
  // every 25 ms while it runs (how the list answers meanwhile).
  const runFilter = async (text: string, pressKeys: boolean): Promise<{ ms: number; matches: number; during: number[] }> => {
    await keyToRender(ui, input, '/');
    await keyToRender(ui, input, '\x15');
    for (const ch of text) input.write(ch);
    await ui.idle();
    const start = performance.now();
    input.write('\r');
    const during: number[] = [];
    await new Promise((r) => setImmediate(r));
    while (ui.app.busy) {
      if (pressKeys) during.push(await keyToRender(ui, input, during.length % 2 ? 'k' : 'j'));
      sampleRss();
      await new Promise((r) => setTimeout(r, pressKeys ? 25 : 5));
    }
    const job = (ui.app as unknown as { job?: { finishedAt?: number; startedAt: number; rows: { length: number } } }).job;
    return { ms: job?.finishedAt !== undefined ? job.finishedAt - job.startedAt : performance.now() - start, matches: job?.rows.length ?? 0, during };
  };
  enter('filtering');
  const quiet = await runFilter(FILTER, false);
  const busy = await runFilter(FILTER.replace('443', '80'), true);
  const filterMs = quiet.ms;
  const filterMatches = quiet.matches;
  const during = busy.during;
  const filterWithKeysMs = busy.ms;
  // Every view once (number keys 2..7), then back to the packets.
  enter('opening every view');
  for (const key of ['2', '3', '4', '5', '6', '7', '1']) {
    await keyToRender(ui, input, key);
    await ui.idle();
    sampleRss();
  }
  enter('done');
  ui.quit();
  await status;
  clearInterval(rssTimer);
  return {
    packets,
    importMs,
    firstScreenMs,
    firstScreenWhileLoading: (ui.marks.firstRows ?? Infinity) < ui.marks.loaded,
    loadedMs,
    moveMedianMs: median(moves),
    moveMaxMs: Math.max(...moves),
    jumpLastMs,
    filterMs,
    filterMatches,
    keyDuringFilterMaxMs: during.length ? Math.max(...during) : 0,
    keyDuringFilterMedianMs: median(during),
    filterWithKeysMs,
    rssMaxMb: rssMax / 1e6,
    rssByPhaseMb: Object.fromEntries(Object.entries(byPhase).filter(([k]) => k !== 'done')),
    ...(analysisMs !== undefined ? { analysisMs } : {}),
    analysisStallMs,
  };
}

/**
 * The benchmark section: runs benchUi in a fresh process (so its memory figure is the UI's
 * alone, whatever ran before) and prints the figures with their targets.
 */
export async function uiSection(file: string, label = ''): Promise<UiBenchResult> {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), file], {
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
  row('filter over every packet', r.filterMs, 'ms', { kind: 'max', value: 1000 }, 0);
  note(`filter: ${FILTER} (${r.filterMatches.toLocaleString('en-US')} matches)`);
  row('filter again, a key every 25 ms', r.filterWithKeysMs, 'ms', undefined, 0);
  row('key to screen while filtering (median)', r.keyDuringFilterMedianMs, 'ms');
  row('key to screen while filtering (worst)', r.keyDuringFilterMaxMs, 'ms', { kind: 'max', value: 100 });
  row('RSS (peak)', r.rssMaxMb, 'MB', { kind: 'max', value: 300 }, 0);
  for (const [phase, mb] of Object.entries(r.rssByPhaseMb)) row(`RSS peak: ${phase}`, mb, 'MB', undefined, 0);
  if (r.analysisMs !== undefined) row('analysis result after index loaded', r.analysisMs, 'ms', undefined, 0);
  else note(`the analysis did not finish within ${ANALYSIS_WAIT_MS / 1000} s of the index`);
  row('event-loop stall while analysing', r.analysisStallMs, 'ms', { kind: 'max', value: 50 }, 0);
  note('RSS is the whole bench process (the built UI and its analysis worker), sampled every 20 ms and at each phase change');
  return r;
}

// Run directly (by uiSection): one measurement, printed as JSON.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: node --import tsx scripts/bench/ui.ts CAPTURE');
  benchUi(file).then(
    (r) => process.stdout.write(JSON.stringify(r) + '\n'),
    (e: unknown) => {
      process.stderr.write(`ui bench: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
