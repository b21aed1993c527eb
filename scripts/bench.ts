// Benchmarks (`npm run bench`). Each section is a function registered in SECTIONS; add new
// ones there. Usage: npm run bench -- [--packets N] [--runs N] [--check] [section ...]
//   --check  exit with status 1 when a target is missed (for CI).
import { readSync, openSync, closeSync } from 'node:fs';
import { loadCapture, type Capture } from '../src/capture/capture.js';
import { ensureCapture, type BenchCapture } from './bench/make-capture.js';
import { gc, missedTargets, note, row, section, settle, timeBest } from './bench/harness.js';
import { benchDissect } from './bench/dissect.js';
import { benchCli, TYPICAL_FILTER } from './bench/cli.js';
import { benchFilter } from './bench/filter.js';
import { benchAnalysis } from './bench/analysis.js';
import { uiSection } from './bench/ui.js';
import { benchContext } from './bench/context.js';

interface BenchOptions {
  packets: number;
  runs: number;
}

type Section = (capture: BenchCapture, opts: BenchOptions) => Promise<void>;

/** Reads the whole file once so the timed runs measure parsing, not the disk. */
function warmPageCache(path: string): void {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(8 * 1024 * 1024);
  try {
    while (readSync(fd, buf, 0, buf.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

/** The streaming index pass (loadCapture) over the whole file, from the page cache. */
const indexPass: Section = async (capture, opts) => {
  section(`Index pass: loadCapture, ${capture.packets.toLocaleString('en-US')} packets, ${(capture.bytes / 1e6).toFixed(1)} MB, best of ${opts.runs}`);
  warmPageCache(capture.path);

  // Memory first: growth while one capture's index is alive. A short load beforehand compiles
  // the parser and sizes the heap, so the figure is per packet rather than start-up cost.
  (await loadCapture(capture.path, { maxFrames: 100_000 })).close();
  await settle();
  const before = process.memoryUsage();
  const kept = await loadCapture(capture.path);
  await settle();
  const after = process.memoryUsage();
  const rssGrowth = after.rss - before.rss;
  const bufferGrowth = after.arrayBuffers - before.arrayBuffers;
  const count = kept.frameCount;
  const indexBytes = kept.index.memoryBytes();
  kept.close();
  if (count !== capture.packets) throw new Error(`indexed ${count} packets, expected ${capture.packets}`);

  const t = await timeBest(opts.runs, () => loadCapture(capture.path), (c: Capture) => c.close());
  t.result.close();
  const seconds = t.bestMs / 1000;
  row('best run', t.bestMs, 'ms');
  note(`runs: ${t.runsMs.map((ms) => ms.toFixed(1)).join(', ')} ms`);
  row('packets per second', count / seconds, 'pkt/s', { kind: 'min', value: 5_000_000 }, 0);
  row('throughput', capture.bytes / seconds / 1e6, 'MB/s', undefined, 1);
  row('index bytes per packet', indexBytes / count, 'B/pkt', { kind: 'max', value: 48 });
  row('RSS growth per packet', rssGrowth / count, 'B/pkt');
  row('ArrayBuffer growth per packet', bufferGrowth / count, 'B/pkt');
};

const SECTIONS: Record<string, Section> = {
  index: indexPass,
  dissect: dissectSection,
  filter: async (capture, opts) => {
    const c = await loadCapture(capture.path);
    try {
      await benchFilter(c, TYPICAL_FILTER, opts.runs);
    } finally {
      c.close();
    }
  },
  cli: (capture, opts) => benchCli(capture.path, opts.runs),
  context: (_capture, opts) => benchContext(opts.runs),
  analysis: async (capture, opts) => {
    await benchAnalysis(capture.path, opts.runs);
  },
  ui: async (capture) => {
    await uiSection(capture.path);
  },
};

function parseArgs(argv: string[]): { opts: BenchOptions; names: string[]; check: boolean } {
  const opts: BenchOptions = { packets: 1_000_000, runs: 3 };
  const names: string[] = [];
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--packets' || a === '--runs') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${a} needs a positive integer`);
      if (a === '--packets') opts.packets = n;
      else opts.runs = n;
    } else if (a === '--check') check = true;
    else if (a in SECTIONS) names.push(a);
    else throw new Error(`unknown argument ${a} (sections: ${Object.keys(SECTIONS).join(', ')})`);
  }
  return { opts, names: names.length ? names : Object.keys(SECTIONS), check };
}

async function main(): Promise<number> {
  const { opts, names, check } = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const capture = ensureCapture(opts.packets);
  const made = capture.generated ? `generated in ${((performance.now() - t0) / 1000).toFixed(1)} s` : 'cached';
  process.stdout.write(`vxshark benchmark: Node ${process.version}, ${process.platform}/${process.arch}\n`);
  process.stdout.write(`capture: ${capture.path} (${made})\n`);
  for (const name of names) {
    gc();
    await SECTIONS[name]!(capture, opts);
  }
  const missed = missedTargets();
  process.stdout.write(missed.length ? `\nMissed targets:\n${missed.map((m) => `  ${m}`).join('\n')}\n` : '\nAll targets met.\n');
  return check && missed.length ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);

// ---------------------------------------------------------------------------------------------
// Dissection: dissect() + summarize() of every packet (scripts/bench/dissect.ts). A function
// declaration, so SECTIONS above can name it.
async function dissectSection(capture: BenchCapture, opts: BenchOptions): Promise<void> {
  await benchDissect(capture.path, opts.runs);
}
