// The flow table's storage: one typed array per counter, indexed by flow id, instead of an
// object per flow. Half a million flows as objects cost about 545 bytes each (a 280-byte
// record, its small lists and boxed doubles) and a quarter of the pass in garbage collection;
// as columns they cost about 150 bytes each and nothing for the collector to trace.
import type { Addr } from './addr.js';
import { grown, type GrowableColumn } from '../util/grown.js';

/** Growable typed columns: every column is reallocated together when the table fills. */
type Column = GrowableColumn;

/** The per-flow columns, resized together. */
const COLUMNS = [
  'a',
  'b',
  'aPort',
  'bPort',
  'proto',
  'bits',
  'fl0',
  'fl1',
  'p0',
  'p1',
  'b0',
  'b1',
  'first',
  'last',
  'firstFrame',
  'syn',
  'synAck',
  'requests',
  'replies',
  'queries',
  'responses',
  'reqFrame',
  'reqTime',
  'hash',
  'next',
  't0',
  't1',
  't0n',
  't1n',
  'moreHead',
  'moreTail',
  'moreCount',
] as const satisfies readonly (keyof FlowStore)[];
type ColumnName = (typeof COLUMNS)[number];

const FIRST_CAPACITY = 1024;
/** Bits of `bits`: IPv6, then how each direction was carried (1 plain, 2 tunnel, 3 both). */
export const BIT_V6 = 1;
const CARRIED_SHIFT = [1, 3] as const;

/**
 * Flows as columns. Addresses are IPv4 numbers, or for IPv6 an index into `v6` (the flow's
 * BIT_V6 says which). Each direction keeps its first tunnel inline (most flows use one) and
 * the rest, up to a few, in `moreTunnels`. Frames after the first are a linked list in a
 * shared pool, at most `evidence - 1` per flow.
 */
export class FlowStore {
  count = 0;
  private capacity = 0;
  a = new Int32Array(0);
  b = new Int32Array(0);
  aPort = new Uint16Array(0);
  bPort = new Uint16Array(0);
  proto = new Uint8Array(0);
  bits = new Uint8Array(0);
  fl0 = new Uint16Array(0);
  fl1 = new Uint16Array(0);
  p0 = new Uint32Array(0);
  p1 = new Uint32Array(0);
  b0 = new Float64Array(0);
  b1 = new Float64Array(0);
  first = new Float64Array(0);
  last = new Float64Array(0);
  firstFrame = new Uint32Array(0);
  syn = new Uint32Array(0);
  synAck = new Uint32Array(0);
  requests = new Uint32Array(0);
  replies = new Uint32Array(0);
  queries = new Uint32Array(0);
  responses = new Uint32Array(0);
  reqFrame = new Uint32Array(0);
  reqTime = new Float64Array(0);
  /** The flow's key hash (compared before the key itself), and the next flow in its bucket, plus one (0 ends the chain). */
  hash = new Int32Array(0);
  next = new Int32Array(0);
  /** First tunnel of each direction plus one (0: none) and its packets. */
  t0 = new Int32Array(0);
  t1 = new Int32Array(0);
  t0n = new Uint32Array(0);
  t1n = new Uint32Array(0);
  /** Frames after the first: head and tail in the pool, plus one (0: none), and how many. */
  moreHead = new Int32Array(0);
  moreTail = new Int32Array(0);
  moreCount = new Uint32Array(0);
  /** Tunnels after a direction's first, as [id, packets, ...], by flow id * 2 + direction. */
  readonly moreTunnels = new Map<number, number[]>();
  /** IPv6 addresses (32 hex digits), interned: a flow keeps their index. */
  readonly v6: string[] = [];
  private readonly v6Index = new Map<string, number>();
  private poolFrame = new Uint32Array(FIRST_CAPACITY);
  private poolNext = new Int32Array(FIRST_CAPACITY);
  private poolUsed = 0;

  /**
   * `capacity`: flows to make room for at once. Room costs no memory until a flow uses it
   * (large typed arrays are zero pages until written), and it saves copying every column
   * as the table doubles; the columns still grow past it.
   */
  constructor(capacity = FIRST_CAPACITY) {
    this.resize(Math.max(FIRST_CAPACITY, capacity));
  }

  /** A new flow's id; the caller fills in its columns. */
  add(): number {
    if (this.count === this.capacity) this.resize(this.capacity * 2);
    return this.count++;
  }

  /** Every column at `size` rows, what it held kept. */
  private resize(size: number): void {
    const columns = this as unknown as Record<ColumnName, Column>;
    for (const name of COLUMNS) columns[name] = grown(columns[name], size);
    this.capacity = size;
  }

  /** The stored form of an address: itself for IPv4, its interned index for IPv6. */
  intern(addr: Addr): number {
    if (typeof addr === 'number') return addr;
    let i = this.v6Index.get(addr);
    if (i === undefined) {
      i = this.v6.length;
      this.v6.push(addr);
      this.v6Index.set(addr, i);
    }
    return i;
  }

  /** The stored form of an address already seen, or -1 for an IPv6 address no flow has (for IPv4, -1 is 255.255.255.255 itself). */
  stored(addr: Addr): number {
    return typeof addr === 'number' ? addr : (this.v6Index.get(addr) ?? -1);
  }

  addrA(id: number): Addr {
    return (this.bits[id]! & BIT_V6) !== 0 ? this.v6[this.a[id]!]! : this.a[id]!;
  }

  addrB(id: number): Addr {
    return (this.bits[id]! & BIT_V6) !== 0 ? this.v6[this.b[id]!]! : this.b[id]!;
  }

  carried(id: number, dir: 0 | 1): number {
    return (this.bits[id]! >> CARRIED_SHIFT[dir]) & 3;
  }

  markCarried(id: number, dir: 0 | 1, how: 1 | 2): void {
    this.bits[id]! |= how << CARRIED_SHIFT[dir];
  }

  /** Counts a packet of direction `dir` through tunnel `tunnel`; at most `max` tunnels per direction. */
  countTunnel(id: number, dir: 0 | 1, tunnel: number, max: number): void {
    const ids = dir === 0 ? this.t0 : this.t1;
    const counts = dir === 0 ? this.t0n : this.t1n;
    if (ids[id] === 0) {
      ids[id] = tunnel + 1;
      counts[id] = 1;
      return;
    }
    if (ids[id] === tunnel + 1) {
      counts[id]!++;
      return;
    }
    const key = id * 2 + dir;
    const rest = this.moreTunnels.get(key);
    if (rest === undefined) {
      if (max > 1) this.moreTunnels.set(key, [tunnel, 1]);
      return;
    }
    for (let k = 0; k < rest.length; k += 2) {
      if (rest[k] === tunnel) {
        rest[k + 1]!++;
        return;
      }
    }
    if (rest.length / 2 + 1 < max) rest.push(tunnel, 1);
  }

  /** The tunnels of one direction as [id, packets, ...] in order of first use. */
  tunnelList(id: number, dir: 0 | 1): number[] {
    const first = (dir === 0 ? this.t0 : this.t1)[id]!;
    if (first === 0) return [];
    const out = [first - 1, (dir === 0 ? this.t0n : this.t1n)[id]!];
    const rest = this.moreTunnels.get(id * 2 + dir);
    if (rest !== undefined) out.push(...rest);
    return out;
  }

  /** Appends a frame to the flow's list of frames after the first. */
  addFrame(id: number, frame: number): void {
    if (this.poolUsed === this.poolFrame.length) {
      this.poolFrame = grown(this.poolFrame, this.poolUsed * 2);
      this.poolNext = grown(this.poolNext, this.poolUsed * 2);
    }
    const at = this.poolUsed++;
    this.poolFrame[at] = frame;
    this.poolNext[at] = 0;
    const tail = this.moreTail[id]!;
    if (tail === 0) this.moreHead[id] = at + 1;
    else this.poolNext[tail - 1] = at + 1;
    this.moreTail[id] = at + 1;
    this.moreCount[id]!++;
  }

  /** The flow's first frame and the ones after it that were kept. */
  frames(id: number): number[] {
    const out = [this.firstFrame[id]!];
    for (let at = this.moreHead[id]!; at !== 0; at = this.poolNext[at - 1]!) out.push(this.poolFrame[at - 1]!);
    return out;
  }
}
