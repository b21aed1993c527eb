// Runs the real terminal UI headless: blessed draws into screen.lines on fake streams, keys
// are escape sequences written to the fake input.
import { fileURLToPath } from 'node:url';
import { runUi, type UiHandle, type UiOptions } from '../../src/ui/index.js';
import { FakeInput, FakeOutput, KEYS, cellAttr, screenLines } from '../../src/ui/headless.js';

export const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));
export const CILIUM = SAMPLES + 'cilium-vxlan-8472.pcap';

export interface Ui {
  input: FakeInput;
  output: FakeOutput;
  handle: UiHandle;
  status: Promise<number>;
  stderr: string[];
  /** The screen as text, one string per row. */
  lines(): string[];
  text(): string;
  /** The status bar and a long message's lines above it, joined, runs of blanks made one. */
  bottom(): string;
  /** The display filter applied (the whole text, however long). */
  filterText(): string;
  /** The row containing `needle` (its index), or -1. */
  row(needle: string): number;
  attr(x: number, y: number): { flags: number; fg: number; bg: number };
  /** Writes keys (escape sequences or text), each followed by a settled render. */
  press(...keys: string[]): Promise<void>;
  /** Types text one key at a time. */
  type(text: string): Promise<void>;
  settle(): Promise<void>;
  quit(): Promise<number>;
}

export interface StartOptions extends Partial<Omit<UiOptions, 'file' | 'input' | 'output' | 'onReady'>> {
  cols?: number;
  rows?: number;
  record?: boolean;
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

export async function startUi(file: string, opts: StartOptions = {}): Promise<Ui> {
  const input = new FakeInput();
  const output = new FakeOutput(opts.cols ?? 140, opts.rows ?? 40, opts.record ?? false);
  const stderr: string[] = [];
  const errStream = new (await import('node:stream')).Writable({
    write(chunk: Buffer, _e, cb) {
      stderr.push(chunk.toString());
      cb();
    },
  });
  let ready!: (h: UiHandle) => void;
  const started = new Promise<UiHandle>((r) => (ready = r));
  const { cols: _c, rows: _r, record: _rec, ...rest } = opts;
  const status = runUi({ ifnames: new Map(), terminal: 'xterm-256color', ...rest, file, input, output, stderr: errStream, onReady: (h) => ready(h) });
  const handle = await Promise.race([started, status.then((s) => Promise.reject(new Error(`UI exited with ${s}: ${stderr.join('')}`)))]);
  const ui: Ui = {
    input,
    output,
    handle,
    status,
    stderr,
    lines: () => screenLines(handle.screen.lines),
    text: () => screenLines(handle.screen.lines).join('\n'),
    bottom: () =>
      screenLines(handle.screen.lines)
        .slice(-5)
        .map((l) => l.trim())
        .join(' ')
        .replace(/ {2,}/g, ' '),
    filterText: () => handle.app.filterBar.applied,
    row: (needle) => screenLines(handle.screen.lines).findIndex((l) => l.includes(needle)),
    attr: (x, y) => cellAttr(handle.screen.lines, x, y),
    async settle() {
      await tick();
      await new Promise((r) => setImmediate(r));
      await handle.idle();
    },
    async press(...keys) {
      for (const k of keys) {
        input.write(k);
        await ui.settle();
      }
    },
    async type(text) {
      for (const ch of text) {
        input.write(ch);
        await tick();
      }
      await ui.settle();
    },
    async quit() {
      handle.quit();
      return status;
    },
  };
  await ui.settle();
  return ui;
}

/** Runs a `:` command line (`goto 18`, `column add ip.ttl`) as the user types it. */
export async function command(ui: Ui, text: string): Promise<void> {
  await ui.press(':');
  await ui.type(text);
  await ui.press(KEYS.enter);
}
