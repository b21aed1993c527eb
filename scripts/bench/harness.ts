// Small helpers shared by benchmark sections: timing a function (best of N), forcing garbage
// collection for memory figures, and printing aligned result rows with an optional target.
import { closeSync, openSync, readSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface Timing<T> {
  /** Fastest run, in milliseconds. */
  bestMs: number;
  /** Every run, in milliseconds, in order. */
  runsMs: number[];
  /** What the fastest run returned. */
  result: T;
}

/**
 * Runs fn `runs` times and keeps the fastest. `cleanup` sees each result (for example to close
 * a capture) after its run is timed and before the next starts.
 */
export async function timeBest<T>(runs: number, fn: () => T | Promise<T>, cleanup?: (result: T) => void): Promise<Timing<T>> {
  const runsMs: number[] = [];
  let best: { ms: number; result: T } | undefined;
  for (let r = 0; r < runs; r++) {
    gc();
    const t0 = performance.now();
    const result = await fn();
    const ms = performance.now() - t0;
    runsMs.push(ms);
    if (!best || ms < best.ms) {
      if (best) cleanup?.(best.result);
      best = { ms, result };
    } else {
      cleanup?.(result);
    }
  }
  return { bestMs: best!.ms, runsMs, result: best!.result };
}

let collector: (() => void) | undefined;

/** Full garbage collection, without requiring --expose-gc on the command line. */
export function gc(): void {
  if (!collector) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) collector = exposed;
    else {
      setFlagsFromString('--expose-gc');
      collector = runInNewContext('gc') as () => void;
    }
  }
  // Twice: the first pass can leave ArrayBuffer backing stores for the second to release.
  collector();
  collector();
}

/** Collects garbage and lets freed ArrayBuffer memory actually be released before measuring. */
export async function settle(): Promise<void> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
}

export interface Target {
  /** 'min': the value must be at least `value`; 'max': at most. */
  kind: 'min' | 'max';
  value: number;
}

const failures: string[] = [];

export function section(title: string): void {
  process.stdout.write(`\n${title}\n${'-'.repeat(title.length)}\n`);
}

/** Prints "label  value unit  [target ok|MISSED]" and remembers missed targets. */
export function row(label: string, value: number, unit: string, target?: Target, digits = 2): void {
  const shown = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  let verdict = '';
  if (target) {
    const ok = target.kind === 'min' ? value >= target.value : value <= target.value;
    const bound = `${target.kind === 'min' ? '>=' : '<='} ${target.value.toLocaleString('en-US')}`;
    verdict = `  target ${bound}: ${ok ? 'ok' : 'MISSED'}`;
    if (!ok) failures.push(`${label}: ${shown} ${unit} (target ${bound})`);
  }
  process.stdout.write(`  ${label.padEnd(34)} ${shown.padStart(14)} ${unit.padEnd(10)}${verdict}\n`);
}

export function note(text: string): void {
  process.stdout.write(`  ${text}\n`);
}

export function missedTargets(): string[] {
  return [...failures];
}

/**
 * Reads the whole file once so the timed run that follows measures parsing, not the disk. Done
 * before every run, not once: this machine runs DAMON with a pageout scheme, which gives cold pages
 * back between runs, and a capture partly re-read from disk doubled some figures.
 */
export function warmPageCache(path: string): void {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(8 * 1024 * 1024);
  try {
    while (readSync(fd, buf, 0, buf.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}
