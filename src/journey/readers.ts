// What the journey engine reads its captures with: a reader per capture (facts and packet of
// one frame, the host's own MACs, directions), the pod addresses learnt from all of them, and
// the bounded sample of packet keys each capture keeps for the clock estimate.
import { Direction } from '../capture/types.js';
import { dissect } from '../dissect/dissect.js';
import { frameMetaInto } from '../dissect/frame-meta.js';
import type { Registry } from '../dissect/registry.js';
import type { FrameMeta, Packet } from '../dissect/types.js';
import { contains, type Addr, type Cidr } from '../analysis/addr.js';
import { FastFacts } from '../analysis/fast-facts.js';
import { LazyPacket } from '../analysis/pass.js';
import { Facts } from '../analysis/facts.js';
import type { Capture } from '../capture/capture.js';
import type { SampleTimes } from './clock.js';
import { frameTime } from './kway.js';
import { OwnMacLearner, ownHints, ownMacFeeder } from './own-mac.js';
import { RecentNumbers } from '../util/recent-numbers.js';
import { grown } from '../util/grown.js';
import { KeySlots } from './key-slots.js';
import type { JourneyCapture } from './engine.js';

/**
 * Reads one capture's frames into facts and a packet. The common packet (IPv4, TCP, UDP or
 * ICMP, plain or in VXLAN) is read as the analysis reads it, without dissecting its layers
 * unless something asks for them. Needs nothing but the capture (a worker thread uses it too).
 */
export class FrameFactsReader {
  readonly facts = new Facts();
  readonly meta: FrameMeta = { number: 0, sec: 0, nsec: 0, capLen: 0, origLen: 0, linkType: 1, interfaceId: 0, direction: 0 };
  /** The analysis' fast path (none with -Y, which reads every layer). */
  private readonly fast: FastFacts | undefined;
  private readonly lazy: LazyPacket;
  constructor(
    private readonly capture: Capture,
    private readonly ifnames: ReadonlyMap<number, string>,
    private readonly registry: Registry,
    filtered: boolean,
  ) {
    this.fast = filtered ? undefined : new FastFacts(registry);
    this.lazy = new LazyPacket(registry);
  }

  /** Frame i's facts, and its packet: valid until the next call. */
  read(i: number, data: Uint8Array): Packet {
    frameMetaInto(this.meta, this.capture, i, this.ifnames);
    if (this.fast !== undefined && this.fast.read(this.facts, data, this.meta, i, 0)) {
      this.lazy.reset(data, this.meta);
      return this.lazy;
    }
    const pkt = dissect(data, this.meta, this.registry);
    this.facts.read(pkt, i, 0);
    return pkt;
  }
}

/** A capture as the journey engine reads it: frames, the host's own MACs, directions. */
export class Capturing extends FrameFactsReader {
  readonly macs: OwnMacLearner;
  constructor(
    readonly input: JourneyCapture,
    registry: Registry,
    filtered: boolean,
  ) {
    super(input.capture, input.ifnames, registry, filtered);
    this.macs = input.ownMacs ?? new OwnMacLearner(ownHints(input.links, input.host.localV4));
  }

  /**
   * Learns each undirected Ethernet interface's own MAC, unless that was done while the capture
   * was loaded (a cheap pass: 12 bytes a frame, no dissection).
   */
  learnMacs(): void {
    if (this.input.ownMacs) return;
    const { capture } = this.input;
    const ix = capture.index;
    let undirected = false;
    for (let i = 0; i < capture.frameCount && !undirected; i++) undirected = ix.directionOf(i) === Direction.Unknown;
    if (!undirected) return;
    const feed = ownMacFeeder(this.macs);
    capture.scan(0, capture.frameCount, (i, d) => feed(i, d, capture));
    this.macs.finish();
  }

  /** A frame's direction: the one the capture recorded, else the one the interface's own MAC gives. */
  directionOf(recorded: Direction, iface: string | undefined, srcMac: number, dstMac: number): Direction {
    return recorded !== Direction.Unknown ? recorded : this.macs.direction(iface ?? '', srcMac, dstMac);
  }

  time(i: number): number {
    return frameTime(this.input.capture, i);
  }
}

/** Pod addresses, learnt from all captures: the inner addresses of tunnels, and pod interfaces' traffic. */
export class PodAddresses {
  private readonly seen = new Set<Addr>();
  private static readonly MAX = 1_000_000;
  /** Every tunnel packet adds its two inner addresses, nearly always ones already known. */
  private readonly recent = new RecentNumbers();
  constructor(private readonly cidrs: readonly Cidr[]) {}
  add(a: Addr): void {
    if (typeof a === 'number' && this.recent.seenBefore(a)) return;
    if (this.seen.size < PodAddresses.MAX) this.seen.add(a);
  }
  has(a: Addr): boolean {
    return this.seen.has(a) || this.cidrs.some((c) => contains(c, a));
  }
  get empty(): boolean {
    return this.seen.size === 0 && this.cidrs.length === 0;
  }
}

/**
 * Keeps a bounded, hash-chosen sample of keys: every capture keeps the same packets. The sample
 * is typed columns found through KeySlots while the survey runs (an object and a boxed key per
 * sampled packet outlived the young generation), and a Map when the clocks ask for it.
 */
export class KeySample {
  modulus = 1;
  private readonly slots = new KeySlots();
  private used = 0;
  private live = 0;
  private readonly free: number[] = [];
  private key = new Float64Array(1024);
  private first = new Float64Array(1024);
  private last = new Float64Array(1024);
  /** FIRST_IN and LAST_OUT. */
  private flags = new Uint8Array(1024);
  private firstTtl = new Int32Array(1024);
  private lastTtl = new Int32Array(1024);
  constructor(private readonly cap: number) {}

  add(key: number, time: number, inbound: boolean, outbound: boolean, ttl: number): void {
    if (key % this.modulus !== 0) return;
    const i = this.slots.get(key);
    if (i >= 0) {
      if (time < this.first[i]!) {
        this.first[i] = time;
        this.flags[i] = (this.flags[i]! & LAST_OUT) | (inbound ? FIRST_IN : 0);
        this.firstTtl[i] = ttl;
      }
      if (time >= this.last[i]!) {
        this.last[i] = time;
        this.flags[i] = (this.flags[i]! & FIRST_IN) | (outbound ? LAST_OUT : 0);
        this.lastTtl[i] = ttl;
      }
      return;
    }
    const at = this.take();
    this.key[at] = key;
    this.first[at] = time;
    this.last[at] = time;
    this.flags[at] = (inbound ? FIRST_IN : 0) | (outbound ? LAST_OUT : 0);
    this.firstTtl[at] = ttl;
    this.lastTtl[at] = ttl;
    this.slots.set(key, at);
    if (++this.live > this.cap) this.thin(this.modulus * 2);
  }

  thin(modulus: number): void {
    if (modulus <= this.modulus) return;
    this.modulus = modulus;
    for (let i = 0; i < this.used; i++) {
      const k = this.key[i]!;
      if (k !== EMPTY_KEY && k % modulus !== 0) {
        this.slots.delete(k);
        this.key[i] = EMPTY_KEY;
        this.free.push(i);
        this.live--;
      }
    }
  }

  /** The sample as the clock estimate reads it: key -> its first and last sighting. */
  get times(): Map<number, SampleTimes> {
    const out = new Map<number, SampleTimes>();
    for (let i = 0; i < this.used; i++) {
      if (this.key[i] === EMPTY_KEY) continue;
      const f = this.flags[i]!;
      out.set(this.key[i]!, {
        first: this.first[i]!,
        last: this.last[i]!,
        firstIn: (f & FIRST_IN) !== 0,
        lastOut: (f & LAST_OUT) !== 0,
        firstTtl: this.firstTtl[i]!,
        lastTtl: this.lastTtl[i]!,
      });
    }
    return out;
  }

  private take(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.used === this.key.length) {
      const size = this.used * 2;
      this.key = grown(this.key, size);
      this.first = grown(this.first, size);
      this.last = grown(this.last, size);
      this.flags = grown(this.flags, size);
      this.firstTtl = grown(this.firstTtl, size);
      this.lastTtl = grown(this.lastTtl, size);
    }
    return this.used++;
  }
}

const FIRST_IN = 1;
const LAST_OUT = 2;
/** A free row (keys are whole numbers from 0 up). */
const EMPTY_KEY = -1;
