// The lab end to end: samples/lab/lab.sh builds the workshop (docs/scenario.md) in network
// namespaces, records Act 1 (native) and Act 2 (tunnel) with tcpdump on every host at once, and
// vxshark's own CLI must find in the fresh recordings what the story says is there. Needs Linux, root, ip (iproute2),
// tcpdump and python3 or nc; skipped with the reason otherwise. Runs in CI (which is root).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { vxshark } from '../helpers/cli.js';
import { describe as describePackets, packets } from './lab-packets.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAB = join(ROOT, 'samples/lab/lab.sh');
const LAB_TIMEOUT_MS = 90_000; // a hang guard: two labs of five recorders each on a busy 2-core machine take ~30 s

const has = (cmd: string): boolean => spawnSync('bash', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** Why the lab cannot run here, or undefined when it can. */
function skipReason(): string | undefined {
  if (process.platform !== 'linux') return `needs Linux network namespaces (platform is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  for (const cmd of ['bash', 'ip', 'tcpdump']) if (!has(cmd)) return `needs ${cmd} on PATH`;
  if (!has('python3') && !has('nc')) return 'needs python3 (or nc) for the HTTP server in the worker pods';
  if (!existsSync(LAB)) return `${LAB} not found`;
  // Root is not enough in a container without CAP_SYS_ADMIN/CAP_NET_ADMIN: try once.
  const probe = `vxshark-test-probe-${process.pid}`;
  const add = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (add.status !== 0) return `cannot create a network namespace: ${(add.stderr || add.error?.message || '').trim()}`;
  const link = spawnSync('ip', ['-n', probe, 'link', 'add', 'name', 'vxlprobe', 'type', 'vxlan', 'external', 'dstport', '8472'], { encoding: 'utf8' });
  spawnSync('ip', ['netns', 'del', probe]);
  if (link.status !== 0) return `the kernel cannot create a vxlan device: ${link.stderr.trim()}`;
  return undefined;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], timeout: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.VXSHARK_DEBUG;
    // SIGTERM on timeout: lab.sh traps it and removes its namespaces.
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], timeout, killSignal: 'SIGTERM' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

interface Row {
  frame: number;
  ifindex: number;
  pkttype: number;
  src: string[];
  dst: string[];
  vni: string[];
}

const FIELDS = ['frame.number', 'sll.ifindex', 'sll.pkttype', 'ip.src', 'ip.dst', 'vxlan.vni'];

/** vxshark -T fields on one recording; every occurrence (outer and inner) comma-separated. */
async function rows(file: string): Promise<Row[]> {
  const r = await vxshark(['-r', file, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])], { timeout: 30_000 });
  assert.equal(r.status, 0, `vxshark -r ${file} failed: ${r.stderr}`);
  const list = (s: string | undefined): string[] => (s ? s.split(',') : []);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const [frame, ifindex, pkttype, src, dst, vni] = line.split('\t');
      return { frame: Number(frame), ifindex: Number(ifindex), pkttype: Number(pkttype), src: list(src), dst: list(dst), vni: list(vni) };
    });
}

/** ifindex of an interface from the `ip -o link` file saved next to the recording. */
function ifindex(ipLinkFile: string, name: string): number {
  const m = new RegExp(`^(\\d+): ${name}[@:]`, 'm').exec(readFileSync(ipLinkFile, 'utf8'));
  assert.ok(m, `${name} not in ${ipLinkFile}`);
  return Number(m[1]);
}

const SLL_HOST = 0; // pkttype: to us (here: arriving, to be forwarded)
const SLL_OUTGOING = 4; // pkttype: sent by us

const reason = skipReason();

describe('lab recordings made by samples/lab/lab.sh', { skip: reason ?? false, timeout: 150_000 }, () => {
  let dir = '';
  const labs: Record<string, Run> = {};
  const started = Date.now();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vxshark-lab-'));
    // Namespace names carry lab.sh's pid: the two scenarios can be built side by side.
    const [native, tunnel] = await Promise.all([run('bash', [LAB, 'native', dir], LAB_TIMEOUT_MS), run('bash', [LAB, 'tunnel', dir], LAB_TIMEOUT_MS)]);
    labs.native = native;
    labs.tunnel = tunnel;
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`# lab.sh native + tunnel and their checks took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });

  const lab = (scenario: string): void => {
    const r = labs[scenario];
    assert.ok(r, `lab.sh ${scenario} did not run`);
    assert.equal(r.code, 0, `lab.sh ${scenario} exited ${r.code ?? r.signal}:\n${r.stderr}`);
    const perHost = ['ctr', 'w1', 'w0', 'router'].flatMap((h) => [`${h}-any.pcap`, `${h}.ip-link.txt`, `${h}.ip-route.txt`]);
    for (const f of ['ctr-eth1.pcap', ...perHost]) {
      assert.ok(existsSync(join(dir, `${scenario}-${f}`)), `${scenario}-${f} missing`);
    }
  };

  it('native: the pod packet to k8s-w0 comes in on eth1 and leaves on eth0, the default route, unanswered', async () => {
    lab('native');
    const ipLink = join(dir, 'native-router.ip-link.txt');
    const eth0 = ifindex(ipLink, 'eth0');
    const eth1 = ifindex(ipLink, 'eth1');
    const all = await rows(join(dir, 'native-router-any.pcap'));
    const toW0 = all.filter((r) => r.src.includes('172.20.0.10') && r.dst.includes('172.20.2.30'));
    assert.ok(
      toW0.some((r) => r.ifindex === eth1 && r.pkttype === SLL_HOST),
      `no 172.20.0.10 -> 172.20.2.30 arriving on eth1 (ifindex ${eth1}):\n${JSON.stringify(toW0)}`,
    );
    assert.ok(
      toW0.some((r) => r.ifindex === eth0 && r.pkttype === SLL_OUTGOING),
      `no 172.20.0.10 -> 172.20.2.30 leaving on eth0 (ifindex ${eth0}, pkttype 4):\n${JSON.stringify(toW0)}`,
    );
    assert.equal(all.filter((r) => r.src.includes('172.20.2.30')).length, 0, 'k8s-w0 must never answer');
    assert.match(readFileSync(join(dir, 'native-router.ip-route.txt'), 'utf8'), /^default via 203\.0\.113\.254 dev eth0/m);
  });

  it('tunnel: VXLAN between the nodes with a VNI per source node, pod addresses inside, nothing on eth0', async () => {
    lab('tunnel');
    const eth0 = ifindex(join(dir, 'tunnel-router.ip-link.txt'), 'eth0');
    const all = await rows(join(dir, 'tunnel-router-any.pcap'));
    const vxlan = all.filter((r) => r.vni.length > 0);
    assert.ok(vxlan.length >= 20, `expected VXLAN frames (ping, HTTP, download), got ${vxlan.length}`);
    const vnis = new Set(vxlan.flatMap((r) => r.vni));
    assert.ok(vnis.has('10100') && vnis.has('20100'), `VNIs ${[...vnis].join(' ')}`);
    const request = vxlan.find((r) => r.vni.includes('10100'));
    assert.deepEqual(request?.src, ['192.168.10.100', '172.20.0.10'], 'outer node address, then inner pod address');
    assert.deepEqual(request?.dst, ['192.168.20.100', '172.20.2.30']);
    const reply = vxlan.find((r) => r.vni.includes('20100'));
    assert.deepEqual(reply?.src, ['192.168.20.100', '172.20.2.30']);
    assert.deepEqual(reply?.dst, ['192.168.10.100', '172.20.0.10']);
    assert.equal(all.filter((r) => r.ifindex === eth0 && [...r.src, ...r.dst].some((a) => a.startsWith('172.20.'))).length, 0, 'no pod traffic on the uplink');
    // The same subnet's tunnel, seen on the wire at k8s-ctr (Ethernet, no SLL2).
    const wire = await rows(join(dir, 'tunnel-ctr-eth1.pcap'));
    const toW1 = wire.find((r) => r.dst.includes('172.20.1.20'));
    assert.deepEqual(toW1?.vni, ['10100']);
    assert.deepEqual(toW1?.dst, ['192.168.10.101', '172.20.1.20']);
    // Recorded at the same time on k8s-w0: the VXLAN arrives on eth1 and its decapsulated copy
    // on cilium_vxlan, then goes out to the pod on lxc0.
    const w0 = await packets(join(dir, 'tunnel-w0-any.pcap'), { ipLink: join(dir, 'tunnel-w0.ip-link.txt') });
    const toPod = w0.filter((p) => p.inner?.src === '172.20.0.10' && p.inner.dst === '172.20.2.30');
    for (const [iface, encapsulated] of [['eth1', true], ['cilium_vxlan', false], ['lxc0', false]] as const) {
      assert.ok(
        toPod.some((p) => p.iface === iface && (p.vxlan !== undefined) === encapsulated),
        `k8s-w0 ${iface}: no ${encapsulated ? 'VXLAN' : 'plain'} 172.20.0.10 -> 172.20.2.30:\n${describePackets(toPod)}`,
      );
    }
  });
});
