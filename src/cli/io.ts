import { writeSync } from 'node:fs';
import { TextBytes } from '../dissect/text-bytes.js';
import { EXIT_INPUT, VxError, ioError, isSystemError } from '../errors.js';
import { safeText } from '../text/escape.js';

/** Where printed bytes go. The default is a file descriptor written synchronously. */
export interface OutputTarget {
  /** Writes some of bytes[offset, offset+length) and returns how many; throws EAGAIN when the reader is full. */
  write(bytes: Uint8Array, offset: number, length: number): number;
  /** Called after EAGAIN: waits a little for the reader to make room. */
  waitForReader(): void;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Standard output (or another descriptor) written with write(2), as tcpdump does. */
export function descriptorTarget(fd: number): OutputTarget {
  let backoff = 1;
  return {
    write(bytes, offset, length) {
      const n = writeSync(fd, bytes, offset, length);
      backoff = 1;
      return n;
    },
    // Node makes a pipe on standard output non-blocking, so a full pipe answers EAGAIN
    // instead of blocking: sleep briefly (up to 16 ms while the reader stays away) and retry.
    waitForReader() {
      Atomics.wait(pause, 0, 0, backoff);
      backoff = Math.min(16, backoff * 2);
    },
  };
}

/** Bytes an Output holds before writing them out: the most it ever buffers, plus one line. */
export const OUTPUT_BUFFER = 64 * 1024;

/**
 * Printed output with back-pressure: lines are gathered into large writes that return only
 * once the reader has taken them, so a slow or paused reader (`| less`, `| (sleep 20; cat)`)
 * stalls reading the capture instead of letting the output pile up in memory. Stops quietly
 * when the reader goes away (`vxshark -r big.pcap | head`).
 */
export class Output {
  closed = false;
  /** Why writing failed (ENOSPC, EIO...), as the one-line error reported; undefined while all is well. */
  failure: VxError | undefined;
  /** Largest number of bytes held at once, for the test that output stays bounded. */
  maxHeld = 0;
  // Lines are encoded into one reused buffer as they come: gathering them in a string kept a
  // tree of every line alive until the write, long enough for the collector to promote them,
  // and that old-space garbage was most of a long print's peak memory.
  private readonly buffer = Buffer.allocUnsafe(2 * OUTPUT_BUFFER);
  private held = 0;
  // -V writes its trees straight into this and they go out from it: copying them into the
  // buffer above was 3% of -V's time. Its bytes always follow the held ones (anything written
  // here first sends them out), so the order is the order of the calls.
  private direct: TextBytes | undefined;
  private readonly target: OutputTarget;
  constructor(target: OutputTarget | number = 1) {
    this.target = typeof target === 'number' ? descriptorTarget(target) : target;
    // What others print on standard output (yargs' --help) fails through the same place.
    if (target === 1) process.stdout.on('error', (e) => this.fail(e));
  }

  /** Buffers lines and writes them in large pieces; printing a million lines one write each is slow. */
  line(text: string): void {
    if (this.closed) return;
    if (this.direct?.length) this.writeDirect();
    // -x ends every packet with an empty line: no call into Buffer.write for it.
    if (text.length === 0) {
      if (this.held + 1 > this.buffer.length) this.flush();
      this.buffer[this.held++] = 0x0a;
      if (this.held > OUTPUT_BUFFER) this.flush();
      return;
    }
    // A UTF-16 code unit is at most 3 bytes of UTF-8: this bound never splits a line.
    const most = 3 * text.length + 1;
    if (this.held + most > this.buffer.length) {
      this.flush();
      if (most > this.buffer.length) {
        this.writeOut(Buffer.from(text + '\n', 'utf8'));
        return;
      }
    }
    this.held += this.buffer.write(text, this.held, 'utf8');
    this.buffer[this.held++] = 0x0a;
    if (this.held > OUTPUT_BUFFER) this.flush();
  }

  /**
   * Writes bytes that `fill` puts straight into the buffer (at most `most` of them from `at`,
   * returning where they end): output made as bytes, such as -x's dump, skips the strings.
   */
  bytes(most: number, fill: (buffer: Uint8Array, at: number) => number): void {
    if (this.closed) return;
    if (this.direct?.length) this.writeDirect();
    if (this.held + most > this.buffer.length) {
      this.flush();
      if (most > this.buffer.length) {
        const big = Buffer.allocUnsafe(most);
        this.writeOut(big.subarray(0, fill(big, 0)));
        return;
      }
    }
    this.held = fill(this.buffer, this.held);
    if (this.held > OUTPUT_BUFFER) this.flush();
  }

  /** Writes bytes made elsewhere (the printing worker's batches) after what is held, without copying them. */
  write(bytes: Uint8Array): void {
    if (this.closed) return;
    this.flush();
    this.writeOut(bytes);
  }

  /**
   * Text to write into directly, at its length: it goes out after what was written before and
   * before anything written later. Call wroteDirect() after each piece (a packet's tree).
   */
  directText(): TextBytes {
    return (this.direct ??= new TextBytes(2 * OUTPUT_BUFFER));
  }

  wroteDirect(): void {
    if (this.direct!.length > OUTPUT_BUFFER) this.writeDirect();
  }

  flush(): void {
    if (this.direct?.length) this.writeDirect();
    this.flushHeld();
  }

  private flushHeld(): void {
    if (this.held === 0 || this.closed) return;
    const bytes = this.buffer.subarray(0, this.held);
    this.held = 0;
    this.writeOut(bytes);
  }

  private writeDirect(): void {
    const text = this.direct!;
    const bytes = text.buffer.subarray(0, text.length);
    text.length = 0;
    this.flushHeld();
    if (!this.closed) this.writeOut(bytes);
  }

  private writeOut(bytes: Uint8Array): void {
    if (bytes.length > this.maxHeld) this.maxHeld = bytes.length;
    let done = 0;
    while (done < bytes.length && !this.closed) {
      try {
        done += this.target.write(bytes, done, bytes.length - done);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') this.target.waitForReader();
        else this.fail(e);
      }
    }
  }

  /** Writes out what is buffered; everything has left the process when this returns. */
  async drain(): Promise<void> {
    this.flush();
    // A failed write by another printer (yargs' --help via console.log) reports its error on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * Every write error of this output ends here: EPIPE (the reader went away) stops quietly;
   * anything else (a full disk) closes the output too, and keeps the one-line error naming
   * standard output in `failure` for main to report once the work has stopped.
   */
  fail(e: unknown): void {
    this.closed = true;
    if ((e as NodeJS.ErrnoException)?.code !== 'EPIPE') this.failure ??= ioError(e, '-', 'write');
  }
}

/** A one-line message on standard error. What the user typed (a file name, a filter) is in it, escaped like capture text: a name may hold escape sequences too. */
export function warn(message: string): void {
  process.stderr.write(`vxshark: ${safeText(message)}\n`);
}

/** Prints any failure as one line and returns the exit status it deserves. */
export function reportFailure(e: unknown): number {
  if (e instanceof VxError) {
    warn(e.message);
    return e.exitCode;
  }
  // An operating-system error no layer caught still gets its reason, not "internal error".
  if (isSystemError(e)) {
    warn(ioError(e, e.path ?? '-', e.syscall === 'write' ? 'write' : 'read').message);
    return EXIT_INPUT;
  }
  const err = e as Error;
  warn(`internal error: ${err?.message ?? String(e)} (please report this with the capture that caused it)`);
  if (process.env.VXSHARK_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
  return EXIT_INPUT;
}
