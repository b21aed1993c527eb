// Pratt parser for Wireshark display filters. It produces an AST whose nodes keep their
// source offsets, so the compiler can name the column of a type error.
//
// Precedence, highest first (as wireshark-filter(4)): not/!, and/&&, xor/^^, or/||.
// A relation binds tighter than any of them: `a == 1 && b` is `(a == 1) && b`.
import { msg } from '../errors.js';
import { FilterError, suggestField } from './errors.js';
import { tokenize, type Token } from './lexer.js';
import { BadSlice, parseSliceSpec, type SliceRange } from './slices.js';

/** Comparison operators; the word and symbol spellings map to the same operator. */
export type CompareOp = 'eq' | 'ne' | 'all_eq' | 'any_ne' | 'lt' | 'le' | 'gt' | 'ge' | 'contains' | 'matches' | 'bitand';

/** Which protocol layers of a field to read: 1-based from the outermost, negative from the innermost. */
export interface LayerSelector {
  from: number;
  to: number;
  /** As written ("#2", "#[1-2]", "inner."). */
  text: string;
  pos: number;
}

export interface FieldRef {
  kind: 'field';
  /** The registry name, without an inner./outer. prefix. */
  name: string;
  /** As written, prefix and layer included. */
  text: string;
  pos: number;
  /** Offset of the name itself (after inner./outer.). */
  namePos: number;
  end: number;
  layer?: LayerSelector;
  /** `[0:3]` after the name: the field's bytes in these ranges (slices.ts), sliced again by each further one. */
  slice?: SliceRange[][];
}

export interface Literal {
  kind: 'literal';
  /** Word text as written, or the decoded text of a string. */
  text: string;
  quoted: boolean;
  /** Strings: the decoded bytes. */
  bytes?: Uint8Array;
  /** Character constants: the code. */
  code?: number;
  pos: number;
  end: number;
  /** An unquoted word that is also a field name: the compiler may compare field with field. */
  field?: FieldRef;
}

export type SetItem = { kind: 'value'; value: Literal } | { kind: 'range'; low: Literal; high: Literal; pos: number };

export type Expr =
  | { kind: 'and' | 'or' | 'xor'; left: Expr; right: Expr; pos: number }
  | { kind: 'not'; expr: Expr; pos: number }
  | { kind: 'exists'; field: FieldRef; pos: number }
  | { kind: 'compare'; op: CompareOp; opText: string; opPos: number; field: FieldRef; value: Literal; pos: number; mask?: Literal }
  | { kind: 'in'; negated: boolean; field: FieldRef; items: SetItem[]; pos: number };

/** What the parser needs to know about fields: Registry fits. */
export interface FieldLookup {
  field(name: string): readonly unknown[] | undefined;
  fieldNames(): string[];
}

const COMPARE_SYMBOLS: Record<string, CompareOp> = {
  '==': 'eq',
  '!=': 'ne',
  '===': 'all_eq',
  '!==': 'any_ne',
  // Wireshark 3.6's spelling of !==, which tshark 4.0 still reads.
  '~=': 'any_ne',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
  '~': 'matches',
  '&': 'bitand',
};

const COMPARE_WORDS: Record<string, CompareOp> = {
  eq: 'eq',
  any_eq: 'eq',
  ne: 'ne',
  all_ne: 'ne',
  all_eq: 'all_eq',
  any_ne: 'any_ne',
  lt: 'lt',
  le: 'le',
  gt: 'gt',
  ge: 'ge',
  contains: 'contains',
  matches: 'matches',
  bitwise_and: 'bitand',
};

type Logical = 'and' | 'or' | 'xor';
const LOGICAL: Record<string, Logical> = { '&&': 'and', and: 'and', '||': 'or', or: 'or', '^^': 'xor', xor: 'xor' };
const BINDING: Record<Logical, number> = { or: 1, xor: 2, and: 3 };

/** Single symbols that look like a typo of a real operator. */
const SYMBOL_TYPOS: Record<string, string> = { '=': '==', '|': '||', '^': '^^' };

/** Words that are never a value or a field. */
const KEYWORDS = new Set(['and', 'or', 'xor', 'not', 'in', ...Object.keys(COMPARE_WORDS)]);

const isName = (s: string): boolean => /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(s);

class Parser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly toks: Token[],
    private readonly fields: FieldLookup | undefined,
    private readonly source: string,
  ) {}

  private peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.toks.length - 1) this.i++;
    return t;
  }

  private prev(): Token | undefined {
    return this.i > 0 ? this.toks[this.i - 1] : undefined;
  }

  private logicalAt(t: Token): Logical | undefined {
    if (t.kind === 'punct') return LOGICAL[t.text];
    if (t.kind === 'word') return LOGICAL[t.text.toLowerCase()];
    return undefined;
  }

  private isNot(t: Token): boolean {
    return (t.kind === 'punct' && t.text === '!') || (t.kind === 'word' && t.text.toLowerCase() === 'not');
  }

  parse(): Expr {
    const e = this.expr(0);
    const t = this.peek();
    if (t.kind !== 'eof') {
      if (t.kind === 'punct' && t.text === ')') throw new FilterError(msg.filterUnopenedParen(t.pos + 1), t.pos);
      throw new FilterError(msg.filterUnexpected(t.text, t.pos + 1), t.pos);
    }
    return e;
  }

  private expr(minBp: number): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      const op = this.logicalAt(t);
      if (op === undefined || BINDING[op] < minBp) return left;
      this.next();
      const right = this.expr(BINDING[op] + 1);
      left = { kind: op, left, right, pos: t.pos };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (this.isNot(t)) {
      this.next();
      return { kind: 'not', expr: this.unary(), pos: t.pos };
    }
    return this.primary();
  }

  private expectedField(t: Token): never {
    const before = this.prev();
    throw new FilterError(msg.filterExpectedField(before?.text, t.pos + 1), t.pos);
  }

  private primary(): Expr {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === '(') {
      this.next();
      this.depth++;
      const e = this.expr(0);
      const close = this.peek();
      if (close.kind === 'punct' && close.text === ')') {
        this.next();
        this.depth--;
        return e;
      }
      if (close.kind === 'eof') throw new FilterError(msg.filterUnclosedParen(t.pos + 1), t.pos);
      throw new FilterError(msg.filterUnexpected(close.text, close.pos + 1), close.pos);
    }
    if (t.kind === 'punct' && t.text === ')' && this.depth === 0) throw new FilterError(msg.filterUnopenedParen(t.pos + 1), t.pos);
    if (t.kind === 'word' && !KEYWORDS.has(t.text.toLowerCase())) {
      this.next();
      return this.relation(this.fieldRef(t));
    }
    if (t.kind === 'string' || t.kind === 'char') throw new FilterError(msg.filterNotAField(t.value ?? t.text, t.pos + 1), t.pos);
    return this.expectedField(t);
  }

  /** The field a word names, with its layer selector; errors for unknown names. */
  private fieldRef(t: Token): FieldRef {
    const ref = this.resolveName(t);
    if (ref === undefined) {
      if (!isName(t.text)) throw new FilterError(msg.filterNotAField(t.text, t.pos + 1), t.pos);
      const { name, namePos } = this.stripPrefix(t);
      const suggestion = this.fields ? suggestField(name, this.fields.fieldNames()) : undefined;
      throw new FilterError(msg.filterUnknownField(name, namePos + 1, suggestion), namePos);
    }
    this.layerSuffix(ref);
    this.sliceSuffix(ref);
    return ref;
  }

  private stripPrefix(t: Token): { name: string; namePos: number; layer?: LayerSelector } {
    const m = /^(inner|outer)\./.exec(t.text);
    if (!m || m[0].length === t.text.length || (this.fields && this.fields.field(t.text))) return { name: t.text, namePos: t.pos };
    const inner = m[1] === 'inner';
    return {
      name: t.text.slice(m[0].length),
      namePos: t.pos + m[0].length,
      layer: { from: inner ? -1 : 1, to: inner ? -1 : 1, text: m[0], pos: t.pos },
    };
  }

  /** A FieldRef for a word if it names a known field (any name-like word when there is no registry). */
  private resolveName(t: Token): FieldRef | undefined {
    if (t.kind !== 'word' || !isName(t.text)) return undefined;
    const { name, namePos, layer } = this.stripPrefix(t);
    if (name === '' || (this.fields && !this.fields.field(name))) return undefined;
    const ref: FieldRef = { kind: 'field', name, text: t.text, pos: t.pos, namePos, end: t.end };
    if (layer) ref.layer = layer;
    return ref;
  }

  /** `#N`, `#-N`, `#N-M` or `#[N-M]` / `#[N:count]` after a field. */
  private layerSuffix(ref: FieldRef): void {
    const hash = this.peek();
    if (hash.kind !== 'punct' || hash.text !== '#') return;
    this.next();
    if (ref.layer) throw new FilterError(msg.filterLayerTwice(hash.pos + 1), hash.pos);
    let t = this.next();
    let spec: string | undefined;
    let end = t.end;
    if (t.kind === 'punct' && t.text === '[') {
      const body = this.next();
      const close = this.next();
      end = close.end;
      if (body.kind === 'word' && close.kind === 'punct' && close.text === ']') spec = body.text;
      t = close;
    } else if (t.kind === 'word') {
      spec = t.text;
    }
    const text = this.sourceText(hash.pos, end);
    const sel = spec === undefined ? undefined : parseLayerSpec(spec);
    if (!sel) throw new FilterError(msg.filterBadLayer(text, hash.pos + 1), hash.pos);
    ref.layer = { ...sel, text, pos: hash.pos };
    ref.end = end;
    ref.text = this.sourceText(ref.pos, end);
  }

  /** `[i:j]`, `[i-j]`, `[i]`, `[:j]`, `[i:]` or several joined by commas after a field (its layer selector, if any, first); a slice may be sliced again. */
  private sliceSuffix(ref: FieldRef): void {
    for (;;) {
      const open = this.peek();
      if (open.kind !== 'punct' || open.text !== '[') return;
      const close = this.source.indexOf(']', open.end);
      const text = this.sourceText(open.pos, close < 0 ? this.source.length : close + 1);
      if (close < 0) throw new FilterError(msg.filterUnclosedSlice(open.pos + 1), open.pos);
      let ranges: SliceRange[] | undefined;
      try {
        ranges = parseSliceSpec(this.sourceText(open.end, close));
      } catch (e) {
        if (e instanceof BadSlice) throw new FilterError(msg.filterSliceSelectsNothing(text, open.pos + 1, e.message), open.pos);
        throw e;
      }
      if (!ranges) throw new FilterError(msg.filterBadSlice(text, open.pos + 1), open.pos);
      // The tokens between the brackets were read as whatever they looked like: step past them.
      while (this.peek().kind !== 'eof' && this.peek().pos <= close) this.next();
      (ref.slice ??= []).push(ranges);
      ref.end = close + 1;
      ref.text = this.sourceText(ref.pos, ref.end);
    }
  }

  private sourceText(from: number, to: number): string {
    return this.source.slice(from, to);
  }

  private relation(field: FieldRef): Expr {
    const t = this.peek();
    if (t.kind === 'punct') {
      const op = COMPARE_SYMBOLS[t.text];
      if (op !== undefined) {
        this.next();
        return this.comparison(field, op, t);
      }
      const typo = SYMBOL_TYPOS[t.text];
      if (typo !== undefined) throw new FilterError(msg.filterUnknownOperator(t.text, t.pos + 1, typo), t.pos);
      if (t.text === '[' || t.text === '{' || t.text === '#') throw new FilterError(msg.filterUnexpected(t.text, t.pos + 1), t.pos);
      return { kind: 'exists', field, pos: field.pos };
    }
    if (t.kind === 'word') {
      const lower = t.text.toLowerCase();
      const op = COMPARE_WORDS[lower];
      if (op !== undefined) {
        this.next();
        return this.comparison(field, op, t);
      }
      if (lower === 'in') {
        this.next();
        return this.set(field, false);
      }
      if (lower === 'not' && this.peek(1).kind === 'word' && this.peek(1).text.toLowerCase() === 'in') {
        this.next();
        this.next();
        return this.set(field, true);
      }
      if (LOGICAL[lower] !== undefined) return { kind: 'exists', field, pos: field.pos };
      if (lower === 'not') throw new FilterError(msg.filterUnexpected(t.text, t.pos + 1), t.pos);
      if (/^[A-Za-z]/.test(t.text) && !this.resolveName(t)) throw new FilterError(msg.filterUnknownOperator(t.text, t.pos + 1, undefined), t.pos);
      throw new FilterError(msg.filterUnexpected(t.text, t.pos + 1), t.pos);
    }
    if (t.kind === 'string' || t.kind === 'char') throw new FilterError(msg.filterUnexpected(t.text, t.pos + 1), t.pos);
    return { kind: 'exists', field, pos: field.pos };
  }

  private comparison(field: FieldRef, op: CompareOp, opTok: Token): Expr {
    const t = this.peek();
    if (op === 'matches' && t.kind === 'word' && !KEYWORDS.has(t.text.toLowerCase())) {
      throw new FilterError(msg.filterRegexNeedsQuotes(t.pos + 1), t.pos);
    }
    const value = this.literal(this.signed(t));
    if (!value) throw new FilterError(msg.filterExpectedValue(opTok.text, t.pos + 1), t.pos);
    this.next();
    if (op === 'bitand') {
      // `tcp.flags & 0x12 == 0x12`: the masked value compared (tshark reads it so).
      const next = this.peek();
      const masked = next.kind === 'punct' ? COMPARE_SYMBOLS[next.text] : next.kind === 'word' ? COMPARE_WORDS[next.text.toLowerCase()] : undefined;
      if (masked !== undefined && masked !== 'bitand' && masked !== 'matches' && masked !== 'contains') {
        this.next();
        const compared = this.comparison(field, masked, next);
        return compared.kind === 'compare' ? { ...compared, mask: value } : compared;
      }
    }
    if (value.field === undefined) {
      // A `#` after a word that is not a field name.
      const h = this.peek();
      if (h.kind === 'punct' && h.text === '#') {
        if (isName(t.text) && this.fields) {
          const { name, namePos } = this.stripPrefix(t);
          throw new FilterError(msg.filterUnknownField(name, namePos + 1, suggestField(name, this.fields.fieldNames())), namePos);
        }
        throw new FilterError(msg.filterUnexpected('#', h.pos + 1), h.pos);
      }
    } else {
      this.layerSuffix(value.field);
      value.end = value.field.end;
      const open = this.peek();
      if (open.kind === 'punct' && open.text === '[' && open.pos === value.end) throw new FilterError(msg.filterSliceOnRight(open.pos + 1), open.pos);
    }
    return { kind: 'compare', op, opText: opTok.text, opPos: opTok.pos, field, value, pos: field.pos };
  }

  /** A `+` right before a number is its sign, as tshark reads `ip.ttl == +63`: the number's token, the sign dropped. */
  private signed(t: Token): Token {
    if (t.kind !== 'punct' || t.text !== '+') return t;
    const n = this.peek(1);
    if (n.kind !== 'word' || n.pos !== t.end || !/^[0-9.]/.test(n.text)) return t;
    this.next();
    return n;
  }

  /** A value token as a literal, or undefined when the token cannot be a value. */
  private literal(t: Token): Literal | undefined {
    if (t.kind === 'string') return { kind: 'literal', text: t.value!, quoted: true, bytes: t.bytes!, pos: t.pos, end: t.end };
    if (t.kind === 'char') return { kind: 'literal', text: t.text, quoted: false, code: t.code!, pos: t.pos, end: t.end };
    if (t.kind !== 'word' || KEYWORDS.has(t.text.toLowerCase())) return undefined;
    const lit: Literal = { kind: 'literal', text: t.text, quoted: false, pos: t.pos, end: t.end };
    const ref = this.resolveName(t);
    if (ref) lit.field = ref;
    return lit;
  }

  /** `{a, b, c}`, `{a b c}`, ranges `lo..hi` (also `lo .. hi`). */
  private set(field: FieldRef, negated: boolean): Expr {
    const open = this.peek();
    if (open.kind !== 'punct' || open.text !== '{') throw new FilterError(msg.filterInNeedsBraces(open.pos + 1), open.pos);
    this.next();
    // Atoms: values, ".." markers and "," separators, with words split at "..".
    type Atom = { kind: 'value'; lit: Literal } | { kind: 'dots'; pos: number } | { kind: 'comma'; pos: number };
    const atoms: Atom[] = [];
    for (;;) {
      const t = this.next();
      if (t.kind === 'eof') throw new FilterError(msg.filterUnclosedSet(open.pos + 1), open.pos);
      if (t.kind === 'punct' && t.text === '}') break;
      if (t.kind === 'punct' && t.text === ',') {
        atoms.push({ kind: 'comma', pos: t.pos });
        continue;
      }
      if (t.kind === 'word' && t.text.includes('..')) {
        let at = 0;
        for (const part of t.text.split('..')) {
          if (at > 0) atoms.push({ kind: 'dots', pos: t.pos + at - 2 });
          if (part !== '') atoms.push({ kind: 'value', lit: { kind: 'literal', text: part, quoted: false, pos: t.pos + at, end: t.pos + at + part.length } });
          at += part.length + 2;
        }
        continue;
      }
      const lit = this.literal(t);
      if (!lit) throw new FilterError(msg.filterUnexpectedInSet(t.text, t.pos + 1), t.pos);
      delete lit.field; // sets hold literals only
      atoms.push({ kind: 'value', lit });
    }
    const items: SetItem[] = [];
    let expectValue = true;
    for (let k = 0; k < atoms.length; k++) {
      const a = atoms[k]!;
      if (a.kind === 'comma') {
        if (expectValue) throw new FilterError(msg.filterUnexpectedInSet(',', a.pos + 1), a.pos);
        expectValue = true;
        continue;
      }
      if (a.kind === 'dots') {
        const last = items[items.length - 1];
        const high = atoms[k + 1];
        if (expectValue || last === undefined || last.kind !== 'value' || high === undefined || high.kind !== 'value') {
          const from = last?.kind === 'value' && !expectValue ? last.value.pos : a.pos;
          const to = high?.kind === 'value' ? high.lit.end : a.pos + 2;
          throw new FilterError(msg.filterBadRange(this.sourceText(from, to), from + 1), from);
        }
        items[items.length - 1] = { kind: 'range', low: last.value, high: high.lit, pos: last.value.pos };
        k++;
        continue;
      }
      // Wireshark 4 separates with commas; older versions with spaces. Both are accepted.
      items.push({ kind: 'value', value: a.lit });
      expectValue = false;
    }
    if (items.length === 0) throw new FilterError(msg.filterEmptySet(open.pos + 1), open.pos);
    if (expectValue) {
      const lastComma = atoms[atoms.length - 1]!;
      throw new FilterError(msg.filterUnexpectedInSet(',', lastComma.kind === 'comma' ? lastComma.pos + 1 : open.pos + 1), open.pos);
    }
    return { kind: 'in', negated, field, items, pos: field.pos };
  }
}

/** "2", "-1", "1-3", "2:2" (start and count), "2--1". */
function parseLayerSpec(spec: string): { from: number; to: number } | undefined {
  const m = /^(-?\d+)(?:([-:])(-?\d+))?$/.exec(spec);
  if (!m) return undefined;
  const from = Number(m[1]);
  let to = from;
  if (m[2] === '-') to = Number(m[3]);
  else if (m[2] === ':') {
    const count = Number(m[3]);
    if (count < 1 || from < 1) return undefined;
    to = from + count - 1;
  }
  if (from === 0 || to === 0) return undefined;
  if (Math.sign(from) === Math.sign(to) && from > to) return undefined;
  return { from, to };
}

/**
 * Parses a display filter. With `fields` (a Registry), names are checked as they are read so
 * an unknown field is reported where it appears; without, any name-like word is a field.
 * Returns undefined for an empty (all-space) filter, which matches every packet.
 */
export function parseFilter(text: string, fields?: FieldLookup): Expr | undefined {
  const toks = tokenize(text);
  if (toks.length === 1) return undefined;
  return new Parser(toks, fields, text).parse();
}
