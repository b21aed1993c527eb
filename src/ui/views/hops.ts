// The Hops view: where the capturing host forwarded packets, ingress → egress, from the
// pairs of copies (in on one interface, out on another). Misroutes (out through the uplink,
// a hairpin, or a path an alert names) are drawn in the alert colour. Enter shows the first
// pair's ingress copy in the packet list.
import type { HopRow } from '../analysis-model.js';
import { fit, thousands } from '../text.js';
import { RowView } from './row-view.js';

export class HopsView extends RowView<HopRow> {
  render(rows: readonly HopRow[], placed: boolean, width: number, height: number): string[] {
    const th = this.theme;
    this.rows = rows;
    const out = [
      th.paint(
        'titleFocused',
        fit(
          ` Hops: ${rows.length} forwarding path${rows.length === 1 ? '' : 's'} (each packet seen coming in and going out)   Enter: show the first pair`,
          width,
        ),
      ),
    ];
    if (!placed) {
      out.push(fit(' This capture does not record interfaces or directions, so forwarded copies cannot be told apart.', width));
      out.push(fit(' Capture on the router with tcpdump -i any (SLL2), or a multi-interface pcapng.', width));
      return out;
    }
    if (!rows.length) {
      out.push(fit(' No packet was seen both coming in and going out: nothing was forwarded.', width));
      return out;
    }
    const header = ` ${'Kind'.padEnd(8)} ${'Ingress → Egress'.padEnd(22)} ${'Source → Destination'.padEnd(36)} ${'Packets'.padStart(8)} ${'TTL'.padStart(9)} ${'Latency'.padStart(9)}  MAC`;
    out.push(th.paint('header', fit(header, width)));
    const [from, to] = this.place(rows, height - out.length);
    for (let i = from; i < to; i++) {
      const h = rows[i]!;
      const text = fit(
        ` ${h.kind.padEnd(8)} ${fit(`${h.ingress} → ${h.egress}`, 22)} ${fit(`${h.src} → ${h.dst}`, 36)} ${thousands(h.packets).padStart(8)} ${h.ttl.padStart(9)} ${`${h.latencyUs} µs`.padStart(9)}  ${h.macRewritten ? 'rewritten' : 'same'}${h.encapsulated ? ', tunnel packets' : ''}${h.misroute ? '   ← misroute' : ''}`,
        width,
      );
      if (i === this.cursor.selected) out.push(th.paint(h.misroute ? 'filterBad' : 'selected', text));
      else out.push(h.misroute ? th.paint('misroute', text) : text);
    }
    return out;
  }
}
