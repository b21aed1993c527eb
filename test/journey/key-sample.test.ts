// KeySample keeps the clock sample in typed columns: what it hands the clock estimate must be
// what a Map of first and last sightings, thinned the same way, would hold.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SampleTimes } from '../../src/journey/clock.js';
import { KeySample } from '../../src/journey/readers.js';
import { prng } from '../helpers/prng.js';

class MapSample {
  readonly times = new Map<number, SampleTimes>();
  modulus = 1;
  constructor(private readonly cap: number) {}
  add(key: number, time: number, inbound: boolean, outbound: boolean, ttl: number): void {
    if (key % this.modulus !== 0) return;
    const s = this.times.get(key);
    if (s) {
      if (time < s.first) Object.assign(s, { first: time, firstIn: inbound, firstTtl: ttl });
      if (time >= s.last) Object.assign(s, { last: time, lastOut: outbound, lastTtl: ttl });
      return;
    }
    this.times.set(key, { first: time, last: time, firstIn: inbound, lastOut: outbound, firstTtl: ttl, lastTtl: ttl });
    if (this.times.size > this.cap) this.thin(this.modulus * 2);
  }
  thin(modulus: number): void {
    if (modulus <= this.modulus) return;
    this.modulus = modulus;
    for (const k of this.times.keys()) if (k % modulus !== 0) this.times.delete(k);
  }
}

const sorted = (m: ReadonlyMap<number, SampleTimes>): [number, SampleTimes][] => [...m].sort((a, b) => a[0] - b[0]);

describe('KeySample', () => {
  it('holds what a Map of first and last sightings holds, through thinning', () => {
    const rnd = prng(5);
    const typed = new KeySample(300);
    const plain = new MapSample(300);
    for (let i = 0; i < 40_000; i++) {
      // 52-bit keys as packetKey makes them, each seen a few times, times not always in order.
      const key = Math.floor(rnd() * 300) * 0x100000 + Math.floor(rnd() * 4) * 1021;
      // Times in any order (the sightings of one packet may come out of order): first and last both move.
      const time = rnd() * 10;
      const args = [key, time, rnd() < 0.5, rnd() < 0.5, 60 + Math.floor(rnd() * 5)] as const;
      typed.add(...args);
      plain.add(...args);
    }
    assert.ok(plain.modulus > 1, 'the sample was thinned');
    assert.equal(typed.modulus, plain.modulus);
    assert.deepEqual(sorted(typed.times), sorted(plain.times));
    typed.thin(plain.modulus * 4);
    plain.thin(plain.modulus * 4);
    assert.deepEqual(sorted(typed.times), sorted(plain.times));
  });
});
