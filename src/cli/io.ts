import { EXIT_INPUT, VxError, ioError, isSystemError } from '../errors.js';

/**
 * Output that stops quietly when the reader goes away (`vxshark -r big.pcap | head`), and
 * stops with `failure` set when writing fails otherwise (a full disk): the caller reports it.
 */
export class Output {
  closed = false;
  /** Why writing failed (ENOSPC, EIO...), as the one-line error to report; undefined while all is well. */
  failure: VxError | undefined;
  private pending = '';
  constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {
    stream.on('error', (e: NodeJS.ErrnoException) => this.fail(e));
  }

  /** Any writer of this stream calls this with its error: EPIPE ends quietly, anything else is reported. */
  fail(e: unknown): void {
    this.closed = true;
    if ((e as NodeJS.ErrnoException)?.code !== 'EPIPE') this.failure ??= ioError(e, '-', 'write');
  }

  /** Buffers lines and writes them in large pieces; printing a million lines one write each is slow. */
  line(text: string): void {
    if (this.closed) return;
    this.pending += text + '\n';
    if (this.pending.length > 64 * 1024) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0 || this.closed) return;
    this.stream.write(this.pending);
    this.pending = '';
  }

  /** Resolves once everything written has left the process (or the pipe closed, or writing failed). */
  async drain(): Promise<void> {
    this.flush();
    if (this.closed) return;
    // The callback of a write runs after every earlier write finished: their errors are known then.
    await new Promise<void>((resolve) => {
      this.stream.once('error', () => resolve());
      this.stream.write('', () => resolve());
    });
  }
}

export function warn(message: string): void {
  process.stderr.write(`vxshark: ${message}\n`);
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
