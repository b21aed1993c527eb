import { EXIT_INPUT, VxError } from '../errors.js';

/** Output that stops quietly when the reader goes away (`vxshark -r big.pcap | head`). */
export class Output {
  closed = false;
  private pending = '';
  constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') this.closed = true;
      else throw e;
    });
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

  /** Resolves once everything written has left the process (or the pipe closed). */
  async drain(): Promise<void> {
    this.flush();
    if (this.closed || !this.stream.writableNeedDrain) return;
    await new Promise<void>((resolve) => {
      this.stream.once('drain', resolve);
      this.stream.once('error', () => resolve());
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
  const err = e as Error;
  warn(`internal error: ${err?.message ?? String(e)} (please report this with the capture that caused it)`);
  if (process.env.VXSHARK_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
  return EXIT_INPUT;
}
