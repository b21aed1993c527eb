import { truncatedHeader } from '../dissect.js';
import { formatIpv6 } from '../format.js';
import { bits, fieldsOf, ipv6At, protocolField, rd16, u16, u8 } from '../field-helpers.js';
import type { Dissector } from '../types.js';
import { IP_PROTO_NAMES } from './names.js';

export const ipv6: Dissector = {
  proto: 'ipv6',
  name: 'Internet Protocol Version 6',
  short: 'IPv6',
  fields: [
    protocolField('ipv6', 'Internet Protocol Version 6'),
    ...fieldsOf('ipv6', [
      ['ipv6.version', 'Version', 'uint', bits(0, 1, 0xf0)],
      ['ipv6.tclass', 'Traffic Class', 'uint', { ...bits(0, 2, 0x0ff0), hexDigits: 8, treeHexDigits: 2 }],
      ['ipv6.flow', 'Flow Label', 'uint', { ...bits(0, 4, 0x000fffff), hexDigits: 6, treeHexDigits: 5 }],
      ['ipv6.plen', 'Payload Length', 'uint', u16(4)],
      ['ipv6.nxt', 'Next Header', 'uint', { ...u8(6), names: IP_PROTO_NAMES }],
      ['ipv6.hlim', 'Hop Limit', 'uint', u8(7)],
      ['ipv6.src', 'Source Address', 'ipv6', ipv6At(8)],
      ['ipv6.dst', 'Destination Address', 'ipv6', ipv6At(24)],
      [
        'ipv6.addr',
        'Source or Destination Address',
        'ipv6',
        {
          hidden: true,
          get: (p, l) => (l.start + 40 <= l.payload ? [p.data.subarray(l.start + 8, l.start + 24), p.data.subarray(l.start + 24, l.start + 40)] : undefined),
        },
      ],
    ]),
  ],
  decode(ctx, start, end) {
    const d = ctx.pkt.data;
    const layer = ctx.push('ipv6', start, start + 40, end);
    if (end - start < 40) return truncatedHeader(ctx, 'IPv6', layer);
    const plen = rd16(d, start + 4);
    if (plen === 0) ctx.note('note', '[IPv6 payload length 0: jumbogram or segmentation offload (BIG TCP)]');
    else if (start + 40 + plen < end) layer.end = start + 40 + plen;
    return { proto: ctx.lookup('ip.proto', d[start + 6]!) ?? 'data', start: start + 40, end: layer.end };
  },
  title: (p, l) =>
    l.payload - l.start >= 40
      ? `Internet Protocol Version 6, Src: ${formatIpv6(p.data.subarray(l.start + 8, l.start + 24))}, Dst: ${formatIpv6(p.data.subarray(l.start + 24, l.start + 40))}`
      : 'Internet Protocol Version 6',
  endpoints: (p, l) =>
    l.payload - l.start >= 40 ? [formatIpv6(p.data.subarray(l.start + 8, l.start + 24)), formatIpv6(p.data.subarray(l.start + 24, l.start + 40))] : undefined,
};
