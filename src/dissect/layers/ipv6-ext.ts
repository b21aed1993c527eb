import { markMalformed, truncatedHeader } from '../dissect.js';
import { bits, fieldsOf, protocolField, rd16, rd32, u32, u8 } from '../field-helpers.js';
import type { DecodeContext, Dissector, FieldDef, Layer, Next, Packet } from '../types.js';
import { IP_PROTO_NAMES } from './names.js';

// IPv6 extension headers (RFC 8200 §4), each its own layer under the names tshark gives them
// (ipv6.hopopts, ipv6.routing, ipv6.fraghdr, ipv6.dstopts). Options are not decoded one by one.

/** More extension headers in a row than any real stack sends: a crafted chain, not a packet. */
const MAX_CHAIN = 12;

/** How many extension headers directly precede this one. */
function chainLength(ctx: DecodeContext): number {
  const layers = ctx.pkt.layers;
  let n = 0;
  for (let i = layers.length - 1; i > 0 && layers[i]!.proto.startsWith('ipv6.'); i--) n++;
  return n;
}

/** Where the next header leads, through the same ip.proto table IPv6 uses. */
function follow(ctx: DecodeContext, short: string, nxt: number, start: number, end: number): Next | undefined {
  if (start >= end) return undefined;
  if (chainLength(ctx) > MAX_CHAIN) {
    ctx.note('warning', `[${short}: more than ${MAX_CHAIN} IPv6 extension headers in a row; the rest is not decoded]`);
    return { proto: 'data', start, end };
  }
  return { proto: ctx.lookup('ip.proto', nxt) ?? 'data', start, end };
}

const lenOctets = (p: Packet, l: Layer): number => (p.data[l.start + 1]! + 1) * 8;

/** The fields every TLV-length header shares: next header, length in 8-octet units beyond the first, and in bytes. */
function commonFields(proto: string): FieldDef[] {
  return fieldsOf(proto, [
    [`${proto}.nxt`, 'Next Header', 'uint', { ...u8(0), names: IP_PROTO_NAMES }],
    [`${proto}.len`, 'Length', 'uint', u8(1)],
    [`${proto}.len_oct`, 'Length', 'uint', { get: (p, l) => (l.start + 2 <= l.end ? lenOctets(p, l) : undefined), range: (_p, l) => [l.start + 1, 1] }],
  ]);
}

/** Hop-by-hop options, routing and destination options: [next header][length] then the body. */
function lengthHeader(proto: string, name: string, short: string, extra: FieldDef[] = []): Dissector {
  return {
    proto,
    name,
    short: 'IPv6',
    fields: [protocolField(proto, name), ...commonFields(proto), ...extra],
    decode(ctx, start, end) {
      const d = ctx.pkt.data;
      const len = end - start >= 2 ? (d[start + 1]! + 1) * 8 : 8;
      const layer = ctx.push(proto, start, start + len, end);
      if (end - start < len) return truncatedHeader(ctx, short, layer);
      if (proto === 'ipv6.hopopts' && ctx.pkt.layers[ctx.pkt.layers.length - 2]?.proto !== 'ipv6') {
        ctx.note('warning', '[IPv6 Hop-by-Hop extension header must appear immediately after IPv6 header]');
      }
      return follow(ctx, short, d[start]!, start + len, end);
    },
    title: (p, l) => (l.start + 2 <= l.end ? `${name}, Length: ${lenOctets(p, l)} bytes` : name),
    info: () => short,
  };
}

export const ipv6HopOpts = lengthHeader('ipv6.hopopts', 'IPv6 Hop-by-Hop Option', 'IPv6 hop-by-hop options');

export const ipv6DstOpts = lengthHeader('ipv6.dstopts', 'Destination Options for IPv6', 'IPv6 destination options');

export const ipv6Routing = lengthHeader(
  'ipv6.routing',
  'Routing Header for IPv6',
  'IPv6 routing',
  fieldsOf('ipv6.routing', [
    ['ipv6.routing.type', 'Type', 'uint', { ...u8(2), names: { 0: 'Source Route', 2: 'Type 2 Routing', 3: 'RPL Source Route', 4: 'Segment Routing' } }],
    ['ipv6.routing.segleft', 'Segments Left', 'uint', u8(3)],
  ]),
);

const fragWord = (p: Packet, l: Layer): number => rd16(p.data, l.start + 2);

/** RFC 8200 §4.5. A first fragment is decoded as far as it goes; later ones are only data. */
export const ipv6Fragment: Dissector = {
  proto: 'ipv6.fraghdr',
  name: 'Fragment Header for IPv6',
  short: 'IPv6',
  fields: [
    protocolField('ipv6.fraghdr', 'Fragment Header for IPv6'),
    ...fieldsOf('ipv6.fraghdr', [
      ['ipv6.fraghdr.nxt', 'Next header', 'uint', { ...u8(0), names: IP_PROTO_NAMES }],
      ['ipv6.fraghdr.reserved_octet', 'Reserved octet', 'uint', { ...u8(1), hexDigits: 2 }],
      ['ipv6.fraghdr.offset', 'Offset', 'uint', bits(2, 2, 0xfff8)],
      ['ipv6.fraghdr.reserved_bits', 'Reserved bits', 'uint', bits(2, 2, 0x0006)],
      ['ipv6.fraghdr.more', 'More Fragments', 'bool', bits(2, 2, 0x0001, true)],
      ['ipv6.fraghdr.ident', 'Identification', 'uint', { ...u32(4), hexDigits: 8 }],
    ]),
  ],
  decode(ctx, start, end) {
    const d = ctx.pkt.data;
    const layer = ctx.push('ipv6.fraghdr', start, start + 8, end);
    if (end - start < 8) return truncatedHeader(ctx, 'IPv6 fragment', layer);
    const word = rd16(d, start + 2);
    const offset = word & 0xfff8;
    const more = (word & 1) !== 0;
    if (offset !== 0 || more) {
      const ip = [...ctx.pkt.layers].reverse().find((l) => l.proto === 'ipv6' && l.payload - l.start >= 40);
      const id = rd32(d, start + 4);
      const key = ip ? `6|${hexOf(d, ip.start + 8, ip.start + 40)}|${id}|${d[start]}` : undefined;
      const whole = key === undefined ? null : ctx.reassemble(key, offset, start + 8, end, more);
      if (whole) {
        if (whole.conflict) markMalformed(ctx, layer, 'Conflicting data in fragment overlap');
        ctx.note(
          'note',
          `[Reassembled IPv6 datagram: ${whole.end - whole.start} bytes from ${whole.frames.length} fragments (frames ${whole.frames.join(', ')})]`,
        );
        return follow(ctx, 'IPv6 fragment', d[start]!, whole.start, whole.end);
      }
      if (whole === undefined) {
        ctx.note('note', `[IPv6 fragment at offset ${offset} of datagram 0x${id.toString(16).padStart(8, '0')}; reassembled in a later frame]`);
        return start + 8 < end ? { proto: 'data', start: start + 8, end } : undefined;
      }
      if (offset !== 0) return start + 8 < end ? { proto: 'data', start: start + 8, end } : undefined;
      ctx.note('note', `[IPv6 fragment: first of a fragmented datagram, ID 0x${id.toString(16).padStart(8, '0')}]`);
    }
    return follow(ctx, 'IPv6 fragment', d[start]!, start + 8, end);
  },
  title: (p, l) =>
    l.payload - l.start >= 8
      ? `Fragment Header for IPv6, Offset: ${fragWord(p, l) >> 3}, More: ${fragWord(p, l) & 1 ? 'Yes' : 'No'}, Identification: 0x${rd32(p.data, l.start + 4)
          .toString(16)
          .padStart(8, '0')}`
      : 'Fragment Header for IPv6',
  info(p, l) {
    if (l.payload - l.start < 8) return 'IPv6 fragment';
    const w = fragWord(p, l);
    const ident = rd32(p.data, l.start + 4)
      .toString(16)
      .padStart(8, '0');
    return `IPv6 fragment (off=${w & 0xfff8} more=${w & 1 ? 'y' : 'n'} ident=0x${ident} nxt=${p.data[l.start]})`;
  },
};

function hexOf(d: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += d[i]!.toString(16).padStart(2, '0');
  return s;
}
