import { truncatedHeader } from '../dissect.js';
import { bits, fieldsOf, protocolField, rd16, rd24, u16, u24, u8 } from '../field-helpers.js';
import type { Dissector } from '../types.js';

const FLAG_I = 0x0800;
const FLAG_G = 0x8000;
/** Bits that neither RFC 7348 nor the Group Policy extension define (tshark's vxlan.flags_reserved). */
const FLAGS_RESERVED = 0x77b7;

/**
 * The reserved bits actually set in a VXLAN header: with the Group Policy extension (G) bits D
 * and A and the group id are defined; without it RFC 7348 reserves them too. Byte 7 is always
 * reserved. The tree note and the overlay.bad-header alert both use this.
 */
export function vxlanReservedBits(d: Uint8Array, at: number): { flags: number; group: number; last: number } {
  const flags = rd16(d, at);
  const gbp = (flags & FLAG_G) !== 0;
  return { flags: flags & (gbp ? FLAGS_RESERVED : 0x77ff), group: gbp ? 0 : rd16(d, at + 2), last: d[at + 7]! };
}

/** VXLAN (RFC 7348) with the Group Policy extension; 8472 and 4789 decode as this by default. */
export const vxlan: Dissector = {
  proto: 'vxlan',
  name: 'Virtual eXtensible Local Area Network',
  short: 'VXLAN',
  fields: [
    protocolField('vxlan', 'Virtual eXtensible Local Area Network'),
    ...fieldsOf('vxlan', [
      ['vxlan.flags', 'Flags', 'uint', { ...u16(0), hexDigits: 4 }],
      ['vxlan.flag_g', 'GBP Extension', 'bool', { ...bits(0, 2, FLAG_G, true), parent: 'vxlan.flags' }],
      ['vxlan.flag_i', 'VXLAN Network ID (VNI)', 'bool', { ...bits(0, 2, FLAG_I, true), parent: 'vxlan.flags' }],
      ['vxlan.flag_d', "Don't Learn", 'bool', { ...bits(0, 2, 0x0040, true), parent: 'vxlan.flags' }],
      ['vxlan.flag_a', 'Policy Applied', 'bool', { ...bits(0, 2, 0x0008, true), parent: 'vxlan.flags' }],
      ['vxlan.flags_reserved', 'Reserved', 'uint', { ...bits(0, 2, FLAGS_RESERVED), hexDigits: 4, parent: 'vxlan.flags' }],
      ['vxlan.gbp', 'Group Policy ID', 'uint', u16(2)],
      ['vxlan.vni', 'VXLAN Network Identifier (VNI)', 'uint', u24(4)],
      ['vxlan.reserved8', 'Reserved', 'uint', u8(7)],
    ]),
  ],
  decode(ctx, start, end) {
    const layer = ctx.push('vxlan', start, start + 8, end);
    if (end - start < 8) return truncatedHeader(ctx, 'VXLAN', layer);
    const flags = rd16(ctx.pkt.data, start);
    if (!(flags & FLAG_I)) ctx.note('warning', '[VXLAN I flag not set: the VNI is not valid]');
    const reserved = vxlanReservedBits(ctx.pkt.data, start);
    if (reserved.flags) ctx.note('note', `[VXLAN reserved flag bits set: 0x${reserved.flags.toString(16).padStart(4, '0')}]`);
    if (reserved.group || reserved.last) ctx.note('note', '[VXLAN reserved fields not zero]');
    ctx.enterTunnel();
    return { proto: 'eth', start: start + 8, end };
  },
  fieldTitle: { text: 'Virtual eXtensible Local Area Network', minLength: 8, parts: [[', VNI: ', 'vxlan.vni']] },
  info: (p, l) => (l.payload - l.start >= 8 ? `VNI ${rd24(p.data, l.start + 4)}` : ''),
  looksLike(d, start, end) {
    // The I flag set, every reserved bit clear, and a plausible inner Ethernet header after it.
    if (end - start < 8 + 14) return false;
    if (d[start] !== 0x08 || d[start + 1] !== 0 || d[start + 2] !== 0 || d[start + 3] !== 0 || d[start + 7] !== 0) return false;
    const type = rd16(d, start + 8 + 12);
    return type === 0x0800 || type === 0x86dd || type === 0x0806 || type === 0x8100 || type === 0x88a8;
  },
};
