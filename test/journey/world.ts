// The workshop's hosts as separate `tcpdump -i any` captures (SLL2), built packet by packet:
// k-8s-ctr and k8s-w0 (and k8s-w1) with a pod veth (lxc0), a VXLAN device (cilium_vxlan) and
// eth1, and the router with eth0 (uplink), eth1 and eth2. Each scenario says what happens to
// the packets; each host's capture holds the copies that host would see, with its own clock.
import { buildPcap, type PcapRecord } from '../fixtures/capture-writer.js';
import {
  ETH_IPV4,
  ethernet,
  icmpError,
  ipv4,
  IPPROTO_ICMP,
  IPPROTO_UDP,
  LINKTYPE_LINUX_SLL2,
  sll2,
  udp,
  udpTunnel,
  vxlan,
} from '../fixtures/packet-builder.js';
import { echo, IPPROTO_TCP, syn, synAck } from '../analysis/helpers.js';

export const HOSTS = ['ctr', 'router', 'w0', 'w1'] as const;
export type HostName = (typeof HOSTS)[number];

export const IFINDEX = { lo: 1, eth0: 2, eth1: 3, eth2: 4, lxc0: 5, cilium_vxlan: 6 } as const;
type Ifname = keyof typeof IFINDEX;

/** `ip -o link` of each host, for --ip-link. */
export function ipLinkText(host: HostName): string {
  const names: Ifname[] = host === 'router' ? ['lo', 'eth0', 'eth1', 'eth2'] : ['lo', 'eth0', 'eth1', 'lxc0', 'cilium_vxlan'];
  return names
    .map(
      (n) =>
        `${IFINDEX[n]}: ${n}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT\\    link/ether 02:00:00:00:00:0${IFINDEX[n]} brd ff:ff:ff:ff:ff:ff\n`,
    )
    .join('');
}

/** `ip route` of each host, for --ip-route. */
export const IP_ROUTE: Record<HostName, string> = {
  router: [
    'default via 203.0.113.254 dev eth0',
    '192.168.10.0/24 dev eth1 proto kernel scope link src 192.168.10.200',
    '192.168.20.0/24 dev eth2 proto kernel scope link src 192.168.20.200',
    '203.0.113.0/24 dev eth0 proto kernel scope link src 203.0.113.1',
  ].join('\n'),
  ctr: [
    'default via 10.0.2.2 dev eth0',
    '172.20.0.0/24 dev lxc0 proto kernel scope link src 172.20.0.98',
    '172.20.2.0/24 dev cilium_vxlan scope link',
    '192.168.10.0/24 dev eth1 proto kernel scope link src 192.168.10.100',
    '192.168.20.0/24 via 192.168.10.200 dev eth1',
  ].join('\n'),
  w0: [
    'default via 10.0.2.2 dev eth0',
    '172.20.2.0/24 dev lxc0 proto kernel scope link src 172.20.2.71',
    '172.20.0.0/24 dev cilium_vxlan scope link',
    '192.168.20.0/24 dev eth1 proto kernel scope link src 192.168.20.100',
    '192.168.10.0/24 via 192.168.20.200 dev eth1',
  ].join('\n'),
  w1: [
    'default via 10.0.2.2 dev eth0',
    '172.20.1.0/24 dev lxc0 proto kernel scope link src 172.20.1.11',
    '192.168.10.0/24 dev eth1 proto kernel scope link src 192.168.10.101',
  ].join('\n'),
};

export const ADDR = { ctr: '192.168.10.100', w0: '192.168.20.100', w1: '192.168.10.101', pod0: '172.20.0.10', pod2: '172.20.2.30' };
const MAC_VX_CTR = '5e:00:00:00:00:64';
const MAC_VX_W0 = '5e:00:00:00:02:64';

interface Copy {
  host: HostName;
  /** Microseconds on the reference clock. */
  t: number;
  iface: Ifname;
  out: boolean;
  /** SLL2 payload: an IP packet (cooked capture strips every Ethernet device's header, the tunnel device's too). */
  bytes: Uint8Array;
  protocol: number;
  pktType?: number;
}

/** A pod packet's copies along a path: each step is [host, iface, out, delay µs]. */
export class World {
  readonly copies: Copy[] = [];

  add(c: Copy): void {
    this.copies.push(c);
  }

  /** Per host: a pcap with its copies, its clock shifted by skew µs. */
  /** The host's capture, its clock `skewUs` off, stopped after `untilUs` (tcpdump -c). */
  capture(host: HostName, skewUs = 0, untilUs = Infinity): Uint8Array {
    const records: PcapRecord[] = this.copies
      .filter((c) => c.host === host && c.t <= untilUs)
      .sort((a, b) => a.t - b.t)
      .map((c) => {
        const data = sll2({ protocol: c.protocol, ifindex: IFINDEX[c.iface], pktType: c.pktType ?? (c.out ? 4 : 0), addr: '02:00:00:00:00:01' }, c.bytes);
        const t = c.t + skewUs;
        return { tsSec: 1_767_225_600 + Math.floor(t / 1e6), tsFrac: ((t % 1e6) + 1e6) % 1e6, data, origLen: data.length };
      });
    return buildPcap(records, { linkType: LINKTYPE_LINUX_SLL2 });
  }
}

export interface PodPacket {
  src: string;
  dst: string;
  proto: number;
  id: number;
  l4: Uint8Array;
  /** Bytes of padding payload to make it big (PMTU scenarios) are part of l4. */
}

function podIp(p: PodPacket, ttl: number): Uint8Array {
  return ipv4({ src: p.src, dst: p.dst, proto: p.proto, ttl, id: p.id, df: true }, p.l4);
}

/** The pod packet in the Ethernet frame the tunnel carries (same IP ID and length as on the veth). */
function innerFrame(p: PodPacket, ttl: number): Uint8Array {
  const toW0 = p.dst.startsWith('172.20.2.');
  return ethernet({ src: toW0 ? MAC_VX_CTR : MAC_VX_W0, dst: toW0 ? MAC_VX_W0 : MAC_VX_CTR, type: ETH_IPV4 }, podIp(p, ttl));
}

/** The VXLAN packet's IP bytes (outer IP on), as a node sends it. */
export function tunnelIp(p: PodPacket, ttl: number, outerSrc: string, outerDst: string, outerTtl: number, outerId: number, df = false): Uint8Array {
  const frame = udpTunnel(
    { srcMac: '02:00:00:00:00:03', dstMac: '02:00:00:00:00:04', src: outerSrc, dst: outerDst, ttl: outerTtl, id: outerId },
    8472,
    50000 + (p.id % 1000),
    vxlan({ vni: outerSrc === ADDR.ctr ? 32001 : 45678 }, innerFrame(p, ttl)),
  );
  const ip = frame.subarray(14);
  if (df) ip[6]! |= 0x40;
  if (df) {
    // The builder computed the checksum without DF; recompute it.
    ip[10] = 0;
    ip[11] = 0;
    let sum = 0;
    for (let i = 0; i < 20; i += 2) sum += (ip[i]! << 8) | ip[i + 1]!;
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    const c = ~sum & 0xffff;
    ip[10] = c >> 8;
    ip[11] = c & 0xff;
  }
  return ip;
}

/**
 * past-veth: delivered to the pod past the host side of its veth, where the node's capture does
 * not see it. at-vtep: the receiving node's capture shows it arrive in its tunnel, nothing more
 * (dropped before decapsulation, or a capture filter kept only UDP). too-big: sent with DF set
 * and dropped by the router, which says nothing (ICMP blocked).
 */
export type Stop = 'none' | 'router-drop' | 'uplink' | 'wrong-vtep' | 'blackhole' | 'past-veth' | 'at-vtep' | 'too-big' | 'sender-output' | 'wrong-mac';

/**
 * Sends a pod packet from ctr's pod to w0's pod (or back) through the overlay, stopping where
 * the scenario breaks it. Returns the time after its last copy.
 */
export function sendTunnelled(w: World, p: PodPacket, t: number, stop: Stop = 'none'): void {
  const forward = p.dst.startsWith('172.20.2.');
  const [a, b, aVtep, bVtep] = forward ? (['ctr', 'w0', ADDR.ctr, ADDR.w0] as const) : (['w0', 'ctr', ADDR.w0, ADDR.ctr] as const);
  const [rIn, rOut] = forward ? (['eth1', 'eth2'] as const) : (['eth2', 'eth1'] as const);
  const dstVtep = stop === 'wrong-vtep' ? ADDR.w1 : bVtep;
  w.add({ host: a, t, iface: 'lxc0', out: false, bytes: podIp(p, 64), protocol: ETH_IPV4 });
  w.add({ host: a, t: t + 10, iface: 'cilium_vxlan', out: true, bytes: podIp(p, 63), protocol: ETH_IPV4 });
  if (stop === 'blackhole') {
    // The encapsulated packet is too big for eth1 with DF: the node answers itself on lo.
    const outer = tunnelIp(p, 63, aVtep, dstVtep, 64, 0, true);
    const err = ipv4({ src: aVtep, dst: aVtep, proto: IPPROTO_ICMP, ttl: 64, id: 7 }, icmpError({ type: 3, code: 4, mtu: 1500 }, outer.subarray(0, 548)));
    w.add({ host: a, t: t + 15, iface: 'lo', out: true, bytes: err, protocol: ETH_IPV4 });
    w.add({ host: a, t: t + 16, iface: 'lo', out: false, bytes: err, protocol: ETH_IPV4 });
    return;
  }
  // sender-output: wrapped, then dropped on the sender (its OUTPUT chain): never on eth1.
  if (stop === 'sender-output') return;
  const outer = (ttl: number): Uint8Array => tunnelIp(p, 63, aVtep, dstVtep, ttl, p.id, stop === 'too-big');
  w.add({ host: a, t: t + 20, iface: 'eth1', out: true, bytes: outer(64), protocol: ETH_IPV4 });
  if (stop === 'wrong-vtep') {
    w.add({ host: 'w1', t: t + 60, iface: 'eth1', out: false, bytes: outer(64), protocol: ETH_IPV4 });
    w.add({ host: 'w1', t: t + 70, iface: 'cilium_vxlan', out: false, bytes: podIp(p, 63), protocol: ETH_IPV4, pktType: 3 });
    return;
  }
  w.add({ host: 'router', t: t + 60, iface: rIn, out: false, bytes: outer(64), protocol: ETH_IPV4 });
  if (stop === 'router-drop' || stop === 'too-big') return;
  w.add({ host: 'router', t: t + 80, iface: rOut, out: true, bytes: outer(63), protocol: ETH_IPV4 });
  // wrong-mac: the router's neighbour entry for b is another MAC, b receives it as OTHERHOST.
  w.add({ host: b, t: t + 120, iface: 'eth1', out: false, bytes: outer(63), protocol: ETH_IPV4, ...(stop === 'wrong-mac' ? { pktType: 3 } : {}) });
  if (stop === 'at-vtep' || stop === 'wrong-mac') return;
  w.add({ host: b, t: t + 130, iface: 'cilium_vxlan', out: false, bytes: podIp(p, 63), protocol: ETH_IPV4 });
  if (stop === 'past-veth') return;
  w.add({ host: b, t: t + 140, iface: 'lxc0', out: true, bytes: podIp(p, 62), protocol: ETH_IPV4 });
}

/** Native routing (Act 1): ctr routes the pod packet to the router, which sends it out of eth0. */
export function sendNativeMisrouted(w: World, p: PodPacket, t: number): void {
  w.add({ host: 'ctr', t, iface: 'lxc0', out: false, bytes: podIp(p, 64), protocol: ETH_IPV4 });
  w.add({ host: 'ctr', t: t + 20, iface: 'eth1', out: true, bytes: podIp(p, 63), protocol: ETH_IPV4 });
  w.add({ host: 'router', t: t + 60, iface: 'eth1', out: false, bytes: podIp(p, 63), protocol: ETH_IPV4 });
  w.add({ host: 'router', t: t + 80, iface: 'eth0', out: true, bytes: podIp(p, 62), protocol: ETH_IPV4 });
}

/**
 * Native routing with a loop for the pod address: the router sends it to w0 on eth2, w0 sends it
 * back (in and out of eth1), each lowering the TTL, until `passes` rounds are done (a TTL run out
 * when passes reaches it). With `passes` 1 it is a path that comes back once: w0 hands it back
 * to the router, which then delivers it out of eth0.
 */
export function sendLooping(w: World, p: PodPacket, t: number, passes: number): void {
  w.add({ host: 'ctr', t, iface: 'lxc0', out: false, bytes: podIp(p, 64), protocol: ETH_IPV4 });
  w.add({ host: 'ctr', t: t + 10, iface: 'eth1', out: true, bytes: podIp(p, 63), protocol: ETH_IPV4 });
  w.add({ host: 'router', t: t + 20, iface: 'eth1', out: false, bytes: podIp(p, 63), protocol: ETH_IPV4 });
  let ttl = 62;
  let at = t + 30;
  for (let n = 0; n < passes; n++, ttl -= 2, at += 40) {
    w.add({ host: 'router', t: at, iface: 'eth2', out: true, bytes: podIp(p, ttl), protocol: ETH_IPV4 });
    w.add({ host: 'w0', t: at + 10, iface: 'eth1', out: false, bytes: podIp(p, ttl), protocol: ETH_IPV4 });
    w.add({ host: 'w0', t: at + 20, iface: 'eth1', out: true, bytes: podIp(p, ttl - 1), protocol: ETH_IPV4 });
    w.add({ host: 'router', t: at + 30, iface: 'eth2', out: false, bytes: podIp(p, ttl - 1), protocol: ETH_IPV4 });
  }
  if (passes === 1) w.add({ host: 'router', t: at, iface: 'eth0', out: true, bytes: podIp(p, ttl), protocol: ETH_IPV4 });
}

/** A UDP datagram between pods (a DNS-like query or reply). */
export const datagram = (src: string, dst: string, sport: number, dport: number, id: number): PodPacket => {
  const hdr = { src, dst, ttl: 64, id };
  return { src, dst, proto: IPPROTO_UDP, id, l4: udp({ srcPort: sport, dstPort: dport }, new Uint8Array([id & 255, 1, 2, 3]), hdr) };
};

/** The ICMP port unreachable a pod sends back for `p` (as it reached the pod, TTL 62): nothing listens there. */
export const portUnreachable = (p: PodPacket, id: number): PodPacket => ({
  src: p.dst,
  dst: p.src,
  proto: IPPROTO_ICMP,
  id,
  l4: icmpError({ type: 3, code: 3 }, podIp(p, 62)),
});

/** w0's pod answers, and the router sends the answer out of eth0, its uplink: ctr never gets it. */
export function sendReplyAstray(w: World, p: PodPacket, t: number): void {
  w.add({ host: 'w0', t, iface: 'lxc0', out: false, bytes: podIp(p, 64), protocol: ETH_IPV4 });
  w.add({ host: 'w0', t: t + 10, iface: 'eth1', out: true, bytes: podIp(p, 63), protocol: ETH_IPV4 });
  w.add({ host: 'router', t: t + 20, iface: 'eth2', out: false, bytes: podIp(p, 63), protocol: ETH_IPV4 });
  w.add({ host: 'router', t: t + 30, iface: 'eth0', out: true, bytes: podIp(p, 62), protocol: ETH_IPV4 });
}

export const ping = (src: string, dst: string, type: 8 | 0, seq: number, id: number): PodPacket => ({
  src,
  dst,
  proto: IPPROTO_ICMP,
  id,
  l4: echo(type, 0x4242, seq),
});
export const tcpSyn = (id: number): PodPacket => ({ src: ADDR.pod0, dst: ADDR.pod2, proto: IPPROTO_TCP, id, l4: syn(ADDR.pod0, ADDR.pod2, 40000) });
export const tcpSynAck = (id: number): PodPacket => ({ src: ADDR.pod2, dst: ADDR.pod0, proto: IPPROTO_TCP, id, l4: synAck(ADDR.pod2, ADDR.pod0, 80, 40000) });
export { IPPROTO_UDP };

/** A healthy exchange: three pings answered, and a SYN answered by a SYN-ACK. */
export function healthyWorld(): World {
  const w = new World();
  for (let i = 0; i < 3; i++) {
    sendTunnelled(w, ping(ADDR.pod0, ADDR.pod2, 8, i + 1, 0x100 + i), i * 200_000);
    sendTunnelled(w, ping(ADDR.pod2, ADDR.pod0, 0, i + 1, 0x200 + i), i * 200_000 + 500);
  }
  sendTunnelled(w, tcpSyn(0x300), 700_000);
  sendTunnelled(w, tcpSynAck(0x400), 700_600);
  return w;
}

/**
 * Node-to-node pings (not pod traffic, so not followed) that keep every host's capture running
 * until `t`; on the hosts in `udpOnly`, a UDP datagram instead (a capture filtered to UDP).
 */
export function keepCapturing(w: World, t: number, udpOnly: readonly HostName[] = []): void {
  for (const host of HOSTS) {
    const hdr = { src: '192.168.99.1', dst: '192.168.99.2', ttl: 64, id: 1 };
    const bytes = udpOnly.includes(host)
      ? ipv4({ ...hdr, proto: IPPROTO_UDP }, udp({ srcPort: 5353, dstPort: 5353 }, new Uint8Array(8), hdr))
      : ipv4({ ...hdr, proto: IPPROTO_ICMP }, echo(8, 1, 1));
    w.add({ host, t, iface: host === 'router' ? 'eth2' : 'eth1', out: false, bytes, protocol: ETH_IPV4 });
  }
}
