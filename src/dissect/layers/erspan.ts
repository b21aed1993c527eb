import { truncatedHeader } from '../dissect.js';
import { bits, fieldsOf, protocolField, rd16, type FieldSpec } from '../field-helpers.js';
import type { Dissector, Layer, Packet } from '../types.js';

// ERSPAN (draft-foschiano-erspan), Cisco's mirrored traffic in GRE. The GRE protocol type and
// sequence bit tell the type: 0x88be without a sequence number is type I (no header at all),
// 0x88be with one is type II (8 bytes), 0x22eb is type III (12 bytes, then an optional 8-byte
// platform-specific subheader when the O bit is set).

export type ErspanType = 1 | 2 | 3;

/** The type from the GRE header just below this layer. */
export function erspanType(p: Packet, l: Layer): ErspanType {
  const below = p.layers[p.layers.indexOf(l) - 1];
  if (!below || below.proto !== 'gre' || below.payload - below.start < 4) return 2;
  const d = p.data;
  if (rd16(d, below.start + 2) === 0x22eb) return 3;
  return rd16(d, below.start) & 0x1000 ? 2 : 1;
}

const headerLength = (p: Packet, l: Layer): number => {
  const t = erspanType(p, l);
  if (t === 1) return 0;
  if (t === 2) return 8;
  return l.start + 12 <= l.end && p.data[l.start + 11]! & 1 ? 20 : 12;
};

/** A field of types II and III alike, or of one of them only. */
const of = (types: ErspanType[], spec: FieldSpec): FieldSpec => ({
  ...spec,
  get: (p, l) => (types.includes(erspanType(p, l)) ? spec.get(p, l) : undefined),
});
/** A field of the type III platform subheader with this platform id. */
const platform = (ids: number[], spec: FieldSpec): FieldSpec =>
  of([3], { ...spec, get: (p, l) => (l.payload - l.start === 20 && ids.includes(p.data[l.start + 12]! >> 2) ? spec.get(p, l) : undefined) });

const NAMES_VERSION = { 1: 'Type II', 2: 'Type III' };
const FRAME_TYPES = { 0: 'Ethernet', 2: 'IP' };

export const erspan: Dissector = {
  proto: 'erspan',
  name: 'Encapsulated Remote Switch Packet ANalysis',
  short: 'ERSPAN',
  fields: [
    protocolField('erspan', 'Encapsulated Remote Switch Packet ANalysis'),
    ...fieldsOf('erspan', [
      ['erspan.version', 'Version', 'uint', { ...of([2, 3], bits(0, 2, 0xf000)), names: NAMES_VERSION }],
      ['erspan.vlan', 'Vlan', 'uint', of([2, 3], bits(0, 2, 0x0fff))],
      ['erspan.cos', 'COS', 'uint', of([2, 3], bits(2, 2, 0xe000))],
      [
        'erspan.encap',
        'Encap',
        'uint',
        {
          ...of([2], bits(2, 2, 0x1800)),
          names: { 0: 'Originally without VLAN tag', 1: 'ISL encapsulated', 2: '802.1Q encapsulated', 3: 'VLAN tag preserved in frame' },
        },
      ],
      [
        'erspan.bso',
        'Bad/Short/Oversized',
        'uint',
        {
          ...of([3], bits(2, 2, 0x1800)),
          names: { 0: 'Good or unknown integrity', 1: 'Short frame', 2: 'Oversized frame', 3: 'Frame with bad or corrupted CRC' },
        },
      ],
      [
        'erspan.truncated',
        'Truncated',
        'uint',
        { ...of([2, 3], bits(2, 2, 0x0400)), names: { 0: 'Not truncated', 1: 'Truncated' }, description: 'ERSPAN packet exceeded the MTU size' },
      ],
      ['erspan.spanid', 'SpanID', 'uint', of([2, 3], bits(2, 2, 0x03ff))],
      ['erspan.reserved', 'Reserved', 'uint', of([2], bits(4, 4, 0xfff00000))],
      ['erspan.index', 'Index', 'uint', of([2], bits(4, 4, 0x000fffff))],
      ['erspan.timestamp', 'Timestamp', 'uint', of([3], bits(4, 4, 0xffffffff))],
      ['erspan.sgt', 'Security Group Tag', 'uint', of([3], bits(8, 2, 0xffff))],
      ['erspan.p', 'Has Ethernet PDU', 'uint', of([3], bits(10, 2, 0x8000))],
      ['erspan.ft', 'Frame Type', 'uint', { ...of([3], bits(10, 2, 0x7c00)), names: FRAME_TYPES }],
      ['erspan.hw', 'Hardware ID', 'uint', of([3], bits(10, 2, 0x03f0))],
      ['erspan.direction', 'Direction', 'bool', { ...of([3], bits(10, 2, 0x0008, true)), names: { 0: 'Ingress', 1: 'Egress' } }],
      [
        'erspan.gra',
        'Timestamp granularity',
        'uint',
        { ...of([3], bits(10, 2, 0x0006)), names: { 0: '100 microseconds', 1: '100 nanoseconds', 2: 'IEEE 1588', 3: 'Custom granularity' } },
      ],
      ['erspan.o', 'Optional Sub headers', 'uint', of([3], bits(10, 2, 0x0001))],
      ['erspan.platid', 'Platform ID', 'uint', platform([0, 1, 2, 3, 4, 5, 6, 7], bits(12, 4, 0xfc000000))],
      ['erspan.pid1.vsmid', 'VSM Domain ID', 'uint', platform([1], bits(12, 4, 0x00000fff))],
      ['erspan.pid1.port_index', 'Port ID/Index', 'uint', platform([1], bits(16, 4, 0xffffffff))],
      ['erspan.pid3.port_index', 'Port ID/Index', 'uint', platform([3], bits(12, 4, 0x00003fff))],
      ['erspan.pid3.timestamp', 'Upper 32-bit Timestamp', 'uint', platform([3], bits(16, 4, 0xffffffff))],
      ['erspan.pid5.switchid', 'Switch ID', 'uint', platform([5, 6], bits(12, 4, 0x03ff0000))],
      ['erspan.pid5.port_index', 'Port ID/Index', 'uint', platform([5, 6], bits(12, 4, 0x0000ffff))],
      ['erspan.pid5.timestamp', 'Timestamp (seconds)', 'uint', platform([5, 6], bits(16, 4, 0xffffffff))],
      ['erspan.pid7.source_index', 'Source Index', 'uint', platform([7], bits(12, 4, 0x000fffff))],
      ['erspan.pid7.timestamp', 'Upper 32-bit Timestamp', 'uint', platform([7], bits(16, 4, 0xffffffff))],
    ]),
  ],
  decode(ctx, start, end) {
    const layer = ctx.push('erspan', start, start, end);
    const type = erspanType(ctx.pkt, layer);
    const fixed = type === 1 ? 0 : type === 2 ? 8 : 12;
    layer.payload = Math.min(start + fixed, end);
    if (end - start < fixed) return truncatedHeader(ctx, 'ERSPAN', layer);
    const length = headerLength(ctx.pkt, layer);
    layer.payload = Math.min(start + length, end);
    if (end - start < length) return truncatedHeader(ctx, 'ERSPAN', layer);
    if (start + length >= end) return undefined;
    // Type III names the mirrored frame's type; 0 is Ethernet, the only one decoded here.
    if (type === 3 && (rd16(ctx.pkt.data, start + 10) & 0x7c00) !== 0) return { proto: 'data', start: start + length, end };
    return { proto: 'eth', start: start + length, end };
  },
  title: (p, l) => `Encapsulated Remote Switch Packet ANalysis Type ${['I', 'II', 'III'][erspanType(p, l) - 1]}`,
  info: (p, l) => (erspanType(p, l) === 1 ? 'ERSPAN type I' : l.payload - l.start >= 4 ? `ERSPAN session ${rd16(p.data, l.start + 2) & 0x3ff}` : ''),
};
