// The analysis on real captures: the lab's recordings (samples/lab-recordings, skipped when the
// lab has not produced them) and the shipped samples. Rules the lab's acts do not exhibit
// (hairpin, asymmetric, bad header, ICMP error, snaplen) get their positive case from a lab
// recording changed in one precise way, so the rest of the packets stay real.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadCapture } from '../../src/capture/capture.js';
import type { AnalysisResult } from '../../src/analysis/index.js';
import { buildPcap, type PcapRecord } from '../fixtures/capture-writer.js';
import { ETH_IPV4, ethernet, icmpError, ipv4, IPPROTO_ICMP } from '../fixtures/packet-builder.js';
import { analyzeBytes, analyzeFile, cleanup, labFile, SAMPLES, serious } from './helpers.js';

after(cleanup);

const ids = (r: AnalysisResult): string[] => [...new Set(r.alerts.map((a) => a.id))].sort();
const lab = (name: string): { skip: string | false } => ({ skip: labFile(name) ? false : `no lab recording ${name}` });
const L = (name: string): string => labFile(name)!;

/** The records of a capture, for rewriting one detail. */
async function records(path: string): Promise<{ records: PcapRecord[]; linkType: number }> {
  const c = await loadCapture(path);
  try {
    const out: PcapRecord[] = [];
    for (let i = 0; i < c.frameCount; i++) {
      out.push({
        tsSec: c.index.secondsOf(i),
        tsFrac: Math.floor(c.index.nanosOf(i) / 1000),
        data: Uint8Array.from(c.frame(i)),
        origLen: c.index.origLenOf(i),
      });
    }
    return { records: out, linkType: c.interfaces[0]!.linkType };
  } finally {
    c.close();
  }
}

const NATIVE = 'native-router-any.pcap';
const NATIVE_LINK = 'native-router.ip-link.txt';
const NATIVE_ROUTE = 'native-router.ip-route.txt';
const TUNNEL = 'tunnel-router-any.pcap';
const TUNNEL_LINK = 'tunnel-router.ip-link.txt';
const MTU = 'tunnel-mtu-router-any.pcap';
const MTU_LINK = 'tunnel-mtu-router.ip-link.txt';

describe('lab: Act 1, native routing (router, tcpdump -i any)', () => {
  it('names eth1 → eth0 and 172.20.2.0/24 with the ip -o link file', lab(NATIVE), async () => {
    const r = await analyzeFile(L(NATIVE), { ipLink: L(NATIVE_LINK) });
    const m = r.alerts.find((a) => a.id === 'misroute.default-route')!;
    assert.equal(m.title, '172.20.0.10 → 172.20.2.30 entered eth1 and left eth0 (default route): no route for 172.20.2.0/24 on this router');
    assert.deepEqual([m.severity, m.ingress, m.egress, m.prefix], ['error', 'eth1', 'eth0', '172.20.2.0/24']);
    const rm = r.alerts.find((a) => a.id === 'route.missing')!;
    assert.equal(rm.prefix, '172.20.2.0/24');
    assert.deepEqual(ids(r), ['flow.unanswered', 'misroute.default-route', 'overlay.native-pod-traffic', 'route.missing']);
    // Each forwarded packet is there twice: In on eth1, Out on eth0; the Out copies are forwarding copies.
    const path = r.hops.paths.find((p) => p.egress === 'eth0')!;
    assert.deepEqual([path.ingress, path.ttlIn, path.ttlOut, path.packets], ['eth1', 63, 62, 5]);
  });

  it('with its ip route file, the uplink is the default route and the missing route is confirmed', lab(NATIVE), async () => {
    const r = await analyzeFile(L(NATIVE), { ipLink: L(NATIVE_LINK), ipRoute: L(NATIVE_ROUTE) });
    assert.deepEqual([r.topology.uplink?.name, r.topology.uplink?.source], ['eth0', 'ip-route']);
    assert.match(r.alerts.find((a) => a.id === 'misroute.default-route')!.explanation, /only the default route/);
  });

  it('k8s-ctr wire: pod traffic to 172.20.2.0/24 never answered (route.missing), the same-subnet pod answers', lab('native-ctr-eth1.pcap'), async () => {
    const r = await analyzeFile(L('native-ctr-eth1.pcap'));
    assert.deepEqual(ids(r), ['flow.unanswered', 'route.missing']);
    assert.equal(r.alerts.find((a) => a.id === 'route.missing')!.prefix, '172.20.2.0/24');
    assert.ok(r.alerts.filter((a) => a.id === 'flow.unanswered').every((a) => a.dst === '172.20.2.30'));
  });
});

describe('lab: Act 2, VXLAN on 8472', () => {
  it('the working tunnel on the router has no error or warning', lab(TUNNEL), async () => {
    const r = await analyzeFile(L(TUNNEL), { ipLink: L(TUNNEL_LINK) });
    assert.deepEqual(serious(r), []);
    assert.ok(r.hops.copies.count > 50, 'the forwarded copies were paired');
    assert.ok(r.hops.paths.every((p) => p.encapsulated && p.kind === 'routed'));
    assert.deepEqual(
      r.tunnels.map((t) => [t.src, t.dst, t.vni, t.reverse]),
      [
        ['192.168.10.100', '192.168.20.100', 10100, [1]],
        ['192.168.20.100', '192.168.10.100', 20100, [0]],
      ],
    );
    assert.equal(r.fingerprint[0]?.cni, 'Cilium');
  });

  it('the working tunnel at k8s-ctr has no error or warning', lab('tunnel-ctr-eth1.pcap'), async () => {
    const r = await analyzeFile(L('tunnel-ctr-eth1.pcap'));
    assert.deepEqual(serious(r), []);
    assert.ok(r.flows.every((f) => f.tunnels.length > 0));
  });

  it('MTU trap on the router: overlay.fragmented with the sizes', lab(MTU), async () => {
    const r = await analyzeFile(L(MTU), { ipLink: L(MTU_LINK) });
    const f = r.alerts.find((a) => a.id === 'overlay.fragmented')!;
    assert.equal(f.title, 'VXLAN packets 192.168.20.100 → 192.168.10.100 are fragmented: inner 1500 + 50 bytes of VXLAN = 1550 > underlay MTU 1500');
    assert.deepEqual([f.details?.innerSize, f.details?.overhead, f.details?.underlayMtu], [1500, 50, 1500]);
    assert.match(f.fix, /1450/);
    assert.deepEqual(ids(r), ['overlay.fragmented']);
  });

  it('MTU trap at k8s-ctr (which reassembles) is the same finding', lab('tunnel-mtu-ctr-eth1.pcap'), async () => {
    const r = await analyzeFile(L('tunnel-mtu-ctr-eth1.pcap'));
    assert.deepEqual(ids(r), ['overlay.fragmented']);
  });
});

describe('lab recordings changed in one detail', () => {
  it('misroute.hairpin: the Out copies moved to eth1 (ifindex 3) leave where they came in', lab(NATIVE), async () => {
    const { records: recs, linkType } = await records(L(NATIVE));
    for (const r of recs) {
      // SLL2: ifindex at bytes 4-7, packet type at 10. Out copies on eth0 (2) go out on eth1 (3).
      if (r.data[10] === 4 && r.data[7] === 2) r.data[7] = 3;
    }
    const r = await analyzeBytes(buildPcap(recs, { linkType }), {
      ifnames: new Map([
        [2, 'eth0'],
        [3, 'eth1'],
        [4, 'eth2'],
      ]),
    });
    const h = r.alerts.filter((a) => a.id === 'misroute.hairpin');
    assert.ok(h.length >= 1);
    assert.deepEqual([h[0]!.ingress, h[0]!.egress], ['eth1', 'eth1']);
    assert.equal(r.alerts.filter((a) => a.id === 'misroute.default-route').length, 0);
  });

  it('overlay.asymmetric: the replies at k8s-ctr decapsulated (sent plain)', lab('tunnel-ctr-eth1.pcap'), async () => {
    const { records: recs, linkType } = await records(L('tunnel-ctr-eth1.pcap'));
    for (const r of recs) {
      // Outer IPv4 source 192.168.20.100 (bytes 26-29) with UDP 8472: keep only the inner frame.
      const d = r.data;
      if (d.length > 64 && d[23] === 17 && d[26] === 192 && d[27] === 168 && d[28] === 20 && d[29] === 100 && ((d[36]! << 8) | d[37]!) === 8472) {
        r.data = d.slice(50);
        r.origLen = r.data.length;
      }
    }
    const r = await analyzeBytes(buildPcap(recs, { linkType }));
    const a = r.alerts.filter((x) => x.id === 'overlay.asymmetric');
    assert.ok(a.length >= 1, JSON.stringify(r.alerts.map((x) => x.title)));
    assert.match(a[0]!.title, /one direction is encapsulated, the other is not/);
  });

  it('overlay.bad-header: the VXLAN I flag cleared in the router capture', lab(TUNNEL), async () => {
    const { records: recs, linkType } = await records(L(TUNNEL));
    let changed = 0;
    for (const r of recs) {
      // SLL2 (20) + IPv4 (20) + UDP (8): the VXLAN flags byte is at 48.
      const d = r.data;
      if (d.length > 56 && d[29] === 17 && ((d[42]! << 8) | d[43]!) === 8472 && changed < 3) {
        d[48] = 0;
        changed++;
      }
    }
    const r = await analyzeBytes(buildPcap(recs, { linkType }), {
      ifnames: new Map([
        [3, 'eth1'],
        [4, 'eth2'],
      ]),
    });
    const a = r.alerts.filter((x) => x.id === 'overlay.bad-header');
    assert.equal(a[0]?.details?.problem, 'vxlan-i-flag');
  });

  it('icmp.error: a network unreachable quoting one of the lab SYNs is linked to its flow', lab('native-ctr-eth1.pcap'), async () => {
    const { records: recs, linkType } = await records(L('native-ctr-eth1.pcap'));
    const synRec = recs.find((r) => r.data[23] === 6 && r.data[30] === 172 && r.data[32] === 2 && r.data[47] === 0x02)!;
    const quoted = synRec.data.subarray(14, 14 + 28);
    const err = ethernet(
      { src: '02:00:00:00:00:c8', dst: '02:00:00:00:00:64', type: ETH_IPV4 },
      ipv4({ src: '192.168.10.200', dst: '172.20.0.10', proto: IPPROTO_ICMP, ttl: 64, id: 1 }, icmpError({ type: 3, code: 0 }, quoted)),
    );
    recs.push({ tsSec: synRec.tsSec, tsFrac: synRec.tsFrac + 1, data: err });
    recs.sort((a, b) => a.tsSec - b.tsSec || a.tsFrac - b.tsFrac);
    const r = await analyzeBytes(buildPcap(recs, { linkType }));
    const a = r.alerts.find((x) => x.id === 'icmp.error')!;
    assert.match(a.title, /network unreachable from 192\.168\.10\.200 about TCP 172\.20\.0\.10:\d+ → 172\.20\.2\.30:80/);
    assert.equal(r.flows[a.flow!]?.dst, '172.20.2.30');
  });

  it('capture.snaplen: the tunnel recording cut to 80 bytes a packet', lab(TUNNEL), async () => {
    const { records: recs, linkType } = await records(L(TUNNEL));
    for (const r of recs) {
      r.origLen = r.data.length;
      r.data = r.data.slice(0, Math.min(80, r.data.length));
    }
    const r = await analyzeBytes(buildPcap(recs, { linkType, snaplen: 80 }), {
      ifnames: new Map([
        [3, 'eth1'],
        [4, 'eth2'],
      ]),
    });
    const a = r.alerts.find((x) => x.id === 'capture.snaplen')!;
    assert.equal(a.severity, 'info');
    assert.match(a.title, /inner headers are missing/);
  });
});

describe('shipped samples', () => {
  it('router-any-sll2.pcap with its ip-link file: eth1 → eth0 and 172.20.2.0/24', async () => {
    const r = await analyzeFile(`${SAMPLES}router-any-sll2.pcap`, { ipLink: `${SAMPLES}router-any-sll2.ip-link.txt` });
    const m = r.alerts.find((a) => a.id === 'misroute.default-route')!;
    assert.deepEqual([m.ingress, m.egress, m.prefix], ['eth1', 'eth0', '172.20.2.0/24']);
    assert.ok(r.alerts.some((a) => a.id === 'route.missing' && a.prefix === '172.20.2.0/24'));
  });

  it('router-any-sll2.pcap without names still finds the misroute (interfaces if3 → if2)', async () => {
    const r = await analyzeFile(`${SAMPLES}router-any-sll2.pcap`);
    const m = r.alerts.find((a) => a.id === 'misroute.default-route')!;
    assert.deepEqual([m.ingress, m.egress], ['if3', 'if2']);
  });

  it('router-interfaces.pcapng (interface names from the IDBs): the same finding', async () => {
    const r = await analyzeFile(`${SAMPLES}router-interfaces.pcapng`);
    const m = r.alerts.find((a) => a.id === 'misroute.default-route')!;
    assert.deepEqual([m.ingress, m.egress, m.prefix], ['eth1', 'eth0', '172.20.2.0/24']);
    const path = r.hops.paths.find((p) => p.egress === 'eth0')!;
    assert.deepEqual(path.macIn, { src: '52:54:00:3a:0a:64', dst: '52:54:00:7e:0a:c8' });
    assert.deepEqual(path.macOut.src, '52:54:00:7e:00:c8');
  });

  for (const [file, cni] of [
    ['cilium-vxlan-8472.pcap', 'Cilium'],
    ['calico-vxlan-4789.pcap', 'Calico'],
    ['antrea-geneve-6081.pcap', 'Antrea or OVN-Kubernetes'],
    ['vxlan-ipv6-underlay.pcap', 'Cilium'],
    ['nanosecond.pcap', 'Cilium'],
  ] as const) {
    it(`${file}: healthy (no error or warning), CNI hint ${cni}`, async () => {
      const r = await analyzeFile(`${SAMPLES}${file}`);
      assert.deepEqual(serious(r), []);
      assert.equal(r.fingerprint[0]?.cni, cni);
    });
  }

  it('cilium-vxlan-8472.pcap: flows ride the tunnels, DNS linked to the CoreDNS identity', async () => {
    const r = await analyzeFile(`${SAMPLES}cilium-vxlan-8472.pcap`);
    const dns = r.flows.filter((f) => f.dstPort === 53);
    assert.equal(dns.length, 2);
    assert.ok(dns.every((f) => f.dns?.queries === 1 && f.dns.responses === 1));
    assert.deepEqual(dns[0]!.directions[1].vnis, [18322]);
    assert.deepEqual(
      r.tunnels.map((t) => t.vni),
      [32001, 45678, 18322],
    );
  });
});
