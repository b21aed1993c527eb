// The Journey view (several captures in one list): the selected packet's path through the
// captures, hop by hop, each hop a copy in the merged list that Enter shows; how the journey
// ended, in the alert colour when the packet was lost; and below, every lost packet, which
// Enter opens in turn. Rows: the hops first, then the lost packets.
import type { JourneyHopRow, JourneyRow, JourneyView } from '../journey-model.js';
import { fit, fitFirst, thousands, wrap } from '../text.js';
import { RowView } from './row-view.js';
import { Table } from './table.js';

export type JourneyItem = { kind: 'hop'; hop: JourneyHopRow; last: boolean; lost: boolean } | { kind: 'lost'; journey: JourneyRow };

function ms(seconds: number): string {
  const v = seconds * 1000;
  return `${Math.abs(v) < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
}

const FATE: Record<JourneyRow['fate'], string> = { delivered: '✓ delivered', answered: '✓ answered', lost: '✗ lost', unknown: '? fate unknown' };

export class JourneyPane extends RowView<JourneyItem> {
  private readonly hopTable = new Table<JourneyHopRow>(
    [
      { id: 'capture', title: 'Capture', min: 7, keep: 12, max: 24, cell: (h) => h.capture },
      { id: 'frame', title: 'Frame', min: 5, keep: 8, align: 'right', cell: (h) => String(h.frame) },
      { id: 'own', title: 'Its No.', shortTitle: 'Own', min: 4, keep: 8, align: 'right', cell: (h) => String(h.captureFrame) },
      { id: 'iface', title: 'Interface', shortTitle: 'If', min: 6, keep: 14, max: 24, cell: (h) => h.iface },
      { id: 'dir', title: 'Dir', min: 3, keep: 3, cell: (h) => h.direction },
      { id: 'after', title: 'After', min: 8, keep: 11, align: 'right', cell: (h) => (h.after === 0 ? '0' : `+${ms(h.after)}`) },
      { id: 'ttl', title: 'TTL', min: 3, keep: 3, align: 'right', cell: (h) => String(h.ttl) },
      { id: 'encap', title: 'Encapsulation', shortTitle: 'Encap', min: 8, grow: true, cell: (h) => (h.otherHost ? `OTHERHOST ${h.encap}`.trim() : h.encap) },
    ],
    ['capture', 'iface', 'dir', 'encap', 'frame', 'after', 'ttl', 'own'],
    3,
    1,
  );
  /** The journey shown, so the selection goes back to its first hop when another is shown. */
  private shown: JourneyRow | undefined;

  override scrollColumns(delta: number): void {
    this.hopTable.scroll(delta);
  }

  /**
   * `frame` is the merged frame selected in the packet list, `where` says which capture's frame
   * it is ("router #3").
   */
  render(view: JourneyView, frame: number | undefined, where: string, width: number, height: number): string[] {
    const th = this.theme;
    const k = frame === undefined ? -1 : (view.byFrame[frame - 1] ?? -1);
    const journey = k >= 0 ? view.rows[k] : undefined;
    if (journey !== this.shown) {
      this.shown = journey;
      this.cursor.selected = journey
        ? Math.max(
            0,
            journey.hops.findIndex((h) => h.frame === frame),
          )
        : 0;
      this.cursor.top = 0;
    }
    const items: JourneyItem[] = [];
    const lost = journey?.fate === 'lost';
    journey?.hops.forEach((hop, i) => items.push({ kind: 'hop', hop, last: i === journey.hops.length - 1, lost }));
    const firstLost = items.length;
    for (const i of view.lost) items.push({ kind: 'lost', journey: view.rows[i]! });

    const out: string[] = [
      th.paint(
        'titleFocused',
        fitFirst(
          [
            ` Journey${frame !== undefined ? ` of frame ${frame} (${where})` : ''}: ${thousands(view.followed)} packet${view.followed === 1 ? '' : 's'} followed, ${thousands(view.lost.length)} lost   Enter: show the copy / open the journey`,
            ` Journey${frame !== undefined ? ` of frame ${frame}` : ''}: ${thousands(view.lost.length)} lost   Enter: open`,
          ],
          width,
        ),
      ),
    ];
    if (journey) {
      out.push(fit(` ${journey.packet}`, width));
      const end = journey.fate === 'lost' || journey.fate === 'unknown' ? `${FATE[journey.fate]}: ${journey.verdict}` : FATE[journey.fate];
      for (const l of wrap(end, Math.max(10, width - 2)).slice(0, 2))
        out.push(journey.fate === 'lost' ? th.paint('misroute', fit(` ${l}`, width)) : fit(` ${l}`, width));
    } else {
      out.push(
        fit(frame === undefined ? ' No packet selected.' : ` Frame ${frame} (${where}) is not a followed packet: journeys follow pod (inner) traffic.`, width),
      );
      for (const c of view.captures) out.push(th.paint('note', fit(`   ${c}`, width)));
    }
    if (view.notKept > 0) out.push(th.paint('note', fit(` ${thousands(view.notKept)} later journeys were followed but not kept for this view.`, width)));

    // The hops all show (a journey has a handful); the lost packets take the room that is left.
    const hopRows = journey?.hops ?? [];
    const lostRoom = Math.max(1, height - out.length - (hopRows.length ? hopRows.length + 1 : 0) - 2);
    this.rows = items;
    this.page = Math.max(1, lostRoom);
    this.cursor.selected = Math.max(0, Math.min(this.cursor.selected, items.length - 1));
    if (hopRows.length) {
      this.hopTable.layout(hopRows, width);
      out.push(th.paint('header', this.hopTable.header(width)));
      hopRows.forEach((h, i) => {
        const mark = i === hopRows.length - 1 && lost ? '✗' : h.frame === frame ? '▸' : ' ';
        const text = fit(` ${mark}` + this.hopTable.line(h, width).slice(2), width);
        if (i === this.cursor.selected) out.push(th.paint(lost && i === hopRows.length - 1 ? 'filterBad' : 'selected', text));
        else out.push(lost && i === hopRows.length - 1 ? th.paint('misroute', text) : text);
      });
    }
    out.push(fit('', width));
    if (!view.lost.length) {
      out.push(th.paint('good', fit(' No followed packet was lost.', width)));
      return out;
    }
    out.push(th.paint('header', fit(` Lost packets (${thousands(view.lost.length)}): where each was last seen`, width)));
    // The lost list scrolls on its own so that the selection stays in view.
    const sel = this.cursor.selected - firstLost;
    const lostCount = items.length - firstLost;
    const room = Math.max(1, height - out.length);
    const top = Math.max(0, Math.min(lostCount - room, sel >= 0 ? sel - Math.floor(room / 2) : 0));
    for (let i = top; i < Math.min(lostCount, top + room); i++) {
      const j = (items[firstLost + i] as { journey: JourneyRow }).journey;
      const text = fit(`   frame ${j.hops[0]?.frame ?? '?'}  ${j.packet}  ✗ ${j.verdict}`, width);
      out.push(firstLost + i === this.cursor.selected ? th.paint('filterBad', text) : th.paint('misroute', text));
    }
    return out;
  }
}
