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
// The parts: literals.ts converts literals and checks operator types, value-tests.ts and
// membership.ts build the per-value tests, visit.ts walks a field's occurrences.
import type { Registry } from '../dissect/registry.js';
import type { Packet } from '../dissect/types.js';
import { msg } from '../errors.js';
import { FilterError, suggestField } from './errors.js';
import { Literals, TYPE_DESCRIPTION, checkOperator, noPrefix, regex, type Field } from './literals.js';
import { member } from './membership.js';
import type { CompareOp, Expr, FieldRef, Literal } from './parser.js';
import { SLICEABLE, slicedDefs } from './slices.js';
import { equal, pairOrder, relational } from './value-tests.js';
import { indexOfBytes } from './values.js';
import { ANY, valueDefs, visitor, type Test } from './visit.js';
import { latin1 } from '../text/latin1.js';

export { TYPE_DESCRIPTION } from './literals.js';

export type Predicate = (pkt: Packet) => boolean;

class Compiler {
  private readonly literals: Literals;

  constructor(private readonly registry: Registry) {
    this.literals = new Literals(registry);
  }

  field(ref: FieldRef): Field {
    const defs = this.registry.field(ref.name);
    if (!defs || defs.length === 0) {
      throw new FilterError(msg.filterUnknownField(ref.name, ref.namePos + 1, suggestField(ref.name, this.registry.fieldNames())), ref.namePos);
    }
    // A name registered by several protocols has one type in practice (sll.* in SLL and SLL2);
    // should they ever differ, the first definition's type decides and the others are ignored.
    const type = defs[0]!.type;
    const same = defs.filter((d) => d.type === type);
    if (!ref.slice) return { ref, defs: same, type };
    if (!SLICEABLE.has(type)) throw new FilterError(msg.filterNotSliceable(ref.name, TYPE_DESCRIPTION[type], ref.namePos + 1), ref.namePos);
    return { ref, defs: slicedDefs(same, type, ref.slice), type: 'bytes' };
  }

  /** The per-value test of a comparison (for ne / all_eq / any_ne: the equality it negates). */
  private test(f: Field, op: CompareOp, lit: Literal, opText: string, opPos: number): Test {
    switch (op) {
      case 'eq':
      case 'ne':
      case 'all_eq':
      case 'any_ne':
        return equal(this.literals.value(f, lit));
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge': {
        checkOperator(f, 'order', opText, opPos);
        const v = this.literals.value(f, lit);
        noPrefix(v, lit);
        return relational(op, v);
      }
      case 'contains': {
        checkOperator(f, 'contains', opText, opPos);
        const v = this.literals.value(f, lit, true);
        // Nothing contains the empty string or byte string, in tshark.
        if (v.t === 'str') {
          const s = v.s;
          return s === '' ? () => false : (x) => (x as string).includes(s);
        }
        const needle = (v as { bytes: Uint8Array }).bytes;
        return needle.length === 0 ? () => false : (x) => indexOfBytes(x as Uint8Array, needle) >= 0;
      }
      case 'matches': {
        checkOperator(f, 'matches', opText, opPos);
        const re = regex(lit);
        if (f.type === 'string') return (x) => re.test(x as string);
        return (x) => re.test(latin1(x as Uint8Array));
      }
      case 'bitand': {
        checkOperator(f, 'bitand', opText, opPos);
        const v = this.literals.value(f, lit);
        if (v.t === 'bytes') {
          // Byte strings (a slice: `erspan[11] & 08`): some byte has a bit of the mask's byte at its offset.
          const mask = v.bytes;
          return (x) => {
            const b = x as Uint8Array;
            for (let i = 0; i < b.length && i < mask.length; i++) if ((b[i]! & mask[i]!) !== 0) return true;
            return false;
          };
        }
        const n = (v as { n: number }).n;
        return (x) => ((x as number) & n) !== 0;
      }
    }
  }

  /** `f & mask == v`: the test applied to each value with the mask's bits kept (integers only). */
  private masked(f: Field, mask: Literal, test: Test): Test {
    if (f.type !== 'uint' && f.type !== 'int') throw new FilterError(msg.filterOperatorType('&', f.ref.name, TYPE_DESCRIPTION[f.type], mask.pos), mask.pos - 1);
    const n = (this.literals.value(f, mask) as { n: number }).n;
    return (x) => test(((x as number) & n) >>> 0);
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
        const test = member(this.literals, f, e.items);
        // As tshark 4.0 reads it: not (f in {...}), true for a packet without f too.
        if (e.negated) return (p) => !visit(p, test);
        return (p) => visit(p, test);
      }
      case 'compare': {
        const f = this.field(e.field);
        const lit = e.value;
        if (lit.field && !lit.quoted && !e.mask && e.op !== 'contains' && e.op !== 'matches' && e.op !== 'bitand') {
          const g = this.registry.field(lit.field.name);
          if (g && g[0]!.type === f.type) {
            if (e.op !== 'eq' && e.op !== 'ne' && e.op !== 'all_eq' && e.op !== 'any_ne') checkOperator(f, 'order', e.opText, e.opPos);
            return this.fieldPair(f, this.field(lit.field), e.op);
          }
        }
        const visit = visitor(valueDefs(f.defs), f.ref.layer);
        const test = e.mask ? this.masked(f, e.mask, this.test(f, e.op, lit, e.opText, e.opPos)) : this.test(f, e.op, lit, e.opText, e.opPos);
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

/** Compiles a parsed filter; an absent expression (an empty filter) matches every packet. */
export function compile(e: Expr | undefined, registry: Registry): Predicate {
  if (!e) return () => true;
  return new Compiler(registry).compile(e);
}
