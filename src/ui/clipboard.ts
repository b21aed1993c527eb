// Copying what is selected (y): the packet's summary in the list, the field in the tree, the
// bytes in the hex pane, or the followed stream's text. It goes to the terminal's clipboard as
// an OSC 52 sequence (xterm, kitty, iTerm2, Windows Terminal, tmux with set-clipboard on), or
// to a new file with `:copy FILE`. What is copied comes from capture bytes, so it is cleaned
// first: a paste must not carry escape sequences or other controls into a shell.
import { closeSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { VxError, ioError, msg } from '../errors.js';
import type { UiState } from './app-state.js';

/** Terminals cap OSC 52 payloads (xterm at 100,000 bytes of base64): the text is cut below that. */
const COPY_LIMIT = 65_536;

export interface Copied {
  /** What it is, for the status line: "the summary of frame 3". */
  what: string;
  text: string;
}

/** Printable text, tabs and line feeds; every other control character (ESC included) becomes '.'. */
export function cleanForPaste(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '.');
}

/** The OSC 52 sequence that asks the terminal to put `text` on the system clipboard. */
export function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
}

const hexStream = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** What `y` copies in the view and pane in focus, or undefined when there is nothing. */
export function selectionToCopy(s: UiState): Copied | undefined {
  if (s.stream) {
    const f = s.stream.follow;
    let text = '';
    for (const c of f.chunks) text += c.missing !== undefined ? `[${c.missing} bytes missing in the capture]\n` : Buffer.from(c.data).toString('latin1');
    // Lines end in LF alone: a carriage return pasted into a shell acts as Enter.
    return { what: `the ${s.stream.proto.toUpperCase()} stream's bytes`, text: text.replace(/\r\n/g, '\n').replace(/[^\t\n\x20-\x7e]/g, '.') };
  }
  if (s.view !== 'packets' || !s.store) return undefined;
  const pos = s.selectedPos;
  if (pos === undefined) return undefined;
  if (s.focus === 'list') {
    const p = s.store.summary(pos);
    const tunnel = p.tunnel ? `  [${p.tunnel.label} ${p.tunnel.outerSource} → ${p.tunnel.outerDestination}]` : '';
    return {
      what: `the summary of frame ${pos + 1}`,
      text: `${pos + 1} ${s.store.timeText(pos)} ${p.source} → ${p.destination} ${p.protocol} ${p.length} ${p.info}${tunnel}`,
    };
  }
  if (s.focus === 'detail') {
    const node = s.detail.current()?.node;
    return node ? { what: `"${node.field ?? node.label.slice(0, 30)}" of frame ${pos + 1}`, text: node.label } : undefined;
  }
  const data = s.store.packet(pos).data.subarray(0, s.store.capture.index.capLenOf(pos));
  const range = s.detail.selectedRange();
  if (range && range.start + range.length <= data.length) {
    return { what: `${range.length} bytes of frame ${pos + 1} as hex`, text: hexStream(data.subarray(range.start, range.start + range.length)) };
  }
  return { what: `the ${data.length} bytes of frame ${pos + 1} as hex`, text: hexStream(data) };
}

/** Sends the cleaned text to the terminal's clipboard; returns what the status line says. */
export function copyToTerminal(copied: Copied, write: (sequence: string) => void): string {
  const text = cleanForPaste(copied.text);
  const cut = text.length > COPY_LIMIT;
  write(osc52(cut ? text.slice(0, COPY_LIMIT) : text));
  return msg.uiCopied(copied.what, Math.min(text.length, COPY_LIMIT), cut);
}

/** Writes the cleaned text to a new file (never over an existing one); returns what the status line says. */
export function copyToFile(copied: Copied, path: string): string {
  const full = resolve(path);
  let fd: number;
  try {
    fd = openSync(full, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new VxError('usage', msg.uiCopyExists(path));
    throw ioError(e, path, 'write');
  }
  try {
    writeSync(fd, cleanForPaste(copied.text) + (copied.text.endsWith('\n') ? '' : '\n'));
  } catch (e) {
    throw ioError(e, path, 'write');
  } finally {
    closeSync(fd);
  }
  return msg.uiCopiedToFile(copied.what, path);
}
