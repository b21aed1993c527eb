// The context layer on its own: the workshop fixtures in samples/context, each documented input
// shape (a List, a typed list, single objects, cilium-dbg's bare arrays, CiliumIdentity), and
// bad input (not JSON, other kinds, missing fields, too large, reused addresses).
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cidrText, parseAddr, parseCidr } from '../../src/analysis/addr.js';
import { loadContext, MAX_CONTEXT_BYTES } from '../../src/context/load.js';
import { ContextNaming } from '../../src/context/naming.js';
import { VxError } from '../../src/errors.js';
import { syntheticCluster } from '../../scripts/bench/cluster.js';

const a = (text: string) => parseAddr(text)!;
const tmp = mkdtempSync(join(tmpdir(), 'vxshark-context-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function file(content: unknown, raw = false): string {
  const p = join(tmp, `f${n++}.json`);
  writeFileSync(p, raw ? (content as string) : JSON.stringify(content));
  return p;
}

function inputError(paths: string[]): string {
  try {
    loadContext(paths);
  } catch (e) {
    assert.ok(e instanceof VxError, `a VxError, not ${String(e)}`);
    assert.equal(e.kind, 'input');
    assert.ok(!e.message.includes('\n'), 'one line');
    return e.message;
  }
  assert.fail('expected an error');
}

const pod = (name: string, ip: string | undefined, extra: { phase?: string; created?: string; node?: string; deleting?: boolean; ns?: string } = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: extra.ns ?? 'default',
    creationTimestamp: extra.created ?? '2026-11-20T08:00:00Z',
    ...(extra.deleting ? { deletionTimestamp: '2026-11-21T00:00:00Z' } : {}),
  },
  spec: { nodeName: extra.node ?? 'k8s-w0' },
  status: { phase: extra.phase ?? 'Running', ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}) },
});

describe('samples/context (the workshop cluster)', () => {
  const ctx = loadContext(['samples/context']);

  it('names the pods, with their nodes', () => {
    const curl = ctx.who(a('172.20.0.10'))!;
    assert.equal(curl.kind, 'pod');
    assert.equal(curl.label, 'default/curl-pod');
    assert.equal(curl.node, 'k8s-ctr');
    assert.equal(ctx.who(a('172.20.2.30'))!.label, 'default/webpod-697b545f57-hc6qk');
    assert.equal(ctx.who(a('172.20.2.30'))!.node, 'k8s-w0');
    assert.equal(ctx.who(a('172.20.1.20'))!.node, 'k8s-w1');
    assert.equal(ctx.who(a('172.20.2.53'))!.label, 'kube-system/coredns-674b8bbfcf-x7k2m');
  });

  it('names the nodes by InternalIP, never by a hostNetwork pod on them', () => {
    for (const [ip, name] of [
      ['192.168.10.100', 'k8s-ctr'],
      ['192.168.10.101', 'k8s-w1'],
      ['192.168.20.100', 'k8s-w0'],
    ] as const) {
      assert.equal(ctx.who(a(ip))!.kind, 'node');
      assert.equal(ctx.who(a(ip))!.label, name);
      assert.equal(ctx.nodeOf(a(ip)), name);
    }
    assert.equal(ctx.who(a('172.20.0.98'))!.kind, 'cilium-host');
    assert.equal(ctx.nodeOf(a('172.20.0.98')), 'k8s-ctr');
  });

  it('knows which node owns which pod CIDR, from Node and CiliumNode', () => {
    assert.deepEqual(ctx.podCidrs().map(cidrText).sort(), ['172.20.0.0/24', '172.20.1.0/24', '172.20.2.0/24']);
    const c = ctx.podCidrOf(a('172.20.2.99'))!;
    assert.equal(c.node.name, 'k8s-w0');
    assert.deepEqual([...c.node.podCidrs[0]!.from].sort(), ['CiliumNode', 'Node']);
    assert.equal(ctx.nodeForPrefix(parseCidr('172.20.2.0/24')!), 'k8s-w0');
    assert.equal(ctx.nodeForPrefix(parseCidr('172.21.2.0/24')!), undefined);
    // An address in a pod CIDR that no pod holds still belongs to that node.
    assert.equal(ctx.nodeOf(a('172.20.1.200')), 'k8s-w1');
  });

  it('names services by ClusterIP and by their EndpointSlice backends', () => {
    assert.equal(ctx.who(a('10.96.88.202'))!.label, 'svc default/webpod');
    assert.deepEqual(ctx.servicesOf(a('10.96.88.202')), ['default/webpod']);
    assert.deepEqual(ctx.servicesOf(a('172.20.2.30')), ['default/webpod']);
    assert.deepEqual(ctx.servicesOf(a('172.20.2.53')), ['kube-system/kube-dns']);
  });

  it('has the Cilium identities of the samples and the lab recordings', () => {
    assert.ok(ctx.identity(32001)!.labels.includes('k8s:app=curl'));
    assert.ok(ctx.identity(45678)!.labels.includes('k8s:app=webpod'));
    assert.ok(ctx.identity(18322)!.labels.includes('k8s:k8s-app=kube-dns'));
    for (const vni of [10100, 10101, 20100]) assert.ok(ctx.identity(vni), `lab VNI ${vni}`);
    assert.equal(ctx.identityOf(a('172.20.0.10')), 32001);
    assert.equal(ctx.identityOf(a('172.20.2.30')), 45678);
  });

  it('words addresses and prefixes for sentences', () => {
    const names = new ContextNaming(ctx);
    assert.equal(names.phrase('172.20.0.10'), 'default/curl-pod on k8s-ctr');
    assert.equal(names.phrase('192.168.20.100'), 'k8s-w0');
    assert.equal(names.phrase('8.8.8.8'), '8.8.8.8');
    assert.equal(names.prefix(parseCidr('172.20.2.0/24')!), "k8s-w0's pod CIDR 172.20.2.0/24");
    assert.equal(names.label('not an address'), undefined);
  });
});

describe('input shapes', () => {
  it('reads a typed list (PodList) whose items carry no kind', () => {
    const { kind: _k, ...bare } = pod('p1', '10.0.0.5');
    const ctx = loadContext([file({ apiVersion: 'v1', kind: 'PodList', items: [bare] })]);
    assert.equal(ctx.who(a('10.0.0.5'))!.label, 'default/p1');
  });

  it('reads single objects and several files together', () => {
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1' },
      spec: { podCIDRs: ['10.0.0.0/24'] },
      status: { addresses: [{ type: 'InternalIP', address: '192.0.2.1' }] },
    };
    const ctx = loadContext([file(pod('p1', '10.0.0.5', { node: 'n1' })), file(node)]);
    assert.equal(ctx.nodeOf(a('10.0.0.5')), 'n1');
    assert.equal(ctx.who(a('192.0.2.1'))!.label, 'n1');
  });

  it('reads cilium-dbg identity list, endpoint list, and CiliumIdentity objects', () => {
    const ids = file([{ id: 5001, labels: ['k8s:app=a'] }]);
    const eps = file([
      {
        id: 7,
        status: {
          identity: { id: 5002, labels: ['k8s:app=b'] },
          'external-identifiers': { 'k8s-namespace': 'ns', 'k8s-pod-name': 'b-1' },
          networking: { addressing: [{ ipv4: '10.1.0.9' }] },
        },
      },
    ]);
    const crd = file({ apiVersion: 'cilium.io/v2', kind: 'CiliumIdentity', metadata: { name: '5003' }, 'security-labels': { 'k8s:app': 'c' } });
    const ctx = loadContext([ids, eps, crd]);
    assert.deepEqual(ctx.identity(5001)!.labels, ['k8s:app=a']);
    assert.deepEqual(ctx.identity(5002)!.labels, ['k8s:app=b']);
    assert.deepEqual(ctx.identity(5003)!.labels, ['k8s:app=c']);
    assert.equal(ctx.identityOf(a('10.1.0.9')), 5002);
  });

  it('reads IPv6 pod addresses', () => {
    const p = pod('v6', undefined);
    (p.status as Record<string, unknown>).podIPs = [{ ip: '10.0.0.7' }, { ip: 'fd00:10::7' }];
    const ctx = loadContext([file(p)]);
    assert.equal(ctx.who(a('fd00:10::7'))!.label, 'default/v6');
    assert.equal(ctx.who(a('10.0.0.7'))!.label, 'default/v6');
  });
});

describe('bad input', () => {
  it('refuses a file that is not JSON, naming it', () => {
    const p = file('NAME READY STATUS\ncurl-pod 1/1 Running\n', true);
    assert.match(inputError([p]), new RegExp(`^${p}: not JSON \\(.*\\); expected the output of "kubectl get \\.\\.\\. -o json"`));
    assert.match(inputError([file('', true)]), /not JSON \(empty\)/);
  });

  it('refuses a file of other objects, saying what it found', () => {
    const p = file({
      kind: 'List',
      items: [
        { kind: 'Deployment', metadata: { name: 'd' } },
        { kind: 'Deployment', metadata: { name: 'e' } },
      ],
    });
    assert.equal(inputError([p]), `${p}: no pods, nodes, services, endpoint slices, Cilium endpoints or identities in it (found 2 Deployment)`);
    assert.match(inputError([file(42)]), /found number/);
  });

  it('skips what a missing field makes unusable and keeps the rest', () => {
    const pending = pod('pending', undefined, { phase: 'Pending' });
    const broken = { kind: 'Pod', metadata: {}, status: { podIP: '10.0.0.8' } };
    const odd = { kind: 'Pod', metadata: { name: 'odd' }, spec: 'not an object', status: { podIP: 'not-an-ip', podIPs: 'nope' } };
    const ctx = loadContext([file({ kind: 'List', items: [pending, broken, odd, pod('ok', '10.0.0.9')] })]);
    assert.equal(ctx.who(a('10.0.0.9'))!.label, 'default/ok');
    assert.equal(ctx.who(a('10.0.0.8')), undefined);
    assert.equal(ctx.data.pods.length, 3);
  });

  it('refuses a missing file, an empty directory, and a file over the size limit', () => {
    assert.equal(inputError([join(tmp, 'nope.json')]), `${join(tmp, 'nope.json')}: no such file`);
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    assert.equal(inputError([empty]), `${empty}: no .json files in this directory`);
    const big = join(tmp, 'big.json');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, MAX_CONTEXT_BYTES + 1);
    closeSync(fd);
    assert.equal(inputError([big]), `${big}: larger than 256 MiB, too large for a context file (expected kubectl or cilium-dbg JSON)`);
  });

  it('skips unrelated JSON in a directory but refuses a directory of only that', () => {
    const dir = join(tmp, 'mixed');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ kind: 'ConfigMap', metadata: { name: 'x' } }));
    assert.match(inputError([dir]), /no pods, nodes, services/);
    writeFileSync(join(dir, 'b.json'), JSON.stringify(pod('p', '10.0.0.3')));
    assert.equal(loadContext([dir]).who(a('10.0.0.3'))!.label, 'default/p');
  });

  it('gives a reused address to the newest running pod, and remembers the others', () => {
    const old = pod('old-job', '10.0.0.5', { phase: 'Succeeded', created: '2026-11-19T08:00:00Z' });
    const newer = pod('web', '10.0.0.5', { created: '2026-11-20T08:00:00Z' });
    const dying = pod('web-prev', '10.0.0.5', { created: '2026-11-20T09:00:00Z', deleting: true });
    for (const order of [
      [old, newer, dying],
      [dying, newer, old],
      [newer, dying, old],
    ]) {
      const ctx = loadContext([file({ kind: 'List', items: order })]);
      const w = ctx.who(a('10.0.0.5'))!;
      assert.equal(w.label, 'default/web');
      assert.deepEqual(
        w.shadowed!.map((p) => p.name),
        ['web-prev', 'old-job'],
      );
    }
    // Two running pods: the newer one.
    const ctx = loadContext([
      file({ kind: 'List', items: [pod('b', '10.0.0.6', { created: '2026-11-20T10:00:00Z' }), pod('a', '10.0.0.6', { created: '2026-11-20T08:00:00Z' })] }),
    ]);
    assert.equal(ctx.who(a('10.0.0.6'))!.label, 'default/b');
  });

  it('loads a 10,000-pod cluster and names every pod', () => {
    const ctx = loadContext([file(syntheticCluster(10_000))]);
    assert.equal(ctx.data.pods.length, 10_000);
    assert.equal(ctx.data.nodes.size, 100);
    const p = ctx.data.pods[4321]!;
    assert.equal(ctx.who(p.ips[0]!)!.label, `${p.namespace}/${p.name}`);
    assert.equal(ctx.nodeOf(p.ips[0]!), p.node);
  });
});
