import { rd16 } from './field-helpers.js';
import type { Layer } from './types.js';

/**
 * Where an IPv4 or IPv6 layer's length field says its datagram ends, in the packet's bytes:
 * Infinity when the field is 0 (segmentation offload, a jumbogram), undefined for a header cut
 * short or a layer that is no IP header.
 */
export function ipDatagramEnd(data: Uint8Array, l: Layer): number | undefined {
  if (l.proto === 'ip' && l.payload - l.start >= 20) {
    const total = rd16(data, l.start + 2);
    return total === 0 ? Infinity : l.start + total;
  }
  if (l.proto === 'ipv6' && l.payload - l.start >= 40) {
    const length = rd16(data, l.start + 4);
    return length === 0 ? Infinity : l.start + 40 + length;
  }
  return undefined;
}
