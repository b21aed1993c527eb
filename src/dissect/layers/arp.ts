import { truncatedHeader } from '../dissect.js';
import { formatBytes, formatIpv4, formatMac } from '../format.js';
import { fieldsOf, protocolField, rd16, rd32, u16, u8 } from '../field-helpers.js';
import type { Dissector, FieldValue, Layer, Packet } from '../types.js';
import { ETHERTYPE_NAMES } from './names.js';

// ARP (RFC 826) and RARP (RFC 903), ethertypes 0x0806 and 0x8035: one header layout whose
// address fields take their sizes from the hardware and protocol size bytes.

const OPCODE_NAMES: Record<number, string> = {
  1: 'request',
  2: 'reply',
  3: 'reverse request',
  4: 'reverse reply',
  5: 'drarp-request',
  6: 'drarp-reply',
  7: 'drarp-error',
  8: 'inverse request',
  9: 'inverse reply',
  10: 'arp nak',
};

const HW_NAMES: Record<number, string> = {
  1: 'Ethernet (10Mb)',
  6: 'IEEE 802 Networks',
  15: 'Frame Relay',
  16: 'Asynchronous Transfer Mode (ATM)',
  18: 'Fibre Channel',
  20: 'Serial Line',
  32: 'InfiniBand',
};

interface Addrs {
  hs: number;
  ps: number;
  /** Offsets of sender hardware, sender protocol, target hardware, target protocol addresses. */
  sha: number;
  spa: number;
  tha: number;
  tpa: number;
}

/** The address layout, or undefined when the header is cut short. */
function addrs(p: Packet, l: Layer): Addrs | undefined {
  const d = p.data;
  if (l.payload - l.start < 8) return undefined;
  const hs = d[l.start + 4]!;
  const ps = d[l.start + 5]!;
  if (l.start + 8 + 2 * (hs + ps) > l.payload) return undefined;
  const sha = l.start + 8;
  return { hs, ps, sha, spa: sha + hs, tha: sha + hs + ps, tpa: sha + 2 * hs + ps };
}

/** Wireshark's test for Ethernet-style MACs and IPv4 addresses (else the fields are raw bytes). */
const isMac = (p: Packet, l: Layer, a: Addrs): boolean => a.hs === 6 && [1, 6].includes(rd16(p.data, l.start));
const isIpv4 = (p: Packet, l: Layer, a: Addrs): boolean => a.ps === 4 && rd16(p.data, l.start + 2) === 0x0800;

type Pick = (a: Addrs) => number;
const SHA: Pick = (a) => a.sha;
const THA: Pick = (a) => a.tha;
const SPA: Pick = (a) => a.spa;
const TPA: Pick = (a) => a.tpa;

function hwField(which: Pick, mac: boolean) {
  return {
    get: (p: Packet, l: Layer): FieldValue | undefined => {
      const a = addrs(p, l);
      if (!a || isMac(p, l, a) !== mac) return undefined;
      return p.data.subarray(which(a), which(a) + a.hs);
    },
    range: (p: Packet, l: Layer): [number, number] | undefined => {
      const a = addrs(p, l);
      return a ? [which(a), a.hs] : undefined;
    },
  };
}

function protoField(which: Pick, ipv4: boolean) {
  return {
    get: (p: Packet, l: Layer): FieldValue | undefined => {
      const a = addrs(p, l);
      if (!a || isIpv4(p, l, a) !== ipv4) return undefined;
      return ipv4 ? rd32(p.data, which(a)) : p.data.subarray(which(a), which(a) + a.ps);
    },
    range: (p: Packet, l: Layer): [number, number] | undefined => {
      const a = addrs(p, l);
      return a ? [which(a), a.ps] : undefined;
    },
  };
}

function hwText(p: Packet, l: Layer, a: Addrs, at: number): string {
  const b = p.data.subarray(at, at + a.hs);
  return isMac(p, l, a) ? formatMac(b) : formatBytes(b);
}

function protoText(p: Packet, l: Layer, a: Addrs, at: number): string {
  return isIpv4(p, l, a) ? formatIpv4(rd32(p.data, at)) : formatBytes(p.data.subarray(at, at + a.ps));
}

/** The Info column, worded as Wireshark words it. */
function describe(p: Packet, l: Layer): string {
  const a = addrs(p, l);
  if (!a) return 'ARP (truncated)';
  const op = rd16(p.data, l.start + 6);
  const sha = hwText(p, l, a, a.sha);
  const tha = hwText(p, l, a, a.tha);
  const spa = protoText(p, l, a, a.spa);
  const tpa = protoText(p, l, a, a.tpa);
  const zeroSender = p.data.subarray(a.spa, a.spa + a.ps).every((b) => b === 0);
  switch (op) {
    case 1:
      if (spa === tpa) return `ARP Announcement for ${tpa}`;
      if (zeroSender) return `Who has ${tpa}? (ARP Probe)`;
      return `Who has ${tpa}? Tell ${spa}`;
    case 2:
      return spa === tpa ? `Gratuitous ARP for ${tpa} (Reply)` : `${spa} is at ${sha}`;
    case 3:
    case 8:
      return `Who is ${tha}? Tell ${sha}`;
    case 4:
      return `${tha} is at ${tpa}`;
    case 9:
      return `${sha} is at ${spa}`;
    default:
      return `${OPCODE_NAMES[op] ?? 'Unknown ARP opcode'} (0x${op.toString(16).padStart(4, '0')})`;
  }
}

export const arp: Dissector = {
  proto: 'arp',
  name: 'Address Resolution Protocol',
  short: 'ARP',
  fields: [
    protocolField('arp', 'Address Resolution Protocol'),
    ...fieldsOf('arp', [
      ['arp.hw.type', 'Hardware type', 'uint', { ...u16(0), names: HW_NAMES }],
      ['arp.proto.type', 'Protocol type', 'uint', { ...u16(2), hexDigits: 4, names: ETHERTYPE_NAMES }],
      ['arp.hw.size', 'Hardware size', 'uint', u8(4)],
      ['arp.proto.size', 'Protocol size', 'uint', u8(5)],
      ['arp.opcode', 'Opcode', 'uint', { ...u16(6), names: OPCODE_NAMES }],
      ['arp.src.hw_mac', 'Sender MAC address', 'ether', hwField(SHA, true)],
      ['arp.src.hw', 'Sender hardware address', 'bytes', hwField(SHA, false)],
      ['arp.src.proto_ipv4', 'Sender IP address', 'ipv4', protoField(SPA, true)],
      ['arp.src.proto', 'Sender protocol address', 'bytes', protoField(SPA, false)],
      ['arp.dst.hw_mac', 'Target MAC address', 'ether', hwField(THA, true)],
      ['arp.dst.hw', 'Target hardware address', 'bytes', hwField(THA, false)],
      ['arp.dst.proto_ipv4', 'Target IP address', 'ipv4', protoField(TPA, true)],
      ['arp.dst.proto', 'Target protocol address', 'bytes', protoField(TPA, false)],
    ]),
  ],
  decode(ctx, start, end) {
    const d = ctx.pkt.data;
    const len = end - start >= 6 ? 8 + 2 * (d[start + 4]! + d[start + 5]!) : 8;
    // Bytes after the addresses are the link layer's padding, not part of ARP.
    const layer = ctx.push('arp', start, start + len, Math.min(end, start + len));
    if (end - start < len) return truncatedHeader(ctx, 'ARP', layer);
    return undefined;
  },
  title(p, l) {
    const op = l.payload - l.start >= 8 ? rd16(p.data, l.start + 6) : 0;
    const rarp = op === 3 || op === 4;
    return `${rarp ? 'Reverse ' : ''}Address Resolution Protocol (${OPCODE_NAMES[op] ?? `opcode ${op}`})`;
  },
  /**
   * ARP has no addresses of its own in the packet list: like Wireshark, the columns show the
   * link layer that carries it (Ethernet source and destination; for a cooked capture the
   * source only), so ARP inside a tunnel shows the inner Ethernet, not the outer IPs.
   */
  endpoints(p, l) {
    let i = p.layers.indexOf(l) - 1;
    while (i > 0 && p.layers[i]!.proto === 'vlan') i--;
    const below = p.layers[i];
    const d = p.data;
    if (below?.proto === 'eth' && below.payload - below.start >= 14) {
      return [formatMac(d, below.start + 6), formatMac(d, below.start)];
    }
    if (below?.proto === 'sll' && below.payload - below.start >= 16) {
      return [rd16(d, below.start + 4) === 6 ? formatMac(d, below.start + 6) : '', ''];
    }
    if (below?.proto === 'sll2' && below.payload - below.start >= 20) {
      return [d[below.start + 11] === 6 ? formatMac(d, below.start + 12) : '', ''];
    }
    const a = addrs(p, l);
    return a ? [hwText(p, l, a, a.sha), hwText(p, l, a, a.tha)] : ['', ''];
  },
  info: describe,
};
