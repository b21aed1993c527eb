import { closeSync, openSync, readSync } from 'node:fs';
import { VxError, ioError, msg } from '../errors.js';
import type { FrameIndex } from './frame-index.js';

const CACHE_FRAMES = 512;
const SCAN_WINDOW = 4 * 1024 * 1024;

/** Re-reads frame bytes by their offset in the file: singly with a small LRU, or in sequential runs. */
export class FrameReader {
  private fd: number | undefined;
  private readonly cache = new Map<number, Uint8Array>();
  /** The read window, kept between scans (a UI filter scans a million frames in ~40 calls). */
  private window: Uint8Array | undefined;
  private scanning = false;

  constructor(
    private readonly path: string,
    private readonly index: FrameIndex,
  ) {}

  /** Bytes of the frame at 0-based position i; the array is shared with the cache, do not modify it. */
  read(i: number): Uint8Array {
    const hit = this.cache.get(i);
    if (hit) {
      this.cache.delete(i);
      this.cache.set(i, hit);
      return hit;
    }
    if (i < 0 || i >= this.index.count) throw new VxError('input', msg.frameOutOfRange(i + 1, this.index.count));
    const len = this.index.capLenOf(i);
    const data = new Uint8Array(len);
    const got = this.readAt(data, len, this.index.offsetOf(i));
    if (got !== len) throw new VxError('input', msg.frameReadShort(i + 1));
    this.cache.set(i, data);
    if (this.cache.size > CACHE_FRAMES) this.cache.delete(this.cache.keys().next().value as number);
    return data;
  }

  /**
   * Calls fn for frames from..to-1 in order with views into large sequential reads, which
   * is far cheaper than one read per frame. Views are valid only during the call.
   */
  scan(from: number, to: number, fn: (i: number, data: Uint8Array) => void | false): void {
    const end = Math.min(to, this.index.count);
    // A scan started from inside another scan's callback gets its own window.
    const nested = this.scanning;
    const buf = nested ? new Uint8Array(SCAN_WINDOW) : (this.window ??= new Uint8Array(SCAN_WINDOW));
    this.scanning = true;
    try {
      this.scanWith(buf, from, end, fn, nested);
    } finally {
      if (!nested) this.scanning = false;
    }
  }

  private scanWith(buf: Uint8Array, from: number, end: number, fn: (i: number, data: Uint8Array) => void | false, nested: boolean): void {
    let i = from;
    while (i < end) {
      const start = this.index.offsetOf(i);
      let j = i;
      let stop = start;
      while (j < end) {
        const e = this.index.offsetOf(j) + this.index.capLenOf(j);
        if (e - start > buf.length && j > i) break;
        stop = e;
        j++;
      }
      if (stop - start > buf.length) {
        buf = new Uint8Array(stop - start);
        if (!nested) this.window = buf;
      }
      const got = this.readAt(buf, stop - start, start);
      if (got !== stop - start) throw new VxError('input', msg.frameReadShort(i + 1));
      for (let k = i; k < j; k++) {
        const o = this.index.offsetOf(k) - start;
        if (fn(k, buf.subarray(o, o + this.index.capLenOf(k))) === false) return;
      }
      i = j;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.cache.clear();
    this.window = undefined;
  }

  /** One read at a file offset; a failing disk (EIO) or a vanished file is a clear error. */
  private readAt(into: Uint8Array, length: number, position: number): number {
    try {
      this.fd ??= openSync(this.path, 'r');
      return readSync(this.fd, into, 0, length, position);
    } catch (e) {
      throw ioError(e, this.path, 'read');
    }
  }
}
