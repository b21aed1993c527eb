// RecentNumbers answers "seen before?" in front of a large set: a "yes" must always be right
// (callers skip the set on it), a "no" may be wrong only for a number pushed out of its slot.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentNumbers } from '../../src/util/recent-numbers.js';
import { prng } from '../helpers/prng.js';

describe('RecentNumbers', () => {
  it('says yes only for numbers it was given, and for the last one given in a row', () => {
    const recent = new RecentNumbers(4);
    const given = new Set<number>();
    const rnd = prng(11);
    for (let i = 0; i < 20_000; i++) {
      // IPv4 addresses as the analysis keeps them: signed 32-bit numbers, some outside small-integer range.
      const n = (Math.floor(rnd() * 64) * 0x01010101) | 0;
      const yes = recent.seenBefore(n);
      if (yes) assert.ok(given.has(n), `yes for ${n}, never given`);
      given.add(n);
      assert.equal(recent.seenBefore(n), true);
    }
    assert.equal(new RecentNumbers().seenBefore(-1062731776), false);
  });
});
