import { truncatedHeader } from '../dissect.js';
import { formatMac } from '../format.js';
import { fieldsOf, macAt, protocolField, rd16, u16, bits } from '../field-helpers.js';
import type { DecodeContext, Dissector, Next } from '../types.js';
import { ETHERTYPE_NAMES } from './names.js';

/** Where an ethertype leads; 802.3 length values (<= 1500) carry LLC, which we leave as data. */
export function nextByEthertype(ctx: DecodeContext, type: number, start: number, end: number): Next {
  if (type <= 1500) return { proto: 'data', start, end: Math.min(end, start + type) };
  return { proto: ctx.lookup('ethertype', type) ?? 'data', start, end };
}

export const eth: Dissector = {
  proto: 'eth',
  name: 'Ethernet II',
  short: 'Ethernet',
  fields: [
    protocolField('eth', 'Ethernet II'),
    ...fieldsOf('eth', [
      ['eth.dst', 'Destination', 'ether', macAt(0)],
      ['eth.src', 'Source', 'ether', macAt(6)],
      // Values up to 1500 are an IEEE 802.3 length, not a type (tshark's eth.len then).
      [
        'eth.type',
        'Type',
        'uint',
        {
          ...u16(12),
          get: (p, l) => (l.start + 14 <= l.payload && rd16(p.data, l.start + 12) > 1500 ? rd16(p.data, l.start + 12) : undefined),
          hexDigits: 4,
          names: ETHERTYPE_NAMES,
        },
      ],
      [
        'eth.len',
        'Length',
        'uint',
        { ...u16(12), get: (p, l) => (l.start + 14 <= l.payload && rd16(p.data, l.start + 12) <= 1500 ? rd16(p.data, l.start + 12) : undefined) },
      ],
      [
        'eth.addr',
        'Address',
        'ether',
        {
          hidden: true,
          get: (p, l) => (l.start + 12 <= l.payload ? [p.data.subarray(l.start, l.start + 6), p.data.subarray(l.start + 6, l.start + 12)] : undefined),
        },
      ],
    ]),
  ],
  decode(ctx, start, end) {
    const layer = ctx.push('eth', start, start + 14, end);
    if (end - start < 14) return truncatedHeader(ctx, 'Ethernet', layer);
    return nextByEthertype(ctx, rd16(ctx.pkt.data, start + 12), start + 14, end);
  },
  fieldTitle: {
    text: 'Ethernet II',
    minLength: 14,
    parts: [
      [', Src: ', 'eth.src'],
      [', Dst: ', 'eth.dst'],
    ],
  },
  endpoints: (p, l) => (l.payload - l.start >= 14 ? [formatMac(p.data, l.start + 6), formatMac(p.data, l.start)] : undefined),
};

/** 802.1Q and 802.1ad tags: 4 bytes each, stacked for QinQ. */
export const vlan: Dissector = {
  proto: 'vlan',
  name: '802.1Q Virtual LAN',
  short: '802.1Q',
  fields: [
    protocolField('vlan', '802.1Q Virtual LAN'),
    ...fieldsOf('vlan', [
      ['vlan.priority', 'Priority', 'uint', bits(0, 2, 0xe000)],
      ['vlan.dei', 'DEI', 'uint', bits(0, 2, 0x1000)],
      ['vlan.id', 'ID', 'uint', bits(0, 2, 0x0fff)],
      ['vlan.etype', 'Type', 'uint', { ...u16(2), hexDigits: 4, names: ETHERTYPE_NAMES }],
    ]),
  ],
  decode(ctx, start, end) {
    const layer = ctx.push('vlan', start, start + 4, end);
    if (end - start < 4) return truncatedHeader(ctx, '802.1Q', layer);
    return nextByEthertype(ctx, rd16(ctx.pkt.data, start + 2), start + 4, end);
  },
  title: (p, l) =>
    l.payload - l.start >= 4 ? `802.1Q Virtual LAN, PRI: ${p.data[l.start]! >> 5}, ID: ${rd16(p.data, l.start) & 0xfff}` : '802.1Q Virtual LAN',
};
