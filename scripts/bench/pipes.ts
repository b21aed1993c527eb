// Whole commands on the many-flow capture, as users run them, with the peers in the same run:
// printing to a slow reader (`| (sleep N; cat)`) with the vxshark process's peak RSS, `| head`,
// summaries against tcpdump -nr (to a pipe and to /dev/null), -V and -x against tshark, and the
// analysis commands. Peak RSS is GNU time's maximum resident set size of that one process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { note, row, section, warmPageCache, type Target } from './harness.js';

const BIN = fileURLToPath(new URL('../../bin/vxshark.js', import.meta.url));
const TIME = '/usr/bin/time';
const work = mkdtempSync(join(tmpdir(), 'vxshark-bench-pipes-'));
process.once('exit', () => rmSync(work, { recursive: true, force: true }));

export function which(tool: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export interface Measured {
  ms: number;
  /** Peak RSS of the measured command (not of its consumer), in MB. */
  rssMb: number;
}

/**
 * Runs `argv | consumer` (or `> /dev/null` without a consumer) through sh and returns the wall
 * time of the whole pipeline and the measured command's peak RSS. vxshark runs as its executable
 * (bin/vxshark.js with its shebang), as users run it.
 */
export function measure(argv: string[], consumer?: string): Measured {
  // The captures named on the command line (NAME=PATH for several), read into the page cache first.
  for (const a of argv.slice(1)) {
    const path = a.includes('=') ? a.slice(a.indexOf('=') + 1) : a;
    if (existsSync(path) && statSync(path).isFile() && statSync(path).size > 1e6) warmPageCache(path);
  }
  const stats = join(work, 'time.txt');
  const cmd = `${TIME} -f '%M' -o ${quote(stats)} ${argv.map(quote).join(' ')} ${consumer ? `| ${consumer}` : '> /dev/null'}`;
  const t0 = performance.now();
  const r = spawnSync('sh', ['-c', cmd], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 20 });
  const ms = performance.now() - t0;
  const err = r.stderr?.toString() ?? '';
  if (r.status !== 0 && !err.includes('Command terminated by signal 13')) {
    throw new Error(`${cmd} failed (${r.status}): ${err.slice(0, 300)}`);
  }
  const kb = Number(readFileSync(stats, 'utf8').trim().split('\n').pop());
  return { ms, rssMb: kb / 1024 };
}

export const vxshark = (...args: string[]): string[] => [BIN, ...args];

const SLOW = (seconds: number): string => `(sleep ${seconds}; cat > /dev/null)`;

export interface PipeBenchOptions {
  /** Seconds the slow reader sleeps before reading. */
  sleep: number;
  /** Smaller capture for the -V/-x comparison with tshark (tshark -V on a million packets takes minutes). */
  verboseFile: string;
  verbosePackets: number;
}

/**
 * Printing with a slow reader: every output kind, peak RSS of vxshark. The verbose kinds (-V,
 * -x, JSON: 1-3 KB of text per packet) run on the smaller capture, whose output (hundreds of
 * MB) is already far more than the limit would allow if it were kept.
 */
export function benchSlowReader(file: string, packets: number, o: PipeBenchOptions): void {
  section(`Output to a slow reader: | (sleep ${o.sleep}; cat), many-flow captures, vxshark peak RSS`);
  const limit: Target = { kind: 'max', value: 100 };
  const kinds: [string, string[], boolean][] = [
    ['summary lines', [], false],
    ['-T fields -e ip.src -e vxlan.vni', ['-T', 'fields', '-e', 'ip.src', '-e', 'vxlan.vni'], false],
    ['-w - (a capture to the pipe)', ['-w', '-'], false],
    ['-Y (display filter)', ['-Y', 'tcp.dstport == 80 || dns'], false],
    ['-V', ['-V'], true],
    ['-x', ['-x'], true],
    ['-T json', ['-T', 'json'], true],
  ];
  for (const [label, args, verbose] of kinds) {
    const m = measure(vxshark('-r', verbose ? o.verboseFile : file, ...args), SLOW(o.sleep));
    row(`${label} (${(verbose ? o.verbosePackets : packets).toLocaleString('en-US')} packets)`, m.rssMb, 'MB', limit, 0);
  }
  const flows = measure(vxshark('flows', file), SLOW(o.sleep));
  row('flows (table of every flow)', flows.rssMb, 'MB');
  const head = measure(vxshark('-r', file, '-V'), 'head -5 > /dev/null');
  row('-V | head -5 (whole pipeline, start-up included)', head.ms, 'ms', undefined, 0);
}

/** Summary lines against tcpdump -nr, to /dev/null and to a pipe. */
export function benchSummaries(file: string, packets: number, runs: number): void {
  section(`Summary lines: vxshark -r F against tcpdump -nr F, ${packets.toLocaleString('en-US')}-packet many-flow capture (best of ${runs})`);
  const tcpdump = which('tcpdump');
  const best = (argv: string[], consumer?: string): Measured => {
    let b: Measured | undefined;
    for (let i = 0; i < runs; i++) {
      const m = measure(argv, consumer);
      if (!b || m.ms < b.ms) b = m;
    }
    return b!;
  };
  for (const [where, consumer] of [
    ['> /dev/null', undefined],
    ['| cat > /dev/null', 'cat > /dev/null'],
  ] as const) {
    const ours = best(vxshark('-r', file), consumer);
    row(`vxshark ${where}`, ours.ms, 'ms', undefined, 0);
    note(`vxshark peak RSS ${ours.rssMb.toFixed(0)} MB`);
    if (!tcpdump) {
      note('tcpdump not installed: no comparison');
      continue;
    }
    const theirs = best([tcpdump, '-nr', file], consumer);
    row(`tcpdump -nr ${where}`, theirs.ms, 'ms', undefined, 0);
    row('speed relative to tcpdump (>= 1 is faster)', theirs.ms / ours.ms, 'x', { kind: 'min', value: 1 }, 2);
  }
}

/** -V, -x and -T json against tshark with VXLAN decoded on 8472. */
export function benchVerbose(o: PipeBenchOptions, runs: number): void {
  section(
    `-V, -x and -T json against tshark -d udp.port==8472,vxlan, ${o.verbosePackets.toLocaleString('en-US')}-packet many-flow capture (vxshark best of ${runs}, tshark once)`,
  );
  note(
    'to a file or /dev/null, -T json shares its writing with a second thread (VXSHARK_PRINT_THREADS=1 keeps one); -V shares it only with VXSHARK_PRINT_THREADS=2',
  );
  const tshark = which('tshark');
  for (const flag of [['-V'], ['-x'], ['-T', 'json']]) {
    const name = flag.join(' ');
    const best = (argv: string[]): Measured => {
      let b: Measured = { ms: Infinity, rssMb: 0 };
      for (let i = 0; i < runs; i++) {
        const m = measure(argv);
        if (m.ms < b.ms) b = m;
      }
      return b;
    };
    const ours = best(vxshark('-r', o.verboseFile, ...flag));
    row(`vxshark ${name} > /dev/null`, ours.ms, 'ms', undefined, 0);
    row(`vxshark ${name} > /dev/null: peak RSS`, ours.rssMb, 'MB', undefined, 0);
    // The other way of printing, for comparison: two threads for -V, one for -T json.
    const other = flag[0] === '-V' ? { threads: '2', label: 'two threads' } : flag[0] === '-T' ? { threads: '1', label: 'one thread' } : undefined;
    const alternative = other ? best(['env', `VXSHARK_PRINT_THREADS=${other.threads}`, ...vxshark('-r', o.verboseFile, ...flag)]) : undefined;
    if (other && alternative) {
      row(`vxshark ${name} > /dev/null, ${other.label}`, alternative.ms, 'ms', undefined, 0);
      row(`vxshark ${name} > /dev/null, ${other.label}: peak RSS`, alternative.rssMb, 'MB', undefined, 0);
    }
    if (!tshark) {
      note('tshark not installed: no comparison');
      continue;
    }
    const theirs = measure([tshark, '-r', o.verboseFile, '-d', 'udp.port==8472,vxlan', ...flag]).ms;
    row(`tshark ${name} > /dev/null`, theirs, 'ms', undefined, 0);
    row(`${name} speed-up over tshark`, theirs / ours.ms, 'x', flag[0] === '-T' ? undefined : { kind: 'min', value: 5 }, 1);
    if (other && alternative) row(`${name} speed-up over tshark, ${other.label}`, theirs / alternative.ms, 'x', undefined, 1);
  }
}

/** The analysis commands as run from the shell: wall time and peak RSS. */
export function benchAnalysisCommands(file: string, packets: number, limits: { ms: number; mb: number }, runs = 1): void {
  section(`Analysis commands, ${packets.toLocaleString('en-US')}-packet many-flow capture (median of ${runs}, peak RSS the largest)`);
  for (const cmd of ['alerts', 'tunnels', 'hops', 'flows']) {
    const all = Array.from({ length: runs }, () => measure(vxshark(cmd, file)));
    const ms = all.map((m) => m.ms).sort((a, b) => a - b)[Math.floor((runs - 1) / 2)]!;
    const mb = Math.max(...all.map((m) => m.rssMb));
    note(`vxshark ${cmd}: runs ${all.map((m) => m.ms.toFixed(0)).join(', ')} ms`);
    row(`vxshark ${cmd}: time`, ms, 'ms', cmd === 'alerts' ? { kind: 'max', value: limits.ms } : undefined, 0);
    row(`vxshark ${cmd}: peak RSS`, mb, 'MB', cmd === 'alerts' ? { kind: 'max', value: limits.mb } : undefined, 0);
  }
}

export function haveTime(): boolean {
  return existsSync(TIME);
}
