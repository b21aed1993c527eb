// The models analyze() builds: flows, tunnels, hops, topology, fingerprint; and the option
// parsers (ip route, CIDRs) and address helpers they rest on.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { cidrText, contains, formatAddr, isPrivate, parseAddr, parseCidr, prefixOf } from '../../src/analysis/addr.js';
import { fingerprint, vniLabel } from '../../src/analysis/fingerprint.js';
import { defaultRouteDev, lookupRoute, parseIpRoute } from '../../src/analysis/options.js';
import type { Tunnel } from '../../src/analysis/index.js';
import { buildPcapng } from '../fixtures/capture-writer.js';
import { arp, ETH_ARP, ETH_IPV4, ethernet, LINKTYPE_ETHERNET } from '../fixtures/packet-builder.js';
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
  IPPROTO_ICMP,
  IPPROTO_TCP,
  MAC,
  OUTER_CTR_W0,
  POD0,
  POD2,
  sll2Capture,
  syn,
  synAck,
  tcpSeg,
  vxlanIp,
  W0,
  type Event,
  type Frame,
} from './helpers.js';
import { act1, healthyTunnel } from './scenarios.js';

after(cleanup);

describe('flows', () => {
  it('one row per inner 5-tuple, oriented from the initiator, linked to the tunnels both ways', async () => {
    const r = await analyzeBytes(healthyTunnel(), { ifnames: IFNAMES });
    assert.equal(r.flows.length, 2);
    const [icmp, tcp] = r.flows;
    assert.deepEqual([icmp!.proto, icmp!.src, icmp!.dst], ['ICMP', POD0, POD2]);
    assert.deepEqual(icmp!.icmp, { requests: 3, replies: 3 });
    assert.deepEqual([tcp!.src, tcp!.srcPort, tcp!.dst, tcp!.dstPort], [POD0, 48312, POD2, 80]);
    assert.deepEqual(tcp!.tcp, { syn: 1, synAck: 1, fin: true, rst: false });
    assert.equal(tcp!.state, 'SYN, SYN/ACK, FIN');
    // Forwarding copies count once: 5 packets there, 3 back.
    assert.deepEqual(
      tcp!.directions.map((d) => d.packets),
      [5, 3],
    );
    assert.deepEqual(
      tcp!.directions.map((d) => d.carried),
      ['tunnel', 'tunnel'],
    );
    assert.deepEqual(
      tcp!.directions.map((d) => d.vnis),
      [[32001], [45678]],
    );
    assert.deepEqual(tcp!.tunnels, [0, 1]);
    assert.equal(tcp!.unanswered, undefined);
  });

  it('orients a flow first seen from its answer (SYN/ACK, echo reply)', async () => {
    const frames: Frame[] = [
      { t: 0, data: eth({ src: POD2, dst: POD0, proto: IPPROTO_TCP, ttl: 64, id: 1 }, synAck(POD2, POD0, 80, 40000)) },
      { t: 10, data: eth({ src: POD0, dst: POD2, proto: IPPROTO_TCP, ttl: 64, id: 2 }, tcpSeg(POD0, POD2, 40000, 80, 'A')) },
      { t: 20, data: eth({ src: POD2, dst: POD0, proto: IPPROTO_ICMP, ttl: 64, id: 3 }, echo(0, 4, 1)) },
    ];
    const r = await analyzeBytes(ethCapture(frames));
    assert.deepEqual(
      r.flows.map((f) => `${f.proto} ${f.src}:${f.srcPort} → ${f.dst}:${f.dstPort} ${f.directions[0].packets}/${f.directions[1].packets}`),
      [`TCP ${POD0}:40000 → ${POD2}:80 1/1`, `ICMP ${POD0}:4 → ${POD2}:4 0/1`],
    );
  });

  it('keeps at most evidenceFrames frame numbers per flow', async () => {
    const frames: Frame[] = Array.from({ length: 30 }, (_, i) => ({
      t: i * 10,
      data: eth({ src: POD0, dst: POD2, proto: IPPROTO_ICMP, ttl: 64, id: i }, echo(8, 1, i)),
    }));
    const r = await analyzeBytes(ethCapture(frames), { evidenceFrames: 4 });
    assert.deepEqual(r.flows[0]!.frames, [1, 2, 3, 4]);
    assert.equal(r.flows[0]!.packets, 30);
  });
});

describe('tunnels', () => {
  it('one row per outer source, destination, kind, port and VNI, paired with the opposite direction', async () => {
    const r = await analyzeBytes(healthyTunnel(), { ifnames: IFNAMES });
    const t = r.tunnels.map((x) => [x.id, x.kind, x.port, x.vni, x.src, x.dst, x.packets, x.reverse, x.family]);
    assert.deepEqual(t, [
      [0, 'VXLAN', 8472, 32001, CTR, W0, 8, [1], 4],
      [1, 'VXLAN', 8472, 45678, W0, CTR, 6, [0], 4],
    ]);
    assert.deepEqual(
      r.tunnels[0]!.innerPairs.map((p) => ({ src: p.src, dst: p.dst, packets: p.packets })),
      [{ src: POD0, dst: POD2, packets: 8 }],
    );
    assert.deepEqual(JSON.parse(JSON.stringify(r.tunnels[0]!.innerPairs)), [{ src: POD0, dst: POD2, packets: 8 }], 'the JSON keeps the text');
    assert.deepEqual(r.tunnels[0]!.interfaces.sort(), ['eth1', 'eth2']);
    assert.ok(r.tunnels[0]!.bytes > 8 * 100);
    assert.ok(r.tunnels[0]!.firstTime < r.tunnels[0]!.lastTime);
  });
});

describe('hops', () => {
  it('pairs the In and Out copies: interfaces, TTL, MAC rewrite, latency; the Out copy is a forwarding copy', async () => {
    const r = await analyzeBytes(act1(), { ifnames: IFNAMES });
    const p = r.hops.paths.find((x) => x.dst === POD2)!;
    assert.deepEqual([p.kind, p.ingress, p.egress, p.ttlIn, p.ttlOut, p.packets, p.encapsulated], ['routed', 'eth1', 'eth0', 63, 62, 5, false]);
    assert.deepEqual(p.macIn, { src: MAC.ctr, dst: '' });
    assert.deepEqual(p.macOut, { src: MAC.r0, dst: '' });
    assert.equal(p.macRewritten, true);
    assert.deepEqual(p.latency, { min: 0.00004, avg: 0.00004, max: 0.00004 });
    const [inFrame, outFrame] = p.examples[0]!;
    assert.equal(r.hops.copies.of(outFrame), inFrame);
    assert.equal(r.hops.copies.of(inFrame), undefined);
    assert.equal(r.hops.copies.count, 9);
    assert.equal(JSON.stringify(r.hops.copies), '{"count":9}');
  });

  it('a real retransmission (new IP ID) is not a copy', async () => {
    const r = await analyzeBytes(act1(), { ifnames: IFNAMES });
    const tcp = r.flows.find((f) => f.proto === 'TCP')!;
    assert.equal(tcp.tcp?.syn, 3, 'three SYNs sent, each seen twice');
  });

  it('bridged (same TTL) and hairpin kinds; no pairing outside the window', async () => {
    const h = { src: '10.0.0.1', dst: '10.0.0.2', proto: IPPROTO_ICMP, ttl: 64, id: 5 };
    const ev: Event[] = [
      ...forward(0, h, echo(8, 1, 1), IF.eth1, MAC.ctr, IF.eth2, MAC.ctr, 20, 0),
      ...forward(1000, { ...h, id: 6 }, echo(8, 1, 2), IF.eth1, MAC.ctr, IF.eth1, MAC.r1),
      ...forward(2000, { ...h, id: 7 }, echo(8, 1, 3), IF.eth1, MAC.ctr, IF.eth2, MAC.r2, 200_000),
    ];
    const r = await analyzeBytes(sll2Capture(ev), { ifnames: IFNAMES });
    assert.deepEqual(
      r.hops.paths.map((p) => [p.kind, p.ingress, p.egress, p.ttlIn - p.ttlOut]),
      [
        ['bridged', 'eth1', 'eth2', 0],
        ['hairpin', 'eth1', 'eth1', 1],
      ],
    );
  });

  it('none for a capture without interfaces or directions', async () => {
    const frames: Frame[] = [
      { t: 0, data: eth({ src: CTR, dst: W0, proto: IPPROTO_ICMP, ttl: 64, id: 1 }, echo(8, 1, 1)) },
      { t: 10, data: eth({ src: CTR, dst: W0, proto: IPPROTO_ICMP, ttl: 63, id: 1 }, echo(8, 1, 1)) },
    ];
    const r = await analyzeBytes(ethCapture(frames));
    assert.equal(r.hops.placed, false);
    assert.deepEqual(r.hops.paths, []);
  });

  it('a multi-interface pcapng pairs by interface name (no direction flags needed)', async () => {
    const ping = (ttl: number): Uint8Array => eth({ src: CTR, dst: W0, proto: IPPROTO_ICMP, ttl, id: 77 }, echo(8, 1, 1));
    const bytes = buildPcapng([
      {
        blocks: [
          { type: 'idb', linkType: LINKTYPE_ETHERNET, name: 'eth1' },
          { type: 'idb', linkType: LINKTYPE_ETHERNET, name: 'eth2' },
          { type: 'epb', interfaceId: 0, timestamp: 1_000_000n, data: ping(64) },
          { type: 'epb', interfaceId: 1, timestamp: 1_000_030n, data: ping(63) },
        ],
      },
    ]);
    const r = await analyzeBytes(bytes);
    assert.deepEqual(
      r.hops.paths.map((p) => [p.kind, p.ingress, p.egress]),
      [['routed', 'eth1', 'eth2']],
    );
  });
});

describe('topology', () => {
  it('learns neighbours from ARP and from packets that still carry an initial TTL', async () => {
    const frames: Frame[] = [
      {
        t: 0,
        data: ethernet(
          { src: MAC.ctr, dst: 'ff:ff:ff:ff:ff:ff', type: ETH_ARP, pad: true },
          arp({ op: 1, senderMac: MAC.ctr, senderIp: CTR, targetMac: '00:00:00:00:00:00', targetIp: '192.168.10.200' }),
        ),
      },
      {
        t: 5,
        data: ethernet(
          { src: MAC.r1, dst: MAC.ctr, type: ETH_ARP, pad: true },
          arp({ op: 2, senderMac: MAC.r1, senderIp: '192.168.10.200', targetMac: MAC.ctr, targetIp: CTR }),
        ),
      },
      { t: 10, data: eth({ src: '192.168.10.101', dst: CTR, proto: IPPROTO_ICMP, ttl: 64, id: 1 }, echo(8, 1, 1), '52:54:00:3a:0a:65', MAC.ctr) },
    ];
    const r = await analyzeBytes(ethCapture(frames));
    const n = r.topology.neighbors.map((x) => [x.ip, x.mac, x.source]).sort();
    assert.deepEqual(n, [
      [CTR, MAC.ctr, 'arp'],
      ['192.168.10.101', '52:54:00:3a:0a:65', 'traffic'],
      ['192.168.10.200', MAC.r1, 'arp'],
    ]);
  });

  it('infers the pod range and which VTEP each pod subnet lives behind', async () => {
    const r = await analyzeBytes(healthyTunnel(), { ifnames: IFNAMES });
    assert.deepEqual(r.topology.podCidrs, [{ prefix: '172.20.0.0/16', source: 'inferred' }]);
    assert.deepEqual(r.topology.podSubnets.map((s) => [s.prefix, s.nodes, s.via]).sort(), [
      ['172.20.0.0/24', [CTR], 'tunnel'],
      ['172.20.2.0/24', [W0], 'tunnel'],
    ]);
    assert.equal(r.topology.uplink, undefined, 'a tunnel router gives no reason to name an uplink');
  });

  it('--pod-cidr and --uplink win over inference', async () => {
    const r = await analyzeBytes(act1(), { ifnames: IFNAMES, podCidrs: [parseCidr('172.16.0.0/12')!], uplink: 'eth9' });
    assert.deepEqual(r.topology.podCidrs, [{ prefix: '172.16.0.0/12', source: 'option' }]);
    assert.deepEqual([r.topology.uplink?.name, r.topology.uplink?.source], ['eth9', 'option']);
  });

  it('does not guess an uplink when two interfaces carry routed traffic equally', async () => {
    const ev: Event[] = [
      ...forward(0, { src: POD0, dst: POD2, proto: IPPROTO_ICMP, ttl: 63, id: 1 }, echo(8, 1, 1), IF.eth1, MAC.ctr, IF.eth2, MAC.r2),
      ...forward(100, { src: POD2, dst: POD0, proto: IPPROTO_ICMP, ttl: 63, id: 2 }, echo(0, 1, 1), IF.eth2, MAC.w0, IF.eth1, MAC.r1),
    ];
    const r = await analyzeBytes(sll2Capture(ev), { ifnames: IFNAMES });
    assert.equal(r.topology.uplink, undefined);
  });
});

describe('fingerprint', () => {
  const row = (kind: string, port: number, vni: number): Tunnel => ({ kind, port, vni, hasId: true }) as Tunnel;
  it('Cilium, Flannel, Calico, GENEVE: hints, never certainties', () => {
    assert.deepEqual(
      fingerprint([row('VXLAN', 8472, 32001), row('VXLAN', 8472, 45678)]).map((h) => [h.cni, h.confidence, h.vniMeaning]),
      [['Cilium', 'likely', 'identity']],
    );
    assert.deepEqual(
      fingerprint([row('VXLAN', 8472, 1), row('VXLAN', 8472, 1)]).map((h) => h.cni),
      ['Flannel'],
    );
    assert.deepEqual(
      fingerprint([row('VXLAN', 4789, 4096)]).map((h) => h.cni),
      ['Calico'],
    );
    assert.deepEqual(
      fingerprint([row('GENEVE', 6081, 5)]).map((h) => h.cni),
      ['Antrea or OVN-Kubernetes'],
    );
    assert.deepEqual(
      fingerprint([row('VXLAN', 4789, 100)]).map((h) => h.confidence),
      ['possible'],
    );
    assert.deepEqual(
      fingerprint([row('VXLAN', 8472, 42)]).map((h) => h.confidence),
      ['possible'],
    );
  });

  it('shows a Cilium VNI as an identity', () => {
    const hints = fingerprint([row('VXLAN', 8472, 32001), row('VXLAN', 8472, 45678)]);
    assert.equal(vniLabel(row('VXLAN', 8472, 32001), hints), 'identity 32001');
    assert.equal(vniLabel(row('VXLAN', 4789, 4096), fingerprint([row('VXLAN', 4789, 4096)])), '4096');
  });
});

describe('options and addresses', () => {
  it('parses ip route output: default, kernel, via, reject, ip -6 and ip -j', () => {
    const routes = parseIpRoute(
      [
        'default via 203.0.113.254 dev eth0 ',
        '192.168.10.0/24 dev eth1 proto kernel scope link src 192.168.10.200 ',
        '172.20.1.0/24 via 192.168.10.101 dev eth1 proto kernel',
        '172.20.2.0/24 via 192.168.20.100 dev eth2 encap ip id 10100 dst 192.168.20.100',
        'blackhole 10.99.0.0/16',
        'local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1',
        // Another table's routes (policy routing, as Cilium's 2004) are not the main table's.
        'blackhole 10.98.0.0/16 table 2004',
        '10.97.0.0/16 dev eth9 table 2005',
        '10.96.0.0/16 dev eth2 table main',
        'fd00:20::/64 via inet6 fe80::1 dev eth2 metric 1024 pref medium',
      ].join('\n'),
    );
    assert.equal(routes.length, 7);
    assert.equal(defaultRouteDev(routes), 'eth0');
    assert.equal(lookupRoute(routes, parseAddr('172.20.2.30')!)?.dev, 'eth2');
    assert.equal(lookupRoute(routes, parseAddr('172.20.3.30')!)?.prefix, undefined);
    assert.equal(lookupRoute(routes, parseAddr('10.99.1.1')!)?.reject, 'blackhole');
    assert.equal(lookupRoute(routes, parseAddr('10.98.1.1')!)?.dev, 'eth0');
    assert.equal(lookupRoute(routes, parseAddr('10.97.1.1')!)?.dev, 'eth0');
    assert.equal(lookupRoute(routes, parseAddr('10.96.1.1')!)?.dev, 'eth2');
    assert.equal(lookupRoute(routes, parseAddr('fd00:20::5')!)?.dev, 'eth2');
    const json = parseIpRoute(
      '[{"dst":"default","gateway":"10.0.0.1","dev":"ens3"},{"dst":"10.0.0.0/24","dev":"ens3","protocol":"kernel"},{"type":"blackhole","dst":"10.1.0.0/16","table":"2004"}]',
    );
    assert.deepEqual([json.length, defaultRouteDev(json)], [2, 'ens3']);
    assert.deepEqual(parseIpRoute('not a route table\n'), []);
  });

  it('addresses and prefixes', () => {
    const a = parseAddr('192.168.20.100')!;
    assert.equal(typeof a, 'number');
    assert.ok((a as number) < 0, 'IPv4 above 2^31 is kept as a signed 32-bit number');
    assert.equal(formatAddr(a), '192.168.20.100');
    assert.equal(cidrText(prefixOf(a, 24)), '192.168.20.0/24');
    assert.ok(contains(parseCidr('192.168.0.0/16')!, a));
    assert.ok(!contains(parseCidr('10.0.0.0/8')!, a));
    assert.equal(formatAddr(parseAddr('fd00:10::100')!), 'fd00:10::100');
    assert.equal(cidrText(parseCidr('fd00:10::100/48')!), 'fd00:10::/48');
    assert.ok(isPrivate(parseAddr('172.20.2.30')!) && isPrivate(parseAddr('100.64.1.1')!) && isPrivate(parseAddr('fd00::1')!));
    assert.ok(!isPrivate(parseAddr('8.8.8.8')!) && !isPrivate(parseAddr('2001:db8::1')!));
    assert.equal(parseCidr('10.0.0.0/33'), undefined);
    assert.equal(parseCidr('300.0.0.0/8'), undefined);
  });
});

// Keep the fixture imports honest (used by other suites through helpers).
void [INNER_0_2, OUTER_CTR_W0, vxlanIp, syn, ETH_IPV4];

describe('memory bounds', () => {
  // 40 clients each send one SYN to a silent port: 40 flows.
  const scan = (): Frame[] =>
    Array.from({ length: 40 }, (_, i) => ({
      t: i * 100_000,
      data: eth({ src: `10.9.0.${i + 1}`, dst: '10.9.1.1', proto: IPPROTO_TCP, ttl: 64, id: i }, syn(`10.9.0.${i + 1}`, '10.9.1.1', 40000 + i, 443 + (i % 2))),
    }));

  it('past maxFlows, new flows are counted, not kept', async () => {
    const r = await analyzeBytes(ethCapture(scan()), { maxFlows: 10 });
    assert.equal(r.flows.length, 10);
    assert.equal(r.stats.untrackedFlowPackets, 30);
  });

  it('one unanswered alert per destination and port, however many sources', async () => {
    const r = await analyzeBytes(ethCapture(scan()), { answerGrace: 0 });
    const u = r.alerts.filter((a) => a.id === 'flow.unanswered');
    assert.deepEqual(u.map((a) => a.title).sort(), [
      '20 sources → 10.9.1.1:443: 20 TCP SYNs in 20 connections, no SYN/ACK',
      '20 sources → 10.9.1.1:444: 20 TCP SYNs in 20 connections, no SYN/ACK',
    ]);
    assert.ok(u.every((a) => a.src === undefined && a.details?.sources === 20));
  });

  it('past maxAlertsPerRule, the smallest alerts are summed up in one', async () => {
    const frames: Frame[] = Array.from({ length: 12 }, (_, i) => ({
      t: i * 2_000_000,
      data: eth({ src: '10.9.0.1', dst: '10.9.1.1', proto: IPPROTO_TCP, ttl: 64, id: i }, syn('10.9.0.1', '10.9.1.1', 40000, 1000 + i)),
    }));
    const r = await analyzeBytes(ethCapture(frames), { maxAlertsPerRule: 5, answerGrace: 0 });
    const u = r.alerts.filter((a) => a.id === 'flow.unanswered');
    assert.equal(u.length, 6);
    const last = u.find((a) => a.title.startsWith('…and'))!;
    assert.equal(last.title, '…and 7 more flow.unanswered alerts (7 occurrences) not listed one by one');
    assert.equal(last.details?.alerts, 7);
  });

  it('past maxHopPaths, new address pairs share one "*" path', async () => {
    const ev: Event[] = [];
    for (let i = 0; i < 6; i++)
      ev.push(...forward(i * 1000, { src: `10.9.0.${i + 1}`, dst: W0, proto: IPPROTO_ICMP, ttl: 64, id: i }, echo(8, 1, i), IF.eth1, MAC.ctr, IF.eth2, MAC.r2));
    const r = await analyzeBytes(sll2Capture(ev), { ifnames: IFNAMES, maxHopPaths: 2 });
    assert.deepEqual(
      r.hops.paths.map((p) => [p.src, p.packets]),
      [
        ['10.9.0.1', 1],
        ['10.9.0.2', 1],
        ['*', 4],
      ],
    );
  });
});
