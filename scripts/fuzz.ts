// `npm run fuzz -- [--seconds N] [--seed S] [--cases N] [--mode M]`: mutation fuzzing of the
// samples and the lab recordings, in process (fast), one mode after another:
//   reader    mutated whole files through the capture readers (IndexBuilder): a VxError or success
//   dissect   mutated frames through dissect() with reassembly, summary line and -V tree text
//   json      the same through -T json's packetJson, which must give valid JSON
//   analysis  small mutated captures through analyze() (flows, tunnels, hops, alerts)
//   tui       small mutated captures opened in the terminal UI, headless (80x24 or 140x40), and
//             a dozen random keys: moves, views, panes, tree, sort, help
// Any other exception, a dissector's last-line-of-defence note ("dissector failed"), invalid
// JSON, "internal error" from the UI or a case slower than HANG_MS is a failure; the run exits 1
// and names the case (mode, seed, case number) so it can be replayed with --seed and --cases.
// Each mode runs in a worker thread: a case that never returns (an endless loop) is stopped
// after WATCHDOG_MS and reported as a hang. An abort ends the process with a non-zero status.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Writable } from 'node:stream';
import { analyze } from '../src/analysis/index.js';
import { prng } from '../test/helpers/prng.js';
import { loadCapture } from '../src/capture/capture.js';
import { FrameIndex } from '../src/capture/frame-index.js';
import { IndexBuilder } from '../src/capture/index-builder.js';
import type { CaptureInterface } from '../src/capture/types.js';
import { packetJson } from '../src/cli/print/json.js';
import { createRegistry } from '../src/dissect/default-registry.js';
import { dissect } from '../src/dissect/dissect.js';
import { IpReassembler } from '../src/dissect/reassembly/ipfrag.js';
import { summarize } from '../src/dissect/summary.js';
import { buildTree, treeText } from '../src/dissect/tree.js';
import type { FrameMeta } from '../src/dissect/types.js';
import { VxError } from '../src/errors.js';
import { FakeInput, FakeOutput, KEYS } from '../src/ui/headless.js';
import { runUi, type UiHandle } from '../src/ui/index.js';

export type Mode = 'reader' | 'dissect' | 'json' | 'analysis' | 'tui';
export const MODES: Mode[] = ['reader', 'dissect', 'json', 'analysis', 'tui'];
const HANG_MS = 2000;
/** A case with no result after this long is stopped (its worker terminated) and reported as a hang. */
const WATCHDOG_MS = 15_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface SeedFile {
  name: string;
  bytes: Uint8Array;
  frames: { linkType: number; data: Uint8Array }[];
}

/** The samples and lab recordings, with their frames (the seeds of every mode). */
export function loadSeeds(): SeedFile[] {
  const dirs = ['samples', 'samples/lab-recordings'];
  const out: SeedFile[] = [];
  for (const dir of dirs) {
    for (const name of readdirSync(join(ROOT, dir)).sort()) {
      if (!/\.(pcap|pcapng)$/.test(name)) continue;
      const bytes = new Uint8Array(readFileSync(join(ROOT, dir, name)));
      const index = new FrameIndex();
      const interfaces: CaptureInterface[] = [];
      const frames: SeedFile['frames'] = [];
      const b = new IndexBuilder({
        index,
        interfaces,
        warnings: [],
        onFrame: (i, d) => frames.push({ linkType: interfaces[index.interfaceOf(i)]?.linkType ?? 1, data: d.slice() }),
      });
      b.push(bytes);
      b.finish();
      out.push({ name: `${dir}/${name}`, bytes, frames: frames.slice(0, 400) });
    }
  }
  return out;
}

/** One mutation of `src`: bit flips, random bytes, a 16-bit length set to 0/0xffff/small, a cut, or a splice. */
export function mutate(src: Uint8Array, rnd: () => number, headerBias: number): Uint8Array {
  const n = src.length;
  const pick = (): number => Math.floor((rnd() < 0.7 ? Math.min(n, headerBias) : n) * rnd());
  const kind = Math.floor(rnd() * 6);
  if (n === 0) return Uint8Array.of(Math.floor(rnd() * 256));
  if (kind === 0) return src.slice(0, Math.floor(rnd() * n));
  const d = src.slice();
  if (kind === 1) {
    const flips = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < flips; k++) d[pick()]! ^= 1 << Math.floor(rnd() * 8);
  } else if (kind === 2) {
    const count = 1 + Math.floor(rnd() * 8);
    for (let k = 0; k < count; k++) d[pick()] = Math.floor(rnd() * 256);
  } else if (kind === 3) {
    const p = pick() & ~1;
    const v = [0, 0xffff, 1, 7, 8, 20, 0x7fff][Math.floor(rnd() * 7)]!;
    if (p + 1 < n) {
      d[p] = v >> 8;
      d[p + 1] = v & 0xff;
    }
  } else if (kind === 4) {
    // A copy of one region over another (repeats headers, makes nested-looking tunnels).
    const from = pick();
    const to = pick();
    const len = Math.min(n - from, n - to, 1 + Math.floor(rnd() * 64));
    d.copyWithin(to, from, from + len);
  } else {
    const p = pick();
    const v = Math.floor(rnd() * 256);
    for (let k = p; k < Math.min(n, p + 1 + Math.floor(rnd() * 16)); k++) d[k] = v;
  }
  return d;
}

export interface ModeResult {
  mode: Mode;
  cases: number;
  failures: string[];
  slowestMs: number;
}

const meta = (number: number, linkType: number, data: Uint8Array, origLen: number): FrameMeta => ({
  number,
  sec: 1700000000 + number,
  nsec: 0,
  capLen: data.length,
  origLen,
  linkType,
  interfaceId: 0,
  direction: 0,
});

/** Keys the TUI mode presses at random (never q or Ctrl-C: the case quits at the end). */
const UI_KEYS = [
  KEYS.down,
  KEYS.up,
  KEYS.pageDown,
  KEYS.pageUp,
  KEYS.end,
  KEYS.home,
  KEYS.enter,
  KEYS.tab,
  KEYS.shiftTab,
  KEYS.right,
  KEYS.left,
  KEYS.escape,
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  'e',
  'c',
  's',
  'i',
  'n',
  'N',
  '?',
  'j',
  'k',
  'G',
  'g',
];

/** Opens `file` in the headless UI, presses a dozen random keys and quits; an internal error or a crash throws. */
async function fuzzUi(file: string, rnd: () => number): Promise<void> {
  const input = new FakeInput();
  const small = rnd() < 0.5;
  const output = new FakeOutput(small ? 80 : 140, small ? 24 : 40, false);
  const errors: string[] = [];
  const stderr = new Writable({
    write(chunk: Buffer, _e, cb) {
      errors.push(chunk.toString());
      cb();
    },
  });
  let ready!: (h: UiHandle) => void;
  const started = new Promise<UiHandle>((r) => (ready = r));
  const status = runUi({ file, ifnames: new Map(), input, output, stderr, terminal: 'xterm-256color', analysis: false, onReady: ready });
  const handle = await Promise.race([started, status.then(() => undefined)]);
  if (handle) {
    const settle = async (): Promise<void> => {
      await new Promise((r) => setImmediate(r));
      await handle.idle();
    };
    await settle();
    for (let k = 0; k < 12; k++) {
      input.write(UI_KEYS[Math.floor(rnd() * UI_KEYS.length)]!);
      await settle();
    }
    handle.quit();
  }
  await status;
  const said = errors.join('');
  if (/internal error|\n\s+at /.test(said)) throw new Error(said);
}

/** Runs one mode until `until` (ms since epoch) or `maxCases` cases; `progress[0]` counts the cases done. */
export async function runMode(mode: Mode, seeds: SeedFile[], seed: number, until: number, maxCases: number, progress?: Int32Array): Promise<ModeResult> {
  const rnd = prng(seed ^ (MODES.indexOf(mode) * 0x9e3779b1));
  const registry = createRegistry();
  const frames = seeds.flatMap((s) => s.frames);
  const failures: string[] = [];
  let slowest = 0;
  let cases = 0;
  const tmp = mode === 'analysis' || mode === 'tui' ? mkdtempSync(join(tmpdir(), 'vxshark-fuzz-')) : '';
  try {
    while (cases < maxCases && Date.now() < until && failures.length < 20) {
      const id = `${mode} seed=${seed} case=${cases + 1}`;
      const t0 = performance.now();
      try {
        if (mode === 'reader') {
          const s = seeds[Math.floor(rnd() * seeds.length)]!;
          const bytes = mutate(s.bytes.subarray(0, Math.min(s.bytes.length, 4096)), rnd, 64);
          const b = new IndexBuilder({ index: new FrameIndex(), interfaces: [], warnings: [] });
          try {
            // Arbitrary chunk boundaries, as a pipe delivers them.
            const cut = Math.floor(rnd() * bytes.length);
            b.push(bytes.subarray(0, cut));
            b.push(bytes.subarray(cut));
            b.finish();
          } catch (e) {
            if (!(e instanceof VxError)) throw e;
          }
        } else if (mode === 'dissect' || mode === 'json') {
          const reassembler = new IpReassembler();
          // A few frames in a row, so fragments can meet in the reassembler.
          for (let k = 0; k < 3; k++) {
            const f = frames[Math.floor(rnd() * frames.length)]!;
            const data = mutate(f.data, rnd, 160);
            const pkt = dissect(data, meta(k + 1, f.linkType, data, rnd() < 0.2 ? data.length + 100 : data.length), registry, { reassembler });
            const failed = pkt.notes.find((n) => n.message.includes('dissector failed'));
            if (failed) throw new Error(failed.message);
            const summary = summarize(pkt, registry);
            if (mode === 'dissect') {
              treeText(buildTree(pkt, registry));
            } else {
              const text = JSON.stringify(packetJson(pkt, registry, summary), null, 2);
              JSON.parse(text);
            }
          }
        } else if (mode === 'tui') {
          const s = seeds[Math.floor(rnd() * seeds.length)]!;
          const file = join(tmp, 'case.cap');
          writeFileSync(file, mutate(s.bytes.subarray(0, Math.min(s.bytes.length, 16384)), rnd, 4096));
          await fuzzUi(file, rnd);
        } else {
          const s = seeds[Math.floor(rnd() * seeds.length)]!;
          const bytes = mutate(s.bytes.subarray(0, Math.min(s.bytes.length, 16384)), rnd, 4096);
          const file = join(tmp, 'case.cap');
          writeFileSync(file, bytes);
          let capture;
          try {
            capture = await loadCapture(file);
          } catch (e) {
            if (!(e instanceof VxError)) throw e;
          }
          if (capture) {
            try {
              JSON.stringify(analyze(capture, { registry }));
            } finally {
              capture.close();
            }
          }
        }
      } catch (e) {
        failures.push(`${id}: ${(e as Error)?.stack ?? String(e)}`);
      }
      const ms = performance.now() - t0;
      slowest = Math.max(slowest, ms);
      if (ms > HANG_MS) failures.push(`${id}: took ${Math.round(ms)} ms (hang?)`);
      cases++;
      if (progress) Atomics.store(progress, 0, cases);
    }
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
  return { mode, cases, failures, slowestMs: slowest };
}

/**
 * runMode in a worker thread, watched from here: when the case count stops moving for
 * WATCHDOG_MS the worker is terminated and the case it was on is reported as a hang.
 */
function runModeWatched(mode: Mode, seed: number, until: number, maxCases: number): Promise<ModeResult> {
  const progress = new Int32Array(new SharedArrayBuffer(4));
  const entry = import.meta.url;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  const worker = new Worker(code, { eval: true, workerData: { mode, seed, until, maxCases, progress } });
  return new Promise((resolve) => {
    let seen = 0;
    let since = Date.now();
    const watch = setInterval(() => {
      const now = Atomics.load(progress, 0);
      if (now !== seen) {
        seen = now;
        since = Date.now();
      } else if (Date.now() - since > WATCHDOG_MS) {
        clearInterval(watch);
        void worker.terminate();
        resolve({
          mode,
          cases: seen + 1,
          failures: [`${mode} seed=${seed} case=${seen + 1}: no result after ${WATCHDOG_MS / 1000} s (hang), stopped`],
          slowestMs: WATCHDOG_MS,
        });
      }
    }, 250);
    worker.once('message', (r: ModeResult) => {
      clearInterval(watch);
      resolve(r);
    });
    worker.once('error', (e) => {
      clearInterval(watch);
      resolve({ mode, cases: seen + 1, failures: [`${mode} seed=${seed} case=${seen + 1}: ${e.stack ?? String(e)}`], slowestMs: 0 });
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string, def: number): number => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : def;
  };
  const seconds = opt('seconds', 60);
  const seed = opt('seed', Date.now() & 0x7fffffff);
  const maxCases = opt('cases', Infinity);
  const only = args.includes('--mode') ? [args[args.indexOf('--mode') + 1] as Mode] : MODES;
  const seeds = loadSeeds();
  let failed = false;
  console.log(`fuzz: seed ${seed}, ${seconds} s per mode, ${seeds.length} seed files, ${seeds.reduce((a, s) => a + s.frames.length, 0)} seed frames`);
  for (const mode of only) {
    const r = await runModeWatched(mode, seed, Date.now() + seconds * 1000, maxCases);
    console.log(`${mode.padEnd(9)} ${String(r.cases).padStart(8)} cases, ${r.failures.length} failures, slowest ${r.slowestMs.toFixed(1)} ms`);
    for (const f of r.failures) console.log(`  ${f}`);
    if (r.failures.length) failed = true;
  }
  process.exitCode = failed ? 1 : 0;
}

if (!isMainThread && workerData?.mode) {
  const job = workerData as { mode: Mode; seed: number; until: number; maxCases: number; progress: Int32Array };
  const r = await runMode(job.mode, loadSeeds(), job.seed, job.until, job.maxCases, job.progress);
  parentPort!.postMessage(r);
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
