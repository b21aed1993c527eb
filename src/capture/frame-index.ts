import type { Direction } from './types.js';

// Columns are stored in fixed-size chunks so that growing never copies what is already
// there and memory stays at the per-packet cost (23 bytes) instead of doubling.
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

interface NumberColumn {
  ensure(chunk: number): void;
  get(i: number): number;
  set(i: number, value: number): void;
  bytes(): number;
}

class Column<T extends ColumnArray> implements NumberColumn {
  readonly chunks: T[] = [];
  /** rolling: one chunk, reused for positions 65,536 apart. */
  constructor(
    private readonly make: (n: number) => T,
    private readonly rolling: boolean,
  ) {}
  ensure(chunk: number): void {
    while (this.chunks.length <= (this.rolling ? 0 : chunk)) this.chunks.push(this.make(CHUNK));
  }
  get(i: number): number {
    return (this.chunks[this.rolling ? 0 : i >>> CHUNK_BITS] as T)[i & MASK] as number;
  }
  set(i: number, value: number): void {
    (this.chunks[this.rolling ? 0 : i >>> CHUNK_BITS] as T)[i & MASK] = value;
  }
  bytes(): number {
    return this.chunks.length * CHUNK * (this.chunks[0]?.BYTES_PER_ELEMENT ?? 0);
  }
}

const NO_DELTAS = new Int32Array(0);

/** The direction column's third bit: the frame has no time stamp (a pcapng simple packet block). */
const UNTIMED = 4;
const DIRECTION_BITS = 3;

type ColumnArray = Float64Array | Uint32Array | Uint16Array | Uint8Array | Int32Array;

/**
 * A zeroed column chunk in shared memory: a finished index is handed to a worker thread
 * (the journey reads its captures in one) without copying its chunks.
 */
function sharedChunk<T extends ColumnArray>(kind: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, n: number): T {
  return new kind(new SharedArrayBuffer(n * kind.BYTES_PER_ELEMENT));
}

/** A RelativeColumn's chunks as plain data (its typed arrays are shared, not copied, by postMessage). */
export interface SharedRelativeColumn {
  base: number[];
  deltas: Int32Array[];
  wide: (Float64Array | undefined)[];
}

/** A finished, non-rolling FrameIndex as plain data that crosses to a worker thread. */
export interface SharedFrameIndex {
  count: number;
  firstSeconds: number;
  firstNanos: number;
  offset: SharedRelativeColumn;
  capLen: Uint32Array[];
  origLen: Uint32Array[];
  tsSec: SharedRelativeColumn;
  tsNsec: Uint32Array[];
  iface: Uint16Array[];
  dir: Uint8Array[];
  ifindex: Uint32Array[] | undefined;
}

/**
 * Numbers that change little from frame to frame (file offsets, seconds), as 4-byte
 * differences from the first value of their chunk instead of 8-byte doubles: 8 bytes a frame
 * less, 80 MB at ten million frames. A chunk whose values stray 2^31 or more from its first
 * (65,536 frames of 64 KiB, a corrupt time stamp) keeps its values as doubles instead.
 * Not for a rolling index, whose chunk is overwritten in place while older frames are read.
 */
class RelativeColumn implements NumberColumn {
  private readonly base: number[] = [];
  private readonly deltas: Int32Array[] = [];
  private readonly wide: (Float64Array | undefined)[] = [];
  static from(data: SharedRelativeColumn): RelativeColumn {
    const c = new RelativeColumn();
    c.base.push(...data.base);
    c.deltas.push(...data.deltas);
    c.wide.push(...data.wide);
    return c;
  }
  shared(): SharedRelativeColumn {
    return { base: this.base.slice(), deltas: this.deltas.slice(), wide: this.wide.slice() };
  }
  ensure(chunk: number): void {
    while (this.deltas.length <= chunk) {
      this.base.push(0);
      this.deltas.push(sharedChunk(Int32Array, CHUNK));
      this.wide.push(undefined);
    }
  }
  get(i: number): number {
    const c = i >>> CHUNK_BITS;
    const wide = this.wide[c];
    return wide !== undefined ? wide[i & MASK]! : this.base[c]! + this.deltas[c]![i & MASK]!;
  }
  set(i: number, value: number): void {
    const c = i >>> CHUNK_BITS;
    const k = i & MASK;
    const wide = this.wide[c];
    if (wide !== undefined) {
      wide[k] = value;
      return;
    }
    if (k === 0) this.base[c] = value;
    const delta = value - this.base[c]!;
    if (delta >= -0x80000000 && delta <= 0x7fffffff && Number.isInteger(delta)) this.deltas[c]![k] = delta;
    else this.widen(c, k, value);
  }
  private widen(c: number, k: number, value: number): void {
    const wide = sharedChunk(Float64Array, CHUNK);
    const base = this.base[c]!;
    const deltas = this.deltas[c]!;
    for (let j = 0; j < k; j++) wide[j] = base + deltas[j]!;
    wide[k] = value;
    this.wide[c] = wide;
    this.deltas[c] = NO_DELTAS;
  }
  bytes(): number {
    let n = 0;
    for (let c = 0; c < this.deltas.length; c++) n += this.wide[c]?.byteLength ?? this.deltas[c]!.byteLength;
    return n;
  }
}

/**
 * The compact per-frame table built by the one streaming pass over a capture. Frame
 * numbers are 1-based as users see them; the accessors take 0-based positions.
 */
export class FrameIndex {
  private n = 0;
  /**
   * @param rolling keep only the latest 65,536 frames (older positions are overwritten): for
   *   one streaming pass that never revisits a frame, so memory stays the same at any size.
   */
  constructor(private readonly rolling = false) {
    this.offset = rolling ? new Column((k) => new Float64Array(k), true) : new RelativeColumn();
    this.capLen = new Column((k) => sharedChunk(Uint32Array, k), rolling);
    this.origLen = new Column((k) => sharedChunk(Uint32Array, k), rolling);
    this.tsSec = rolling ? new Column((k) => new Float64Array(k), true) : new RelativeColumn();
    this.tsNsec = new Column((k) => sharedChunk(Uint32Array, k), rolling);
    this.iface = new Column((k) => sharedChunk(Uint16Array, k), rolling);
    this.dir = new Column((k) => sharedChunk(Uint8Array, k), rolling);
  }

  /** The finished index as data for another thread: its chunks are shared memory, so nothing is copied. */
  shared(): SharedFrameIndex {
    if (this.rolling) throw new Error('a rolling frame index cannot be shared');
    return {
      count: this.n,
      firstSeconds: this.firstSeconds,
      firstNanos: this.firstNanos,
      offset: (this.offset as RelativeColumn).shared(),
      capLen: this.capLen.chunks.slice(),
      origLen: this.origLen.chunks.slice(),
      tsSec: (this.tsSec as RelativeColumn).shared(),
      tsNsec: this.tsNsec.chunks.slice(),
      iface: this.iface.chunks.slice(),
      dir: this.dir.chunks.slice(),
      ifindex: this.ifindex?.chunks.slice(),
    };
  }

  /** The index another thread shared (read only: adding frames to it is not supported). */
  static fromShared(data: SharedFrameIndex): FrameIndex {
    const ix = new FrameIndex(false);
    ix.n = data.count;
    ix.firstSeconds = data.firstSeconds;
    ix.firstNanos = data.firstNanos;
    ix.offset = RelativeColumn.from(data.offset);
    ix.tsSec = RelativeColumn.from(data.tsSec);
    ix.capLen.chunks.push(...data.capLen);
    ix.origLen.chunks.push(...data.origLen);
    ix.tsNsec.chunks.push(...data.tsNsec);
    ix.iface.chunks.push(...data.iface);
    ix.dir.chunks.push(...data.dir);
    if (data.ifindex) {
      ix.ifindex = new Column((k) => sharedChunk(Uint32Array, k), false);
      ix.ifindex.chunks.push(...data.ifindex);
    }
    return ix;
  }

  /** File offsets, exact to 2^53 (differences within a chunk, else doubles): captures past 4 GiB index correctly. */
  private offset: NumberColumn;
  private readonly capLen: Column<Uint32Array>;
  private readonly origLen: Column<Uint32Array>;
  /** Whole seconds of the time stamp (a double past 2106, and negative before 1970). */
  private tsSec: NumberColumn;
  private readonly tsNsec: Column<Uint32Array>;
  private readonly iface: Column<Uint16Array>;
  private readonly dir: Column<Uint8Array>;
  /** SLL2 records carry the capturing host's interface index; only allocated when seen. */
  private ifindex: Column<Uint32Array> | undefined;

  get count(): number {
    return this.n;
  }

  /** Time stamp of the first frame (kept apart: a rolling index overwrites position 0). */
  firstSeconds = 0;
  firstNanos = 0;

  add(offset: number, capLen: number, origLen: number, sec: number, nsec: number, iface: number, dir: Direction, untimed = false): number {
    const i = this.n;
    const c = this.rolling ? 0 : i >>> CHUNK_BITS;
    const k = i & MASK;
    if (i === 0) {
      this.firstSeconds = sec;
      this.firstNanos = nsec;
    }
    if (k === 0 && !(this.rolling && i > 0)) {
      this.offset.ensure(c);
      this.capLen.ensure(c);
      this.origLen.ensure(c);
      this.tsSec.ensure(c);
      this.tsNsec.ensure(c);
      this.iface.ensure(c);
      this.dir.ensure(c);
      this.ifindex?.ensure(c);
    }
    this.offset.set(i, offset);
    (this.capLen.chunks[c] as Uint32Array)[k] = capLen;
    (this.origLen.chunks[c] as Uint32Array)[k] = origLen;
    this.tsSec.set(i, sec);
    (this.tsNsec.chunks[c] as Uint32Array)[k] = nsec;
    (this.iface.chunks[c] as Uint16Array)[k] = iface;
    (this.dir.chunks[c] as Uint8Array)[k] = untimed ? dir | UNTIMED : dir;
    this.n = i + 1;
    return i;
  }

  setIfindex(i: number, value: number): void {
    if (!this.ifindex) {
      this.ifindex = new Column((k) => sharedChunk(Uint32Array, k), this.rolling);
      this.ifindex.ensure((this.n - 1) >>> CHUNK_BITS);
    }
    this.ifindex.set(i, value);
  }

  offsetOf(i: number): number {
    return this.offset.get(i);
  }
  capLenOf(i: number): number {
    return this.capLen.get(i);
  }
  origLenOf(i: number): number {
    return this.origLen.get(i);
  }
  secondsOf(i: number): number {
    return this.tsSec.get(i);
  }
  nanosOf(i: number): number {
    return this.tsNsec.get(i);
  }
  /** Time stamp as a float of seconds; loses precision past microseconds, use for arithmetic only. */
  timeOf(i: number): number {
    return this.tsSec.get(i) + this.tsNsec.get(i) / 1e9;
  }
  interfaceOf(i: number): number {
    return this.iface.get(i);
  }
  directionOf(i: number): Direction {
    return (this.dir.get(i) & DIRECTION_BITS) as Direction;
  }
  /** True when the file gave the frame no time stamp (its seconds and nanoseconds read 0). */
  untimedOf(i: number): boolean {
    return (this.dir.get(i) & UNTIMED) !== 0;
  }
  /** The SLL2 interface index, or undefined when the link type records none. */
  ifindexOf(i: number): number | undefined {
    return this.ifindex?.get(i);
  }
  get hasIfindex(): boolean {
    return this.ifindex !== undefined;
  }

  /** Bytes the columns occupy, for the memory figures in the benchmark. */
  memoryBytes(): number {
    return (
      this.offset.bytes() +
      this.capLen.bytes() +
      this.origLen.bytes() +
      this.tsSec.bytes() +
      this.tsNsec.bytes() +
      this.iface.bytes() +
      this.dir.bytes() +
      (this.ifindex?.bytes() ?? 0)
    );
  }
}
