import { truncatedHeader } from '../dissect.js';
import { bits, fieldsOf, protocolField, rd16, rd32, type FieldSpec } from '../field-helpers.js';
import type { DecodeContext, Dissector, Layer, Next, Packet } from '../types.js';
import { ETHERTYPE_NAMES } from './names.js';

// Generic Routing Encapsulation (RFC 2784, keys and sequence numbers RFC 2890; version 1 is
// PPTP's enhanced GRE, RFC 2637), IP protocol 47. What it carries is named by an ethertype,
// looked up in the gre.proto table first (ERSPAN, Cisco metadata, transparent bridging).

const C = 0x8000;
const R = 0x4000;
const K = 0x2000;
const S = 0x1000;
const A = 0x0080;

export const GRE_PROTO_NAMES: Record<number, string> = { ...ETHERTYPE_NAMES, 0x88be: 'ERSPAN', 0x22eb: 'ERSPAN III', 0x8909: 'CiscoMetaData', 0x880b: 'PPP' };

/** Where each optional field sits, from the flags; -1 when absent. */
export interface GreLayout {
  flags: number;
  checksum: number;
  key: number;
  sequence: number;
  ack: number;
  length: number;
}

export function greLayout(d: Uint8Array, at: number): GreLayout {
  const flags = rd16(d, at);
  let i = at + 4;
  const take = (present: boolean): number => {
    if (!present) return -1;
    i += 4;
    return i - 4;
  };
  const checksum = take((flags & (C | R)) !== 0);
  const key = take((flags & K) !== 0);
  const sequence = take((flags & S) !== 0);
  const ack = take((flags & 7) === 1 && (flags & A) !== 0);
  return { flags, checksum, key, sequence, ack, length: i - at };
}

const whole = (l: Layer): boolean => l.payload - l.start >= 4;
const opt = (pick: (g: GreLayout) => number, size: number, read: (d: Uint8Array, p: number) => number, at = 0): FieldSpec => ({
  get: (p: Packet, l: Layer) => {
    if (!whole(l)) return undefined;
    const o = pick(greLayout(p.data, l.start));
    return o >= 0 && o + at + size <= l.payload ? read(p.data, o + at) : undefined;
  },
  range: (p: Packet, l: Layer) => {
    if (!whole(l)) return undefined;
    const o = pick(greLayout(p.data, l.start));
    return o >= 0 ? [o + at, size] : undefined;
  },
});
const v0 = (g: GreLayout, o: number): number => ((g.flags & 7) === 0 ? o : -1);
const v1 = (g: GreLayout, o: number): number => ((g.flags & 7) === 1 ? o : -1);
const flag = (mask: number, asBool = true): FieldSpec => ({ ...bits(0, 2, mask, asBool), parent: 'gre.flags_and_version' });

export const gre: Dissector = {
  proto: 'gre',
  name: 'Generic Routing Encapsulation',
  short: 'GRE',
  fields: [
    protocolField('gre', 'Generic Routing Encapsulation'),
    ...fieldsOf('gre', [
      [
        'gre.flags_and_version',
        'Flags and Version',
        'uint',
        { ...bits(0, 2, 0xffff), hexDigits: 4, description: 'The GRE flags are encoded in the first two octets' },
      ],
      ['gre.flags.checksum', 'Checksum Bit', 'bool', { ...flag(C), description: 'Indicates if the Checksum field is present' }],
      ['gre.flags.routing', 'Routing Bit', 'bool', { ...flag(R), description: 'Indicates if the Routing and Checksum/Offset field are present' }],
      ['gre.flags.key', 'Key Bit', 'bool', { ...flag(K), description: 'Indicates if the Key field is present' }],
      ['gre.flags.sequence_number', 'Sequence Number Bit', 'bool', { ...flag(S), description: 'Indicates if the Sequence Number field is present' }],
      ['gre.flags.strict_source_route', 'Strict Source Route Bit', 'bool', flag(0x0800)],
      ['gre.flags.recursion_control', 'Recursion control', 'uint', flag(0x0700, false)],
      [
        'gre.flags.ack',
        'Acknowledgment',
        'bool',
        {
          ...bits(0, 2, A, true),
          parent: 'gre.flags_and_version',
          get: (p, l) => (whole(l) && (p.data[l.start + 1]! & 7) === 1 ? (p.data[l.start + 1]! & A) !== 0 : undefined),
        },
      ],
      [
        'gre.flags.reserved',
        'Flags (Reserved)',
        'uint',
        { ...flag(0x00f8, false), get: (p, l) => (whole(l) ? (p.data[l.start + 1]! & ((p.data[l.start + 1]! & 7) === 1 ? 0x78 : 0xf8)) >> 3 : undefined) },
      ],
      ['gre.flags.version', 'Version', 'uint', { ...flag(0x0007, false), names: { 0: 'GRE', 1: 'Enhanced GRE' } }],
      [
        'gre.proto',
        'Protocol Type',
        'uint',
        { ...bits(2, 2, 0xffff), hexDigits: 4, names: GRE_PROTO_NAMES, description: 'The protocol that is GRE encapsulated' },
      ],
      [
        'gre.checksum',
        'Checksum',
        'uint',
        { ...opt((g) => g.checksum, 2, rd16), hexDigits: 4, description: "The IP (one's complement) checksum of the GRE header and the payload packet" },
      ],
      [
        'gre.offset',
        'Offset',
        'uint',
        { ...opt((g) => g.checksum, 2, rd16, 2), description: 'Octet offset from the start of the Routing field to the active Source Route Entry' },
      ],
      ['gre.key', 'Key', 'uint', { ...opt((g) => v0(g, g.key), 4, rd32), hexDigits: 8, description: 'A four octet number inserted by the encapsulator' }],
      [
        'gre.key.payload_length',
        'Payload Length',
        'uint',
        { ...opt((g) => v1(g, g.key), 2, rd16), description: 'Size of the payload, not including the GRE header' },
      ],
      [
        'gre.key.call_id',
        'Call ID',
        'uint',
        { ...opt((g) => v1(g, g.key), 2, rd16, 2), description: "The peer's Call ID for the session this packet belongs to" },
      ],
      [
        'gre.sequence_number',
        'Sequence Number',
        'uint',
        { ...opt((g) => g.sequence, 4, rd32), description: 'An unsigned 32 bit integer inserted by the encapsulator' },
      ],
      [
        'gre.ack_number',
        'Acknowledgment Number',
        'uint',
        { ...opt((g) => g.ack, 4, rd32), description: 'The highest sequence number the sending peer received for this session' },
      ],
    ]),
  ],
  decode(ctx, start, end) {
    const d = ctx.pkt.data;
    const layer = ctx.push('gre', start, start + 4, end);
    if (end - start < 4) return truncatedHeader(ctx, 'GRE', layer);
    const g = greLayout(d, start);
    layer.payload = Math.min(start + g.length, end);
    if (start + g.length > end) return truncatedHeader(ctx, 'GRE', layer);
    const version = g.flags & 7;
    if (version > 1) {
      ctx.note('warning', `[GRE version ${version} is unknown; payload not decoded]`);
      return { proto: 'data', start: start + g.length, end };
    }
    if (g.flags & R) ctx.note('note', '[GRE routing present (RFC 1701): source route entries not decoded]');
    const type = rd16(d, start + 2);
    // Nothing after the header: a keepalive (type 0), or a packet the snaplen cut there or that lacks what the type announces (dissect.ts tells).
    if (start + g.length >= end && type === 0) return undefined;
    ctx.enterTunnel();
    return nextByGreProto(ctx, type, start + g.length, end);
  },
  title: (p, l) => {
    if (!whole(l)) return 'Generic Routing Encapsulation';
    const type = rd16(p.data, l.start + 2);
    return `Generic Routing Encapsulation (${GRE_PROTO_NAMES[type] ?? `0x${type.toString(16).padStart(4, '0')}`})`;
  },
  info: (p, l) => {
    if (!whole(l)) return '';
    const type = rd16(p.data, l.start + 2);
    return type === 0 ? 'Encapsulated Possible GRE keepalive packet' : `Encapsulated ${GRE_PROTO_NAMES[type] ?? `0x${type.toString(16).padStart(4, '0')}`}`;
  },
};

function nextByGreProto(ctx: DecodeContext, type: number, start: number, end: number): Next {
  const proto = ctx.lookup('gre.proto', type) ?? ctx.lookup('ethertype', type);
  if (!proto && type !== 0) ctx.note('note', `[GRE protocol type 0x${type.toString(16).padStart(4, '0')} not decoded]`);
  return { proto: proto ?? 'data', start, end };
}

/** Cisco MetaData (GRE protocol 0x8909): a security group tag, then the ethertype of what follows. */
export const cmd: Dissector = {
  proto: 'cmd',
  name: 'Cisco MetaData',
  short: 'CMD',
  fields: [
    protocolField('cmd', 'Cisco MetaData'),
    ...fieldsOf('cmd', [
      ['cmd.type', 'Type', 'uint', { ...bits(0, 2, 0xffff), hexDigits: 4, names: ETHERTYPE_NAMES }],
      ['cmd.version', 'Version', 'uint', bits(2, 1, 0xff)],
      ['cmd.length', 'Length', 'uint', bits(3, 1, 0xff)],
      ['cmd.options', 'Options', 'uint', { ...bits(4, 2, 0xffff), hexDigits: 4 }],
      ['cmd.sgt', 'SGT', 'uint', bits(6, 2, 0xffff)],
    ]),
  ],
  decode(ctx, start, end) {
    const layer = ctx.push('cmd', start, start + 8, end);
    if (end - start < 8) return truncatedHeader(ctx, 'Cisco MetaData', layer);
    if (start + 8 >= end) return undefined;
    return nextByGreProto(ctx, rd16(ctx.pkt.data, start), start + 8, end);
  },
};
