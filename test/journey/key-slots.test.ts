// KeySlots against a Map under the same random sets and deletes: keys as the journey makes them
// (whole numbers below 2^52), many of them sharing a home so probe chains form and are cut.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeySlots } from '../../src/journey/key-slots.js';
import { prng } from '../helpers/prng.js';

describe('KeySlots', () => {
  it('answers as a Map does through 200,000 random sets, gets, deletes and conditional deletes', () => {
    const rnd = prng(7);
    const slots = new KeySlots(16);
    const map = new Map<number, number>();
    // A small key space, so the same keys come back, are replaced and are deleted often.
    const keys = Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? i : Math.floor(rnd() * 2 ** 52)));
    for (let n = 0; n < 200_000; n++) {
      const key = keys[Math.floor(rnd() * keys.length)]!;
      const op = rnd();
      if (op < 0.3) {
        slots.set(key, n);
        map.set(key, n);
      } else if (op < 0.65) {
        slots.delete(key);
        map.delete(key);
      } else if (op < 0.8) {
        // deleteIf: only when the key holds that slot (half the time it does).
        const slot = rnd() < 0.5 ? (map.get(key) ?? 7) : n;
        slots.deleteIf(key, slot);
        if (map.get(key) === slot) map.delete(key);
      } else assert.equal(slots.get(key), map.get(key) ?? -1, `key ${key} at step ${n}`);
      assert.equal(slots.size, map.size);
    }
    for (const key of keys) assert.equal(slots.has(key), map.has(key));
    for (const [key, slot] of map) assert.equal(slots.get(key), slot);
  });

  it('keeps 0 and keys past 2^32 apart from their low bits', () => {
    const slots = new KeySlots(16);
    slots.set(0, 1);
    slots.set(2 ** 32, 2);
    slots.set(2 ** 40 + 5, 3);
    slots.set(5, 4);
    assert.deepEqual([slots.get(0), slots.get(2 ** 32), slots.get(2 ** 40 + 5), slots.get(5), slots.get(7)], [1, 2, 3, 4, -1]);
    slots.delete(2 ** 32);
    assert.deepEqual([slots.get(0), slots.get(2 ** 32), slots.get(2 ** 40 + 5), slots.get(5)], [1, -1, 3, 4]);
  });
});
