// The Flows view: every inner (pod-to-pod) flow under the tunnel that carried it, and the
// plain flows last. Enter shows the selected flow's packets in the packet list.
import { flowRowAt, type FlowGroup, type FlowRow, type FlowRows } from '../flow-rows.js';
import { fit, fitFirst, thousands, wrap } from '../text.js';
import { RowView } from './row-view.js';
import { Table } from './table.js';

export function humanBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

export type FlowSort = 'first' | 'packets' | 'bytes' | 'state';
const SORTS: FlowSort[] = ['first', 'packets', 'bytes', 'state'];

/**
 * Rows are positions in `order` (the row indexes of the compact table, sorted within each
 * group); lines are the groups' titles and their rows, worked out from the group sizes so
 * that half a million flows need no object per line.
 */
export class FlowsView extends RowView<number> {
  sort: FlowSort = 'first';
  private groups: readonly FlowGroup[] = [];
  private data: FlowRows | undefined;
  private sortedBy: FlowSort = 'first';
  private readonly table = new Table<FlowRow>(
    [
      { id: 'proto', title: 'Proto', min: 4, keep: 6, cell: (f) => f.proto },
      { id: 'ends', title: 'Source → Destination', shortTitle: 'Src → Dst', min: 21, keep: 47, max: 95, cell: (f) => f.endpoints },
      { id: 'out', title: '→ pkts', shortTitle: '→', min: 3, keep: 9, align: 'right', cell: (f) => thousands(f.packetsOut) },
      { id: 'back', title: '← pkts', shortTitle: '←', min: 3, keep: 9, align: 'right', cell: (f) => thousands(f.packetsBack) },
      { id: 'bytes', title: 'Bytes', min: 5, keep: 9, align: 'right', cell: (f) => humanBytes(f.bytes) },
      { id: 'state', title: 'State', min: 5, keep: 24, max: 40, cell: (f) => `${f.state}${f.unanswered ? ' (!)' : ''}` },
      { id: 'also', title: 'Other tunnels', shortTitle: 'Others', min: 4, grow: true, cell: (f) => f.also },
    ],
    // Protocol and endpoints tell flows apart: they stay while ← → scroll the rest.
    ['proto', 'ends', 'state', 'out', 'back', 'bytes', 'also'],
    3,
    2,
  );

  override scrollColumns(delta: number): void {
    this.table.scroll(delta);
  }

  nextSort(): void {
    this.sort = SORTS[(SORTS.indexOf(this.sort) + 1) % SORTS.length]!;
  }

  /** The selected flow as a row object. */
  currentFlow(): FlowRow | undefined {
    const i = this.current();
    return i === undefined || !this.data ? undefined : flowRowAt(this.data, i);
  }

  /** Flows in each group in the chosen order (the groups stay in tunnel order). */
  private setGroups(data: FlowRows, groups: readonly FlowGroup[]): void {
    if (data === this.data && groups === this.groups && this.sortedBy === this.sort) return;
    this.data = data;
    this.groups = groups;
    this.sortedBy = this.sort;
    const order = new Uint32Array(data.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    const by = this.sort;
    if (by !== 'first') {
      const packets = (i: number): number => data.packetsOut[i]! + data.packetsBack[i]!;
      // States repeat: rank the string table once rather than compare texts per pair.
      const rank = new Uint32Array(data.strings.length);
      [...data.strings.keys()].sort((x, y) => data.strings[x]!.localeCompare(data.strings[y]!)).forEach((k, r) => (rank[k] = r));
      const unanswered = (i: number): number => data.flags[i]! & 1;
      const key = (a: number, b: number): number =>
        by === 'packets'
          ? packets(b) - packets(a)
          : by === 'bytes'
            ? data.bytes[b]! - data.bytes[a]!
            : unanswered(b) - unanswered(a) || rank[data.state[a]!]! - rank[data.state[b]!]!;
      for (const g of groups) order.subarray(g.start, g.start + g.count).sort((a, b) => key(a, b) || data.firstFrame[a]! - data.firstFrame[b]!);
    }
    this.rows = order;
  }

  /**
   * The last group whose first row is at or before `at`: a row's position with titles = 0, a
   * line with titles = 1 (each group's title line adds one to the lines of those after it).
   */
  private groupAt(at: number, titles: 0 | 1): number {
    let lo = 0;
    let hi = this.groups.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.groups[mid]!.start + titles * mid <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** `encrypted`: the kinds of the tunnels whose inner packets cannot be read (ESP, WireGuard), one per tunnel, to say why flows are missing. */
  render(data: FlowRows, groups: readonly FlowGroup[], total: number, width: number, height: number, encrypted: readonly string[] = []): string[] {
    const encryptedTunnels = encrypted.length;
    const th = this.theme;
    this.setGroups(data, groups);
    const sortText = this.sort === 'first' ? 'first seen' : `by ${this.sort}`;
    const tunnelled = groups.filter((g) => g.tunnel !== undefined).reduce((s, g) => s + g.count, 0);
    const out = [
      th.paint(
        'titleFocused',
        fitFirst(
          [
            ` Flows: ${thousands(total)}, ${thousands(tunnelled)} inside tunnels   Enter: show the flow's packets   s: sort (${sortText})`,
            ` Flows: ${thousands(total)} (${thousands(tunnelled)} tunnelled)  Enter: packets  s: sort (${sortText})`,
            ` Flows: ${thousands(total)} (${thousands(tunnelled)} tunnelled)  s: sort (${sortText})`,
          ],
          width,
        ),
      ),
    ];
    if (encryptedTunnels && (!this.rows.length || groups.every((g) => g.tunnel === undefined)))
      for (const line of wrap(
        `${thousands(encryptedTunnels)} encrypted tunnel${encryptedTunnels === 1 ? '' : 's'} (${[...new Set(encrypted)].join(', ')}): the flows inside cannot be read; the Tunnels view (5) lists them.`,
        width - 2,
      ))
        out.push(th.paint('note', fit(` ${line}`, width)));
    if (!this.rows.length) {
      if (!encryptedTunnels) out.push(fit(' No IP flows in this capture.', width));
      return out;
    }
    const headerAt = out.push('') - 1;
    // Scroll in lines (headers included) so the selected flow and its group title show.
    const room = Math.max(1, height - out.length);
    this.place(this.rows, room - 2);
    const selected = this.cursor.selected;
    const lineCount = data.count + groups.length;
    // A row's line: its position, plus one title per group up to and including its own.
    const at = selected + this.groupAt(selected, 0) + 1;
    let start = Math.max(0, Math.min(at - 1, lineCount - room));
    if (at - start >= room) start = at - room + 1;
    const visible: ({ group: FlowGroup } | { flow: FlowRow; position: number })[] = [];
    for (let line = start; line < Math.min(lineCount, start + room); line++) {
      const g = this.groupAt(line, 1);
      if (line === groups[g]!.start + g) visible.push({ group: groups[g]! });
      else {
        const position = line - g - 1;
        visible.push({ flow: flowRowAt(data, this.rows[position]!), position });
      }
    }
    this.table.layout(
      visible.flatMap((l) => ('flow' in l ? [l.flow] : [])),
      width,
    );
    out[headerAt] = th.paint('header', this.table.header(width));
    for (const l of visible) {
      if ('group' in l) {
        out.push(
          th.paint('key', fit(` ${l.group.tunnel !== undefined ? '▾ ' : ''}${l.group.title}  (${l.group.count} flow${l.group.count === 1 ? '' : 's'})`, width)),
        );
        continue;
      }
      const f = l.flow;
      const text = this.table.line(f, width);
      if (l.position === selected) out.push(th.paint('selected', text));
      else out.push(f.unanswered ? th.paint('warning', text) : text);
    }
    return out;
  }
}
