// Each flow's waiting list ends, its first and last waiting journey, by flow hash (a 32-bit
// number), in one typed table: an entry is the hash and the two ends, 12 bytes, and both ends
// are found with one probe. Open addressing with linear probing, removal by backward shift (no
// tombstones), as in key-slots.ts.
//
// Every packet of a journey run asks for the first journey waiting on its reverse flow, most
// find none, and the table (a window's waiting flows) is larger than the core's cache: a count
// of entries per bucket of hashes, small enough to stay in it, answers those without a probe.
import { homeAfterHole } from './key-slots.js';

const EMPTY = -1;
/** Buckets of the entry counts: 2^18, 256 KB. */
const COUNT_BITS = 18;
/** A bucket's count stops here and stays (it then never says "none"). */
const SATURATED = 255;
/** An entry: the flow hash, its first waiting journey's slot (EMPTY: no entry), its last one's. */
const ENTRY = 3;
const HEAD = 1;
const TAIL = 2;

export class WaitEnds {
  private entries: Int32Array;
  private mask: number;
  private count = 0;
  private readonly bucketCounts: Uint8Array;
  private readonly countShift: number;

  /** `countBits`: log2 of the count buckets, 1 to 31 (tests make it tiny, so that buckets fill up). */
  constructor(size = 1 << 14, countBits = COUNT_BITS) {
    this.entries = WaitEnds.empty(size);
    this.mask = size - 1;
    this.bucketCounts = new Uint8Array(1 << countBits);
    this.countShift = 32 - countBits;
  }

  private static empty(size: number): Int32Array {
    const e = new Int32Array(size * ENTRY);
    for (let i = HEAD; i < e.length; i += ENTRY) e[i] = EMPTY;
    return e;
  }

  get size(): number {
    return this.count;
  }

  private home(flow: number): number {
    const h = Math.imul(flow, 0x9e3779b1);
    return (h ^ (h >>> 15)) & this.mask;
  }

  /** The entry (its index in `entries`) holding `flow`, or the free one where it would go. */
  private find(flow: number): number {
    const e = this.entries;
    for (let i = this.home(flow); ; i = (i + 1) & this.mask) {
      const at = i * ENTRY;
      if (e[at + HEAD] === EMPTY || e[at] === flow) return at;
    }
  }

  private bucket(flow: number): number {
    return Math.imul(flow, 0x85ebca6b) >>> this.countShift;
  }

  /** The first journey waiting on `flow`, or -1. */
  head(flow: number): number {
    if (this.bucketCounts[this.bucket(flow)] === 0) return EMPTY;
    return this.entries[this.find(flow) + HEAD]!;
  }

  /** Puts journey `slot` last in `flow`'s list and returns the one that was last (-1: the list was empty). */
  append(flow: number, slot: number): number {
    const e = this.entries;
    const at = this.find(flow);
    if (e[at + HEAD] === EMPTY) {
      e[at] = flow;
      e[at + HEAD] = slot;
      e[at + TAIL] = slot;
      const b = this.bucket(flow);
      if (this.bucketCounts[b]! < SATURATED) this.bucketCounts[b]!++;
      if (++this.count * 2 > this.mask) this.resize((this.mask + 1) * 2);
      return EMPTY;
    }
    const before = e[at + TAIL]!;
    e[at + TAIL] = slot;
    return before;
  }

  /** A new first journey for `flow` (the old one left the list; the list is not empty). */
  setHead(flow: number, slot: number): void {
    this.entries[this.find(flow) + HEAD] = slot;
  }

  /** A new last journey for `flow` (the old one left the list; the list is not empty). */
  setTail(flow: number, slot: number): void {
    this.entries[this.find(flow) + TAIL] = slot;
  }

  /** `flow`'s list is empty now. */
  remove(flow: number): void {
    const e = this.entries;
    const at = this.find(flow);
    if (e[at + HEAD] === EMPTY) return;
    this.count--;
    const b = this.bucket(flow);
    if (this.bucketCounts[b]! < SATURATED) this.bucketCounts[b]!--;
    let i = at / ENTRY;
    // Backward shift: later members of the probe chain move into the hole when their home allows.
    for (let j = (i + 1) & this.mask; e[j * ENTRY + HEAD] !== EMPTY; j = (j + 1) & this.mask) {
      if (homeAfterHole(this.home(e[j * ENTRY]!), i, j)) continue;
      e[i * ENTRY] = e[j * ENTRY]!;
      e[i * ENTRY + HEAD] = e[j * ENTRY + HEAD]!;
      e[i * ENTRY + TAIL] = e[j * ENTRY + TAIL]!;
      i = j;
    }
    e[i * ENTRY + HEAD] = EMPTY;
  }

  private resize(size: number): void {
    const old = this.entries;
    this.entries = WaitEnds.empty(size);
    this.mask = size - 1;
    for (let at = 0; at < old.length; at += ENTRY) {
      if (old[at + HEAD] === EMPTY) continue;
      const to = this.find(old[at]!);
      this.entries[to] = old[at]!;
      this.entries[to + HEAD] = old[at + HEAD]!;
      this.entries[to + TAIL] = old[at + TAIL]!;
    }
  }
}
