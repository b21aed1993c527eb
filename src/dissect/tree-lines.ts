import type { FixedRead } from './field-helpers.js';
import { boolText } from './format.js';
import type { FieldBytes } from './frame-bytes.js';
import { putBytes, putDecimal, putHex, putHexPairs, putIpv4, type TextBytes } from './text-bytes.js';
import type { FieldDef, FieldValue, Layer, Packet } from './types.js';

// -V writes about a hundred lines a packet, most of them a constant label and a number read at a
// fixed offset. Read and written by one generic routine, every line went through dispatch on
// the field's getter, its type, its value's type and the buffer's bounds. The routines this
// module makes for one field list read each fixed field inline, call each getter from its own
// call site, write labels as constant stores with each value's formatting chosen once, and make
// room in the buffer once for several lines. Every value they cannot write themselves goes to
// the generic routines they are given, so the text is the same. On the 100k-packet bench
// capture, writing -V's trees went from 1.40 to 0.92 s (dissecting is another 0.23 s).

/**
 * Reads a layer's shown fields and writes its title and lines. False, with nothing written, when
 * the values do not fit the plain nesting (a field with several values, a sub-field whose parent
 * is absent): the caller then writes the layer from its tree nodes.
 */
export type LayerWriter = (out: TextBytes, pkt: Packet, layer: Layer) => boolean;

/** What the writer is made from: tree-bytes.ts's plan of the field list and its generic routines. */
export interface LayerSpec {
  /** The layer's protocol, which names the generated functions (so that a profile tells them apart). */
  proto: string;
  fields: readonly FieldDef[];
  /** Field positions in printing order. */
  order: readonly number[];
  /** Position of each field's parent in the list, -1 at the top. */
  parent: readonly number[];
  /** Each field's indent, label and ": ". */
  head: readonly Uint8Array[];
  fixed: readonly (FixedRead | undefined)[];
  /** Each field's cached whole lines by small value (`line` fills them). */
  lines: (Uint8Array[] | undefined)[];
  /** Fields written by a FieldBytes writer (frame-bytes.ts). */
  writers: readonly (FieldBytes | undefined)[];
  /** The layer's field title, when its dissector has one whose fields are all shown. */
  fieldTitle: FieldTitleBytes | undefined;
  /** Writes field `index`'s whole line the generic way at out.length (and caches small values' lines). */
  line(out: TextBytes, index: number, value: FieldValue, data: Uint8Array): void;
  /** Writes the title line (and its newline) from the values left in `values` and `at`. */
  title(out: TextBytes, pkt: Packet, layer: Layer): void;
  /** Writes one value of a field title the generic way (writeValue), at out.length. */
  titleValue(out: TextBytes, index: number, value: FieldValue, data: Uint8Array): void;
  /** Where the writer leaves values for the generic routines: a bytes field's start in `at`, the title's values in `values`. */
  values: (FieldValue | undefined)[];
  at: number[];
  /** The value of a fixed-offset bytes field, whose bytes start at `at[i]`. */
  bytesAt: Uint8Array;
  /** The value of a field a FieldBytes writer writes. */
  written: Uint8Array;
}

/** A field title as bytes: its text, then after each part's prefix the value of the field at its position. */
export interface FieldTitleBytes {
  text: Uint8Array;
  /** Below this header length the title is the text alone. */
  minLength: number;
  prefixes: Uint8Array[];
  positions: number[];
}

const ENCODER = new TextEncoder();
const SET = [...ENCODER.encode('Set')];
const NOT_SET = [...ENCODER.encode('Not set')];
const NEWLINE = 0x0a;
const END = `buf[p++]=${NEWLINE};`;
/** Most decimal digits of a fixed read (at most 4 bytes), and of a safe integer with its sign. */
const FIXED_DECIMAL_WIDTH = 10;
const SAFE_DECIMAL_WIDTH = 17;
/** Stands for the room the rest of the layer needs, filled in once every line's bound is known. */
const REST = '%REST%';

const EIGHT = new DataView(new ArrayBuffer(8));

/**
 * A number literal for the double whose little-endian bytes are bytes[at, at + 8), or undefined
 * for a NaN (whose bits a store need not keep). Labels are written 8 bytes a store: on the bench
 * capture's -V, 50 ms of 1.1 s less than 4-byte stores.
 */
function doubleLiteral(bytes: readonly number[] | Uint8Array, at: number): string | undefined {
  for (let k = 0; k < 8; k++) EIGHT.setUint8(k, bytes[at + k]!);
  const x = EIGHT.getFloat64(0, true);
  if (Number.isNaN(x)) return undefined;
  // String() gives the shortest text that reads back as the same double, but "0" for -0.
  return Object.is(x, -0) ? '-0' : String(x);
}

/** Constant stores of these bytes at `p`, then p moved past them. */
export function stores(bytes: readonly number[] | Uint8Array): string {
  let code = '';
  let i = 0;
  const word = (at: number): string => {
    const w = (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
    return `dv.setUint32(p+${at},${w},true);`;
  };
  const double = (at: number): string => {
    const literal = doubleLiteral(bytes, at);
    return literal === undefined ? word(at) + word(at + 4) : `dv.setFloat64(p+${at},${literal},true);`;
  };
  const n = bytes.length;
  // The last store of a label overlaps the one before, rewriting the same bytes, instead of storing its tail a byte at a time.
  for (; i + 8 <= n; i += 8) code += double(i);
  if (i === n) return `${code}p+=${n};`;
  if (n >= 8) code += double(n - 8);
  else if (n >= 4) code += word(0) + (n > 4 ? word(n - 4) : '');
  else for (; i < n; i++) code += `buf[p+${i}]=${bytes[i]};`;
  return `${code}p+=${bytes.length};`;
}

/** Calls out (to a writer or a generic routine) at `p`, then takes the buffer back with room for what follows. */
const callOut = (call: string, more: number | string = 0): string =>
  `${OVERRUN}out.length=p;${call};out.room(${REST}+${more});buf=out.buffer;dv=out.view;p=out.length;`;

/**
 * A store past a typed array's end is dropped without a word: were a bound counted short, the
 * text would lose bytes. `p` counts on regardless, so this check (at each call out and at the end)
 * turns such a bug into an error.
 */
const OVERRUN = 'if(p>buf.length)overrun();';

function overrun(): never {
  throw new Error('internal error: a -V line writer wrote past the room it made');
}

/** Code that writes `v`, and at most how many bytes it writes without calling out. */
interface Code {
  code: string;
  bound: number;
}

function longestName(def: FieldDef): number {
  let longest = 0;
  for (const name of Object.values(def.names ?? {})) longest = Math.max(longest, Buffer.byteLength(name));
  return longest;
}

/** Code that writes a value in `v`, when `check` (if any) holds of it; and at most how many bytes it writes without calling out. */
interface ValueCode extends Code {
  check?: string;
}

/** `value`'s code where its check holds, `otherwise` where it does not. */
function guarded(value: ValueCode, then: string, otherwise: string): string {
  return value.check ? `if(${value.check}){${then}}else{${otherwise}}` : then;
}

/**
 * A number's text as writeValue gives it (no names, no tree width), or undefined when only the
 * generic routine writes it. A fixed read's value is a whole number below 2^32; a getter's is checked.
 */
function numberValue(def: FieldDef, fx: FixedRead | undefined, digits = def.hexDigits): ValueCode | undefined {
  if (digits !== undefined && !Number.isInteger(digits)) return undefined;
  const isNumber = fx ? undefined : "typeof v==='number'";
  if (def.type === 'ipv4') return { check: isNumber, code: 'p=putIpv4(buf,p,v);', bound: 15 };
  if (def.type !== 'uint' && def.type !== 'int') return undefined;
  if (digits) return { check: isNumber, code: `p=putHex(buf,p,v,${digits});`, bound: 2 + Math.max(8, digits) };
  if (fx) return { code: 'p=putDecimal(buf,p,v);', bound: FIXED_DECIMAL_WIDTH };
  // String(v) of a safe integer: its digits, after a minus sign when negative.
  return {
    check: 'Number.isSafeInteger(v)',
    code: 'if(v<0){buf[p++]=45;p=putDecimal(buf,p,-v);}else p=putDecimal(buf,p,v);',
    bound: SAFE_DECIMAL_WIDTH,
  };
}

/** Hex pairs of a fixed bytes field at `a<index>`, or of a getter's bytes. */
function pairsValue(def: FieldDef, index: number, fx: FixedRead | undefined): ValueCode | undefined {
  const separator = def.type === 'bytes' && def.plainHex ? -1 : 0x3a;
  if (fx?.kind === 'bytes') return { code: `p=putHexPairs(buf,p,data,s+${fx.offset},s+${fx.offset + fx.size},${separator});`, bound: 3 * fx.size };
  if (fx || def.type !== 'bytes') return undefined;
  const room = callOut('', '3*v.length');
  return { check: 'v instanceof Uint8Array', code: `${room}p=putHexPairs(buf,p,v,0,v.length,${separator});`, bound: 0 };
}

/** The code for field `index`'s whole line, with its value in `v` (writeLine's text). */
function lineCode(spec: LayerSpec, index: number): Code {
  const def = spec.fields[index]!;
  const head = spec.head[index]!;
  const fx = spec.fixed[index];
  const generic = callOut(`genericLine(out,${index},v,data)`);
  const viaGeneric = { code: generic, bound: 0 };
  if (spec.writers[index]) return { code: stores(head) + callOut(`writers[${index}].write(out,pkt)`, 1) + END, bound: head.length };
  if (def.type === 'none') return fx?.kind === 'bytes' ? viaGeneric : { code: stores(head) + END, bound: head.length + 1 };
  if (def.type === 'bool') {
    if (fx && fx.kind !== 'bool') return viaGeneric;
    const [yes, no] = def.names ? [true, false].map((b) => [...ENCODER.encode(boolText(def, b))]) : [SET, NOT_SET];
    return { code: `${stores(head)}if(v){${stores(yes!)}}else{${stores(no!)}}${END}`, bound: head.length + Math.max(yes!.length, no!.length) + 1 };
  }
  if (fx?.kind === 'bool' || (fx?.kind === 'bytes' && def.type !== 'ether' && def.type !== 'bytes')) return viaGeneric;
  let value: ValueCode | undefined;
  if (def.type === 'string' && !fx) {
    // formatValue gives a string value as it is; safe() escapes what came from the capture.
    value = { check: "typeof v==='string'", code: callOut('out.safe(v)', 1), bound: 0 };
  } else if (def.type === 'ether' || def.type === 'bytes') {
    value = pairsValue(def, index, fx);
  } else if (def.names) {
    if (def.type !== 'uint' && def.type !== 'int') return viaGeneric;
    // Named values ("IPv4 (0x0800)") are whole lines cached by value: the generic routine keeps
    // those below 256, and the names' own list bounds the rest, kept here.
    const small = fx ? 'v<256' : "typeof v==='number'&&v>=0&&v<256&&(v|0)===v";
    const keep = `if(line===undefined&&names[${index}][v]!==undefined)named[${index}].set(v,new Uint8Array(out.buffer.subarray(p,out.length)));`;
    const digits = def.treeHexDigits || def.hexDigits;
    const width = digits ? 2 + Math.max(8, digits) : SAFE_DECIMAL_WIDTH;
    return {
      code: `line=${small}?lines[${index}][v]:named[${index}].get(v);if(line!==undefined)p=putBytes(buf,p,line);else{${callOut(`genericLine(out,${index},v,data);${keep}`)}}`,
      bound: head.length + longestName(def) + 2 + width + 2,
    };
  } else if (!(def.type === 'ipv4' && def.treeHexDigits)) {
    value = numberValue(def, fx, def.treeHexDigits || def.hexDigits);
  }
  if (!value) return viaGeneric;
  // The head is written only where the check holds, so that the generic routine writes the whole line otherwise.
  return { code: guarded(value, stores(head) + value.code + END, generic), bound: head.length + value.bound + 1 };
}

/** The title line from the values read, with room for `rest` more bytes after it; undefined when the generic title routine writes it. */
function titleCode(spec: LayerSpec, rest: number, reads: readonly Read[]): Code | undefined {
  const title = spec.fieldTitle;
  if (!title || !Number.isInteger(title.minLength)) return undefined;
  let parts = '';
  let after = rest + 1;
  for (let k = title.positions.length - 1; k >= 0; k--) {
    const i = title.positions[k]!;
    const def = spec.fields[i]!;
    const fx = spec.fixed[i];
    const generic = callOut(`genericTitleValue(out,${i},v,data)`).replaceAll(REST, String(after));
    const value = def.type === 'ether' || def.type === 'bytes' ? pairsValue(def, i, fx) : fx && fx.kind !== 'number' ? undefined : numberValue(def, fx);
    // A value missing from a short header prints as writeValue prints undefined: left to the generic routine.
    const code = value ? guarded(value, value.code.replaceAll(REST, String(after)), generic) : generic;
    parts = `v=${reads[i]!.value};${stores(title.prefixes[k]!)}${fx ? `if(v===undefined){${generic}}else{${code}}` : code}\n` + parts;
    after += title.prefixes[k]!.length + (value?.bound ?? 0);
  }
  return { code: `${stores(title.text)}if(layer.payload-s>=${title.minLength}){\n${parts}}${END}`, bound: after - rest + title.text.length };
}

/**
 * How field `index` is read. A getter or a writer is called once, before anything is written (a
 * getter's several values make the layer not plain), and its value kept in `values`. A fixed
 * field is read where it is used, from the packet's bytes.
 */
interface Read {
  /** Code run before the checks, or ''. */
  before: string;
  /** An expression that is true when the field has a value. */
  present: string;
  /** An expression for its value (or undefined). */
  value: string;
}

function readOf(spec: LayerSpec, index: number): Read {
  const v = `values[${index}]`;
  const fx = spec.fixed[index];
  if (spec.writers[index]) return { before: `${v}=writers[${index}].has(pkt)?WRITTEN:undefined;`, present: `${v}!==undefined`, value: v };
  if (!fx) {
    // Each getter gets its own call site, which V8 can inline; a getter's single-value array is its value.
    const before = `v=fields[${index}].get(pkt,layer);if(Array.isArray(v)){if(v.length>1)return false;v=v[0];}${v}=v;`;
    return { before, present: `${v}!==undefined`, value: v };
  }
  const present = `(s+${fx.offset + fx.size}<=layer.payload)`;
  if (fx.kind === 'bytes') return { before: '', present, value: `${present}?BYTES_AT:undefined` };
  const byte = (k: number): string => `data[s+${fx.offset + k}]`;
  const raw = [
    byte(0),
    `(${byte(0)}<<8)|${byte(1)}`,
    `(${byte(0)}<<16)|(${byte(1)}<<8)|${byte(2)}`,
    `((${byte(0)}<<24)|(${byte(1)}<<16)|(${byte(2)}<<8)|${byte(3)})>>>0`,
  ][fx.size - 1];
  if (raw === undefined) throw new Error(`fixed read of ${fx.size} bytes`);
  // As a fixed getter reads: masked, shifted and unsigned, or a boolean of the masked bits.
  const masked = fx.mask === undefined ? `(${raw})` : `((((${raw})&${fx.mask})>>>${fx.shift})>>>0)`;
  return { before: '', present, value: `${present}?${fx.kind === 'bool' ? `${masked}!==0` : masked}:undefined` };
}

/**
 * Lines per function. One function for a whole layer of 30 fields took V8's optimizing compiler
 * 10 MB more memory at its peak (the RSS of -V to a slow reader went up by as much); functions
 * of this many lines compile in little more than the generic routines did.
 */
const LINES_PER_PART = 8;

/** The opening of a function that writes: the buffer taken at out.length, with room for `bound` bytes. */
const WRITING = (bound: number): string => `let v;let line;out.room(${bound});let buf=out.buffer;let dv=out.view;let p=out.length;\n`;
const WRITTEN_ALL = `${OVERRUN}out.length=p;`;

/**
 * A fixed read the writer can make inline: whole offsets, sizes, masks and shifts (they go into
 * the code as numbers), numbers of at most 4 bytes. Any other field is read through its getter.
 */
function inlineRead(fx: FixedRead | undefined): FixedRead | undefined {
  if (!fx || ![fx.offset, fx.size, fx.shift, fx.mask ?? 0].every(Number.isInteger) || fx.offset < 0 || fx.size < 1) return undefined;
  return fx.kind === 'bytes' || fx.size <= 4 ? fx : undefined;
}

/** Makes the layer's writer from its spec. */
export function compileLayer(given: LayerSpec): LayerWriter {
  const spec = { ...given, fixed: given.fixed.map(inlineRead) };
  const { fields } = spec;
  const reads = fields.map((_, i) => readOf(spec, i));
  // The first function reads the getters, checks the nesting and writes the title; the others write the lines, a part each.
  let head = 'const data=pkt.data;const s=layer.start;let v;\n';
  for (const read of reads) head += read.before && `${read.before}\n`;
  for (let i = 0; i < fields.length; i++) {
    const parent = spec.parent[i]!;
    if (parent >= 0) head += `if(${reads[i]!.present}&&!(${reads[parent]!.present}))return false;\n`;
  }
  const title = titleCode(spec, 0, reads);
  for (let i = 0; i < fields.length; i++) {
    const fx = spec.fixed[i];
    if (fx?.kind === 'bytes') head += `at[${i}]=s+${fx.offset};`;
    if (!title && fx && spec.fieldTitle?.positions.includes(i)) head += `values[${i}]=${reads[i]!.value};`;
  }
  head += title ? `{${WRITING(title.bound)}${title.code}${WRITTEN_ALL}}\n` : 'genericTitle(out,pkt,layer);\n';
  const parts: string[] = [];
  for (let from = 0; from < spec.order.length; from += LINES_PER_PART) {
    const lines = spec.order.slice(from, from + LINES_PER_PART).map((i) => ({ index: i, line: lineCode(spec, i) }));
    // Each call out makes room again for what the part still writes inline after it.
    let rest = 0;
    for (let k = lines.length - 1; k >= 0; k--) {
      const line = lines[k]!.line;
      line.code = line.code.replaceAll(REST, String(rest));
      rest += line.bound;
    }
    let part = 'const data=pkt.data;const s=layer.start;' + WRITING(rest);
    for (const { index, line } of lines) {
      if (line.code.includes('lines[')) spec.lines[index] ??= [];
      part += `v=${reads[index]!.value};if(v!==undefined){${line.code}}\n`;
    }
    parts.push(part + WRITTEN_ALL);
  }
  // A protocol's name may hold any character, or start with a digit ("6lowpan"): w_ and '_' in place of the rest keep it a name.
  const name = `w_${given.proto.replace(/[^A-Za-z0-9_]/g, '_')}_`;
  for (let k = 0; k < parts.length; k++) head += `${name}part${k}(out,pkt,layer);`;
  head += 'return true;';
  const parameters = {
    overrun,
    putBytes,
    putDecimal,
    putHex,
    putHexPairs,
    putIpv4,
    fields,
    writers: spec.writers,
    values: spec.values,
    at: spec.at,
    BYTES_AT: spec.bytesAt,
    WRITTEN: spec.written,
    lines: spec.lines,
    names: fields.map((f) => f.names),
    named: fields.map((f) => (f.names ? new Map<number, Uint8Array>() : undefined)),
    genericLine: spec.line,
    genericTitle: spec.title,
    genericTitleValue: spec.titleValue,
  };
  const functions = parts.map((part, k) => `function ${name}part${k}(out,pkt,layer){${part}}`).join('\n');
  const make = new Function(...Object.keys(parameters), `${functions}\nreturn function ${name}writeLayer(out,pkt,layer){${head}};`) as (
    ...args: unknown[]
  ) => LayerWriter;
  return make(...Object.values(parameters));
}
