// Which packet-list columns show at a given width, and how wide. When every column fits at
// its ideal width they show in their natural order (No., Time, ... Info). When they do not,
// they show in priority order (the number pinned on the left, then what tells packets apart
// in an overlay: interface, outer endpoints, VNI, the packet's own endpoints, protocol, Info,
// Length, Time), each at its compact width first, and ← → scroll the rest into view a
// column at a time.

export interface ListColumn {
  id: string;
  title: string;
  /** Title used when the column is narrower than `title`. */
  shortTitle?: string;
  /** Compact width: the column is not shown narrower than this. */
  min: number;
  /** Width that shows its widest cell seen so far. */
  ideal: number;
  align?: 'left' | 'right';
  /** Takes the room left over (the Info column). */
  grow?: boolean;
}

export interface PlacedListColumn extends ListColumn {
  width: number;
}

export interface ColumnPlacement {
  columns: PlacedListColumn[];
  /** Columns hidden to the left (scrolled past) and to the right (no room). */
  hiddenLeft: number;
  hiddenRight: number;
  /** The scroll position actually used (clamped). */
  scroll: number;
  /** Whether one more column can scroll away on the left and leave the growing column more room. */
  canHideMore: boolean;
  /** How many columns at the start are pinned, and whether a marker gap follows them. */
  pinned: number;
  marker: boolean;
}

const gaps = (n: number): number => Math.max(0, n - 1);

/** Cells kept free after the pinned columns, for the « that says columns are scrolled away. */
export const MARKER_GAP = 2;

export interface PlaceOptions {
  /** How many of the first `priority` ids are pinned: always shown, first, never scrolled away. */
  pins?: number;
  /** Keep MARKER_GAP cells free after the pinned columns (something is scrolled away on the left). */
  marker?: boolean;
  /**
   * How `scroll` moves: 'priority' scrolls away the most important unpinned columns first (the
   * packet list, whose least important columns wait on the right); 'natural' scrolls away the
   * leftmost ones and shows the columns to their right in order, as a spreadsheet does (the
   * analysis tables, where every column after the pinned ones matters as much).
   */
  scrollBy?: 'priority' | 'natural';
}

/**
 * Places `natural` (display order) columns in `width` cells. `priority` lists the same ids
 * from most to least important (the first `pins` are pinned); `scroll` skips that many
 * unpinned ones. Pinned columns come first, in natural order, then the others in natural
 * order, so scrolling never moves a column to another place.
 */
export function placeColumns(
  natural: readonly ListColumn[],
  priority: readonly string[],
  width: number,
  scroll: number,
  opts: PlaceOptions = {},
): ColumnPlacement {
  const byId = new Map(natural.map((c) => [c.id, c]));
  const ordered = priority.map((id) => byId.get(id)).filter((c): c is ListColumn => c !== undefined);
  const pins = Math.max(1, Math.min(opts.pins ?? 1, ordered.length));
  const pinned = ordered.slice(0, pins);
  const rest = ordered.slice(pins);
  const order = new Map(natural.map((c, i) => [c.id, i]));
  const byNatural = (a: ListColumn, b: ListColumn): number => order.get(a.id)! - order.get(b.id)!;
  const pinnedIds = new Set(pinned.map((c) => c.id));
  const shown = [...pinned.sort(byNatural), ...natural.filter((c) => !pinnedIds.has(c.id))];
  const marker = opts.marker ? MARKER_GAP : 0;
  const growAt = rest.findIndex((c) => c.grow);
  // Info (the growing column) only needs its compact width here: it takes what is left.
  const idealTotal = natural.reduce((s, c) => s + (c.grow ? c.min : c.ideal), 0) + gaps(natural.length) + marker;
  if (idealTotal <= width && scroll <= 0) {
    const columns = shown.map((c) => ({ ...c, width: c.grow ? c.min : c.ideal }));
    const grow = columns.find((c) => c.grow) ?? columns[columns.length - 1];
    if (grow) grow.width += width - idealTotal;
    return { columns, hiddenLeft: 0, hiddenRight: 0, scroll: 0, canHideMore: growAt > 0, pinned: pins, marker: marker > 0 };
  }
  if (!pinned.length) return { columns: [], hiddenLeft: 0, hiddenRight: 0, scroll: 0, canHideMore: false, pinned: 0, marker: false };
  const start = Math.max(0, Math.min(scroll, rest.length - 1));
  // Scrolled the natural way, the unpinned columns come in display order from `start`.
  const queue = opts.scrollBy === 'natural' && start > 0 ? [...rest].sort(byNatural) : rest;
  const placed: PlacedListColumn[] = [];
  let used = -1 + marker;
  for (const c of pinned) {
    const w = Math.max(0, Math.min(c.min, width - used - 1));
    placed.push({ ...c, width: w });
    used += 1 + w;
  }
  let k = start;
  for (; k < queue.length; k++) {
    const c = queue[k]!;
    if (used + 1 + c.min > width) break;
    placed.push({ ...c, width: c.min });
    used += 1 + c.min;
  }
  // Room left: widen columns towards their ideal width in priority order, the rest to Info.
  let spare = width - used;
  for (const c of placed) {
    const more = Math.min(spare, c.ideal - c.width);
    if (more > 0) {
      c.width += more;
      spare -= more;
    }
  }
  // The rest goes to the growing column; a number stretched across the screen reads badly, so
  // without one it goes to the last column only when that is text.
  const grow = placed.find((c) => c.grow) ?? (placed[placed.length - 1]!.align === 'right' ? undefined : placed[placed.length - 1]);
  if (spare > 0 && grow) grow.width += spare;
  const first = placed.slice(0, pins).sort(byNatural);
  const others = placed.slice(pins).sort(byNatural);
  // When no other column fits beside the pinned ones, scrolling cannot show anything.
  if (!others.length) return { columns: first, hiddenLeft: 0, hiddenRight: 0, scroll: start, canHideMore: false, pinned: first.length, marker: false };
  const growNext = queue.findIndex((c) => c.grow);
  return {
    columns: [...first, ...others],
    hiddenLeft: start,
    hiddenRight: queue.length - k,
    scroll: start,
    canHideMore: start < (queue === rest ? growAt : growNext),
    pinned: pins,
    marker: marker > 0,
  };
}

/**
 * A header or row line from its cells: the pinned columns, the marker gap when there is one
 * (« in the header), then the others.
 */
export function joinCells(p: ColumnPlacement, cells: readonly string[], marker = ' '): string {
  if (!p.marker || p.pinned >= cells.length) return cells.join(' ');
  return `${cells.slice(0, p.pinned).join(' ')} ${marker}${' '.repeat(MARKER_GAP - 1)}${cells.slice(p.pinned).join(' ')}`;
}

/**
 * ← → over placed columns: → first brings hidden columns into view; when none is hidden but
 * the growing column (Info) is cut, it scrolls columns away on the left to give it room, and
 * then scrolls the growing column's own text. ← undoes the same steps in reverse.
 */
export class SideScroll {
  /** Unpinned columns scrolled past on the left. */
  columns = 0;
  /** Characters of the growing column's text scrolled past. */
  text = 0;

  /** `want`: the growing column's widest text. */
  move(delta: number, p: ColumnPlacement | undefined, want: number): void {
    // Only the pinned column fits: nothing can scroll into view.
    if (!p || p.columns.length <= 1) return;
    const grow = p.columns.find((c) => c.grow);
    if (delta < 0) {
      if (this.text > 0 && grow) this.text = Math.max(0, this.text - step(grow.width));
      else {
        this.text = 0;
        this.columns = Math.max(0, p.scroll - 1);
      }
      return;
    }
    // Left to right: columns before the growing one give way, then its text scrolls to its
    // end, then the columns after it come into view.
    if (grow && this.text + grow.width < want) {
      if (p.canHideMore) this.columns = p.scroll + 1;
      else this.text = Math.min(this.text + step(grow.width), want - grow.width + 1);
      return;
    }
    if (p.hiddenRight > 0) this.columns = p.scroll + 1;
  }

  /** A cell of the growing column with its text scrolled (… marks the part scrolled away). */
  shift(text: string): string {
    return this.text > 0 && text.length > 0 ? '…' + text.slice(this.text + 1) : text;
  }
}

/** Characters one → scrolls: half the column, and never more than it shows between its two … marks. */
const step = (width: number): number => Math.max(1, Math.min(width - 2, Math.max(8, width >> 1)));
