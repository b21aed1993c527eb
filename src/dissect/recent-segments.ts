// The TCP segments seen last, to recognise a router's forwarding copy of one: the same segment
// (stream, direction, sequence and ACK numbers, flags, length, window, IP ID) seen again within
// a few packets. A segment seen again becomes the newest; past `capacity` distinct segments
// the one seen longest ago is forgotten. Every packet of -V and -T json goes through here: the
// entries are typed columns in a fixed pool (a Map of string keys and sighting objects made
// about 100 bytes of garbage per packet that lived long enough to be promoted).

import { HASH_SEED, mix } from '../util/hash.js';

/** How many numbers identify a segment. */
const WORDS = 6;

/** Where and how a segment was seen. */
export interface SegmentSighting {
  /** The interface, as a small number (see interfaceKey in conversations.ts). */
  iface: number;
  /** The TTL of the IP header that carries the segment. */
  ttl: number;
  /** The outermost IP header's TTL when that is another header (the segment in a tunnel), else -1. */
  outerTtl: number;
  direction: number;
}

export class RecentSegments {
  private readonly key: Int32Array;
  private readonly iface: Int32Array;
  private readonly ttl: Int16Array;
  private readonly outerTtl: Int16Array;
  private readonly direction: Int8Array;
  /** Hash buckets: the first entry plus one (0: empty); each entry's next in its bucket, plus one. */
  private readonly buckets: Int32Array;
  private readonly chain: Int32Array;
  private readonly hashOf: Int32Array;
  /** Entries from the one seen longest ago to the newest, as a doubly linked list (-1 ends it). */
  private readonly older: Int32Array;
  private readonly newer: Int32Array;
  private oldest = -1;
  private newest = -1;
  private used = 0;
  private readonly probe = new Int32Array(WORDS);

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`RecentSegments needs room for at least one segment, not ${capacity}`);
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.key = new Int32Array(capacity * WORDS);
    this.iface = new Int32Array(capacity);
    this.ttl = new Int16Array(capacity);
    this.outerTtl = new Int16Array(capacity);
    this.direction = new Int8Array(capacity);
    this.buckets = new Int32Array(size);
    this.chain = new Int32Array(capacity);
    this.hashOf = new Int32Array(capacity);
    this.older = new Int32Array(capacity);
    this.newer = new Int32Array(capacity);
  }

  get size(): number {
    return this.used;
  }

  /**
   * Records the segment as seen now at `here`. True when it was among the recent ones, and then
   * `before` holds where it was seen last; false (and `before` untouched) when it was not.
   */
  see(
    stream: number,
    forward: boolean,
    seq: number,
    ack: number,
    flags: number,
    len: number,
    win: number,
    ipId: number,
    here: SegmentSighting,
    before: SegmentSighting,
  ): boolean {
    const k = this.probe;
    k[0] = stream;
    k[1] = seq;
    k[2] = ack;
    k[3] = (flags & 0xffff) | (forward ? 0x10000 : 0);
    k[4] = len;
    k[5] = ((win & 0xffff) << 16) | (ipId & 0xffff);
    let h = HASH_SEED;
    for (let i = 0; i < WORDS; i++) h = mix(h, k[i]!);
    const bucket = h & (this.buckets.length - 1);
    for (let at = this.buckets[bucket]!; at !== 0; at = this.chain[at - 1]!) {
      const e = at - 1;
      if (this.hashOf[e] !== h || !this.sameKey(e)) continue;
      before.iface = this.iface[e]!;
      before.ttl = this.ttl[e]!;
      before.outerTtl = this.outerTtl[e]!;
      before.direction = this.direction[e]!;
      this.write(e, here);
      this.makeNewest(e);
      return true;
    }
    let e: number;
    if (this.used < this.capacity) e = this.used++;
    else {
      e = this.oldest;
      this.unlinkFromBucket(e);
      this.unlinkFromAge(e);
    }
    this.key.set(k, e * WORDS);
    this.hashOf[e] = h;
    this.chain[e] = this.buckets[bucket]!;
    this.buckets[bucket] = e + 1;
    this.write(e, here);
    this.appendNewest(e);
    return false;
  }

  private sameKey(e: number): boolean {
    const base = e * WORDS;
    for (let i = 0; i < WORDS; i++) if (this.key[base + i] !== this.probe[i]) return false;
    return true;
  }

  private write(e: number, here: SegmentSighting): void {
    this.iface[e] = here.iface;
    this.ttl[e] = here.ttl;
    this.outerTtl[e] = here.outerTtl;
    this.direction[e] = here.direction;
  }

  private makeNewest(e: number): void {
    if (this.newest === e) return;
    this.unlinkFromAge(e);
    this.appendNewest(e);
  }

  /** Puts an entry that is in no list at the newest end. */
  private appendNewest(e: number): void {
    this.older[e] = this.newest;
    this.newer[e] = -1;
    if (this.newest >= 0) this.newer[this.newest] = e;
    else this.oldest = e;
    this.newest = e;
  }

  private unlinkFromAge(e: number): void {
    const o = this.older[e]!;
    const n = this.newer[e]!;
    if (o >= 0) this.newer[o] = n;
    else this.oldest = n;
    if (n >= 0) this.older[n] = o;
    else this.newest = o;
  }

  private unlinkFromBucket(e: number): void {
    const bucket = this.hashOf[e]! & (this.buckets.length - 1);
    let at = this.buckets[bucket]!;
    if (at === e + 1) {
      this.buckets[bucket] = this.chain[e]!;
      return;
    }
    while (at !== 0) {
      const next = this.chain[at - 1]!;
      if (next === e + 1) {
        this.chain[at - 1] = this.chain[e]!;
        return;
      }
      at = next;
    }
  }
}
