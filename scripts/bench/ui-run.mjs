// Terminal UI benchmark, run by uiSection (scripts/bench/ui.ts) in a process of its own: drives
// the built UI (dist/ui, what bin/vxshark.js runs) headless, with fake terminal streams and keys
// written as escape sequences, and prints one JSON line of what a user feels: the first screen
// while the index is still loading, a selection move, a jump to the last packet with its tree
// and bytes, a display filter over every packet (and how fast the list answers meanwhile), and
// the process's resident memory by phase. Plain JavaScript, so that no TypeScript loader sits
// in the memory it measures. Usage: node scripts/bench/ui-run.mjs CAPTURE
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How long the bench waits for the background analysis before going on without it. */
const ANALYSIS_WAIT_MS = 120_000;

const FILTER = 'inner.ip.dst == 10.244.3.5 || tcp.dstport == 443';

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Writes a key and resolves with the milliseconds until the render it caused is on screen. */
async function keyToRender(ui, input, key) {
  const rendered = ui.nextRender();
  const t0 = performance.now();
  input.write(key);
  await rendered;
  return performance.now() - t0;
}

async function benchUi(file) {
  let rssMax = 0;
  let phase = 'start-up';
  const byPhase = {};
  const sampleRss = () => {
    const rss = process.memoryUsage().rss;
    rssMax = Math.max(rssMax, rss);
    byPhase[phase] = Math.max(byPhase[phase] ?? 0, rss / 1e6);
  };
  const enter = (name) => {
    sampleRss();
    phase = name;
  };
  const rssTimer = setInterval(sampleRss, 20);
  const tImport = performance.now();
  // The built UI, as bin/vxshark.js runs it: from the sources, its analysis worker would load
  // the TypeScript loader too, which is memory users never pay.
  const { runUi } = await import(new URL('../../dist/ui/index.js', import.meta.url).href);
  const { FakeInput, FakeOutput } = await import(new URL('../../dist/ui/headless.js', import.meta.url).href);
  const importMs = performance.now() - tImport;

  const input = new FakeInput();
  const output = new FakeOutput(160, 50);
  let ready;
  const started = new Promise((r) => (ready = r));
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
  const moves = [];
  for (let i = 0; i < 60; i++) moves.push(await keyToRender(ui, input, i % 10 === 9 ? '\x1b[6~' : 'j'));
  sampleRss();

  // G: the last packet, its detail tree and its bytes.
  const jumpLastMs = await keyToRender(ui, input, 'G');
  await keyToRender(ui, input, 'g');

  // A display filter over every packet: once left alone (its time), once with keys pressed
  // every 25 ms while it runs (how the list answers meanwhile).
  const runFilter = async (text, pressKeys) => {
    await keyToRender(ui, input, '/');
    await keyToRender(ui, input, '\x15');
    for (const ch of text) input.write(ch);
    await ui.idle();
    const start = performance.now();
    input.write('\r');
    const during = [];
    await new Promise((r) => setImmediate(r));
    while (ui.app.busy) {
      if (pressKeys) during.push(await keyToRender(ui, input, during.length % 2 ? 'k' : 'j'));
      sampleRss();
      await new Promise((r) => setTimeout(r, pressKeys ? 25 : 5));
    }
    const job = ui.app.job;
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
    filter: FILTER,
    analysisWaitMs: ANALYSIS_WAIT_MS,
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

const file = process.argv[2];
if (!file) throw new Error('usage: node scripts/bench/ui-run.mjs CAPTURE');
benchUi(file).then(
  (r) => process.stdout.write(JSON.stringify(r) + '\n'),
  (e) => {
    process.stderr.write(`ui bench: ${e?.stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
