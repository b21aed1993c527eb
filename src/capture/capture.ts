import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { VxError, ioReason, msg } from '../errors.js';
import { FrameIndex, type SharedFrameIndex } from './frame-index.js';
import { FrameReader } from './frame-reader.js';
import { IndexBuilder } from './index-builder.js';
import type { ParseTarget } from './parser.js';
import { Spool } from './spool.js';
import type { CaptureInfo, CaptureInterface } from './types.js';

const CHUNK = 1024 * 1024;

export interface LoadOptions {
  /** Called once the header is understood, while frames are still being indexed. */
  onStart?: (capture: Capture) => void;
  /** Called after each chunk with the bytes read so far. */
  onProgress?: (capture: Capture) => void;
  /** Sees every frame's bytes during the indexing pass (valid only during the call). */
  onFrame?: (position: number, data: Uint8Array, capture: Capture) => void;
  /** Stop reading once this many frames are indexed. */
  maxFrames?: number;
  /** Polled after each chunk; true stops reading (the reader of our output went away). */
  shouldStop?: () => boolean;
  /**
   * Frames are seen once by onFrame and never read again (printing): keep only a rolling
   * window of the index and do not spool standard input, so memory and disk use stay the
   * same at any capture size. frame() and scan() are not available on such a capture.
   */
  streamOnly?: boolean;
  /** Read a file no further than this many bytes: two threads reading a file still being written see the same frames. */
  upTo?: number;
}

/** An opened capture as plain data for another thread: what its headers and reading said, the index shared. */
export interface SharedCapture {
  name: string;
  path: string;
  size: number | undefined;
  interfaces: CaptureInterface[];
  comments: [number, string[]][];
  index: SharedFrameIndex;
  info: CaptureInfo | undefined;
  warnings: string[];
  error: string | undefined;
  bytesRead: number;
}

/** An opened capture: what its headers said, the frame index, and access to frame bytes. */
export class Capture {
  readonly index: FrameIndex;
  readonly interfaces: CaptureInterface[] = [];
  readonly warnings: string[] = [];
  /** pcapng packet comments by frame position (0-based); most captures have none. */
  readonly comments = new Map<number, string[]>();
  info: CaptureInfo | undefined;
  /** Set when reading stopped on corrupt data; the frames before it remain usable. */
  error: string | undefined;
  complete = false;
  bytesRead = 0;
  private readonly reader: FrameReader;

  constructor(
    /** The name the user gave (a path, or "-" for standard input). */
    readonly name: string,
    /** The file frames are re-read from (the spool file for standard input). */
    readonly path: string,
    /** Size of the input when known in advance. */
    readonly size: number | undefined,
    private readonly cleanup?: () => void,
    streamOnly = false,
    index?: FrameIndex,
  ) {
    this.index = index ?? new FrameIndex(streamOnly);
    this.reader = new FrameReader(path, this.index);
  }

  /** The capture as another thread can open it (a complete capture, read from a file). */
  shared(): SharedCapture {
    return {
      name: this.name,
      path: this.path,
      size: this.size,
      interfaces: this.interfaces,
      comments: [...this.comments],
      index: this.index.shared(),
      info: this.info,
      warnings: this.warnings,
      error: this.error,
      bytesRead: this.bytesRead,
    };
  }

  /** A capture another thread shared: its frames are read from the same file; closing it removes nothing. */
  static fromShared(data: SharedCapture): Capture {
    const c = new Capture(data.name, data.path, data.size, undefined, false, FrameIndex.fromShared(data.index));
    c.interfaces.push(...data.interfaces);
    for (const [i, text] of data.comments) c.comments.set(i, text);
    c.warnings.push(...data.warnings);
    c.info = data.info;
    c.error = data.error;
    c.bytesRead = data.bytesRead;
    c.complete = true;
    return c;
  }

  get frameCount(): number {
    return this.index.count;
  }

  /** Bytes of frame `position` (0-based). */
  frame(position: number): Uint8Array {
    return this.reader.read(position);
  }

  scan(from: number, to: number, fn: (position: number, data: Uint8Array) => void | false): void {
    this.reader.scan(from, to, fn);
  }

  close(): void {
    this.reader.close();
    this.cleanup?.();
  }
}

function targetFor(capture: Capture, opts: LoadOptions): ParseTarget {
  const target: ParseTarget = {
    index: capture.index,
    interfaces: capture.interfaces,
    warnings: capture.warnings,
    comments: capture.comments,
  };
  const onFrame = opts.onFrame;
  if (onFrame) {
    target.onFrame = (i, d) => {
      // The header was parsed before any frame, so what it said is known by now.
      capture.info ??= target.info;
      onFrame(i, d, capture);
    };
  }
  return target;
}

/** Feeds chunks to the builder, records a mid-file corruption on the capture, and finishes. */
class Feeder {
  private started = false;
  readonly builder: IndexBuilder;
  readonly target: ParseTarget;
  constructor(
    readonly capture: Capture,
    private readonly opts: LoadOptions,
  ) {
    this.target = targetFor(capture, opts);
    this.builder = new IndexBuilder(this.target);
  }

  /** Returns false when reading should stop (corrupt data or the frame limit). */
  feed(chunk: Uint8Array): boolean {
    try {
      this.builder.push(chunk);
    } catch (e) {
      if (!(e instanceof VxError) || !this.target.info) throw e;
      this.capture.error = e.message;
    }
    this.capture.bytesRead = this.builder.bytesSeen;
    if (this.target.info && !this.started) {
      this.started = true;
      this.capture.info = this.target.info;
      this.opts.onStart?.(this.capture);
    }
    this.opts.onProgress?.(this.capture);
    if (this.capture.error || this.opts.shouldStop?.()) return false;
    return !(this.opts.maxFrames !== undefined && this.capture.index.count >= this.opts.maxFrames);
  }

  end(stoppedEarly: boolean): Capture {
    if (!this.capture.error && !stoppedEarly) this.builder.finish();
    // A capture cut inside a record is damaged like one corrupt after its header: every
    // complete packet is kept, and the commands say so and exit 1 (tshark exits 2).
    if (this.target.truncated) this.capture.error ??= this.target.truncated;
    this.capture.info = this.target.info;
    this.capture.complete = true;
    if (!this.started && this.capture.info) this.opts.onStart?.(this.capture);
    return this.capture;
  }
}

/**
 * Reads a capture file (or "-" for standard input) in one streaming pass. Problems that
 * make the input unusable reject with a VxError naming the input; corruption after the
 * header is kept on capture.error with every frame before it.
 */
export async function loadCapture(name: string, opts: LoadOptions = {}): Promise<Capture> {
  try {
    return name === '-' ? await loadStream(process.stdin, opts) : await loadFile(name, opts);
  } catch (e) {
    if (e instanceof VxError) throw new VxError(e.kind, msg.inInput(name, e.message));
    throw e;
  }
}

async function loadFile(name: string, opts: LoadOptions): Promise<Capture> {
  const size = await checkFile(name);
  // A gzip-compressed capture (tshark reads them) is decompressed into a spool file, like standard input.
  if (await isGzipFile(name)) return loadStream(createReadStream(name), opts, name);
  const capture = new Capture(name, name, size, undefined, opts.streamOnly);
  const feeder = new Feeder(capture, opts);
  const fh = await open(name, 'r').catch((e: unknown) => {
    throw new VxError('input', msg.unreadable(ioReason(e)));
  });
  // Two buffers: the next chunk is read (on libuv's thread, the other core) while this one
  // is parsed. The builder copies what it keeps of a chunk, so a buffer is free once fed.
  const bufs = [new Uint8Array(CHUNK), new Uint8Array(CHUNK)];
  let left = opts.upTo ?? Infinity;
  const readInto = (buf: Uint8Array): Promise<number> =>
    fh.read(buf, 0, Math.min(CHUNK, left), null).then(
      (r) => r.bytesRead,
      (e: unknown) => {
        throw new VxError('input', msg.unreadable(ioReason(e)));
      },
    );
  let which = 0;
  let pending: Promise<number> = readInto(bufs[0]!);
  let stopped = false;
  try {
    for (;;) {
      const bytesRead = await pending;
      if (bytesRead === 0) break;
      left -= bytesRead;
      const chunk = bufs[which]!.subarray(0, bytesRead);
      which ^= 1;
      pending = readInto(bufs[which]!);
      if (!feeder.feed(chunk)) {
        stopped = true;
        break;
      }
    }
  } catch (e) {
    capture.close();
    throw e;
  } finally {
    await pending.catch(() => undefined);
    await fh.close();
  }
  return feeder.end(stopped);
}

/** Reads a capture from a stream, spooling it to a temporary file for random access later. */
export async function loadStream(stream: NodeJS.ReadableStream & { isTTY?: boolean }, opts: LoadOptions = {}, name = '-'): Promise<Capture> {
  if (stream.isTTY) throw new VxError('usage', msg.stdinIsTerminal());
  const spool = opts.streamOnly ? undefined : Spool.create();
  const capture = spool ? new Capture(name, spool.path, undefined, () => spool.remove()) : new Capture(name, '', undefined, undefined, true);
  const feeder = new Feeder(capture, opts);
  let stopped = false;
  try {
    for await (const chunk of gunzipIfCompressed(readChunks(stream))) {
      spool?.write(chunk);
      if (!feeder.feed(chunk)) {
        stopped = true;
        break;
      }
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('Z_') && capture.info) {
      // A cut or damaged gzip stream: the packets decompressed before it stay usable.
      capture.error = msg.gzipDamaged((e as Error).message);
      stopped = true;
    } else {
      capture.close();
      if (typeof code === 'string' && code.startsWith('Z_')) throw new VxError('input', msg.gzipDamaged((e as Error).message));
      throw e;
    }
  }
  spool?.finishWriting();
  return feeder.end(stopped);
}

/** A stream's chunks; a failed read (EIO, EISDIR on `< dir`) becomes the one-line error. */
async function* readChunks(stream: NodeJS.ReadableStream): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) yield chunk;
  } catch (e) {
    if (e instanceof VxError) throw e;
    throw new VxError('input', msg.unreadable(ioReason(e)));
  }
}

const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * Whether loadCapture reads `name` in place: a file, not gzip-compressed (that is spooled to a
 * temporary file first) nor standard input. Any thread may then read it.
 */
export async function readsInPlace(name: string): Promise<boolean> {
  if (name === '-') return false;
  try {
    return (await stat(name)).isFile() && !(await isGzipFile(name));
  } catch {
    return false;
  }
}

/**
 * About how many bytes of capture `name` holds once read: a file's size; for a gzip file the
 * uncompressed size its trailer records (that is modulo 4 GiB: never less than the compressed
 * size is taken); 0 for standard input, which cannot be known before it is read, or a file
 * that cannot be read.
 */
export async function captureBytes(name: string): Promise<number> {
  if (name === '-') return 0;
  try {
    const { size } = await stat(name);
    if (!(await isGzipFile(name)) || size < 18) return size;
    const fh = await open(name, 'r');
    try {
      const trailer = new Uint8Array(4);
      await fh.read(trailer, 0, 4, size - 4);
      return Math.max(size, new DataView(trailer.buffer).getUint32(0, true));
    } finally {
      await fh.close();
    }
  } catch {
    return 0;
  }
}

async function isGzipFile(name: string): Promise<boolean> {
  const fh = await open(name, 'r');
  try {
    const head = new Uint8Array(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return isGzip(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** The stream's bytes, decompressed when they start with the gzip magic. */
async function* gunzipIfCompressed(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const rest = async function* (): AsyncGenerator<Uint8Array> {
    yield first.value;
    for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
  };
  if (!isGzip(first.value)) {
    yield* rest();
    return;
  }
  yield* Readable.from(rest()).pipe(createGunzip()) as AsyncIterable<Uint8Array>;
}

async function checkFile(name: string): Promise<number> {
  let st;
  try {
    st = await stat(name);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new VxError('input', msg.missingFile());
    throw new VxError('input', msg.unreadable(ioReason(e)));
  }
  if (st.isDirectory()) throw new VxError('input', msg.isDirectory());
  if (st.isFile() && st.size === 0) throw new VxError('input', msg.emptyFile());
  return st.size;
}
