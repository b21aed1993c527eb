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
}

const gaps = (n: number): number => Math.max(0, n - 1);

/**
 * Places `natural` (display order) columns in `width` cells. `priority` lists the same ids
 * from most to least important (the first is pinned); `scroll` skips that many unpinned ones.
 */
export function placeColumns(natural: readonly ListColumn[], priority: readonly string[], width: number, scroll: number): ColumnPlacement {
  // Info (the growing column) only needs its compact width here: it takes what is left.
  const idealTotal = natural.reduce((s, c) => s + (c.grow ? c.min : c.ideal), 0) + gaps(natural.length);
  if (idealTotal <= width) {
    const columns = natural.map((c) => ({ ...c, width: c.grow ? c.min : c.ideal }));
    const grow = columns.find((c) => c.grow) ?? columns[columns.length - 1];
    if (grow) grow.width += width - idealTotal;
    return { columns, hiddenLeft: 0, hiddenRight: 0, scroll: 0 };
  }
  const byId = new Map(natural.map((c) => [c.id, c]));
  const ordered = priority.map((id) => byId.get(id)).filter((c): c is ListColumn => c !== undefined);
  const [pinned, ...rest] = ordered;
  if (!pinned) return { columns: [], hiddenLeft: 0, hiddenRight: 0, scroll: 0 };
  const start = Math.max(0, Math.min(scroll, rest.length - 1));
  const placed: PlacedListColumn[] = [{ ...pinned, width: Math.min(pinned.min, width) }];
  let used = placed[0]!.width;
  let k = start;
  for (; k < rest.length; k++) {
    const c = rest[k]!;
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
  if (spare > 0) {
    const grow = placed.find((c) => c.grow) ?? placed[placed.length - 1]!;
    grow.width += spare;
  }
  // Shown in natural order, the pinned column first.
  const order = new Map(natural.map((c, i) => [c.id, i]));
  const [first, ...others] = placed;
  others.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return { columns: [first!, ...others], hiddenLeft: start, hiddenRight: rest.length - k, scroll: start };
}
