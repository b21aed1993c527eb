// grouped() stands in for toLocaleString('en-US') in every count a message shows: it must
// write what that call writes, digit for digit, at every length and sign.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { grouped } from '../../src/text/grouped.js';
import { prng } from '../helpers/prng.js';

describe('grouped', () => {
  it('writes integers as toLocaleString("en-US") does, at every number of digits and both signs', () => {
    const edges = [0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 99999, 100000, 999999, 1000000, 1234567, Number.MAX_SAFE_INTEGER];
    for (const n of [...edges, ...edges.map((x) => -x)]) assert.equal(grouped(n), n.toLocaleString('en-US'), String(n));
    const next = prng(12);
    for (let k = 0; k < 20000; k++) {
      const digits = 1 + Math.floor(next() * 16);
      const n = Math.floor(next() * 10 ** digits) * (next() < 0.2 ? -1 : 1);
      if (Number.isSafeInteger(n)) assert.equal(grouped(n), n.toLocaleString('en-US'), String(n));
    }
  });

  it('leaves what is not a safe integer to toLocaleString: fractions, -0, huge numbers, NaN', () => {
    for (const n of [1234.5, -0.25, -0, 2 ** 60, 1e21, NaN, Infinity]) assert.equal(grouped(n), n.toLocaleString('en-US'), String(n));
    assert.equal(grouped(1234567), '1,234,567');
  });
});
