// Captures for the analysis tests, built with the packet builder: a router's `tcpdump -i any`
// (SLL2, In and Out copies of each forwarded packet), single-interface Ethernet captures, and
// the lab recordings when they are there.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCapture } from '../../src/capture/capture.js';
import { readIpLinkEntries } from '../../src/capture/ip-link.js';
import { analyze, readIpRouteFile, type AnalysisOptions, type AnalysisResult } from '../../src/analysis/index.js';
import { TempDir } from '../capture/helpers.js';
import { buildPcap, type PcapRecord } from '../fixtures/capture-writer.js';
import {
  ETH_IPV4,
  ethernet,
  icmpEcho,
  ipv4,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL2,
  sll2,
  tcp,
  udp,
  udpTunnel,
  vxlan,
  innerFrame,
  filler,
  type InnerSpec,
  type OuterSpec,
} from '../fixtures/packet-builder.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SAMPLES = `${ROOT}samples/`;
export const LAB = `${ROOT}samples/lab-recordings/`;

/** The lab recordings, when the lab has produced them. */
export function labFile(name: string): string | undefined {
  const p = LAB + name;
  return existsSync(p) ? p : undefined;
}

// The scenario's lab: nodes, pods and the router.
export const MAC = {
  ctr: '52:54:00:3a:0a:64',
  w0: '52:54:00:3a:14:64',
  r0: '52:54:00:7e:00:c8',
  r1: '52:54:00:7e:0a:c8',
  r2: '52:54:00:7e:14:c8',
  gw: '52:54:00:12:35:02',
  pod0: '0a:58:ac:14:00:0a',
  pod2: '0a:58:ac:14:02:1e',
};
export const IF = { eth0: 2, eth1: 3, eth2: 4 } as const;
export const IFNAMES = new Map<number, string>([
  [2, 'eth0'],
  [3, 'eth1'],
  [4, 'eth2'],
]);
export const CTR = '192.168.10.100';
export const W0 = '192.168.20.100';
export const POD0 = '172.20.0.10';
export const POD2 = '172.20.2.30';

export interface Event {
  /** Microseconds since the start. */
  t: number;
  ifindex: number;
  out: boolean;
  /** Source MAC as SLL2 records it (the sender's on In, the router's own on Out). */
  mac: string;
  ip: Uint8Array;
  /** Keep only the first N bytes (snaplen). */
  snap?: number;
  /** Linux packet type when not the usual one (0 host on In, 4 outgoing on Out); 3 is OTHERHOST. */
  pktType?: number;
}

/** One IPv4 packet; its copy after forwarding has the TTL one lower (the builder recomputes the checksum). */
export interface IpSpec {
  src: string;
  dst: string;
  proto: number;
  ttl: number;
  id: number;
  df?: boolean;
  mf?: boolean;
  fragOffset?: number;
}

export const ip = (h: IpSpec, payload: Uint8Array): Uint8Array => ipv4(h, payload);

/** The In copy on `from` and, `delay` µs later, the Out copy on `to` with TTL - 1. */
export function forward(t: number, h: IpSpec, payload: Uint8Array, from: number, fromMac: string, to: number, toMac: string, delay = 40, ttlDrop = 1): Event[] {
  return [
    { t, ifindex: from, out: false, mac: fromMac, ip: ipv4(h, payload) },
    { t: t + delay, ifindex: to, out: true, mac: toMac, ip: ipv4({ ...h, ttl: h.ttl - ttlDrop }, payload) },
  ];
}

/** A router's `tcpdump -i any` capture: LINKTYPE_LINUX_SLL2. */
export function sll2Capture(events: Event[]): Uint8Array {
  const records: PcapRecord[] = events
    .sort((a, b) => a.t - b.t)
    .map((e) => {
      const data = sll2({ protocol: ETH_IPV4, ifindex: e.ifindex, pktType: e.pktType ?? (e.out ? 4 : 0), addr: e.mac }, e.ip);
      const kept = e.snap !== undefined ? data.slice(0, e.snap) : data;
      return { tsSec: 1_767_225_600 + Math.floor(e.t / 1e6), tsFrac: e.t % 1e6, data: kept, origLen: data.length };
    });
  return buildPcap(records, { linkType: LINKTYPE_LINUX_SLL2 });
}

export interface Frame {
  t: number;
  data: Uint8Array;
  snap?: number;
}

/** A single-interface Ethernet capture (no interface names, no directions). */
export function ethCapture(frames: Frame[]): Uint8Array {
  return buildPcap(
    frames
      .sort((a, b) => a.t - b.t)
      .map((f) => ({
        tsSec: 1_767_225_600 + Math.floor(f.t / 1e6),
        tsFrac: f.t % 1e6,
        data: f.snap !== undefined ? f.data.slice(0, f.snap) : f.data,
        origLen: f.data.length,
      })),
    { linkType: LINKTYPE_ETHERNET },
  );
}

/** A plain IPv4 packet in Ethernet. */
export function eth(h: IpSpec, payload: Uint8Array, src = MAC.ctr, dst = MAC.r1): Uint8Array {
  return ethernet({ src, dst, type: ETH_IPV4 }, ipv4(h, payload));
}

// L4 payloads, with checksums computed over the given addresses.
export const syn = (src: string, dst: string, sport: number, dport = 80, seq = 1000): Uint8Array =>
  tcp({ srcPort: sport, dstPort: dport, seq, flags: 'S', mss: 1460 }, new Uint8Array(0), { src, dst });
export const synAck = (src: string, dst: string, sport: number, dport: number, seq = 5000, ack = 1001): Uint8Array =>
  tcp({ srcPort: sport, dstPort: dport, seq, ack, flags: 'SA', mss: 1460 }, new Uint8Array(0), { src, dst });
export const tcpSeg = (src: string, dst: string, sport: number, dport: number, flags: string, payload: Uint8Array = new Uint8Array(0)): Uint8Array =>
  tcp({ srcPort: sport, dstPort: dport, seq: 1001, ack: 5001, flags }, payload, { src, dst });
export const echo = (type: 8 | 0, id: number, seq: number): Uint8Array => icmpEcho({ type, id, seq }, filler(56));
export const udpL4 = (src: string, dst: string, sport: number, dport: number, payload: Uint8Array): Uint8Array =>
  udp({ srcPort: sport, dstPort: dport }, payload, { src, dst });

export { IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP };

/** A VXLAN (or any UDP tunnel) packet's bytes from the outer IP header on: what a router forwards. */
export function vxlanIp(
  outer: OuterSpec & { ttl: number; id: number },
  vni: number,
  inner: InnerSpec,
  l4: { proto: number; bytes: Uint8Array },
  port = 8472,
  flags?: number,
): Uint8Array {
  const frame = udpTunnel(outer, port, 49152 + (vni % 1000), vxlan({ vni, ...(flags !== undefined ? { flags } : {}) }, innerFrame(inner, l4)));
  return frame.subarray(14);
}

export const OUTER_CTR_W0: OuterSpec = { srcMac: MAC.ctr, dstMac: MAC.r1, src: CTR, dst: W0 };
export const OUTER_W0_CTR: OuterSpec = { srcMac: MAC.w0, dstMac: MAC.r2, src: W0, dst: CTR };
export const INNER_0_2: InnerSpec = { srcMac: MAC.pod0, dstMac: MAC.pod2, src: POD0, dst: POD2, ttl: 63 };
export const INNER_2_0: InnerSpec = { srcMac: MAC.pod2, dstMac: MAC.pod0, src: POD2, dst: POD0, ttl: 63 };

// Made on first use and removed when the process ends: many test files import these helpers
// without writing a capture (or without calling cleanup()), and each left an empty directory.
let dir: TempDir | undefined;
function tempDir(): TempDir {
  if (!dir) {
    dir = new TempDir();
    process.once('exit', cleanup);
  }
  return dir;
}

export function cleanup(): void {
  dir?.cleanup();
  dir = undefined;
}

/** Writes the capture, loads it, analyses it. */
export async function analyzeBytes(bytes: Uint8Array, opts: AnalysisOptions = {}): Promise<AnalysisResult> {
  const capture = await loadCapture(tempDir().write(bytes));
  try {
    return analyze(capture, opts);
  } finally {
    capture.close();
  }
}

/** Analyses a file; `ipLink` / `ipRoute` name files as the CLI options do. */
export async function analyzeFile(path: string, opts: AnalysisOptions & { ipLink?: string; ipRoute?: string } = {}): Promise<AnalysisResult> {
  const { ipLink, ipRoute, ...rest } = opts;
  const o: AnalysisOptions = { ...rest };
  if (ipLink) {
    o.links = readIpLinkEntries(ipLink);
    o.ifnames = new Map(o.links.map((l) => [l.index, l.name]));
  }
  if (ipRoute) o.routes = readIpRouteFile(ipRoute);
  const capture = await loadCapture(path);
  try {
    return analyze(capture, o);
  } finally {
    capture.close();
  }
}

export const ids = (r: AnalysisResult): string[] => r.alerts.map((a) => a.id);
export const serious = (r: AnalysisResult): string[] => r.alerts.filter((a) => a.severity !== 'info').map((a) => `${a.id}: ${a.title}`);
