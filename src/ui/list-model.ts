// The packet list's view model: rows fetched only for the lines on screen, with the marks
// the analysis adds (forwarded copies, frames named by error alerts).
import { copyOrigin } from './analysis-model.js';
import { captureLabel, journeyOfFrame } from './journey-model.js';
import type { MergedCaptures } from './multi-capture.js';
import type { AnalysisControl } from './analysis-control.js';
import type { PacketStore, RowSource } from './store.js';
import { listRow, type ListModel, type ListRow } from './views/packet-list.js';

export function packetListModel(
  store: PacketStore | undefined,
  rows: RowSource | undefined,
  analysis: AnalysisControl,
  /** Latched once a tunnel shows up, so the outer columns stay and the layout does not jump. */
  tunnel: { seen: boolean },
  /** Several captures merged into the list: which capture each frame came from. */
  merged?: Pick<MergedCaptures, 'names' | 'origins'>,
): ListModel {
  if (!store || !rows)
    return { length: 0, rows: () => [], showInterface: false, showTunnel: () => false, timeWidth: 8, ifaceWidth: 8, marks: false, custom: [] };
  const last = rows.length ? rows.position(rows.length - 1) : 0;
  const result = analysis.result;
  return {
    length: rows.length,
    lastNumber: last + 1,
    showInterface: store.hasInterfaceInfo(),
    showCapture: merged !== undefined,
    showTunnel: () => tunnel.seen,
    ifaceWidth: store.interfaceNameWidth() + 2,
    marks: result !== undefined && (result.copies.length > 0 || analysis.alertFrames.size > 0 || (result.journeys?.lost.length ?? 0) > 0),
    timeWidth: rows.length ? store.timeText(last).length : 8,
    custom: store.columns,
    rows: (from, to, sampling) => {
      const positions: number[] = [];
      for (let r = from; r < to; r++) positions.push(rows.position(r));
      if (!sampling) store.showing(positions);
      store.prefetch(positions);
      const current = analysis.result;
      return positions.map((p): ListRow => {
        const s = store.summary(p);
        if (s.tunnel) tunnel.seen = true;
        const row = listRow(p, store.timeText(p), s, store.cells(p));
        if (merged) {
          row.capture = captureLabel(merged, p);
          // The Capture column names the host: the interface column keeps the interface ("router:eth1 ▸" → "eth1 ▸").
          const host = `${merged.names[merged.origins.capture[p]!]}:`;
          if (row.iface.startsWith(host)) row.iface = row.iface.slice(host.length);
        }
        if (current) {
          const origin = copyOrigin(current, p + 1);
          if (origin !== undefined) {
            row.mark = 'forwarded';
            row.info = `[forwarded copy of ${origin}] ${row.info}`;
          }
          const alert = analysis.alertFrames.get(p + 1);
          if (alert) row.alert = alert;
          // Every copy of a packet that was lost stands out; the last one seen says so.
          const journey = current.journeys ? journeyOfFrame(current.journeys, p + 1) : undefined;
          if (journey?.fate === 'lost') {
            row.alert = 'error';
            if (journey.hops[journey.hops.length - 1]?.frame === p + 1) row.info = `[lost: last seen here] ${row.info}`;
          }
        }
        return row;
      });
    },
  };
}
