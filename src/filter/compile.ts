// Turns a parsed display filter into one predicate over dissected packets. Everything that
// can be decided once is decided here: field definitions are looked up, literals converted
// to the field's representation (IPv4 as a number and a mask, MAC and IPv6 as bytes), and
// each relation becomes a closure that walks the packet's layers and calls FieldDef.get
// directly. Evaluating a filter allocates nothing for the common field types.
//
// Fields that occur several times in a packet (ip.src in a VXLAN packet is the outer and
// the inner source; ip.addr is source and destination) follow Wireshark 4:
//   f == X, f eq X, f any_eq X   some occurrence equals X
//   f != X, f ne X, f all_ne X   f is present and no occurrence equals X
//   f === X, f all_eq X          f is present and every occurrence equals X
//   f !== X, f any_ne X          some occurrence differs from X
//   <, <=, >, >=, contains, matches, &, in   some occurrence satisfies the relation
// So `ip.src != 10.0.0.1` is false for a VXLAN packet whose outer OR inner source is
// 10.0.0.1, and (as in tshark 4.0, checked against it) false for a packet without ip.src.
// `!(ip.src == 10.0.0.1)` is the form that also keeps packets without the field.
//
// The layer operator counts protocol layers, not values: `ip.addr#2` is every value of
// ip.addr in the second IPv4 header; `#-1` is the innermost such header, and `inner.` /
// `outer.` are #-1 / #1.
import { Buffer } from 'node:buffer';
import type { Registry } from '../dissect/registry.js';
import type { FieldDef, FieldType, FieldValue, Layer, Packet } from '../dissect/types.js';
import { msg } from '../errors.js';
import { FilterError, suggestField } from './errors.js';
import type { CompareOp, Expr, FieldRef, LayerSelector, Literal, SetItem } from './parser.js';
import {
  bytesEqual,
  compareBytes,
  compareTime,
  indexOfBytes,
  parseBytes,
  parseInteger,
  parseIpv4,
  parseIpv6,
  parseMac,
  parseNumber,
  parseTime,
  prefixEqual,
} from './values.js';

export type Predicate = (pkt: Packet) => boolean;
type Test = (v: FieldValue) => boolean;
/** Calls `test` on each value of a field in a packet; true as soon as one passes. */
type Visit = (pkt: Packet, test: Test) => boolean;

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
  time: 'a time',
  float: 'a number',
};

const OPERATOR_TYPES: Record<'order' | 'contains' | 'matches' | 'bitand', ReadonlySet<FieldType>> = {
  order: new Set<FieldType>(['uint', 'int', 'float', 'time', 'ipv4', 'ipv6', 'ether', 'bytes', 'string', 'protocol']),
  contains: new Set<FieldType>(['string', 'bytes', 'ether', 'protocol']),
  matches: new Set<FieldType>(['string', 'bytes', 'protocol']),
  bitand: new Set<FieldType>(['uint', 'int']),
};

const ANY: Test = () => true;

interface Field {
  ref: FieldRef;
  defs: readonly FieldDef[];
  type: FieldType;
}

/** A literal converted to the representation of the field it is compared with. */
type Value =
  | { t: 'num'; n: number }
  | { t: 'bool'; b: boolean }
  | { t: 'ipv4'; addr: number; mask: number; prefix: boolean }
  | { t: 'ipv6'; bytes: Uint8Array; bits: number; prefix: boolean }
  | { t: 'bytes'; bytes: Uint8Array }
  | { t: 'str'; s: string }
  | { t: 'time'; sec: number; nsec: number };

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
const truthy = (v: FieldValue): boolean => v === true || (typeof v === 'number' && v !== 0);

// ------------------------------------------------------------------ field access

/** Protocols are their bytes when compared (`frame contains "GET"`), as in Wireshark. */
function valueDefs(defs: readonly FieldDef[]): readonly FieldDef[] {
  return defs.map((d) =>
    d.type === 'protocol' ? { ...d, get: (p: Packet, l: Layer): FieldValue => p.data.subarray(l.start, l.end) } : d,
  );
}

/** Tests the values one definition gives in one layer. */
function inLayer(d: FieldDef, pkt: Packet, l: Layer, test: Test): boolean {
  const v = d.get(pkt, l);
  if (v === undefined) return false;
  if (Array.isArray(v)) {
    for (let j = 0; j < v.length; j++) if (test(v[j]!)) return true;
    return false;
  }
  return test(v as FieldValue);
}

function inLayerAny(defs: readonly FieldDef[], pkt: Packet, l: Layer, test: Test): boolean {
  for (let k = 0; k < defs.length; k++) {
    const d = defs[k]!;
    if (d.proto === l.proto && inLayer(d, pkt, l, test)) return true;
  }
  return false;
}

/** The visitor for a field's definitions restricted to the selected protocol layers. */
function visitor(defs: readonly FieldDef[], sel: LayerSelector | undefined): Visit {
  const protos = [...new Set(defs.map((d) => d.proto))];
  const one = defs.length === 1 ? defs[0]! : undefined;
  const proto = protos.length === 1 ? protos[0]! : undefined;
  const own = (l: Layer): boolean => (proto !== undefined ? l.proto === proto : protos.includes(l.proto));
  const check = one ? (pkt: Packet, l: Layer, test: Test) => inLayer(one, pkt, l, test) : (pkt: Packet, l: Layer, test: Test) => inLayerAny(defs, pkt, l, test);

  if (!sel) {
    if (one) {
      // The hot path: one definition, every layer.
      const p = one.proto;
      return (pkt, test) => {
        const ls = pkt.layers;
        for (let i = 0; i < ls.length; i++) {
          const l = ls[i]!;
          if (l.proto === p && inLayer(one, pkt, l, test)) return true;
        }
        return false;
      };
    }
    return (pkt, test) => {
      const ls = pkt.layers;
      for (let i = 0; i < ls.length; i++) if (inLayerAny(defs, pkt, ls[i]!, test)) return true;
      return false;
    };
  }
  const { from, to } = sel;
  if (one && from === to) {
    // inner. / outer. / #N with one definition: find the layer, test it, stop.
    const p = one.proto;
    if (from > 0) {
      return (pkt, test) => {
        const ls = pkt.layers;
        let k = 0;
        for (let i = 0; i < ls.length; i++) {
          const l = ls[i]!;
          if (l.proto === p && ++k === from) return inLayer(one, pkt, l, test);
        }
        return false;
      };
    }
    return (pkt, test) => {
      const ls = pkt.layers;
      let k = 0;
      for (let i = ls.length - 1; i >= 0; i--) {
        const l = ls[i]!;
        if (l.proto === p && --k === from) return inLayer(one, pkt, l, test);
      }
      return false;
    };
  }
  if (from > 0 && to > 0) {
    return (pkt, test) => {
      const ls = pkt.layers;
      let k = 0;
      for (let i = 0; i < ls.length; i++) {
        const l = ls[i]!;
        if (!own(l)) continue;
        k++;
        if (k < from) continue;
        if (k > to) return false;
        if (check(pkt, l, test)) return true;
      }
      return false;
    };
  }
  if (from < 0 && to < 0) {
    // Counted from the innermost: #-1 is the last layer of the protocol.
    const lo = -to;
    const hi = -from;
    return (pkt, test) => {
      const ls = pkt.layers;
      let k = 0;
      for (let i = ls.length - 1; i >= 0; i--) {
        const l = ls[i]!;
        if (!own(l)) continue;
        k++;
        if (k < lo) continue;
        if (k > hi) return false;
        if (check(pkt, l, test)) return true;
      }
      return false;
    };
  }
  // Mixed ends such as #[2--1] (the second through the innermost): needs the count first.
  return (pkt, test) => {
    const ls = pkt.layers;
    let total = 0;
    for (let i = 0; i < ls.length; i++) if (own(ls[i]!)) total++;
    const a = from > 0 ? from : total + 1 + from;
    const b = to > 0 ? to : total + 1 + to;
    let k = 0;
    for (let i = 0; i < ls.length; i++) {
      const l = ls[i]!;
      if (!own(l)) continue;
      k++;
      if (k >= a && k <= b && check(pkt, l, test)) return true;
    }
    return false;
  };
}

// ------------------------------------------------------------------ literals

class Compiler {
  constructor(private readonly registry: Registry) {}

  field(ref: FieldRef): Field {
    const defs = this.registry.field(ref.name);
    if (!defs || defs.length === 0) {
      throw new FilterError(msg.filterUnknownField(ref.name, ref.namePos + 1, suggestField(ref.name, this.registry.fieldNames())), ref.namePos);
    }
    // A name registered by several protocols has one type in practice (sll.* in SLL and SLL2);
    // should they ever differ, the first definition's type decides and the others are ignored.
    const type = defs[0]!.type;
    return { ref, defs: defs.filter((d) => d.type === type), type };
  }

  private mismatch(f: Field, lit: Literal): never {
    const other = lit.field && !lit.quoted ? this.registry.field(lit.field.name)?.[0] : undefined;
    if (other) {
      throw new FilterError(
        msg.filterFieldTypes(f.ref.name, TYPE_DESCRIPTION[f.type], lit.field!.name, TYPE_DESCRIPTION[other.type], lit.pos + 1),
        lit.pos,
      );
    }
    throw new FilterError(msg.filterTypeMismatch(f.ref.name, TYPE_DESCRIPTION[f.type], lit.text, lit.pos + 1), lit.pos);
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
      if (/^[0-9a-fA-F]+(?:[:.\-][0-9a-fA-F]+)+$/.test(lit.text)) throw new FilterError(msg.filterBadBytes(lit.text, lit.pos + 1), lit.pos);
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
        if (/^[0-9a-fA-F]+(?:[:.\-][0-9a-fA-F]+)*$/.test(lit.text)) throw new FilterError(msg.filterBadMac(lit.text, lit.pos + 1), lit.pos);
        return this.mismatch(f, lit);
      }
      case 'bytes':
      case 'protocol':
        return { t: 'bytes', bytes: bytesOf() };
      case 'string':
        return { t: 'str', s: lit.code !== undefined ? String.fromCodePoint(lit.code) : lit.text };
      case 'time': {
        const t = lit.code === undefined ? parseTime(lit.text) : { sec: lit.code, nsec: 0 };
        if (!t) this.mismatch(f, lit);
        return { t: 'time', ...t };
      }
    }
  }

  // ---------------------------------------------------------------- tests

  private equal(v: Value): Test {
    switch (v.t) {
      case 'num': {
        const n = v.n;
        return (x) => x === n;
      }
      case 'bool': {
        const b = v.b;
        return (x) => truthy(x) === b;
      }
      case 'ipv4': {
        const { addr, mask } = v;
        if (!v.prefix) return (x) => x === addr;
        return (x) => (((x as number) & mask) >>> 0) === addr;
      }
      case 'ipv6': {
        const { bytes, bits } = v;
        if (!v.prefix) return (x) => bytesEqual(x as Uint8Array, bytes);
        return (x) => prefixEqual(x as Uint8Array, bytes, bits);
      }
      case 'bytes': {
        const b = v.bytes;
        return (x) => bytesEqual(x as Uint8Array, b);
      }
      case 'str': {
        const s = v.s;
        return (x) => x === s;
      }
      case 'time': {
        const { sec, nsec } = v;
        return (x) => compareTime(x as string, sec, nsec) === 0;
      }
    }
  }

  /** The order of a field value relative to `v`: negative when the value is smaller. */
  private order(v: Value): (x: FieldValue) => number {
    switch (v.t) {
      case 'num':
      case 'ipv4': {
        const n = v.t === 'num' ? v.n : v.addr;
        return (x) => (x as number) - n;
      }
      case 'bool': {
        const n = v.b ? 1 : 0;
        return (x) => (truthy(x) ? 1 : 0) - n;
      }
      case 'ipv6':
      case 'bytes': {
        const b = v.bytes;
        return (x) => compareBytes(x as Uint8Array, b);
      }
      case 'str': {
        const s = v.s;
        return (x) => ((x as string) < s ? -1 : (x as string) > s ? 1 : 0);
      }
      case 'time': {
        const { sec, nsec } = v;
        return (x) => compareTime(x as string, sec, nsec);
      }
    }
  }

  private relational(op: 'lt' | 'le' | 'gt' | 'ge', v: Value): Test {
    if (v.t === 'num') {
      const n = v.n;
      switch (op) {
        case 'lt':
          return (x) => (x as number) < n;
        case 'le':
          return (x) => (x as number) <= n;
        case 'gt':
          return (x) => (x as number) > n;
        case 'ge':
          return (x) => (x as number) >= n;
      }
    }
    const cmp = this.order(v);
    switch (op) {
      case 'lt':
        return (x) => cmp(x) < 0;
      case 'le':
        return (x) => cmp(x) <= 0;
      case 'gt':
        return (x) => cmp(x) > 0;
      case 'ge':
        return (x) => cmp(x) >= 0;
    }
  }

  private regex(lit: Literal): RegExp {
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

  private checkOperator(f: Field, kind: keyof typeof OPERATOR_TYPES, opText: string, opPos: number): void {
    if (!OPERATOR_TYPES[kind].has(f.type)) {
      throw new FilterError(msg.filterOperatorType(opText, f.ref.name, TYPE_DESCRIPTION[f.type], opPos + 1), opPos);
    }
  }

  private noPrefix(v: Value, lit: Literal): void {
    if ((v.t === 'ipv4' || v.t === 'ipv6') && v.prefix) throw new FilterError(msg.filterPrefixNeedsEquality(lit.text, lit.pos + 1), lit.pos);
  }

  /** The per-value test of a comparison (for ne / all_eq / any_ne: the equality it negates). */
  private test(f: Field, op: CompareOp, lit: Literal, opText: string, opPos: number): Test {
    switch (op) {
      case 'eq':
      case 'ne':
      case 'all_eq':
      case 'any_ne':
        return this.equal(this.value(f, lit));
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge': {
        this.checkOperator(f, 'order', opText, opPos);
        const v = this.value(f, lit);
        this.noPrefix(v, lit);
        return this.relational(op, v);
      }
      case 'contains': {
        this.checkOperator(f, 'contains', opText, opPos);
        const v = this.value(f, lit, true);
        if (v.t === 'str') {
          const s = v.s;
          return (x) => (x as string).includes(s);
        }
        const needle = (v as { bytes: Uint8Array }).bytes;
        return (x) => indexOfBytes(x as Uint8Array, needle) >= 0;
      }
      case 'matches': {
        this.checkOperator(f, 'matches', opText, opPos);
        const re = this.regex(lit);
        if (f.type === 'string') return (x) => re.test(x as string);
        return (x) => re.test(latin1(x as Uint8Array));
      }
      case 'bitand': {
        this.checkOperator(f, 'bitand', opText, opPos);
        const v = this.value(f, lit);
        const n = (v as { n: number }).n;
        return (x) => ((x as number) & n) !== 0;
      }
    }
  }

  /** Membership in a set of values and ranges; plain numbers and strings use a Set. */
  private member(f: Field, items: SetItem[]): Test {
    const values: Value[] = [];
    const tests: Test[] = [];
    for (const item of items) {
      if (item.kind === 'value') {
        const v = this.value(f, item.value);
        values.push(v);
        tests.push(this.equal(v));
        continue;
      }
      if (!OPERATOR_TYPES.order.has(f.type) || f.type === 'protocol') {
        throw new FilterError(msg.filterOperatorType('..', f.ref.name, TYPE_DESCRIPTION[f.type], item.pos + 1), item.pos);
      }
      const lo = this.value(f, item.low);
      const hi = this.value(f, item.high);
      this.noPrefix(lo, item.low);
      this.noPrefix(hi, item.high);
      const above = this.order(lo);
      const below = this.order(hi);
      tests.push((x) => above(x) >= 0 && below(x) <= 0);
    }
    if (values.length === tests.length) {
      if (values.every((v) => v.t === 'num')) {
        const set = new Set(values.map((v) => (v as { n: number }).n));
        return (x) => set.has(x as number);
      }
      if (values.every((v) => v.t === 'str')) {
        const set = new Set(values.map((v) => (v as { s: string }).s));
        return (x) => set.has(x as string);
      }
      if (values.every((v) => v.t === 'ipv4' && !v.prefix)) {
        const set = new Set(values.map((v) => (v as { addr: number }).addr));
        return (x) => set.has(x as number);
      }
    }
    if (tests.length === 1) return tests[0]!;
    return (x) => {
      for (let k = 0; k < tests.length; k++) if (tests[k]!(x)) return true;
      return false;
    };
  }

  /** Field against field of the same type (`ip.src == ip.dst`, `inner.ip.src == outer.ip.dst`). */
  private fieldPair(f: Field, g: Field, op: CompareOp): Predicate {
    const a = visitor(valueDefs(f.defs), f.ref.layer);
    const b = visitor(valueDefs(g.defs), g.ref.layer);
    const cmp = pairOrder(f.type);
    const rel: (c: number) => boolean =
      op === 'lt' ? (c) => c < 0 : op === 'le' ? (c) => c <= 0 : op === 'gt' ? (c) => c > 0 : op === 'ge' ? (c) => c >= 0 : (c) => c === 0;
    const some = (pkt: Packet, r: (c: number) => boolean): boolean => a(pkt, (x) => b(pkt, (y) => r(cmp(x, y))));
    const both = (pkt: Packet): boolean => a(pkt, ANY) && b(pkt, ANY);
    switch (op) {
      case 'ne':
        return (pkt) => both(pkt) && !some(pkt, rel);
      case 'all_eq':
        return (pkt) => both(pkt) && !some(pkt, (c) => c !== 0);
      case 'any_ne':
        return (pkt) => some(pkt, (c) => c !== 0);
      default:
        return (pkt) => some(pkt, rel);
    }
  }

  compile(e: Expr): Predicate {
    switch (e.kind) {
      case 'and': {
        const l = this.compile(e.left);
        const r = this.compile(e.right);
        return (p) => l(p) && r(p);
      }
      case 'or': {
        const l = this.compile(e.left);
        const r = this.compile(e.right);
        return (p) => l(p) || r(p);
      }
      case 'xor': {
        const l = this.compile(e.left);
        const r = this.compile(e.right);
        return (p) => l(p) !== r(p);
      }
      case 'not': {
        const x = this.compile(e.expr);
        return (p) => !x(p);
      }
      case 'exists': {
        const f = this.field(e.field);
        const visit = visitor(f.defs, f.ref.layer);
        return (p) => visit(p, ANY);
      }
      case 'in': {
        const f = this.field(e.field);
        const visit = visitor(valueDefs(f.defs), f.ref.layer);
        const test = this.member(f, e.items);
        if (e.negated) return (p) => !visit(p, test) && visit(p, ANY);
        return (p) => visit(p, test);
      }
      case 'compare': {
        const f = this.field(e.field);
        const lit = e.value;
        if (lit.field && !lit.quoted && e.op !== 'contains' && e.op !== 'matches' && e.op !== 'bitand') {
          const g = this.registry.field(lit.field.name);
          if (g && g[0]!.type === f.type) {
            if (e.op !== 'eq' && e.op !== 'ne' && e.op !== 'all_eq' && e.op !== 'any_ne') this.checkOperator(f, 'order', e.opText, e.opPos);
            return this.fieldPair(f, this.field(lit.field), e.op);
          }
        }
        const visit = visitor(valueDefs(f.defs), f.ref.layer);
        const test = this.test(f, e.op, lit, e.opText, e.opPos);
        switch (e.op) {
          case 'ne':
            return (p) => !visit(p, test) && visit(p, ANY);
          case 'all_eq': {
            const differs: Test = (x) => !test(x);
            return (p) => visit(p, ANY) && !visit(p, differs);
          }
          case 'any_ne': {
            const differs: Test = (x) => !test(x);
            return (p) => visit(p, differs);
          }
          default:
            return (p) => visit(p, test);
        }
      }
    }
  }
}

/** Order of two values of the same field type, for field-to-field comparisons. */
function pairOrder(type: FieldType): (a: FieldValue, b: FieldValue) => number {
  switch (type) {
    case 'uint':
    case 'int':
    case 'float':
    case 'ipv4':
      return (a, b) => (a as number) - (b as number);
    case 'bool':
      return (a, b) => (truthy(a) ? 1 : 0) - (truthy(b) ? 1 : 0);
    case 'string':
      return (a, b) => ((a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0);
    case 'time':
      return (a, b) => {
        const t = parseTime(b as string);
        return t ? compareTime(a as string, t.sec, t.nsec) : NaN;
      };
    default:
      return (a, b) => compareBytes(a as Uint8Array, b as Uint8Array);
  }
}

/** Compiles a parsed filter; an absent expression (an empty filter) matches every packet. */
export function compile(e: Expr | undefined, registry: Registry): Predicate {
  if (!e) return () => true;
  return new Compiler(registry).compile(e);
}
