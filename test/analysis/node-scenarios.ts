// Captures from every vantage point of the lab, built packet by packet: a node's `tcpdump -i
// any` (the pod's packet on its veth, on the tunnel device, and encapsulated on eth1), the same
// as dumpcap's pcapng with one "any" interface and SLL v1, a router's per-interface pcapng
// written in batches, and the failures of the issue (relay, wrong VTEP, tunnel dropped on the
// router, PMTU). Addresses and interfaces are the lab's (samples/lab/README.md).
import { buildPcapng, type PcapngBlock } from '../fixtures/capture-writer.js';
import {
  ETH_IPV4,
  ethernet,
  icmpError,
  ipv4,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL,
  sll,
  tcp,
  udp,
  vxlan,
} from '../fixtures/packet-builder.js';
import { CTR, MAC, POD0, POD2, W0, type Event } from './helpers.js';
import { fixChecksum } from './scenarios.js';

export const W1 = '192.168.10.101';
export const POD1 = '172.20.1.20';
/** ifindexes inside a node: lo, eth1, cilium_vxlan, lxc0. */
export const NODE_IF = { lo: 1, eth1: 2, vxlan: 3, lxc: 4 } as const;
export const NODE_IFNAMES = new Map<number, string>([
  [1, 'lo'],
  [2, 'eth1'],
  [3, 'cilium_vxlan'],
  [4, 'lxc0'],
]);
export const NODE_IP_LINK = [
  '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
  '2: eth1@if5: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 52:54:00:3a:0a:64 brd ff:ff:ff:ff:ff:ff',
  '3: cilium_vxlan: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/ether 6e:1a:4c:00:00:01 brd ff:ff:ff:ff:ff:ff',
  '4: lxc0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 7a:3c:00:00:00:98 brd ff:ff:ff:ff:ff:ff link-netns pod',
].join('\n');
/** k8s-ctr's routes in tunnel mode: no default route, each remote pod CIDR through cilium_vxlan. */
export const CTR_ROUTES = [
  '172.20.0.0/24 dev lxc0 scope link',
  '172.20.1.0/24 via 172.20.1.11 dev cilium_vxlan onlink encap ip id 10100 dst 192.168.10.101 ttl 0 tos 0',
  '172.20.2.0/24 via 172.20.2.71 dev cilium_vxlan onlink encap ip id 10100 dst 192.168.20.100 ttl 0 tos 0',
  '192.168.10.0/24 dev eth1 proto kernel scope link src 192.168.10.100',
  '192.168.20.0/24 via 192.168.10.200 dev eth1',
].join('\n');

export interface Plain {
  src: string;
  dst: string;
  ttl: number;
  id: number;
  l4: { proto: number; bytes: Uint8Array };
  df?: boolean;
}

export const plain = (p: Plain): Uint8Array => ipv4({ src: p.src, dst: p.dst, proto: p.l4.proto, ttl: p.ttl, id: p.id, df: p.df ?? true }, p.l4.bytes);

/** The outer IPv4/UDP/VXLAN packet carrying `inner` (an IP packet) between two VTEPs. */
export function encap(o: { src: string; dst: string; ttl?: number; id: number; vni: number; port?: number; df?: boolean }, inner: Uint8Array): Uint8Array {
  const frame = ethernet({ src: '6e:1a:4c:00:00:01', dst: '6e:1a:4c:00:00:02', type: ETH_IPV4 }, inner);
  const u = udp({ srcPort: 50000 + (o.id % 1000), dstPort: o.port ?? 8472, checksum: false }, vxlan({ vni: o.vni }, frame), { src: o.src, dst: o.dst });
  return ipv4({ src: o.src, dst: o.dst, proto: IPPROTO_UDP, ttl: o.ttl ?? 64, id: o.id, df: o.df ?? false }, u);
}

const withTtl = (p: Plain, ttl: number): Uint8Array => plain({ ...p, ttl });

/**
 * k8s-ctr's `tcpdump -i any` of one packet its pod sends through the tunnel: in on lxc0 (TTL
 * 64), out on cilium_vxlan (63), out on eth1 inside VXLAN to `vtep`.
 */
export function podSends(t: number, p: Plain, vtep: string, outerId: number, vni = 10100): Event[] {
  return [
    { t, ifindex: NODE_IF.lxc, out: false, mac: MAC.pod0, ip: withTtl(p, p.ttl) },
    { t: t + 10, ifindex: NODE_IF.vxlan, out: true, mac: MAC.ctr, ip: withTtl(p, p.ttl - 1) },
    { t: t + 20, ifindex: NODE_IF.eth1, out: true, mac: MAC.ctr, ip: encap({ src: CTR, dst: vtep, id: outerId, vni }, withTtl(p, p.ttl - 1)) },
  ];
}

/** A tunnel packet arriving on eth1 from `vtep`, decapsulated on cilium_vxlan, delivered on lxc0. */
export function podReceives(t: number, p: Plain, vtep: string, outerId: number, vni = 20100, pktType?: number): Event[] {
  const dev: Event = { t: t + 10, ifindex: NODE_IF.vxlan, out: false, mac: '6e:1a:4c:00:00:02', ip: withTtl(p, p.ttl) };
  if (pktType !== undefined) dev.pktType = pktType;
  const out: Event[] = [{ t, ifindex: NODE_IF.eth1, out: false, mac: MAC.w0, ip: encap({ src: vtep, dst: CTR, id: outerId, vni }, withTtl(p, p.ttl)) }, dev];
  if (pktType === undefined) out.push({ t: t + 20, ifindex: NODE_IF.lxc, out: true, mac: MAC.ctr, ip: withTtl(p, p.ttl - 1) });
  return out;
}

export const tcpL4 = (
  src: string,
  dst: string,
  sport: number,
  dport: number,
  flags: string,
  seq: number,
  ack: number,
  payload = new Uint8Array(0),
): { proto: number; bytes: Uint8Array } => ({
  proto: IPPROTO_TCP,
  bytes: tcp({ srcPort: sport, dstPort: dport, seq, ack, flags, ...(flags.includes('S') ? { mss: 1410 } : {}) }, payload, { src, dst }),
});

/** A healthy HTTP exchange from k8s-ctr's pod to the k8s-w0 pod, seen by k8s-ctr's tcpdump -i any. */
export function nodeHealthyEvents(): Event[] {
  const ev: Event[] = [];
  let t = 0;
  let id = 0x100;
  let back = 0x900;
  let outer = 0x2000;
  const there = (flags: string, seq: number, ack: number, body?: Uint8Array<ArrayBuffer>): void => {
    ev.push(...podSends(t, { src: POD0, dst: POD2, ttl: 64, id: id++, l4: tcpL4(POD0, POD2, 40000, 80, flags, seq, ack, body) }, W0, outer++));
    t += 1000;
  };
  const backAgain = (flags: string, seq: number, ack: number, body?: Uint8Array<ArrayBuffer>): void => {
    ev.push(...podReceives(t, { src: POD2, dst: POD0, ttl: 63, id: back++, l4: tcpL4(POD2, POD0, 80, 40000, flags, seq, ack, body) }, W0, outer++));
    t += 1000;
  };
  const req = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: web\r\n\r\n');
  const resp = new TextEncoder().encode('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
  there('S', 1000, 0);
  backAgain('SA', 5000, 1001);
  there('A', 1001, 5001);
  there('PA', 1001, 5001, req);
  backAgain('PA', 5001, 1001 + req.length, resp);
  there('FA', 1001 + req.length, 5001 + resp.length);
  backAgain('FA', 5001 + resp.length, 1002 + req.length);
  there('A', 1002 + req.length, 5002 + resp.length);
  return ev;
}

/** The events as dumpcap -i any writes them: pcapng, one interface "any", LINUX_SLL (v1), no ifindex. */
export function dumpcapAny(events: Event[]): Uint8Array {
  const blocks: PcapngBlock[] = [{ type: 'idb', linkType: LINKTYPE_LINUX_SLL, name: 'any' }];
  for (const e of [...events].sort((a, b) => a.t - b.t)) {
    const data = sll({ pktType: e.pktType ?? (e.out ? 4 : 0), protocol: ETH_IPV4, addr: e.mac }, e.ip);
    blocks.push({ type: 'epb', interfaceId: 0, timestamp: BigInt(1_767_225_600_000_000 + e.t), data });
  }
  return buildPcapng([{ blocks }]);
}

/**
 * The events as `dumpcap -i eth1 -i eth2` writes them: one Ethernet interface per ifindex, and
 * each interface's packets in batches of `batch` microseconds, so the file is out of time order.
 */
export function dumpcapPerInterface(events: Event[], names: ReadonlyMap<number, string>, batch: number): Uint8Array {
  const ids = [...new Set(events.map((e) => e.ifindex))].sort((a, b) => a - b);
  const blocks: PcapngBlock[] = ids.map((i) => ({ type: 'idb', linkType: LINKTYPE_ETHERNET, name: names.get(i) ?? `if${i}` }));
  const sorted = [...events].sort((a, b) => a.t - b.t);
  const end = sorted.length ? sorted[sorted.length - 1]!.t : 0;
  for (let from = 0; from <= end; from += batch) {
    for (const [k, i] of ids.entries()) {
      for (const e of sorted) {
        if (e.ifindex !== i || e.t < from || e.t >= from + batch) continue;
        const data = ethernet({ src: e.mac, dst: '02:00:00:00:00:01', type: ETH_IPV4 }, e.ip);
        blocks.push({ type: 'epb', interfaceId: k, timestamp: BigInt(1_767_225_600_000_000 + e.t), data });
      }
    }
  }
  return buildPcapng([{ blocks }]);
}

/** ICMP fragmentation needed from `from` to `to`, quoting the first 28+ bytes of `packet`. */
export function fragNeeded(from: string, to: string, mtu: number, packet: Uint8Array, quote = 548): Uint8Array {
  return ipv4(
    { src: from, dst: to, proto: IPPROTO_ICMP, ttl: 64, id: 7 },
    icmpError({ type: 3, code: 4, mtu }, packet.subarray(0, Math.min(packet.length, quote))),
  );
}

/** Sets DF on an IPv4 packet (and fixes its checksum). */
export function withDf(p: Uint8Array): Uint8Array {
  const q = p.slice();
  q[6] = q[6]! | 0x40;
  fixChecksum(q);
  return q;
}
