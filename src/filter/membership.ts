// Set membership (`tcp.port in {80 443 8000..8999}`): one test for a set of values and
// ranges; sets of plain numbers, strings or IPv4 addresses are a JavaScript Set lookup.
import { msg } from '../errors.js';
import { FilterError } from './errors.js';
import { OPERATOR_TYPES, TYPE_DESCRIPTION, noPrefix, type Field, type Literals, type Value } from './literals.js';
import type { SetItem } from './parser.js';
import { equal, order } from './value-tests.js';
import type { Test } from './visit.js';

/** Membership in a set of values and ranges; plain numbers and strings use a Set. */
export function member(literals: Literals, f: Field, items: SetItem[]): Test {
  const values: Value[] = [];
  const tests: Test[] = [];
  for (const item of items) {
    if (item.kind === 'value') {
      const v = literals.value(f, item.value);
      values.push(v);
      tests.push(equal(v));
      continue;
    }
    if (!OPERATOR_TYPES.order.has(f.type) || f.type === 'protocol') {
      throw new FilterError(msg.filterOperatorType('..', f.ref.name, TYPE_DESCRIPTION[f.type], item.pos + 1), item.pos);
    }
    const lo = literals.value(f, item.low);
    const hi = literals.value(f, item.high);
    noPrefix(lo, item.low);
    noPrefix(hi, item.high);
    const above = order(lo);
    const below = order(hi);
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
