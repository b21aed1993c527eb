// The context end to end through the real entry point: names in the packet list (inner and
// outer), the Kubernetes subtree, the k8s.* / cilium.* fields in -e and -Y, --names off, the
// analysis commands, and `vxshark snapshot` against a fake kubectl on PATH.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT, vxshark } from '../helpers/cli.js';

const CILIUM = 'samples/cilium-vxlan-8472.pcap';
const NATIVE = 'samples/lab-recordings/native-router-any.pcap';
const NATIVE_LINK = 'samples/lab-recordings/native-router.ip-link.txt';
const CTX = ['--context', 'samples/context'];
const tmp = mkdtempSync(join(tmpdir(), 'vxshark-context-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function ok(args: string[], env?: Record<string, string | undefined>): Promise<string> {
  const r = await vxshark(args, { timeout: 60_000, ...(env ? { env } : {}) });
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  return r.stdout;
}

describe('names in the packet list and the tree', () => {
  it('names outer nodes and inner pods on the summary line', async () => {
    const lines = (await ok(['-r', CILIUM, ...CTX, '-Y', 'frame.number == 3 || frame.number == 4'])).trimEnd().split('\n');
    assert.match(
      lines[0]!,
      /^\s+3\s+\S+ k8s-ctr → k8s-w0 VXLAN VNI 32001 │ default\/curl-pod → default\/webpod-697b545f57-hc6qk ICMP 148 Echo \(ping\) request/,
    );
    assert.match(lines[1]!, /^\s+4\s+\S+ k8s-w0 → k8s-ctr VXLAN VNI 45678 │ default\/webpod-697b545f57-hc6qk → default\/curl-pod ICMP 148 Echo \(ping\) reply/);
  });

  it('--names off shows the bare addresses, as without a context', async () => {
    const off = await ok(['-r', CILIUM, ...CTX, '--names', 'off']);
    const none = await ok(['-r', CILIUM]);
    assert.equal(off, none);
    assert.match(none, /192\.168\.10\.100 → 192\.168\.20\.100 VXLAN VNI 32001 │ 172\.20\.0\.10 → 172\.20\.2\.30/);
    const bad = await vxshark(['-r', CILIUM, ...CTX, '--names', 'maybe']);
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, 'vxshark: invalid --names "maybe": expected on or off\n');
  });

  it('adds a Kubernetes subtree under each IP layer and the identity under VXLAN', async () => {
    const tree = await ok(['-r', CILIUM, ...CTX, '-V', '-Y', 'frame.number == 3']);
    const at = (line: string): number => {
      const i = tree.split('\n').indexOf(line);
      assert.ok(i >= 0, `missing line ${JSON.stringify(line)}`);
      return i;
    };
    const outer = at('    Kubernetes');
    assert.ok(at('        Source: 192.168.10.100 (node k8s-ctr)') > outer);
    at('        Destination: 192.168.20.100 (node k8s-w0)');
    at('    Cilium identity of the sender: 32001');
    at('        Label: k8s:app=curl');
    at('        Source: 172.20.0.10 (pod default/curl-pod)');
    at('            Node: k8s-ctr');
    at("            Pod CIDR: k8s-ctr's pod CIDR 172.20.0.0/24 (from CiliumNode, Node)");
    at('            Cilium identity: 32001 (k8s:app=curl, k8s:io.kubernetes.pod.namespace=default)');
    at('        Destination: 172.20.2.30 (pod default/webpod-697b545f57-hc6qk)');
    at('            Backend of service: default/webpod');
  });

  it('says in the tree which pod an address was reused from', async () => {
    interface PodItem {
      metadata: { name: string; creationTimestamp: string };
      status: { phase: string };
    }
    const k8s = JSON.parse(readFileSync(join(ROOT, 'samples/context/k8s.json'), 'utf8')) as { items: PodItem[] };
    const old = structuredClone(k8s.items.find((i) => i.metadata.name === 'curl-pod')!);
    old.metadata.name = 'curl-pod-old';
    old.metadata.creationTimestamp = '2026-11-19T07:00:00Z';
    old.status.phase = 'Succeeded';
    k8s.items.push(old);
    const file = join(tmp, 'reused.json');
    writeFileSync(file, JSON.stringify(k8s));
    const tree = await ok(['-r', CILIUM, '--k8s', file, '-V', '-Y', 'frame.number == 3']);
    assert.ok(
      tree.includes(
        '            Also held by default/curl-pod-old (Succeeded, created 2026-11-19T07:00:00Z): default/curl-pod is newer and running, so it is named\n',
      ),
    );
  });
});

describe('k8s.* and cilium.* fields', () => {
  it('prints them with -T fields -e', async () => {
    const out = await ok([
      '-r',
      CILIUM,
      ...CTX,
      '-T',
      'fields',
      '-Y',
      'frame.number in {3 4 13}',
      '-e',
      'frame.number',
      '-e',
      'k8s.src.pod',
      '-e',
      'k8s.dst.pod',
      '-e',
      'k8s.src.namespace',
      '-e',
      'k8s.dst.namespace',
      '-e',
      'k8s.src.node',
      '-e',
      'k8s.dst.node',
      '-e',
      'k8s.service',
      '-e',
      'cilium.identity',
    ]);
    assert.deepEqual(out.trimEnd().split('\n'), [
      '3\tcurl-pod\twebpod-697b545f57-hc6qk\tdefault\tdefault\tk8s-ctr\tk8s-w0\tdefault/webpod\t32001',
      '4\twebpod-697b545f57-hc6qk\tcurl-pod\tdefault\tdefault\tk8s-w0\tk8s-ctr\tdefault/webpod\t45678',
      '13\tcurl-pod\tcoredns-674b8bbfcf-x7k2m\tdefault\tkube-system\tk8s-ctr\tk8s-w0\tkube-system/kube-dns\t32001',
    ]);
  });

  it('filters with them in -Y, and they are absent without a context', async () => {
    const frames = async (filter: string, ctx = CTX): Promise<string[]> =>
      (await ok(['-r', CILIUM, ...ctx, '-T', 'fields', '-e', 'frame.number', '-Y', filter])).split('\n').filter(Boolean);
    // Each k8s/cilium filter selects exactly the frames the address or VNI filter it stands for does.
    assert.deepEqual(
      await frames('k8s.src.pod == "curl-pod" || cilium.labels contains "k8s-app=kube-dns"'),
      await frames('inner.ip.src == 172.20.0.10 || vxlan.vni == 18322'),
    );
    assert.deepEqual(
      await frames('k8s.dst.namespace == "kube-system" && cilium.identity == 32001 && k8s.src.node == "k8s-ctr"'),
      await frames('inner.ip.dst == 172.20.2.53 && vxlan.vni == 32001 && outer.ip.src == 192.168.10.100'),
    );
    assert.ok((await frames('k8s.service == "kube-system/kube-dns"')).length === 4);
    assert.deepEqual(await frames('k8s.src.pod', []), []);
  });

  it('names the node hosting a pod for native (untunnelled) packets', async () => {
    const out = await ok(['-r', NATIVE, ...CTX, '-T', 'fields', '-e', 'k8s.src.node', '-e', 'k8s.dst.node', '-Y', 'ip']);
    assert.deepEqual([...new Set(out.trimEnd().split('\n'))], ['k8s-ctr\tk8s-w0']);
  });
});

describe('the analysis with a context', () => {
  it('alerts name the pods, the nodes and the missing pod CIDR by node', async () => {
    const out = await ok(['alerts', NATIVE, '--ip-link', NATIVE_LINK, ...CTX]);
    const flat = out.replace(/\n\s+/g, ' ');
    assert.ok(
      flat.includes(
        "default/curl-pod on k8s-ctr → default/webpod-697b545f57-hc6qk on k8s-w0 entered eth1 and left eth0 (default route): no route for k8s-w0's pod CIDR 172.20.2.0/24 on this router",
      ),
    );
    assert.ok(flat.includes("no route for k8s-w0's pod CIDR 172.20.2.0/24: its traffic leaves through the default route (eth0)"));
    assert.ok(flat.includes('ip route add 172.20.2.0/24 via 192.168.20.100 (k8s-w0, which owns 172.20.2.0/24)'));
  });

  it('takes the pod range from the nodes instead of guessing', async () => {
    const out = await ok(['hops', NATIVE, '--ip-link', NATIVE_LINK, ...CTX]);
    assert.match(out, /Pod range: 172\.20\.0\.0\/24 \(k8s-ctr\), 172\.20\.1\.0\/24 \(k8s-w1\), 172\.20\.2\.0\/24 \(k8s-w0\)/);
    const json = JSON.parse(await ok(['hops', NATIVE, '--ip-link', NATIVE_LINK, ...CTX, '--json'])) as {
      topology: { podCidrs: { prefix: string; source: string }[] };
    };
    assert.deepEqual(
      json.topology.podCidrs.map((p) => p.source),
      ['context', 'context', 'context'],
    );
  });

  it('tunnels show VTEPs as nodes and the VNI as the identity with its labels', async () => {
    const out = (await ok(['tunnels', CILIUM, ...CTX])).replace(/\n\s+/g, ' ');
    assert.match(out, /identity 32001\s+k8s-ctr → k8s-w0/);
    assert.match(out, /VNI 32001 is the Cilium identity of the sender: k8s:app=curl, k8s:io\.kubernetes\.pod\.namespace=default/);
    assert.match(out, /carries default\/curl-pod → default\/webpod-697b545f57-hc6qk/);
  });

  it('flows name their endpoints, and --json carries srcName/dstName (tunnels: the nodes and the identity) only with names', async () => {
    const rows = JSON.parse(await ok(['flows', CILIUM, ...CTX, '--json'])) as { src: string; dst: string; srcName?: string; dstName?: string }[];
    const icmp = rows.find((r) => r.src === '172.20.0.10' && r.dst === '172.20.2.30')!;
    assert.deepEqual([icmp.srcName, icmp.dstName], ['default/curl-pod', 'default/webpod-697b545f57-hc6qk']);
    const bare = JSON.parse(await ok(['flows', CILIUM, ...CTX, '--json', '--names', 'off'])) as object[];
    assert.ok(bare.every((r) => !('srcName' in r) && !('dstName' in r)));
    const tunnels = JSON.parse(await ok(['tunnels', CILIUM, ...CTX, '--json'])) as { vni: number; srcName?: string; dstName?: string; identity?: string }[];
    const t = tunnels.find((x) => x.vni === 32001)!;
    assert.deepEqual([t.srcName, t.dstName, t.identity], ['k8s-ctr', 'k8s-w0', 'k8s:app=curl, k8s:io.kubernetes.pod.namespace=default']);
    const text = await ok(['flows', CILIUM, ...CTX], { COLUMNS: '200' });
    assert.match(text, / 0 {2}ICMP {3}default\/curl-p\S*\s+default\/webpod-697b545f57-hc6qk /);
  });

  it('a bad context file is one line and exit status 1', async () => {
    const p = join(tmp, 'bad.json');
    writeFileSync(p, '{"kind": "List", "items": [');
    const r = await vxshark(['alerts', NATIVE, '--k8s', p]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^vxshark: .*bad\.json: not JSON \(.*\); expected the output of "kubectl get \.\.\. -o json" or "cilium-dbg \.\.\. -o json"\n$/);
  });
});

describe('vxshark snapshot', () => {
  // A fake kubectl: answers from samples/context, or fails the way FAKE_MODE says; logs its arguments.
  const bin = join(tmp, 'bin');
  const log = join(tmp, 'kubectl.log');
  writeFileSync(join(tmp, '.keep'), '');
  const script = `#!/bin/sh
printf '%s\\n' "$*" >> "${log}"
case "$FAKE_MODE" in
  unreachable) echo 'E1203 memcache.go:265] couldn'"'"'t get current server API group list' >&2
               echo 'The connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port?' >&2; exit 1;;
  notjson) echo 'NAME READY'; exit 0;;
esac
case "$*" in
  "get pods,nodes,services,endpointslices -A -o json") cat "${ROOT}samples/context/k8s.json";;
  "get ciliumnodes,ciliumendpoints,ciliumidentities -A -o json")
    if [ "$FAKE_MODE" = nocilium ]; then echo 'error: the server doesn'"'"'t have a resource type "ciliumnodes"' >&2; exit 1; fi
    cat "${ROOT}samples/context/ciliumnodes.json";;
  *"cilium-dbg endpoint list -o json") [ "$FAKE_MODE" = nocilium ] && { echo 'Error from server (NotFound): daemonsets.apps "cilium" not found' >&2; exit 1; }
    cat "${ROOT}samples/context/cilium-endpoints.json";;
  *"cilium-dbg identity list -o json") cat "${ROOT}samples/context/cilium-identities.json";;
  *) echo "unexpected: $*" >&2; exit 2;;
esac
`;
  const fake = (): Record<string, string> => {
    if (!existsSync(join(bin, 'kubectl'))) {
      rmSync(bin, { recursive: true, force: true });
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, 'kubectl'), script);
      chmodSync(join(bin, 'kubectl'), 0o755);
    }
    return { PATH: `${bin}:${process.env.PATH}`, KUBECTL: undefined as unknown as string };
  };

  it('writes the four files, with progress on stderr, and they load as a context', async () => {
    const dir = join(tmp, 'snap1');
    rmSync(log, { force: true });
    const r = await vxshark(['snapshot', dir], { env: fake(), timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.deepEqual(readdirSync(dir).sort(), ['cilium-crds.json', 'cilium-endpoints.json', 'cilium-identities.json', 'k8s.json']);
    assert.deepEqual(readFileSync(log, 'utf8').trimEnd().split('\n'), [
      'get pods,nodes,services,endpointslices -A -o json',
      'get ciliumnodes,ciliumendpoints,ciliumidentities -A -o json',
      'exec -n kube-system ds/cilium -c cilium-agent -- cilium-dbg endpoint list -o json',
      'exec -n kube-system ds/cilium -c cilium-agent -- cilium-dbg identity list -o json',
    ]);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines[0], 'vxshark: snapshot: kubectl get pods,nodes,services,endpointslices -A -o json');
    assert.match(lines[1]!, new RegExp(`^vxshark: snapshot: wrote ${dir}/k8s\\.json \\([\\d,]+ bytes\\)$`));
    assert.equal(lines.at(-1), `vxshark: snapshot: 4 files in ${dir}; use them with --context ${dir}`);
    assert.equal(readFileSync(join(dir, 'k8s.json'), 'utf8'), readFileSync(join(ROOT, 'samples/context/k8s.json'), 'utf8'));
    const named = await ok(['-r', CILIUM, '--context', dir, '-Y', 'frame.number == 3']);
    assert.match(named, /k8s-ctr → k8s-w0 VXLAN VNI 32001 │ default\/curl-pod → default\/webpod-697b545f57-hc6qk/);
    // Never overwrites: a second run into the same directory refuses before running anything.
    const again = await vxshark(['snapshot', dir], { env: fake() });
    assert.equal(again.status, 1);
    assert.equal(again.stderr, `vxshark: ${dir}/k8s.json: already exists; choose an empty directory (files are never overwritten)\n`);
  });

  it('leaves Cilium out with a note when it is not installed', async () => {
    const dir = join(tmp, 'snap2');
    const r = await vxshark(['snapshot', dir], { env: { ...fake(), FAKE_MODE: 'nocilium' } });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(dir), ['k8s.json']);
    assert.match(
      r.stderr,
      /vxshark: snapshot: no Cilium agent to ask \(Error from server \(NotFound\): daemonsets\.apps "cilium" not found\); Cilium identities are left out\n/,
    );
  });

  it('says when the cluster is unreachable, kubectl is missing, or the output is not JSON', async () => {
    const r = await vxshark(['snapshot', join(tmp, 'snap3')], { env: { ...fake(), FAKE_MODE: 'unreachable' } });
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr.split('\n').at(-2),
      'vxshark: kubectl get pods,nodes,services,endpointslices -A -o json failed: The connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port? (is the cluster reachable? try: kubectl cluster-info)',
    );
    const missing = await vxshark(['snapshot', join(tmp, 'snap4')], { env: { PATH: join(tmp, 'nowhere'), KUBECTL: undefined } });
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr.split('\n').at(-2), 'vxshark: "kubectl" not found on PATH; install kubectl or set KUBECTL to its path');
    const notJson = await vxshark(['snapshot', join(tmp, 'snap5')], { env: { ...fake(), FAKE_MODE: 'notjson' } });
    assert.equal(notJson.status, 1);
    assert.equal(
      notJson.stderr.split('\n').at(-2),
      'vxshark: kubectl get pods,nodes,services,endpointslices -A -o json did not print JSON (is "kubectl" really kubectl?)',
    );
    for (const dir of ['snap3', 'snap4', 'snap5']) assert.equal(existsSync(join(tmp, dir)), false, `${dir}: no empty directory left behind`);
  });
});
