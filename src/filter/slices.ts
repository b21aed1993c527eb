// Slices of a field's bytes, as wireshark-filter(4) writes them: `eth.src[0:3]` (offset and
// length), `frame[10-13]` (first and last offset), `udp.payload[0]` (one byte), `[:4]` (the
// first four), `[6:]` (from offset 6 to the end), negative offsets counted from the end
// (`frame[-4:]`), and several ranges joined by commas (`eth.dst[0:2,4]`). A slice is a byte
// string; one whose range falls outside the value is absent, so comparing it is false.
import type { FieldDef, FieldType, FieldValue, Layer, Packet } from '../dissect/types.js';

export interface SliceRange {
  start: number;
  /** Bytes from start; undefined with `last` undefined means to the end. */
  length?: number;
  /** The last offset, included (the i-j form). */
  last?: number;
}

/** The types whose values are bytes to cut: integers, booleans and times are not. */
export const SLICEABLE: ReadonlySet<FieldType> = new Set(['bytes', 'ether', 'ipv4', 'ipv6', 'string', 'protocol']);

/** The ranges of a slice's text between its brackets, or undefined when it is not one. */
export function parseSliceSpec(spec: string): SliceRange[] | undefined {
  const ranges: SliceRange[] = [];
  for (const part of spec.split(',')) {
    const m = /^\s*(?:(-?\d+)?(:)(\d+)?|(-?\d+)-(-?\d+)|(-?\d+))\s*$/.exec(part);
    if (!m) return undefined;
    if (m[2] === ':') {
      if (m[1] === undefined && m[3] === undefined) return undefined;
      const range: SliceRange = { start: m[1] === undefined ? 0 : Number(m[1]) };
      if (m[3] !== undefined) range.length = Number(m[3]);
      ranges.push(range);
    } else if (m[4] !== undefined) {
      ranges.push({ start: Number(m[4]), last: Number(m[5]) });
    } else {
      ranges.push({ start: Number(m[6]), length: 1 });
    }
  }
  return ranges;
}

/** The bytes of `whole` the ranges select, joined; undefined when one falls outside it. */
export function cut(whole: Uint8Array, ranges: readonly SliceRange[]): Uint8Array | undefined {
  const n = whole.length;
  const parts: Uint8Array[] = [];
  for (const r of ranges) {
    const from = r.start < 0 ? n + r.start : r.start;
    const to = r.length !== undefined ? from + r.length : r.last !== undefined ? (r.last < 0 ? n + r.last : r.last) + 1 : n;
    if (from < 0 || to > n || from > to) return undefined;
    parts.push(whole.subarray(from, to));
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const encoder = new TextEncoder();

/** A field value as the bytes a slice cuts: an IPv4 address in network order, a string in UTF-8 (as Wireshark keeps strings). */
function bytesOf(type: FieldType, v: FieldValue): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (type === 'ipv4' && typeof v === 'number') return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  if (typeof v === 'string') return encoder.encode(v);
  return undefined;
}

/** Definitions that give the slice of each value (`valueDefs` has made protocols their bytes). */
export function slicedDefs(defs: readonly FieldDef[], type: FieldType, ranges: readonly SliceRange[]): FieldDef[] {
  const sliceOf = (v: FieldValue): Uint8Array | undefined => {
    const b = bytesOf(type, v);
    return b && cut(b, ranges);
  };
  return defs.map((d) => ({
    ...d,
    type: 'bytes',
    get: (p: Packet, l: Layer): FieldValue | FieldValue[] | undefined => {
      const v = d.get(p, l);
      if (v === undefined) return undefined;
      if (!Array.isArray(v)) return sliceOf(v as FieldValue);
      const out = (v as FieldValue[]).map(sliceOf).filter((s): s is Uint8Array => s !== undefined);
      return out.length ? out : undefined;
    },
  }));
}
