// Display filters in Wireshark's syntax: `inner.ip.dst == 172.20.2.30 && vxlan.vni == 100`.
// docs/filters.md describes the language.
import type { Registry } from '../dissect/registry.js';
import type { Packet } from '../dissect/types.js';
import { VxError } from '../errors.js';
import { compile, type Predicate } from './compile.js';
import { FilterError } from './errors.js';
import { parseFilter } from './parser.js';

export type { Predicate } from './compile.js';
export { FilterError } from './errors.js';
export type { CompareOp, Expr, FieldRef, LayerSelector, Literal, SetItem } from './parser.js';
export { parseFilter } from './parser.js';
export { tokenize, type Token } from './lexer.js';

export type FilterCheck = { ok: true } | { ok: false; message: string; column: number };

function build(text: string, registry: Registry): Predicate {
  return compile(parseFilter(text, registry), registry);
}

/**
 * Compiles a display filter once into a predicate over dissected packets. An empty filter
 * matches everything. Throws VxError('usage', message) naming the column of the problem.
 */
export function compileFilter(text: string, registry: Registry): (pkt: Packet) => boolean {
  try {
    return build(text, registry);
  } catch (e) {
    if (e instanceof FilterError) throw new VxError('usage', e.message);
    throw e;
  }
}

/** Validates a filter as the user types it: the message and 1-based column of the first problem. */
export function checkFilter(text: string, registry: Registry): FilterCheck {
  try {
    build(text, registry);
    return { ok: true };
  } catch (e) {
    if (e instanceof FilterError) return { ok: false, message: e.message, column: e.column };
    throw e;
  }
}
