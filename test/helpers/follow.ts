// `-z follow` in the tests: vxshark's output, and how many streams tshark numbers in a capture.
import assert from 'node:assert/strict';
import { vxshark } from './cli.js';
import { tshark } from './tshark.js';

/** vxshark's `-z follow,SPEC` output for a capture (the run must succeed). */
export async function follow(file: string, spec: string): Promise<string> {
  const r = await vxshark(['-r', file, '-q', '-z', `follow,${spec}`]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** How many tcp.stream / udp.stream numbers tshark gives a capture's packets. */
export function streamCount(file: string, proto: 'tcp' | 'udp'): number {
  const ids = tshark(['-r', file, '-T', 'fields', '-e', `${proto}.stream`])
    .split(/[\n,]/)
    .filter((s) => s !== '')
    .map(Number);
  return ids.length ? Math.max(...ids) + 1 : 0;
}
