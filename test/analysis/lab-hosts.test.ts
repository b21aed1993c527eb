// The verdicts on the four-vantage lab recordings (samples/lab-recordings/hosts/, ground truth
// in samples/lab/README.md and test/samples/lab-recordings.test.ts): every scenario, every host
// that recorded it, with the host's ip -o link and ip route as a user would pass them. The
// expected verdicts follow from where each scenario's packets die, not from frame numbers:
// healthy hosts get no error and no warning; the failure is named where it shows.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { contains, parseAddr, parseCidr } from '../../src/analysis/addr.js';
import type { AnalysisResult } from '../../src/analysis/index.js';
import { loadCapture } from '../../src/capture/capture.js';
import { packets, PKTTYPE, type Pkt } from '../samples/lab-packets.js';
import { analyzeFile, LAB } from './helpers.js';
import { vxshark } from '../helpers/cli.js';

const DIR = `${LAB}hosts/`;
const present = existsSync(`${DIR}tunnel-router-any.pcap`);
const skip = present ? false : 'no four-vantage lab recordings in samples/lab-recordings/hosts';
const HOSTS = ['ctr', 'w1', 'w0', 'router'] as const;
type Host = (typeof HOSTS)[number];

/** Errors (e:) and warnings (w:) by rule, sorted and without repeats. */
const verdict = (r: AnalysisResult): string[] => [...new Set(r.alerts.filter((a) => a.severity !== 'info').map((a) => `${a.severity[0]}:${a.id}`))].sort();

function any(scenario: string, host: Host, tables = true): Promise<AnalysisResult> {
  const base = `${DIR}${scenario}-${host}`;
  return analyzeFile(`${base}-any.pcap`, { ipLink: `${base}.ip-link.txt`, ...(tables ? { ipRoute: `${base}.ip-route.txt` } : {}) });
}

/** The nodes (VTEPs) and pods of the lab (samples/lab/README.md). */
const NODE = { ctr: '192.168.10.100', w1: '192.168.10.101', w0: '192.168.20.100' };
const POD = { ctr: '172.20.0.10', w1: '172.20.1.20', w0: '172.20.2.30' };
const SCENARIOS = [
  'native',
  'native-bgp',
  'tunnel',
  'tunnel-mtu',
  'tunnel-4789',
  'tunnel-port',
  'tunnel-blocked',
  'tunnel-blocked-dst',
  'reply-blocked',
  'policy-drop',
  'nat-vtep',
  'nat-vtep-blocked',
  'wrong-vtep',
  'relay',
  'asym-encap',
  'pmtu',
  'pmtu-ok',
  'pmtu-blackhole',
  'pmtu-icmp-blocked',
];
const PORTS: Record<string, number> = { 'tunnel-4789': 4789, 'tunnel-port': 9999 };

/** A host's recording decoded by the tests' own small decoder, frame number -> packet. */
async function decoded(scenario: string, host: Host): Promise<Map<number, Pkt>> {
  const base = `${DIR}${scenario}-${host}`;
  const ps = await packets(`${base}-any.pcap`, { ipLink: `${base}.ip-link.txt`, vxlanPorts: [PORTS[scenario] ?? 8472] });
  return new Map(ps.map((p) => [p.frame, p]));
}

/** The pod pair a packet carries, either way round ("172.20.0.10 172.20.2.30"). */
const podPair = (p: Pkt | undefined): string => [p?.inner?.src, p?.inner?.dst].sort().join(' ');

const HEALTHY: Record<string, Host[]> = {
  'native-bgp': ['ctr', 'w1', 'w0', 'router'],
  tunnel: ['ctr', 'w1', 'w0', 'router'],
  'tunnel-4789': ['ctr', 'w1', 'w0', 'router'],
  'tunnel-port': ['ctr', 'w1', 'w0', 'router'],
  // Hosts a failure does not touch.
  native: ['w1', 'w0'],
  'tunnel-blocked': ['w1', 'w0'],
  'tunnel-blocked-dst': ['w1'],
  // k8s-w0 receives every request and sends every reply: the drop is on the router.
  'reply-blocked': ['w1', 'w0'],
  'policy-drop': ['w1'],
  // The router NATs 198.51.100.20 to k8s-w0: the same pod packets leave in another tunnel, not a drop.
  'nat-vtep': ['ctr', 'w1', 'w0', 'router'],
  'nat-vtep-blocked': ['w1', 'w0'],
  'pmtu-icmp-blocked': ['w1'],
  'wrong-vtep': ['router', 'w0'],
  'asym-encap': ['w1'],
  'tunnel-mtu': ['w1'],
  pmtu: ['w1'],
  'pmtu-ok': ['w1', 'w0'],
  'pmtu-blackhole': ['w1'],
};

/** scenario -> host -> verdict, where the failure shows. */
const FAILING: Record<string, Partial<Record<Host, string[]>>> = {
  native: {
    ctr: ['w:flow.unanswered'],
    router: ['e:misroute.default-route', 'e:route.missing', 'w:flow.unanswered', 'w:overlay.native-pod-traffic'],
  },
  'tunnel-blocked': { ctr: ['w:flow.unanswered'], router: ['e:overlay.dropped', 'w:flow.unanswered'] },
  // Through the router, then dropped at k8s-w0 before decapsulation.
  'tunnel-blocked-dst': { ctr: ['w:flow.unanswered'], router: ['w:flow.unanswered'], w0: ['e:overlay.dropped', 'w:flow.unanswered'] },
  // The replies die on the router: k8s-ctr only sees silence.
  'reply-blocked': { ctr: ['w:flow.unanswered'], router: ['e:overlay.dropped'] },
  // Taken out of the tunnel on k8s-w0 and never handed to the pod.
  'policy-drop': { ctr: ['w:flow.unanswered'], router: ['w:flow.unanswered'], w0: ['e:overlay.undelivered', 'w:flow.unanswered'] },
  'nat-vtep-blocked': { ctr: ['w:flow.unanswered'], router: ['e:overlay.dropped', 'w:flow.unanswered'] },
  // No frag-needed reaches anyone: a single capture sees only the stall.
  'pmtu-icmp-blocked': { ctr: ['w:flow.stalled'], w0: ['w:flow.stalled'], router: ['w:flow.stalled'] },
  'wrong-vtep': { ctr: ['w:flow.unanswered'], w1: ['e:overlay.wrong-vtep', 'w:flow.unanswered'] },
  relay: { ctr: ['w:overlay.vtep-asymmetry'], w1: ['w:overlay.vtep-asymmetry'], w0: ['w:overlay.vtep-asymmetry'], router: ['w:overlay.vtep-asymmetry'] },
  'asym-encap': { ctr: ['w:overlay.asymmetric'], w0: ['w:overlay.asymmetric'], router: ['w:overlay.asymmetric'] },
  'tunnel-mtu': { ctr: ['w:overlay.fragmented'], w0: ['w:overlay.fragmented'], router: ['w:overlay.fragmented'] },
  pmtu: { ctr: ['e:overlay.pmtu', 'w:flow.stalled', 'w:overlay.pmtu'], w0: ['w:flow.stalled'], router: ['w:flow.stalled', 'w:overlay.pmtu'] },
  // The node tells the pod: PMTU discovery works, the pod MTU is still too large.
  'pmtu-ok': { ctr: ['w:overlay.pmtu'], router: ['w:overlay.pmtu'] },
  'pmtu-blackhole': { ctr: ['e:overlay.pmtu', 'w:flow.stalled'], w0: ['w:flow.stalled'], router: ['w:flow.stalled'] },
};

describe('lab hosts: healthy captures get no error and no warning, from every vantage point', { skip }, () => {
  for (const [scenario, hosts] of Object.entries(HEALTHY)) {
    for (const host of hosts) {
      it(`${scenario} on ${host} (with and without ip route)`, async () => {
        assert.deepEqual(verdict(await any(scenario, host)), []);
        assert.deepEqual(verdict(await any(scenario, host, false)), []);
      });
    }
  }
  it('native-bgp and tunnel on k8s-ctr eth1 (a plain Ethernet capture)', async () => {
    for (const s of ['native-bgp', 'tunnel', 'tunnel-4789', 'tunnel-port']) assert.deepEqual(verdict(await analyzeFile(`${DIR}${s}-ctr-eth1.pcap`)), [], s);
  });
  it('tunnel on the router through dumpcap (-i any, and -i eth0 -i eth1 -i eth2 written in batches), and the clock-skewed k8s-w0 copy', async () => {
    for (const f of ['tunnel-router-dumpcap-any.pcapng', 'tunnel-router-dumpcap-eth.pcapng', 'tunnel-w0-any.skew+3.2s.pcap'])
      assert.deepEqual(verdict(await analyzeFile(`${DIR}${f}`)), [], f);
  });
});

describe('lab hosts: each failure where it shows', { skip }, () => {
  for (const [scenario, hosts] of Object.entries(FAILING)) {
    for (const [host, expected] of Object.entries(hosts)) {
      it(`${scenario} on ${host}: ${expected.join(', ')}`, async () => {
        assert.deepEqual(verdict(await any(scenario, host as Host)), expected);
      });
    }
  }
});

describe('lab hosts: a pod reached past the host side of its veth', { skip }, () => {
  it('tunnel on k8s-w0 without the copies out of lxc0 (as when Cilium hands packets to the pod directly): the pod answers, no alert', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'vxshark-test-'));
    try {
      const out = join(tmp, 'peer.pcap');
      const base = `${DIR}tunnel-w0`;
      const r = await vxshark([
        '-r',
        `${base}-any.pcap`,
        '--ip-link',
        `${base}.ip-link.txt`,
        '-Y',
        '!(frame.interface_name == "lxc0" && frame.packet_flags_direction == 2 && ip)',
        '-w',
        out,
      ]);
      assert.equal(r.status, 0, r.stderr);
      const result = await analyzeFile(out, { ipLink: `${base}.ip-link.txt`, ipRoute: `${base}.ip-route.txt` });
      // The decapsulated packets are there, their copies towards the pod are not.
      assert.ok(result.hops.paths.some((p) => p.kind === 'decap'));
      assert.ok(!result.hops.paths.some((p) => p.egress === 'lxc0'));
      assert.deepEqual(verdict(result), []);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('lab hosts: what the verdicts say', { skip }, () => {
  it('every host is told apart: the router is a router, the nodes are nodes', async () => {
    for (const h of HOSTS) {
      const r = await any('tunnel', h);
      assert.equal(r.vantage.host, h === 'router' ? 'router' : 'node', h);
      assert.ok(r.alerts.every((a) => a.vantage === r.vantage.host));
    }
  });

  it("node captures count each packet once: k8s-ctr's -i any and its eth1 capture agree on every flow", async () => {
    const anyCap = await any('tunnel', 'ctr');
    const wire = await analyzeFile(`${DIR}tunnel-ctr-eth1.pcap`);
    const key = (f: { src: string; dst: string; srcPort: number; dstPort: number; proto: string }): string =>
      `${f.proto} ${f.src}:${f.srcPort} ${f.dst}:${f.dstPort}`;
    const wireFlows = new Map(wire.flows.map((f) => [key(f), f]));
    for (const f of anyCap.flows) {
      const w = wireFlows.get(key(f));
      if (!w) continue; // pod traffic inside the node that never reaches eth1
      assert.deepEqual([f.directions[0].packets, f.directions[1].packets], [w.directions[0].packets, w.directions[1].packets], key(f));
    }
    assert.ok(anyCap.flows.some((f) => wireFlows.has(key(f))));
  });

  it('dumpcap on the router: -i any and the per-interface pcapng count what tcpdump -i any counts', async () => {
    const base = await analyzeFile(`${DIR}tunnel-router-any.pcap`);
    for (const f of ['tunnel-router-dumpcap-any.pcapng', 'tunnel-router-dumpcap-eth.pcapng']) {
      const r = await analyzeFile(`${DIR}${f}`);
      assert.deepEqual(
        r.tunnels.map((t) => [t.src, t.dst, t.packets]),
        base.tunnels.map((t) => [t.src, t.dst, t.packets]),
        f,
      );
      assert.ok(
        r.hops.paths.every((p) => p.kind !== 'hairpin'),
        f,
      );
    }
  });

  it('in a pcapng written in batches, the forwarding copy is the later packet in time, whatever the file order', async () => {
    for (const f of ['native-router-dumpcap-eth.pcapng', 'tunnel-router-dumpcap-eth.pcapng']) {
      const r = await analyzeFile(`${DIR}${f}`);
      const capture = await loadCapture(`${DIR}${f}`);
      try {
        let copies = 0;
        let outOfFileOrder = 0;
        for (let n = 1; n <= capture.frameCount; n++) {
          const origin = r.hops.copies.of(n);
          if (origin === undefined) continue;
          copies++;
          if (origin > n) outOfFileOrder++;
          assert.ok(capture.index.timeOf(n - 1) >= capture.index.timeOf(origin - 1), `${f}: frame ${n} marked a copy of the later frame ${origin}`);
        }
        assert.equal(copies, r.hops.copies.count, f);
        assert.ok(copies > 0 && outOfFileOrder > 0, `${f}: ${copies} copies, ${outOfFileOrder} before their origin in the file`);
      } finally {
        capture.close();
      }
    }
  });

  it('wrong-vtep on k8s-w1: the fix names the VTEP the sender uses and the one its own route names', async () => {
    const r = await any('wrong-vtep', 'w1');
    const a = r.alerts.find((x) => x.id === 'overlay.wrong-vtep')!;
    assert.match(a.fix, new RegExp(`on ${a.src}: it points at ${a.dst}, and must point at 192\\.168\\.20\\.100 \\(this node's own route "172\\.20\\.2\\.0/24`));
  });

  it('wrong-vtep on k8s-w1: the decapsulated copies addressed to another host are the dropped ones, the answered pod traffic is not', async () => {
    const r = await any('wrong-vtep', 'w1');
    const decap = r.hops.paths.filter((p) => p.kind === 'decap');
    const lost = decap.filter((p) => p.notForHost > 0);
    assert.ok(lost.length > 0 && lost.every((p) => p.notForHost === p.packets), JSON.stringify(decap));
    // Only traffic for a pod this node does not host (k8s-w0's 172.20.2.0/24) was sent here by mistake.
    assert.ok(
      lost.every((p) => contains(parseCidr('172.20.2.0/24')!, parseAddr(p.dst)!)),
      JSON.stringify(lost),
    );
    assert.ok(decap.some((p) => p.notForHost === 0 && p.dst === '172.20.1.20'));
  });

  it('tunnel-blocked on the router: dropped here on eth1, UDP 8472, and no route.missing for tunnelled traffic', async () => {
    const r = await any('tunnel-blocked', 'router');
    const d = r.alerts.find((a) => a.id === 'overlay.dropped')!;
    assert.deepEqual([d.ingress, d.port, d.src, d.dst], ['eth1', 8472, '192.168.10.100', '192.168.20.100']);
    assert.match(d.title, /this router/);
    assert.match(d.fix, /8472/);
    assert.equal(r.alerts.filter((a) => a.id === 'route.missing').length, 0);
    // Without the routing table the router cannot know it has a route: a warning, not an error.
    const bare = await any('tunnel-blocked', 'router', false);
    assert.equal(bare.alerts.find((a) => a.id === 'overlay.dropped')?.severity, 'warning');
  });

  it('wrong-vtep on k8s-w1: OTHERHOST on the tunnel device; from k8s-ctr once it is told who hosts 172.20.2.0/24', async () => {
    const w1 = await any('wrong-vtep', 'w1');
    const a = w1.alerts.find((x) => x.id === 'overlay.wrong-vtep')!;
    assert.match(a.explanation, /OTHERHOST/);
    assert.equal(a.dst, '192.168.10.101');
    const base = `${DIR}wrong-vtep-ctr`;
    const ctr = await analyzeFile(`${base}-any.pcap`, {
      ipLink: `${base}.ip-link.txt`,
      ipRoute: `${base}.ip-route.txt`,
      podCidrOwners: [{ node: parseAddr('192.168.20.100')!, prefix: parseCidr('172.20.2.0/24')! }],
    });
    const c = ctr.alerts.find((x) => x.id === 'overlay.wrong-vtep')!;
    assert.equal(c.severity, 'error');
    assert.equal(c.node, '192.168.20.100');
    assert.match(c.title, /goes to VTEP 192\.168\.10\.101, but 172\.20\.2\.0\/24 lives on 192\.168\.20\.100/);
    assert.match(c.fix, /192\.168\.10\.101/);
  });

  it('relay on k8s-w1: this node relays; no hairpin, no unanswered flow', async () => {
    const r = await any('relay', 'w1');
    const a = r.alerts.find((x) => x.id === 'overlay.vtep-asymmetry')!;
    assert.match(a.title, /^this node \(192\.168\.10\.101\) relays 172\.20\.0\.10 → 172\.20\.2\.30/);
    assert.deepEqual(
      r.alerts.filter((x) => x.id === 'misroute.hairpin' || x.id === 'flow.unanswered'),
      [],
    );
  });

  it('pmtu: the router reports 1400, so the pod MTU is 1350; k8s-ctr drops inside itself (a black hole)', async () => {
    const router = (await any('pmtu', 'router')).alerts.find((a) => a.id === 'overlay.pmtu')!;
    assert.deepEqual([router.details?.pathMtu, router.details?.podMtu, router.details?.overhead], [1400, 1350, 50]);
    assert.match(router.fix, /1350 = 1400 − 50/);
    const ctr = (await any('pmtu', 'ctr')).alerts.filter((a) => a.id === 'overlay.pmtu');
    const hole = ctr.find((a) => a.details?.blackHole === 'yes')!;
    assert.equal(hole.severity, 'error');
    assert.match(hole.title, /PMTU black hole inside 192\.168\.10\.100/);
  });

  it('pmtu-ok: the node tells the pod, so no black hole and no stall', async () => {
    const r = await any('pmtu-ok', 'ctr');
    const pmtu = r.alerts.filter((a) => a.id === 'overlay.pmtu');
    assert.ok(pmtu.every((a) => a.severity !== 'error'));
    assert.match(pmtu.find((a) => /tells the pod/.test(a.title))!.title, /to use 1350/);
    // The router's report is informational once the pod is seen being told.
    assert.equal(pmtu.find((a) => a.details?.reporter === '192.168.10.200')?.severity, 'info');
  });

  it('pmtu-blackhole: the stall is named on both ends and on the router', async () => {
    const ctr = (await any('pmtu-blackhole', 'ctr')).alerts.find((a) => a.id === 'flow.stalled')!;
    assert.match(ctr.title, /segment sent \d+ times in a row/);
    const w0 = (await any('pmtu-blackhole', 'w0')).alerts.find((a) => a.id === 'flow.stalled')!;
    assert.match(w0.title, /the response stops after \d+ of \d+ bytes/);
  });
});

describe('lab hosts: overlay.vtep-asymmetry in relay names both VTEP pairs, from every vantage point', { skip }, () => {
  const alert = async (host: Host) => (await any('relay', host)).alerts.find((a) => a.id === 'overlay.vtep-asymmetry')!;

  it('k8s-ctr: same end here, the far end differs (requests to k8s-w1, replies from k8s-w0); look at k8s-w1', async () => {
    const a = await alert('ctr');
    assert.equal(a.title, `${POD.ctr} → ${POD.w0}: requests ride ${NODE.ctr} → ${NODE.w1}, replies ${NODE.w0} → ${NODE.ctr}`);
    assert.ok(a.explanation.includes(`Both have this node (${NODE.ctr}) at ${POD.ctr}'s end`), a.explanation);
    assert.ok(a.explanation.includes(`the requests are encapsulated to ${NODE.w1}, but the replies come from ${NODE.w0}`), a.explanation);
    assert.ok(a.explanation.includes(`Capture on ${NODE.w1} to see what it does with them.`), a.explanation);
    assert.ok(a.fix.includes(`On this node (${NODE.ctr}), the tunnel entry for ${POD.w0}'s pod CIDR points at ${NODE.w1}`), a.fix);
  });

  for (const host of ['w0', 'router'] as const) {
    it(`${host}: the same end at k8s-w0, the other differs (requests from k8s-w1, replies to k8s-ctr); look at k8s-w1`, async () => {
      const a = await alert(host);
      assert.equal(a.title, `${POD.ctr} → ${POD.w0}: requests ride ${NODE.w1} → ${NODE.w0}, replies ${NODE.w0} → ${NODE.ctr}`);
      const w0 = host === 'w0' ? `this node (${NODE.w0})` : NODE.w0;
      assert.ok(a.explanation.includes(`Both have ${w0} at ${POD.w0}'s end`), a.explanation);
      assert.ok(a.explanation.includes(`the requests come from ${NODE.w1}, but the replies go to ${NODE.ctr}`), a.explanation);
      assert.ok(a.explanation.includes(`Capture on ${NODE.w1} to see where the requests come from.`), a.explanation);
      // Not the self-cancelling "encapsulated to 192.168.20.100, replies come from 192.168.20.100".
      assert.ok(!a.explanation.includes(`encapsulated to ${NODE.w0}`), a.explanation);
      assert.ok(a.fix.includes(`the tunnel entry for ${POD.w0}'s pod CIDR on ${NODE.ctr} points at ${NODE.w1} instead of ${NODE.w0}`), a.fix);
    });
  }

  it('w1: this node is the relay', async () => {
    const a = await alert('w1');
    assert.match(
      a.title,
      /^this node \(192\.168\.10\.101\) relays 172\.20\.0\.10 → 172\.20\.2\.30: decapsulates it from 192\.168\.10\.100 and encapsulates it again to 192\.168\.20\.100$/,
    );
  });

  it('no alert of any scenario tells a host to capture on itself', async () => {
    for (const scenario of SCENARIOS) {
      for (const host of HOSTS) {
        const r = await any(scenario, host);
        assert.ok(r.vantage.own.length > 0, `${scenario} on ${host}: its own addresses are known`);
        for (const a of r.alerts) {
          const told = [...`${a.explanation} ${a.fix}`.matchAll(/capture on (\d+\.\d+\.\d+\.\d+)/gi)].map((m) => m[1]!);
          assert.deepEqual(
            told.filter((addr) => r.vantage.own.includes(addr)),
            [],
            `${scenario} on ${host}, ${a.id}: ${a.explanation}`,
          );
        }
      }
    }
  });
});

describe('lab hosts: evidence frames are packets of the problem, never healthy traffic', { skip }, () => {
  it("no alert of any scenario, from any host, points at the k8s-w1 pod's exchange (answered everywhere)", async () => {
    const healthy = podPair({ inner: { src: POD.ctr, dst: POD.w1 } } as Pkt);
    for (const scenario of SCENARIOS) {
      for (const host of HOSTS) {
        const [r, pkts] = await Promise.all([any(scenario, host), decoded(scenario, host)]);
        for (const a of r.alerts) {
          const bad = a.frames.filter((f) => podPair(pkts.get(f)) === healthy);
          assert.deepEqual(bad, [], `${scenario} on ${host}, ${a.id} lists frames of ${POD.ctr} ⇄ ${POD.w1}`);
        }
      }
    }
  });

  it('wrong-vtep on k8s-w1: the VXLAN packets for the k8s-w0 pod and their OTHERHOST drops, nothing else', async () => {
    const [r, pkts] = await Promise.all([any('wrong-vtep', 'w1'), decoded('wrong-vtep', 'w1')]);
    const a = r.alerts.find((x) => x.id === 'overlay.wrong-vtep')!;
    const shown = a.frames.map((f) => pkts.get(f)!);
    assert.ok(shown.every((p) => p.inner?.src === POD.ctr && p.inner.dst === POD.w0));
    const tunnelled = shown.filter((p) => p.vxlan !== undefined);
    const dropped = shown.filter((p) => p.pkttype === PKTTYPE.OTHERHOST);
    assert.ok(tunnelled.every((p) => p.ip?.src === NODE.ctr && p.ip.dst === NODE.w1));
    assert.ok(dropped.every((p) => p.iface === 'cilium_vxlan'));
    assert.deepEqual([tunnelled.length, dropped.length], [5, 5], 'the 5 requests, each as it arrives and as it is dropped');
  });

  it('relay on k8s-w1: the relayed packets in both tunnels, not the tunnel from k8s-ctr to its own pod', async () => {
    const [r, pkts] = await Promise.all([any('relay', 'w1'), decoded('relay', 'w1')]);
    const a = r.alerts.find((x) => x.id === 'overlay.vtep-asymmetry')!;
    const shown = a.frames.map((f) => pkts.get(f)!);
    assert.ok(shown.length > 0);
    assert.ok(shown.every((p) => p.inner?.src === POD.ctr && p.inner.dst === POD.w0));
    const outer = new Set(shown.map((p) => `${p.ip?.src} → ${p.ip?.dst}`));
    assert.deepEqual([...outer].sort(), [`${NODE.ctr} → ${NODE.w1}`, `${NODE.w1} → ${NODE.w0}`]);
    assert.equal(a.count, 10, 'the relayed requests, not every packet of the two tunnels');
  });
});
