// Fitting text into terminal cells. blessed counts one cell per UTF-16 unit; text from a
// capture has already been through safeText (no control characters), and `narrow` replaces
// what would still break the grid: wide (CJK, emoji) and zero-width (combining) characters.
import { grouped } from '../text/grouped.js';

// Hangul Jamo, CJK and other East Asian wide blocks, surrogate pairs (emoji), combining marks.
const NOT_ONE_CELL =
  /[\u0300-\u036f\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\ud800-\udfff\u200b-\u200d\ufeff]/g;

/** Replaces characters that do not take exactly one terminal cell. */
export function narrow(s: string): string {
  return NOT_ONE_CELL.test(s) ? s.replace(NOT_ONE_CELL, '?') : s;
}

/** Exactly `width` cells: cut with an ellipsis when too long, padded with spaces otherwise. */
export function fit(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  if (s.length > width) return width === 1 ? '…' : s.slice(0, width - 1) + '…';
  return align === 'left' ? s.padEnd(width) : s.padStart(width);
}

/** The first of `variants` (longest wording first) that fits in `width` cells, padded; else the last, cut. */
export function fitFirst(variants: readonly string[], width: number): string {
  for (const v of variants) if (v.length <= width) return v.padEnd(width);
  return fit(variants[variants.length - 1] ?? '', width);
}

/** At most `width` cells, cut with an ellipsis; no padding. */
export function clip(s: string, width: number): string {
  if (width <= 0) return '';
  return s.length > width ? (width === 1 ? '…' : s.slice(0, width - 1) + '…') : s;
}

export interface ColumnSpec {
  id: string;
  title: string;
  /** Width below which the column is dropped rather than shrunk. */
  min: number;
  /** Width it gets when there is room. */
  ideal: number;
  align?: 'left' | 'right';
  /** Share of any room left over once every column has its ideal width (0: none). */
  grow?: number;
  /** Lower numbers are dropped first when even the minimum widths do not fit. */
  keep?: number;
  /** Gives up its room before the others when the ideal widths do not fit (the Info column). */
  shrinkFirst?: boolean;
}

export interface PlacedColumn extends ColumnSpec {
  width: number;
}

/**
 * Widths for a row of columns separated by one space: ideal widths when they fit, spare room
 * to the growing columns, otherwise every column shrunk towards its minimum in proportion to
 * its slack, and columns dropped (lowest `keep` first) when the minimums still do not fit.
 */
export function layoutColumns(specs: readonly ColumnSpec[], total: number): PlacedColumn[] {
  let cols = [...specs];
  const need = (list: readonly ColumnSpec[], pick: (c: ColumnSpec) => number): number => list.reduce((s, c) => s + pick(c), 0) + Math.max(0, list.length - 1);
  while (cols.length > 1 && need(cols, (c) => c.min) > total) {
    let drop = 0;
    for (let i = 1; i < cols.length; i++) if ((cols[i]!.keep ?? 5) < (cols[drop]!.keep ?? 5)) drop = i;
    cols = cols.filter((_, i) => i !== drop);
  }
  const ideal = need(cols, (c) => c.ideal);
  if (ideal <= total) {
    const spare = total - ideal;
    const growth = cols.reduce((s, c) => s + (c.grow ?? 0), 0);
    const placed = cols.map((c) => ({ ...c, width: c.ideal + (growth ? Math.floor((spare * (c.grow ?? 0)) / growth) : 0) }));
    // Rounding leftovers go to the last growing column.
    const used = need(placed, (c) => (c as PlacedColumn).width);
    const last = [...placed].reverse().find((c) => (c.grow ?? 0) > 0);
    if (last) last.width += total - used;
    return placed;
  }
  let over = ideal - total;
  const start = cols.map((c) => {
    if (!c.shrinkFirst || over <= 0) return { ...c };
    const give = Math.min(over, c.ideal - c.min);
    over -= give;
    return { ...c, ideal: c.ideal - give };
  });
  const slack = start.reduce((s, c) => s + (c.ideal - c.min), 0);
  const placed = start.map((c) => ({ ...c, width: c.ideal - (slack ? Math.ceil((over * (c.ideal - c.min)) / slack) : 0) }));
  for (const c of placed) c.width = Math.max(c.min, c.width);
  // Ceil may have taken a cell or two too many: hand them back to the widest column.
  let used = need(placed, (c) => (c as PlacedColumn).width);
  while (used < total) {
    const widest = placed.reduce((a, b) => (b.ideal - b.width > a.ideal - a.width ? b : a));
    if (widest.width >= widest.ideal) break;
    widest.width++;
    used++;
  }
  return placed;
}

/** A count rounded to a whole number, as users read it: 1234567.4 -> "1,234,567". */
export function thousands(n: number): string {
  return grouped(Math.round(n));
}

/** A text progress bar of `width` cells, e.g. "█████░░░░░". */
export function bar(fraction: number, width: number): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/** A sentence as screen lines of exactly `width` cells, wrapped after a one-cell margin. */
export function paragraph(text: string, width: number): string[] {
  return wrap(text, Math.max(1, width - 2)).map((l) => fit(` ${l}`, width));
}

/** Words wrapped into lines of at most `width` cells (a longer word is cut). */
export function wrap(text: string, maxWidth: number): string[] {
  const width = Math.max(1, maxWidth);
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (!line) line = word;
      else if (line.length + 1 + word.length <= width) line += ' ' + word;
      else {
        out.push(line);
        line = word;
      }
      while (line.length > width) {
        out.push(line.slice(0, width));
        line = line.slice(width);
      }
    }
    out.push(line);
  }
  return out;
}

/** A selection in a list of `length` items shown `page` at a time. */
export class Cursor {
  selected = 0;
  top = 0;

  clamp(length: number, page: number): void {
    this.selected = Math.max(0, Math.min(this.selected, length - 1));
    if (this.selected < this.top) this.top = this.selected;
    if (this.selected >= this.top + page) this.top = this.selected - page + 1;
    this.top = Math.max(0, Math.min(this.top, Math.max(0, length - page)));
  }

  move(delta: number, length: number, page: number): void {
    this.selected += delta;
    this.clamp(length, page);
  }
}
