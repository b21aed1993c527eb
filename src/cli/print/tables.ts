// Aligned text tables for the analysis commands. Every cell is escaped (it may hold text from
// capture bytes), columns are as wide as their widest cell, and when a row would pass the
// width the flexible columns give way first, their cells cut with "…".
import { safeText } from '../../text/escape.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /**
   * May be narrowed (its cells cut with "…") to fit the width. Higher numbers give way first,
   * so addresses (1) are cut only after descriptions (3) and lists (2) could not make room.
   */
  flex?: number;
  /** Narrowest a flexible column gets. */
  min?: number;
}

export const DEFAULT_WIDTH = 100;

/** COLUMNS from the environment, when it is a width. */
function columnsVariable(): number | undefined {
  const n = Number(process.env.COLUMNS);
  return Number.isInteger(n) && n > 0 ? Math.max(60, n) : undefined;
}

/** The terminal's width when printing to one (never below 60), else COLUMNS when set. */
function chosenWidth(): number | undefined {
  return process.stdout.isTTY && process.stdout.columns ? Math.max(60, process.stdout.columns) : columnsVariable();
}

/** What prose wraps at: the terminal's width or COLUMNS, else 100 columns. */
export function outputWidth(): number {
  return chosenWidth() ?? DEFAULT_WIDTH;
}

/**
 * How wide a table may be before its flexible columns give way: the terminal's width, or
 * COLUMNS. Written to a file or a pipe, a table is cut nowhere: an IPv6 address cut short to
 * fit 100 columns is an address lost to grep.
 */
export function tableWidth(): number {
  return chosenWidth() ?? Infinity;
}

/** Display width: every code point counts one (the tables hold no wide characters). */
function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function cut(s: string, w: number): string {
  if (width(s) <= w) return s;
  return [...s].slice(0, Math.max(0, w - 1)).join('') + '…';
}

function pad(s: string, w: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return align === 'right' ? fill + s : s + fill;
}

/**
 * Lays out rows under a header line and returns the lines (no trailing spaces). `below[i]`
 * are lines printed under row i, indented and wrapped to the width, or prose's if narrower
 * (details that would not fit in a column).
 */
export function table(columns: Column[], rows: (string | number)[][], maxWidth = DEFAULT_WIDTH, below?: (string[] | undefined)[]): string[] {
  const out: string[] = [];
  writeTable(
    columns,
    rows.length,
    (i) => rows[i]!,
    (l) => out.push(l),
    maxWidth,
    below && ((i) => below[i]),
  );
  return out;
}

/**
 * table() for rows made on demand: each row's cells are made twice (once to size the columns,
 * once to print) and never all kept, so half a million flows print in constant memory.
 */
export function writeTable(
  columns: Column[],
  count: number,
  cellsOf: (i: number) => (string | number)[],
  emit: (line: string) => void,
  maxWidth = DEFAULT_WIDTH,
  below?: (i: number) => string[] | undefined,
): void {
  const cellText = (i: number): string[] => {
    const r = cellsOf(i);
    return columns.map((_, k) => safeText(String(r[k] ?? '')));
  };
  const widths = columns.map((c) => width(c.header));
  for (let i = 0; i < count; i++) {
    const r = cellText(i);
    for (let k = 0; k < columns.length; k++) widths[k] = Math.max(widths[k]!, width(r[k]!));
  }
  const gap = 2;
  const total = (): number => widths.reduce((a, b) => a + b, 0) + gap * (columns.length - 1);
  const floor = (i: number): number => Math.max(columns[i]!.min ?? 8, width(columns[i]!.header));
  // Narrow the flexible columns, those that give way first first, until the table fits.
  const ranks = [...new Set(columns.map((c) => c.flex ?? 0).filter((f) => f > 0))].sort((a, b) => b - a);
  for (const rank of ranks) {
    for (let i = 0; i < columns.length && total() > maxWidth; i++) {
      if (columns[i]!.flex !== rank || widths[i]! <= floor(i)) continue;
      widths[i] = Math.max(widths[i]! - (total() - maxWidth), floor(i));
    }
  }
  const line = (r: string[]): string =>
    r
      .map((v, i) => pad(cut(v, widths[i]!), widths[i]!, columns[i]!.align ?? 'left'))
      .join(' '.repeat(gap))
      .trimEnd();
  emit(line(columns.map((c) => c.header)));
  for (let i = 0; i < count; i++) {
    emit(line(cellText(i)));
    // Lines below a row are prose: they wrap as prose does, also where the table is cut nowhere.
    for (const extra of below?.(i) ?? []) for (const l of wrap(extra, Math.min(maxWidth, outputWidth()) - 6, '  ')) emit(`    ${l}`);
  }
}

/**
 * What JSON.stringify(array, null, 2) prints, one element at a time: a long list (every flow)
 * is never one string in memory.
 */
export function writeJsonArray(count: number, itemAt: (i: number) => unknown, emit: (text: string) => void): void {
  if (count === 0) {
    emit('[]');
    return;
  }
  emit('[');
  for (let i = 0; i < count; i++) emit(`  ${JSON.stringify(itemAt(i), null, 2).replace(/\n/g, '\n  ')}${i < count - 1 ? ',' : ''}`);
  emit(']');
}

/** Wraps text at spaces to `w` columns, each line after the first indented by `indent`. */
export function wrap(text: string, w: number, indent = ''): string[] {
  const words = safeText(text).split(' ');
  const lines: string[] = [];
  let cur = '';
  for (const word of words) {
    const prefix = lines.length === 0 ? '' : indent;
    if (cur !== '' && width(prefix + cur + ' ' + word) > w) {
      lines.push(prefix + cur);
      cur = word;
    } else cur = cur === '' ? word : `${cur} ${word}`;
  }
  if (cur !== '' || lines.length === 0) lines.push((lines.length === 0 ? '' : indent) + cur);
  return lines;
}

/** Bytes as people read them: 1.2 kB, 3.4 MB. */
export function humanBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** Seconds with a unit that suits them: 12 µs, 3.4 ms, 1.25 s. */
export function humanDuration(s: number): string {
  if (s < 1e-3) return `${Math.round(s * 1e6)} µs`;
  if (s < 1) return `${(s * 1e3).toFixed(s < 0.01 ? 2 : 1)} ms`;
  return `${s.toFixed(3)} s`;
}

/** A frame list for people: "9, 10, 11 …" with the total when there are more. */
/** Evidence frames as listed; the analysis keeps only the first few of each alert. */
export function frameList(frames: readonly number[]): string {
  return frames.join(', ');
}
