// Generates the many-flow benchmark capture: VXLAN on UDP 8472 between 16 nodes, several VNIs,
// and mostly distinct inner 5-tuples: HTTP over TCP, TCP handshakes to 443, ICMP echo, DNS,
// other UDP, and a few fragmented datagrams. Each conversation is answered, as on a healthy
// cluster, so the figures measure the cost of many flows rather than of many alerts.
// Frames are built once per kind with the test packet builder, then copied per packet with the
// addresses, ports and IDs of the flow patched in and every checksum recomputed.
import { closeSync, existsSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  dnsQuery,
  dnsResponse,
  ethernet,
  ETH_IPV4,
  filler,
  httpRequest,
  httpResponse,
  icmpEcho,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  ipv4,
  PORT_VXLAN_LINUX,
  tcp,
  udp,
  udpTunnel,
  vxlan,
  vxlanFrame,
  type L4,
} from '../../test/fixtures/packet-builder.js';
import type { BenchCapture } from './make-capture.js';

const GENERATOR_VERSION = 1;
const NODES = 16;
const VARIANTS = 16;
/** Flows whose first packets are written before their answers: a little concurrency. */
const GROUP = 8;

// Offsets in a VXLAN frame with untagged outer Ethernet, IPv4 without options (both layers).
const OUTER_IP = 14;
const OUTER_UDP = 34;
const VNI = 46;
const INNER_ETH = 50;
const INNER_IP = 64;
const L4_START = 84;

type Kind = 'http' | 'syn' | 'icmp' | 'dns' | 'udp' | 'frag';

/** One packet of a conversation: which way it goes and its bytes with placeholder addresses. */
interface Template {
  fromClient: boolean;
  bytes: Uint8Array;
  /** Inner fragments carry no L4 header to patch (except the first) and no L4 checksum. */
  fragment: boolean;
  proto: number;
}

const PLACEHOLDER = {
  outer: { srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', src: '10.0.0.1', dst: '10.0.0.2' },
  inner: { srcMac: '0a:58:00:00:00:01', dstMac: '0a:58:00:00:00:02', src: '10.244.0.1', dst: '10.244.0.2' },
};

function frame(fromClient: boolean, l4: L4): Template {
  return { fromClient, bytes: vxlanFrame({ outer: PLACEHOLDER.outer, vni: 1, inner: PLACEHOLDER.inner }, l4), fragment: false, proto: l4.proto };
}

/** An inner IPv4 fragment inside VXLAN (the packet builder's innerFrame does not fragment). */
function fragmentFrame(payload: Uint8Array, offsetBytes: number, more: boolean): Template {
  const ip = ipv4({ ...PLACEHOLDER.inner, proto: IPPROTO_UDP, id: 1, mf: more, fragOffset: offsetBytes / 8 }, payload);
  const inner = ethernet({ src: PLACEHOLDER.inner.srcMac, dst: PLACEHOLDER.inner.dstMac, type: ETH_IPV4 }, ip);
  const bytes = udpTunnel(PLACEHOLDER.outer, PORT_VXLAN_LINUX, 49152, vxlan({ vni: 1 }, inner));
  return { fromClient: true, bytes, fragment: true, proto: IPPROTO_UDP };
}

function conversation(kind: Kind, v: number): Template[] {
  const cport = 40000;
  switch (kind) {
    case 'http': {
      const port = v % 2 ? 8080 : 80;
      const req = httpRequest('GET', `/api/v1/items/${v * 37}`, `svc-${v}.default.svc`);
      const res = httpResponse(200, 'OK', 'x'.repeat(20 + v * 9));
      return [
        frame(true, { proto: IPPROTO_TCP, bytes: tcp({ srcPort: cport, dstPort: port, seq: 1000 + v, ack: 5000, flags: 'PA' }, req) }),
        frame(false, { proto: IPPROTO_TCP, bytes: tcp({ srcPort: port, dstPort: cport, seq: 5000, ack: 1000 + v + req.length, flags: 'PA' }, res) }),
      ];
    }
    case 'syn':
      return [
        frame(true, { proto: IPPROTO_TCP, bytes: tcp({ srcPort: cport, dstPort: 443, seq: 7000 + v, flags: 'S', mss: 1410 }, new Uint8Array(0)) }),
        frame(false, { proto: IPPROTO_TCP, bytes: tcp({ srcPort: 443, dstPort: cport, seq: 9000, ack: 7001 + v, flags: 'SA', mss: 1410 }, new Uint8Array(0)) }),
      ];
    case 'icmp': {
      const payload = filler(16 + v * 4, v);
      return [
        frame(true, { proto: IPPROTO_ICMP, bytes: icmpEcho({ type: 8, id: 1, seq: v }, payload) }),
        frame(false, { proto: IPPROTO_ICMP, bytes: icmpEcho({ type: 0, id: 1, seq: v }, payload) }),
      ];
    }
    case 'dns': {
      const name = `svc-${v}.ns-${v % 5}.svc.cluster.local`;
      return [
        frame(true, { proto: IPPROTO_UDP, bytes: udp({ srcPort: cport, dstPort: 53 }, dnsQuery({ id: 100 + v, name })) }),
        frame(false, { proto: IPPROTO_UDP, bytes: udp({ srcPort: 53, dstPort: cport }, dnsResponse({ id: 100 + v, name, addresses: [`10.96.${v}.10`] })) }),
      ];
    }
    case 'udp':
      return [
        frame(true, { proto: IPPROTO_UDP, bytes: udp({ srcPort: cport, dstPort: 12345 }, filler(40 + v * 8, v)) }),
        frame(false, { proto: IPPROTO_UDP, bytes: udp({ srcPort: 12345, dstPort: cport }, filler(24 + v * 3, v)) }),
      ];
    case 'frag': {
      // A 1,800-byte UDP datagram (checksum 0: allowed over IPv4) split like a 1,450-byte inner MTU would.
      const datagram = udp({ srcPort: cport, dstPort: 12346, checksum: false }, filler(1792, v));
      const first = 1400;
      return [
        fragmentFrame(datagram.subarray(0, first), 0, true),
        fragmentFrame(datagram.subarray(first), first, false),
        frame(false, { proto: IPPROTO_UDP, bytes: udp({ srcPort: 12346, dstPort: cport }, filler(32, v)) }),
      ];
    }
  }
}

/** Kind of flow f: 30% HTTP, 20% handshakes, 20% ICMP, 20% DNS, 8% other UDP, 2% fragmented. */
function kindOf(f: number): Kind {
  const r = Math.imul(f, 37) % 50;
  if (r < 15) return 'http';
  if (r < 25) return 'syn';
  if (r < 35) return 'icmp';
  if (r < 45) return 'dns';
  if (r < 49) return 'udp';
  return 'frag';
}

function checksum(b: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (i < end) sum += b[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
}

function put32(b: Uint8Array, at: number, v: number): void {
  put16(b, at, v >>> 16);
  put16(b, at + 2, v & 0xffff);
}

interface Endpoint {
  node: number;
  ip: number;
  mac: [number, number];
  port: number;
}

const nodeIp = (n: number): number => ((10 << 24) | ((n >> 2) << 8) | ((n & 3) + 10)) >>> 0;

function endpoints(f: number): { client: Endpoint; server: Endpoint; vni: number } {
  const cn = f % NODES;
  let sn = (f * 7 + 3) % NODES;
  if (sn === cn) sn = (sn + 1) % NODES;
  const chost = 2 + ((f >>> 4) % 250);
  const shost = 2 + ((Math.imul(f, 13) >>> 6) % 40);
  const port = 32768 + ((Math.imul(f, 2654435761) >>> 0) % 28232);
  return {
    client: { node: cn, ip: ((10 << 24) | (244 << 16) | (cn << 8) | chost) >>> 0, mac: [cn, chost], port },
    server: { node: sn, ip: ((10 << 24) | (244 << 16) | (sn << 8) | shost) >>> 0, mac: [sn, shost], port: 0 },
    vni: 1 + (cn % 4),
  };
}

function putMac(b: Uint8Array, at: number, prefix: [number, number, number, number], last: [number, number]): void {
  b.set(prefix, at);
  b[at + 4] = last[0];
  b[at + 5] = last[1];
}

/** Writes template t as a packet of flow f into out at `at`; returns the bytes written. */
function emit(out: Uint8Array, at: number, t: Template, f: number, seq: number): number {
  const b = out.subarray(at, at + t.bytes.length);
  b.set(t.bytes);
  const { client, server, vni } = endpoints(f);
  const [src, dst] = t.fromClient ? [client, server] : [server, client];
  putMac(b, 0, [0x02, 0x00, 0x0a, 0x00], [0, dst.node + 1]);
  putMac(b, 6, [0x02, 0x00, 0x0a, 0x00], [0, src.node + 1]);
  put16(b, OUTER_IP + 4, seq & 0xffff);
  put32(b, OUTER_IP + 12, nodeIp(src.node));
  put32(b, OUTER_IP + 16, nodeIp(dst.node));
  put16(b, OUTER_IP + 10, 0);
  put16(b, OUTER_IP + 10, checksum(b, OUTER_IP, OUTER_IP + 20));
  put16(b, OUTER_UDP, 49152 + ((Math.imul(f, 40503) >>> 0) % 16384));
  b[VNI] = 0;
  b[VNI + 1] = (vni >>> 8) & 0xff;
  b[VNI + 2] = vni & 0xff;
  putMac(b, INNER_ETH, [0x0a, 0x58, 0x0a, 0xf4], dst.mac);
  putMac(b, INNER_ETH + 6, [0x0a, 0x58, 0x0a, 0xf4], src.mac);
  put16(b, INNER_IP + 4, f & 0xffff);
  put32(b, INNER_IP + 12, src.ip);
  put32(b, INNER_IP + 16, dst.ip);
  put16(b, INNER_IP + 10, 0);
  put16(b, INNER_IP + 10, checksum(b, INNER_IP, INNER_IP + 20));
  const firstFragment = !t.fragment || ((b[INNER_IP + 6]! & 0x1f) | b[INNER_IP + 7]!) === 0;
  if (!firstFragment) return b.length;
  if (t.proto === IPPROTO_ICMP) {
    put16(b, L4_START + 4, f & 0xffff);
    put16(b, L4_START + 2, 0);
    put16(b, L4_START + 2, checksum(b, L4_START, b.length));
    return b.length;
  }
  // TCP and UDP: the client's ephemeral port; the server's port stays as the template has it.
  put16(b, t.fromClient ? L4_START : L4_START + 2, client.port);
  if (t.fragment) return b.length;
  const csumAt = t.proto === IPPROTO_TCP ? L4_START + 16 : L4_START + 6;
  const len = b.length - L4_START;
  put16(b, csumAt, 0);
  // Pseudo-header: source, destination, protocol, L4 length.
  const pseudo = (src.ip >>> 16) + (src.ip & 0xffff) + (dst.ip >>> 16) + (dst.ip & 0xffff) + t.proto + len;
  const sum = checksum(b, L4_START, b.length, pseudo);
  put16(b, csumAt, t.proto === IPPROTO_UDP && sum === 0 ? 0xffff : sum);
  return b.length;
}

/** Path of the cached many-flow capture with (about) this many packets, generating it if needed. */
export function ensureManyFlowCapture(packets: number): BenchCapture & { flows: number } {
  const path = join(tmpdir(), `vxshark-bench-manyflows-${packets}-v${GENERATOR_VERSION}.pcap`);
  const kinds: Kind[] = ['http', 'syn', 'icmp', 'dns', 'udp', 'frag'];
  const templates = new Map<Kind, Template[][]>(kinds.map((k) => [k, Array.from({ length: VARIANTS }, (_, v) => conversation(k, v))]));
  const conv = (f: number): Template[] => templates.get(kindOf(f))![(f >>> 2) % VARIANTS]!;
  // Count flows first so a cached file reports them too.
  let flows = 0;
  for (let n = 0; n < packets; flows++) n += conv(flows).length;
  if (existsSync(path)) return { path, packets, bytes: statSync(path).size, generated: false, flows };

  const partial = `${path}.${process.pid}.partial`;
  const fd = openSync(partial, 'w');
  const BUF = 8 * 1024 * 1024;
  const buf = new Uint8Array(BUF);
  const dv = new DataView(buf.buffer);
  let used = 0;
  let total = 0;
  const flush = (): void => {
    let o = 0;
    while (o < used) o += writeSync(fd, buf, o, used - o);
    total += used;
    used = 0;
  };
  // Header: little-endian microseconds, version 2.4, snaplen 262144, Ethernet.
  dv.setUint32(0, 0xa1b2c3d4, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(16, 262144, true);
  dv.setUint32(20, 1, true);
  used = 24;
  let sec = 1_767_225_600; // 2026-01-01
  let usec = 0;
  let written = 0;
  const write = (t: Template, f: number): void => {
    if (written >= packets) return;
    if (used + 16 + t.bytes.length > BUF) flush();
    usec += 1 + ((Math.imul(written, 2654435761) >>> 0) >>> 26); // 1..64 µs apart
    if (usec >= 1_000_000) {
      sec += 1;
      usec -= 1_000_000;
    }
    dv.setUint32(used, sec, true);
    dv.setUint32(used + 4, usec, true);
    dv.setUint32(used + 8, t.bytes.length, true);
    dv.setUint32(used + 12, t.bytes.length, true);
    used += 16 + emit(buf, used + 16, t, f, written);
    written++;
  };
  try {
    for (let g = 0; written < packets; g += GROUP) {
      // Requests of a group of flows, then their answers.
      for (let f = g; f < g + GROUP; f++) for (const t of conv(f)) if (t.fromClient) write(t, f);
      for (let f = g; f < g + GROUP; f++) for (const t of conv(f)) if (!t.fromClient) write(t, f);
    }
    flush();
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
  return { path, packets, bytes: total, generated: true, flows };
}
