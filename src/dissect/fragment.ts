// Which fragment of an IP datagram a layer's header describes: IPv4's flags and offset, or the
// IPv6 fragment header (RFC 791, RFC 8200 §4.5).
import { rd16, rd32 } from './field-helpers.js';
import { hexNumber } from './format.js';
import type { Layer, Packet } from './types.js';

export interface IpFragment {
  /** Byte offset of this fragment's data in the datagram. */
  offset: number;
  more: boolean;
  /** The datagram's identification, as the tree shows it (hex). */
  id: string;
  /** 0 when the fragmented datagram is an outer one (a tunnel packet was cut). */
  depth: number;
}

/** The fragment this IPv4 or IPv6-fragment-header layer describes; undefined for a whole datagram or another layer. */
export function ipFragmentOf(pkt: Packet, l: Layer): IpFragment | undefined {
  const d = pkt.data;
  if (l.proto === 'ip' && l.payload - l.start >= 20) {
    const word = rd16(d, l.start + 6);
    const offset = (word & 0x1fff) * 8;
    const more = (word & 0x2000) !== 0;
    return offset || more ? { offset, more, id: hexNumber(rd16(d, l.start + 4), 4), depth: l.depth } : undefined;
  }
  if (l.proto === 'ipv6.fraghdr' && l.payload - l.start >= 8) {
    const word = rd16(d, l.start + 2);
    return { offset: word & 0xfff8, more: (word & 1) !== 0, id: hexNumber(rd32(d, l.start + 4), 8), depth: l.depth };
  }
  return undefined;
}
