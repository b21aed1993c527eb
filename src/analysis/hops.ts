// Hops: in a capture that records interface and direction (tcpdump -i any's SLL/SLL2, a
// multi-interface pcapng), a packet the capturing host forwards is there twice: the copy it
// received and the copy it sent. They have the same addresses, IP ID, protocol and payload;
// the sent copy follows within a short window with the TTL one lower (routed) or equal
// (bridged). Pairing them tells where each packet went, and marks the second copy as a
// forwarding copy, which Wireshark would call a retransmission.
import { Direction } from '../capture/types.js';
import { formatAddr, formatMacNumber, mixAddr, type Addr } from './addr.js';
import { HASH_SEED, mix } from '../util/hash.js';
import { PACKET_OTHERHOST, payloadHash, type Facts } from './facts.js';
import { roundTime, type Collector } from './pass.js';

/**
 * routed: the TTL dropped by one on the way to another interface; bridged: same TTL, another
 * interface (a bridge port and the bridge); hairpin: left through the interface it came in
 * on; loopback: a locally delivered packet seen leaving and entering the same interface;
 * decap: a tunnel packet's inner packet seen again plain (on the tunnel device or a pod's
 * veth); encap: a plain packet seen again as the inner packet of a tunnel packet.
 */
/** Linux's packet type for a frame addressed to another host's MAC. */

export type HopKind = 'routed' | 'bridged' | 'hairpin' | 'loopback' | 'decap' | 'encap';

export interface HopPath {
  id: number;
  kind: HopKind;
  ingress: string;
  egress: string;
  /** Addresses of the forwarded IP header (the outer one for tunnelled packets); "*" for the pool of pairs past maxHopPaths. */
  src: string;
  dst: string;
  /** Whether the forwarded packets were tunnel packets. */
  encapsulated: boolean;
  /** Whether they were IP fragments not put back together (no transport or tunnel header to tell what they carry). */
  fragments: boolean;
  ttlIn: number;
  ttlOut: number;
  /**
   * Pairs whose later copy was addressed to another host (SLL packet type OTHERHOST): the
   * host does not take them, so on a tunnel device they are dropped (a wrong VTEP's).
   */
  notForHost: number;
  /** Source and destination MAC before and after; "" where the link layer does not say (SLL). */
  macIn: { src: string; dst: string };
  macOut: { src: string; dst: string };
  macRewritten: boolean;
  packets: number;
  /** Seconds between the two copies. */
  latency: { min: number; avg: number; max: number };
  firstFrame: number;
  /** The first pairs as [ingress frame, egress frame]. */
  examples: [number, number][];
}

/** Which frames are forwarding copies, and of which frame (compact: two sorted number columns). */
export class CopyIndex {
  private copies: Uint32Array = new Uint32Array(64);
  private origins: Uint32Array = new Uint32Array(64);
  private n = 0;
  private sorted = true;

  add(copy: number, origin: number): void {
    if (this.n === this.copies.length) {
      const grow = (a: Uint32Array): Uint32Array => {
        const b = new Uint32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.copies = grow(this.copies);
      this.origins = grow(this.origins);
    }
    // In a capture written in batches the copy may come before frames already added.
    if (this.n > 0 && copy < this.copies[this.n - 1]!) this.sorted = false;
    this.copies[this.n] = copy;
    this.origins[this.n] = origin;
    this.n++;
  }

  private sort(): void {
    const order = Array.from({ length: this.n }, (_, i) => i).sort((a, b) => this.copies[a]! - this.copies[b]!);
    this.copies = Uint32Array.from(order, (i) => this.copies[i]!);
    this.origins = Uint32Array.from(order, (i) => this.origins[i]!);
    this.sorted = true;
  }

  get count(): number {
    return this.n;
  }

  /** The frame that `frame` is a forwarding copy of, or undefined when it is not a copy. */
  of(frame: number): number | undefined {
    if (!this.sorted) this.sort();
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.copies[mid]!;
      if (v === frame) return this.origins[mid];
      if (v < frame) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  toJSON(): { count: number } {
    return { count: this.n };
  }
}

export interface Hops {
  paths: HopPath[];
  copies: CopyIndex;
  /** Whether the capture records where packets were (interfaces or directions). */
  placed: boolean;
}

interface PathState {
  next: PathState | undefined;
  /** kind, interfaces, encapsulation and TTL change packed in one number (see pathCode). */
  code: number;
  kind: HopKind;
  ingress: string;
  egress: string;
  /** undefined for the pooled path of address pairs beyond maxPaths. */
  src: Addr | undefined;
  dst: Addr | undefined;
  encapsulated: boolean;
  fragments: boolean;
  ttlIn: number;
  ttlOut: number;
  macIn: [number, number];
  macOut: [number, number];
  packets: number;
  notForHost: number;
  latMin: number;
  latMax: number;
  latSum: number;
  firstFrame: number;
  examples: [number, number][];
}

/** The most reordering tolerated: dumpcap flushes each interface's buffer at least this often. */
const MAX_SLACK = 5;

const KINDS: HopKind[] = ['routed', 'bridged', 'hairpin', 'loopback', 'decap', 'encap'];
const DECAP = 4;
const ENCAP = 5;

/** What a ring entry holds: a plain packet, a tunnel packet's outer header, or its inner one. */
const PLAIN = 0;
const OUTER = 1;
const INNER = 2;

/**
 * 0 routed, 1 bridged, 2 hairpin, 3 loopback, -1 not a copy of the earlier packet. An
 * interface of -1 is unknown (no name, or the "any" pseudo-device of dumpcap -i any): two
 * copies on unknown interfaces are never called a hairpin, since nothing says they are on one.
 */
function classify(prevIface: number, prevDir: number, prevTtl: number, iface: number, dir: number, ttl: number): number {
  const delta = prevTtl - ttl;
  if (delta !== 0 && delta !== 1) return -1;
  if (iface < 0 || prevIface < 0) {
    if (prevDir === Direction.Outbound && dir === Direction.Inbound) return delta === 0 ? 3 : -1;
    if (prevDir === Direction.Inbound && dir === Direction.Outbound) return delta === 1 ? 0 : 1;
    return delta === 0 && prevDir === dir ? 1 : -1;
  }
  if (prevIface !== iface) {
    // Another interface: a copy unless an Out copy is followed by an In one (not forwarding).
    if (prevDir === Direction.Outbound && dir === Direction.Inbound) return -1;
    return delta === 1 ? 0 : 1;
  }
  if (prevDir === Direction.Inbound && dir === Direction.Outbound) return 2;
  if (prevDir === Direction.Outbound && dir === Direction.Inbound && delta === 0) return 3;
  return -1;
}

/**
 * The packets of the last `window` seconds, oldest first, as columns in a ring that grows when
 * needed: nothing is allocated per packet, and memory follows the packet rate, not the capture.
 */
class Recent {
  cap = 1024;
  mask = this.cap - 1;
  /** Sequence numbers of the oldest and the next packet (slot = seq & mask). */
  head = 0;
  tail = 0;
  hash = new Int32Array(this.cap);
  frame = new Float64Array(this.cap);
  time = new Float64Array(this.cap);
  iface = new Int32Array(this.cap);
  dir = new Uint8Array(this.cap);
  pktType = new Int8Array(this.cap);
  ttl = new Uint8Array(this.cap);
  id = new Float64Array(this.cap);
  layer = new Uint8Array(this.cap);
  srcMac = new Float64Array(this.cap);
  dstMac = new Float64Array(this.cap);
  src: Addr[] = new Array<Addr>(this.cap).fill(0);
  dst: Addr[] = new Array<Addr>(this.cap).fill(0);

  grow(): void {
    const old = { ...this };
    this.cap *= 2;
    this.mask = this.cap - 1;
    const move = <T extends { length: number; [i: number]: unknown }>(from: T, make: (n: number) => T): T => {
      const to = make(this.cap);
      for (let q = this.head; q < this.tail; q++) to[q & this.mask] = from[q & old.mask];
      return to;
    };
    this.hash = move(old.hash, (k) => new Int32Array(k));
    this.frame = move(old.frame, (k) => new Float64Array(k));
    this.time = move(old.time, (k) => new Float64Array(k));
    this.iface = move(old.iface, (k) => new Int32Array(k));
    this.dir = move(old.dir, (k) => new Uint8Array(k));
    this.pktType = move(old.pktType, (k) => new Int8Array(k));
    this.ttl = move(old.ttl, (k) => new Uint8Array(k));
    this.id = move(old.id, (k) => new Float64Array(k));
    this.layer = move(old.layer, (k) => new Uint8Array(k));
    this.srcMac = move(old.srcMac, (k) => new Float64Array(k));
    this.dstMac = move(old.dstMac, (k) => new Float64Array(k));
    this.src = move(old.src, (k) => new Array<Addr>(k).fill(0));
    this.dst = move(old.dst, (k) => new Array<Addr>(k).fill(0));
  }
}

export class HopCollector implements Collector {
  /** Packet hash -> sequence number of its latest copy in `recent`. */
  private readonly pending = new Map<number, number>();
  private readonly recent = new Recent();
  private readonly paths = new Map<number, PathState>();
  private readonly order: PathState[] = [];
  private readonly ifaceIds = new Map<string, number>();
  private readonly ifaceNames: string[] = [];
  private lastName: string | undefined = undefined;
  private lastId = -1;
  readonly copies = new CopyIndex();
  private placed = false;
  /** The latest time seen, and how far back in time packets have come after it (reordering). */
  private latest = -Infinity;
  private slack = 0;

  constructor(
    private readonly window: number,
    private readonly evidence: number,
    private readonly maxPaths = 20_000,
  ) {}

  /**
   * Expects up to `seconds` of reordering from now on. A capture with several interfaces in
   * one file (dumpcap -i a -i b) may hold each interface's packets in batches, so a packet's
   * forwarded copy can come seconds later in the file but earlier in time.
   */
  tolerateReorder(seconds: number): void {
    this.slack = Math.max(this.slack, Math.min(seconds, MAX_SLACK));
  }

  private ifaceId(name: string | undefined): number {
    // dumpcap -i any writes one interface named "any": it says nothing about where a packet was.
    if (name === undefined || name === 'any') return -1;
    if (name === this.lastName) return this.lastId;
    // A router has a handful of interfaces: a short scan beats hashing the name.
    const names = this.ifaceNames;
    let id: number | undefined;
    for (let i = 0; i < names.length && i < 8; i++) {
      if (names[i] === name) {
        id = i;
        break;
      }
    }
    id ??= this.ifaceIds.get(name);
    if (id === undefined) {
      id = this.ifaceNames.length;
      this.ifaceNames.push(name);
      this.ifaceIds.set(name, id);
    }
    this.lastName = name;
    this.lastId = id;
    return id;
  }

  packet(f: Facts): void {
    // Without an interface or a direction, two copies of a packet cannot be told apart from a
    // duplicate; such captures (one interface, classic pcap) have no hops.
    if (f.iface === undefined && f.direction === Direction.Unknown) return;
    this.placed = true;
    const ip = f.outer;
    if (!ip.present) return;
    this.expire(f.time);
    const iface = this.ifaceId(f.iface);
    const tunnelled = f.tunnel >= 0 && f.inner !== f.outer && f.inner.present;
    const h = this.hashOf(f.data, ip);
    this.match(h, ip, f, iface, tunnelled ? OUTER : PLAIN);
    this.push(h, ip, f, iface, tunnelled ? OUTER : PLAIN);
    // A tunnel packet's inner packet may be in the capture plain as well (a node's -i any: the
    // pod's packet on its veth, then encapsulated on eth1; or decapsulated on the tunnel device).
    if (tunnelled && f.copyOf === 0) {
      const inner = f.inner;
      const hi = this.hashOf(f.data, inner);
      this.match(hi, inner, f, iface, INNER);
      this.push(hi, inner, f, iface, INNER);
    }
  }

  private hashOf(d: Uint8Array, ip: Facts['outer']): number {
    let h = mixAddr(mixAddr(HASH_SEED, ip.src), ip.dst);
    h = mix(mix(mix(h, ip.id), ip.proto * 65536 + ip.fragOffset), ip.length);
    return mix(h, payloadHash(d, ip.at + ip.headerLength, ip.end));
  }

  /**
   * Pairs the packet with the latest earlier copy of the same header. Copies are ordered by
   * time, not by position in the file (dumpcap -i a -i b writes each interface's packets in
   * batches): the later copy in time is the one that was forwarded.
   */
  private match(h: number, ip: Facts['outer'], f: Facts, iface: number, layer: number): void {
    const r = this.recent;
    const seq = this.pending.get(h);
    if (seq === undefined) return;
    const k = seq & r.mask;
    const dt = f.time - r.time[k]!;
    if (dt > this.window || -dt > this.window + this.slack) return;
    if (r.src[k] !== ip.src || r.dst[k] !== ip.dst || r.id[k] !== ip.id) return;
    const prevLayer = r.layer[k]!;
    const early = dt < 0;
    let kind: number;
    if (layer === prevLayer && layer !== INNER) {
      kind = early
        ? classify(iface, f.direction, ip.ttl, r.iface[k]!, r.dir[k]!, r.ttl[k]!)
        : classify(r.iface[k]!, r.dir[k]!, r.ttl[k]!, iface, f.direction, ip.ttl);
    } else if ((layer === PLAIN && prevLayer === INNER) || (layer === INNER && prevLayer === PLAIN)) {
      // Decapsulation and encapsulation keep the inner TTL; a forward on the way lowers it by one.
      const delta = early ? ip.ttl - r.ttl[k]! : r.ttl[k]! - ip.ttl;
      if (delta !== 0 && delta !== 1) return;
      const tunnelFirst = (prevLayer === INNER) !== early;
      kind = tunnelFirst ? DECAP : ENCAP;
    } else return;
    if (kind < 0) return;
    const origin = r.frame[k]!;
    // The collectors after this one count the current packet once (it is the one they see
    // second); what users are shown as the copy is the later one in time.
    if (layer === INNER) f.innerCopyOf = origin;
    else f.copyOf = origin;
    if (early) this.copies.add(origin, f.frame);
    else this.copies.add(f.frame, origin);
    this.record(kind, k, iface, f, ip, early);
  }

  private push(h: number, ip: Facts['outer'], f: Facts, iface: number, layer: number): void {
    const r = this.recent;
    if (r.tail - r.head === r.cap) r.grow();
    const k = r.tail & r.mask;
    r.hash[k] = h;
    r.frame[k] = f.frame;
    r.time[k] = f.time;
    r.iface[k] = iface;
    r.dir[k] = f.direction;
    r.pktType[k] = f.pktType;
    r.ttl[k] = ip.ttl;
    r.id[k] = ip.id;
    r.layer[k] = layer;
    r.srcMac[k] = f.srcMac;
    r.dstMac[k] = f.dstMac;
    r.src[k] = ip.src;
    r.dst[k] = ip.dst;
    this.pending.set(h, r.tail);
    r.tail++;
  }

  private expire(now: number): void {
    // Time that runs backwards means interfaces written in batches: keep packets long enough
    // for the other interface's batch to come (up to MAX_SLACK seconds).
    if (now < this.latest) {
      const back = this.latest - now;
      if (back > this.slack) this.slack = Math.min(back, MAX_SLACK);
    } else this.latest = now;
    const r = this.recent;
    const keep = this.window + this.slack;
    while (r.head < r.tail && this.latest - r.time[r.head & r.mask]! > keep) {
      const h = r.hash[r.head & r.mask]!;
      if (this.pending.get(h) === r.head) this.pending.delete(h);
      r.head++;
    }
  }

  private record(kind: number, k: number, curIface: number, f: Facts, ip: Facts['outer'], early: boolean): void {
    const r = this.recent;
    // In time order: the first copy came in on `from`, the later one went out on `to`.
    const from = early ? curIface : r.iface[k]!;
    const to = early ? r.iface[k]! : curIface;
    const ttlIn = early ? ip.ttl : r.ttl[k]!;
    const ttlOut = early ? r.ttl[k]! : ip.ttl;
    const macIn: [number, number] = early ? [f.srcMac, f.dstMac] : [r.srcMac[k]!, r.dstMac[k]!];
    const macOut: [number, number] = early ? [r.srcMac[k]!, r.dstMac[k]!] : [f.srcMac, f.dstMac];
    const firstFrame = early ? f.frame : r.frame[k]!;
    const secondFrame = early ? r.frame[k]! : f.frame;
    const delta = Math.max(0, ttlIn - ttlOut);
    const encapsulated = kind === DECAP || kind === ENCAP || f.tunnel >= 0;
    // Fragments not put back together have no tunnel header to tell: a path of their own, not "plain".
    const fragments = !encapsulated && ip.isFragment;
    // kind (3 bits), TTL change (1), encapsulation (1), interfaces (+1 so "none" is 0; 12 bits each), later fragments (1).
    // Interface numbers are kept to 12 bits each so they never reach the other fields (a capture
    // with more than 4,095 interfaces would merge some paths).
    const code = kind | (delta << 3) | ((encapsulated ? 1 : 0) << 4) | (((from + 1) & 0xfff) << 5) | (((to + 1) & 0xfff) << 17) | ((fragments ? 1 : 0) << 29);
    const latency = Math.abs(f.time - r.time[k]!);
    const laterType = early ? r.pktType[k]! : f.pktType;
    const h = mixAddr(mixAddr(mix(HASH_SEED, code), ip.src), ip.dst);
    let p = this.paths.get(h);
    while (p !== undefined && !(p.code === code && p.src === ip.src && p.dst === ip.dst)) p = p.next;
    // Past maxPaths, new address pairs share one path per interfaces and kind ("*" addresses).
    let pooled = false;
    let ph = h;
    if (p === undefined && this.order.length >= this.maxPaths) {
      pooled = true;
      ph = mix(HASH_SEED ^ 0x5bd1e995, code);
      p = this.paths.get(ph);
      while (p !== undefined && !(p.code === code && p.src === undefined)) p = p.next;
    }
    if (p === undefined) {
      p = {
        next: this.paths.get(ph),
        code,
        kind: KINDS[kind]!,
        ingress: from < 0 ? '?' : this.ifaceNames[from]!,
        egress: to < 0 ? '?' : this.ifaceNames[to]!,
        src: pooled ? undefined : ip.src,
        dst: pooled ? undefined : ip.dst,
        encapsulated,
        fragments,
        ttlIn,
        ttlOut,
        macIn,
        macOut,
        packets: 0,
        notForHost: 0,
        latMin: latency,
        latMax: latency,
        latSum: 0,
        firstFrame,
        examples: [],
      };
      this.paths.set(ph, p);
      this.order.push(p);
    }
    p.packets++;
    if (laterType === PACKET_OTHERHOST) p.notForHost++;
    p.latSum += latency;
    if (latency < p.latMin) p.latMin = latency;
    if (latency > p.latMax) p.latMax = latency;
    if (p.examples.length < this.evidence) p.examples.push([firstFrame, secondFrame]);
  }

  finish(): Hops {
    const mac = (m: number): string => (m === 0 ? '' : formatMacNumber(m));
    const paths = this.order.map((p, id): HopPath => ({
      id,
      kind: p.kind,
      ingress: p.ingress,
      egress: p.egress,
      src: p.src === undefined ? '*' : formatAddr(p.src),
      dst: p.dst === undefined ? '*' : formatAddr(p.dst),
      encapsulated: p.encapsulated,
      fragments: p.fragments,
      ttlIn: p.ttlIn,
      ttlOut: p.ttlOut,
      macIn: { src: mac(p.macIn[0]), dst: mac(p.macIn[1]) },
      macOut: { src: mac(p.macOut[0]), dst: mac(p.macOut[1]) },
      macRewritten: p.macIn[0] !== 0 && p.macOut[0] !== 0 && p.macIn[0] !== p.macOut[0],
      packets: p.packets,
      notForHost: p.notForHost,
      latency: { min: roundTime(p.latMin), avg: roundTime(p.latSum / p.packets), max: roundTime(p.latMax) },
      firstFrame: p.firstFrame,
      examples: p.examples,
    }));
    return { paths, copies: this.copies, placed: this.placed };
  }
}
