// The hops of the journeys open within one window, as columns in a shared pool. A window holds
// tens of thousands of open journeys with several hops each; as objects (a Hop and its Encap
// each) they outlived the young generation and the collector copied and marked them over and
// over, a third of a large journey run. A journey keeps the first and last of its hops here and
// gets them as Hop objects only when it is judged.
import type { Direction } from '../capture/types.js';
import type { Addr } from '../analysis/addr.js';
import type { Facts } from '../analysis/facts.js';
import type { Hop } from './engine.js';
import { grown, type GrowableColumn } from '../util/grown.js';
import { isOtherHost } from './sighting.js';

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

  /** A new hop from the copy `f` describes (capture k, frame i + 1, time t), after `tail` (0: the first of its journey). */
  add(tail: HopRef, k: number, frame: number, t: number, dir: Direction, f: Facts): HopRef {
    let at: number;
    if (this.free !== 0) {
      at = this.free - 1;
      this.free = this.next[at]!;
    } else {
      if (this.used === this.size) this.grow(this.size * 2);
      at = this.used++;
    }
    this.capture[at] = k;
    this.frame[at] = frame;
    this.time[at] = t;
    this.iface[at] = f.iface;
    this.direction[at] = dir;
    this.otherHost[at] = isOtherHost(f) ? 1 : 0;
    const tunnelled = f.tunnel >= 0 && f.outer.present;
    this.tunnelled[at] = tunnelled ? 1 : 0;
    if (tunnelled) {
      this.kind[at] = f.tunnelKind;
      this.outerSrc[at] = f.outer.src;
      this.outerDst[at] = f.outer.dst;
      this.vni[at] = f.vni;
      this.port[at] = f.tunnelPort;
    }
    this.ttl[at] = f.inner.ttl;
    this.outerTtl[at] = f.outer.ttl;
    this.outerLength[at] = f.outer.length;
    this.outerDf[at] = f.outer.df || f.outer.v6 ? 1 : 0;
    this.next[at] = 0;
    if (tail !== 0) this.next[tail - 1] = at + 1;
    return at + 1;
  }

  /** Whether a hop from `head` on was seen by capture k, on `iface`, going `dir`. */
  passed(head: HopRef, k: number, dir: Direction, iface: string | undefined): boolean {
    for (let h = head; h !== 0; h = this.next[h - 1]!) {
      const at = h - 1;
      if (this.capture[at] === k && this.direction[at] === dir && this.iface[at] === iface) return true;
    }
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

  /** The hops from `head` on as objects, in the order they were added; their entries are released. */
  take(head: HopRef): Hop[] {
    const out: Hop[] = [];
    let h = head;
    while (h !== 0) {
      const at = h - 1;
      out.push({
        capture: this.capture[at]!,
        frame: this.frame[at]!,
        time: this.time[at]!,
        iface: this.iface[at],
        direction: this.direction[at] as Direction,
        otherHost: this.otherHost[at] === 1,
        encap:
          this.tunnelled[at] === 1
            ? { type: this.kind[at]!, outerSrc: this.outerSrc[at]!, outerDst: this.outerDst[at]!, vni: this.vni[at]!, port: this.port[at]! }
            : undefined,
        ttl: this.ttl[at]!,
        outerTtl: this.outerTtl[at]!,
        outerLength: this.outerLength[at]!,
        outerDf: this.outerDf[at] === 1,
      });
      const next = this.next[at]!;
      this.iface[at] = undefined;
      this.next[at] = this.free;
      this.free = h;
      h = next;
    }
    return out;
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
