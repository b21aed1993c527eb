import { truncatedHeader } from '../dissect.js';
import { fieldsOf, protocolField, rd16, u16 } from '../field-helpers.js';
import type { Dissector } from '../types.js';
import { protoByPorts } from './ports.js';

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
      ['udp.stream', 'Stream index', 'uint', { get: (_p, l) => (l.conv?.kind === 'udp' ? l.conv.stream : undefined) }],
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
    else if (len !== 0 && len < 8) ctx.note('error', `[Malformed: UDP length ${len} is less than 8]`);
    const from = start + 8;
    if (from >= layer.end) return undefined;
    const proto = protoByPorts(ctx, 'udp.port', rd16(d, start), rd16(d, start + 2)) ?? ctx.heuristic('udp.port', from, layer.end);
    return { proto: proto ?? 'data', start: from, end: layer.end };
  },
  title: (p, l) =>
    l.payload - l.start >= 8 ? `User Datagram Protocol, Src Port: ${rd16(p.data, l.start)}, Dst Port: ${rd16(p.data, l.start + 2)}` : 'User Datagram Protocol',
  info: (p, l) => (l.payload - l.start >= 8 ? `${rd16(p.data, l.start)} → ${rd16(p.data, l.start + 2)} Len=${Math.max(0, l.end - l.payload)}` : ''),
};
