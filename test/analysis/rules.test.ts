// Every alert rule on captures built with the packet builder: one that must fire (with the
// evidence the rule promises) and one that must not.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parseCidr } from '../../src/analysis/addr.js';
import { parseIpRoute } from '../../src/analysis/options.js';
import type { Alert, AnalysisResult } from '../../src/analysis/index.js';
import {
  ETH_IPV4,
  ETH_IPV6,
  ethernet,
  geneve,
  icmpError,
  innerFrame,
  ipv4,
  ipv6,
  ipv6FragmentHeader,
  IPPROTO_IPV6_FRAG,
  IPPROTO_UDP,
  udp,
  udpTunnel,
  vxlan,
  be16,
  be32,
  concat,
  dnsQuery,
  dnsResponse,
  filler,
} from '../fixtures/packet-builder.js';
import {
  analyzeBytes,
  cleanup,
  CTR,
  echo,
  eth,
  ethCapture,
  forward,
  IF,
  IFNAMES,
  INNER_0_2,
  INNER_2_0,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  MAC,
  OUTER_CTR_W0,
  OUTER_W0_CTR,
  POD0,
  POD2,
  serious,
  sll2Capture,
  syn,
  synAck,
  tcpSeg,
  udpL4,
  vxlanIp,
  W0,
  type Event,
  type Frame,
} from './helpers.js';
import { act1, act1Events, fragment, fwdTunnel, healthyTunnel, healthyTunnelEvents } from './scenarios.js';

after(cleanup);

const of = (r: AnalysisResult, id: string): Alert[] => r.alerts.filter((a) => a.id === id);
const one = (r: AnalysisResult, id: string): Alert => {
  const list = of(r, id);
  assert.equal(list.length, 1, `${id}: ${JSON.stringify(r.alerts.map((a) => a.title))}`);
  return list[0]!;
};

describe('misroute.default-route', () => {
  it('names the ingress, the uplink and the pod prefix (uplink inferred)', async () => {
    const r = await analyzeBytes(act1(), { ifnames: IFNAMES });
    const a = one(r, 'misroute.default-route');
    assert.equal(a.severity, 'error');
    assert.equal(a.title, '172.20.0.10 → 172.20.2.30 entered eth1 and left eth0 (default route): no route for 172.20.2.0/24 on this router');
    assert.deepEqual([a.ingress, a.egress, a.prefix, a.src, a.dst], ['eth1', 'eth0', '172.20.2.0/24', POD0, POD2]);
    assert.equal(a.count, 5);
    assert.ok(a.frames.length > 0 && a.frames.length <= 10);
    assert.match(a.fix, /tunnel mode/);
    assert.match(a.fix, /BGP/);
    assert.match(a.fix, /ip route add 172\.20\.2\.0\/24 via/);
    assert.match(a.explanation, /inferred/);
    assert.equal(r.topology.uplink?.name, 'eth0');
    assert.equal(r.topology.uplink?.source, 'inferred');
  });

  it('with --ip-route: the uplink from the default route, and the table confirms there is no route', async () => {
    const routes = parseIpRoute(
      'default via 203.0.113.254 dev eth0\n192.168.10.0/24 dev eth1 proto kernel scope link src 192.168.10.200\n192.168.20.0/24 dev eth2 proto kernel scope link src 192.168.20.200\n',
    );
    const r = await analyzeBytes(act1(), { ifnames: IFNAMES, routes });
    const a = one(r, 'misroute.default-route');
    assert.equal(r.topology.uplink?.source, 'ip-route');
    assert.match(a.explanation, /only the default route/);
  });

  it('names the node in the fix when the capture shows which node hosts the prefix', async () => {
    // The webpod's prefix answered natively once from k8s-w0 (its MAC), before the route broke.
    const ev = act1Events();
    ev.push({ t: 100, ifindex: IF.eth2, out: false, mac: MAC.w0, ip: ipv4({ src: W0, dst: CTR, proto: IPPROTO_ICMP, ttl: 64, id: 9 }, echo(8, 1, 1)) });
    ev.push({
      t: 200,
      ifindex: IF.eth2,
      out: false,
      mac: MAC.w0,
      ip: ipv4({ src: '172.20.2.99', dst: POD0, proto: IPPROTO_ICMP, ttl: 63, id: 10 }, echo(8, 2, 1)),
    });
    const r = await analyzeBytes(sll2Capture(ev), { ifnames: IFNAMES, podCidrs: [parseCidr('172.20.0.0/16')!] });
    const a = one(r, 'misroute.default-route');
    assert.equal(a.node, W0);
    assert.match(a.fix, /ip route add 172\.20\.2\.0\/24 via 192\.168\.20\.100/);
  });

  it('stays quiet when pod traffic leaves through a routed node subnet and is answered', async () => {
    // A static route: 172.20.2.0/24 via 192.168.20.100 (eth2); replies come back.
    const ev: Event[] = [];
    for (let i = 0; i < 3; i++) {
      ev.push(...forward(i * 1000, { src: POD0, dst: POD2, proto: IPPROTO_ICMP, ttl: 63, id: 10 + i }, echo(8, 7, i), IF.eth1, MAC.ctr, IF.eth2, MAC.r2));
      ev.push(...forward(i * 1000 + 400, { src: POD2, dst: POD0, proto: IPPROTO_ICMP, ttl: 63, id: 20 + i }, echo(0, 7, i), IF.eth2, MAC.w0, IF.eth1, MAC.r1));
    }
    const r = await analyzeBytes(sll2Capture(ev), { ifnames: IFNAMES });
    assert.deepEqual(of(r, 'misroute.default-route'), []);
    assert.deepEqual(of(r, 'route.missing'), []);
  });

  it('stays quiet when the routing table has a specific route for the prefix', async () => {
    const routes = parseIpRoute('default via 203.0.113.254 dev eth0\n172.20.2.0/24 via 192.168.20.100 dev eth2\n');
    const r = await analyzeBytes(act1(), { ifnames: IFNAMES, routes });
    assert.equal(r.topology.uplink?.name, 'eth0');
    assert.deepEqual(of(r, 'misroute.default-route'), []);
  });
});

describe('route.missing', () => {
  it('one alert per prefix, aggregating the misroutes and the unanswered flows', async () => {
    const r = await analyzeBytes(act1(), { ifnames: IFNAMES });
    const a = one(r, 'route.missing');
    assert.equal(a.severity, 'error');
    assert.equal(a.prefix, '172.20.2.0/24');
    assert.equal(a.egress, 'eth0');
    assert.equal(a.details?.misroutedPackets, 5);
    assert.equal(a.details?.unansweredFlows, 2);
  });

  it('from a node capture: unanswered traffic to a pod prefix that never answers', async () => {
    const frames: Frame[] = [];
    frames.push({ t: 0, data: eth({ src: POD0, dst: '172.20.1.20', proto: IPPROTO_ICMP, ttl: 63, id: 1 }, echo(8, 5, 1)) });
    frames.push({ t: 100, data: eth({ src: '172.20.1.20', dst: POD0, proto: IPPROTO_ICMP, ttl: 63, id: 2 }, echo(0, 5, 1), MAC.w0, MAC.ctr) });
    for (let i = 0; i < 3; i++)
      frames.push({ t: 1000 + i * 1_000_000, data: eth({ src: POD0, dst: POD2, proto: IPPROTO_TCP, ttl: 63, id: 10 + i }, syn(POD0, POD2, 40000)) });
    const r = await analyzeBytes(ethCapture(frames), { podCidrs: [parseCidr('172.20.0.0/16')!] });
    const a = one(r, 'route.missing');
    assert.equal(a.prefix, '172.20.2.0/24');
    assert.match(a.title, /never answered/);
    assert.equal(a.dst, POD2);
  });

  it('not for a prefix that answers other flows (the route exists; the service does not)', async () => {
    const frames: Frame[] = [
      { t: 0, data: eth({ src: POD0, dst: POD2, proto: IPPROTO_ICMP, ttl: 63, id: 1 }, echo(8, 5, 1)) },
      { t: 100, data: eth({ src: POD2, dst: POD0, proto: IPPROTO_ICMP, ttl: 63, id: 2 }, echo(0, 5, 1), MAC.w0, MAC.ctr) },
      { t: 1000, data: eth({ src: POD0, dst: POD2, proto: IPPROTO_TCP, ttl: 63, id: 3 }, syn(POD0, POD2, 40000, 8080)) },
      { t: 2_000_000, data: eth({ src: POD0, dst: POD2, proto: IPPROTO_TCP, ttl: 63, id: 4 }, syn(POD0, POD2, 40000, 8080)) },
    ];
    const r = await analyzeBytes(ethCapture(frames), { podCidrs: [parseCidr('172.20.0.0/16')!] });
    assert.deepEqual(of(r, 'route.missing'), []);
    assert.equal(of(r, 'flow.unanswered').length, 1);
  });
});

describe('misroute.hairpin', () => {
  it('a packet that leaves through the interface it came in on', async () => {
    const ev = forward(
      0,
      { src: '192.168.10.50', dst: '192.168.10.60', proto: IPPROTO_ICMP, ttl: 64, id: 7 },
      echo(8, 1, 1),
      IF.eth1,
      MAC.ctr,
      IF.eth1,
      MAC.r1,
    );
    const r = await analyzeBytes(sll2Capture(ev), { ifnames: IFNAMES });
    const a = one(r, 'misroute.hairpin');
    assert.equal(a.severity, 'warning');
    assert.deepEqual([a.ingress, a.egress, a.src, a.dst], ['eth1', 'eth1', '192.168.10.50', '192.168.10.60']);
    assert.deepEqual(a.frames, [1, 2]);
  });

  it('not for a packet forwarded to another interface', async () => {
    const ev = forward(0, { src: CTR, dst: W0, proto: IPPROTO_ICMP, ttl: 64, id: 7 }, echo(8, 1, 1), IF.eth1, MAC.ctr, IF.eth2, MAC.r2);
    const r = await analyzeBytes(sll2Capture(ev), { ifnames: IFNAMES });
    assert.deepEqual(of(r, 'misroute.hairpin'), []);
  });
});

describe('flow.unanswered', () => {
  const a = '10.1.0.5';
  const b = '10.1.0.9';
  it('TCP SYNs with no SYN/ACK, pings with no reply, DNS queries with no response', async () => {
    const frames: Frame[] = [
      { t: 0, data: eth({ src: a, dst: b, proto: IPPROTO_TCP, ttl: 64, id: 1 }, syn(a, b, 40000, 443)) },
      { t: 1_000_000, data: eth({ src: a, dst: b, proto: IPPROTO_TCP, ttl: 64, id: 2 }, syn(a, b, 40000, 443)) },
      { t: 10, data: eth({ src: a, dst: b, proto: IPPROTO_ICMP, ttl: 64, id: 3 }, echo(8, 9, 1)) },
      { t: 1_000_010, data: eth({ src: a, dst: b, proto: IPPROTO_ICMP, ttl: 64, id: 4 }, echo(8, 9, 2)) },
      {
        t: 20,
        data: eth(
          { src: a, dst: b, proto: IPPROTO_UDP, ttl: 64, id: 5 },
          udpL4(a, b, 53001, 53, dnsQuery({ id: 0x1234, name: 'webpod.default.svc.cluster.local' })),
        ),
      },
      { t: 3_000_000, data: eth({ src: a, dst: '10.1.0.10', proto: IPPROTO_ICMP, ttl: 64, id: 6 }, echo(8, 1, 1)) },
    ];
    const r = await analyzeBytes(ethCapture(frames));
    const list = of(r, 'flow.unanswered');
    const titles = list.map((x) => x.title).sort();
    assert.deepEqual(titles, [
      '10.1.0.5 → 10.1.0.9: 2 ICMP echo requests, no reply',
      '10.1.0.5 → 10.1.0.9:443: 2 TCP SYNs, no SYN/ACK',
      '10.1.0.5 → 10.1.0.9:53: 1 DNS query, no response',
    ]);
    const tcpAlert = list.find((x) => x.proto === 'TCP')!;
    assert.equal(tcpAlert.port, 443);
    assert.deepEqual(tcpAlert.frames, [1]);
    assert.equal(tcpAlert.count, 2);
  });

  it('not when answered, nor for one request in the last second of the capture', async () => {
    const frames: Frame[] = [
      { t: 0, data: eth({ src: a, dst: b, proto: IPPROTO_TCP, ttl: 64, id: 1 }, syn(a, b, 40000, 443)) },
      { t: 100, data: eth({ src: b, dst: a, proto: IPPROTO_TCP, ttl: 64, id: 2 }, synAck(b, a, 443, 40000)) },
      { t: 200, data: eth({ src: a, dst: b, proto: IPPROTO_UDP, ttl: 64, id: 3 }, udpL4(a, b, 53001, 53, dnsQuery({ id: 7, name: 'x.cluster.local' }))) },
      {
        t: 300,
        data: eth(
          { src: b, dst: a, proto: IPPROTO_UDP, ttl: 64, id: 4 },
          udpL4(b, a, 53, 53001, dnsResponse({ id: 7, name: 'x.cluster.local', addresses: ['10.96.0.1'] })),
        ),
      },
      { t: 900_000, data: eth({ src: a, dst: b, proto: IPPROTO_ICMP, ttl: 64, id: 5 }, echo(8, 9, 1)) },
      { t: 900_500, data: eth({ src: a, dst: '10.1.0.77', proto: IPPROTO_ICMP, ttl: 64, id: 5 }, echo(8, 9, 1)) },
    ];
    const r = await analyzeBytes(ethCapture(frames));
    assert.deepEqual(of(r, 'flow.unanswered'), []);
  });

  it('not for pings seen only in an ERSPAN mirror session, which often copies one direction', async () => {
    const ping = (k: number): Uint8Array => eth({ src: a, dst: b, proto: IPPROTO_ICMP, ttl: 64, id: k }, echo(8, 9, k));
    // GRE with a sequence number (0x88be: ERSPAN type II), then the ERSPAN header: version 1, session 1.
    const GRE = 47;
    const mirrored = (k: number): Uint8Array =>
      eth(
        { src: '10.29.11.1', dst: '10.29.11.13', proto: GRE, ttl: 64, id: 100 + k },
        concat(be16(0x1000, 0x88be), be32(k), Uint8Array.of(0x10, 0, 0, 1, 0, 0, 0, 0), ping(k)),
      );
    const pings = [1, 2, 3].map((k) => ({ t: k * 1_000_000, data: ping(k) }));
    const plain = await analyzeBytes(ethCapture(pings));
    assert.equal(one(plain, 'flow.unanswered').title, '10.1.0.5 → 10.1.0.9: 3 ICMP echo requests, no reply');
    const r = await analyzeBytes(ethCapture(pings.map((f, i) => ({ ...f, data: mirrored(i + 1) }))));
    assert.deepEqual(
      r.tunnels.map((t) => [t.kind, t.src, t.dst, t.packets]),
      [['ERSPAN', '10.29.11.1', '10.29.11.13', 3]],
    );
    assert.deepEqual(
      r.flows.map((f) => [f.proto, f.src, f.dst]),
      [['ICMP', a, b]],
    );
    assert.deepEqual(r.alerts, []);
  });
});

/** A VXLAN packet whose inner IP packet is `innerSize` bytes long (from the outer IP header on). */
function bigVxlan(innerSize: number, id: number, ttl = 64): Uint8Array {
  const payload = filler(innerSize - 20 - 8);
  const l4 = { proto: IPPROTO_UDP, bytes: udp({ srcPort: 40000, dstPort: 5201 }, payload, { src: POD2, dst: POD0 }) };
  return vxlanIp({ ...OUTER_W0_CTR, ttl, id }, 20100, INNER_2_0, l4);
}

describe('overlay.fragmented', () => {
  it('gives the sizes: inner 1500 + 50 bytes of VXLAN over IPv4 > underlay MTU 1500', async () => {
    const ev: Event[] = [];
    for (let i = 0; i < 3; i++) {
      const frags = fragment(bigVxlan(1500, 0x700 + i), 1500);
      assert.equal(frags.length, 2);
      frags.forEach((f, k) => ev.push(...fwdTunnel(i * 1000 + k * 10, f, IF.eth2, MAC.w0, IF.eth1, MAC.r1)));
    }
    const r = await analyzeBytes(sll2Capture(ev), { ifnames: IFNAMES });
    const a = one(r, 'overlay.fragmented');
    assert.equal(a.severity, 'warning');
    assert.equal(a.title, 'VXLAN packets 192.168.20.100 → 192.168.10.100 are fragmented: inner 1500 + 50 bytes of VXLAN = 1550 > underlay MTU 1500');
    assert.deepEqual(a.details, { innerSize: 1500, overhead: 50, underlayMtu: 1500, fragments: 6, datagrams: 3 });
    assert.equal(a.count, 6, 'forwarding copies are not counted again');
    assert.equal(a.vni, 20100);
    assert.match(a.fix, /pod MTU to 1450 \(1500 - 50\)/);
    assert.match(a.fix, /jumbo/);
    // The tunnel row counts the fragments, and the bytes of the tails too.
    const t = r.tunnels.find((x) => x.src === W0)!;
    assert.equal(t.fragments, 6);
    assert.equal(t.packets, 3);
  });

  it('GENEVE overhead includes its options', async () => {
    const inner = innerFrame(INNER_0_2, { proto: IPPROTO_UDP, bytes: udp({ srcPort: 1, dstPort: 2 }, filler(1500 - 28), { src: POD0, dst: POD2 }) });
    const g = geneve({ vni: 5, options: [{ cls: 0x0102, type: 0x80, data: filler(4) }] }, inner);
    const packet = udpTunnel({ ...OUTER_CTR_W0, ttl: 64, id: 0x42 } as typeof OUTER_CTR_W0, 6081, 50000, g).subarray(14);
    const frames = fragment(packet, 1500).map((f, k): Frame => ({ t: k, data: ethernet({ src: MAC.ctr, dst: MAC.r1, type: ETH_IPV4 }, f) }));
    const r = await analyzeBytes(ethCapture(frames));
    const a = one(r, 'overlay.fragmented');
    assert.deepEqual([a.details?.innerSize, a.details?.overhead], [1500, 58]);
    assert.match(a.title, /GENEVE/);
  });

  it('over an IPv6 underlay the overhead is 70 bytes (fragment header not counted)', async () => {
    const outer = { src: 'fd00:20::100', dst: 'fd00:10::100' };
    const inner = innerFrame(INNER_2_0, { proto: IPPROTO_UDP, bytes: udp({ srcPort: 1, dstPort: 2 }, filler(1500 - 28), { src: POD2, dst: POD0 }) });
    const full = udp({ srcPort: 50000, dstPort: 8472 }, vxlan({ vni: 20100 }, inner), outer);
    const frag = (offset: number, more: boolean, part: Uint8Array): Frame => ({
      t: offset,
      data: ethernet(
        { src: MAC.w0, dst: MAC.r2, type: ETH_IPV6 },
        ipv6({ ...outer, next: IPPROTO_IPV6_FRAG }, ipv6FragmentHeader({ next: IPPROTO_UDP, offset: offset / 8, more, id: 7 }, part)),
      ),
    });
    const r = await analyzeBytes(ethCapture([frag(0, true, full.subarray(0, 1448)), frag(1448, false, full.subarray(1448))]));
    const a = one(r, 'overlay.fragmented');
    assert.deepEqual([a.details?.innerSize, a.details?.overhead, a.details?.underlayMtu, a.details?.fragments], [1500, 70, 1496, 2]);
    assert.match(a.explanation, /VXLAN over IPv6 adds 70 bytes/);
  });

  it('not for a GSO super-packet larger than the MTU (no fragment bits), nor for fitting packets', async () => {
    const ev: Event[] = [];
    ev.push(...fwdTunnel(0, bigVxlan(3000, 0x800), IF.eth2, MAC.w0, IF.eth1, MAC.r1));
    ev.push(...fwdTunnel(100, bigVxlan(1450, 0x801), IF.eth2, MAC.w0, IF.eth1, MAC.r1));
    const r = await analyzeBytes(sll2Capture(ev), { ifnames: IFNAMES });
    assert.deepEqual(of(r, 'overlay.fragmented'), []);
  });
});

describe('overlay.native-pod-traffic', () => {
  it('pod-to-pod packets routed without encapsulation between node prefixes', async () => {
    const r = await analyzeBytes(act1(), { ifnames: IFNAMES });
    const a = one(r, 'overlay.native-pod-traffic');
    assert.equal(a.severity, 'warning');
    assert.deepEqual([a.ingress, a.egress, a.prefix], ['eth1', 'eth0', '172.20.2.0/24']);
    assert.match(a.title, /172\.20\.0\.0\/24 → 172\.20\.2\.0\/24/);
  });

  it('not for the same pods in a tunnel', async () => {
    const r = await analyzeBytes(healthyTunnel(), { ifnames: IFNAMES });
    assert.deepEqual(of(r, 'overlay.native-pod-traffic'), []);
  });
});

describe('overlay.asymmetric', () => {
  it('one direction in the tunnel, the answer plain', async () => {
    const frames: Frame[] = [
      {
        t: 0,
        data: ethernet(
          { src: MAC.ctr, dst: MAC.r1, type: ETH_IPV4 },
          vxlanIp({ ...OUTER_CTR_W0, ttl: 64, id: 1 }, 100, INNER_0_2, { proto: IPPROTO_ICMP, bytes: echo(8, 3, 1) }, 4789),
        ),
      },
      { t: 100, data: eth({ src: POD2, dst: POD0, proto: IPPROTO_ICMP, ttl: 62, id: 2 }, echo(0, 3, 1), MAC.r1, MAC.ctr) },
    ];
    const r = await analyzeBytes(ethCapture(frames));
    const a = one(r, 'overlay.asymmetric');
    assert.equal(a.severity, 'warning');
    assert.match(a.title, /one direction is encapsulated, the other is not/);
    assert.deepEqual([a.src, a.dst], [POD0, POD2]);
  });

  it('different VNIs each way on a network-VNI tunnel (4789), where the SYN/ACK on the other VNI is never taken', async () => {
    // The client keeps repeating its SYN: the SYN/ACK in VNI 200 does not reach it.
    const ev: Event[] = [];
    for (let i = 0; i < 3; i++) {
      ev.push(
        ...fwdTunnel(
          i * 1_000_000,
          vxlanIp({ ...OUTER_CTR_W0, ttl: 64, id: 10 + i }, 100, INNER_0_2, { proto: IPPROTO_TCP, bytes: syn(POD0, POD2, 40000) }, 4789),
          IF.eth1,
          MAC.ctr,
          IF.eth2,
          MAC.r2,
        ),
      );
      ev.push(
        ...fwdTunnel(
          i * 1_000_000 + 500,
          vxlanIp({ ...OUTER_W0_CTR, ttl: 64, id: 20 + i }, 200, INNER_2_0, { proto: IPPROTO_TCP, bytes: synAck(POD2, POD0, 80, 40000) }, 4789),
          IF.eth2,
          MAC.w0,
          IF.eth1,
          MAC.r1,
        ),
      );
    }
    const r = await analyzeBytes(sll2Capture(ev), { ifnames: IFNAMES });
    const list = of(r, 'overlay.asymmetric');
    assert.ok(list.length >= 1);
    assert.match(list[0]!.title, /different tunnel VNIs/);
  });

  it('not for different VNIs each way when the conversation goes on (both ends take both VNIs)', async () => {
    const r = await analyzeBytes(sll2Capture(healthyTunnelEvents({ port: 4789, vniBack: 200 })), { ifnames: IFNAMES });
    assert.deepEqual(of(r, 'overlay.asymmetric'), []);
  });

  it("not for Cilium's per-sender identities on 8472 (32001 one way, 45678 back)", async () => {
    const r = await analyzeBytes(healthyTunnel(), { ifnames: IFNAMES });
    assert.deepEqual(of(r, 'overlay.asymmetric'), []);
    assert.equal(r.fingerprint[0]?.cni, 'Cilium');
  });

  it('not for a node capture that sees each packet plain on the veth and again in the tunnel', async () => {
    const l4 = { proto: IPPROTO_ICMP, bytes: echo(8, 3, 1) };
    const back = { proto: IPPROTO_ICMP, bytes: echo(0, 3, 1) };
    const frames: Frame[] = [
      { t: 0, data: eth({ src: POD0, dst: POD2, proto: IPPROTO_ICMP, ttl: 64, id: 1, df: true }, l4.bytes, MAC.pod0, MAC.ctr) },
      { t: 10, data: ethernet({ src: MAC.ctr, dst: MAC.r1, type: ETH_IPV4 }, vxlanIp({ ...OUTER_CTR_W0, ttl: 64, id: 2 }, 100, INNER_0_2, l4, 4789)) },
      { t: 200, data: ethernet({ src: MAC.r1, dst: MAC.ctr, type: ETH_IPV4 }, vxlanIp({ ...OUTER_W0_CTR, ttl: 63, id: 3 }, 100, INNER_2_0, back, 4789)) },
      { t: 210, data: eth({ src: POD2, dst: POD0, proto: IPPROTO_ICMP, ttl: 63, id: 4, df: true }, back.bytes, MAC.ctr, MAC.pod0) },
    ];
    const r = await analyzeBytes(ethCapture(frames));
    assert.deepEqual(of(r, 'overlay.asymmetric'), []);
  });
});

describe('overlay.bad-header', () => {
  const l4 = { proto: IPPROTO_ICMP, bytes: echo(8, 3, 1) };
  it('VXLAN with the I flag clear, and reserved bits set', async () => {
    const frames: Frame[] = [
      { t: 0, data: ethernet({ src: MAC.ctr, dst: MAC.r1, type: ETH_IPV4 }, vxlanIp({ ...OUTER_CTR_W0, ttl: 64, id: 1 }, 42, INNER_0_2, l4, 8472, 0x00)) },
      { t: 10, data: ethernet({ src: MAC.ctr, dst: MAC.r1, type: ETH_IPV4 }, vxlanIp({ ...OUTER_CTR_W0, ttl: 64, id: 2 }, 42, INNER_0_2, l4, 8472, 0x0c)) },
    ];
    const r = await analyzeBytes(ethCapture(frames));
    const problems = of(r, 'overlay.bad-header')
      .map((a) => a.details?.problem)
      .sort();
    assert.deepEqual(problems, ['vxlan-i-flag', 'vxlan-reserved']);
    assert.ok(of(r, 'overlay.bad-header').every((a) => a.severity === 'warning' && a.port === 8472));
  });

  it('a GENEVE critical option of an unregistered class', async () => {
    const g = geneve({ vni: 5, options: [{ cls: 0xfff3, type: 0x81, data: filler(4) }] }, innerFrame(INNER_0_2, l4));
    const frames: Frame[] = [{ t: 0, data: udpTunnel({ ...OUTER_CTR_W0 }, 6081, 50000, g) }];
    const r = await analyzeBytes(ethCapture(frames));
    const a = one(r, 'overlay.bad-header');
    assert.equal(a.details?.problem, 'geneve-critical');
    assert.match(a.title, /class 0xfff3/);
  });

  it("not for well-formed VXLAN, nor OVN's critical option (class 0x0102)", async () => {
    const g = geneve(
      {
        vni: 5,
        options: [
          { cls: 0x0102, type: 0x80, data: filler(4) },
          { cls: 0xffff, type: 0x01, data: filler(8) },
        ],
      },
      innerFrame(INNER_0_2, l4),
    );
    const frames: Frame[] = [
      { t: 0, data: udpTunnel({ ...OUTER_CTR_W0 }, 6081, 50000, g) },
      { t: 10, data: ethernet({ src: MAC.ctr, dst: MAC.r1, type: ETH_IPV4 }, vxlanIp({ ...OUTER_CTR_W0, ttl: 64, id: 2 }, 42, INNER_0_2, l4)) },
      { t: 20, data: udpTunnel({ ...OUTER_CTR_W0 }, 4789, 50000, vxlan({ vni: 5, gbp: { groupId: 0x1234, dontLearn: true } }, innerFrame(INNER_0_2, l4))) },
    ];
    const r = await analyzeBytes(ethCapture(frames));
    assert.deepEqual(of(r, 'overlay.bad-header'), []);
  });
});

describe('icmp.error', () => {
  it('port unreachable, linked to the UDP flow it quotes', async () => {
    const query = ipv4({ src: POD0, dst: POD2, proto: IPPROTO_UDP, ttl: 63, id: 1 }, udpL4(POD0, POD2, 53001, 53, dnsQuery({ id: 1, name: 'a.b' })));
    const frames: Frame[] = [
      { t: 0, data: ethernet({ src: MAC.ctr, dst: MAC.r1, type: ETH_IPV4 }, query) },
      {
        t: 100,
        data: eth({ src: POD2, dst: POD0, proto: IPPROTO_ICMP, ttl: 63, id: 2 }, icmpError({ type: 3, code: 3 }, query.subarray(0, 28)), MAC.r1, MAC.ctr),
      },
    ];
    const r = await analyzeBytes(ethCapture(frames));
    const a = one(r, 'icmp.error');
    const flow = r.flows.find((f) => f.proto === 'UDP' && f.dstPort === 53)!;
    assert.equal(a.flow, flow.id);
    assert.equal(a.title, `Destination unreachable: port unreachable from 172.20.2.30 about UDP 172.20.0.10:53001 → 172.20.2.30:53 (flow ${flow.id})`);
    assert.equal(a.severity, 'warning');
    assert.match(a.fix, /listens|port/);
  });

  it('fragmentation needed carries the next-hop MTU', async () => {
    const big = ipv4({ src: POD0, dst: POD2, proto: IPPROTO_TCP, ttl: 63, id: 1, df: true }, tcpSeg(POD0, POD2, 40000, 80, 'A', filler(1460)));
    const frames: Frame[] = [
      { t: 0, data: ethernet({ src: MAC.ctr, dst: MAC.r1, type: ETH_IPV4 }, big) },
      {
        t: 50,
        data: eth(
          { src: '192.168.10.200', dst: POD0, proto: IPPROTO_ICMP, ttl: 64, id: 2 },
          icmpError({ type: 3, code: 4, mtu: 1450 }, big.subarray(0, 48)),
          MAC.r1,
          MAC.ctr,
        ),
      },
    ];
    const r = await analyzeBytes(ethCapture(frames));
    const a = one(r, 'icmp.error');
    assert.match(a.title, /fragmentation needed \(next-hop MTU 1450\)/);
    assert.equal(a.details?.mtu, 1450);
    assert.match(a.fix, /pod MTU to 1450/);
  });

  it('not for echo replies', async () => {
    const frames: Frame[] = [
      { t: 0, data: eth({ src: POD0, dst: POD2, proto: IPPROTO_ICMP, ttl: 63, id: 1 }, echo(8, 1, 1)) },
      { t: 10, data: eth({ src: POD2, dst: POD0, proto: IPPROTO_ICMP, ttl: 63, id: 2 }, echo(0, 1, 1), MAC.r1, MAC.ctr) },
    ];
    const r = await analyzeBytes(ethCapture(frames));
    assert.deepEqual(of(r, 'icmp.error'), []);
  });
});

describe('capture.snaplen', () => {
  const packet = (id: number): Uint8Array =>
    ethernet(
      { src: MAC.ctr, dst: MAC.r1, type: ETH_IPV4 },
      vxlanIp({ ...OUTER_CTR_W0, ttl: 64, id }, 42, INNER_0_2, { proto: IPPROTO_TCP, bytes: syn(POD0, POD2, 40000) }),
    );
  it('tunnel packets cut before their inner headers', async () => {
    const r = await analyzeBytes(ethCapture([0, 1, 2].map((i): Frame => ({ t: i, data: packet(i), snap: 70 }))));
    const a = one(r, 'capture.snaplen');
    assert.equal(a.severity, 'info');
    assert.equal(a.count, 3);
    assert.equal(a.details?.capturedBytes, 70);
    assert.match(a.title, /inner headers are missing/);
    assert.deepEqual(serious(r), [], 'a short snaplen is information, not a fault');
  });

  it('not for whole packets', async () => {
    const r = await analyzeBytes(ethCapture([0, 1].map((i): Frame => ({ t: i, data: packet(i) }))));
    assert.deepEqual(of(r, 'capture.snaplen'), []);
  });
});

describe('healthy captures', () => {
  it('a working VXLAN capture from a router, with its in/out copies, has no error or warning', async () => {
    const r = await analyzeBytes(healthyTunnel(), { ifnames: IFNAMES });
    assert.deepEqual(serious(r), []);
    assert.ok(r.hops.copies.count > 0);
  });

  it('a plain ping through a router, answered, has no alerts', async () => {
    const ev: Event[] = [
      ...forward(0, { src: CTR, dst: W0, proto: IPPROTO_ICMP, ttl: 64, id: 1 }, echo(8, 1, 1), IF.eth1, MAC.ctr, IF.eth2, MAC.r2),
      ...forward(500, { src: W0, dst: CTR, proto: IPPROTO_ICMP, ttl: 64, id: 2 }, echo(0, 1, 1), IF.eth2, MAC.w0, IF.eth1, MAC.r1),
    ];
    const r = await analyzeBytes(sll2Capture(ev), { ifnames: IFNAMES });
    assert.deepEqual(r.alerts, []);
  });
});
