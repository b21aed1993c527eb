// RecentSegments must answer as a Map of string keys kept in insertion order would: a segment
// seen again becomes the newest, and past the capacity the one seen longest ago is forgotten.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentSegments, type SegmentSighting } from '../../src/dissect/recent-segments.js';
import { prng } from '../helpers/prng.js';

/** The behaviour RecentSegments replaces: delete and set again, then drop the first key past the capacity. */
class MapModel {
  private readonly map = new Map<string, SegmentSighting>();
  constructor(private readonly capacity: number) {}
  get size(): number {
    return this.map.size;
  }
  see(key: readonly number[], here: SegmentSighting): SegmentSighting | undefined {
    const k = key.join('|');
    const before = this.map.get(k);
    this.map.delete(k);
    this.map.set(k, { ...here });
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
    return before;
  }
}

describe('RecentSegments', () => {
  it('finds a segment seen before and says where', () => {
    const recent = new RecentSegments(8);
    const before: SegmentSighting = { iface: -1, ttl: -1, outerTtl: -1, direction: -1 };
    assert.equal(recent.see(3, true, 0xfffffff0, 7, 0x18, 96, 502, 0x1234, { iface: 1, ttl: 64, outerTtl: -1, direction: 1 }, before), false);
    assert.equal(recent.see(3, true, 0xfffffff0, 7, 0x18, 96, 502, 0x1234, { iface: 2, ttl: 63, outerTtl: -1, direction: 2 }, before), true);
    assert.deepEqual(before, { iface: 1, ttl: 64, outerTtl: -1, direction: 1 });
    // Any other number makes it another segment: the other direction, the next IP ID.
    assert.equal(recent.see(3, false, 0xfffffff0, 7, 0x18, 96, 502, 0x1234, { iface: 2, ttl: 63, outerTtl: -1, direction: 2 }, before), false);
    assert.equal(recent.see(3, true, 0xfffffff0, 7, 0x18, 96, 502, 0x1235, { iface: 2, ttl: 63, outerTtl: -1, direction: 2 }, before), false);
    assert.equal(recent.size, 3);
  });

  it('forgets the segment seen longest ago, and a segment seen again is the newest', () => {
    const recent = new RecentSegments(2);
    const before: SegmentSighting = { iface: 0, ttl: 0, outerTtl: -1, direction: 0 };
    const at = (n: number): SegmentSighting => ({ iface: n, ttl: 64, outerTtl: -1, direction: 0 });
    recent.see(1, true, 1, 0, 0, 0, 0, 0, at(1), before);
    recent.see(2, true, 1, 0, 0, 0, 0, 0, at(2), before);
    // Segment 1 again: now 2 is the oldest and goes when 3 comes.
    assert.equal(recent.see(1, true, 1, 0, 0, 0, 0, 0, at(3), before), true);
    recent.see(3, true, 1, 0, 0, 0, 0, 0, at(4), before);
    assert.equal(recent.see(2, true, 1, 0, 0, 0, 0, 0, at(5), before), false);
    assert.equal(recent.see(3, true, 1, 0, 0, 0, 0, 0, at(6), before), true);
    assert.equal(before.iface, 4);
    assert.equal(recent.size, 2);
  });

  it('answers as the Map it replaces over long random runs, with evictions and shared buckets', () => {
    // Each number drawn on its own from a few values, edge values among them, so that dropping
    // any one of them from the key, or keeping it in fewer bits, makes two segments one.
    const VALUES = {
      seq: [0, 1, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff],
      ack: [0, 0x80000001, 0xffffffff],
      flags: [0x02, 0x10, 0x18, 0xfff],
      len: [0, 1, 1448, 1448 + 4096, 65535, 1448 + 65536],
      win: [0, 502, 0xffff],
      ipId: [0, 0x1234, 0xffff],
    };
    for (const [capacity, seed, streams] of [
      [1, 1, 1],
      [4, 2, 2],
      [64, 3, 2],
      [4096, 4, 4],
    ] as const) {
      const next = prng(seed);
      const pick = (k: number): number => Math.floor(next() * k);
      const one = (list: readonly number[]): number => list[pick(list.length)]!;
      const recent = new RecentSegments(capacity);
      const model = new MapModel(capacity);
      const before: SegmentSighting = { iface: 0, ttl: 0, outerTtl: -1, direction: 0 };
      let hits = 0;
      for (let n = 0; n < 60_000; n++) {
        // Mostly the same few segments again (so that some come back before they are forgotten
        // and some after), sometimes one that differs from them in a single number.
        const key = [pick(streams), 1, 0xfffffff0, 0x80000001, 0x18, 1448, 502, 0x1234];
        if (pick(2)) {
          const field = 1 + pick(7);
          key[field] = [pick(2), one(VALUES.seq), one(VALUES.ack), one(VALUES.flags), one(VALUES.len), one(VALUES.win), one(VALUES.ipId)][field - 1]!;
        }
        const here: SegmentSighting = { iface: pick(4), ttl: [-1, 0, 63, 64, 255][pick(5)]!, outerTtl: [-1, 62, 64][pick(3)]!, direction: pick(4) };
        const expected = model.see(key, here);
        const [stream, forward, seq, ack, flags, len, win, ipId] = key as [number, number, number, number, number, number, number, number];
        const seen = recent.see(stream, forward === 1, seq, ack, flags, len, win, ipId, here, before);
        assert.equal(seen, expected !== undefined, `step ${n} of capacity ${capacity}`);
        if (expected) {
          hits++;
          assert.deepEqual(before, expected, `step ${n} of capacity ${capacity}`);
        }
        assert.equal(recent.size, Math.min(capacity, model.size), `step ${n} of capacity ${capacity}`);
      }
      assert.ok(hits > 1000, `only ${hits} segments seen again at capacity ${capacity}`);
    }
  });

  it('needs room for at least one segment', () => {
    assert.throws(() => new RecentSegments(0), RangeError);
  });
});
