// Reads a filter's literals in the representation of the field they are compared with
// (IPv4 as a number and a mask, MAC and IPv6 as bytes, value names as their numbers), so
// the comparison itself converts nothing; and checks which operators a field's type allows.
import type { Registry } from '../dissect/registry.js';
import type { FieldDef, FieldType } from '../dissect/types.js';
import { msg } from '../errors.js';
import { FilterError } from './errors.js';
import type { FieldRef, Literal } from './parser.js';
import { parseBytes, parseInteger, parseIpv4, parseIpv6, parseMac, parseNumber, parseTime } from './values.js';

/** How messages describe each field type ("ip.src is an IPv4 address"). */
export const TYPE_DESCRIPTION: Record<FieldType, string> = {
  uint: 'an unsigned integer',
  int: 'an integer',
  bool: 'a boolean',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  ether: 'a MAC address',
  string: 'a string',
  bytes: 'a byte string',
  protocol: 'a protocol',
  none: 'a label without a value (test only whether it is present)',
  time: 'a time',
  float: 'a number',
};

/** The field types each operator other than equality applies to. */
export const OPERATOR_TYPES: Record<'order' | 'contains' | 'matches' | 'bitand', ReadonlySet<FieldType>> = {
  order: new Set<FieldType>(['uint', 'int', 'float', 'time', 'ipv4', 'ipv6', 'ether', 'bytes', 'string', 'protocol']),
  contains: new Set<FieldType>(['string', 'bytes', 'ether', 'protocol']),
  matches: new Set<FieldType>(['string', 'bytes', 'protocol']),
  bitand: new Set<FieldType>(['uint', 'int', 'bytes']),
};

/** A field reference with its definitions, all of one type. */
export interface Field {
  ref: FieldRef;
  defs: readonly FieldDef[];
  type: FieldType;
}

/** A literal converted to the representation of the field it is compared with. */
export type Value =
  | { t: 'num'; n: number }
  | { t: 'bool'; b: boolean }
  | { t: 'ipv4'; addr: number; mask: number; prefix: boolean }
  | { t: 'ipv6'; bytes: Uint8Array; bits: number; prefix: boolean }
  | { t: 'bytes'; bytes: Uint8Array }
  | { t: 'str'; s: string }
  | { t: 'time'; sec: number; nsec: number };

/** The field as messages name it: a slice as written (`eth.src[0:3]` is bytes, not a MAC address). */
function described(f: Field): string {
  return f.ref.slice ? f.ref.text : f.ref.name;
}

export function checkOperator(f: Field, kind: keyof typeof OPERATOR_TYPES, opText: string, opPos: number): void {
  if (!OPERATOR_TYPES[kind].has(f.type)) {
    throw new FilterError(msg.filterOperatorType(opText, described(f), TYPE_DESCRIPTION[f.type], opPos + 1), opPos);
  }
}

/** Address prefixes (`10.0.0.0/8`) only make sense for equality and set membership. */
export function noPrefix(v: Value, lit: Literal): void {
  if ((v.t === 'ipv4' || v.t === 'ipv6') && v.prefix) throw new FilterError(msg.filterPrefixNeedsEquality(lit.text, lit.pos + 1), lit.pos);
}

/** The regular expression of a `matches` literal. */
export function regex(lit: Literal): RegExp {
  // Wireshark 4 matches case-insensitively unless the pattern starts with (?-i).
  let source = lit.text;
  const flags = new Set(['i']);
  const m = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?\)/.exec(source);
  if (m) {
    for (const c of (m[1] ?? '') + (m[2] ?? '')) {
      if (!'ims'.includes(c)) throw new FilterError(msg.filterBadRegex(lit.text, lit.pos + 1, `unsupported option "${c}" in "${m[0]}"`), lit.pos);
    }
    for (const c of m[1] ?? '') flags.add(c);
    for (const c of m[2] ?? '') flags.delete(c);
    source = source.slice(m[0].length);
  }
  try {
    return new RegExp(source, [...flags].join(''));
  } catch (e) {
    const why = (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    throw new FilterError(msg.filterBadRegex(lit.text, lit.pos + 1, why), lit.pos);
  }
}

/** Converts literals for the fields of one registry (which names the fields a bare word may be). */
export class Literals {
  constructor(private readonly registry: Registry) {}

  mismatch(f: Field, lit: Literal): never {
    const other = lit.field && !lit.quoted ? this.registry.field(lit.field.name)?.[0] : undefined;
    if (other) {
      throw new FilterError(msg.filterFieldTypes(described(f), TYPE_DESCRIPTION[f.type], lit.field!.name, TYPE_DESCRIPTION[other.type], lit.pos + 1), lit.pos);
    }
    throw new FilterError(msg.filterTypeMismatch(described(f), TYPE_DESCRIPTION[f.type], lit.text, lit.pos + 1), lit.pos);
  }

  private integer(f: Field, lit: Literal): number {
    let n = lit.code ?? parseInteger(lit.text);
    if (n === undefined) {
      // A value name the field defines ("sll.pkttype == \"Sent by us\""), case-insensitively.
      const want = lit.text.toLowerCase();
      for (const d of f.defs) {
        for (const [k, name] of Object.entries(d.names ?? {})) if (name.toLowerCase() === want) n = Number(k);
      }
    }
    if (n === undefined || (f.type === 'uint' && n < 0)) this.mismatch(f, lit);
    return n;
  }

  private address<T>(
    lit: Literal,
    f: Field,
    max: number,
    looksLike: RegExp,
    parse: (s: string) => T | undefined,
    bad: (text: string, column: number) => string,
  ): { addr: T; bits: number; prefix: boolean } {
    const slash = lit.text.indexOf('/');
    const text = slash < 0 ? lit.text : lit.text.slice(0, slash);
    const addr = parse(text);
    if (addr === undefined) {
      if (looksLike.test(text)) throw new FilterError(bad(lit.text, lit.pos + 1), lit.pos);
      this.mismatch(f, lit);
    }
    if (slash < 0) return { addr, bits: max, prefix: false };
    const bitsText = lit.text.slice(slash + 1);
    const bits = /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
    if (!(bits >= 0 && bits <= max)) throw new FilterError(msg.filterBadPrefix(lit.text, lit.pos + 1, max), lit.pos);
    return { addr, bits, prefix: true };
  }

  /** The literal in the representation of field `f`; `forContains` reads byte strings of any length. */
  value(f: Field, lit: Literal, forContains = false): Value {
    const bytesOf = (): Uint8Array => {
      if (lit.quoted) return lit.bytes!;
      if (lit.code !== undefined && lit.code <= 0xff) return Uint8Array.of(lit.code);
      const b = parseBytes(lit.text);
      if (b) return b;
      if (/^[0-9a-fA-F]+(?:[:.-][0-9a-fA-F]+)+$/.test(lit.text)) throw new FilterError(msg.filterBadBytes(lit.text, lit.pos + 1), lit.pos);
      return this.mismatch(f, lit);
    };
    switch (f.type) {
      case 'uint':
      case 'int':
        return { t: 'num', n: this.integer(f, lit) };
      case 'float': {
        const n = lit.code ?? parseNumber(lit.text);
        if (n === undefined) this.mismatch(f, lit);
        return { t: 'num', n };
      }
      case 'bool': {
        const w = lit.text.toLowerCase();
        if (w === 'true' || w === 'false') return { t: 'bool', b: w === 'true' };
        const n = lit.code ?? parseInteger(lit.text);
        if (n === undefined) this.mismatch(f, lit);
        return { t: 'bool', b: n !== 0 };
      }
      case 'ipv4': {
        const a = this.address(lit, f, 32, /^[0-9.]*\.[0-9.]*$/, parseIpv4, msg.filterBadIpv4);
        const mask = a.bits === 0 ? 0 : (0xffffffff << (32 - a.bits)) >>> 0;
        return { t: 'ipv4', addr: (a.addr & mask) >>> 0, mask, prefix: a.prefix };
      }
      case 'ipv6': {
        const a = this.address(lit, f, 128, /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$/, parseIpv6, msg.filterBadIpv6);
        return { t: 'ipv6', bytes: a.addr, bits: a.bits, prefix: a.prefix };
      }
      case 'ether': {
        if (forContains) return { t: 'bytes', bytes: bytesOf() };
        const m = parseMac(lit.text);
        if (m) return { t: 'bytes', bytes: m };
        if (/^[0-9a-fA-F]+(?:[:.-][0-9a-fA-F]+)*$/.test(lit.text)) throw new FilterError(msg.filterBadMac(lit.text, lit.pos + 1), lit.pos);
        return this.mismatch(f, lit);
      }
      case 'bytes':
      case 'protocol':
        return { t: 'bytes', bytes: bytesOf() };
      case 'none':
        return this.mismatch(f, lit);
      case 'string':
        return { t: 'str', s: lit.code !== undefined ? String.fromCodePoint(lit.code) : lit.text };
      case 'time': {
        const t = lit.code === undefined ? parseTime(lit.text) : { sec: lit.code, nsec: 0 };
        if (!t) this.mismatch(f, lit);
        return { t: 'time', ...t };
      }
    }
  }
}
