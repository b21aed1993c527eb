import { truncatedHeader } from '../dissect.js';
import { fieldsOf, ipv4At, protocolField, rd16, u16, u8 } from '../field-helpers.js';
import type { Dissector, FieldValue, Layer, Packet } from '../types.js';

// ICMP (RFC 792, ip.proto 1). Error messages quote the offending IP header and at least the
// first 8 bytes of its payload; that quote is decoded as nested layers marked `quoted`.

export const ICMP_TYPE_NAMES: Record<number, string> = {
  0: 'Echo (ping) reply',
  3: 'Destination unreachable',
  4: 'Source quench (flow control)',
  5: 'Redirect',
  8: 'Echo (ping) request',
  9: 'Router advertisement',
  10: 'Router solicitation',
  11: 'Time-to-live exceeded',
  12: 'Parameter problem',
  13: 'Timestamp request',
  14: 'Timestamp reply',
  15: 'Information request',
  16: 'Information reply',
  17: 'Address mask request',
  18: 'Address mask reply',
};

const CODE_NAMES: Record<number, string[]> = {
  3: [
    'Network unreachable',
    'Host unreachable',
    'Protocol unreachable',
    'Port unreachable',
    'Fragmentation needed',
    'Source route failed',
    'Destination network unknown',
    'Destination host unknown',
    'Source host isolated',
    'Network administratively prohibited',
    'Host administratively prohibited',
    'Network unreachable for TOS',
    'Host unreachable for TOS',
    'Communication administratively filtered',
    'Host precedence violation',
    'Precedence cutoff in effect',
  ],
  5: ['Redirect for network', 'Redirect for host', 'Redirect for TOS and network', 'Redirect for TOS and host'],
  11: ['Time to live exceeded in transit', 'Fragment reassembly time exceeded'],
  12: ['Pointer indicates the error', 'Required option missing', 'Bad length'],
};

/** Types whose message quotes the packet that caused it. */
const ERROR_TYPES = new Set([3, 4, 5, 11, 12]);
/** Types with an identifier and sequence number after the checksum. */
const ID_SEQ_TYPES = new Set([0, 8, 13, 14, 15, 16, 17, 18]);
/** Fixed header sizes where they exceed the common 8 bytes. */
const HEADER_LEN: Record<number, number> = { 13: 20, 14: 20, 17: 12, 18: 12 };

export const isIcmpError = (type: number): boolean => ERROR_TYPES.has(type);
export const icmpHeaderLength = (type: number): number => HEADER_LEN[type] ?? 8;

const typeOf = (p: Packet, l: Layer): number => p.data[l.start]!;
const codeOf = (p: Packet, l: Layer): number => p.data[l.start + 1]!;
const le16 = (d: Uint8Array, at: number): number => d[at]! | (d[at + 1]! << 8);

/** A field of the 8-byte header present only for some types (and only when the header is whole). */
function when(test: (type: number, code: number) => boolean, offset: number, size: number, read: (d: Uint8Array, at: number) => FieldValue) {
  return {
    get: (p: Packet, l: Layer): FieldValue | undefined =>
      l.start + offset + size <= l.payload && test(typeOf(p, l), codeOf(p, l)) ? read(p.data, l.start + offset) : undefined,
    range: (_p: Packet, l: Layer): [number, number] => [l.start + offset, size],
  };
}

const idSeq = (t: number): boolean => ID_SEQ_TYPES.has(t);
const fragNeeded = (t: number, c: number): boolean => t === 3 && c === 4;

/** Whether the snaplen cut this message short (then, as in Wireshark, its checksum is not verified). */
export function cutBySnaplen(p: Packet, l: Layer): boolean {
  return p.frame.capLen < p.frame.origLen && l.end >= p.data.length;
}

/** RFC 1071 sum over the message: 1 good, 0 bad, 2 unverified (quoted, or not all captured). */
function checksumStatus(p: Packet, l: Layer): number {
  if (l.quoted || cutBySnaplen(p, l)) return 2;
  let sum = 0;
  for (let i = l.start; i < l.end; i += 2) sum += (p.data[i]! << 8) | (i + 1 < l.end ? p.data[i + 1]! : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff ? 1 : 0;
}

export function icmpCodeName(names: Record<number, string[]>, type: number, code: number): string | undefined {
  const list = names[type];
  return list ? (list[code] ?? 'Unknown') : undefined;
}

export const icmp: Dissector = {
  proto: 'icmp',
  name: 'Internet Control Message Protocol',
  short: 'ICMP',
  fields: [
    protocolField('icmp', 'Internet Control Message Protocol'),
    ...fieldsOf('icmp', [
      ['icmp.type', 'Type', 'uint', { ...u8(0), names: ICMP_TYPE_NAMES }],
      ['icmp.code', 'Code', 'uint', u8(1)],
      ['icmp.checksum', 'Checksum', 'uint', { ...u16(2), hexDigits: 4 }],
      [
        'icmp.checksum.status',
        'Checksum Status',
        'uint',
        {
          get: (p, l) => (l.payload - l.start >= 4 ? checksumStatus(p, l) : undefined),
          names: { 0: 'Bad', 1: 'Good', 2: 'Unverified' },
          parent: 'icmp.checksum',
        },
      ],
      ['icmp.ident', 'Identifier (BE)', 'uint', when(idSeq, 4, 2, rd16)],
      ['icmp.ident_le', 'Identifier (LE)', 'uint', when(idSeq, 4, 2, le16)],
      ['icmp.seq', 'Sequence Number (BE)', 'uint', when(idSeq, 6, 2, rd16)],
      ['icmp.seq_le', 'Sequence Number (LE)', 'uint', when(idSeq, 6, 2, le16)],
      ['icmp.redir_gw', 'Gateway Address', 'ipv4', { ...ipv4At(4), get: (p, l) => (typeOf(p, l) === 5 ? ipv4At(4).get(p, l) : undefined) }],
      [
        'icmp.pointer',
        'Pointer',
        'uint',
        when(
          (t) => t === 12,
          4,
          1,
          (d, at) => d[at]!,
        ),
      ],
      ['icmp.mtu', 'MTU of next hop', 'uint', when(fragNeeded, 6, 2, rd16)],
      [
        'icmp.unused',
        'Unused',
        'bytes',
        {
          get: (p, l) => {
            const t = typeOf(p, l);
            if (l.start + 8 > l.payload || !ERROR_TYPES.has(t) || t === 5) return undefined;
            const from = t === 12 ? 5 : 4;
            const to = fragNeeded(t, codeOf(p, l)) ? 6 : 8;
            return p.data.subarray(l.start + from, l.start + to);
          },
        },
      ],
    ]),
  ],
  decode(ctx, start, end) {
    const d = ctx.pkt.data;
    const type = end > start ? d[start]! : 0;
    const hdr = icmpHeaderLength(type);
    const layer = ctx.push('icmp', start, start + hdr, end);
    if (end - start < hdr) return truncatedHeader(ctx, 'ICMP', layer);
    if (start + hdr >= end) return undefined;
    if (ERROR_TYPES.has(type)) {
      // An error about an error is not decoded further (nor is one inside another's quote).
      if (layer.quoted) return { proto: 'data', start: start + hdr, end };
      ctx.enterQuote();
      return { proto: 'ip', start: start + hdr, end };
    }
    return { proto: 'data', start: start + hdr, end };
  },
  title: () => 'Internet Control Message Protocol',
  info(p, l) {
    if (l.payload - l.start < 4) return 'ICMP (truncated)';
    const d = p.data;
    const type = typeOf(p, l);
    const name = ICMP_TYPE_NAMES[type];
    if (name === undefined) return 'Unknown ICMP (obsolete or malformed?)';
    // Wireshark pads the type to 20 columns, which lines up the id/seq of requests and replies.
    let s = name.padEnd(20);
    const code = icmpCodeName(CODE_NAMES, type, codeOf(p, l));
    if (code) s += ` (${code})`;
    if (idSeq(type) && l.payload - l.start >= 8) {
      const seq = rd16(d, l.start + 6);
      s += ` id=0x${rd16(d, l.start + 4)
        .toString(16)
        .padStart(4, '0')}, seq=${seq}/${le16(d, l.start + 6)}`;
      const below = p.layers[p.layers.indexOf(l) - 1];
      if (below?.proto === 'ip' && below.payload - below.start >= 20) s += `, ttl=${d[below.start + 8]}`;
    }
    return s;
  },
};
