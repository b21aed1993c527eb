// The hops of the journeys open within one window, as columns in a shared pool. A window holds
// tens of thousands of open journeys with several hops each; as objects (a Hop and its Encap
// each) they outlived the young generation and the collector copied and marked them over and
// over, a third of a large journey run. A journey keeps the first and last of its hops here and
// gets them as Hop objects only when it is judged.
import type { Direction } from '../capture/types.js';
import type { Addr } from '../analysis/addr.js';
import type { Hop } from './engine.js';
import type { Encap } from './sighting.js';
import { grown, type GrowableColumn } from '../util/grown.js';
import {
  CAPTURE,
  FLAGS,
  F_OTHER_HOST,
  F_OUTER_DF,
  F_TUNNELLED,
  OUTER_LENGTH,
  OUTER_TTL,
  POSITION,
  TIME,
  TTL,
  TUNNEL_KIND,
  TUNNEL_PORT,
  VNI,
  outerDstOf,
  outerSrcOf,
} from './sighting-rows.js';

const FIRST_SIZE = 4096;

/** A pool index plus one, 0 for none (the columns start zeroed). */
export type HopRef = number;

export class HopPool {
  private size = 0;
  private used = 0;
  /** Released entries, chained through `next`. */
  private free: HopRef = 0;
  private capture = new Int32Array(0);
  private frame = new Int32Array(0);
  private time = new Float64Array(0);
  private direction = new Int8Array(0);
  private otherHost = new Uint8Array(0);
  private tunnelled = new Uint8Array(0);
  private ttl = new Int16Array(0);
  private outerTtl = new Int16Array(0);
  private outerLength = new Int32Array(0);
  private outerDf = new Uint8Array(0);
  /** Doubles: a GRE key or an ESP SPI is a full unsigned 32-bit number. */
  private vni = new Float64Array(0);
  private port = new Int32Array(0);
  private next = new Int32Array(0);
  // Strings and IPv6 addresses are pointers to values that exist anyway: arrays of them cost no object per hop.
  private iface: (string | undefined)[] = [];
  private kind: string[] = [];
  private outerSrc: Addr[] = [];
  private outerDst: Addr[] = [];

  constructor() {
    this.grow(FIRST_SIZE);
  }

  /** A new hop from the sighting row at `at` (seen on `iface` going `dir`), after `tail` (0: the first of its journey). */
  add(tail: HopRef, rows: Float64Array, at: number, strings: readonly string[], iface: string | undefined, dir: Direction): HopRef {
    let h: number;
    if (this.free !== 0) {
      h = this.free - 1;
      this.free = this.next[h]!;
    } else {
      if (this.used === this.size) this.grow(this.size * 2);
      h = this.used++;
    }
    const flags = rows[at + FLAGS]!;
    this.capture[h] = rows[at + CAPTURE]!;
    this.frame[h] = rows[at + POSITION]! + 1;
    this.time[h] = rows[at + TIME]!;
    this.iface[h] = iface;
    this.direction[h] = dir;
    this.otherHost[h] = (flags & F_OTHER_HOST) !== 0 ? 1 : 0;
    const tunnelled = (flags & F_TUNNELLED) !== 0;
    this.tunnelled[h] = tunnelled ? 1 : 0;
    if (tunnelled) {
      this.kind[h] = strings[rows[at + TUNNEL_KIND]!]!;
      this.outerSrc[h] = outerSrcOf(rows, at, strings);
      this.outerDst[h] = outerDstOf(rows, at, strings);
      this.vni[h] = rows[at + VNI]!;
      this.port[h] = rows[at + TUNNEL_PORT]!;
    }
    this.ttl[h] = rows[at + TTL]!;
    this.outerTtl[h] = rows[at + OUTER_TTL]!;
    this.outerLength[h] = rows[at + OUTER_LENGTH]!;
    this.outerDf[h] = (flags & F_OUTER_DF) !== 0 ? 1 : 0;
    this.next[h] = 0;
    if (tail !== 0) this.next[tail - 1] = h + 1;
    return h + 1;
  }

  /**
   * The lowest TTL of the hops from `head` on that capture k saw on `iface` going `dir` in the
   * same form as the row at `at` (the same outer addresses, or no tunnel): -1 when the journey
   * has no hop there, Infinity when it has only hops of another form there.
   */
  ttlThere(head: HopRef, k: number, dir: Direction, iface: string | undefined, rows: Float64Array, at: number, strings: readonly string[]): number {
    let ttl = -1;
    const tunnelled = (rows[at + FLAGS]! & F_TUNNELLED) !== 0;
    for (let h = head; h !== 0; h = this.next[h - 1]!) {
      const i = h - 1;
      if (this.capture[i] !== k || this.direction[i] !== dir || this.iface[i] !== iface) continue;
      const same = tunnelled
        ? this.tunnelled[i] === 1 && this.outerSrc[i] === outerSrcOf(rows, at, strings) && this.outerDst[i] === outerDstOf(rows, at, strings)
        : this.tunnelled[i] === 0;
      if (ttl < 0) ttl = Infinity;
      if (same) ttl = Math.min(ttl, this.ttl[i]!);
    }
    return ttl;
  }

  /** Whether a hop from `head` on was seen by capture k. */
  sawOn(head: HopRef, k: number): boolean {
    for (let h = head; h !== 0; h = this.next[h - 1]!) if (this.capture[h - 1] === k) return true;
    return false;
  }

  /** Whether a hop from `head` on was inside a tunnel between these outer addresses. */
  inTunnel(head: HopRef, outerSrc: Addr, outerDst: Addr): boolean {
    for (let h = head; h !== 0; h = this.next[h - 1]!) {
      const at = h - 1;
      if (this.tunnelled[at] === 1 && this.outerSrc[at] === outerSrc && this.outerDst[at] === outerDst) return true;
    }
    return false;
  }

  /**
   * The hops from `head` on, in the order they were added, into `scratch`'s objects (made once
   * and overwritten by the next call: a million journeys judged without an object each); their
   * entries are released.
   */
  takeInto(head: HopRef, scratch: HopScratch): Hop[] {
    const out = scratch.hops;
    let n = 0;
    for (let h = head; h !== 0; h = this.release(h), n++) {
      if (n === out.length) {
        out.push(blankHop());
        scratch.encaps.push({ type: '', outerSrc: 0, outerDst: 0, vni: 0, port: 0 });
      }
      this.fill(out[n]!, h - 1, scratch.encaps[n]!);
    }
    out.length = n;
    return out;
  }

  /** Entry `at` into `hop`, its tunnel (if any) into `encap`. */
  private fill(hop: Hop, at: number, encap: Encap): void {
    hop.capture = this.capture[at]!;
    hop.frame = this.frame[at]!;
    hop.time = this.time[at]!;
    hop.iface = this.iface[at];
    hop.direction = this.direction[at] as Direction;
    hop.otherHost = this.otherHost[at] === 1;
    if (this.tunnelled[at] === 1) {
      encap.type = this.kind[at]!;
      encap.outerSrc = this.outerSrc[at]!;
      encap.outerDst = this.outerDst[at]!;
      encap.vni = this.vni[at]!;
      encap.port = this.port[at]!;
      hop.encap = encap;
    } else hop.encap = undefined;
    hop.ttl = this.ttl[at]!;
    hop.outerTtl = this.outerTtl[at]!;
    hop.outerLength = this.outerLength[at]!;
    hop.outerDf = this.outerDf[at] === 1;
  }

  /** Gives back the entry of `h` and returns the hop after it. */
  private release(h: HopRef): HopRef {
    const at = h - 1;
    const next = this.next[at]!;
    this.iface[at] = undefined;
    this.next[at] = this.free;
    this.free = h;
    return next;
  }

  private grow(size: number): void {
    const copy = <T extends GrowableColumn>(old: T): T => grown(old, size);
    this.capture = copy(this.capture);
    this.frame = copy(this.frame);
    this.time = copy(this.time);
    this.direction = copy(this.direction);
    this.otherHost = copy(this.otherHost);
    this.tunnelled = copy(this.tunnelled);
    this.ttl = copy(this.ttl);
    this.outerTtl = copy(this.outerTtl);
    this.outerLength = copy(this.outerLength);
    this.outerDf = copy(this.outerDf);
    this.vni = copy(this.vni);
    this.port = copy(this.port);
    this.next = copy(this.next);
    this.size = size;
  }
}

/** Reusable hop objects for HopPool.takeInto. */
export class HopScratch {
  readonly hops: Hop[] = [];
  readonly encaps: Encap[] = [];
}

function blankHop(): Hop {
  return {
    capture: 0,
    frame: 0,
    time: 0,
    iface: undefined,
    direction: 0 as Direction,
    otherHost: false,
    encap: undefined,
    ttl: 0,
    outerTtl: 0,
    outerLength: 0,
    outerDf: false,
  };
}
