// The one place blessed is loaded, with the types vxshark relies on. @types/blessed swaps the
// input and output stream types of the screen options and has no `screen.lines`. Everything
// else in src/ui uses these.
import { createRequire } from 'node:module';
import type { Widgets } from 'blessed';
import { patchTput } from './terminfo.js';

const require = createRequire(import.meta.url);

/** One screen cell as blessed keeps it: [attributes, character]. attr = flags << 18 | fg << 9 | bg. */
export type Cell = [attr: number, ch: string];

export type Box = Widgets.BoxElement;
export type Element = Widgets.BlessedElement;

export interface KeyEvent {
  name?: string;
  full: string;
  sequence?: string;
  ctrl?: boolean;
  shift?: boolean;
  meta?: boolean;
}

export interface MouseEvent {
  x: number;
  y: number;
  action: string;
  button?: string;
}

export interface TerminalInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface TerminalOutput extends NodeJS.WritableStream {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

export interface ScreenOptions {
  input: TerminalInput;
  output: TerminalOutput;
  terminal: string;
  smartCSR?: boolean;
  fullUnicode?: boolean;
  forceUnicode?: boolean;
  warnings?: boolean;
  autoPadding?: boolean;
  title?: string;
  sendFocus?: boolean;
  useBCE?: boolean;
  resizeTimeout?: number;
  cursor?: { artificial?: boolean; shape?: string; blink?: boolean };
}

export interface Program {
  tput: { colors: number; error: Error | null; unicode?: boolean; brokenACS?: boolean };
  cols: number;
  rows: number;
  input: TerminalInput;
  output: TerminalOutput;
  showCursor(): void;
  hideCursor(): void;
  normalBuffer(): void;
  disableMouse(): void;
  on(event: string, fn: (...args: unknown[]) => void): unknown;
}

/** The screen as blessed really has it. */
export type Screen = Omit<Widgets.Screen, 'program'> & {
  lines: Cell[][];
  program: Program;
  destroyed?: boolean;
};

interface BlessedModule {
  screen(options: ScreenOptions): Screen;
  box(options: Widgets.BoxOptions): Box;
  tput: { prototype: { parseTerminfo(data: Buffer, file: string): unknown } };
}

let loaded: BlessedModule | undefined;

/** blessed, with its terminfo parser taught ncurses' 32-bit format (see terminfo.ts). */
export function blessed(): BlessedModule {
  if (!loaded) {
    loaded = require('blessed') as BlessedModule;
    patchTput(loaded.tput);
  }
  return loaded;
}
