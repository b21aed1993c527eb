// overlay.undelivered and overlay.dropped on a node, built packet by packet: requests the node
// takes out of the tunnel for its own pod and never hands on; and what must not be taken for
// it: a datapath that hands packets to the pod past its veth's host side (the pod answers),
// answers to the pod's own queries, a flood of requests to the node itself, an encrypted tunnel
// beside an idle VXLAN device, a capture filtered to UDP.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { parseIpRoute } from '../../src/analysis/index.js';
import { parseIpLinkEntries } from '../../src/capture/ip-link.js';
import { IPPROTO_UDP, udp } from '../fixtures/packet-builder.js';
import { vxshark } from '../helpers/cli.js';
import { analyzeBytes, analyzeFile, cleanup, CTR, LAB, MAC, POD0, POD2, sll2Capture, W0, type Event } from './helpers.js';
import { CTR_ROUTES, NODE_IF, NODE_IFNAMES, NODE_IP_LINK, encap, plain, podSends, tcpL4, type Plain } from './node-scenarios.js';
import { TempDir } from '../capture/helpers.js';

after(cleanup);
const tmp = new TempDir();
after(() => tmp.cleanup());

const OPTS = { ifnames: NODE_IFNAMES, links: parseIpLinkEntries(NODE_IP_LINK), routes: parseIpRoute(CTR_ROUTES) };
const ids = (r: { alerts: { id: string; severity: string }[] }, id: string): { id: string }[] => r.alerts.filter((a) => a.id === id);

/** A tunnel packet in on eth1 from k8s-w0, decapsulated on cilium_vxlan; then out of lxc0 unless `onVeth` is false. */
function arrives(t: number, p: Plain, outerId: number, onVeth: boolean): Event[] {
  const ev: Event[] = [
    { t, ifindex: NODE_IF.eth1, out: false, mac: MAC.w0, ip: encap({ src: W0, dst: CTR, id: outerId, vni: 20100 }, plain(p)) },
    { t: t + 10, ifindex: NODE_IF.vxlan, out: false, mac: '6e:1a:4c:00:00:02', ip: plain(p) },
  ];
  if (onVeth) ev.push({ t: t + 20, ifindex: NODE_IF.lxc, out: true, mac: MAC.ctr, ip: plain({ ...p, ttl: p.ttl - 1 }) });
  return ev;
}
const syn = (i: number, dst = POD0): Plain => ({ src: POD2, dst, ttl: 63, id: 0x500 + i, l4: tcpL4(POD2, dst, 41000 + i, 80, 'S', 1000, 0) });
/** Something late on lo: the capture goes on after the packets. */
const later = (t: number): Event => ({
  t,
  ifindex: NODE_IF.lo,
  out: false,
  mac: '00:00:00:00:00:00',
  ip: plain({
    src: '127.0.0.1',
    dst: '127.0.0.1',
    ttl: 64,
    id: 1,
    l4: { proto: IPPROTO_UDP, bytes: udp({ srcPort: 1, dstPort: 2 }, new Uint8Array(4), { src: '127.0.0.1', dst: '127.0.0.1' }) },
  }),
});

describe('overlay.undelivered, built packet by packet', () => {
  it('SYNs to this node’s silent pod, out of the tunnel and never on its veth: dropped here', async () => {
    const ev: Event[] = [];
    for (let i = 0; i < 3; i++) ev.push(...arrives(i * 1000, syn(i), 0x3000 + i, false));
    ev.push(later(1_000_000));
    const r = await analyzeBytes(sll2Capture(ev), OPTS);
    const a = r.alerts.find((x) => x.id === 'overlay.undelivered');
    assert.ok(a, JSON.stringify(r.alerts.map((x) => x.id)));
    assert.deepEqual([a.severity, a.count, a.src, a.dst, a.ingress], ['error', 3, POD2, POD0, 'cilium_vxlan']);
    assert.match(a.title, /taken out of the tunnel on cilium_vxlan and never delivered to the pod \(lxc0\)/);
  });

  it('not when the pod answers: the datapath handed them over past the veth’s host side', async () => {
    const ev: Event[] = [];
    for (let i = 0; i < 3; i++) {
      ev.push(...arrives(i * 1000, syn(i), 0x3000 + i, false));
      ev.push(
        ...podSends(i * 1000 + 100, { src: POD0, dst: POD2, ttl: 64, id: 0x600 + i, l4: tcpL4(POD0, POD2, 80, 41000 + i, 'SA', 5000, 1001) }, W0, 0x4000 + i),
      );
    }
    ev.push(later(1_000_000));
    assert.deepEqual(ids(await analyzeBytes(sll2Capture(ev), OPTS), 'overlay.undelivered'), []);
  });

  it('not for answers to the pod’s own queries (DNS answers are no requests)', async () => {
    const ev: Event[] = [];
    const dnsL4 = (n: number): Plain['l4'] => ({
      proto: IPPROTO_UDP,
      bytes: udp({ srcPort: 53, dstPort: 40000 }, new Uint8Array(30 + n), { src: POD2, dst: POD0 }),
    });
    for (let i = 0; i < 4; i++) ev.push(...arrives(i * 1000, { src: POD2, dst: POD0, ttl: 63, id: 0x700 + i, l4: dnsL4(i) }, 0x3100 + i, false));
    ev.push(later(1_000_000));
    assert.deepEqual(ids(await analyzeBytes(sll2Capture(ev), OPTS), 'overlay.undelivered'), []);
  });

  it('still seen after 20,000 requests to the node itself, which end there', async () => {
    const ev: Event[] = [];
    let t = 0;
    for (let k = 0; k < 20_005; k++) {
      const p: Plain = { src: POD2, dst: CTR, ttl: 63, id: k & 0xffff, l4: tcpL4(POD2, CTR, 1024 + (k % 60000), 9100, 'S', k, 0) };
      ev.push(...arrives(t, p, (k + 7) & 0xffff, false));
      t += 200;
    }
    for (let i = 0; i < 3; i++) ev.push(...arrives(t + 2_000_000 + i * 1000, syn(i), 0x6000 + i, false));
    ev.push(later(t + 4_000_000));
    const u = ids(await analyzeBytes(sll2Capture(ev), OPTS), 'overlay.undelivered') as { id: string; count: number; dst: string }[];
    assert.deepEqual(
      u.map((a) => [a.count, a.dst]),
      [[3, POD0]],
    );
  });
});

const H = `${LAB}hosts/`;
const skip = existsSync(`${H}tunnel-blocked-dst-w0-any.pcap`) ? false : 'the lab recordings are not in this checkout';

describe('overlay.dropped through a silent tunnel device', { skip }, () => {
  it('not when a capture filter kept only UDP: the decapsulated packets were never captured', async () => {
    const base = `${H}tunnel-blocked-dst-w0`;
    const out = `${tmp.path}/udp-only.pcap`;
    const w = await vxshark(['-r', `${base}-any.pcap`, '--ip-link', `${base}.ip-link.txt`, '-Y', 'udp', '-w', out]);
    assert.equal(w.status, 0, w.stderr);
    const filtered = await analyzeFile(out, { ipLink: `${base}.ip-link.txt`, ipRoute: `${base}.ip-route.txt` });
    assert.deepEqual(ids(filtered, 'overlay.dropped'), []);
    // The whole capture: there is something besides UDP on the pod's veth (ARP), so it was not filtered.
    const whole = await analyzeFile(`${base}-any.pcap`, { ipLink: `${base}.ip-link.txt`, ipRoute: `${base}.ip-route.txt` });
    assert.equal(ids(whole, 'overlay.dropped').length, 1);
  });
});
