// Builds the sample captures in samples/ from the packet builder, byte-for-byte reproducibly:
// fixed time stamps, IP IDs, ports, sequence numbers and MACs, no randomness, no clock.
//
//   npm run samples                      writes into samples/
//   node --import tsx scripts/samples.ts --out DIR
//
// test/samples/samples.test.ts regenerates into a temporary directory and compares every file
// with the committed one, so edit this script, run `npm run samples`, and commit both.
//
// What is modelled after real Linux behaviour (so the samples look like what students capture):
// - outer UDP source port: a hash of the inner flow scaled into 32768-60999 (udp_flow_src_port()
//   over the local port range), so each inner flow rides its own outer source port;
// - outer IPv4: TTL 64, DF set, an IP ID counter per tunnel direction (iptunnel_xmit() numbers
//   every outer packet); outer UDP checksum 0 over IPv4 and computed over IPv6 (VXLAN defaults);
// - copies forwarded by the router: TTL one lower, MACs rewritten, IP ID unchanged;
// - TCP: Linux SYN options (MSS, SACK-permitted, timestamps, window scale 7), SYN-ACK with IP ID 0,
//   per-socket IP ID counters, SYN retransmissions after 1, 2, 4 and 8 seconds.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calicoIpip, calicoWireguard, ciliumIpsec, espInUdp, greTunnels } from './samples-encap.js';
import { buildPcap, buildPcapng, type PcapngBlock, type PcapRecord } from '../test/fixtures/capture-writer.js';
import {
  arp,
  ascii,
  concat,
  dnsQuery,
  dnsResponse,
  ETH_ARP,
  ETH_IPV4,
  ETH_IPV6,
  ethernet,
  geneve,
  icmpEcho,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  ipBytes,
  ipv4,
  ipv6,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL2,
  PORT_GENEVE,
  PORT_VXLAN,
  PORT_VXLAN_LINUX,
  sll2,
  tcp,
  udp,
  vxlan,
  type GeneveOption,
  type Mac,
} from '../test/fixtures/packet-builder.js';

// ---------------------------------------------------------------------------------------------
// The lab (docs/scenario.md). MACs are fixed, locally meaningful values.

export const LAB = {
  ctr: { eth1: '192.168.10.100', eth1v6: 'fd00:10::100', mac: '52:54:00:3a:0a:64' },
  w0: { eth1: '192.168.20.100', eth1v6: 'fd00:20::100', mac: '52:54:00:3a:14:64' },
  router: {
    eth0: { mac: '52:54:00:7e:00:c8', ifindex: 2, peer: 26 },
    eth1: { ip: '192.168.10.200', mac: '52:54:00:7e:0a:c8', ifindex: 3, peer: 27 },
    eth2: { ip: '192.168.20.200', mac: '52:54:00:7e:14:c8', ifindex: 4, peer: 28 },
    /** The next hop behind the uplink (the default route). */
    uplinkGateway: '52:54:00:12:35:02',
  },
  curlPod: { ip: '172.20.0.10', mac: '9a:3f:52:c1:0e:0a' },
  webPod: { ip: '172.20.2.30', mac: '5e:b8:71:0d:42:1e' },
  corednsPod: { ip: '172.20.2.53', mac: '36:d0:4e:9a:77:35' },
  /** Cilium puts the sender's security identity in the VNI. */
  identity: { curlPod: 32001, webPod: 45678, coredns: 18322 },
} as const;

/** `ip -o link` in the router namespace: what names the SLL2 sample's interface indexes. */
export function routerIpLink(): string {
  const veth = (name: string, i: { ifindex: number; peer: number; mac: string }): string =>
    `${i.ifindex}: ${name}@if${i.peer}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\` +
    `    link/ether ${i.mac} brd ff:ff:ff:ff:ff:ff link-netnsid 0`;
  const r = LAB.router;
  return [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    veth('eth0', r.eth0),
    veth('eth1', r.eth1),
    veth('eth2', r.eth2),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Time: every packet time is a bigint count of nanoseconds since the epoch.

const NS = 1_000_000_000n;

/** `sec` seconds plus `us` microseconds, as nanoseconds. */
const at = (sec: number, us: number): bigint => BigInt(sec) * NS + BigInt(us) * 1000n;

interface Timed {
  t: bigint;
  data: Uint8Array;
}

function pcapMicro(frames: Timed[], linkType: number): Uint8Array {
  const records: PcapRecord[] = frames.map(({ t, data }) => {
    if (t % 1000n !== 0n) throw new Error(`time ${t} has sub-microsecond digits; use the nanosecond format`);
    return { tsSec: Number(t / NS), tsFrac: Number((t % NS) / 1000n), data };
  });
  return buildPcap(records, { linkType, snaplen: 262144 });
}

function pcapNano(frames: Timed[], linkType: number): Uint8Array {
  const records = frames.map(({ t, data }) => ({ tsSec: Number(t / NS), tsFrac: Number(t % NS), data }));
  return buildPcap(records, { linkType, snaplen: 262144, nano: true });
}

// ---------------------------------------------------------------------------------------------
// Inner packets

type L4 = { proto: number; bytes: Uint8Array; sport: number; dport: number };

interface IpHdr {
  src: string;
  dst: string;
  ttl: number;
  id: number;
  df: boolean;
}

const EMPTY = new Uint8Array(0);

function ipPacket(h: IpHdr, l4: L4): Uint8Array {
  return ipv4({ src: h.src, dst: h.dst, proto: l4.proto, ttl: h.ttl, id: h.id, df: h.df }, l4.bytes);
}

/** iputils ping payload: a 16-byte struct timeval (little-endian) then bytes 0x10, 0x11, ... */
function pingPayload(t: bigint): Uint8Array {
  const out = new Uint8Array(56);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, t / NS, true);
  v.setBigUint64(8, (t % NS) / 1000n, true);
  for (let i = 16; i < 56; i++) out[i] = i;
  return out;
}

function echo(type: 8 | 0, id: number, seq: number, payload: Uint8Array): L4 {
  return { proto: IPPROTO_ICMP, bytes: icmpEcho({ type, id, seq }, payload), sport: id, dport: type };
}

function udpL4(src: string, dst: string, sport: number, dport: number, payload: Uint8Array): L4 {
  return { proto: IPPROTO_UDP, bytes: udp({ srcPort: sport, dstPort: dport }, payload, { src, dst }), sport, dport };
}

/** FNV-1a, the stand-in for the kernel's flow hash (skb_get_hash()). */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/**
 * The outer UDP source port Linux picks for a tunnel packet: the inner flow's hash scaled
 * into the local port range, like udp_flow_src_port(net, skb, 32768, 61000, true).
 */
export function tunnelSourcePort(flow: { src: string; dst: string; proto: number; sport: number; dport: number }): number {
  const key = concat(ipBytes(flow.src), ipBytes(flow.dst), Uint8Array.of(flow.proto, flow.sport >> 8, flow.sport & 255, flow.dport >> 8, flow.dport & 255));
  return 32768 + Math.floor((fnv1a(key) * (61000 - 32768)) / 2 ** 32);
}

/** A TCP connection that keeps sequence numbers, timestamps and IP IDs for both ends. */
class TcpConn {
  private nxt: { c: number; s: number };
  private ids: { c: number; s: number };
  private lastTs: { c: number; s: number } = { c: 0, s: 0 };

  constructor(
    readonly client: { ip: string; port: number; isn: number; ipId: number; tsBase: number; window: number },
    readonly server: { ip: string; port: number; isn: number; ipId: number; tsBase: number; window: number },
    readonly opts: { mss: number; ttl: number },
  ) {
    this.nxt = { c: client.isn, s: server.isn };
    this.ids = { c: client.ipId, s: server.ipId };
  }

  /** One segment from `from` ('c' client, 's' server) at `ms` milliseconds into the connection. */
  seg(from: 'c' | 's', flags: string, ms: number, payload: Uint8Array = EMPTY): { ip: IpHdr; l4: L4 } {
    const me = from === 'c' ? this.client : this.server;
    const peer = from === 'c' ? this.server : this.client;
    const other = from === 'c' ? 's' : 'c';
    const syn = flags.includes('S');
    const tsval = (me.tsBase + ms) >>> 0;
    const tsecr = flags.includes('A') ? this.lastTs[other] : 0;
    this.lastTs[from] = tsval;
    const common = {
      srcPort: me.port,
      dstPort: peer.port,
      seq: this.nxt[from],
      ack: flags.includes('A') ? this.nxt[other] : 0,
      flags,
      timestamps: [tsval, tsecr] as [number, number],
    };
    const bytes = syn
      ? tcp({ ...common, window: me.window, mss: this.opts.mss, sackPerm: true, wscale: 7 }, payload, { src: me.ip, dst: peer.ip })
      : tcp({ ...common, window: Math.floor(me.window / 128) }, payload, { src: me.ip, dst: peer.ip });
    this.nxt[from] = (this.nxt[from] + payload.length + (syn ? 1 : 0) + (flags.includes('F') ? 1 : 0)) >>> 0;
    // A SYN-ACK leaves through ip_build_and_send_pkt() with DF and IP ID 0; everything else
    // takes the socket's counter.
    let id = 0;
    if (!(syn && from === 's')) id = this.ids[from]++ & 0xffff;
    return {
      ip: { src: me.ip, dst: peer.ip, ttl: this.opts.ttl, id, df: true },
      l4: { proto: IPPROTO_TCP, bytes, sport: me.port, dport: peer.port },
    };
  }
}

function httpGet(host: string, path = '/'): Uint8Array {
  return ascii(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n`);
}

function httpOk(date: string, body: string): Uint8Array {
  const b = ascii(body);
  return concat(ascii(`HTTP/1.1 200 OK\r\nDate: ${date}\r\nContent-Length: ${b.length}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n`), b);
}

/** What the traefik/whoami image behind the workshop's webpod answers. */
function whoamiBody(clientPort: number): string {
  return [
    'Hostname: webpod-697b545f57-hwp2x',
    'IP: 127.0.0.1',
    'IP: ::1',
    `IP: ${LAB.webPod.ip}`,
    'IP: fe80::5cb8:71ff:fe0d:421e',
    `RemoteAddr: ${LAB.curlPod.ip}:${clientPort}`,
    'GET / HTTP/1.1',
    'Host: webpod',
    'User-Agent: curl/8.5.0',
    'Accept: */*',
    '',
    '',
  ].join('\r\n');
}

// ---------------------------------------------------------------------------------------------
// Tunnels

interface Hop {
  srcMac: Mac;
  dstMac: Mac;
  src: string;
  dst: string;
  /** Outer TTL / hop limit as captured. */
  ttl: number;
  /** Outer IPv4 ID (ignored over IPv6). */
  id: number;
}

type Encap = { kind: 'vxlan'; port: number; vni: number } | { kind: 'geneve'; vni: number; options: GeneveOption[] };

/** Outer Ethernet / IP / UDP / (VXLAN | GENEVE) around an inner Ethernet frame. */
function tunnelled(hop: Hop, encap: Encap, srcPort: number, innerEth: Uint8Array, udpChecksum: boolean): Uint8Array {
  const v6 = hop.src.includes(':');
  const header = encap.kind === 'vxlan' ? vxlan({ vni: encap.vni }, innerEth) : geneve({ vni: encap.vni, options: encap.options }, innerEth);
  const dstPort = encap.kind === 'vxlan' ? encap.port : PORT_GENEVE;
  const seg = udp({ srcPort, dstPort, checksum: udpChecksum }, header, { src: hop.src, dst: hop.dst });
  const ip = v6
    ? ipv6({ src: hop.src, dst: hop.dst, next: IPPROTO_UDP, hopLimit: hop.ttl }, seg)
    : ipv4({ src: hop.src, dst: hop.dst, proto: IPPROTO_UDP, ttl: hop.ttl, id: hop.id, df: true }, seg);
  return ethernet({ src: hop.srcMac, dst: hop.dstMac, type: v6 ? ETH_IPV6 : ETH_IPV4 }, ip);
}

/**
 * One direction of a node-to-node tunnel as a capture point sees it: a per-direction outer IP ID
 * counter, and the outer UDP checksum policy of the tunnel.
 */
class Tunnel {
  private nextId: number;
  constructor(
    private readonly hop: Omit<Hop, 'id'> & { firstId: number },
    private readonly encap: Encap,
    private readonly udpChecksum: boolean,
    private readonly innerMacs: { src: Mac; dst: Mac },
  ) {
    this.nextId = hop.firstId;
  }

  /**
   * An inner IPv4 packet, wrapped. `o.vni` overrides the tunnel's (Cilium's VNI is the sending
   * pod's identity), `o.srcMac` the inner source MAC (another pod on the same node).
   */
  ip(h: IpHdr, l4: L4, o: { vni?: number; srcMac?: Mac } = {}): Uint8Array {
    const inner = ethernet({ src: o.srcMac ?? this.innerMacs.src, dst: this.innerMacs.dst, type: ETH_IPV4 }, ipPacket(h, l4));
    const sport = tunnelSourcePort({ src: h.src, dst: h.dst, proto: l4.proto, sport: l4.sport, dport: l4.dport });
    return this.wrap(inner, sport, o.vni);
  }

  /** An inner Ethernet frame carrying something other than IP (ARP). */
  frame(inner: Uint8Array, hashKey: { src: string; dst: string }, vni?: number): Uint8Array {
    const sport = tunnelSourcePort({ ...hashKey, proto: 0, sport: 0, dport: ETH_ARP });
    return this.wrap(inner, sport, vni);
  }

  private wrap(inner: Uint8Array, sport: number, vni: number | undefined): Uint8Array {
    const id = this.nextId;
    this.nextId = (this.nextId + 1) & 0xffff;
    const encap = vni === undefined || this.encap.kind !== 'vxlan' ? this.encap : { ...this.encap, vni };
    return tunnelled({ ...this.hop, id }, encap, sport, inner, this.udpChecksum);
  }
}

// ---------------------------------------------------------------------------------------------
// Act 2: Cilium VXLAN, captured on the router's eth1 (`tcpdump -i eth1 -w ...`).
// k8s-ctr -> k8s-w0 packets are seen before the router forwards them (TTL 64, k8s-ctr's MAC to
// the router's); k8s-w0 -> k8s-ctr packets after it did (TTL 63, router's MAC to k8s-ctr's).

const ACT2_T0 = 1748772000; // 2025-06-01 10:00:00 UTC

/** The two directions of the k8s-ctr <-> k8s-w0 tunnel as the router's eth1 sees them. */
function labTunnels(v6: boolean, port = PORT_VXLAN_LINUX): { out: Tunnel; back: Tunnel } {
  const ctr = v6 ? LAB.ctr.eth1v6 : LAB.ctr.eth1;
  const w0 = v6 ? LAB.w0.eth1v6 : LAB.w0.eth1;
  const vx = (vni: number): Encap => ({ kind: 'vxlan', port, vni });
  return {
    out: new Tunnel({ srcMac: LAB.ctr.mac, dstMac: LAB.router.eth1.mac, src: ctr, dst: w0, ttl: 64, firstId: 0x5c21 }, vx(LAB.identity.curlPod), v6, {
      src: LAB.curlPod.mac,
      dst: LAB.webPod.mac,
    }),
    back: new Tunnel({ srcMac: LAB.router.eth1.mac, dstMac: LAB.ctr.mac, src: w0, dst: ctr, ttl: 63, firstId: 0xe30a }, vx(LAB.identity.webPod), v6, {
      src: LAB.webPod.mac,
      dst: LAB.curlPod.mac,
    }),
  };
}

/** `curl webpod`: DNS lookup through CoreDNS on k8s-w0, then one HTTP exchange. */
function curlOnce(
  tun: { out: Tunnel; back: Tunnel },
  t0: bigint,
  n: { port: number; isn: number; serverIsn: number; ipId: number; serverIpId: number; ts: number; serverTs: number },
  dnsLookup: { port: number; id: number; ipId: number } | undefined,
  date: string,
): Timed[] {
  const pod = LAB.curlPod.ip;
  const web = LAB.webPod.ip;
  const dns = LAB.corednsPod.ip;
  const out: Timed[] = [];
  const us = (x: number): bigint => t0 + BigInt(x) * 1000n;
  let tcpStart = 0;
  if (dnsLookup) {
    const name = 'webpod.default.svc.cluster.local';
    const q = udpL4(pod, dns, dnsLookup.port, 53, dnsQuery({ id: dnsLookup.id, name }));
    const r = udpL4(dns, pod, 53, dnsLookup.port, dnsResponse({ id: dnsLookup.id, name, addresses: ['10.96.88.16'], ttl: 30 }));
    // The resolver's connected UDP socket numbers its packets; CoreDNS answers from an
    // unconnected socket with DF set, which Linux sends with IP ID 0.
    out.push({ t: us(0), data: tun.out.ip({ src: pod, dst: dns, ttl: 63, id: dnsLookup.ipId, df: true }, q) });
    out.push({
      t: us(1187),
      data: tun.back.ip({ src: dns, dst: pod, ttl: 63, id: 0, df: true }, r, { vni: LAB.identity.coredns, srcMac: LAB.corednsPod.mac }),
    });
    tcpStart = 2_950;
  }
  // Cilium's socket load balancer already turned the ClusterIP 10.96.88.16 into the pod address.
  const c = new TcpConn(
    { ip: pod, port: n.port, isn: n.isn, ipId: n.ipId, tsBase: n.ts, window: 64860 },
    { ip: web, port: 80, isn: n.serverIsn, ipId: n.serverIpId, tsBase: n.serverTs, window: 64308 },
    { mss: 1410, ttl: 63 }, // pod MTU 1450 in tunnel mode; Cilium routes, so TTL 63
  );
  const steps: [number, 'c' | 's', string, Uint8Array?][] = [
    [0, 'c', 'S'],
    [412, 's', 'SA'],
    [498, 'c', 'A'],
    [563, 'c', 'PA', httpGet('webpod')],
    [907, 's', 'A'],
    [1_288, 's', 'PA', httpOk(date, whoamiBody(n.port))],
    [1_362, 'c', 'A'],
    [1_540, 'c', 'FA'],
    [1_921, 's', 'FA'],
    [2_004, 'c', 'A'],
  ];
  for (const [dt, from, flags, payload] of steps) {
    const s = c.seg(from, flags, Math.floor((tcpStart + dt) / 1000), payload);
    const tunnel = from === 'c' ? tun.out : tun.back;
    out.push({ t: us(tcpStart + dt), data: tunnel.ip(s.ip, s.l4) });
  }
  return out;
}

function ciliumVxlan(): Uint8Array {
  const tun = labTunnels(false);
  const pod = LAB.curlPod;
  const web = LAB.webPod;
  const frames: Timed[] = [];
  // ARP for the peer pod inside the tunnel, as a flood-and-learn VXLAN carries it (Cilium itself
  // answers pod ARP on the node; this pair is here to show an L2 frame riding in UDP).
  frames.push({
    t: at(ACT2_T0, 0),
    data: tun.out.frame(
      ethernet(
        { src: pod.mac, dst: 'ff:ff:ff:ff:ff:ff', type: ETH_ARP },
        arp({ op: 1, senderMac: pod.mac, senderIp: pod.ip, targetMac: '00:00:00:00:00:00', targetIp: web.ip }),
      ),
      { src: pod.ip, dst: web.ip },
    ),
  });
  frames.push({
    t: at(ACT2_T0, 391),
    data: tun.back.frame(
      ethernet({ src: web.mac, dst: pod.mac, type: ETH_ARP }, arp({ op: 2, senderMac: web.mac, senderIp: web.ip, targetMac: pod.mac, targetIp: pod.ip })),
      { src: web.ip, dst: pod.ip },
    ),
  });
  // ping -c 5 172.20.2.30
  for (let seq = 1; seq <= 5; seq++) {
    const t = at(ACT2_T0, 1_000 + (seq - 1) * 1_000_000 + seq * 137);
    const payload = pingPayload(t);
    frames.push({ t, data: tun.out.ip({ src: pod.ip, dst: web.ip, ttl: 63, id: 0x9c41 + seq, df: true }, echo(8, 0x2f1d, seq, payload)) });
    // The kernel answers echo requests without DF; the ID comes from the shared hashed counter.
    frames.push({
      t: t + BigInt(402 + seq * 11) * 1000n,
      data: tun.back.ip({ src: web.ip, dst: pod.ip, ttl: 63, id: 0x3b70 + seq * 3, df: false }, echo(0, 0x2f1d, seq, payload)),
    });
  }
  // Two runs of `curl webpod`, one second apart: each is a new flow, so a new outer source port.
  frames.push(
    ...curlOnce(
      tun,
      at(ACT2_T0 + 6, 0),
      { port: 48312, isn: 0x6b1a0f3c, serverIsn: 0x2c9e77a1, ipId: 0xd105, serverIpId: 0x8e44, ts: 3184022811, serverTs: 1172044190 },
      { port: 51742, id: 0x7c1a, ipId: 0x41d2 },
      'Sun, 01 Jun 2025 10:00:06 GMT',
    ),
    ...curlOnce(
      tun,
      at(ACT2_T0 + 7, 12_408),
      { port: 48326, isn: 0x90c2d417, serverIsn: 0xe5a1306b, ipId: 0x6a2c, serverIpId: 0x17f9, ts: 3184023823, serverTs: 1172045202 },
      { port: 39114, id: 0x1e63, ipId: 0x0b7f },
      'Sun, 01 Jun 2025 10:00:07 GMT',
    ),
  );
  return pcapMicro(frames, LINKTYPE_ETHERNET);
}

// ---------------------------------------------------------------------------------------------
// VXLAN over an IPv6 underlay, same lab (nodes fd00:10::100 and fd00:20::100), router's eth1.

function vxlanIpv6Underlay(): Uint8Array {
  const tun = labTunnels(true);
  const pod = LAB.curlPod.ip;
  const web = LAB.webPod.ip;
  const t0 = 1748775600; // 2025-06-01 11:00:00 UTC
  const frames: Timed[] = [];
  for (let seq = 1; seq <= 2; seq++) {
    const t = at(t0, (seq - 1) * 1_000_000 + 210);
    const payload = pingPayload(t);
    frames.push({ t, data: tun.out.ip({ src: pod, dst: web, ttl: 63, id: 0x12a0 + seq, df: true }, echo(8, 0x51c3, seq, payload)) });
    frames.push({ t: t + 467_000n, data: tun.back.ip({ src: web, dst: pod, ttl: 63, id: 0x6e02 + seq * 5, df: false }, echo(0, 0x51c3, seq, payload)) });
  }
  frames.push(
    ...curlOnce(
      tun,
      at(t0 + 3, 0),
      { port: 56018, isn: 0x1f2e3d4c, serverIsn: 0x7a6b5c4d, ipId: 0x3301, serverIpId: 0xc0de, ts: 912334001, serverTs: 2290114007 },
      undefined,
      'Sun, 01 Jun 2025 11:00:03 GMT',
    ),
  );
  return pcapMicro(frames, LINKTYPE_ETHERNET);
}

// ---------------------------------------------------------------------------------------------
// Calico VXLAN: UDP 4789, VNI 4096, vxlan.calico device MACs inside, pods in 10.244.0.0/16
// (IPAM blocks 10.244.140.64/26 on node-a, 10.244.79.128/26 on node-b). Captured on node-a's eth0.

function calicoVxlan(): Uint8Array {
  const a = { ip: '10.10.0.11', mac: '52:54:00:aa:00:0b', vtep: '66:8a:3c:1e:7b:0b' };
  const b = { ip: '10.10.0.12', mac: '52:54:00:aa:00:0c', vtep: '66:d4:90:52:61:0c' };
  const client = '10.244.140.65';
  const server = '10.244.79.130';
  const encap: Encap = { kind: 'vxlan', port: PORT_VXLAN, vni: 4096 };
  const tun = {
    out: new Tunnel({ srcMac: a.mac, dstMac: b.mac, src: a.ip, dst: b.ip, ttl: 64, firstId: 0x2b90 }, encap, false, { src: a.vtep, dst: b.vtep }),
    back: new Tunnel({ srcMac: b.mac, dstMac: a.mac, src: b.ip, dst: a.ip, ttl: 64, firstId: 0x74c3 }, encap, false, { src: b.vtep, dst: a.vtep }),
  };
  const t0 = 1748779200; // 2025-06-01 12:00:00 UTC
  const frames: Timed[] = [];
  for (let seq = 1; seq <= 3; seq++) {
    const t = at(t0, (seq - 1) * 1_000_000 + 95);
    const payload = pingPayload(t);
    frames.push({ t, data: tun.out.ip({ src: client, dst: server, ttl: 63, id: 0xa0f0 + seq, df: true }, echo(8, 0x0c4e, seq, payload)) });
    frames.push({ t: t + 288_000n, data: tun.back.ip({ src: server, dst: client, ttl: 63, id: 0x51a2 + seq * 7, df: false }, echo(0, 0x0c4e, seq, payload)) });
  }
  const c = new TcpConn(
    { ip: client, port: 40518, isn: 0x3c0ffee1, ipId: 0x4411, tsBase: 2765113020, window: 64860 },
    { ip: server, port: 8080, isn: 0x0badf00d, ipId: 0x9a07, tsBase: 388120455, window: 64308 },
    { mss: 1410, ttl: 63 },
  );
  const body = 'ok\n';
  const steps: [number, 'c' | 's', string, Uint8Array?][] = [
    [0, 'c', 'S'],
    [301, 's', 'SA'],
    [377, 'c', 'A'],
    [441, 'c', 'PA', httpGet('10.244.79.130:8080', '/healthz')],
    [702, 's', 'A'],
    [1_013, 's', 'PA', httpOk('Sun, 01 Jun 2025 12:00:04 GMT', body)],
    [1_090, 'c', 'A'],
    [1_233, 'c', 'FA'],
    [1_508, 's', 'FA'],
    [1_571, 'c', 'A'],
  ];
  const tcpT0 = at(t0 + 4, 0);
  for (const [dt, from, flags, payload] of steps) {
    const s = c.seg(from, flags, Math.floor(dt / 1000), payload);
    frames.push({ t: tcpT0 + BigInt(dt) * 1000n, data: (from === 'c' ? tun.out : tun.back).ip(s.ip, s.l4) });
  }
  return pcapMicro(frames, LINKTYPE_ETHERNET);
}

// ---------------------------------------------------------------------------------------------
// GENEVE as OVS-based CNIs send it (OVN-Kubernetes style, on a kind cluster: nodes 172.18.0.2 and
// 172.18.0.3). The VNI is OVN's datapath tunnel key; option class 0x0102 (OVN), type 0x80
// (critical) carries 4 bytes: the logical ingress port key (15 bits) and egress port key (16 bits).
// A second, non-critical option in the experimental class 0xffff shows that receivers may skip
// options they do not know. OVN turns the outer UDP checksum on (csum=true). Captured on
// ovn-worker's eth0.

/** OVN's option value: 1 reserved bit, 15-bit logical ingress port key, 16-bit egress port key. */
export function ovnMetadata(ingress: number, egress: number): Uint8Array {
  return Uint8Array.of((ingress >> 8) & 0x7f, ingress & 0xff, egress >> 8, egress & 0xff);
}

function antreaGeneve(): Uint8Array {
  const w1 = { ip: '172.18.0.2', mac: '02:42:ac:12:00:02' };
  const w2 = { ip: '172.18.0.3', mac: '02:42:ac:12:00:03' };
  const client = '10.244.1.5';
  const server = '10.244.2.7';
  const experimental: GeneveOption = { cls: 0xffff, type: 0x01, data: Uint8Array.of(0x00, 0x00, 0x00, 0x2a, 0x76, 0x78, 0x73, 0x6b) };
  const encap = (ingress: number, egress: number): Encap => ({
    kind: 'geneve',
    vni: 0x000005,
    options: [{ cls: 0x0102, type: 0x80, data: ovnMetadata(ingress, egress) }, experimental],
  });
  // Inner MACs: the logical router port of the destination node's switch, then the pod.
  const tun = {
    out: new Tunnel({ srcMac: w1.mac, dstMac: w2.mac, src: w1.ip, dst: w2.ip, ttl: 64, firstId: 0x0e51 }, encap(3, 4), true, {
      src: '0a:58:0a:f4:02:01',
      dst: '0a:58:0a:f4:02:07',
    }),
    back: new Tunnel({ srcMac: w2.mac, dstMac: w1.mac, src: w2.ip, dst: w1.ip, ttl: 64, firstId: 0xb7a8 }, encap(4, 3), true, {
      src: '0a:58:0a:f4:01:01',
      dst: '0a:58:0a:f4:01:05',
    }),
  };
  const t0 = 1748782800; // 2025-06-01 13:00:00 UTC
  const frames: Timed[] = [];
  for (let seq = 1; seq <= 2; seq++) {
    const t = at(t0, (seq - 1) * 1_000_000 + 330);
    const payload = pingPayload(t);
    frames.push({ t, data: tun.out.ip({ src: client, dst: server, ttl: 63, id: 0x7d10 + seq, df: true }, echo(8, 0x0005, seq, payload)) });
    frames.push({ t: t + 198_000n, data: tun.back.ip({ src: server, dst: client, ttl: 63, id: 0x2c44 + seq * 9, df: false }, echo(0, 0x0005, seq, payload)) });
  }
  const c = new TcpConn(
    { ip: client, port: 33672, isn: 0x5eed1234, ipId: 0x6610, tsBase: 1820331907, window: 64400 },
    { ip: server, port: 8080, isn: 0x1badb002, ipId: 0x0c77, tsBase: 977201418, window: 65236 },
    { mss: 1400, ttl: 63 }, // OVN-Kubernetes pod MTU 1400
  );
  const steps: [number, 'c' | 's', string, Uint8Array?][] = [
    [0, 'c', 'S'],
    [244, 's', 'SA'],
    [301, 'c', 'A'],
    [355, 'c', 'PA', httpGet('10.244.2.7:8080', '/')],
    [590, 's', 'A'],
    [806, 's', 'PA', httpOk('Sun, 01 Jun 2025 13:00:03 GMT', 'hello from 10.244.2.7\n')],
    [861, 'c', 'A'],
    [990, 'c', 'FA'],
    [1_217, 's', 'FA'],
    [1_270, 'c', 'A'],
  ];
  const tcpT0 = at(t0 + 3, 0);
  for (const [dt, from, flags, payload] of steps) {
    const s = c.seg(from, flags, Math.floor(dt / 1000), payload);
    frames.push({ t: tcpT0 + BigInt(dt) * 1000n, data: (from === 'c' ? tun.out : tun.back).ip(s.ip, s.l4) });
  }
  return pcapMicro(frames, LINKTYPE_ETHERNET);
}

// ---------------------------------------------------------------------------------------------
// Nanosecond pcap: a few of the lab's VXLAN pings with time stamps that use all nine digits,
// including a request and reply 250 ns apart that a microsecond file could not tell apart.

function nanosecond(): Uint8Array {
  const tun = labTunnels(false);
  const pod = LAB.curlPod.ip;
  const web = LAB.webPod.ip;
  const base = BigInt(1748772300) * NS; // 2025-06-01 10:05:00 UTC
  const times: [bigint, bigint][] = [
    [base + 104_729_013n, base + 105_016_444n],
    [base + 1_104_731_987n, base + 1_104_732_237n], // 250 ns apart
    [base + 2_104_733_519n, base + 2_105_002_871n],
  ];
  const frames: Timed[] = [];
  times.forEach(([req, rep], i) => {
    const seq = i + 1;
    const payload = pingPayload(req - (req % 1000n));
    frames.push({ t: req, data: tun.out.ip({ src: pod, dst: web, ttl: 63, id: 0xc260 + seq, df: true }, echo(8, 0x4a0b, seq, payload)) });
    frames.push({ t: rep, data: tun.back.ip({ src: web, dst: pod, ttl: 63, id: 0x19e0 + seq * 3, df: false }, echo(0, 0x4a0b, seq, payload)) });
  });
  return pcapNano(frames, LINKTYPE_ETHERNET);
}

// ---------------------------------------------------------------------------------------------
// Act 1 on the router: native routing, nobody routes 172.20.2.0/24. The curl-pod's packets to
// the webpod come in on eth1 and go out on eth0 (the default route) with TTL one lower and new
// MACs; no answer ever comes, so the SYN is retransmitted after 1, 2, 4 and 8 seconds. The
// node-to-node traffic (k8s-ctr pinging k8s-w0) is healthy: in on eth1, out on eth2, and back.

type RouterIf = 'eth0' | 'eth1' | 'eth2';

interface Forwarded {
  t: bigint;
  ifname: RouterIf;
  dir: 'in' | 'out';
  /** The IPv4 packet (no link layer). */
  ip: Uint8Array;
  /** Ethernet source and destination. */
  srcMac: Mac;
  dstMac: Mac;
}

const ACT1_T0 = 1748771100; // 2025-06-01 09:45:00 UTC

/** The router's view of one packet it forwards: an In copy and, `delayUs` later, an Out copy. */
function forward(t: bigint, h: IpHdr, l4: L4, route: { from: RouterIf; prevMac: Mac; to: RouterIf; nextMac: Mac }, delayUs: number): Forwarded[] {
  const r = LAB.router;
  return [
    { t, ifname: route.from, dir: 'in', ip: ipPacket(h, l4), srcMac: route.prevMac, dstMac: r[route.from].mac },
    {
      t: t + BigInt(delayUs) * 1000n,
      ifname: route.to,
      dir: 'out',
      ip: ipPacket({ ...h, ttl: h.ttl - 1 }, l4),
      srcMac: r[route.to].mac,
      dstMac: route.nextMac,
    },
  ];
}

function act1(): Forwarded[] {
  const r = LAB.router;
  const pod = LAB.curlPod.ip;
  const web = LAB.webPod.ip;
  const misroute = { from: 'eth1', prevMac: LAB.ctr.mac, to: 'eth0', nextMac: r.uplinkGateway } as const;
  const toW0 = { from: 'eth1', prevMac: LAB.ctr.mac, to: 'eth2', nextMac: LAB.w0.mac } as const;
  const toCtr = { from: 'eth2', prevMac: LAB.w0.mac, to: 'eth1', nextMac: LAB.ctr.mac } as const;
  const out: Forwarded[] = [];

  // Healthy first: k8s-ctr pings k8s-w0's node address (ping -c 2 192.168.20.100).
  for (let seq = 1; seq <= 2; seq++) {
    const t = at(ACT1_T0, (seq - 1) * 1_000_000 + 52);
    const payload = pingPayload(t);
    const req = echo(8, 0x1c07, seq, payload);
    const rep = echo(0, 0x1c07, seq, payload);
    out.push(...forward(t, { src: LAB.ctr.eth1, dst: LAB.w0.eth1, ttl: 64, id: 0x8a31 + seq, df: true }, req, toW0, 38));
    out.push(...forward(t + 612_000n, { src: LAB.w0.eth1, dst: LAB.ctr.eth1, ttl: 64, id: 0x4d5e + seq * 2, df: false }, rep, toCtr, 35));
  }

  // The misroute: `kubectl exec curl-pod -- curl webpod`, SYN and its retransmissions. Each
  // retransmission is a new packet (the socket's IP ID counter moves on); the In/Out pair of one
  // packet shares its IP ID.
  const t0 = ACT1_T0 + 5;
  const client = { ip: pod, port: 45866, isn: 0x4e1f3a92, ipId: 0x5d2e, tsBase: 3183411320, window: 64240 };
  const server = { ip: web, port: 80, isn: 0, ipId: 0, tsBase: 0, window: 0 };
  [0, 1, 3, 7, 15].forEach((sec, n) => {
    // A retransmitted SYN repeats the sequence number and options with a fresh timestamp and
    // the socket's next IP ID. Native routing: pod MTU 1500, and k8s-ctr already routed it once.
    const syn = new TcpConn({ ...client, ipId: client.ipId + n }, server, { mss: 1460, ttl: 63 }).seg('c', 'S', sec * 1000);
    out.push(...forward(at(t0 + sec, 8_311 + n * 3), syn.ip, syn.l4, misroute, 41 + n));
  });
  // Meanwhile a ping from the curl-pod (ping -c 3 172.20.2.30) goes the same wrong way.
  for (let seq = 1; seq <= 3; seq++) {
    const t = at(t0 + 2, 500_000 + (seq - 1) * 1_000_000 + seq * 17);
    out.push(...forward(t, { src: pod, dst: web, ttl: 63, id: 0x0f60 + seq, df: true }, echo(8, 0x6b02, seq, pingPayload(t)), misroute, 39));
  }
  return out.sort((x, y) => (x.t < y.t ? -1 : x.t > y.t ? 1 : 0));
}

function routerPcapng(): Uint8Array {
  const order: RouterIf[] = ['eth0', 'eth1', 'eth2'];
  const blocks: PcapngBlock[] = [
    { type: 'idb', linkType: LINKTYPE_ETHERNET, snaplen: 262144, name: 'eth0', description: 'uplink (default route to the internet)' },
    { type: 'idb', linkType: LINKTYPE_ETHERNET, snaplen: 262144, name: 'eth1', description: '192.168.10.0/24: k8s-ctr, k8s-w1' },
    { type: 'idb', linkType: LINKTYPE_ETHERNET, snaplen: 262144, name: 'eth2', description: '192.168.20.0/24: k8s-w0' },
  ];
  for (const f of act1()) {
    blocks.push({
      type: 'epb',
      interfaceId: order.indexOf(f.ifname),
      timestamp: f.t / 1000n, // microseconds, the IDBs' default resolution
      data: ethernet({ src: f.srcMac, dst: f.dstMac, type: ETH_IPV4 }, f.ip),
      flags: f.dir === 'in' ? 0x1 : 0x2, // epb_flags bits 0-1: 01 inbound, 10 outbound
    });
  }
  return buildPcapng([{ os: 'Linux', userappl: 'vxshark scripts/samples.ts (synthetic)', blocks }]);
}

function routerSll2(): Uint8Array {
  const r = LAB.router;
  const frames: Timed[] = act1().map((f) => ({
    t: f.t,
    // tcpdump -i any: the cooked header's address is the frame's link-layer source.
    data: sll2({ protocol: ETH_IPV4, ifindex: r[f.ifname].ifindex, pktType: f.dir === 'in' ? 0 : 4, addr: f.srcMac }, f.ip),
  }));
  return pcapMicro(frames, LINKTYPE_LINUX_SLL2);
}

// ---------------------------------------------------------------------------------------------

/** Every generated file, relative to samples/, in the order they are written. */
export function buildSamples(): Map<string, Uint8Array> {
  return new Map<string, Uint8Array>([
    ['cilium-vxlan-8472.pcap', ciliumVxlan()],
    ['calico-vxlan-4789.pcap', calicoVxlan()],
    ['antrea-geneve-6081.pcap', antreaGeneve()],
    ['vxlan-ipv6-underlay.pcap', vxlanIpv6Underlay()],
    ['router-interfaces.pcapng', routerPcapng()],
    ['router-any-sll2.pcap', routerSll2()],
    ['router-any-sll2.ip-link.txt', ascii(routerIpLink())],
    ['nanosecond.pcap', nanosecond()],
    // Tunnel kinds beyond VXLAN and GENEVE (scripts/samples-encap.ts); times from 2025-06-02 12:00 UTC.
    ['calico-ipip.pcap', pcapMicro(calicoIpip(1748865600), LINKTYPE_ETHERNET)],
    ['gre-key-seq-gretap.pcap', pcapMicro(greTunnels(1748865700), LINKTYPE_ETHERNET)],
    ['cilium-ipsec-esp.pcap', pcapMicro(ciliumIpsec(1748865800), LINKTYPE_ETHERNET)],
    ['esp-in-udp-4500.pcap', pcapMicro(espInUdp(1748865900), LINKTYPE_ETHERNET)],
    ['calico-wireguard-51820.pcap', pcapMicro(calicoWireguard(1748866000), LINKTYPE_ETHERNET)],
  ]);
}

export function writeSamples(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, bytes] of buildSamples()) {
    const path = resolve(dir, name);
    writeFileSync(path, bytes);
    written.push(path);
  }
  return written;
}

function main(argv: string[]): void {
  let dir = fileURLToPath(new URL('../samples/', import.meta.url));
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1] !== undefined) dir = resolve(argv[++i]!);
    else {
      process.stderr.write('usage: node --import tsx scripts/samples.ts [--out DIR]\n');
      process.exit(2);
    }
  }
  for (const path of writeSamples(dir)) process.stdout.write(`${path}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
