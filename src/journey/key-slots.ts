// A map from packet keys (whole numbers up to 2^52, not small integers) to journey slots, in
// typed arrays. A Map boxes every such key in a heap number, and a window's worth of them live
// long enough for the collector to copy them; here they are plain doubles. Open addressing with
// linear probing; a removal shifts the probe chain back, so there are no tombstones.
const EMPTY = -1;

export class KeySlots {
  private keys: Float64Array;
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(size = 1 << 14) {
    this.keys = new Float64Array(size);
    this.slots = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  private home(key: number): number {
    // The low 32 bits and the high ones mixed, so keys that differ only above bit 32 spread too.
    const h = Math.imul((key >>> 0) ^ Math.floor(key / 4294967296), 0x9e3779b1);
    return (h ^ (h >>> 15)) & this.mask;
  }

  private find(key: number): number {
    for (let i = this.home(key); ; i = (i + 1) & this.mask) {
      if (this.slots[i] === EMPTY || this.keys[i] === key) return i;
    }
  }

  /** The slot stored for `key`, or -1. */
  get(key: number): number {
    return this.slots[this.find(key)]!;
  }

  has(key: number): boolean {
    return this.get(key) !== EMPTY;
  }

  set(key: number, slot: number): void {
    const i = this.find(key);
    if (this.slots[i] === EMPTY) {
      this.count++;
      this.keys[i] = key;
    }
    this.slots[i] = slot;
    if (this.count * 2 > this.mask) this.resize((this.mask + 1) * 2);
  }

  delete(key: number): void {
    let i = this.find(key);
    if (this.slots[i] === EMPTY) return;
    this.count--;
    // Backward-shift: move later members of the probe chain into the hole when their home allows.
    for (let j = (i + 1) & this.mask; this.slots[j] !== EMPTY; j = (j + 1) & this.mask) {
      const h = this.home(this.keys[j]!);
      // j's entry may fill hole i if its home is not in (i, j] (cyclically).
      if (i <= j ? h > i && h <= j : h > i || h <= j) continue;
      this.keys[i] = this.keys[j]!;
      this.slots[i] = this.slots[j]!;
      i = j;
    }
    this.slots[i] = EMPTY;
  }

  private resize(size: number): void {
    const keys = this.keys;
    const slots = this.slots;
    this.keys = new Float64Array(size);
    this.slots = new Int32Array(size).fill(EMPTY);
    this.mask = size - 1;
    this.count = 0;
    for (let i = 0; i < slots.length; i++) if (slots[i] !== EMPTY) this.set(keys[i]!, slots[i]!);
  }
}
