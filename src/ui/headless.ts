// Fake terminal streams for running the real UI without a terminal (tests, benchmarks):
// blessed renders into screen.lines, and escape sequences written to the input drive keys.
import { PassThrough, Writable } from 'node:stream';
import type { Cell } from './blessed.js';

export class FakeInput extends PassThrough {
  readonly isTTY = true;
  isRaw = false;
  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    return this;
  }
}

export class FakeOutput extends Writable {
  readonly isTTY = true;
  /** Bytes written so far. */
  bytes = 0;
  /** Everything written, when `record` is set. */
  readonly chunks: string[] = [];

  constructor(
    public columns: number,
    public rows: number,
    private readonly record = false,
  ) {
    super();
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.bytes += chunk.length;
    if (this.record) this.chunks.push(chunk.toString());
    done();
  }

  /** Changes the terminal size as a real one would (blessed listens for 'resize'). */
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }

  text(): string {
    return this.chunks.join('');
  }
}

/** The screen's characters, one string per row. */
export function screenLines(lines: readonly Cell[][]): string[] {
  return lines.map((row) => row.map((c) => c[1]).join(''));
}

/** Attribute of one cell decoded: flags (1 bold, 2 underline, 8 inverse), fg and bg (0x1ff = default). */
export function cellAttr(lines: readonly Cell[][], x: number, y: number): { flags: number; fg: number; bg: number } {
  const attr = lines[y]?.[x]?.[0] ?? 0;
  return { flags: (attr >> 18) & 0x1ff, fg: (attr >> 9) & 0x1ff, bg: attr & 0x1ff };
}

/** Escape sequences for keys, to write to a FakeInput. */
export const KEYS = {
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  home: '\x1b[H',
  end: '\x1b[F',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  shiftTab: '\x1b[Z',
  backspace: '\x7f',
  ctrlC: '\x03',
  ctrlD: '\x04',
  ctrlU: '\x15',
} as const;

/**
 * SGR mouse reports for a click (press, then release) or a wheel step at 0-based cell x, y.
 * blessed parses one report per read, so each must be written separately.
 */
export function mouse(kind: 'click' | 'wheelup' | 'wheeldown', x: number, y: number): string[] {
  const button = kind === 'click' ? 0 : kind === 'wheelup' ? 64 : 65;
  const press = `\x1b[<${button};${x + 1};${y + 1}M`;
  return kind === 'click' ? [press, `\x1b[<${button};${x + 1};${y + 1}m`] : [press];
}
