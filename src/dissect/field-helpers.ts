import type { FieldDef, FieldType, FieldValue, Layer, Packet } from './types.js';

// Most fields sit at a fixed offset from the start of their header. These helpers build
// the getter and byte range for such a field, bounds-checked against the header's end
// so a truncated header yields "absent" instead of reading past the data.

type Getter = Pick<FieldDef, 'get' | 'range'>;

/**
 * What a fixed-offset getter reads, carried on the getter function itself so a spec that
 * replaces `get` drops it: -V's text path (tree-bytes.ts) reads such fields straight from the
 * bytes, without the call and without the subarray a MAC address would allocate.
 */
export interface FixedRead {
  offset: number;
  size: number;
  /** A number (big-endian, masked and shifted), a boolean of the masked bits, or the bytes themselves. */
  kind: 'number' | 'bool' | 'bytes';
  /** The bits a bit field keeps (then shifted right by `shift`); absent for a whole number. */
  mask?: number;
  shift: number;
}

export type FixedGetter = FieldDef['get'] & { fixed?: FixedRead };

function fixed(offset: number, size: number, read: (d: Uint8Array, p: number) => FieldValue, how?: Partial<FixedRead>): Getter {
  const get: FixedGetter = (pkt: Packet, l: Layer) => (l.start + offset + size <= l.payload ? read(pkt.data, l.start + offset) : undefined);
  get.fixed = { offset, size, kind: 'number', shift: 0, ...how };
  return {
    get,
    range: (_pkt: Packet, l: Layer) => (l.start + offset + size <= l.payload ? [l.start + offset, size] : undefined),
  };
}

export const rd16 = (d: Uint8Array, p: number): number => (d[p]! << 8) | d[p + 1]!;
export const rd24 = (d: Uint8Array, p: number): number => (d[p]! << 16) | (d[p + 1]! << 8) | d[p + 2]!;
export const rd32 = (d: Uint8Array, p: number): number => ((d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!) >>> 0;

export const u8 = (offset: number): Getter => fixed(offset, 1, (d, p) => d[p]!);
export const u16 = (offset: number): Getter => fixed(offset, 2, rd16);
export const u24 = (offset: number): Getter => fixed(offset, 3, rd24);
export const u32 = (offset: number): Getter => fixed(offset, 4, rd32);
export const ipv4At = (offset: number): Getter => fixed(offset, 4, rd32);
export const ipv6At = (offset: number): Getter => fixed(offset, 16, (d, p) => d.subarray(p, p + 16), { kind: 'bytes' });
export const macAt = (offset: number): Getter => fixed(offset, 6, (d, p) => d.subarray(p, p + 6), { kind: 'bytes' });

/** A bit field inside a big-endian word of `size` bytes at `offset`. */
export function bits(offset: number, size: 1 | 2 | 4, mask: number, asBool = false): Getter {
  let shift = 0;
  while (((mask >>> shift) & 1) === 0 && shift < 32) shift++;
  const read = size === 1 ? (d: Uint8Array, p: number) => d[p]! : size === 2 ? rd16 : rd32;
  return fixed(
    offset,
    size,
    (d, p) => {
      const v = ((read(d, p) & mask) >>> shift) >>> 0;
      return asBool ? v !== 0 : v;
    },
    { kind: asBool ? 'bool' : 'number', mask, shift },
  );
}

/** The whole layer as a protocol-presence field (`vxlan`, `ip`). */
export function protocolField(proto: string, label: string): FieldDef {
  return {
    name: proto,
    label,
    type: 'protocol',
    proto,
    get: () => true,
    range: (_p, l) => [l.start, l.end - l.start],
  };
}

export interface FieldSpec extends Getter {
  hexDigits?: number;
  plainHex?: boolean;
  treeHexDigits?: number;
  parent?: string;
  names?: Record<number, string>;
  hidden?: boolean;
  stream?: boolean;
  description?: string;
  firstAtTop?: boolean;
  ranges?: FieldDef['ranges'];
}

/** Declares the fields of one protocol in a compact table form. */
export function fieldsOf(proto: string, specs: [name: string, label: string, type: FieldType, spec: FieldSpec][]): FieldDef[] {
  return specs.map(([name, label, type, spec]) => ({ name, label, type, proto, ...spec }));
}
