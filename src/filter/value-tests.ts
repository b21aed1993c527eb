// Per-value tests for each field type: equality (with address prefixes), order, and the
// relational operators built on them, as closures over the converted literal.
import type { FieldType, FieldValue } from '../dissect/types.js';
import type { Value } from './literals.js';
import { bytesEqual, compareBytes, compareTime, parseTime, prefixEqual } from './values.js';
import type { Test } from './visit.js';

const truthy = (v: FieldValue): boolean => v === true || (typeof v === 'number' && v !== 0);

/** Whether a field value equals `v`, or lies in it when `v` is an address prefix. */
export function equal(v: Value): Test {
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
      return (x) => ((x as number) & mask) >>> 0 === addr;
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
export function order(v: Value): (x: FieldValue) => number {
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

/** `<`, `<=`, `>`, `>=` against `v`; plain numbers skip the order closure. */
export function relational(op: 'lt' | 'le' | 'gt' | 'ge', v: Value): Test {
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
  const cmp = order(v);
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

/** Order of two values of the same field type, for field-to-field comparisons. */
export function pairOrder(type: FieldType): (a: FieldValue, b: FieldValue) => number {
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
