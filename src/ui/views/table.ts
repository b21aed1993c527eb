// The columns of an analysis table (Flows, Tunnels, Hops) at any width: the same placement as
// the packet list (every column at its ideal width when they fit; otherwise by priority, each
// at its compact width, with ← → scrolling the rest into view), so a number is never cut to a
// stub. Widths grow with the widest cell drawn and never shrink back, so columns do not jump
// while scrolling.
import { joinCells, placeColumns, SideScroll, type ColumnPlacement, type ListColumn } from '../list-columns.js';
import { fit } from '../text.js';

export interface TableColumn<T> {
  id: string;
  title: string;
  /** Title used when the column is narrower than `title`. */
  shortTitle?: string;
  /** The column is never drawn narrower than this (nor than its widest cell, up to `keep`). */
  min: number;
  /** Cells wider than this are cut (with …) even when there is room. */
  max?: number;
  /** Up to this width a cell is kept whole rather than cut to `min` (defaults to `min`). */
  keep?: number;
  align?: 'left' | 'right';
  /** Takes the room left over (at most one column). */
  grow?: boolean;
  cell(row: T): string;
}

export class Table<T> {
  private readonly side = new SideScroll();
  private readonly widest = new Map<string, number>();
  private placement: ColumnPlacement | undefined;
  private readonly byId: ReadonlyMap<string, TableColumn<T>>;
  private readonly pad: string;

  /**
   * `priority` lists the column ids from most to least important; the first `pins` are
   * pinned (always shown, first). Lines start with `indent` spaces (rows under a group title
   * are indented further).
   */
  constructor(
    private readonly columns: readonly TableColumn<T>[],
    private readonly priority: readonly string[],
    indent = 1,
    private readonly pins = 1,
  ) {
    this.byId = new Map(columns.map((c) => [c.id, c]));
    this.pad = ' '.repeat(indent);
  }

  /** Places the columns for these rows (the ones about to be drawn) in `width` cells. */
  layout(rows: readonly T[], width: number): void {
    for (const row of rows) {
      for (const c of this.columns) {
        const w = c.cell(row).length;
        if (w > (this.widest.get(c.id) ?? 0)) this.widest.set(c.id, w);
      }
    }
    const specs = this.columns.map((c): ListColumn => {
      const seen = Math.min(this.widest.get(c.id) ?? 0, c.max ?? Infinity);
      const least = Math.max(c.min, (c.shortTitle ?? c.title).length);
      const ideal = Math.max(least, seen, c.title.length);
      const min = Math.max(least, Math.min(seen, c.keep ?? c.min));
      return {
        id: c.id,
        title: c.title,
        ...(c.shortTitle !== undefined ? { shortTitle: c.shortTitle } : {}),
        ...(c.align ? { align: c.align } : {}),
        ...(c.grow ? { grow: true } : {}),
        min,
        ideal,
      };
    });
    const marker = this.side.columns > 0 || this.side.text > 0;
    this.placement = placeColumns(specs, this.priority, width - this.pad.length, this.side.columns, { pins: this.pins, marker, scrollBy: 'natural' });
    this.side.columns = this.placement.scroll;
  }

  /** ← → : shows the columns hidden on that side, if any. */
  scroll(delta: number): void {
    const grow = this.columns.find((c) => c.grow);
    this.side.move(delta, this.placement, grow ? Math.min(this.widest.get(grow.id) ?? 0, grow.max ?? Infinity) : 0);
  }

  /** Columns (or the growing column's text) hidden on the left and on the right. */
  private hidden(): { left: boolean; right: boolean } {
    const p = this.placement;
    const grow = p?.columns.find((c) => c.grow);
    const want = grow ? Math.min(this.widest.get(grow.id) ?? 0, this.byId.get(grow.id)!.max ?? Infinity) : 0;
    return { left: !!p && (p.hiddenLeft > 0 || this.side.text > 0), right: !!p && (p.hiddenRight > 0 || (!!grow && this.side.text + grow.width < want)) };
  }

  /** The header line, with « and » where ← → show more columns. */
  header(width: number): string {
    const p = this.placement;
    const cols = p?.columns ?? [];
    if (!p || !cols.length || width < 2) return fit('', width);
    // The last title gives its last cell to » when more columns wait on the right.
    const right = this.hidden().right;
    const titles = cols.map((c, i) => {
      const room = right && i === cols.length - 1 ? c.width - 1 : c.width;
      return fit(c.title.length > room && c.shortTitle ? c.shortTitle : c.title, c.width, c.align);
    });
    let text = fit(this.pad + joinCells(p, titles, '«'), width);
    if (right) text = text.slice(0, width - 1) + '»';
    return text;
  }

  /** One row's line. */
  line(row: T, width: number): string {
    const p = this.placement;
    if (!p) return fit('', width);
    const cells = p.columns.map((c) => {
      const text = this.byId.get(c.id)!.cell(row);
      return fit(c.grow ? this.side.shift(text) : text, c.width, c.align);
    });
    return fit(this.pad + joinCells(p, cells), width);
  }
}
