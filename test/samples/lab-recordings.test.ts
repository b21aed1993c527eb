// The ground truth of the committed four-vantage lab recordings (samples/lab-recordings/hosts/,
// made by samples/lab/lab.sh; samples/lab/README.md says what each scenario breaks and where its
// packets die). Each claim of the README is checked here at the packet level with the project's
// capture reader and a small independent decoder (lab-packets.ts): which interface, direction,
// outer and inner addresses, VNI, ICMP type and MTU. No frame numbers: the claims are about what
// happened, so they hold for any recording of the same scenario.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { loadCapture } from '../../src/capture/capture.js';
import { LinkType } from '../../src/capture/types.js';
import { parseShift, shiftClock } from '../../scripts/shift-clock.js';
import { describe as show, packets, PKTTYPE, type Pkt } from './lab-packets.js';

const DIR = fileURLToPath(new URL('../../samples/lab-recordings/hosts/', import.meta.url));
const HOSTS = ['ctr', 'w1', 'w0', 'router'] as const;
type Host = (typeof HOSTS)[number];

const SCENARIOS = [
  'native', 'native-bgp', 'tunnel', 'tunnel-mtu', 'tunnel-4789', 'tunnel-port', 'tunnel-blocked',
  'tunnel-blocked-dst', 'reply-blocked', 'policy-drop', 'nat-vtep', 'nat-vtep-blocked', 'pmtu-icmp-blocked',
  'wrong-vtep', 'relay', 'asym-encap', 'pmtu', 'pmtu-ok', 'pmtu-blackhole',
] as const;
const PORTS: Record<string, number> = { 'tunnel-4789': 4789, 'tunnel-port': 9999 };

const NODE = { ctr: '192.168.10.100', w1: '192.168.10.101', w0: '192.168.20.100' };
const POD = { ctr: '172.20.0.10', w1: '172.20.1.20', w0: '172.20.2.30' };
const NODE_GW = { ctr: '172.20.0.98' }; // k8s-ctr's lxc0 address, the ctr pod's gateway
const ROUTER_ETH1 = '192.168.10.200';

const cache = new Map<string, Promise<Pkt[]>>();
/** A host's `tcpdump -i any` recording of a scenario, interfaces named from its ip -o link. */
function host(scenario: string, h: Host): Promise<Pkt[]> {
  const key = `${scenario}/${h}`;
  let p = cache.get(key);
  if (!p) {
    p = packets(join(DIR, `${scenario}-${h}-any.pcap`), { ipLink: join(DIR, `${scenario}-${h}.ip-link.txt`), vxlanPorts: [PORTS[scenario] ?? 8472] });
    cache.set(key, p);
  }
  return p;
}

const isIn = (p: Pkt): boolean => p.pkttype !== PKTTYPE.OUTGOING;
const isOut = (p: Pkt): boolean => p.pkttype === PKTTYPE.OUTGOING;
/** Pod packet src -> dst, tunnelled or not. */
const pod = (src: string, dst: string) => (p: Pkt): boolean => p.inner?.src === src && p.inner.dst === dst;
const tunnelled = (outerSrc: string, outerDst: string) => (p: Pkt): boolean => p.vxlan !== undefined && p.ip?.src === outerSrc && p.ip.dst === outerDst;
const on = (iface: string, dir: (p: Pkt) => boolean) => (p: Pkt): boolean => p.iface === iface && dir(p);
const all = (...fs: ((p: Pkt) => boolean)[]) => (p: Pkt): boolean => fs.every((f) => f(p));

function some(ps: Pkt[], f: (p: Pkt) => boolean, what: string): Pkt[] {
  const hits = ps.filter(f);
  assert.ok(hits.length > 0, `expected ${what}; none among ${ps.length} packets:\n${show(ps, 12)}`);
  return hits;
}
function none(ps: Pkt[], f: (p: Pkt) => boolean, what: string): void {
  const hits = ps.filter(f);
  assert.equal(hits.length, 0, `expected no ${what}, found:\n${show(hits)}`);
}

describe('lab recordings: every host of every scenario is there', () => {
  for (const s of SCENARIOS) {
    it(`${s}: ${HOSTS.map((h) => `${h}-any.pcap`).join(', ')} with ip-link and ip-route, and ctr-eth1.pcap`, async () => {
      for (const h of HOSTS) {
        for (const f of [`${s}-${h}-any.pcap`, `${s}-${h}.ip-link.txt`, `${s}-${h}.ip-route.txt`]) assert.ok(existsSync(join(DIR, f)), `${f} missing`);
        const c = await loadCapture(join(DIR, `${s}-${h}-any.pcap`));
        try {
          assert.equal(c.interfaces[0]?.linkType, LinkType.LINUX_SLL2, `${s}-${h}-any.pcap is tcpdump -i any (SLL2)`);
          assert.ok(c.frameCount > 0 || h === 'w0', `${s}-${h}-any.pcap is empty`);
        } finally {
          c.close();
        }
      }
      assert.ok(existsSync(join(DIR, `${s}-ctr-eth1.pcap`)));
    });
  }
});

describe('lab recordings: where the packets went', () => {
  it('native: the pod packet to k8s-w0 enters the router on eth1 and leaves on eth0; nothing reaches k8s-w0, nothing answers', async () => {
    const r = await host('native', 'router');
    some(r, all(pod(POD.ctr, POD.w0), on('eth1', isIn)), 'ctr pod -> w0 pod In on router eth1');
    some(r, all(pod(POD.ctr, POD.w0), on('eth0', isOut)), 'ctr pod -> w0 pod Out on router eth0 (the default route)');
    none(r, all(pod(POD.ctr, POD.w0), on('eth2', isOut)), 'the pod packet Out on router eth2');
    for (const h of HOSTS) none(await host('native', h), (p) => p.inner?.src === POD.w0, `reply from the w0 pod on ${h}`);
    none(await host('native', 'w0'), (p) => p.inner?.src === POD.ctr, 'ctr pod packet on k8s-w0');
    // Same subnet: k8s-ctr -> k8s-w1 directly, answered.
    some(await host('native', 'w1'), all(pod(POD.ctr, POD.w1), on('eth1', isIn)), 'ctr pod -> w1 pod In on w1 eth1');
    some(await host('native', 'ctr'), all(pod(POD.w1, POD.ctr), on('lxc0', isOut)), 'w1 pod reply Out on ctr lxc0');
  });

  it('native-bgp: with the pod routes on the router, k8s-w0 is reached via eth2 and answers natively; nothing on eth0', async () => {
    assert.match(readFileSync(join(DIR, 'native-bgp-router.ip-route.txt'), 'utf8'), /^172\.20\.2\.0\/24 via 192\.168\.20\.100 dev eth2/m);
    const r = await host('native-bgp', 'router');
    some(r, all(pod(POD.ctr, POD.w0), on('eth2', isOut)), 'ctr pod -> w0 pod Out on router eth2');
    some(r, all(pod(POD.w0, POD.ctr), on('eth2', isIn)), 'w0 pod -> ctr pod In on router eth2');
    some(r, all(pod(POD.w0, POD.ctr), on('eth1', isOut)), 'w0 pod -> ctr pod Out on router eth1');
    none(r, (p) => p.iface === 'eth0' && p.inner?.src.startsWith('172.20.') === true, 'pod traffic on the uplink');
    none(r, (p) => p.vxlan !== undefined, 'VXLAN');
    some(await host('native-bgp', 'w0'), all(pod(POD.w0, POD.ctr), on('eth1', isOut)), 'the reply leaving k8s-w0 eth1');
  });

  for (const [s, port] of [['tunnel', 8472], ['tunnel-4789', 4789], ['tunnel-port', 9999]] as const) {
    it(`${s}: VXLAN on UDP ${port} both ways through the router (VNI 10100 / 20100), decapsulated on both nodes' cilium_vxlan`, async () => {
      const r = await host(s, 'router');
      const req = some(r, all(tunnelled(NODE.ctr, NODE.w0), pod(POD.ctr, POD.w0), on('eth2', isOut)), 'VXLAN ctr -> w0 Out on router eth2');
      assert.ok(req.every((p) => p.udp?.dport === port && p.vxlan?.vni === 10100), show(req));
      const rep = some(r, all(tunnelled(NODE.w0, NODE.ctr), pod(POD.w0, POD.ctr), on('eth1', isOut)), 'VXLAN w0 -> ctr Out on router eth1');
      assert.ok(rep.every((p) => p.udp?.dport === port && p.vxlan?.vni === 20100), show(rep));
      none(r, (p) => p.iface === 'eth0' && p.inner?.src.startsWith('172.20.') === true, 'pod traffic on the uplink');
      some(await host(s, 'w0'), all(pod(POD.ctr, POD.w0), (p) => p.vxlan === undefined, on('cilium_vxlan', isIn)), 'the decapsulated copy In on w0 cilium_vxlan');
      some(await host(s, 'ctr'), all(pod(POD.w0, POD.ctr), (p) => p.vxlan === undefined, on('lxc0', isOut)), 'the reply delivered Out on ctr lxc0');
    });
  }

  it('tunnel-mtu: 1500-byte pod packets leave k8s-w0 as two outer fragments (DF clear), reassembled at k8s-ctr', async () => {
    const r = await host('tunnel-mtu', 'router');
    const heads = some(r, (p) => p.ip?.src === NODE.w0 && p.ip.mf && p.ip.fragOffset === 0 && p.iface === 'eth2', 'first fragments from k8s-w0');
    assert.ok(heads.every((p) => !p.ip!.df && p.ip!.totalLength === 1500), show(heads));
    some(r, (p) => p.ip?.src === NODE.w0 && !p.ip.mf && p.ip.fragOffset === 1480, 'last fragments at offset 1480');
    none(r, (p) => p.icmp?.type === 3, 'ICMP unreachable');
  });

  it('tunnel-blocked: VXLAN enters router eth1 and never leaves; k8s-w0 sees none; same-subnet k8s-w1 still works', async () => {
    const r = await host('tunnel-blocked', 'router');
    some(r, all((p) => p.udp?.dport === 8472, on('eth1', isIn)), 'UDP 8472 In on router eth1');
    none(r, (p) => p.udp?.dport === 8472 && isOut(p), 'UDP 8472 leaving the router');
    none(await host('tunnel-blocked', 'w0'), (p) => p.udp?.dport === 8472, 'VXLAN at k8s-w0');
    none(r, (p) => p.icmp !== undefined && p.icmp.type !== 8, 'ICMP errors or replies (DROP is silent)');
    assert.match(readFileSync(join(DIR, 'tunnel-blocked-router.firewall.txt'), 'utf8'), /8472/);
    some(await host('tunnel-blocked', 'ctr'), all(pod(POD.w1, POD.ctr), on('lxc0', isOut)), 'w1 pod answers at k8s-ctr');
  });

  it('tunnel-blocked-dst: VXLAN crosses the router and reaches k8s-w0 eth1, which never decapsulates it; nothing answers', async () => {
    some(await host('tunnel-blocked-dst', 'router'), all(tunnelled(NODE.ctr, NODE.w0), pod(POD.ctr, POD.w0), on('eth2', isOut)), 'VXLAN Out on router eth2');
    const w0 = await host('tunnel-blocked-dst', 'w0');
    some(w0, all(tunnelled(NODE.ctr, NODE.w0), pod(POD.ctr, POD.w0), on('eth1', isIn)), 'VXLAN In on k8s-w0 eth1');
    none(w0, (p) => p.iface === 'cilium_vxlan', 'anything on k8s-w0 cilium_vxlan');
    none(w0, all(pod(POD.ctr, POD.w0), on('lxc0', isOut)), 'the pod packet Out on k8s-w0 lxc0');
    for (const h of HOSTS) none(await host('tunnel-blocked-dst', h), (p) => p.inner?.src === POD.w0, `reply from the w0 pod on ${h}`);
    assert.match(readFileSync(join(DIR, 'tunnel-blocked-dst-w0.firewall.txt'), 'utf8'), /-A INPUT -p udp -m udp --dport 8472 -j DROP/);
  });

  it('reply-blocked: the w0 pod answers, its VXLAN replies enter router eth2 and never leave; requests get through', async () => {
    const w0 = await host('reply-blocked', 'w0');
    some(w0, all(pod(POD.ctr, POD.w0), on('lxc0', isOut)), 'request delivered on k8s-w0 lxc0');
    some(w0, all(tunnelled(NODE.w0, NODE.ctr), pod(POD.w0, POD.ctr), on('eth1', isOut)), 'VXLAN reply Out on k8s-w0 eth1');
    const r = await host('reply-blocked', 'router');
    some(r, all(tunnelled(NODE.w0, NODE.ctr), on('eth2', isIn)), 'VXLAN reply In on router eth2');
    none(r, all(tunnelled(NODE.w0, NODE.ctr), isOut), 'VXLAN reply leaving the router');
    some(r, all(tunnelled(NODE.ctr, NODE.w0), on('eth2', isOut)), 'VXLAN request Out on router eth2');
    none(await host('reply-blocked', 'ctr'), (p) => p.inner?.src === POD.w0, 'reply from the w0 pod at k8s-ctr');
    assert.match(readFileSync(join(DIR, 'reply-blocked-router.firewall.txt'), 'utf8'), /-A FORWARD -s 192\.168\.20\.100\/32 -p udp -m udp --dport 8472 -j DROP/);
  });

  it('policy-drop: k8s-w0 decapsulates the packets for its pod on cilium_vxlan and never hands them to lxc0', async () => {
    const w0 = await host('policy-drop', 'w0');
    some(w0, all(pod(POD.ctr, POD.w0), on('cilium_vxlan', isIn)), 'decapsulated on k8s-w0 cilium_vxlan');
    none(w0, all(pod(POD.ctr, POD.w0), on('lxc0', isOut)), 'the pod packet Out on k8s-w0 lxc0');
    none(w0, (p) => p.inner?.src === POD.w0 && p.iface !== 'lo', 'anything from the w0 pod');
    assert.match(readFileSync(join(DIR, 'policy-drop-w0.firewall.txt'), 'utf8'), /-A FORWARD -d 172\.20\.2\.30\/32 -j DROP/);
  });

  it('nat-vtep: k8s-ctr tunnels to 198.51.100.20; the router rewrites it to 192.168.20.100 (and back), and everything is answered', async () => {
    const r = await host('nat-vtep', 'router');
    some(r, all(tunnelled(NODE.ctr, '198.51.100.20'), pod(POD.ctr, POD.w0), on('eth1', isIn)), 'VXLAN to the public address In on router eth1');
    some(r, all(tunnelled(NODE.ctr, NODE.w0), pod(POD.ctr, POD.w0), on('eth2', isOut)), 'the same, rewritten, Out on router eth2');
    some(await host('nat-vtep', 'ctr'), all(pod(POD.w0, POD.ctr), on('lxc0', isOut)), 'the w0 pod answers at k8s-ctr');
    const blocked = await host('nat-vtep-blocked', 'router');
    some(blocked, all(tunnelled(NODE.ctr, '198.51.100.20'), on('eth1', isIn)), 'VXLAN In on router eth1');
    none(blocked, all((p) => p.vxlan !== undefined, isOut), 'VXLAN leaving the router');
  });

  it('pmtu-icmp-blocked: the big packets of the download enter the router and never leave; no frag-needed anywhere', async () => {
    const r = await host('pmtu-icmp-blocked', 'router');
    const big = some(r, all((p) => p.vxlan !== undefined && (p.ip?.totalLength ?? 0) > 1400, on('eth1', isIn)), 'VXLAN over 1400 bytes In on router eth1');
    none(r, all((p) => p.vxlan !== undefined && (p.ip?.totalLength ?? 0) > 1400, isOut), 'VXLAN over 1400 bytes leaving the router');
    assert.ok(big.length >= 5, show(big));
    for (const h of HOSTS) none(await host('pmtu-icmp-blocked', h), (p) => p.icmp?.type === 3 && p.icmp.code === 4, `frag-needed on ${h}`);
  });

  it('wrong-vtep: k8s-ctr sends k8s-w0 pod traffic to 192.168.10.101; k8s-w1 decapsulates it as OTHERHOST and drops it', async () => {
    const c = await host('wrong-vtep', 'ctr');
    const sent = some(c, all(tunnelled(NODE.ctr, NODE.w1), pod(POD.ctr, POD.w0), on('eth1', isOut)), 'VXLAN to k8s-w1 carrying the w0 pod');
    assert.ok(sent.every((p) => p.vxlan?.vni === 10100));
    none(c, (p) => p.ip?.dst === NODE.w0, 'anything to k8s-w0');
    const w1 = await host('wrong-vtep', 'w1');
    some(w1, all(tunnelled(NODE.ctr, NODE.w1), pod(POD.ctr, POD.w0), on('eth1', isIn)), 'the VXLAN In on w1 eth1');
    const dec = some(w1, all(pod(POD.ctr, POD.w0), (p) => p.vxlan === undefined, (p) => p.iface === 'cilium_vxlan'), 'the decapsulated copy on w1 cilium_vxlan');
    assert.ok(dec.every((p) => p.pkttype === PKTTYPE.OTHERHOST), `pkttype OTHERHOST (3):\n${show(dec)}`);
    none(w1, (p) => isOut(p) && p.inner?.dst === POD.w0, 'w1 forwarding it');
    none(await host('wrong-vtep', 'router'), (p) => p.inner?.dst === POD.w0, 'w0 pod traffic at the router');
    none(await host('wrong-vtep', 'w0'), (p) => p.inner?.dst === POD.w0, 'anything reaching k8s-w0');
  });

  it('relay: k8s-w1 decapsulates and re-encapsulates to k8s-w0 (VNI 10101); k8s-w0 answers k8s-ctr directly', async () => {
    const w1 = await host('relay', 'w1');
    some(w1, all(tunnelled(NODE.ctr, NODE.w1), pod(POD.ctr, POD.w0), on('eth1', isIn)), 'VXLAN ctr -> w1 In on w1 eth1');
    some(w1, all(pod(POD.ctr, POD.w0), (p) => p.vxlan === undefined, on('cilium_vxlan', isIn), (p) => p.pkttype === PKTTYPE.HOST), 'decapsulated, to this host');
    const relayed = some(w1, all(tunnelled(NODE.w1, NODE.w0), pod(POD.ctr, POD.w0), on('eth1', isOut)), 'VXLAN w1 -> w0 Out on w1 eth1');
    assert.ok(relayed.every((p) => p.vxlan?.vni === 10101), show(relayed));
    none(w1, (p) => p.inner?.src === POD.w0, 'the reply passing k8s-w1');
    const w0 = await host('relay', 'w0');
    some(w0, all(tunnelled(NODE.w1, NODE.w0), pod(POD.ctr, POD.w0), on('eth1', isIn)), 'the relayed VXLAN In on w0');
    some(w0, all(tunnelled(NODE.w0, NODE.ctr), pod(POD.w0, POD.ctr), on('eth1', isOut)), 'the reply VXLAN w0 -> ctr');
    some(await host('relay', 'ctr'), all(pod(POD.w0, POD.ctr), on('lxc0', isOut)), 'the reply delivered at k8s-ctr');
  });

  it('asym-encap: requests tunnelled ctr -> w0, replies plain w0 pod -> ctr pod through the router, and answered', async () => {
    const r = await host('asym-encap', 'router');
    some(r, all(tunnelled(NODE.ctr, NODE.w0), pod(POD.ctr, POD.w0), on('eth2', isOut)), 'VXLAN requests');
    some(r, all(pod(POD.w0, POD.ctr), (p) => p.vxlan === undefined, on('eth2', isIn)), 'plain replies In on eth2');
    some(r, all(pod(POD.w0, POD.ctr), (p) => p.vxlan === undefined, on('eth1', isOut)), 'plain replies Out on eth1');
    none(r, tunnelled(NODE.w0, NODE.ctr), 'VXLAN from k8s-w0 to k8s-ctr');
    some(await host('asym-encap', 'ctr'), all(pod(POD.w0, POD.ctr), on('eth1', isIn), (p) => p.vxlan === undefined), 'plain reply In on ctr eth1');
  });

  it('pmtu: the router answers a DF VXLAN packet with frag-needed MTU 1400; k8s-ctr then drops on itself (frag-needed to itself on lo); the pod is never told', async () => {
    const r = await host('pmtu', 'router');
    const fn = some(r, (p) => p.icmp?.type === 3 && p.icmp.code === 4 && p.ip?.src === ROUTER_ETH1 && p.ip.dst === NODE.ctr, 'frag-needed from the router to k8s-ctr');
    for (const p of fn) {
      assert.equal(p.icmp!.mtu, 1400);
      assert.equal(p.icmp!.quoted?.src, NODE.ctr);
      assert.equal(p.icmp!.quoted?.dst, NODE.w0);
      assert.ok(p.icmp!.quoted?.df, 'the quoted outer header has DF');
      assert.equal(p.icmp!.quotedUdp?.dport, 8472);
      assert.equal(p.icmp!.quoted?.totalLength, 1500);
    }
    const c = await host('pmtu', 'ctr');
    const self = some(c, all((p) => p.icmp?.type === 3 && p.icmp.code === 4 && p.ip?.src === NODE.ctr && p.ip.dst === NODE.ctr, on('lo', () => true)), 'self-addressed frag-needed on ctr lo');
    assert.ok(self.every((p) => p.icmp!.mtu === 1400 && p.icmp!.quoted?.dst === NODE.w0), show(self));
    none(c, (p) => p.icmp?.type === 3 && p.inner?.dst === POD.ctr, 'ICMP unreachable to the ctr pod');
    none(await host('pmtu', 'w0'), (p) => p.inner?.src === POD.ctr && p.ip !== undefined && p.ip.totalLength > 1400 && p.vxlan !== undefined, 'an outer packet over 1400 bytes reaching k8s-w0');
  });

  it('pmtu-ok: with ip_forward_use_pmtu=1, k8s-ctr tells the pod (frag-needed MTU 1350 from 172.20.0.98) and smaller segments get through', async () => {
    const c = await host('pmtu-ok', 'ctr');
    some(c, (p) => p.icmp?.type === 3 && p.icmp.code === 4 && p.ip?.src === ROUTER_ETH1 && p.icmp.mtu === 1400, 'frag-needed 1400 from the router');
    const told = some(c, all((p) => p.icmp?.type === 3 && p.icmp.code === 4 && p.ip?.src === NODE_GW.ctr && p.ip.dst === POD.ctr, on('lxc0', isOut)), 'frag-needed to the pod Out on lxc0');
    assert.ok(told.every((p) => p.icmp!.mtu === 1350 && p.icmp!.quoted?.src === POD.ctr), show(told));
    some(await host('pmtu-ok', 'w0'), (p) => p.vxlan !== undefined && p.inner?.src === POD.ctr && p.inner.totalLength === 1350, 'a 1350-byte inner packet delivered to k8s-w0');
  });

  it('pmtu-blackhole: pod MTU 1500 over a 1500 underlay with DF: every full-size packet dies inside k8s-ctr (frag-needed 1500 to itself on lo); nothing big leaves', async () => {
    const c = await host('pmtu-blackhole', 'ctr');
    const self = some(c, all((p) => p.icmp?.type === 3 && p.icmp.code === 4 && p.ip?.src === NODE.ctr && p.ip.dst === NODE.ctr, on('lo', () => true)), 'self-addressed frag-needed on ctr lo');
    assert.ok(self.every((p) => p.icmp!.mtu === 1500 && p.icmp!.quoted?.totalLength === 1550 && p.icmp!.quoted.df), show(self));
    some(c, all(pod(POD.ctr, POD.w0), (p) => p.inner!.totalLength === 1500, on('lxc0', isIn)), 'full-size packets from the pod');
    none(c, (p) => p.icmp?.type === 3 && p.inner?.dst === POD.ctr, 'ICMP unreachable to the ctr pod');
    none(c, (p) => p.iface === 'eth1' && p.ip !== undefined && p.ip.totalLength > 1500, 'anything over 1500 bytes on eth1');
    const r = await host('pmtu-blackhole', 'router');
    none(r, (p) => p.inner?.src === POD.ctr && p.inner.totalLength > 1450, 'a full-size pod packet at the router');
    some(r, (p) => p.inner?.src === POD.ctr && p.inner.totalLength < 300 && p.inner.proto === 6, 'the small packets (headers) that do get through');
  });
});

describe('lab recordings: dumpcap on the router', () => {
  for (const s of ['native', 'tunnel']) {
    it(`${s}: dumpcap -i any is pcapng with one interface named "any" in LINUX_SLL (v1)`, async () => {
      const c = await loadCapture(join(DIR, `${s}-router-dumpcap-any.pcapng`));
      try {
        assert.equal(c.info?.format, 'pcapng');
        assert.deepEqual(c.interfaces.map((i) => [i.name, i.linkType]), [['any', LinkType.LINUX_SLL]]);
      } finally {
        c.close();
      }
      const ps = await packets(join(DIR, `${s}-router-dumpcap-any.pcapng`));
      const pkttypes = new Set(ps.map((p) => p.pkttype));
      assert.ok(pkttypes.has(PKTTYPE.HOST) && pkttypes.has(PKTTYPE.OUTGOING), `pkttypes ${[...pkttypes].join(',')}`);
    });
    it(`${s}: dumpcap -i eth0 -i eth1 -i eth2 is pcapng with one Ethernet interface each`, async () => {
      const c = await loadCapture(join(DIR, `${s}-router-dumpcap-eth.pcapng`));
      try {
        assert.deepEqual(c.interfaces.map((i) => [i.name, i.linkType]), ['eth0', 'eth1', 'eth2'].map((n) => [n, LinkType.ETHERNET]));
      } finally {
        c.close();
      }
    });
  }
  it('tunnel: the per-interface pcapng is written in batches, not in time order', async () => {
    const ps = await packets(join(DIR, 'tunnel-router-dumpcap-eth.pcapng'));
    const back = ps.filter((p, i) => i > 0 && p.time < ps[i - 1]!.time);
    assert.ok(back.length > 0, 'some frame earlier than the one before it');
    const ifaces = new Set(ps.filter((p) => p.vxlan).map((p) => p.iface));
    assert.deepEqual([...ifaces].sort(), ['eth1', 'eth2']);
  });
});

describe('lab recordings: the skewed clock copy', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'vxshark-skew-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('tunnel-w0-any.skew+3.2s.pcap is tunnel-w0-any.pcap with every time stamp 3.2 s later, bytes unchanged', async () => {
    const orig = await packets(join(DIR, 'tunnel-w0-any.pcap'));
    const skew = await packets(join(DIR, 'tunnel-w0-any.skew+3.2s.pcap'));
    assert.equal(skew.length, orig.length);
    for (let i = 0; i < orig.length; i++) {
      const a = orig[i]!;
      const b = skew[i]!;
      assert.equal(BigInt(b.sec) * 1_000_000_000n + BigInt(b.nsec) - (BigInt(a.sec) * 1_000_000_000n + BigInt(a.nsec)), 3_200_000_000n, `frame ${i + 1}`);
      assert.equal(b.ip?.id, a.ip?.id);
    }
    const [a, b] = await Promise.all([loadCapture(join(DIR, 'tunnel-w0-any.pcap')), loadCapture(join(DIR, 'tunnel-w0-any.skew+3.2s.pcap'))]);
    try {
      assert.deepEqual(b.interfaces.map((i) => i.linkType), a.interfaces.map((i) => i.linkType));
      for (let i = 0; i < a.frameCount; i++) assert.deepEqual(b.frame(i), a.frame(i), `frame ${i + 1} bytes`);
    } finally {
      a.close();
      b.close();
    }
  });

  it('shift-clock parses seconds exactly and shifts backwards too', async () => {
    assert.equal(parseShift('3.2'), 3_200_000_000n);
    assert.equal(parseShift('-0.000000001'), -1n);
    assert.equal(parseShift('+12'), 12_000_000_000n);
    assert.throws(() => parseShift('3.2s'), /seconds/);
    assert.throws(() => parseShift('1.0000000001'), /seconds/);
    const out = join(tmp, 'back.pcap');
    const n = await shiftClock(join(DIR, 'tunnel-w0-any.skew+3.2s.pcap'), out, parseShift('-3.2'));
    assert.equal(n, (await packets(out)).length);
    assert.deepEqual(readFileSync(out), readFileSync(join(DIR, 'tunnel-w0-any.pcap')));
    await assert.rejects(shiftClock(join(DIR, 'tunnel-w0-any.pcap'), out, 0n), /exists/);
  });
});
