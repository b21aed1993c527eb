// A forward-only reader of one capture's frames for the k-way merge: frames come out of large
// sequential reads (one system call per megabyte, not per frame), so several captures can be
// interleaved frame by frame at the speed of a single scan.
import { closeSync, openSync, readSync } from 'node:fs';
import type { Capture } from '../capture/capture.js';
import { VxError, ioReason, msg } from '../errors.js';

const WINDOW = 1 << 20;

export class FrameCursor {
  private fd: number | undefined;
  private buf = new Uint8Array(WINDOW);
  /** File offset of buf[0] and how many bytes of buf are valid. */
  private base = 0;
  private filled = 0;
  /** The next 0-based frame position. */
  position = 0;

  constructor(private readonly capture: Capture) {}

  get done(): boolean {
    return this.position >= this.capture.frameCount;
  }

  /** Bytes of the current frame; valid until the next call of next() or data(). */
  data(): Uint8Array {
    const ix = this.capture.index;
    const i = this.position;
    const off = ix.offsetOf(i);
    const len = ix.capLenOf(i);
    if (off < this.base || off + len > this.base + this.filled) this.refill(off, len);
    return this.buf.subarray(off - this.base, off - this.base + len);
  }

  next(): void {
    this.position++;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private refill(off: number, len: number): void {
    if (len > this.buf.length) this.buf = new Uint8Array(len);
    try {
      this.fd ??= openSync(this.capture.path, 'r');
    } catch (e) {
      throw new VxError('input', msg.inInput(this.capture.name, msg.unreadable(ioReason(e))));
    }
    this.base = off;
    this.filled = readSync(this.fd, this.buf, 0, this.buf.length, off);
    if (this.filled < len) throw new VxError('input', msg.inInput(this.capture.name, msg.captureShrank()));
  }
}
