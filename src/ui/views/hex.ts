// Hex and ASCII of the selected packet. The byte range of the field selected in the detail
// tree is highlighted; when this pane has the focus a cursor moves over the bytes and the
// tree follows it (the app asks the detail view for the field covering the cursor).
import { fit } from '../text.js';
import type { Role, Theme } from '../theme.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export interface ByteRange {
  start: number;
  length: number;
}

export class HexView {
  cursor = 0;
  /** First line on screen. */
  top = 0;
  private data: Uint8Array = new Uint8Array(0);
  private lastHeight = 1;
  private perLine = 16;

  constructor(private readonly theme: Theme) {}

  setData(data: Uint8Array): void {
    if (data === this.data) return;
    this.data = data;
    this.cursor = Math.max(0, Math.min(this.cursor, data.length - 1));
  }

  /** The packet's bytes (for search). */
  get bytes(): Uint8Array {
    return this.data;
  }

  get length(): number {
    return this.data.length;
  }

  /** Bytes per line for a width: 16 when they fit, else 8. */
  static bytesPerLine(width: number): number {
    return width >= 74 ? 16 : 8;
  }

  private get lines(): number {
    return Math.ceil(this.data.length / this.perLine);
  }

  private page(): number {
    return Math.max(1, this.lastHeight - 1);
  }

  /** Scrolls so that a byte is on screen. */
  reveal(offset: number): void {
    const line = Math.floor(offset / this.perLine);
    const page = this.page();
    if (line < this.top) this.top = line;
    if (line >= this.top + page) this.top = line - page + 1;
    this.top = Math.max(0, Math.min(this.top, Math.max(0, this.lines - page)));
  }

  moveCursor(offset: number): void {
    this.cursor = Math.max(0, Math.min(offset, this.data.length - 1));
    this.reveal(this.cursor);
  }

  moveBy(delta: number): void {
    this.moveCursor(this.cursor + delta);
  }

  lineBy(lines: number): void {
    this.moveCursor(this.cursor + lines * this.perLine);
  }

  pageBy(pages: number): void {
    this.lineBy(pages * this.page());
  }

  scrollBy(lines: number): void {
    const page = this.page();
    this.top = Math.max(0, Math.min(this.top + lines, Math.max(0, this.lines - page)));
  }

  /** The byte under a cell of the pane (y = 0 is the title line), if any. */
  byteAt(x: number, y: number): number | undefined {
    if (y < 1) return undefined;
    const line = this.top + y - 1;
    const hexStart = 6;
    const asciiStart = hexStart + this.perLine * 3 + 2;
    let col: number | undefined;
    if (x >= hexStart && x < hexStart + this.perLine * 3 + 1) {
      const rel = x - hexStart;
      col = rel >= 8 * 3 && this.perLine === 16 ? Math.floor((rel - 1) / 3) : Math.floor(rel / 3);
    } else if (x >= asciiStart && x < asciiStart + this.perLine) col = x - asciiStart;
    if (col === undefined || col >= this.perLine) return undefined;
    const off = line * this.perLine + col;
    return off < this.data.length ? off : undefined;
  }

  render(width: number, height: number, focused: boolean, highlight: ByteRange | undefined, title: string): string[] {
    this.lastHeight = height;
    this.perLine = HexView.bytesPerLine(width);
    const th = this.theme;
    const out = [th.paint(focused ? 'titleFocused' : 'title', fit(` ${title}`, width))];
    const data = this.data;
    const hiStart = highlight?.start ?? -1;
    const hiEnd = highlight ? highlight.start + highlight.length : -1;
    const roleOf = (off: number): Role | undefined => {
      if (focused && off === this.cursor) return 'cursor';
      if (off >= hiStart && off < hiEnd) return 'highlight';
      return undefined;
    };
    this.reveal(Math.min(this.cursor, Math.max(0, data.length - 1)));
    const end = Math.min(this.lines, this.top + height - 1);
    for (let line = this.top; line < end; line++) {
      const base = line * this.perLine;
      let text = base.toString(16).padStart(4, '0') + '  ';
      let ascii = '';
      for (let k = 0; k < this.perLine; k++) {
        const off = base + k;
        if (k === 8) text += ' ';
        if (off >= data.length) {
          text += '   ';
          continue;
        }
        const b = data[off]!;
        const role = roleOf(off);
        // A highlighted run stays one block: the space after a byte takes the role of the
        // byte when the next one is in the same run.
        const nextSame = off + 1 < data.length && k !== 7 && k !== this.perLine - 1 && roleOf(off + 1) === role && role !== 'cursor';
        const cell = HEX[b]!;
        text += role ? th.paint(role, nextSame ? cell + ' ' : cell) + (nextSame ? '' : ' ') : cell + ' ';
        const ch = b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
        ascii += role ? th.paint(role, ch) : ch;
      }
      out.push(text + ' ' + ascii);
    }
    return out;
  }
}
