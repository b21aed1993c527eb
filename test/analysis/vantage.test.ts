// Verdicts from every vantage point: the same traffic seen by a node (tcpdump -i any, dumpcap
// -i any), by the router (SLL2, per-interface pcapng written in batches), and the failures of
// issue 10 each where they show. Healthy captures get no error and no warning anywhere.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parseAddr, parseCidr } from '../../src/analysis/addr.js';
import { parseIpRoute, type Alert, type AnalysisResult } from '../../src/analysis/index.js';
import { classifyInterfaces, interfaceRoleFromName } from '../../src/analysis/vantage.js';
import { parseIpLinkEntries } from '../../src/capture/ip-link.js';
import {
  be32,
  concat,
  ETH_IPV6,
  ethernet,
  filler,
  geneve,
  icmpv6,
  innerFrame,
  ipv6,
  IPPROTO_ICMP,
  IPPROTO_UDP,
  udp,
  udpTunnel,
  vxlan,
} from '../fixtures/packet-builder.js';
import {
  analyzeBytes,
  cleanup,
  CTR,
  echo,
  ethCapture,
  forward,
  IF,
  IFNAMES,
  INNER_0_2,
  MAC,
  OUTER_CTR_W0,
  POD0,
  POD2,
  serious,
  sll2Capture,
  W0,
  type Event,
  type Frame,
} from './helpers.js';
import {
  CTR_ROUTES,
  dumpcapAny,
  dumpcapPerInterface,
  encap,
  fragNeeded,
  NODE_IF,
  NODE_IFNAMES,
  NODE_IP_LINK,
  nodeHealthyEvents,
  plain,
  POD1,
  podReceives,
  podSends,
  tcpL4,
  W1,
  withDf,
} from './node-scenarios.js';
import { healthyTunnelEvents } from './scenarios.js';

after(cleanup);

const of = (r: AnalysisResult, id: string): Alert[] => r.alerts.filter((a) => a.id === id);
const one = (r: AnalysisResult, id: string): Alert => {
  const list = of(r, id);
  assert.equal(list.length, 1, `${id}: ${JSON.stringify(r.alerts.map((a) => `${a.id}: ${a.title}`))}`);
  return list[0]!;
};
const nodeOpts = () => ({ ifnames: NODE_IFNAMES, links: parseIpLinkEntries(NODE_IP_LINK), routes: parseIpRoute(CTR_ROUTES) });
const ROUTER_ROUTES =
  'default via 203.0.113.254 dev eth0\n192.168.10.0/24 dev eth1 proto kernel scope link src 192.168.10.200\n192.168.20.0/24 dev eth2 proto kernel scope link src 192.168.20.200\n';

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
    assert.deepEqual(
      links.map((l) => [l.index, l.name, l.linkType, l.peer ?? '']),
      [
        [1, 'lo', 'loopback', ''],
        [2, 'eth1', 'ether', 'if5'],
        [3, 'cilium_vxlan', 'ether', ''],
        [4, 'lxc0', 'ether', 'if2'],
      ],
    );
    // Each link's hardware address, as `ip -o link` and `ip -j link` give it (loopback's is not a MAC of the host).
    assert.deepEqual(
      links.map((l) => l.mac?.toString(16)),
      [undefined, '5254003a0a64', '6e1a4c000001', '7a3c00000098'],
    );
    const json = parseIpLinkEntries(
      JSON.stringify([
        { ifindex: 1, ifname: 'lo', link_type: 'loopback', address: '00:00:00:00:00:00' },
        { ifindex: 2, ifname: 'eth1', link_type: 'ether', address: '52:54:00:3a:0a:64' },
        { ifindex: 3, ifname: 'wg0', link_type: 'none' },
      ]),
    );
    assert.deepEqual(
      json.map((l) => l.mac?.toString(16)),
      [undefined, '5254003a0a64', undefined],
    );
    const roles = classifyInterfaces({ links, routes: parseIpRoute(ROUTER_ROUTES), topology: { interfaces: [], neighbors: [], podCidrs: [], podSubnets: [] } });
    assert.deepEqual(
      roles.map((r) => [r.name, r.role]),
      [
        ['lo', 'loopback'],
        ['eth1', 'node-subnet'],
        ['cilium_vxlan', 'tunnel'],
        ['lxc0', 'pod-veth'],
      ],
    );
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
    assert.deepEqual(
      r.tunnels.map((t) => [t.src, t.dst, t.packets]),
      [
        [CTR, W0, 5],
        [W0, CTR, 3],
      ],
    );
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
    assert.equal(
      r.tunnels.reduce((n, t) => n + t.packets, 0),
      healthyTunnelEvents().length / 2,
    );
  });
});

describe('per-interface pcapng written out of time order', () => {
  it('dumpcap -i eth1 -i eth2 on the router: every forwarded packet is paired, nothing counted twice', async () => {
    const events = healthyTunnelEvents();
    const r = await analyzeBytes(dumpcapPerInterface(events, IFNAMES, 2_000_000));
    assert.equal(r.hops.copies.count, events.length / 2);
    assert.equal(
      r.tunnels.reduce((n, t) => n + t.packets, 0),
      events.length / 2,
    );
    assert.deepEqual(serious(r), []);
    assert.ok(
      r.hops.paths.every((p) => p.kind === 'routed' && ((p.ingress === 'eth1' && p.egress === 'eth2') || (p.ingress === 'eth2' && p.egress === 'eth1'))),
    );
  });
});

/** A SYN from k8s-ctr's pod to a k8s-w0 pod, as an inner packet. */
const podSyn = (id: number, src = POD0, dst = POD2): Uint8Array => plain({ src, dst, ttl: 63, id, l4: tcpL4(src, dst, 40000 + id, 80, 'S', 1000, 0) });

describe('drops inside the tunnel, built packet by packet', () => {
  /** The router forwards a ping between the node subnets both ways (so it routes to k8s-w0) and VXLAN from k8s-ctr to k8s-w0 enters eth1 three times and never leaves. */
  function blockedOnRouter(): Event[] {
    const ev: Event[] = [
      ...forward(0, { src: CTR, dst: W0, proto: IPPROTO_ICMP, ttl: 64, id: 1 }, echo(8, 7, 1), IF.eth1, MAC.ctr, IF.eth2, MAC.r2),
      ...forward(500, { src: W0, dst: CTR, proto: IPPROTO_ICMP, ttl: 64, id: 2 }, echo(0, 7, 1), IF.eth2, MAC.w0, IF.eth1, MAC.r1),
    ];
    for (let i = 0; i < 3; i++)
      ev.push({
        t: 1_000_000 * (i + 1),
        ifindex: IF.eth1,
        out: false,
        mac: MAC.ctr,
        ip: encap({ src: CTR, dst: W0, id: 0x3000 + i, vni: 10100 }, podSyn(0x40)),
      });
    return ev;
  }

  it('overlay.dropped on a router: VXLAN enters eth1 and never leaves, with and without its routing table; no route.missing', async () => {
    for (const routes of [parseIpRoute(ROUTER_ROUTES), undefined]) {
      const r = await analyzeBytes(sll2Capture(blockedOnRouter()), { ifnames: IFNAMES, ...(routes ? { routes } : {}) });
      const a = one(r, 'overlay.dropped');
      assert.equal(a.severity, 'error');
      assert.deepEqual([a.ingress, a.src, a.dst, a.port, a.vni, a.count], ['eth1', CTR, W0, 8472, 10100, 3]);
      assert.match(a.title, /enters this router on eth1 and never leaves: dropped here/);
      assert.match(a.explanation, routes ? /its routing table sends 192\.168\.20\.100 out of eth2/ : /it forwards other packets to 192\.168\.20\.100's subnet/);
      assert.match(a.fix, /iptables -S \| grep 8472/);
      assert.deepEqual(of(r, 'route.missing'), [], 'the pods are inside the tunnel: no routing verdict');
    }
  });

  it('not when the router forwards the VXLAN packets', async () => {
    const ev = healthyTunnelEvents();
    const r = await analyzeBytes(sll2Capture(ev), { ifnames: IFNAMES, routes: parseIpRoute(ROUTER_ROUTES) });
    assert.deepEqual(of(r, 'overlay.dropped'), []);
  });

  it("not when the router rewrites the outer header (NAT to the node's real address): the same pod packets leave in another tunnel", async () => {
    const NAT = '198.51.100.20';
    const ev = blockedOnRouter().filter((e) => e.t < 1_000_000);
    for (let i = 0; i < 3; i++) {
      const t = 1_000_000 * (i + 1);
      ev.push({ t, ifindex: IF.eth1, out: false, mac: MAC.ctr, ip: encap({ src: CTR, dst: NAT, id: 0x3000 + i, vni: 10100 }, podSyn(0x40 + i)) });
      ev.push({ t: t + 20, ifindex: IF.eth2, out: true, mac: MAC.r2, ip: encap({ src: CTR, dst: W0, ttl: 63, id: 0x3000 + i, vni: 10100 }, podSyn(0x40 + i)) });
    }
    const r = await analyzeBytes(sll2Capture(ev), { ifnames: IFNAMES, routes: parseIpRoute(ROUTER_ROUTES) });
    assert.deepEqual(of(r, 'overlay.dropped'), []);
    // Without the rewritten copies going out, the same packets are a drop.
    const dropped = await analyzeBytes(sll2Capture(ev.filter((e) => !e.out || e.t < 1_000_000)), { ifnames: IFNAMES, routes: parseIpRoute(ROUTER_ROUTES) });
    assert.equal(of(dropped, 'overlay.dropped').length, 1);
  });

  it('overlay.dropped on a node: VXLAN for this node arrives on eth1 and never shows on cilium_vxlan', async () => {
    const ev: Event[] = [];
    for (let i = 0; i < 3; i++) {
      ev.push(...podSends(i * 1_000_000, { src: POD0, dst: POD2, ttl: 64, id: 0x10 + i, l4: tcpL4(POD0, POD2, 40000, 80, 'S', 1000, 0) }, W0, 0x2000 + i));
      // The SYN/ACK's tunnel packet: only its eth1 copy, no decapsulated one.
      const [onEth1] = podReceives(
        i * 1_000_000 + 500,
        { src: POD2, dst: POD0, ttl: 63, id: 0x90 + i, l4: tcpL4(POD2, POD0, 80, 40000, 'SA', 5000, 1001) },
        W0,
        0x2100 + i,
      );
      ev.push(onEth1!);
    }
    const r = await analyzeBytes(sll2Capture(ev), nodeOpts());
    assert.equal(r.vantage.host, 'node');
    const a = one(r, 'overlay.dropped');
    assert.equal(a.severity, 'error');
    assert.deepEqual([a.ingress, a.src, a.dst, a.count], ['eth1', W0, CTR, 3]);
    assert.match(a.title, /reaches this node on eth1 and is never decapsulated/);
    assert.match(a.fix, /dstport/);
  });

  it('not on a node whose capture never shows its tunnel device (eth1 only)', async () => {
    const ev: Event[] = [];
    for (let i = 0; i < 3; i++)
      ev.push(podReceives(i * 1000, { src: POD2, dst: POD0, ttl: 63, id: 0x90 + i, l4: tcpL4(POD2, POD0, 80, 40000, 'SA', 5000, 1001) }, W0, 0x2100 + i)[0]!);
    const r = await analyzeBytes(sll2Capture(ev), nodeOpts());
    assert.deepEqual(of(r, 'overlay.dropped'), []);
  });
});

describe('overlay.wrong-vtep, built packet by packet', () => {
  it('on the receiving node: VXLAN for a k8s-w0 pod decapsulated here as OTHERHOST and dropped', async () => {
    const ev: Event[] = [];
    for (let i = 0; i < 3; i++)
      ev.push(
        ...podReceives(
          i * 1_000_000,
          { src: POD1, dst: POD2, ttl: 63, id: 0x70 + i, l4: tcpL4(POD1, POD2, 41000, 80, 'S', 1000, 0) },
          W1,
          0x4000 + i,
          10100,
          3,
        ),
      );
    // This node's own route for 172.20.2.0/24 is only what it believes, not who hosts the prefix:
    // the alert names the pod address, and the prefix and its node once --pod-cidr says them.
    const r = await analyzeBytes(sll2Capture(ev), nodeOpts());
    const a = one(r, 'overlay.wrong-vtep');
    assert.equal(a.severity, 'error');
    assert.deepEqual([a.src, a.dst, a.prefix, a.node], [W1, CTR, POD2, undefined]);
    assert.match(a.explanation, /cilium_vxlan marks them OTHERHOST \(3 packets\)/);
    assert.match(a.fix, /on 192\.168\.10\.101/);
    assert.deepEqual(of(r, 'overlay.dropped'), [], 'decapsulated, so not dropped before the tunnel device');
    const told = await analyzeBytes(sll2Capture(ev), { ...nodeOpts(), podCidrOwners: [{ node: parseAddr(W0)!, prefix: parseCidr('172.20.2.0/24')! }] });
    const b = one(told, 'overlay.wrong-vtep');
    assert.deepEqual([b.src, b.dst, b.prefix, b.node, b.count], [W1, CTR, '172.20.2.0/24', W0, 3]);
    assert.match(b.title, /goes to VTEP 192\.168\.10\.100, but 172\.20\.2\.0\/24 lives on 192\.168\.20\.100/);
  });

  it('not for VXLAN delivered to the pod it is for', async () => {
    const ev: Event[] = [];
    for (let i = 0; i < 3; i++)
      ev.push(
        ...podReceives(i * 1_000_000, { src: POD2, dst: POD0, ttl: 63, id: 0x70 + i, l4: tcpL4(POD2, POD0, 80, 40000, 'SA', 5000, 1001) }, W0, 0x4000 + i),
      );
    const r = await analyzeBytes(sll2Capture(ev), nodeOpts());
    assert.deepEqual(of(r, 'overlay.wrong-vtep'), []);
  });
});

describe('overlay.pmtu, built packet by packet', () => {
  /** A full-size pod packet in DF-set VXLAN from k8s-ctr to k8s-w0. */
  const bigDf = (id: number): Uint8Array =>
    withDf(
      encap(
        { src: CTR, dst: W0, id, vni: 10100 },
        plain({ src: POD0, dst: POD2, ttl: 63, id, l4: tcpL4(POD0, POD2, 40000, 80, 'A', 1001, 5001, filler(1400) as Uint8Array<ArrayBuffer>) }),
      ),
    );

  it('a router reports 1400 for DF-set VXLAN over IPv4: pod MTU 1350, not 1400', async () => {
    const ev: Event[] = [];
    for (let i = 0; i < 2; i++) {
      const p = bigDf(0x500 + i);
      ev.push({ t: i * 1000, ifindex: IF.eth1, out: false, mac: MAC.ctr, ip: p });
      ev.push({ t: i * 1000 + 50, ifindex: IF.eth1, out: true, mac: MAC.r1, ip: fragNeeded('192.168.10.200', CTR, 1400, p) });
    }
    const r = await analyzeBytes(sll2Capture(ev), { ifnames: IFNAMES });
    const a = one(r, 'overlay.pmtu');
    assert.equal(a.severity, 'warning');
    assert.deepEqual(a.details, { reporter: '192.168.10.200', pathMtu: 1400, overhead: 50, podMtu: 1350, blackHole: 'no' });
    assert.match(a.title, /the pod MTU must be at most 1400 − 50 = 1350/);
  });

  it("a node's frag-needed to itself on lo is a black hole (error)", async () => {
    const p = bigDf(0x600);
    const ev: Event[] = [{ t: 0, ifindex: NODE_IF.lo, out: false, mac: '00:00:00:00:00:00', ip: fragNeeded(CTR, CTR, 1500, p) }];
    ev.push(...podSends(100, { src: POD0, dst: POD2, ttl: 64, id: 1, l4: tcpL4(POD0, POD2, 40000, 80, 'S', 1000, 0) }, W0, 0x2000));
    const r = await analyzeBytes(sll2Capture(ev), nodeOpts());
    const a = one(r, 'overlay.pmtu');
    assert.equal(a.severity, 'error');
    assert.equal(a.details?.blackHole, 'yes');
    assert.match(a.title, /^PMTU black hole inside 192\.168\.10\.100: it told itself \(on lo\)/);
  });

  it('over an IPv6 underlay the overhead is 70: packet too big 1400 means pod MTU 1330', async () => {
    const outer = { src: 'fd00:10::100', dst: 'fd00:20::100' };
    const inner = innerFrame(INNER_0_2, { proto: IPPROTO_UDP, bytes: udp({ srcPort: 1, dstPort: 2 }, filler(1400), { src: POD0, dst: POD2 }) });
    const tunnelled = ipv6({ ...outer, next: IPPROTO_UDP }, udp({ srcPort: 50000, dstPort: 8472 }, vxlan({ vni: 10100 }, inner), outer));
    const router = { src: 'fd00:10::1', dst: outer.src };
    const ptb = ipv6({ ...router, next: 58 }, icmpv6({ type: 2, code: 0, body: concat(be32(1400), tunnelled.subarray(0, 1232)) }, router));
    const frames: Frame[] = [
      { t: 0, data: ethernet({ src: MAC.ctr, dst: MAC.r1, type: ETH_IPV6 }, tunnelled) },
      { t: 50, data: ethernet({ src: MAC.r1, dst: MAC.ctr, type: ETH_IPV6 }, ptb) },
    ];
    const a = one(await analyzeBytes(ethCapture(frames)), 'overlay.pmtu');
    assert.deepEqual([a.details?.pathMtu, a.details?.overhead, a.details?.podMtu], [1400, 70, 1330]);
  });

  it('GENEVE counts its options: 1400 with 8 bytes of options means pod MTU 1342', async () => {
    const inner = innerFrame(INNER_0_2, { proto: IPPROTO_UDP, bytes: udp({ srcPort: 1, dstPort: 2 }, filler(1400), { src: POD0, dst: POD2 }) });
    const g = geneve({ vni: 5, options: [{ cls: 0x0102, type: 0x80, data: filler(4) }] }, inner);
    const packet = withDf(udpTunnel({ ...OUTER_CTR_W0, ttl: 64, id: 0x42 }, 6081, 50000, g).subarray(14));
    const frames: Frame[] = [
      { t: 0, data: ethernet({ src: MAC.ctr, dst: MAC.r1, type: 0x0800 }, packet) },
      { t: 50, data: ethernet({ src: MAC.r1, dst: MAC.ctr, type: 0x0800 }, fragNeeded('192.168.10.200', CTR, 1400, packet)) },
    ];
    const a = one(await analyzeBytes(ethCapture(frames)), 'overlay.pmtu');
    assert.deepEqual([a.details?.pathMtu, a.details?.overhead, a.details?.podMtu], [1400, 58, 1342]);
    assert.match(a.title, /GENEVE/);
  });
});

describe('flow.stalled, built packet by packet', () => {
  /** k8s-ctr's pod opens a connection (answered), then sends one 1000-byte segment four times; `acked` answers it at last. */
  function resentSegment(acked: boolean): Event[] {
    const ev: Event[] = [];
    const there = (t: number, id: number, flags: string, seq: number, ack: number, body?: Uint8Array<ArrayBuffer>): void => {
      ev.push(...podSends(t, { src: POD0, dst: POD2, ttl: 64, id, l4: tcpL4(POD0, POD2, 40000, 80, flags, seq, ack, body) }, W0, 0x2000 + id));
    };
    const back = (t: number, id: number, flags: string, seq: number, ack: number): void => {
      ev.push(...podReceives(t, { src: POD2, dst: POD0, ttl: 63, id, l4: tcpL4(POD2, POD0, 80, 40000, flags, seq, ack) }, W0, 0x2100 + id));
    };
    there(0, 1, 'S', 1000, 0);
    back(1000, 0x900, 'SA', 5000, 1001);
    there(2000, 2, 'A', 1001, 5001);
    const body = filler(1000) as Uint8Array<ArrayBuffer>;
    for (let i = 0; i < 4; i++) there(3000 + i * 400_000, 3 + i, 'PA', 1001, 5001, body);
    if (acked) back(2_000_000, 0x901, 'A', 5001, 2001);
    return ev;
  }

  it('a data segment sent four times and never acknowledged, after an answered handshake', async () => {
    const a = one(await analyzeBytes(sll2Capture(resentSegment(false)), nodeOpts()), 'flow.stalled');
    assert.equal(a.severity, 'warning');
    assert.match(a.title, /172\.20\.0\.10:40000 → 172\.20\.2\.30:80/);
  });

  it('not when the retransmission is acknowledged', async () => {
    assert.deepEqual(of(await analyzeBytes(sll2Capture(resentSegment(true)), nodeOpts()), 'flow.stalled'), []);
  });
});
