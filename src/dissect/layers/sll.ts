import { truncatedHeader } from '../dissect.js';
import { fieldsOf, type FieldSpec, macAt, protocolField, rd16, rd32, u16, u32, u8 } from '../field-helpers.js';
import type { DecodeContext, Dissector, FieldDef, Layer, Next, Packet } from '../types.js';
import { nextByEthertype } from './eth.js';
import { ETHERTYPE_NAMES } from './names.js';

export const PKTTYPE_NAMES: Record<number, string> = {
  0: 'Unicast to us',
  1: 'Broadcast',
  2: 'Multicast',
  3: 'Unicast to another host',
  4: 'Sent by us',
};

/** The packet type in the tree's title line ("Linux cooked capture v2, Out on eth0"). */
const PKTTYPE_TITLE: Record<number, string> = { 0: 'In', 1: 'Broadcast in', 2: 'Multicast in', 3: 'Unicast to another host', 4: 'Out' };

/** The short In/Out words tcpdump prints for each packet type. */
export const PKTTYPE_SHORT: Record<number, string> = { 0: 'In', 1: 'B', 2: 'M', 3: 'P', 4: 'Out' };

const ARPHRD_IPGRE = 778;
const ARPHRD_NETLINK = 824;

/** The ethertype a cooked header's protocol field is, by ARPHRD type; undefined when it is none (netlink, 802.2). */
export function cookedEthertype(hatype: number, protocol: number): number | undefined {
  if (hatype === ARPHRD_IPGRE) return protocol;
  return hatype === ARPHRD_NETLINK || protocol < 0x0600 ? undefined : protocol;
}

/** The protocol field of both cooked headers; its meaning depends on the ARPHRD type. */
function nextByCookedProtocol(ctx: DecodeContext, hatype: number, protocol: number, start: number, end: number): Next {
  const type = cookedEthertype(hatype, protocol);
  return type === undefined ? { proto: 'data', start, end } : nextByEthertype(ctx, type, start, end);
}

/**
 * The protocol word is an ethertype, except over ARPHRD_IPGRE where it is a GRE protocol
 * type; tshark files the two under sll.etype and sll.gretype, and so do we.
 */
function protocolWord(offset: number, hatypeAt: number): [string, string, 'uint', FieldSpec][] {
  const word = u16(offset);
  const isGre = (p: Packet, l: Layer): boolean => l.start + hatypeAt + 2 <= l.payload && rd16(p.data, l.start + hatypeAt) === ARPHRD_IPGRE;
  return [
    ['sll.etype', 'Protocol', 'uint', { ...word, get: (p, l) => (isGre(p, l) ? undefined : word.get(p, l)), hexDigits: 4, names: ETHERTYPE_NAMES }],
    ['sll.gretype', 'GRE protocol type', 'uint', { ...word, get: (p, l) => (isGre(p, l) ? word.get(p, l) : undefined), hexDigits: 4, names: ETHERTYPE_NAMES }],
  ];
}

const ifname: FieldDef = {
  name: 'sll.ifname',
  label: 'Interface name',
  type: 'string',
  proto: 'sll',
  get: (p: Packet) => p.frame.interfaceName,
};

const direction = (p: Packet, l: Layer, offset: number, size: 1 | 2): string => {
  const t = size === 1 ? p.data[l.start + offset]! : rd16(p.data, l.start + offset);
  return PKTTYPE_TITLE[t] ?? `packet type ${t}`;
};

/** LINKTYPE_LINUX_SLL (113): what `tcpdump -i any` wrote before libpcap 1.10 / tcpdump 4.99. */
export const sll: Dissector = {
  proto: 'sll',
  name: 'Linux cooked capture v1',
  short: 'SLL',
  fields: [
    protocolField('sll', 'Linux cooked capture'),
    ...fieldsOf('sll', [
      ['sll.pkttype', 'Packet type', 'uint', { ...u16(0), names: PKTTYPE_NAMES }],
      ['sll.hatype', 'Link-layer address type', 'uint', u16(2)],
      ['sll.halen', 'Link-layer address length', 'uint', u16(4)],
      [
        'sll.src.eth',
        'Source',
        'ether',
        { get: (p, l) => (l.start + 6 <= l.payload && rd16(p.data, l.start + 4) === 6 ? macAt(6).get(p, l) : undefined), range: macAt(6).range },
      ],
      ...protocolWord(14, 2),
      ['sll.ifindex', 'Interface index', 'uint', { get: () => undefined }],
    ]),
    ifname,
  ],
  decode(ctx, start, end) {
    const layer = ctx.push('sll', start, start + 16, end);
    if (end - start < 16) return truncatedHeader(ctx, 'SLL', layer);
    const d = ctx.pkt.data;
    return nextByCookedProtocol(ctx, rd16(d, start + 2), rd16(d, start + 14), start + 16, end);
  },
  title: (p, l) =>
    `Linux cooked capture v1${l.payload - l.start >= 16 ? `, ${direction(p, l, 0, 2)}` : ''}${p.frame.interfaceName ? ` on ${p.frame.interfaceName}` : ''}`,
};

/** LINKTYPE_LINUX_SLL2 (276): what tcpdump 4.99+ writes for `-i any`; it records the interface index. */
export const sll2: Dissector = {
  proto: 'sll2',
  name: 'Linux cooked capture v2',
  short: 'SLL2',
  fields: [
    protocolField('sll2', 'Linux cooked capture v2'),
    // tshark files both cooked versions under the "sll" field names.
    ...fieldsOf('sll2', [
      ...protocolWord(0, 8),
      ['sll.ifindex', 'Interface index', 'uint', u32(4)],
      ['sll.hatype', 'Link-layer address type', 'uint', u16(8)],
      ['sll.pkttype', 'Packet type', 'uint', { ...u8(10), names: PKTTYPE_NAMES }],
      ['sll.halen', 'Link-layer address length', 'uint', u8(11)],
      [
        'sll.src.eth',
        'Source',
        'ether',
        { get: (p, l) => (l.start + 12 <= l.payload && p.data[l.start + 11] === 6 ? macAt(12).get(p, l) : undefined), range: macAt(12).range },
      ],
      ['sll.ifname', 'Interface name', 'string', { get: (p) => p.frame.interfaceName }],
    ]),
  ],
  decode(ctx, start, end) {
    const layer = ctx.push('sll2', start, start + 20, end);
    if (end - start < 20) return truncatedHeader(ctx, 'SLL2', layer);
    const d = ctx.pkt.data;
    return nextByCookedProtocol(ctx, rd16(d, start + 8), rd16(d, start), start + 20, end);
  },
  title: (p, l) =>
    l.payload - l.start >= 20
      ? `Linux cooked capture v2, ${direction(p, l, 10, 1)} on ${p.frame.interfaceName ?? `if${rd32(p.data, l.start + 4)}`}`
      : 'Linux cooked capture v2',
};
