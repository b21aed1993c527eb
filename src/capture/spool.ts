import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VxError, ioReason, msg } from '../errors.js';

const live = new Set<string>();
let hooked = false;

function removeAll(): void {
  for (const d of live) rmSync(d, { recursive: true, force: true });
  live.clear();
}

/**
 * A signal would end the process without its 'exit' event, leaving the spool behind. When
 * nothing else handles the signal (a live capture stops its tool on SIGINT and finishes
 * normally), the spool is removed and the signal delivered again with its default action,
 * so the exit status still says which signal ended vxshark.
 */
function onSignal(sig: NodeJS.Signals): void {
  if (process.listenerCount(sig) > 1) return;
  removeAll();
  process.removeAllListeners(sig);
  process.kill(process.pid, sig);
}

/** A private temporary file holding what arrived on standard input, removed when the process exits. */
export class Spool {
  private fd: number | undefined;
  private constructor(
    readonly dir: string,
    readonly path: string,
  ) {}

  static create(): Spool {
    // The handlers first: a signal that comes as soon as the directory exists still removes it.
    if (!hooked) {
      hooked = true;
      process.once('exit', removeAll);
      for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => onSignal(sig));
    }
    try {
      const dir = mkdtempSync(join(tmpdir(), 'vxshark-'));
      live.add(dir);
      const path = join(dir, 'stdin.cap');
      const spool = new Spool(dir, path);
      spool.fd = openSync(path, 'w', 0o600);
      return spool;
    } catch (e) {
      throw new VxError('input', msg.spoolFailed(ioReason(e)));
    }
  }

  /** Written synchronously so that a frame is readable by offset as soon as it is indexed. */
  write(chunk: Uint8Array): void {
    if (this.fd === undefined) return;
    let o = 0;
    try {
      while (o < chunk.length) o += writeSync(this.fd, chunk, o, chunk.length - o);
    } catch (e) {
      throw new VxError('input', msg.spoolFailed(ioReason(e)));
    }
  }

  finishWriting(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  remove(): void {
    this.finishWriting();
    rmSync(this.dir, { recursive: true, force: true });
    live.delete(this.dir);
  }
}
