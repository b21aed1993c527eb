import type { Direction } from './types.js';

// Columns are stored in fixed-size chunks so that growing never copies what is already
// there and memory stays at the per-packet cost (about 35 bytes) instead of doubling.
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

class Column<T extends Float64Array | Uint32Array | Uint16Array | Uint8Array> {
  readonly chunks: T[] = [];
  constructor(private readonly make: (n: number) => T) {}
  ensure(chunk: number): void {
    while (this.chunks.length <= chunk) this.chunks.push(this.make(CHUNK));
  }
  get(i: number): number {
    return (this.chunks[i >>> CHUNK_BITS] as T)[i & MASK] as number;
  }
  bytes(): number {
    return this.chunks.length * CHUNK * (this.chunks[0]?.BYTES_PER_ELEMENT ?? 0);
  }
}

/**
 * The compact per-frame table built by the one streaming pass over a capture. Frame
 * numbers are 1-based as users see them; the accessors take 0-based positions.
 */
export class FrameIndex {
  private n = 0;
  private readonly offset = new Column((k) => new Float64Array(k));
  private readonly capLen = new Column((k) => new Uint32Array(k));
  private readonly origLen = new Column((k) => new Uint32Array(k));
  private readonly tsSec = new Column((k) => new Float64Array(k));
  private readonly tsNsec = new Column((k) => new Uint32Array(k));
  private readonly iface = new Column((k) => new Uint16Array(k));
  private readonly dir = new Column((k) => new Uint8Array(k));
  /** SLL2 records carry the capturing host's interface index; only allocated when seen. */
  private ifindex: Column<Uint32Array> | undefined;

  get count(): number {
    return this.n;
  }

  add(offset: number, capLen: number, origLen: number, sec: number, nsec: number, iface: number, dir: Direction): number {
    const i = this.n;
    const c = i >>> CHUNK_BITS;
    const k = i & MASK;
    if (k === 0) {
      this.offset.ensure(c);
      this.capLen.ensure(c);
      this.origLen.ensure(c);
      this.tsSec.ensure(c);
      this.tsNsec.ensure(c);
      this.iface.ensure(c);
      this.dir.ensure(c);
      this.ifindex?.ensure(c);
    }
    (this.offset.chunks[c] as Float64Array)[k] = offset;
    (this.capLen.chunks[c] as Uint32Array)[k] = capLen;
    (this.origLen.chunks[c] as Uint32Array)[k] = origLen;
    (this.tsSec.chunks[c] as Float64Array)[k] = sec;
    (this.tsNsec.chunks[c] as Uint32Array)[k] = nsec;
    (this.iface.chunks[c] as Uint16Array)[k] = iface;
    (this.dir.chunks[c] as Uint8Array)[k] = dir;
    this.n = i + 1;
    return i;
  }

  setIfindex(i: number, value: number): void {
    if (!this.ifindex) {
      this.ifindex = new Column((k) => new Uint32Array(k));
      this.ifindex.ensure((this.n - 1) >>> CHUNK_BITS);
    }
    (this.ifindex.chunks[i >>> CHUNK_BITS] as Uint32Array)[i & MASK] = value;
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
    return this.dir.get(i) as Direction;
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
