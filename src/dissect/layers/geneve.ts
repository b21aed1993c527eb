import { truncatedHeader } from '../dissect.js';
import { bits, fieldsOf, protocolField, rd16, rd24, u16, u24, u8 } from '../field-helpers.js';
import type { Dissector, FieldValue, Layer, Packet } from '../types.js';
import { ETHERTYPE_NAMES } from './names.js';

const ETH_TEB = 0x6558;

interface GeneveOption {
  at: number;
  cls: number;
  type: number;
  flags: number;
  /** Whole option, its 4-byte header included. */
  length: number;
}

/** The TLV options between the fixed header and the payload; stops at the first that overruns. */
export function geneveOptions(p: Packet, l: Layer): GeneveOption[] {
  const d = p.data;
  const out: GeneveOption[] = [];
  let i = l.start + 8;
  while (i + 4 <= l.payload) {
    const length = 4 + (d[i + 3]! & 0x1f) * 4;
    if (i + length > l.payload) break;
    out.push({ at: i, cls: rd16(d, i), type: d[i + 2]!, flags: d[i + 3]! >> 5, length });
    i += length;
  }
  return out;
}

const perOption = (pick: (o: GeneveOption, p: Packet) => FieldValue, at: (o: GeneveOption) => [number, number] = (o) => [o.at, o.length]) => ({
  get: (p: Packet, l: Layer) => geneveOptions(p, l).map((o) => pick(o, p)),
  ranges: (p: Packet, l: Layer) => geneveOptions(p, l).map(at),
  parent: 'geneve.option',
});

/** Option class owners, from the IANA "Geneve Option Class" registry. */
const CLASS_NAMES: Record<number, string> = (() => {
  const names: Record<number, string> = {
    0x0100: 'Linux',
    0x0101: 'Open vSwitch',
    0x0102: 'OVN',
    0x0103: 'In-band Network Telemetry',
    0x0104: 'VMware',
    0x0107: 'Oracle',
    0x0129: 'Oxide',
    0x0136: 'InfoQuick',
    0x014b: 'Cilium',
  };
  const span = (from: number, to: number, name: string): void => {
    for (let c = from; c <= to; c++) names[c] = name;
  };
  span(0x0000, 0x00ff, 'Standard');
  span(0x0105, 0x0105, 'Amazon');
  span(0x0108, 0x0110, 'Amazon');
  span(0x0106, 0x0106, 'Cisco');
  span(0x0130, 0x0131, 'Cisco');
  span(0x0111, 0x0118, 'IBM');
  span(0x0119, 0x0128, 'Ericsson');
  span(0x0132, 0x0135, 'Google');
  span(0xfff0, 0xffff, 'Experimental');
  return names;
})();

/** GENEVE (RFC 8926), UDP 6081: Antrea, OVN/OVS and cloud load balancers use it. */
export const geneve: Dissector = {
  proto: 'geneve',
  name: 'Generic Network Virtualization Encapsulation',
  short: 'Geneve',
  fields: [
    protocolField('geneve', 'Generic Network Virtualization Encapsulation'),
    ...fieldsOf('geneve', [
      ['geneve.version', 'Version', 'uint', bits(0, 1, 0xc0)],
      // tshark gives the header's options length and each option's length one name: the first
      // value is the header's (at the top of the tree), then one per option, under the option.
      [
        'geneve.option.length',
        'Length',
        'uint',
        {
          get: (p, l) => (l.payload - l.start >= 8 ? [(p.data[l.start]! & 0x3f) * 4, ...geneveOptions(p, l).map((o) => o.length)] : undefined),
          ranges: (p, l) => [[l.start, 1], ...geneveOptions(p, l).map((o): [number, number] => [o.at + 3, 1])],
          parent: 'geneve.option',
          firstAtTop: true,
        },
      ],
      ['geneve.flags', 'Flags', 'uint', { ...u8(1), hexDigits: 2 }],
      ['geneve.flags.oam', 'Operations, Administration and Management Frame', 'bool', { ...bits(1, 1, 0x80, true), parent: 'geneve.flags' }],
      ['geneve.flags.critical', 'Critical Options Present', 'bool', { ...bits(1, 1, 0x40, true), parent: 'geneve.flags' }],
      ['geneve.flags.reserved', 'Reserved', 'uint', { ...bits(1, 1, 0x3f), parent: 'geneve.flags' }],
      ['geneve.proto_type', 'Protocol Type', 'uint', { ...u16(2), hexDigits: 4, names: { ...ETHERTYPE_NAMES } }],
      ['geneve.vni', 'Virtual Network Identifier (VNI)', 'uint', { ...u24(4), hexDigits: 6 }],
      ['geneve.reserved', 'Reserved', 'uint', { ...u8(7), hexDigits: 2 }],
      ['geneve.option', 'Option', 'bytes', { ...perOption((o, p) => p.data.subarray(o.at, o.at + o.length)), parent: undefined }],
      [
        'geneve.option.class',
        'Class',
        'uint',
        {
          ...perOption(
            (o) => o.cls,
            (o) => [o.at, 2],
          ),
          hexDigits: 4,
          names: CLASS_NAMES,
        },
      ],
      [
        'geneve.option.type',
        'Type',
        'uint',
        {
          ...perOption(
            (o) => o.type,
            (o) => [o.at + 2, 1],
          ),
          hexDigits: 2,
        },
      ],
      [
        'geneve.option.type.critical',
        'Critical Option',
        'bool',
        perOption(
          (o) => (o.type & 0x80) !== 0,
          (o) => [o.at + 2, 1],
        ),
      ],
      [
        'geneve.option.flags',
        'Flags',
        'uint',
        {
          ...perOption(
            (o) => o.flags,
            (o) => [o.at + 3, 1],
          ),
          hexDigits: 2,
        },
      ],
      [
        'geneve.option.data',
        'Data',
        'bytes',
        perOption(
          (o, p) => p.data.subarray(o.at + 4, o.at + o.length),
          (o) => [o.at + 4, o.length - 4],
        ),
      ],
      ['geneve.options_count', 'Number of options', 'uint', { get: (p, l) => geneveOptions(p, l).length }],
    ]),
  ],
  decode(ctx, start, end) {
    const d = ctx.pkt.data;
    const optLen = end > start ? (d[start]! & 0x3f) * 4 : 0;
    const layer = ctx.push('geneve', start, start + 8 + optLen, end);
    if (end - start < 8 + optLen) return truncatedHeader(ctx, 'Geneve', layer);
    const version = d[start]! >> 6;
    if (version !== 0) {
      ctx.note('warning', `[Geneve version ${version} is unknown; payload not decoded]`);
      return { proto: 'data', start: start + 8 + optLen, end };
    }
    if (d[start + 1]! & 0x40) ctx.note('note', '[Geneve critical options present]');
    const type = rd16(d, start + 2);
    ctx.enterTunnel();
    const proto = type === ETH_TEB ? 'eth' : ctx.lookup('ethertype', type);
    if (!proto) ctx.note('warning', `[Geneve protocol type 0x${type.toString(16).padStart(4, '0')} not decoded]`);
    return { proto: proto ?? 'data', start: start + 8 + optLen, end };
  },
  title: (p, l) =>
    l.payload - l.start >= 8
      ? `Generic Network Virtualization Encapsulation, VNI: 0x${rd24(p.data, l.start + 4)
          .toString(16)
          .padStart(6, '0')}`
      : 'Generic Network Virtualization Encapsulation',
  info: (p, l) =>
    l.payload - l.start >= 8
      ? `VNI 0x${rd24(p.data, l.start + 4)
          .toString(16)
          .padStart(6, '0')}`
      : '',
};
