import { rd16 } from '../field-helpers.js';
import type { Packet } from '../types.js';

/** The header is a layer of this protocol with its fixed part complete. */
export const layerIs =
  (proto: string) =>
  (pkt: Packet, i: number): boolean =>
    pkt.layers[i]!.proto === proto;

export const hex = (v: number, digits: number): string => `0x${(v >>> 0).toString(16).padStart(digits, '0')}`;

/** The UDP destination port under layer `at` (past a UDP-encapsulation shim), 0 when it is not carried in UDP. */
export function udpPortBelow(pkt: Packet, at: number): number {
  let i = at - 1;
  while (i > 0 && pkt.layers[i]!.proto === 'udpencap') i--;
  const below = pkt.layers[i];
  return below?.proto === 'udp' && below.payload - below.start >= 8 ? rd16(pkt.data, below.start + 2) : 0;
}
