import { markMalformed, truncatedHeader } from '../dissect.js';
import { fieldsOf, protocolField, rd16, u16 } from '../field-helpers.js';
import type { DecodeContext, Dissector } from '../types.js';
import { protoByPorts } from './ports.js';

/** The bytes end where the capture's snaplen cut the frame: a longer UDP length is expected then. */
function cutByCapture(ctx: DecodeContext, end: number): boolean {
  const { frame, data } = ctx.pkt;
  return frame.capLen < frame.origLen && end >= data.length;
}

/** IPv4 total length 0 or IPv6 payload length 0 (segmentation offload, jumbograms): the IP payload's size is unknown. */
function lengthUnknown(ctx: DecodeContext): boolean {
  const { layers, data } = ctx.pkt;
  const ip = layers[layers.length - 2];
  if (ip?.proto === 'ip') return ip.payload - ip.start >= 20 && rd16(data, ip.start + 2) === 0;
  if (ip?.proto === 'ipv6') return ip.payload - ip.start >= 40 && rd16(data, ip.start + 4) === 0;
  return ip?.proto !== 'ipv6.fraghdr' && ip?.proto !== 'ipv6.hopopts' && ip?.proto !== 'ipv6.routing' && ip?.proto !== 'ipv6.dstopts';
}

export const udp: Dissector = {
  proto: 'udp',
  name: 'User Datagram Protocol',
  short: 'UDP',
  fields: [
    protocolField('udp', 'User Datagram Protocol'),
    ...fieldsOf('udp', [
      ['udp.srcport', 'Source Port', 'uint', u16(0)],
      ['udp.dstport', 'Destination Port', 'uint', u16(2)],
      [
        'udp.port',
        'Source or Destination Port',
        'uint',
        { hidden: true, get: (p, l) => (l.start + 4 <= l.payload ? [rd16(p.data, l.start), rd16(p.data, l.start + 2)] : undefined) },
      ],
      ['udp.length', 'Length', 'uint', u16(4)],
      ['udp.checksum', 'Checksum', 'uint', { ...u16(6), hexDigits: 4 }],
      ['udp.payload', 'Payload', 'bytes', { hidden: true, get: (p, l) => (l.end > l.payload ? p.data.subarray(l.payload, l.end) : undefined), range: (_p, l) => [l.payload, l.end - l.payload] }],
    ]),
  ],
  decode(ctx, start, end) {
    const d = ctx.pkt.data;
    const layer = ctx.push('udp', start, start + 8, end);
    if (end - start < 8) return truncatedHeader(ctx, 'UDP', layer);
    const len = rd16(d, start + 4);
    if (len >= 8 && start + len < end) layer.end = start + len;
    else if (len !== 0 && len < 8) return markMalformed(ctx, layer, `Bad length value ${len} < 8`);
    else if (start + len > end && !cutByCapture(ctx, end) && !lengthUnknown(ctx)) markMalformed(ctx, layer, `Bad length value ${len} > IP payload length`);
    const from = start + 8;
    if (from >= layer.end) return undefined;
    const proto = protoByPorts(ctx, 'udp.port', rd16(d, start), rd16(d, start + 2)) ?? ctx.heuristic('udp.port', from, layer.end);
    return { proto: proto ?? 'data', start: from, end: layer.end };
  },
  title: (p, l) =>
    l.payload - l.start >= 8 ? `User Datagram Protocol, Src Port: ${rd16(p.data, l.start)}, Dst Port: ${rd16(p.data, l.start + 2)}` : 'User Datagram Protocol',
  info: (p, l) => (l.payload - l.start >= 8 ? `${rd16(p.data, l.start)} → ${rd16(p.data, l.start + 2)} Len=${Math.max(0, l.end - l.payload)}` : ''),
};
