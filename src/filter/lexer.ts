// Splits a display filter into tokens. Literals that Wireshark writes without quotes
// (addresses, CIDR prefixes, MAC addresses, byte strings, numbers, ranges such as 80..90)
// all come out as one "word"; the parser and compiler decide what a word means from the
// field it is compared with, as Wireshark does.
import { msg } from '../errors.js';
import { FilterError } from './errors.js';

export type TokenKind = 'word' | 'string' | 'char' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text of the token (with quotes for strings). */
  text: string;
  /** 0-based offset of the first character. */
  pos: number;
  /** 0-based offset just after the token. */
  end: number;
  /** Strings: the decoded text. */
  value?: string;
  /** Strings: the decoded bytes (\xNN and \NNN escapes are raw bytes, other characters UTF-8). */
  bytes?: Uint8Array;
  /** Character constants ('a', '\n'): the code. */
  code?: number;
}

/** Symbols, longest first so "===" wins over "==" and "==" over "=". */
const PUNCT = [
  '===',
  '!==',
  '==',
  '!=',
  '~=',
  '<=',
  '>=',
  '&&',
  '||',
  '^^',
  '<',
  '>',
  '!',
  '~',
  '&',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ',',
  '#',
  '=',
  '|',
  '^',
  '+',
];

/** Characters a word may hold: names, numbers, addresses, prefixes, byte strings, ranges. */
function isWordChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x5f || // _
    c === 0x2e || // .
    c === 0x3a || // :
    c === 0x2d || // -
    c === 0x2f // /
  );
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
}

const SIMPLE_ESCAPES: Record<string, number> = {
  "'": 0x27,
  '"': 0x22,
  '\\': 0x5c,
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
};

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

function pushUtf8(out: number[], text: string): void {
  for (const b of encoder.encode(text)) out.push(b);
}

/**
 * Reads one escape sequence starting at the backslash `at`; appends its bytes and returns the
 * offset after it. Escapes as wireshark-filter(4) lists them.
 */
function readEscape(text: string, at: number, out: number[]): number {
  const e = text[at + 1];
  if (e === undefined) throw new FilterError(msg.filterUnterminatedString(at + 1), at);
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) {
    out.push(simple);
    return at + 2;
  }
  if (e === 'x') {
    const m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(at + 2, at + 4));
    if (!m) throw new FilterError(msg.filterBadEscape(text.slice(at, at + 4), at + 1), at);
    out.push(parseInt(m[0], 16));
    return at + 2 + m[0].length;
  }
  if (e >= '0' && e <= '7') {
    const m = /^[0-7]{1,3}/.exec(text.slice(at + 1, at + 4))!;
    const v = parseInt(m[0], 8);
    if (v > 255) throw new FilterError(msg.filterBadEscape(text.slice(at, at + 4), at + 1), at);
    out.push(v);
    return at + 1 + m[0].length;
  }
  if (e === 'u' || e === 'U') {
    const n = e === 'u' ? 4 : 8;
    const hex = text.slice(at + 2, at + 2 + n);
    const cp = /^[0-9a-fA-F]+$/.test(hex) && hex.length === n ? parseInt(hex, 16) : NaN;
    if (!(cp <= 0x10ffff) || (cp >= 0xd800 && cp <= 0xdfff)) {
      throw new FilterError(msg.filterBadEscape(text.slice(at, at + 2 + n), at + 1), at);
    }
    pushUtf8(out, String.fromCodePoint(cp));
    return at + 2 + n;
  }
  throw new FilterError(msg.filterBadEscape(text.slice(at, at + 2), at + 1), at);
}

/** A double-quoted string from `start` (the quote); raw strings (r"...") keep backslashes. */
function readString(text: string, start: number, quote: number, raw: boolean): Token {
  const bytes: number[] = [];
  let i = quote + 1;
  for (;;) {
    if (i >= text.length) throw new FilterError(msg.filterUnterminatedString(start + 1), start);
    const c = text[i]!;
    if (c === '"') break;
    if (c === '\\') {
      if (raw) {
        // Raw strings keep the backslash; an escaped quote still does not end the string.
        bytes.push(0x5c);
        if (text[i + 1] === '"' || text[i + 1] === '\\') {
          bytes.push(text.charCodeAt(i + 1));
          i += 2;
        } else {
          i++;
        }
        continue;
      }
      i = readEscape(text, i, bytes);
      continue;
    }
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    pushUtf8(bytes, ch);
    i += ch.length;
  }
  const b = Uint8Array.from(bytes);
  return { kind: 'string', text: text.slice(start, i + 1), pos: start, end: i + 1, value: decoder.decode(b), bytes: b };
}

/** A C-style character constant: 'a', '\n', '\x0a', '\012'. */
function readChar(text: string, start: number): Token {
  const out: number[] = [];
  let i = start + 1;
  if (text[i] === '\\') i = readEscape(text, i, out);
  else if (i < text.length && text[i] !== "'") {
    const cp = text.codePointAt(i)!;
    out.push(cp);
    i += String.fromCodePoint(cp).length;
  }
  if (text[i] !== "'" || out.length !== 1) {
    const close = text.indexOf("'", start + 1);
    throw new FilterError(msg.filterBadChar(close < 0 ? text.slice(start) : text.slice(start, close + 1), start + 1), start);
  }
  return { kind: 'char', text: text.slice(start, i + 1), pos: start, end: i + 1, code: out[0]! };
}

/** Every token of `text`, ending with an "eof" token at text.length. Throws FilterError. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 0x22) {
      const t = readString(text, i, i, false);
      out.push(t);
      i = t.end;
      continue;
    }
    if ((c === 0x72 || c === 0x52) && text.charCodeAt(i + 1) === 0x22) {
      const t = readString(text, i, i + 1, true);
      out.push(t);
      i = t.end;
      continue;
    }
    if (c === 0x27) {
      const t = readChar(text, i);
      out.push(t);
      i = t.end;
      continue;
    }
    if (isWordChar(c)) {
      let j = i + 1;
      while (j < text.length && isWordChar(text.charCodeAt(j))) j++;
      out.push({ kind: 'word', text: text.slice(i, j), pos: i, end: j });
      i = j;
      continue;
    }
    const p = PUNCT.find((s) => text.startsWith(s, i));
    if (p === undefined) {
      const ch = String.fromCodePoint(text.codePointAt(i)!);
      throw new FilterError(msg.filterUnexpectedChar(ch, i + 1), i);
    }
    out.push({ kind: 'punct', text: p, pos: i, end: i + p.length });
    i += p.length;
  }
  out.push({ kind: 'eof', text: '', pos: text.length, end: text.length });
  return out;
}
