// A map from packet keys (whole numbers up to 2^52, not small integers) to journey slots, in
// one typed array. A Map boxes every such key in a heap number, and a window's worth of them
// live long enough for the collector to copy them; here they are plain doubles. Open addressing
// with linear probing; a removal shifts the probe chain back, so there are no tombstones. Each
// key sits beside its slot: a table of a window's keys is larger than the caches, and a probe
// then costs one miss instead of two.
const EMPTY = -1;

/**
 * Backward-shift removal in a linear-probing table: the entry at `at`, whose home slot is
 * `home`, must stay put when slot `hole` before it empties if its home lies cyclically in
 * (hole, at]; otherwise it moves into the hole.
 */
export function homeAfterHole(home: number, hole: number, at: number): boolean {
  return hole <= at ? home > hole && home <= at : home > hole || home <= at;
}

export class KeySlots {
  /** Entry i: its key at 2i, its slot at 2i + 1 (EMPTY when the entry is free). */
  private entries: Float64Array;
  private mask: number;
  private count = 0;

  constructor(size = 1 << 14) {
    this.entries = KeySlots.empty(size);
    this.mask = size - 1;
  }

  private static empty(size: number): Float64Array {
    const e = new Float64Array(size * 2);
    for (let i = 1; i < e.length; i += 2) e[i] = EMPTY;
    return e;
  }

  get size(): number {
    return this.count;
  }

  private home(key: number): number {
    // The low 32 bits and the high ones mixed, so keys that differ only above bit 32 spread too.
    const h = Math.imul((key >>> 0) ^ Math.floor(key / 4294967296), 0x9e3779b1);
    return (h ^ (h >>> 15)) & this.mask;
  }

  /** The entry holding `key`, or the free entry where it would go. */
  private find(key: number): number {
    const e = this.entries;
    for (let i = this.home(key); ; i = (i + 1) & this.mask) {
      if (e[2 * i + 1] === EMPTY || e[2 * i] === key) return i;
    }
  }

  /** The slot stored for `key`, or -1. */
  get(key: number): number {
    return this.entries[2 * this.find(key) + 1]!;
  }

  has(key: number): boolean {
    return this.get(key) !== EMPTY;
  }

  set(key: number, slot: number): void {
    const e = this.entries;
    const i = this.find(key);
    if (e[2 * i + 1] === EMPTY) {
      this.count++;
      e[2 * i] = key;
    }
    e[2 * i + 1] = slot;
    if (this.count * 2 > this.mask) this.resize((this.mask + 1) * 2);
  }

  delete(key: number): void {
    this.remove(this.find(key));
  }

  /** Removes `key` if it holds `slot` (one probe where get and delete take two). */
  deleteIf(key: number, slot: number): void {
    const i = this.find(key);
    if (this.entries[2 * i + 1] === slot) this.remove(i);
  }

  private remove(at: number): void {
    const e = this.entries;
    let i = at;
    if (e[2 * i + 1] === EMPTY) return;
    this.count--;
    // Backward-shift: move later members of the probe chain into the hole when their home allows.
    for (let j = (i + 1) & this.mask; e[2 * j + 1] !== EMPTY; j = (j + 1) & this.mask) {
      const h = this.home(e[2 * j]!);
      if (homeAfterHole(h, i, j)) continue;
      e[2 * i] = e[2 * j]!;
      e[2 * i + 1] = e[2 * j + 1]!;
      i = j;
    }
    e[2 * i + 1] = EMPTY;
  }

  private resize(size: number): void {
    const old = this.entries;
    this.entries = KeySlots.empty(size);
    this.mask = size - 1;
    this.count = 0;
    for (let i = 1; i < old.length; i += 2) if (old[i] !== EMPTY) this.set(old[i - 1]!, old[i]!);
  }
}
