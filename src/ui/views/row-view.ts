import { Cursor } from '../text.js';
import type { Theme } from '../theme.js';

/**
 * What the table views (alerts, flows, hops, tunnels) share: the rows last drawn, the
 * selection among them, and how many fit on the screen.
 */
export abstract class RowView<T> {
  readonly cursor = new Cursor();
  protected rows: ArrayLike<T> = [];
  protected page = 1;

  constructor(protected readonly theme: Theme) {}

  current(): T | undefined {
    return this.rows[this.cursor.selected];
  }

  move(delta: number): void {
    this.cursor.move(delta, this.rows.length, this.page);
  }

  /** ← → : scrolls the table's columns sideways (views whose columns may not all fit). */
  scrollColumns(_delta: number): void {}

  pageSize(): number {
    return this.page;
  }

  /** Records the rows and the room for them; returns the range of row indexes to draw. */
  protected place(rows: ArrayLike<T>, page: number): [from: number, to: number] {
    this.rows = rows;
    this.page = Math.max(1, page);
    this.cursor.clamp(rows.length, this.page);
    return [this.cursor.top, Math.min(rows.length, this.cursor.top + this.page)];
  }
}
