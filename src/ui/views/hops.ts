// The Hops view: where the capturing host forwarded packets, ingress → egress, from the
// pairs of copies (in on one interface, out on another). Misroutes (out through the uplink,
// a hairpin, or a path an alert names) are drawn in the alert colour. Enter shows the first
// pair's ingress copy in the packet list.
import type { HopRow } from '../analysis-model.js';
import { fitFirst, paragraph, thousands } from '../text.js';
import { RowView } from './row-view.js';
import { Table } from './table.js';

export class HopsView extends RowView<HopRow> {
  private readonly table = new Table<HopRow>(
    [
      { id: 'path', title: 'Ingress → Egress', shortTitle: 'In → Out', min: 10, keep: 24, max: 40, cell: (h) => `${h.ingress} → ${h.egress}` },
      { id: 'ends', title: 'Source → Destination', shortTitle: 'Src → Dst', min: 21, keep: 31, max: 81, cell: (h) => `${h.src} → ${h.dst}` },
      // Tunnel packets and plain ones between the same addresses are separate paths.
      { id: 'carries', title: 'Carries', min: 7, keep: 9, cell: (h) => (h.encapsulated ? 'tunnel' : h.fragments ? 'fragments' : 'plain') },
      { id: 'kind', title: 'Kind', min: 6, keep: 8, cell: (h) => h.kind },
      { id: 'packets', title: 'Packets', shortTitle: 'Pkts', min: 4, keep: 9, align: 'right', cell: (h) => thousands(h.packets) },
      { id: 'ttl', title: 'TTL', min: 7, keep: 9, align: 'right', cell: (h) => h.ttl },
      { id: 'latency', title: 'Latency', min: 6, keep: 12, align: 'right', cell: (h) => `${thousands(h.latencyUs)} µs` },
      { id: 'mac', title: 'MAC', min: 4, keep: 9, cell: (h) => (h.macRewritten ? 'rewritten' : 'same') },
      {
        id: 'verdict',
        title: 'Verdict',
        min: 8,
        grow: true,
        cell: (h) => (h.misroute ? 'misroute' : h.dropped ? 'dropped' : h.kind === 'relay' ? 'relayed' : 'ok'),
      },
    ],
    // Path, endpoints and what it carries tell paths apart: they stay while ← → scroll the rest.
    ['path', 'ends', 'carries', 'verdict', 'kind', 'packets', 'ttl', 'latency', 'mac'],
    1,
    3,
  );

  override scrollColumns(delta: number): void {
    this.table.scroll(delta);
  }

  render(rows: readonly HopRow[], placed: boolean, width: number, height: number): string[] {
    const th = this.theme;
    this.rows = rows;
    const out = [
      th.paint(
        'titleFocused',
        fitFirst(
          [
            ` Hops: ${rows.length} forwarding path${rows.length === 1 ? '' : 's'} (each packet seen coming in and going out)   Enter: show the first pair`,
            ` Hops: ${rows.length} forwarding path${rows.length === 1 ? '' : 's'} (packets seen in and out)  Enter: first pair`,
          ],
          width,
        ),
      ),
    ];
    if (!placed) {
      out.push(...paragraph('This capture does not record interfaces or directions, so forwarded copies cannot be told apart.', width));
      out.push(...paragraph('Capture on the router with tcpdump -i any (SLL2), or a multi-interface pcapng.', width));
      return out;
    }
    if (!rows.length) {
      out.push(...paragraph('No packet was seen both coming in and going out: nothing was forwarded.', width));
      return out;
    }
    const [from, to] = this.place(rows, height - out.length - 1);
    this.table.layout(rows.slice(from, to), width);
    out.push(th.paint('header', this.table.header(width)));
    for (let i = from; i < to; i++) {
      const h = rows[i]!;
      const text = this.table.line(h, width);
      const bad = h.misroute || h.dropped;
      if (i === this.cursor.selected) out.push(th.paint(bad ? 'filterBad' : 'selected', text));
      else out.push(bad ? th.paint('misroute', text) : text);
    }
    return out;
  }
}
