// The Tunnels view: the VTEP matrix (packets from each tunnel endpoint to each other, with
// the VNIs used) above the list of tunnels. Enter shows the selected tunnel's packets.
import type { TunnelMatrix, TunnelRow } from '../analysis-model.js';
import { clip, fit, thousands } from '../text.js';
import { RowView } from './row-view.js';
import { humanBytes } from './flows.js';
import { maxOf } from '../../util/max.js';

export type TunnelSort = 'first' | 'packets' | 'bytes' | 'vni';
const SORTS: TunnelSort[] = ['first', 'packets', 'bytes', 'vni'];

export class TunnelsView extends RowView<TunnelRow> {
  sort: TunnelSort = 'first';
  private sorted: { from: readonly TunnelRow[]; by: TunnelSort; rows: TunnelRow[] } | undefined;

  nextSort(): void {
    this.sort = SORTS[(SORTS.indexOf(this.sort) + 1) % SORTS.length]!;
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
    const out = [
      th.paint(
        'titleFocused',
        fit(
          ` Tunnels: ${rows.length}, between ${matrix.vteps.length} endpoints (VTEPs)   Enter: show the tunnel's packets   s: sort (${this.sort === 'first' ? 'first seen' : `by ${this.sort}`})`,
          width,
        ),
      ),
    ];
    if (!rows.length) {
      out.push(fit(' No VXLAN or GENEVE packets in this capture.', width));
      return out;
    }
    // The matrix: rows send, columns receive.
    const name = Math.min(
      24,
      maxOf(
        matrix.vteps.map((v) => v.length),
        12,
      ) + 1,
    );
    const cell = Math.max(16, name);
    const cols = Math.max(1, Math.floor((width - name - 2) / (cell + 1)));
    out.push(
      th.paint(
        'header',
        fit(
          ` ${'from \\ to'.padEnd(name)} ${matrix.vteps
            .slice(0, cols)
            .map((v) => fit(v, cell, 'right'))
            .join(' ')}`,
          width,
        ),
      ),
    );
    matrix.vteps.forEach((v, i) => {
      const cells = matrix.cells[i]!.slice(0, cols).map((c) => {
        const text = c.packets ? `${thousands(c.packets)} (${c.vnis.slice(0, 3).join(',')}${c.vnis.length > 3 ? ',…' : ''})` : '·';
        return fit(text, cell, 'right');
      });
      out.push(fit(` ${fit(v, name)} ${cells.join(' ')}`, width));
    });
    for (const h of hints.slice(0, 2)) out.push(th.paint('note', fit(` CNI hint: ${h}`, width)));
    out.push('');
    const header = ` ${'Kind'.padEnd(9)} ${'Outer source → destination'.padEnd(36)} ${'Port'.padStart(5)} ${'VNI'.padStart(9)} ${'Packets'.padStart(9)} ${'Bytes'.padStart(9)} ${'Frags'.padStart(5)}  Inner pairs`;
    out.push(th.paint('header', fit(header, width)));
    const [from, to] = this.place(rows, height - out.length);
    for (let i = from; i < to; i++) {
      const t = rows[i]!;
      const text = fit(
        ` ${t.kind.padEnd(9)} ${fit(`${t.src} → ${t.dst}`, 36)} ${String(t.port).padStart(5)} ${String(t.vni).padStart(9)} ${thousands(t.packets).padStart(9)} ${humanBytes(t.bytes).padStart(9)} ${String(t.fragments).padStart(5)}  ${clip(t.inner, 60)}`,
        width,
      );
      out.push(i === this.cursor.selected ? th.paint('selected', text) : t.fragments ? th.paint('warning', text) : text);
    }
    return out;
  }
}
