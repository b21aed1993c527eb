// Shared by the capture reader tests: temporary files, loading fixture bytes through the real
// loader, and driving IndexBuilder directly with chosen chunk sizes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCapture, type Capture, type LoadOptions } from '../../src/capture/capture.js';
import { FrameIndex } from '../../src/capture/frame-index.js';
import { IndexBuilder } from '../../src/capture/index-builder.js';
import type { ParseTarget } from '../../src/capture/parser.js';
import { VxError } from '../../src/errors.js';

/** A private temporary directory; call cleanup() (e.g. in after()) to remove it. */
export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'vxshark-test-'));
  private n = 0;

  /** Writes bytes to a fresh file in the directory and returns its path. */
  write(bytes: Uint8Array | string, name = `f${this.n++}.cap`): string {
    const p = join(this.path, name);
    writeFileSync(p, bytes);
    return p;
  }

  cleanup(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

const open: Capture[] = [];

/** Writes the bytes to a temporary file and loads them with loadCapture. */
export async function loadBytes(dir: TempDir, bytes: Uint8Array, opts?: LoadOptions): Promise<Capture> {
  const capture = await loadCapture(dir.write(bytes), opts);
  open.push(capture);
  return capture;
}

export function closeAll(): void {
  for (const c of open.splice(0)) c.close();
}

/** loadCapture must reject with a VxError; returns its message. */
export async function loadError(dir: TempDir, bytes: Uint8Array): Promise<string> {
  try {
    const c = await loadBytes(dir, bytes);
    throw new Error(`expected the load to fail, got ${c.frameCount} frames (error: ${c.error ?? 'none'})`);
  } catch (e) {
    if (!(e instanceof VxError)) throw e;
    return e.message;
  }
}

export interface ChunkedResult {
  target: ParseTarget;
  /** Message of the VxError that stopped the builder, if any. */
  error?: string;
  /** Bytes pushed when the error was thrown (including the chunk that threw). */
  errorAfter?: number;
}

/** Feeds `bytes` to a fresh IndexBuilder `size` bytes at a time, as a pipe would. */
export function indexInChunks(bytes: Uint8Array, size: number): ChunkedResult {
  const target: ParseTarget = { index: new FrameIndex(), interfaces: [], warnings: [] };
  const builder = new IndexBuilder(target);
  try {
    for (let o = 0; o < bytes.length; o += size) {
      // A fresh copy each time: the builder may not keep views into memory the caller reuses.
      builder.push(bytes.slice(o, o + size));
    }
    builder.finish();
  } catch (e) {
    if (!(e instanceof VxError)) throw e;
    return { target, error: e.message, errorAfter: builder.bytesSeen };
  }
  return { target };
}

/** Every column of every frame, for comparing indexes built different ways. */
export function dumpIndex(index: FrameIndex): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < index.count; i++) {
    rows.push([
      index.offsetOf(i),
      index.capLenOf(i),
      index.origLenOf(i),
      index.secondsOf(i),
      index.nanosOf(i),
      index.interfaceOf(i),
      index.directionOf(i),
      index.ifindexOf(i) ?? -1,
    ]);
  }
  return rows;
}

/** Bytes of every frame as the capture reads them back singly. */
export function framesOf(capture: Capture): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < capture.frameCount; i++) out.push(Uint8Array.from(capture.frame(i)));
  return out;
}

/** Bytes of every frame as a sequential scan delivers them (copied: the views are transient). */
export function scannedFrames(capture: Capture): Uint8Array[] {
  const out: Uint8Array[] = [];
  capture.scan(0, capture.frameCount, (i, data) => {
    out[i] = Uint8Array.from(data);
  });
  return out;
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
