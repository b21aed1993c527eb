// Benchmarks (`npm run bench`). Each section is a function registered in SECTIONS; add new
// ones there. Usage: npm run bench -- [--packets N] [--runs N] [--sleep S] [--10m] [--check] [section ...]
//   --check  exit with status 1 when a target is missed (for CI).
//   --10m    also the 10-million-packet many-flow capture (about 2 GB in the temporary directory).
// Two captures: the repeated-template one (256 frames repeated, the older figures) and the
// many-flow one (about one distinct inner 5-tuple per two packets; scripts/bench/make-many-flows.ts).
import { cpus, loadavg, totalmem } from 'node:os';
import { loadCapture, type Capture } from '../src/capture/capture.js';
import { ensureCapture, type BenchCapture } from './bench/make-capture.js';
import { gc, missedTargets, note, row, section, settle, timeBest, warmPageCache } from './bench/harness.js';
import { benchDissect } from './bench/dissect.js';
import { benchCli, TYPICAL_FILTER } from './bench/cli.js';
import { benchFilter } from './bench/filter.js';
import { benchAnalysis } from './bench/analysis.js';
import { uiSection } from './bench/ui.js';
import { ensureManyFlowCapture } from './bench/make-many-flows.js';
import { benchAnalysisCommands, benchSlowReader, benchSummaries, benchVerbose, haveTime, measure, vxshark } from './bench/pipes.js';
import { benchContext } from './bench/context.js';
import { benchJourney } from './bench/journey.js';

interface BenchOptions {
  packets: number;
  runs: number;
  /** Seconds the slow reader sleeps. */
  sleep: number;
  tenMillion: boolean;
}

type Section = (capture: BenchCapture, opts: BenchOptions) => Promise<void>;

/** Packets in the smaller many-flow capture used where tshark -V would take minutes. */
const VERBOSE_PACKETS = 100_000;

function manyFlows(opts: BenchOptions): BenchCapture & { flows: number } {
  return ensureManyFlowCapture(opts.packets);
}

function requireTime(): void {
  if (!haveTime()) throw new Error('these sections need GNU time (/usr/bin/time): apt-get install time');
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

  const t = await timeBest(
    opts.runs,
    () => loadCapture(capture.path),
    (c: Capture) => c.close(),
  );
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
    await benchAnalysis(capture.path, opts.runs, 'repeated-template capture');
    const many = manyFlows(opts);
    await benchAnalysis(many.path, opts.runs, `many-flow capture, ${many.flows.toLocaleString('en-US')} conversations`);
    if (haveTime()) benchAnalysisCommands(many.path, many.packets, { ms: 1500, mb: 300 }, Math.max(3, opts.runs));
  },
  pipes: async (_capture, opts) => {
    requireTime();
    const many = manyFlows(opts);
    const small = ensureManyFlowCapture(Math.min(VERBOSE_PACKETS, opts.packets));
    benchSlowReader(many.path, many.packets, { sleep: opts.sleep, verboseFile: small.path, verbosePackets: small.packets });
  },
  print: async (_capture, opts) => {
    requireTime();
    const many = manyFlows(opts);
    benchSummaries(many.path, many.packets, opts.runs);
    const small = ensureManyFlowCapture(Math.min(VERBOSE_PACKETS, opts.packets));
    benchVerbose({ sleep: opts.sleep, verboseFile: small.path, verbosePackets: small.packets }, opts.runs);
  },
  journey: async (_capture, opts) => {
    requireTime();
    // The issue's size (4 x 1M by default, --packets), and 4 x 200k as the quicker comparison.
    if (opts.packets > 200_000) {
      const small = ensureManyFlowCapture(200_000);
      await benchJourney(small.path, small.packets, opts.runs, false);
    }
    const many = manyFlows(opts);
    await benchJourney(many.path, many.packets, opts.runs, true);
  },
  ui: async (_capture, opts) => {
    const many = manyFlows(opts);
    await uiSection(many.path, ' (many-flow capture)');
  },
  '10m': async (_capture, opts) => {
    if (!opts.tenMillion) return;
    requireTime();
    const t0 = performance.now();
    const big = ensureManyFlowCapture(10_000_000);
    section(
      `10 million packets: many-flow capture, ${(big.bytes / 1e9).toFixed(2)} GB (${big.generated ? `generated in ${((performance.now() - t0) / 1000).toFixed(0)} s` : 'cached'})`,
    );
    const slow = `(sleep ${opts.sleep}; cat > /dev/null)`;
    const printed = measure(vxshark('-r', big.path), slow);
    row('summary lines | slow reader: peak RSS', printed.rssMb, 'MB', { kind: 'max', value: 100 }, 0);
    const filtered = measure(vxshark('-r', big.path, '-Y', 'dns && vxlan.vni == 2'), slow);
    row('-Y | slow reader: peak RSS', filtered.rssMb, 'MB', { kind: 'max', value: 100 }, 0);
    const alerts = measure(vxshark('alerts', big.path));
    row('alerts: time', alerts.ms, 'ms', { kind: 'max', value: 15_000 }, 0);
    row('alerts: peak RSS', alerts.rssMb, 'MB', undefined, 0);
    await uiSection(big.path, ' (10M many-flow capture)', { rssMb: 600 });
  },
};

function parseArgs(argv: string[]): { opts: BenchOptions; names: string[]; check: boolean } {
  const opts: BenchOptions = { packets: 1_000_000, runs: 3, sleep: 20, tenMillion: false };
  const names: string[] = [];
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--packets' || a === '--runs' || a === '--sleep') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${a} needs a positive integer`);
      if (a === '--packets') opts.packets = n;
      else if (a === '--runs') opts.runs = n;
      else opts.sleep = n;
    } else if (a === '--10m') opts.tenMillion = true;
    else if (a === '--check') check = true;
    else if (a in SECTIONS) names.push(a);
    else throw new Error(`unknown argument ${a} (sections: ${Object.keys(SECTIONS).join(', ')})`);
  }
  if (names.includes('10m')) opts.tenMillion = true;
  return { opts, names: names.length ? names : Object.keys(SECTIONS), check };
}

async function main(): Promise<number> {
  const { opts, names, check } = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const capture = ensureCapture(opts.packets);
  const made = capture.generated ? `generated in ${((performance.now() - t0) / 1000).toFixed(1)} s` : 'cached';
  process.stdout.write(`vxshark benchmark: Node ${process.version}, ${process.platform}/${process.arch}\n`);
  process.stdout.write(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
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
