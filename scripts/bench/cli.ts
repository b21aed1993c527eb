// Whole-command timings against the tools users compare us with: every summary line printed
// (`vxshark -r F > /dev/null`) and a display filter, next to tshark and tcpdump on the same
// file in the same run when they are installed.
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { note, row, section } from './harness.js';

const BIN = fileURLToPath(new URL('../../bin/vxshark.js', import.meta.url));
// tshark syntax too, so both tools run the same filter (`ip.dst` matches the inner or the outer header).
export const TYPICAL_FILTER = 'ip.dst == 10.244.3.0/24 && vxlan.vni == 1 && icmp';

function which(tool: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Wall time of one command with stdout to /dev/null; best of `runs`. */
function timeCommand(cmd: string, args: string[], runs: number): number {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const out = openSync('/dev/null', 'w');
    const t0 = performance.now();
    const res = spawnSync(cmd, args, { stdio: ['ignore', out, 'pipe'], maxBuffer: 1 << 20 });
    const ms = performance.now() - t0;
    closeSync(out);
    if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${res.stderr?.toString().slice(0, 300)}`);
    best = Math.min(best, ms);
  }
  return best;
}

export async function benchCli(file: string, runs: number): Promise<void> {
  if (!existsSync(BIN.replace('bin/vxshark.js', 'dist/cli/vxshark.mjs'))) throw new Error('dist/ is missing: run npm run build first');
  section(`Command line: every packet printed, and a display filter (best of ${runs}; peers once)`);
  const ours = timeCommand(process.execPath, [BIN, '-r', file], runs);
  row('vxshark -r F > /dev/null', ours, 'ms', undefined, 0);
  const tshark = which('tshark');
  const tcpdump = which('tcpdump');
  if (tshark) {
    const t = timeCommand(tshark, ['-r', file, '-d', 'udp.port==8472,vxlan'], 1);
    row('tshark -r F -d udp.port==8472,vxlan', t, 'ms', undefined, 0);
    row('speed-up over tshark', t / ours, 'x', { kind: 'min', value: 10 }, 1);
  } else note('tshark not installed: no comparison (apt-get install tshark)');
  if (tcpdump) {
    const t = timeCommand(tcpdump, ['-nr', file], 1);
    row('tcpdump -nr F', t, 'ms', undefined, 0);
    row('speed relative to tcpdump (>= 1 is faster)', t / ours, 'x', { kind: 'min', value: 1 }, 2);
  } else note('tcpdump not installed: no comparison (apt-get install tcpdump)');

  const filtered = timeCommand(process.execPath, [BIN, '-r', file, '-Y', TYPICAL_FILTER], runs);
  row(`vxshark -r F -Y '${TYPICAL_FILTER}'`, filtered, 'ms', undefined, 0);
  if (tshark) {
    const t = timeCommand(tshark, ['-r', file, '-d', 'udp.port==8472,vxlan', '-Y', TYPICAL_FILTER], 1);
    row('tshark -Y (same filter)', t, 'ms', undefined, 0);
    row('filter speed-up over tshark', t / filtered, 'x', undefined, 1);
  }
}
