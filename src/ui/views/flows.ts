// The Flows view: every inner (pod-to-pod) flow under the tunnel that carried it, and the
// plain flows last. Enter shows the selected flow's packets in the packet list.
import type { FlowGroup, FlowRow } from '../analysis-model.js';
import { fit, fitFirst, thousands, wrap } from '../text.js';
import { RowView } from './row-view.js';
import { Table } from './table.js';

type Line = { group: FlowGroup } | { flow: FlowRow };

export function humanBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

export type FlowSort = 'first' | 'packets' | 'bytes' | 'state';
const SORTS: FlowSort[] = ['first', 'packets', 'bytes', 'state'];

export class FlowsView extends RowView<FlowRow> {
  sort: FlowSort = 'first';
  private lines: Line[] = [];
  private groups: readonly FlowGroup[] | undefined;
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

  /** Flows in each group in the chosen order (the groups stay in tunnel order). */
  private setGroups(groups: readonly FlowGroup[]): void {
    if (groups === this.groups && this.sortedBy === this.sort) return;
    this.groups = groups;
    this.sortedBy = this.sort;
    const by = this.sort;
    const order = (flows: FlowRow[]): FlowRow[] =>
      by === 'first'
        ? flows
        : [...flows].sort(
            (a, b) =>
              (by === 'packets'
                ? b.packetsOut + b.packetsBack - (a.packetsOut + a.packetsBack)
                : by === 'bytes'
                  ? b.bytes - a.bytes
                  : Number(b.unanswered) - Number(a.unanswered) || a.state.localeCompare(b.state)) || a.firstFrame - b.firstFrame,
          );
    const sorted = groups.map((g) => ({ g, flows: order(g.flows) }));
    this.lines = sorted.flatMap(({ g, flows }): Line[] => [{ group: g }, ...flows.map((flow) => ({ flow }))]);
    this.rows = sorted.flatMap(({ flows }) => flows);
  }

  /** `encrypted`: the kinds of the tunnels whose inner packets cannot be read (ESP, WireGuard), one per tunnel, to say why flows are missing. */
  render(groups: readonly FlowGroup[], total: number, width: number, height: number, encrypted: readonly string[] = []): string[] {
    const encryptedTunnels = encrypted.length;
    const th = this.theme;
    this.setGroups(groups);
    const sortText = this.sort === 'first' ? 'first seen' : `by ${this.sort}`;
    const tunnelled = groups.filter((g) => g.tunnel !== undefined).reduce((s, g) => s + g.flows.length, 0);
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
    const selectedFlow = this.rows[this.cursor.selected];
    const at = this.lines.findIndex((l) => 'flow' in l && l.flow === selectedFlow);
    let start = Math.max(0, Math.min(at - 1, this.lines.length - room));
    if (at - start >= room) start = at - room + 1;
    const visible = this.lines.slice(start, start + room);
    this.table.layout(
      visible.flatMap((l) => ('flow' in l ? [l.flow] : [])),
      width,
    );
    out[headerAt] = th.paint('header', this.table.header(width));
    for (const l of visible) {
      if ('group' in l) {
        out.push(
          th.paint(
            'key',
            fit(` ${l.group.tunnel !== undefined ? '▾ ' : ''}${l.group.title}  (${l.group.flows.length} flow${l.group.flows.length === 1 ? '' : 's'})`, width),
          ),
        );
        continue;
      }
      const f = l.flow;
      const text = this.table.line(f, width);
      if (f === selectedFlow) out.push(th.paint('selected', text));
      else out.push(f.unanswered ? th.paint('warning', text) : text);
    }
    return out;
  }
}
