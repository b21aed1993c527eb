// Loading a Kubernetes context: a 10,000-pod cluster's kubectl JSON read, parsed and indexed
// (issue 16's target: at most 1 s), and the cost of naming a packet's addresses.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAddr } from '../../src/analysis/addr.js';
import { loadContext } from '../../src/context/load.js';
import { row, section, timeBest } from './harness.js';
import { syntheticCluster } from './cluster.js';

export async function benchContext(runs: number): Promise<void> {
  section('context: a 10,000-pod cluster (kubectl get pods,nodes,services,endpointslices -A -o json)');
  const dir = mkdtempSync(join(tmpdir(), 'vxshark-bench-context-'));
  try {
    const file = join(dir, 'k8s.json');
    writeFileSync(file, JSON.stringify(syntheticCluster(10_000), null, 4));
    row('file size', statSync(file).size / 1e6, 'MB', undefined, 1);
    let ctx = loadContext([file]);
    const t = await timeBest(runs, () => {
      ctx = loadContext([file]);
    });
    row('load: read + parse + index', t.bestMs, 'ms', { kind: 'max', value: 1000 }, 0);
    const addrs = Array.from({ length: 100_000 }, (_, i) => parseAddr(`10.${100 + ((i % 100) >> 8)}.${i % 100}.${2 + (i % 100)}`)!);
    const t0 = performance.now();
    let named = 0;
    for (const a of addrs) if (ctx.who(a)) named++;
    const ms = performance.now() - t0;
    row('address lookups', (addrs.length / ms) * 1000, 'lookups/s', undefined, 0);
    if (named === 0) throw new Error('no address was named');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
