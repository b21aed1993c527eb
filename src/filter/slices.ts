// Slices of a field's bytes, as wireshark-filter(4) writes them: `eth.src[0:3]` (offset and
// length), `frame[10-13]` (first and last offset), `udp.payload[0]` (one byte), `[:4]` (the
// first four), `[6:]` (from offset 6 to the end), negative offsets counted from the end
// (`frame[-4:]`), several ranges joined by commas (`eth.dst[0:2,4]`), and slices of a slice
// (`eth.src[0:3][1]`). A slice is a byte string; one whose range falls outside the value, or
// that is empty, is absent, so comparing it is false (as in tshark).
import { concatBytes } from '../capture/bytes.js';
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

/**
 * Protocols whose bytes, when sliced, run to the end of their message rather than of their
 * header: tshark's item for ICMP covers the whole message (`icmp[8:2]` is the first data
 * bytes), its item for Ethernet, IP, UDP or VXLAN only the header (`udp[-2:]` is the checksum).
 */
const WHOLE_MESSAGE: ReadonlySet<string> = new Set(['frame', 'icmp', 'icmpv6', 'arp', 'dns', 'http', 'data']);

/** Offsets beyond this are refused (tshark refuses those that overflow its 32-bit integers). */
const MAX_OFFSET = 2 ** 31 - 1;

/** A slice that parses but cannot select anything: why, for the message. */
export class BadSlice extends Error {}

const NUMBER = String.raw`[+-]?(?:0[xX][0-9a-fA-F]+|\d+)`;
const RANGE = new RegExp(String.raw`^\s*(?:(${NUMBER})?\s*(:)\s*(${NUMBER})?|(${NUMBER})\s*-\s*(${NUMBER})|(${NUMBER}))\s*$`);

function offset(text: string): number {
  const negative = text.startsWith('-');
  const digits = text.replace(/^[+-]/, '');
  const n = /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : Number(digits);
  if (!(n <= MAX_OFFSET)) throw new BadSlice(`${text} is too large`);
  return negative ? -n : n;
}

/**
 * The ranges of a slice's text between its brackets; undefined when it is not written as one,
 * a BadSlice thrown when it is but selects nothing ([0:0], [3-1], [1--2]).
 */
export function parseSliceSpec(spec: string): SliceRange[] | undefined {
  const ranges: SliceRange[] = [];
  for (const part of spec.split(',')) {
    const m = RANGE.exec(part);
    if (!m) return undefined;
    if (m[2] === ':') {
      if (m[1] === undefined && m[3] === undefined) return undefined;
      const range: SliceRange = { start: m[1] === undefined ? 0 : offset(m[1]) };
      if (m[3] !== undefined) {
        range.length = offset(m[3]);
        if (range.length <= 0) throw new BadSlice(`its length ${m[3]} is not positive`);
      }
      ranges.push(range);
    } else if (m[4] !== undefined) {
      const start = offset(m[4]);
      const last = offset(m[5]!);
      if (start < 0 !== last < 0) throw new BadSlice(`${m[4]} and ${m[5]} count from different ends`);
      if (last < start) throw new BadSlice(`its last offset ${m[5]} comes before its first ${m[4]}`);
      ranges.push({ start, last });
    } else {
      ranges.push({ start: offset(m[6]!), length: 1 });
    }
  }
  return ranges;
}

/** The bytes of `whole` the ranges select, joined; undefined when one falls outside it or nothing is left. */
export function cut(whole: Uint8Array, ranges: readonly SliceRange[]): Uint8Array | undefined {
  const n = whole.length;
  const parts: Uint8Array[] = [];
  for (const r of ranges) {
    const from = r.start < 0 ? n + r.start : r.start;
    const to = r.length !== undefined ? from + r.length : r.last !== undefined ? (r.last < 0 ? n + r.last : r.last) + 1 : n;
    if (from < 0 || to > n || from >= to) return undefined;
    parts.push(whole.subarray(from, to));
  }
  return parts.length === 1 ? parts[0] : concatBytes(parts);
}

const encoder = new TextEncoder();

/** A field value as the bytes a slice cuts: an IPv4 address in network order, a string in UTF-8 (as Wireshark keeps strings). */
function bytesOf(type: FieldType, v: FieldValue): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (type === 'ipv4' && typeof v === 'number') return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  if (typeof v === 'string') return encoder.encode(v);
  return undefined;
}

/** Definitions that give each value's slice; `slices` apply one after the other (`[0:3][1]`). */
export function slicedDefs(defs: readonly FieldDef[], type: FieldType, slices: readonly (readonly SliceRange[])[]): FieldDef[] {
  const sliceOf = (b: Uint8Array | undefined): Uint8Array | undefined => {
    for (let k = 0; k < slices.length && b; k++) b = cut(b, slices[k]!);
    return b;
  };
  return defs.map((d) => ({
    ...d,
    type: 'bytes',
    get: (p: Packet, l: Layer): FieldValue | FieldValue[] | undefined => {
      if (type === 'protocol') return sliceOf(p.data.subarray(l.start, WHOLE_MESSAGE.has(l.proto) ? l.end : l.payload));
      const v = d.get(p, l);
      if (v === undefined) return undefined;
      if (!Array.isArray(v)) return sliceOf(bytesOf(type, v as FieldValue));
      const out = (v as FieldValue[]).map((x) => sliceOf(bytesOf(type, x))).filter((s): s is Uint8Array => s !== undefined);
      return out.length ? out : undefined;
    },
  }));
}
