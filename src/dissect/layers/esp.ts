import { truncatedHeader } from '../dissect.js';
import { fieldsOf, protocolField, rd32, u32 } from '../field-helpers.js';
import type { Dissector } from '../types.js';

// IPsec Encapsulating Security Payload (RFC 4303), IP protocol 50, and its UDP encapsulation
// for NAT traversal (RFC 3948) on port 4500. Without the keys only the SPI and the sequence
// number can be read: everything after them is encrypted, and is shown as such.

export const esp: Dissector = {
  proto: 'esp',
  name: 'Encapsulating Security Payload',
  short: 'ESP',
  fields: [
    protocolField('esp', 'Encapsulating Security Payload'),
    ...fieldsOf('esp', [
      ['esp.spi', 'ESP SPI', 'uint', { ...u32(0), hexDigits: 8, description: 'IP Encapsulating Security Payload Security Parameters Index' }],
      ['esp.sequence', 'ESP Sequence', 'uint', { ...u32(4), description: 'IP Encapsulating Security Payload Sequence Number' }],
    ]),
  ],
  decode(ctx, start, end) {
    const layer = ctx.push('esp', start, start + 8, end);
    if (end - start < 8) return truncatedHeader(ctx, 'ESP', layer);
    if (end > start + 8)
      ctx.note('note', `[Encrypted payload: ${end - start - 8} bytes (IV, data, padding and ICV); no inner packet can be shown without the keys]`);
    return undefined;
  },
  title: () => 'Encapsulating Security Payload',
  info: (p, l) => (l.payload - l.start >= 8 ? `ESP (SPI=0x${rd32(p.data, l.start).toString(16).padStart(8, '0')})` : 'ESP'),
};

/** What a UDP 4500 datagram holds: a NAT keepalive, IKE behind the non-ESP marker, or ESP. */
export function udpEncapContent(d: Uint8Array, start: number, end: number): 'keepalive' | 'ike' | 'esp' {
  if (end - start === 1 && d[start] === 0xff) return 'keepalive';
  if (end - start >= 4 && rd32(d, start) === 0) return 'ike';
  return 'esp';
}

export const udpEncap: Dissector = {
  proto: 'udpencap',
  name: 'UDP Encapsulation of IPsec Packets',
  short: 'UDPENCAP',
  fields: [
    protocolField('udpencap', 'UDP Encapsulation of IPsec Packets'),
    ...fieldsOf('udpencap', [
      [
        'udpencap.nat_keepalive',
        'NAT-keepalive packet',
        'none',
        { get: (p, l) => (udpEncapContent(p.data, l.start, l.end) === 'keepalive' ? true : undefined), range: (_p, l) => [l.start, 1] },
      ],
      [
        'udpencap.non_esp_marker',
        'Non-ESP Marker',
        'none',
        {
          get: (p, l) => (udpEncapContent(p.data, l.start, l.end) === 'ike' ? true : undefined),
          range: (_p, l) => [l.start, 4],
          description: 'Four zero bytes: IKE follows, not ESP',
        },
      ],
    ]),
  ],
  decode(ctx, start, end) {
    const kind = udpEncapContent(ctx.pkt.data, start, end);
    if (kind === 'keepalive') {
      ctx.push('udpencap', start, end, end);
      return undefined;
    }
    if (kind === 'ike') {
      ctx.push('udpencap', start, start + 4, end);
      return start + 4 < end ? { proto: 'isakmp', start: start + 4, end } : undefined;
    }
    ctx.push('udpencap', start, start, end);
    return { proto: 'esp', start, end };
  },
  info: (p, l) => {
    const kind = udpEncapContent(p.data, l.start, l.end);
    return kind === 'keepalive' ? 'NAT-keepalive' : kind === 'ike' ? 'IKE (non-ESP marker)' : '';
  },
};
