/**
 * Numbers seen lately, one per slot of a small table chosen by a hash of the number: a cheap
 * "seen this one before?" in front of a large Set that every packet would otherwise look up
 * (a packet's addresses repeat, and a lookup in a table of a million misses the cache).
 * A false "no" only costs the lookup it was meant to save; a "yes" is always right.
 */
export class RecentNumbers {
  private readonly slots: Float64Array;
  private readonly shift: number;

  constructor(bits = 12) {
    this.slots = new Float64Array(1 << bits).fill(NaN);
    this.shift = 32 - bits;
  }

  /** Whether `n` is the number its slot holds; if not, it holds `n` from now on. */
  seenBefore(n: number): boolean {
    const i = Math.imul(n, 0x9e3779b1) >>> this.shift;
    if (this.slots[i] === n) return true;
    this.slots[i] = n;
    return false;
  }
}
