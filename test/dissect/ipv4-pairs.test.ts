// Ipv4PairTable must keep what a Map keyed by the pair would: the value last set for each
// pair, through growth and rehashing, with addresses and ports that use the top bit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ipv4PairTable } from '../../src/dissect/ipv4-pairs.js';
import { prng } from '../helpers/prng.js';

describe('Ipv4PairTable', () => {
  it('tells pairs apart by every address and port bit, and keeps the last value set', () => {
    const t = new Ipv4PairTable();
    const a = 0x0a000001;
    const b = 0xc0a80102; // top bit set: stored as a negative 32-bit number
    const ports = (49152 << 16) | 8472; // negative as well
    assert.equal(t.get(a, b, ports), -1);
    t.set(a, b, ports, 0);
    assert.equal(t.get(a, b, ports), 0);
    assert.equal(t.get(b, a, ports), -1, 'the order of the addresses is part of the key');
    assert.equal(t.get(a, b, (49152 << 16) | 8473), -1);
    assert.equal(t.get(a, b ^ 0x80000000, ports), -1);
    t.set(a, b, ports, 7);
    assert.equal(t.get(a, b, ports), 7);
    assert.equal(t.size, 1);
  });

  // A broken rehash would fill the table and probe for ever: the timeout makes that a failure.
  it('answers as a Map over half a million pairs, growing as it goes', { timeout: 60_000 }, () => {
    const next = prng(12);
    const t = new Ipv4PairTable();
    const model = new Map<string, number>();
    const addresses = [0, 1, 0x0af40002, 0x7fffffff, 0x80000000, 0xc0a80001, 0xfffffffe, 0xffffffff];
    for (let n = 0; n < 500_000; n++) {
      // Some pairs of a few edge addresses, most of them distinct, some set again.
      const a = n % 7 === 0 ? addresses[Math.floor(next() * addresses.length)]! : Math.floor(next() * 2 ** 32);
      const b = n % 5 === 0 ? addresses[Math.floor(next() * addresses.length)]! : Math.floor(next() * 2 ** 32);
      const ports = ((Math.floor(next() * 65536) << 16) | Math.floor(next() * 4)) >>> 0;
      const key = `${a}|${b}|${ports}`;
      const known = model.get(key);
      assert.equal(t.get(a, b, ports), known ?? -1, `pair ${n}`);
      if (known === undefined || n % 3 === 0) {
        model.set(key, n);
        t.set(a, b, ports, n);
      }
    }
    assert.equal(t.size, model.size);
    for (const [key, value] of model) {
      const [a, b, ports] = key.split('|').map(Number) as [number, number, number];
      if (t.get(a, b, ports) !== value) assert.fail(`${key}: ${t.get(a, b, ports)} instead of ${value}`);
    }
  });
});
