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
import { Facts, beyondUdp } from '../analysis/facts.js';
import type { SampleTimes } from './clock.js';
import { frameTime } from './kway.js';
import { OwnMacLearner, ownMacFeeder } from './own-mac.js';
import { RecentNumbers } from '../util/recent-numbers.js';
import type { JourneyCapture } from './engine.js';

export class Capturing {
  readonly facts = new Facts();
  readonly macs: OwnMacLearner;
  readonly meta: FrameMeta = { number: 0, sec: 0, nsec: 0, capLen: 0, origLen: 0, linkType: 1, interfaceId: 0, direction: 0 };
  /** The analysis' fast path (none with -Y, which reads every layer). */
  private readonly fast: FastFacts | undefined;
  private readonly lazy: LazyPacket;
  constructor(
    readonly input: JourneyCapture,
    private readonly registry: Registry,
    filtered: boolean,
  ) {
    this.macs = input.ownMacs ?? new OwnMacLearner();
    this.fast = filtered ? undefined : new FastFacts(registry);
    this.lazy = new LazyPacket(registry);
  }

  /**
   * Frame i's facts, and its packet: valid until the next call. The common packet (IPv4, TCP,
   * UDP or ICMP, plain or in VXLAN) is read as the analysis reads it, without dissecting its
   * layers unless something asks for them; every frame is read twice (survey, then merge).
   */
  read(i: number, data: Uint8Array): Packet {
    frameMetaInto(this.meta, this.input.capture, i, this.input.ifnames);
    let pkt: Packet;
    if (this.fast !== undefined && this.fast.read(this.facts, data, this.meta, i, 0)) {
      this.lazy.reset(data, this.meta);
      pkt = this.lazy;
    } else {
      pkt = dissect(data, this.meta, this.registry);
      this.facts.read(pkt, i, 0);
    }
    const host = this.input.host;
    if (!host.capturesBeyondUdp && beyondUdp(this.facts)) host.capturesBeyondUdp = true;
    return pkt;
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

  /** The frame's direction, from the capture or else from the interface's own MAC. */
  direction(): Direction {
    const f = this.facts;
    return f.direction !== Direction.Unknown ? f.direction : this.macs.direction(f.iface ?? '', f.srcMac, f.dstMac);
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

/** Keeps a bounded, hash-chosen sample of keys: every capture keeps the same packets. */
export class KeySample {
  readonly times = new Map<number, SampleTimes>();
  modulus = 1;
  constructor(private readonly cap: number) {}
  add(key: number, time: number, inbound: boolean, outbound: boolean, ttl: number): void {
    if (key % this.modulus !== 0) return;
    const s = this.times.get(key);
    if (s) {
      if (time < s.first) {
        s.first = time;
        s.firstIn = inbound;
        s.firstTtl = ttl;
      }
      if (time >= s.last) {
        s.last = time;
        s.lastOut = outbound;
        s.lastTtl = ttl;
      }
      return;
    }
    this.times.set(key, { first: time, last: time, firstIn: inbound, lastOut: outbound, firstTtl: ttl, lastTtl: ttl });
    if (this.times.size > this.cap) this.thin(this.modulus * 2);
  }
  thin(modulus: number): void {
    if (modulus <= this.modulus) return;
    this.modulus = modulus;
    for (const k of this.times.keys()) if (k % modulus !== 0) this.times.delete(k);
  }
}

export function isPodInterfaceTraffic(c: JourneyCapture, f: Facts): boolean {
  return c.host.role(f.iface) === 'pod';
}
