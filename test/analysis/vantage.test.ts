// Verdicts from every vantage point: the same traffic seen by a node (tcpdump -i any, dumpcap
// -i any), by the router (SLL2, per-interface pcapng written in batches), and the failures of
// issue 10 each where they show. Healthy captures get no error and no warning anywhere.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parseCidr } from '../../src/analysis/addr.js';
import { parseIpRoute, type Alert, type AnalysisResult } from '../../src/analysis/index.js';
import { classifyInterfaces, decideVantage, interfaceRoleFromName } from '../../src/analysis/vantage.js';
import { parseIpLinkEntries } from '../../src/capture/ip-link.js';
import { IPPROTO_ICMP } from '../fixtures/packet-builder.js';
import { analyzeBytes, cleanup, CTR, echo, forward, IF, IFNAMES, MAC, POD0, POD2, serious, sll2Capture, W0, type Event } from './helpers.js';
import {
  CTR_ROUTES, dumpcapAny, dumpcapPerInterface, encap, fragNeeded, NODE_IF, NODE_IFNAMES, NODE_IP_LINK, nodeHealthyEvents, plain, podReceives,
  podSends, tcpL4, W1, withDf,
} from './node-scenarios.js';
import { fwdTunnel, healthyTunnelEvents } from './scenarios.js';

after(cleanup);

const of = (r: AnalysisResult, id: string): Alert[] => r.alerts.filter((a) => a.id === id);
const ids = (r: AnalysisResult): string[] => [...new Set(r.alerts.filter((a) => a.severity !== 'info').map((a) => a.id))].sort();
const nodeOpts = () => ({ ifnames: NODE_IFNAMES, links: parseIpLinkEntries(NODE_IP_LINK), routes: parseIpRoute(CTR_ROUTES) });
const ROUTER_ROUTES = 'default via 203.0.113.254 dev eth0\n192.168.10.0/24 dev eth1 proto kernel scope link src 192.168.10.200\n192.168.20.0/24 dev eth2 proto kernel scope link src 192.168.20.200\n';

describe('vantage model', () => {
  it('names interfaces by their devices: tunnel, pod veth, loopback, uplink, node subnet', () => {
    assert.equal(interfaceRoleFromName('cilium_vxlan'), 'tunnel');
    assert.equal(interfaceRoleFromName('flannel.1'), 'tunnel');
    assert.equal(interfaceRoleFromName('vxlan.calico'), 'tunnel');
    assert.equal(interfaceRoleFromName('genev_sys_6081'), 'tunnel');
    assert.equal(interfaceRoleFromName('lxc12ab'), 'pod-veth');
    assert.equal(interfaceRoleFromName('cali0ef24b1'), 'pod-veth');
    assert.equal(interfaceRoleFromName('lo'), 'loopback');
    assert.equal(interfaceRoleFromName('eth1'), undefined);
    assert.equal(interfaceRoleFromName('br0', 'vxlan'), 'tunnel');
    const links = parseIpLinkEntries(NODE_IP_LINK);
    assert.deepEqual(links.map((l) => [l.index, l.name, l.linkType, l.peer ?? '']), [
      [1, 'lo', 'loopback', ''],
      [2, 'eth1', 'ether', 'if5'],
      [3, 'cilium_vxlan', 'ether', ''],
      [4, 'lxc0', 'ether', 'if2'],
    ]);
    const roles = classifyInterfaces({ links, routes: parseIpRoute(ROUTER_ROUTES), topology: { interfaces: [], neighbors: [], podCidrs: [], podSubnets: [] } });
    assert.deepEqual(roles.map((r) => [r.name, r.role]), [['lo', 'loopback'], ['eth1', 'node-subnet'], ['cilium_vxlan', 'tunnel'], ['lxc0', 'pod-veth']]);
  });

  it('a node capture with its ip-link is a node (certain); the router capture is a router', async () => {
    const node = await analyzeBytes(sll2Capture(nodeHealthyEvents()), nodeOpts());
    assert.deepEqual([node.vantage.host, node.vantage.confidence], ['node', 'certain']);
    assert.match(node.vantage.reason, /cilium_vxlan/);
    const router = await analyzeBytes(sll2Capture(healthyTunnelEvents()), { ifnames: IFNAMES });
    assert.deepEqual([router.vantage.host, router.vantage.confidence], ['router', 'inferred']);
    const routerSure = await analyzeBytes(sll2Capture(healthyTunnelEvents()), { ifnames: IFNAMES, routes: parseIpRoute(ROUTER_ROUTES) });
    assert.deepEqual([routerSure.vantage.host, routerSure.vantage.confidence], ['router', 'certain']);
  });

  it('without names, a host that sends tunnel packets itself is a node (inferred)', async () => {
    const r = await analyzeBytes(sll2Capture(nodeHealthyEvents()));
    assert.deepEqual([r.vantage.host, r.vantage.confidence], ['node', 'inferred']);
    assert.match(r.vantage.reason, /192\.168\.10\.100/);
  });

  it('the route parser keeps encap dst (the VTEP) and src (an own address)', () => {
    const routes = parseIpRoute(CTR_ROUTES);
    const r = routes.find((x) => x.prefix?.bits === 24 && x.dev === 'cilium_vxlan' && x.encapDst !== undefined)!;
    assert.equal(r.dev, 'cilium_vxlan');
    assert.ok(routes.some((x) => x.src !== undefined));
  });
});

describe('node captures count each packet once', () => {
  it('tcpdump -i any on k8s-ctr: veth, tunnel device and eth1 copies are one packet; answered; no error or warning', async () => {
    const r = await analyzeBytes(sll2Capture(nodeHealthyEvents()), nodeOpts());
    assert.deepEqual(serious(r), []);
    assert.equal(r.flows.length, 1);
    const f = r.flows[0]!;
    // 5 packets from the pod, 3 back: each seen three times in the capture.
    assert.deepEqual([f.directions[0].packets, f.directions[1].packets], [5, 3]);
    assert.equal(f.directions[0].carried, 'both');
    assert.equal(f.directions[1].carried, 'tunnel');
    assert.equal(f.unanswered, undefined);
    assert.deepEqual(r.tunnels.map((t) => [t.src, t.dst, t.packets]), [[CTR, W0, 5], [W0, CTR, 3]]);
    assert.ok(r.hops.paths.some((p) => p.kind === 'decap' && p.ingress === 'eth1' && p.egress === 'cilium_vxlan'));
    assert.ok(r.hops.paths.some((p) => p.kind === 'encap' && p.ingress === 'cilium_vxlan' && p.egress === 'eth1'));
  });

  it('the same without ip-link or ip-route: still no error or warning, still counted once', async () => {
    const r = await analyzeBytes(sll2Capture(nodeHealthyEvents()));
    assert.deepEqual(serious(r), []);
    assert.deepEqual([r.flows[0]!.directions[0].packets, r.flows[0]!.directions[1].packets], [5, 3]);
  });

  it('dumpcap -i any (pcapng, one interface "any", SLL v1): no hairpin, direction from pkttype, counted once', async () => {
    const r = await analyzeBytes(dumpcapAny(nodeHealthyEvents()));
    assert.deepEqual(serious(r), []);
    assert.ok(r.hops.paths.every((p) => p.kind !== 'hairpin'));
    assert.deepEqual([r.flows[0]!.directions[0].packets, r.flows[0]!.directions[1].packets], [5, 3]);
    assert.equal(r.vantage.host, 'node');
    assert.equal(r.vantage.interfacesKnown, false);
  });

  it('dumpcap -i any of a router: forwarded packets are routed hops, never hairpins', async () => {
    const r = await analyzeBytes(dumpcapAny(healthyTunnelEvents()));
    assert.deepEqual(serious(r), []);
    assert.ok(r.hops.paths.length > 0 && r.hops.paths.every((p) => p.kind === 'routed'));
    assert.equal(r.tunnels.reduce((n, t) => n + t.packets, 0), healthyTunnelEvents().length / 2);
  });
});

describe('per-interface pcapng written out of time order', () => {
  it('dumpcap -i eth1 -i eth2 on the router: every forwarded packet is paired, nothing counted twice', async () => {
    const events = healthyTunnelEvents();
    const r = await analyzeBytes(dumpcapPerInterface(events, IFNAMES, 2_000_000));
    assert.equal(r.hops.copies.count, events.length / 2);
    assert.equal(r.tunnels.reduce((n, t) => n + t.packets, 0), events.length / 2);
    assert.deepEqual(serious(r), []);
    assert.ok(r.hops.paths.every((p) => p.kind === 'routed' && ((p.ingress === 'eth1' && p.egress === 'eth2') || (p.ingress === 'eth2' && p.egress === 'eth1'))));
  });
});
