import { truncatedHeader } from '../dissect.js';
import { formatIpv6, formatMac } from '../format.js';
import { fieldsOf, protocolField, rd16, rd32, u16, u8 } from '../field-helpers.js';
import type { Dissector, FieldValue, Layer, Packet } from '../types.js';
import { cutBySnaplen, icmpCodeName } from './icmp.js';

// ICMPv6 (RFC 4443, ip.proto 58) with Neighbor Discovery (RFC 4861) and MLD (RFC 2710/3810).
// Error messages (types below 128) quote the offending IPv6 packet, decoded as `quoted` layers.

const TYPE_NAMES: Record<number, string> = {
  1: 'Destination Unreachable',
  2: 'Packet Too Big',
  3: 'Time Exceeded',
  4: 'Parameter Problem',
  128: 'Echo (ping) request',
  129: 'Echo (ping) reply',
  130: 'Multicast Listener Query',
  131: 'Multicast Listener Report',
  132: 'Multicast Listener Done',
  133: 'Router Solicitation',
  134: 'Router Advertisement',
  135: 'Neighbor Solicitation',
  136: 'Neighbor Advertisement',
  137: 'Redirect',
  143: 'Multicast Listener Report Message v2',
};

const CODE_NAMES: Record<number, string[]> = {
  1: [
    'no route to destination',
    'Administratively prohibited',
    'Beyond scope of source address',
    'Address unreachable',
    'Port unreachable',
    'Source address failed ingress/egress policy',
    'Reject route to destination',
    'Error in Source Routing Header',
  ],
  3: ['hop limit exceeded in transit', 'fragment reassembly time exceeded'],
  4: [
    'erroneous header field encountered',
    'unrecognized Next Header type encountered',
    'unrecognized IPv6 option encountered',
    'IPv6 First Fragment has incomplete IPv6 Header Chain',
  ],
};

/** Where the Neighbor Discovery options start, by type. */
const ND_OPTIONS_AT: Record<number, number> = { 133: 8, 134: 16, 135: 24, 136: 24, 137: 40 };

/** The fixed part of each message type that has more than the common 8 bytes. */
const MIN_LEN: Record<number, number> = { 130: 24, 131: 24, 132: 24, 134: 16, 135: 24, 136: 24, 137: 40 };

const typeOf = (p: Packet, l: Layer): number => p.data[l.start]!;

/** A fixed-offset field present only for the given types. */
function forTypes(types: number[], offset: number, size: number, read: (d: Uint8Array, at: number) => FieldValue) {
  return {
    get: (p: Packet, l: Layer): FieldValue | undefined =>
      l.start + offset + size <= l.end && types.includes(typeOf(p, l)) ? read(p.data, l.start + offset) : undefined,
    range: (_p: Packet, l: Layer): [number, number] => [l.start + offset, size],
  };
}

const v6 = (d: Uint8Array, at: number): Uint8Array => d.subarray(at, at + 16);
const bytes =
  (n: number) =>
  (d: Uint8Array, at: number): Uint8Array =>
    d.subarray(at, at + n);

interface NdOption {
  type: number;
  /** In units of 8 bytes, as on the wire. */
  length: number;
  at: number;
}

/** The ND options; stops at a zero length (which RFC 4861 says to treat as invalid) or an overrun. */
function ndOptions(p: Packet, l: Layer): NdOption[] {
  const first = ND_OPTIONS_AT[typeOf(p, l)];
  const out: NdOption[] = [];
  if (first === undefined || l.quoted) return out;
  for (let i = l.start + first; i + 2 <= l.end;) {
    const length = p.data[i + 1]!;
    if (length === 0 || i + length * 8 > l.end) break;
    out.push({ type: p.data[i]!, length, at: i });
    i += length * 8;
  }
  return out;
}

const linkAddr = (p: Packet, l: Layer, type: number): Uint8Array[] =>
  ndOptions(p, l)
    .filter((o) => o.type === type && o.length === 1)
    .map((o) => p.data.subarray(o.at + 2, o.at + 8));

/** The nearest IPv6 header below (extension headers may sit in between). */
function ipv6Below(p: Packet, l: Layer): Layer | undefined {
  for (let i = p.layers.indexOf(l) - 1; i > 0; i--) {
    const below = p.layers[i]!;
    if (below.proto === 'ipv6') return below.payload - below.start >= 40 ? below : undefined;
    if (!below.proto.startsWith('ipv6.')) return undefined;
  }
  return undefined;
}

/** Checksum over the RFC 8200 pseudo-header and the message: 1 good, 0 bad, 2 unverified. */
function checksumStatus(p: Packet, l: Layer): number {
  const ip = ipv6Below(p, l);
  if (!ip || l.quoted || cutBySnaplen(p, l)) return 2;
  const d = p.data;
  let sum = 58 + (l.end - l.start);
  for (let i = ip.start + 8; i < ip.start + 40; i += 2) sum += rd16(d, i);
  for (let i = l.start; i < l.end; i += 2) sum += (d[i]! << 8) | (i + 1 < l.end ? d[i + 1]! : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff ? 1 : 0;
}

export const icmpv6: Dissector = {
  proto: 'icmpv6',
  name: 'Internet Control Message Protocol v6',
  short: 'ICMPv6',
  fields: [
    protocolField('icmpv6', 'Internet Control Message Protocol v6'),
    ...fieldsOf('icmpv6', [
      ['icmpv6.type', 'Type', 'uint', { ...u8(0), names: TYPE_NAMES }],
      ['icmpv6.code', 'Code', 'uint', u8(1)],
      ['icmpv6.checksum', 'Checksum', 'uint', { ...u16(2), hexDigits: 4 }],
      [
        'icmpv6.checksum.status',
        'Checksum Status',
        'uint',
        {
          get: (p, l) => (l.payload - l.start >= 4 ? checksumStatus(p, l) : undefined),
          names: { 0: 'Bad', 1: 'Good', 2: 'Unverified' },
          parent: 'icmpv6.checksum',
        },
      ],
      ['icmpv6.reserved', 'Reserved', 'bytes', forTypes([1, 3, 133, 135, 137], 4, 4, bytes(4))],
      ['icmpv6.mtu', 'MTU', 'uint', forTypes([2], 4, 4, rd32)],
      ['icmpv6.pointer', 'Pointer', 'uint', forTypes([4], 4, 4, rd32)],
      ['icmpv6.echo.identifier', 'Identifier', 'uint', { ...forTypes([128, 129], 4, 2, rd16), hexDigits: 4 }],
      ['icmpv6.echo.sequence_number', 'Sequence', 'uint', forTypes([128, 129], 6, 2, rd16)],
      ['icmpv6.mld.maximum_response_delay', 'Maximum Response Delay [ms]', 'uint', forTypes([130, 131, 132], 4, 2, rd16)],
      ['icmpv6.mld.multicast_address', 'Multicast Address', 'ipv6', forTypes([130, 131, 132], 8, 16, v6)],
      ['icmpv6.mldr.nb_mcast_records', 'Number of Multicast Address Records', 'uint', forTypes([143], 6, 2, rd16)],
      ['icmpv6.nd.ra.cur_hop_limit', 'Cur hop limit', 'uint', forTypes([134], 4, 1, (d, at) => d[at]!)],
      ['icmpv6.nd.ra.router_lifetime', 'Router lifetime (s)', 'uint', forTypes([134], 6, 2, rd16)],
      ['icmpv6.nd.ra.reachable_time', 'Reachable time (ms)', 'uint', forTypes([134], 8, 4, rd32)],
      ['icmpv6.nd.ra.retrans_timer', 'Retrans timer (ms)', 'uint', forTypes([134], 12, 4, rd32)],
      ['icmpv6.nd.ns.target_address', 'Target Address', 'ipv6', forTypes([135], 8, 16, v6)],
      ['icmpv6.nd.na.flag', 'Flags', 'uint', { ...forTypes([136], 4, 4, rd32), hexDigits: 8 }],
      ['icmpv6.nd.na.flag.r', 'Router', 'bool', { ...forTypes([136], 4, 1, (d, at) => (d[at]! & 0x80) !== 0), parent: 'icmpv6.nd.na.flag' }],
      ['icmpv6.nd.na.flag.s', 'Solicited', 'bool', { ...forTypes([136], 4, 1, (d, at) => (d[at]! & 0x40) !== 0), parent: 'icmpv6.nd.na.flag' }],
      ['icmpv6.nd.na.flag.o', 'Override', 'bool', { ...forTypes([136], 4, 1, (d, at) => (d[at]! & 0x20) !== 0), parent: 'icmpv6.nd.na.flag' }],
      ['icmpv6.nd.na.target_address', 'Target Address', 'ipv6', forTypes([136], 8, 16, v6)],
      ['icmpv6.nd.rd.target_address', 'Target Address', 'ipv6', forTypes([137], 8, 16, v6)],
      ['icmpv6.nd.rd.destination_address', 'Destination Address', 'ipv6', forTypes([137], 24, 16, v6)],
      ['icmpv6.opt.type', 'Type', 'uint', { get: (p, l) => ndOptions(p, l).map((o) => o.type) }],
      ['icmpv6.opt.length', 'Length', 'uint', { get: (p, l) => ndOptions(p, l).map((o) => o.length) }],
      ['icmpv6.opt.linkaddr', 'Link-layer address', 'ether', { get: (p, l) => [...linkAddr(p, l, 1), ...linkAddr(p, l, 2)] }],
      ['icmpv6.opt.src_linkaddr', 'Source Link-layer address', 'ether', { get: (p, l) => linkAddr(p, l, 1) }],
      ['icmpv6.opt.target_linkaddr', 'Target Link-layer address', 'ether', { get: (p, l) => linkAddr(p, l, 2) }],
    ]),
  ],
  decode(ctx, start, end) {
    const type = end > start ? ctx.pkt.data[start]! : 0;
    // Errors and echoes have an 8-byte header; for the rest the whole message is this layer's fields.
    const min = MIN_LEN[type] ?? 8;
    const hdr = type <= 129 ? 8 : Math.max(end - start, min);
    const layer = ctx.push('icmpv6', start, start + hdr, end);
    if (end - start < Math.max(hdr, min)) return truncatedHeader(ctx, 'ICMPv6', layer);
    if (start + hdr >= end) return undefined;
    if (type < 128 && !layer.quoted) {
      ctx.enterQuote();
      return { proto: 'ipv6', start: start + hdr, end };
    }
    return { proto: 'data', start: start + hdr, end };
  },
  title: () => 'Internet Control Message Protocol v6',
  info(p, l) {
    if (l.payload - l.start < 4) return 'ICMPv6 (truncated)';
    const d = p.data;
    const type = typeOf(p, l);
    let s = TYPE_NAMES[type] ?? (type >= 200 ? 'Private experimentation' : `Unknown (${type})`);
    const code = icmpCodeName(CODE_NAMES, type, d[l.start + 1]!);
    if (code) s += ` (${code})`;
    const full = (n: number): boolean => l.start + n <= l.end;
    const src = linkAddr(p, l, 1)[0];
    const tgt = linkAddr(p, l, 2)[0];
    if ((type === 128 || type === 129) && full(8)) {
      s += ` id=0x${rd16(d, l.start + 4)
        .toString(16)
        .padStart(4, '0')}, seq=${rd16(d, l.start + 6)}`;
      const ip = ipv6Below(p, l);
      if (ip) s += `, hop limit=${d[ip.start + 7]}`;
    } else if (type === 135 && full(24)) {
      s += ` for ${formatIpv6(v6(d, l.start + 8))}${src ? ` from ${formatMac(src)}` : ''}`;
    } else if (type === 136 && full(24)) {
      const f = d[l.start + 4]!;
      const flags = [f & 0x80 ? 'rtr' : '', f & 0x40 ? 'sol' : '', f & 0x20 ? 'ovr' : ''].filter(Boolean).join(', ') || 'none';
      s += ` ${formatIpv6(v6(d, l.start + 8))} (${flags})${tgt ? ` is at ${formatMac(tgt)}` : ''}`;
    } else if ((type === 133 || type === 134) && src) {
      s += ` from ${formatMac(src)}`;
    }
    return s;
  },
};
