// The Journey view (several captures in one list): the selected packet's path through the
// captures, hop by hop, each hop a copy in the merged list that Enter shows; how the journey
// ended, in the alert colour when the packet was lost; and below, every lost packet with where
// it was last seen, which Enter opens in turn. Rows: the hops first, then the lost packets.
import { NOT_KEPT, type JourneyHopRow, type JourneyRow, type JourneyView } from '../journey-model.js';
import { delayText } from '../../text/duration.js';
import { fit, fitFirst, thousands, wrap } from '../text.js';
import { RowView } from './row-view.js';
import { Table } from './table.js';

export type JourneyItem = { kind: 'hop'; hop: JourneyHopRow } | { kind: 'lost'; journey: JourneyRow; index: number };

/** A hop's delay after the previous one, as `vxshark journey` writes it. */
function delay(h: JourneyHopRow, before: JourneyHopRow | undefined): string {
  return before ? delayText(h.after - before.after) : '';
}

function place(h: JourneyHopRow): string {
  return [h.capture, h.iface, h.direction].filter(Boolean).join(' ');
}

const FATE: Record<JourneyRow['fate'], string> = { delivered: '✓ delivered', answered: '✓ answered', lost: '✗ lost', unknown: '? fate unknown' };

/** Lines the end of a journey may take; longer verdicts end in … */
const VERDICT_LINES = 2;

interface HopLine {
  hop: JourneyHopRow;
  before: JourneyHopRow | undefined;
}

export class JourneyPane extends RowView<JourneyItem> {
  private readonly hopTable = new Table<HopLine>(
    [
      { id: 'no', title: 'No.', min: 4, keep: 8, align: 'right', cell: (l) => String(l.hop.frame) },
      { id: 'capture', title: 'Capture', min: 8, keep: 16, max: 30, cell: (l) => `${l.hop.capture} #${l.hop.captureFrame}` },
      { id: 'iface', title: 'Interface', shortTitle: 'If', min: 6, keep: 14, max: 24, cell: (l) => l.hop.iface },
      { id: 'dir', title: 'Dir', min: 3, keep: 3, cell: (l) => l.hop.direction },
      { id: 'delay', title: 'Delay', min: 8, keep: 11, align: 'right', cell: (l) => delay(l.hop, l.before) },
      { id: 'ttl', title: 'TTL', min: 3, keep: 3, align: 'right', cell: (l) => String(l.hop.ttl) },
      {
        id: 'encap',
        title: 'Encapsulation',
        shortTitle: 'Encap',
        min: 8,
        grow: true,
        cell: (l) => (l.hop.otherHost ? `OTHERHOST ${l.hop.encap}`.trim() : l.hop.encap),
      },
    ],
    ['no', 'capture', 'iface', 'dir', 'encap', 'delay', 'ttl'],
    3,
    1,
  );
  /** The journey and the frame shown, to put the selection on the frame's hop when either changes. */
  private shown: JourneyRow | undefined;
  private shownFrame: number | undefined;
  /** Enter on a lost packet: the selection stays on it once its journey is shown. */
  private keepLost: number | undefined;

  override scrollColumns(delta: number): void {
    this.hopTable.scroll(delta);
  }

  /** Remembers which lost packet was opened, so that the next one is one key away. */
  opened(item: JourneyItem): void {
    if (item.kind === 'lost') this.keepLost = item.index;
  }

  /**
   * `frame` is the merged frame selected in the packet list, `where` says which capture's frame
   * it is ("router #3").
   */
  render(view: JourneyView, frame: number | undefined, where: string, width: number, height: number): string[] {
    const th = this.theme;
    const k = frame === undefined ? -1 : (view.byFrame[frame - 1] ?? -1);
    const journey = k >= 0 ? view.rows[k] : undefined;
    const hops = journey?.hops ?? [];
    const items: JourneyItem[] = hops.map((hop) => ({ kind: 'hop', hop }));
    const firstLost = items.length;
    view.lost.forEach((i, index) => items.push({ kind: 'lost', journey: view.rows[i]!, index }));
    if (journey !== this.shown || frame !== this.shownFrame) {
      const at = hops.findIndex((h) => h.frame === frame);
      this.cursor.selected = this.keepLost !== undefined ? firstLost + this.keepLost : Math.max(0, at);
      if (journey !== this.shown) this.cursor.top = 0;
      this.shown = journey;
      this.shownFrame = frame;
      this.keepLost = undefined;
    }
    const lost = journey?.fate === 'lost';

    const out: string[] = [
      th.paint(
        'titleFocused',
        fitFirst(
          [
            ` Journey${frame !== undefined ? ` of frame ${frame} (${where})` : ''}: ${thousands(view.followed)} packet${view.followed === 1 ? '' : 's'} followed, ${thousands(view.lostTotal)} lost   Enter: show the copy / open the journey`,
            ` Journey${frame !== undefined ? ` of frame ${frame}` : ''}: ${thousands(view.lostTotal)} lost   Enter: open`,
          ],
          width,
        ),
      ),
    ];
    if (journey) {
      out.push(fit(` ${journey.packet}`, width));
      const end = journey.fate === 'lost' || journey.fate === 'unknown' ? `${FATE[journey.fate]}: ${journey.verdict}` : FATE[journey.fate];
      const lines = wrap(end, Math.max(10, width - 2));
      const shownLines = lines.slice(0, VERDICT_LINES);
      if (lines.length > VERDICT_LINES) shownLines[VERDICT_LINES - 1] = `${shownLines[VERDICT_LINES - 1]!.slice(0, Math.max(1, width - 3))}…`;
      for (const l of shownLines) out.push(lost ? th.paint('misroute', fit(` ${l}`, width)) : fit(` ${l}`, width));
    } else {
      const why =
        frame === undefined
          ? ' No packet selected.'
          : k === NOT_KEPT
            ? ` Frame ${frame} (${where}) was followed; its journey is past the ${thousands(view.rows.length)} this view keeps.`
            : ` Frame ${frame} (${where}) is not a followed packet: journeys follow pod (inner) traffic.`;
      out.push(fit(why, width));
      for (const c of view.captures) out.push(th.paint('note', fit(`   ${c}`, width)));
    }
    if (view.notKept > 0) out.push(th.paint('note', fit(` ${thousands(view.notKept)} more journeys were followed and not kept for this view.`, width)));

    this.rows = items;
    this.cursor.selected = Math.max(0, Math.min(this.cursor.selected, items.length - 1));
    if (hops.length) {
      const lines = hops.map((hop, i) => ({ hop, before: hops[i - 1] }));
      this.hopTable.layout(lines, width);
      out.push(th.paint('header', this.hopTable.header(width)));
      lines.forEach((l, i) => {
        const last = lost && i === hops.length - 1;
        const mark = last ? '✗' : l.hop.frame === frame ? '▸' : ' ';
        const text = fit(` ${mark}` + this.hopTable.line(l, width).slice(2), width);
        if (i === this.cursor.selected) out.push(th.paint(last ? 'filterBad' : 'selected', text));
        else out.push(last ? th.paint('misroute', text) : text);
      });
    }
    out.push(fit('', width));
    if (!view.lost.length) {
      this.page = Math.max(1, height - out.length);
      out.push(th.paint('good', fit(' No followed packet was lost.', width)));
      return out;
    }
    out.push(th.paint('header', fit(` Lost packets (${thousands(view.lost.length)}): the last copy seen, where, and what it means`, width)));
    // The lost list scrolls on its own so that the selection stays in view.
    const room = Math.max(1, height - out.length);
    this.page = room;
    const sel = this.cursor.selected - firstLost;
    const lostCount = items.length - firstLost;
    const top = Math.max(0, Math.min(lostCount - room, sel >= 0 ? sel - Math.floor(room / 2) : 0));
    for (let i = top; i < Math.min(lostCount, top + room); i++) {
      const j = (items[firstLost + i] as { journey: JourneyRow }).journey;
      const lastHop = j.hops[j.hops.length - 1];
      const text = fit(`   ${lastHop?.frame ?? '?'}  ${lastHop ? place(lastHop) : ''}  ${j.packet}  ✗ ${j.verdict}`, width);
      out.push(th.paint(firstLost + i === this.cursor.selected ? 'filterBad' : 'misroute', text));
    }
    return out;
  }
}
