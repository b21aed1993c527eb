// A deliberately small decoder for the lab recordings' ground-truth tests: link header (SLL2, SLL,
// Ethernet), outer IPv4, UDP, VXLAN, the inner Ethernet + IPv4, and ICMP errors with the header
// they quote. Independent of src/dissect, so the recordings are checked against how packets are
// built, not against the dissector under test; frames come from the project's capture reader.
import { readFileSync } from 'node:fs';
import { loadCapture } from '../../src/capture/capture.js';
import { LinkType } from '../../src/capture/types.js';

export const PKTTYPE = { HOST: 0, BROADCAST: 1, MULTICAST: 2, OTHERHOST: 3, OUTGOING: 4 } as const;

export interface Ip {
  src: string;
  dst: string;
  proto: number;
  df: boolean;
  mf: boolean;
  fragOffset: number;
  totalLength: number;
  id: number;
  /** Bytes after the IPv4 header (what the capture holds of them). */
  payload: Uint8Array;
}

export interface Pkt {
  frame: number;
  /** Seconds since the epoch, to the nanosecond (as a float: for ordering only). */
  time: number;
  sec: number;
  nsec: number;
  /** The capture's interface name (pcapng), or the ifindex's name from ip -o link (SLL2). */
  iface: string | undefined;
  ifindex: number | undefined;
  pkttype: number | undefined;
  ip: Ip | undefined;
  udp: { sport: number; dport: number } | undefined;
  /** VXLAN over one of the given ports: VNI and the inner IPv4 packet. */
  vxlan: { vni: number; inner: Ip | undefined } | undefined;
  /** The innermost IPv4 (inner if tunnelled, else the outer one). */
  inner: Ip | undefined;
  icmp: { type: number; code: number; mtu: number; quoted: Ip | undefined; quotedUdp: { sport: number; dport: number } | undefined } | undefined;
}

const addr = (d: Uint8Array, p: number): string => `${d[p]}.${d[p + 1]}.${d[p + 2]}.${d[p + 3]}`;
const u16 = (d: Uint8Array, p: number): number => (d[p]! << 8) | d[p + 1]!;

function ipv4(d: Uint8Array): Ip | undefined {
  if (d.length < 20 || d[0]! >> 4 !== 4) return undefined;
  const ihl = (d[0]! & 15) * 4;
  const flags = u16(d, 6);
  return {
    src: addr(d, 12),
    dst: addr(d, 16),
    proto: d[9]!,
    df: (flags & 0x4000) !== 0,
    mf: (flags & 0x2000) !== 0,
    fragOffset: (flags & 0x1fff) * 8,
    totalLength: u16(d, 2),
    id: u16(d, 4),
    payload: d.subarray(ihl),
  };
}

/** ip -o link: ifindex -> name. */
export function ifnames(ipLinkFile: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const m of readFileSync(ipLinkFile, 'utf8').matchAll(/^(\d+): ([^:@\s]+)[@:]/gm)) map.set(Number(m[1]), m[2]!);
  return map;
}

/** Every frame of a recording, decoded as far as this module goes. */
export async function packets(file: string, opts: { ipLink?: string; vxlanPorts?: number[] } = {}): Promise<Pkt[]> {
  const names = opts.ipLink ? ifnames(opts.ipLink) : new Map<number, string>();
  const ports = new Set(opts.vxlanPorts ?? [8472]);
  const c = await loadCapture(file);
  try {
    const out: Pkt[] = [];
    for (let i = 0; i < c.frameCount; i++) {
      const d = c.frame(i);
      const ifc = c.interfaces[c.index.interfaceOf(i)]!;
      let ifindex: number | undefined;
      let pkttype: number | undefined;
      let l3: Uint8Array | undefined;
      if (ifc.linkType === LinkType.LINUX_SLL2 && d.length >= 20) {
        if (u16(d, 0) === 0x0800) l3 = d.subarray(20);
        ifindex = ((d[4]! << 24) | (d[5]! << 16) | (d[6]! << 8) | d[7]!) >>> 0;
        pkttype = d[10];
      } else if (ifc.linkType === LinkType.LINUX_SLL && d.length >= 16) {
        pkttype = u16(d, 0);
        if (u16(d, 14) === 0x0800) l3 = d.subarray(16);
      } else if (ifc.linkType === LinkType.ETHERNET && d.length >= 14) {
        if (u16(d, 12) === 0x0800) l3 = d.subarray(14);
      }
      const ip = l3 && ipv4(l3);
      let udp: Pkt['udp'];
      let vxlan: Pkt['vxlan'];
      let icmp: Pkt['icmp'];
      if (ip?.proto === 17 && ip.fragOffset === 0 && ip.payload.length >= 8) {
        udp = { sport: u16(ip.payload, 0), dport: u16(ip.payload, 2) };
        if (ports.has(udp.dport) && ip.payload.length >= 16) {
          const v = ip.payload.subarray(8);
          const innerEth = v.subarray(8);
          const inner = innerEth.length >= 14 && u16(innerEth, 12) === 0x0800 ? ipv4(innerEth.subarray(14)) : undefined;
          vxlan = { vni: (v[4]! << 16) | (v[5]! << 8) | v[6]!, inner };
        }
      }
      const innermost = vxlan ? vxlan.inner : ip;
      if (innermost?.proto === 1 && innermost.payload.length >= 8) {
        const t = innermost.payload;
        const quoted = t[0] === 3 || t[0] === 11 ? ipv4(t.subarray(8)) : undefined;
        const quotedUdp = quoted?.proto === 17 && quoted.payload.length >= 4 ? { sport: u16(quoted.payload, 0), dport: u16(quoted.payload, 2) } : undefined;
        icmp = { type: t[0]!, code: t[1]!, mtu: u16(t, 6), quoted, quotedUdp };
      }
      const sec = c.index.secondsOf(i);
      const nsec = c.index.nanosOf(i);
      out.push({
        frame: i + 1,
        time: sec + nsec / 1e9,
        sec,
        nsec,
        iface: ifc.name !== undefined && ifc.name !== '' ? ifc.name : ifindex !== undefined ? names.get(ifindex) : undefined,
        ifindex,
        pkttype,
        ip,
        udp,
        vxlan,
        inner: innermost,
        icmp,
      });
    }
    return out;
  } finally {
    c.close();
  }
}

/** A compact description of packets for assertion messages. */
export function describe(ps: readonly Pkt[], max = 8): string {
  return ps
    .slice(0, max)
    .map((p) => `#${p.frame} ${p.iface ?? p.ifindex ?? '?'}/${p.pkttype ?? '-'} ${p.ip?.src ?? ''}>${p.ip?.dst ?? ''}${p.vxlan ? ` vni ${p.vxlan.vni} [${p.inner?.src}>${p.inner?.dst}]` : ''}`)
    .join('\n');
}
