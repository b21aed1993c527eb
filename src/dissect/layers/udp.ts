import { markMalformed, truncatedHeader } from '../dissect.js';
import { fieldsOf, protocolField, rd16, u16 } from '../field-helpers.js';
import { ipFragmentOf } from '../fragment.js';
import { ipDatagramEnd } from '../ip-length.js';
import type { DecodeContext, Dissector, Layer, Packet } from '../types.js';
import { protoByPorts } from './ports.js';

/**
 * What the IP header around this UDP header says its payload is (not what was captured: a
 * snaplen cut is not a bad length). Infinity when it cannot say: total length 0 (segmentation
 * offload), a payload length 0 (jumbogram), or no IP header at all.
 */
function ipPayloadLength(ctx: DecodeContext, start: number, end: number): number {
  const { layers, data } = ctx.pkt;
  for (let i = layers.length - 2; i >= 0; i--) {
    const l = layers[i]!;
    if (l.proto !== 'ip' && l.proto !== 'ipv6') continue;
    // A reassembled datagram lies after the frame's own bytes: its size is what was reassembled.
    if (start >= l.end && start > l.start) return end - start;
    const claimed = ipDatagramEnd(data, l);
    return claimed === undefined ? Infinity : claimed - start;
  }
  return Infinity;
}

/** The payload length the header gives (tshark's Len=, also where the snaplen cut the payload), or what was captured when it gives none. */
function payloadLength(p: Packet, l: Layer): number {
  const len = rd16(p.data, l.start + 4);
  const cut = p.frame.capLen < p.frame.origLen && l.end >= p.data.length && l.malformed === undefined;
  return cut && len > 8 ? len - 8 : Math.max(0, l.end - l.payload);
}

/** Whether the nearest IP header below is a datagram's first fragment (more follow). */
function inFirstFragment(ctx: DecodeContext): boolean {
  const { layers } = ctx.pkt;
  for (let i = layers.length - 2; i >= 0; i--) {
    const l = layers[i]!;
    if (l.proto !== 'ip' && l.proto !== 'ipv6' && l.proto !== 'ipv6.fraghdr') continue;
    const f = ipFragmentOf(ctx.pkt, l);
    return f !== undefined && f.offset === 0 && f.more;
  }
  return false;
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
      ['udp.stream', 'Stream index', 'uint', { stream: true, get: (_p, l) => (l.conv?.kind === 'udp' ? l.conv.stream : undefined) }],
      ['udp.checksum', 'Checksum', 'uint', { ...u16(6), hexDigits: 4 }],
      [
        'udp.payload',
        'Payload',
        'bytes',
        { hidden: true, get: (p, l) => (l.end > l.payload ? p.data.subarray(l.payload, l.end) : undefined), range: (_p, l) => [l.payload, l.end - l.payload] },
      ],
    ]),
  ],
  decode(ctx, start, end) {
    const d = ctx.pkt.data;
    const layer = ctx.push('udp', start, start + 8, end);
    if (end - start < 8) return truncatedHeader(ctx, 'UDP', layer);
    const len = rd16(d, start + 4);
    if (len >= 8 && start + len < end) layer.end = start + len;
    else if (len !== 0 && len < 8) return markMalformed(ctx, layer, `Bad length value ${len} < 8`);
    else if (len > ipPayloadLength(ctx, start, end)) {
      // The first fragment of a datagram not reassembled here (the UI and the analysis look at
      // one frame at a time): the rest of the datagram is in later fragments, nothing is wrong.
      if (inFirstFragment(ctx)) ctx.note('note', `[UDP length ${len}: the datagram continues in later IP fragments]`);
      else markMalformed(ctx, layer, `Bad length value ${len} > IP payload length`);
    }
    const from = start + 8;
    if (from >= layer.end) {
      // The snaplen may have ended right after this header: then what the ports name is missing, not absent (dissect.ts says which).
      const cut = len > 8 && from >= d.length ? protoByPorts(ctx, 'udp.port', rd16(d, start), rd16(d, start + 2)) : undefined;
      return cut === undefined ? undefined : { proto: cut, start: from, end: from };
    }
    const proto = protoByPorts(ctx, 'udp.port', rd16(d, start), rd16(d, start + 2)) ?? ctx.heuristic('udp.port', from, layer.end);
    return { proto: proto ?? 'data', start: from, end: layer.end };
  },
  fieldTitle: {
    text: 'User Datagram Protocol',
    minLength: 8,
    parts: [
      [', Src Port: ', 'udp.srcport'],
      [', Dst Port: ', 'udp.dstport'],
    ],
  },
  info: (p, l) => (l.payload - l.start >= 8 ? `${rd16(p.data, l.start)} → ${rd16(p.data, l.start + 2)} Len=${payloadLength(p, l)}` : ''),
};
