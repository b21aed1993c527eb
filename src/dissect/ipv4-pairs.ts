// Stream numbers of IPv4 conversations by their two endpoints (addresses and ports, in a fixed
// order): an open-addressing table over typed columns. A Map of string keys cost about 67
// bytes a conversation and a string per packet to look one up; this costs about 25 and none.
import { grown } from '../util/grown.js';
import { HASH_SEED, mix } from '../util/hash.js';

export class Ipv4PairTable {
  /** Per entry: first address, second address, ports (first << 16 | second); and its value. */
  private keys: Int32Array = new Int32Array(3 * 1024);
  private values: Int32Array = new Int32Array(1024);
  /** Entry plus one by hash slot (0: empty), at most three quarters full. */
  private slots: Int32Array = new Int32Array(2048);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The value stored for the pair, or -1. */
  get(a: number, b: number, ports: number): number {
    const mask = this.slots.length - 1;
    for (let s = slotOf(a, b, ports) & mask; ; s = (s + 1) & mask) {
      const at = this.slots[s]!;
      if (at === 0) return -1;
      const k = 3 * (at - 1);
      if (this.keys[k] === (a | 0) && this.keys[k + 1] === (b | 0) && this.keys[k + 2] === (ports | 0)) return this.values[at - 1]!;
    }
  }

  /** Stores `value` (zero or more) for the pair, in place of any value it had. */
  set(a: number, b: number, ports: number, value: number): void {
    const mask = this.slots.length - 1;
    let s = slotOf(a, b, ports) & mask;
    for (; ; s = (s + 1) & mask) {
      const at = this.slots[s]!;
      if (at === 0) break;
      const k = 3 * (at - 1);
      if (this.keys[k] === (a | 0) && this.keys[k + 1] === (b | 0) && this.keys[k + 2] === (ports | 0)) {
        this.values[at - 1] = value;
        return;
      }
    }
    const e = this.count++;
    if (e === this.values.length) {
      this.keys = grown(this.keys, 2 * this.keys.length);
      this.values = grown(this.values, 2 * this.values.length);
    }
    this.keys[3 * e] = a;
    this.keys[3 * e + 1] = b;
    this.keys[3 * e + 2] = ports;
    this.values[e] = value;
    this.slots[s] = e + 1;
    if (this.count * 4 > this.slots.length * 3) this.rehash();
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let e = 0; e < this.count; e++) {
      let s = slotOf(this.keys[3 * e]!, this.keys[3 * e + 1]!, this.keys[3 * e + 2]!) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = e + 1;
    }
    this.slots = slots;
  }
}

function slotOf(a: number, b: number, ports: number): number {
  return mix(mix(mix(HASH_SEED, a), b), ports);
}
