import { LinkType } from '../../capture/types.js';
import { truncatedHeader } from '../dissect.js';
import { fieldsOf, protocolField, rd32 } from '../field-helpers.js';
import type { Dissector, Layer, Packet } from '../types.js';

// Link types without a hardware header:
// - NULL (0): BSD loopback, a 4-byte address family in the byte order of the host that captured.
// - LOOP (108): OpenBSD loopback, the same family word in network byte order.
// - RAW (101): the packet starts with the IP header; its version nibble says v4 or v6.
// Raw IPv4 (228) and raw IPv6 (229) need no layer: the registry maps them straight to ip/ipv6.

/** The BSDs disagree on AF_INET6: NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30. */
const FAMILY_NAMES: Record<number, string> = { 2: 'IP', 7: 'OSI', 23: 'IPX', 24: 'IPv6', 28: 'IPv6', 30: 'IPv6' };
const FAMILY_PROTO: Record<number, string> = { 2: 'ip', 24: 'ipv6', 28: 'ipv6', 30: 'ipv6' };

/**
 * The address family. LOOP is big-endian; for NULL the writer's byte order is unknown, and as
 * every family value fits in 16 bits, a word with high bits set is read the other way round.
 */
function family(p: Packet, l: Layer): number {
  const d = p.data;
  const s = l.start;
  const be = rd32(d, s);
  if (p.frame.linkType === LinkType.LOOP) return be;
  const le = (d[s]! | (d[s + 1]! << 8) | (d[s + 2]! << 16) | (d[s + 3]! << 24)) >>> 0;
  return le > 0xffff ? be : le;
}

export const nullLink: Dissector = {
  proto: 'null',
  name: 'Null/Loopback',
  short: 'NULL',
  fields: [
    protocolField('null', 'Null/Loopback'),
    ...fieldsOf('null', [
      [
        'null.family',
        'Family',
        'uint',
        { get: (p, l) => (l.start + 4 <= l.payload ? family(p, l) : undefined), range: (_p, l) => [l.start, 4], names: FAMILY_NAMES },
      ],
    ]),
  ],
  decode(ctx, start, end) {
    const layer = ctx.push('null', start, start + 4, end);
    if (end - start < 4) return truncatedHeader(ctx, 'Null/Loopback', layer);
    const fam = family(ctx.pkt, layer);
    const proto = FAMILY_PROTO[fam];
    if (!proto) ctx.note('warning', `[Loopback address family ${fam} not decoded]`);
    return { proto: proto ?? 'data', start: start + 4, end };
  },
  title: () => 'Null/Loopback',
};

export const rawIp: Dissector = {
  proto: 'raw',
  name: 'Raw packet data',
  short: 'Raw',
  fields: [protocolField('raw', 'Raw packet data')],
  decode(ctx, start, end) {
    ctx.push('raw', start, start, end);
    const version = ctx.pkt.data[start]! >> 4;
    if (version === 4) return { proto: 'ip', start, end };
    if (version === 6) return { proto: 'ipv6', start, end };
    ctx.note('warning', `[Raw IP: version ${version} is neither 4 nor 6]`);
    return { proto: 'data', start, end };
  },
  title: () => 'Raw packet data',
};
