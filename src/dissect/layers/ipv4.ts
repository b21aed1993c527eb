import { markMalformed, truncatedHeader } from '../dissect.js';
import { formatIpv4 } from '../format.js';
import { bits, fieldsOf, ipv4At, protocolField, rd16, rd32, u16, u8 } from '../field-helpers.js';
import type { Dissector, Layer, Packet } from '../types.js';
import { IP_PROTO_NAMES } from './names.js';

function checksumOk(d: Uint8Array, start: number, len: number): boolean {
  let sum = 0;
  for (let i = start; i < start + len; i += 2) sum += (d[i]! << 8) | d[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
}

const hdrLen = (p: Packet, l: Layer): number => (p.data[l.start]! & 0x0f) * 4;
const isFragment = (p: Packet, l: Layer): boolean => (rd16(p.data, l.start + 6) & 0x3fff) !== 0;
/** Whether the 20-byte fixed header was captured (a truncated one has payload = end < start + 20). */
const hasFixed = (l: Layer): boolean => l.payload - l.start >= 20;

export const ipv4: Dissector = {
  proto: 'ip',
  name: 'Internet Protocol Version 4',
  short: 'IPv4',
  fields: [
    protocolField('ip', 'Internet Protocol Version 4'),
    ...fieldsOf('ip', [
      ['ip.version', 'Version', 'uint', bits(0, 1, 0xf0)],
      ['ip.hdr_len', 'Header Length', 'uint', { get: (p, l) => hdrLen(p, l), range: (_p, l) => [l.start, 1] }],
      ['ip.dsfield', 'Differentiated Services Field', 'uint', { ...u8(1), hexDigits: 2 }],
      ['ip.dsfield.dscp', 'Differentiated Services Codepoint', 'uint', { ...bits(1, 1, 0xfc), parent: 'ip.dsfield' }],
      ['ip.dsfield.ecn', 'Explicit Congestion Notification', 'uint', { ...bits(1, 1, 0x03), parent: 'ip.dsfield' }],
      ['ip.len', 'Total Length', 'uint', u16(2)],
      ['ip.id', 'Identification', 'uint', { ...u16(4), hexDigits: 4 }],
      ['ip.flags', 'Flags', 'uint', { ...bits(6, 1, 0xe0), hexDigits: 2 }],
      ['ip.flags.rb', 'Reserved bit', 'bool', { ...bits(6, 1, 0x80, true), parent: 'ip.flags' }],
      ['ip.flags.df', "Don't fragment", 'bool', { ...bits(6, 1, 0x40, true), parent: 'ip.flags' }],
      ['ip.flags.mf', 'More fragments', 'bool', { ...bits(6, 1, 0x20, true), parent: 'ip.flags' }],
      [
        'ip.frag_offset',
        'Fragment Offset',
        'uint',
        {
          get: (p, l) => (l.start + 8 <= l.payload ? (rd16(p.data, l.start + 6) & 0x1fff) * 8 : undefined),
          range: (_p, l) => (l.start + 8 <= l.payload ? [l.start + 6, 2] : undefined),
        },
      ],
      ['ip.ttl', 'Time to Live', 'uint', u8(8)],
      ['ip.proto', 'Protocol', 'uint', { ...u8(9), names: IP_PROTO_NAMES }],
      ['ip.checksum', 'Header Checksum', 'uint', { ...u16(10), hexDigits: 4 }],
      [
        'ip.checksum.status',
        'Header checksum status',
        'uint',
        {
          // Only over a whole header: a truncated or too-short one has no checksum to verify. The
          // header an ICMP error quotes may have been changed by the router that quoted it.
          get: (p, l) =>
            hdrLen(p, l) >= 20 && l.start + hdrLen(p, l) <= l.payload ? (l.quoted ? 2 : checksumOk(p.data, l.start, hdrLen(p, l)) ? 1 : 0) : undefined,
          names: { 0: 'Bad', 1: 'Good', 2: 'Unverified' },
          parent: 'ip.checksum',
        },
      ],
      ['ip.src', 'Source Address', 'ipv4', ipv4At(12)],
      ['ip.dst', 'Destination Address', 'ipv4', ipv4At(16)],
      [
        'ip.addr',
        'Source or Destination Address',
        'ipv4',
        { hidden: true, get: (p, l) => (hasFixed(l) ? [rd32(p.data, l.start + 12), rd32(p.data, l.start + 16)] : undefined) },
      ],
      [
        'ip.options',
        'Options',
        'bytes',
        {
          get: (p, l) => (hdrLen(p, l) > 20 && l.payload > l.start + 20 ? p.data.subarray(l.start + 20, l.payload) : undefined),
          range: (p, l) => (hdrLen(p, l) > 20 && l.payload > l.start + 20 ? [l.start + 20, l.payload - l.start - 20] : undefined),
        },
      ],
    ]),
  ],
  decode(ctx, start, end) {
    const d = ctx.pkt.data;
    const ihl = end > start ? (d[start]! & 0x0f) * 4 : 20;
    const layer = ctx.push('ip', start, start + Math.max(ihl, 20), end);
    const version = end > start ? d[start]! >> 4 : 4;
    if (version !== 4) return markMalformed(ctx, layer, `Bogus IPv4 version (${version}, must be 4)`);
    if (end - start < 20 || end - start < ihl) return truncatedHeader(ctx, 'IPv4', layer);
    if (ihl < 20) return markMalformed(ctx, layer, `Bogus IP header length (${ihl}, must be at least 20)`);
    const total = rd16(d, start + 2);
    if (total === 0) {
      // Segmentation offload (TSO/GSO, BIG TCP) hands the capture a packet before the
      // kernel fills in the length; the real length is what was captured.
      ctx.note('note', '[IPv4 total length 0: assumed segmentation offload (TSO/BIG TCP)]');
    } else if (total < ihl) {
      return markMalformed(ctx, layer, `Bogus IP length (${total}, less than header length ${ihl})`);
    } else if (start + total < end) {
      layer.end = start + total;
    }
    const fragWord = rd16(d, start + 6);
    const offset = (fragWord & 0x1fff) * 8;
    const more = (fragWord & 0x2000) !== 0;
    const nextProto = ctx.lookup('ip.proto', d[start + 9]!) ?? 'data';
    if (offset !== 0 || more) {
      const id = rd16(d, start + 4);
      const key = `4|${rd32(d, start + 12)}|${rd32(d, start + 16)}|${id}|${d[start + 9]}`;
      const whole = ctx.reassemble(key, offset, start + ihl, layer.end, more);
      if (whole) {
        if (whole.conflict) markMalformed(ctx, layer, 'Conflicting data in fragment overlap');
        ctx.note(
          'note',
          `[Reassembled IPv4 datagram: ${whole.end - whole.start} bytes from ${whole.frames.length} fragments (frames ${whole.frames.join(', ')})]`,
        );
        return { proto: nextProto, start: whole.start, end: whole.end };
      }
      if (whole === undefined) {
        ctx.note('note', `[IPv4 fragment at offset ${offset} of datagram 0x${id.toString(16).padStart(4, '0')}; reassembled in a later frame]`);
        return { proto: 'data', start: start + ihl, end: layer.end };
      }
      // Without reassembly the first fragment still shows the headers it carries.
      if (offset !== 0) return { proto: 'data', start: start + ihl, end: layer.end };
      ctx.note('note', `[IPv4 fragment: first of a fragmented datagram, ID 0x${id.toString(16).padStart(4, '0')}]`);
    }
    return { proto: nextProto, start: start + ihl, end: layer.end };
  },
  fieldTitle: {
    text: 'Internet Protocol Version 4',
    minLength: 20,
    parts: [
      [', Src: ', 'ip.src'],
      [', Dst: ', 'ip.dst'],
    ],
  },
  endpoints: (p, l) => (l.payload - l.start >= 20 ? [formatIpv4(rd32(p.data, l.start + 12)), formatIpv4(rd32(p.data, l.start + 16))] : undefined),
  info: (p, l) =>
    !hasFixed(l)
      ? ''
      : isFragment(p, l)
        ? `Fragmented IP protocol (proto=${IP_PROTO_NAMES[p.data[l.start + 9]!] ?? p.data[l.start + 9]} ${p.data[l.start + 9]}, off=${(rd16(p.data, l.start + 6) & 0x1fff) * 8}, ID=${rd16(
            p.data,
            l.start + 4,
          )
            .toString(16)
            .padStart(4, '0')})`
        : `IPv4 protocol ${p.data[l.start + 9]}`,
};
