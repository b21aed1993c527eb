import { truncatedHeader } from '../dissect.js';
import { bits, fieldsOf, protocolField, rd16, rd24, u16, u24, u8 } from '../field-helpers.js';
import type { DecodeContext, Dissector, FieldDef, Layer, Next, Packet } from '../types.js';

// VXLAN Generic Protocol Extension (draft-ietf-nvo3-vxlan-gpe), UDP 4790, and the Network
// Service Header (RFC 8300) it most often carries. TShark files the GPE header under the
// "vxlan" protocol and field names, so the fields here are vxlan.* on the vxlan-gpe layer.

const FLAG_P = 0x04;

/** The shared "next protocol" numbering of VXLAN-GPE and NSH. */
const NEXT_NAMES: Record<number, string> = { 1: 'IPv4', 2: 'IPv6', 3: 'Ethernet', 4: 'Network Service Header', 5: 'MPLS' };
const NEXT_PROTO: Record<number, string> = { 1: 'ip', 2: 'ipv6', 3: 'eth', 4: 'nsh' };

function nextByProtocol(ctx: DecodeContext, who: string, np: number, start: number, end: number): Next | undefined {
  if (start >= end) return undefined;
  const proto = NEXT_PROTO[np];
  if (!proto) ctx.note('warning', `[${who} next protocol ${np} (${NEXT_NAMES[np] ?? 'unknown'}) not decoded]`);
  return { proto: proto ?? 'data', start, end };
}

/** Both headers have 8 fixed bytes; titles read the VNI or SPI/SI from them. */
const whole = (l: Layer): boolean => l.payload - l.start >= 8;

const flag = (mask: number) => ({ ...bits(0, 1, mask), parent: 'vxlan.flags' });

/** `vxlan` matches GPE packets too, as in TShark. */
const presence: FieldDef = { ...protocolField('vxlan', 'Virtual eXtensible Local Area Network'), proto: 'vxlan-gpe' };

export const vxlanGpe: Dissector = {
  proto: 'vxlan-gpe',
  name: 'Virtual eXtensible Local Area Network (Generic Protocol Extension)',
  short: 'VXLAN-GPE',
  fields: [
    presence,
    ...fieldsOf('vxlan-gpe', [
      ['vxlan.flags', 'Flags', 'uint', { ...u8(0), hexDigits: 2 }],
      ['vxlan.ver', 'Version', 'uint', flag(0x30)],
      ['vxlan.i_bit', 'Instance', 'uint', flag(0x08)],
      ['vxlan.p_bit', 'Next Protocol Bit', 'uint', flag(FLAG_P)],
      ['vxlan.o_bit', 'OAM bit', 'uint', flag(0x01)],
      ['vxlan.flags_reserved', 'Reserved(R)', 'uint', flag(0xc2)],
      ['vxlan.reserved_16', 'Reserved', 'uint', u16(1)],
      ['vxlan.next_proto', 'Next Protocol', 'uint', { ...u8(3), names: NEXT_NAMES }],
      ['vxlan.vni', 'VXLAN Network Identifier (VNI)', 'uint', u24(4)],
      ['vxlan.reserved8', 'Reserved', 'uint', u8(7)],
    ]),
  ],
  decode(ctx, start, end) {
    const layer = ctx.push('vxlan-gpe', start, start + 8, end);
    if (end - start < 8) return truncatedHeader(ctx, 'VXLAN-GPE', layer);
    const d = ctx.pkt.data;
    const flags = d[start]!;
    if (flags & 0x30) ctx.note('warning', `[VXLAN-GPE version ${(flags >> 4) & 3} is unknown]`);
    if (!(flags & 0x08)) ctx.note('warning', '[VXLAN-GPE I flag not set: the VNI is not valid]');
    ctx.enterTunnel();
    if (!(flags & FLAG_P)) {
      // Without the P bit the header is plain VXLAN, whose payload is Ethernet.
      ctx.note('note', '[VXLAN-GPE P flag not set: payload taken as Ethernet]');
      return start + 8 < end ? { proto: 'eth', start: start + 8, end } : undefined;
    }
    return nextByProtocol(ctx, 'VXLAN-GPE', d[start + 3]!, start + 8, end);
  },
  title: (p, l) =>
    whole(l) ? `Virtual eXtensible Local Area Network (GPE), VNI: ${rd24(p.data, l.start + 4)}` : 'Virtual eXtensible Local Area Network (GPE)',
  info: (p, l) => (whole(l) ? `VNI ${rd24(p.data, l.start + 4)}` : 'VXLAN-GPE (truncated)'),
};

// ---------------------------------------------------------------- NSH

interface Tlv {
  at: number;
  /** Metadata length in bytes (RFC 8300); the TLV is padded to 4 bytes. */
  len: number;
}

/** MD type 2 variable-length context headers, up to the header's end. */
function tlvs(p: Packet, l: Layer): Tlv[] {
  const out: Tlv[] = [];
  if (!whole(l) || p.data[l.start + 2] !== 2) return out;
  for (let i = l.start + 8; i + 4 <= l.payload;) {
    const len = p.data[i + 3]! & 0x7f;
    if (i + 4 + len > l.payload) break;
    out.push({ at: i, len });
    i += 4 + Math.ceil(len / 4) * 4;
  }
  return out;
}

const perTlv = (pick: (d: Uint8Array, t: Tlv) => number | Uint8Array) => ({ get: (p: Packet, l: Layer) => tlvs(p, l).map((t) => pick(p.data, t)) });

export const nsh: Dissector = {
  proto: 'nsh',
  name: 'Network Service Header',
  short: 'NSH',
  fields: [
    protocolField('nsh', 'Network Service Header'),
    ...fieldsOf('nsh', [
      ['nsh.version', 'Version', 'uint', bits(0, 2, 0xc000)],
      ['nsh.Obit', 'O Bit', 'uint', bits(0, 2, 0x2000)],
      ['nsh.CBit', 'C Bit', 'uint', bits(0, 2, 0x1000)],
      ['nsh.ttl', 'Time to live', 'uint', { ...bits(0, 2, 0x0fc0), hexDigits: 4 }],
      ['nsh.length', 'Length', 'uint', bits(0, 2, 0x003f)],
      ['nsh.mdtype', 'MD Type', 'uint', u8(2)],
      ['nsh.nextproto', 'Next Protocol', 'uint', { ...u8(3), names: NEXT_NAMES }],
      ['nsh.spi', 'SPI', 'uint', u24(4)],
      ['nsh.si', 'SI', 'uint', u8(7)],
      [
        'nsh.contextheader',
        'Context Header',
        'bytes',
        {
          get: (p, l) =>
            l.start + 24 <= l.payload && p.data[l.start + 2] === 1
              ? [0, 1, 2, 3].map((k) => p.data.subarray(l.start + 8 + 4 * k, l.start + 12 + 4 * k))
              : undefined,
        },
      ],
      ['nsh.metadataclass', 'TLV Class', 'uint', perTlv((d, t) => rd16(d, t.at))],
      ['nsh.metadatatype', 'Type', 'uint', perTlv((d, t) => d[t.at + 2]!)],
      ['nsh.metadataunassignedbit', 'Unassigned Bit', 'uint', { ...perTlv((d, t) => d[t.at + 3]! >> 7), hexDigits: 2 }],
      ['nsh.metadatalen', 'Length', 'uint', { ...perTlv((_d, t) => t.len), hexDigits: 2 }],
      ['nsh.metadata', 'Variable Metadata', 'bytes', perTlv((d, t) => d.subarray(t.at + 4, t.at + 4 + t.len))],
    ]),
  ],
  decode(ctx, start, end) {
    const d = ctx.pkt.data;
    const len = end - start >= 2 ? (rd16(d, start) & 0x3f) * 4 : 8;
    const layer = ctx.push('nsh', start, start + Math.max(len, 8), end);
    if (end - start < 8 || end - start < len) return truncatedHeader(ctx, 'NSH', layer);
    if (len < 8) {
      layer.malformed = 'bad length';
      ctx.note('error', `[Malformed: NSH length ${len} is less than 8]`);
      return undefined;
    }
    const np = d[start + 3]!;
    if (np === 4 && ctx.pkt.layers.filter((l) => l.proto === 'nsh').length > 2) {
      ctx.note('warning', '[NSH nested in NSH more than twice; not decoded further]');
      return { proto: 'data', start: start + len, end };
    }
    return nextByProtocol(ctx, 'NSH', np, start + len, end);
  },
  title: (p, l) => (whole(l) ? `Network Service Header, SPI: ${rd24(p.data, l.start + 4)}, SI: ${p.data[l.start + 7]}` : 'Network Service Header'),
  info: (p, l) => (whole(l) ? `SPI ${rd24(p.data, l.start + 4)}, SI ${p.data[l.start + 7]}` : 'NSH (truncated)'),
};
