// The Tunnels view: the VTEP matrix (packets from each tunnel endpoint to each other, with
// the VNIs used) above the list of tunnels. Enter shows the selected tunnel's packets.
import type { TunnelMatrix, TunnelRow } from '../analysis-model.js';
import { fit, fitFirst, paragraph, thousands, wrap } from '../text.js';
import { RowView } from './row-view.js';
import { Table } from './table.js';
import { humanBytes } from './flows.js';
import { maxOf } from '../../util/max.js';

export type TunnelSort = 'first' | 'packets' | 'bytes' | 'vni';
const SORTS: TunnelSort[] = ['first', 'packets', 'bytes', 'vni'];

export class TunnelsView extends RowView<TunnelRow> {
  sort: TunnelSort = 'first';
  private sorted: { from: readonly TunnelRow[]; by: TunnelSort; rows: TunnelRow[] } | undefined;
  private readonly table = new Table<TunnelRow>(
    [
      { id: 'kind', title: 'Kind', min: 3, keep: 9, cell: (t) => t.kind },
      { id: 'ends', title: 'Outer source → destination', shortTitle: 'Outer src → dst', min: 21, keep: 31, max: 81, cell: (t) => `${t.src} → ${t.dst}` },
      { id: 'id', title: 'ID', min: 5, keep: 20, cell: (t) => t.idText },
      { id: 'port', title: 'Port', min: 4, keep: 5, align: 'right', cell: (t) => (t.port ? String(t.port) : '') },
      { id: 'packets', title: 'Packets', shortTitle: 'Pkts', min: 4, keep: 9, align: 'right', cell: (t) => thousands(t.packets) },
      { id: 'bytes', title: 'Bytes', min: 5, keep: 9, align: 'right', cell: (t) => humanBytes(t.bytes) },
      { id: 'frags', title: 'Frags', min: 5, keep: 9, align: 'right', cell: (t) => thousands(t.fragments) },
      { id: 'inner', title: 'Inner pairs', shortTitle: 'Inner', min: 5, keep: 20, max: 120, grow: true, cell: (t) => t.inner },
    ],
    // Kind, endpoints and id tell tunnels apart: they stay while ← → scroll the rest.
    ['kind', 'ends', 'id', 'packets', 'inner', 'port', 'bytes', 'frags'],
    1,
    3,
  );

  nextSort(): void {
    this.sort = SORTS[(SORTS.indexOf(this.sort) + 1) % SORTS.length]!;
  }

  override scrollColumns(delta: number): void {
    this.table.scroll(delta);
  }

  private order(rows: readonly TunnelRow[]): readonly TunnelRow[] {
    if (this.sort === 'first') return rows;
    if (this.sorted?.from !== rows || this.sorted.by !== this.sort) {
      const by = this.sort;
      const sorted = [...rows].sort(
        (a, b) => (by === 'packets' ? b.packets - a.packets : by === 'bytes' ? b.bytes - a.bytes : a.vni - b.vni) || a.firstFrame - b.firstFrame,
      );
      this.sorted = { from: rows, by, rows: sorted };
    }
    return this.sorted.rows;
  }

  render(all: readonly TunnelRow[], matrix: TunnelMatrix, hints: readonly string[], width: number, height: number): string[] {
    const th = this.theme;
    const rows = this.order(all);
    this.rows = rows;
    const sortText = this.sort === 'first' ? 'first seen' : this.sort === 'vni' ? 'by id' : `by ${this.sort}`;
    const out = [
      th.paint(
        'titleFocused',
        fitFirst(
          [
            ` Tunnels: ${rows.length}, between ${matrix.vteps.length} endpoints   Enter: show the tunnel's packets   s: sort (${sortText})`,
            ` Tunnels: ${rows.length} between ${matrix.vteps.length} endpoints  Enter: packets  s: sort (${sortText})`,
          ],
          width,
        ),
      ),
    ];
    if (!rows.length) {
      out.push(...paragraph('No tunnel packets (VXLAN, GENEVE, GRE, IPIP, ESP, WireGuard...) in this capture.', width));
      return out;
    }
    out.push(...this.matrixLines(matrix, width, Math.max(3, Math.floor(height / 3))));
    for (const h of hints.slice(0, 2)) for (const line of wrap(`CNI hint: ${h}`, width - 2).slice(0, 2)) out.push(th.paint('note', fit(` ${line}`, width)));
    out.push('');
    const [from, to] = this.place(rows, height - out.length - 1);
    this.table.layout(rows.slice(from, to), width);
    out.push(th.paint('header', this.table.header(width)));
    for (let i = from; i < to; i++) {
      const t = rows[i]!;
      const text = this.table.line(t, width);
      out.push(i === this.cursor.selected ? th.paint('selected', text) : t.fragments ? th.paint('warning', text) : text);
    }
    return out;
  }

  /** The VTEP matrix (rows send, columns receive) in at most `maxLines` lines. */
  private matrixLines(matrix: TunnelMatrix, width: number, maxLines: number): string[] {
    const th = this.theme;
    const name = Math.min(
      24,
      maxOf(
        matrix.vteps.map((v) => v.length),
        12,
      ) + 1,
    );
    const n = matrix.vteps.length;
    const texts = matrix.cells.map((row) =>
      row.map((c) => {
        const ids = c.ids.length ? ` (${c.ids.slice(0, 3).join(',')}${c.ids.length > 3 ? ',…' : ''})` : '';
        return c.packets ? `${thousands(c.packets)}${ids}` : '·';
      }),
    );
    const cell = Math.min(
      40,
      maxOf(
        texts.flatMap((row) => row.map((t) => t.length)),
        name,
      ),
    );
    const cols = Math.max(1, Math.floor((width - name - 2) / (cell + 1)));
    const moreCols = n > cols ? `  +${n - cols} more` : '';
    const lines = [
      th.paint(
        'header',
        fit(
          ` ${'from \\ to'.padEnd(name)} ${matrix.vteps
            .slice(0, cols)
            .map((v) => fit(v, cell, 'right'))
            .join(' ')}${moreCols}`,
          width,
        ),
      ),
    ];
    const shown = n + 1 > maxLines ? maxLines - 2 : n;
    matrix.vteps.slice(0, Math.max(1, shown)).forEach((v, i) => {
      const cells = texts[i]!.slice(0, cols).map((t) => fit(t, cell, 'right'));
      lines.push(fit(` ${fit(v, name)} ${cells.join(' ')}`, width));
    });
    if (shown < n) lines.push(th.paint('dim', fit(` … ${n - Math.max(1, shown)} more sending endpoints`, width)));
    return lines;
  }
}
