// The screen's layout: owns the blessed boxes, places them for the view on screen and fills
// them from the view objects (filter bar on top, status line at the bottom, help on top of all).
import { msg } from '../errors.js';
import { grouped } from '../text/grouped.js';
import { alertCounts } from './analysis-model.js';
import { captureLabel } from './journey-model.js';
import type { AnalysisControl } from './analysis-control.js';
import type { UiState } from './app-state.js';
import { blessed, type Box, type Screen } from './blessed.js';
import type { FilterControl } from './filter-control.js';
import { COMMAND_HELP, MOUSE_HELP } from './keymap.js';
import { packetListModel } from './list-model.js';
import { StatsCollector } from './stats-model.js';
import { clip, fit, fitFirst, wrap } from './text.js';
import { HexView } from './views/hex.js';
import { layersModel } from './views/layers.js';
import { StatsView } from './views/stats.js';

/** Blessed positions and sizes may be strings; they are numbers once the screen is up. */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v) || 0;
}

function place(box: Box, left: number, top: number, width: number, height: number): void {
  if (box.left !== left) box.left = left;
  if (box.top !== top) box.top = top;
  if (box.width !== width) box.width = width;
  if (box.height !== height) box.height = height;
}

const WHOLE_CAPTURE = ' Analysis of the whole capture: the display filter applies to the packet list and Statistics';

export class Layout {
  readonly boxes: {
    filter: Box;
    list: Box;
    detail: Box;
    hex: Box;
    text: Box;
    status: Box;
    help: Box;
  };
  private statsCollector: StatsCollector | undefined;
  /** Capture positions of the packet the detail and hex views were given. */
  private shownPos = -1;
  private detailPos = -1;
  /** Once a tunnel shows up the outer columns stay, so the layout does not jump. */
  private readonly tunnel = { seen: false };

  constructor(
    private readonly screen: Screen,
    private readonly s: UiState,
    private readonly filter: FilterControl,
    private readonly analysis: AnalysisControl,
    private readonly requestRender: (urgent?: boolean) => void,
  ) {
    const b = blessed();
    const plain = { parent: screen as unknown as Box, tags: false, wrap: false, left: 0, top: 0, width: 1, height: 1 };
    this.boxes = {
      filter: b.box({ ...plain }),
      list: b.box({ ...plain }),
      detail: b.box({ ...plain }),
      hex: b.box({ ...plain }),
      text: b.box({ ...plain, hidden: true }),
      status: b.box({ ...plain }),
      help: b.box({ ...plain, hidden: true, border: { type: 'line' } }),
    };
  }

  /** Lays out and fills every box, then renders the screen; returns the packet rows shown. */
  draw(): number {
    const s = this.s;
    const W = num(this.screen.width);
    const H = num(this.screen.height);
    const { filter, list, detail, hex, text, status, help } = this.boxes;
    place(filter, 0, 0, W, 1);
    const statusLines = s.command || s.searchPrompt ? [this.commandLine(W)] : s.statusBar.lines(this.statusModel(), W, H - 4);
    place(status, 0, H - statusLines.length, W, statusLines.length);
    const bodyTop = 1;
    const bodyH = Math.max(1, H - 1 - statusLines.length);

    filter.setContent(s.filterBar.render(W, this.filterNote()));

    const packets = s.view === 'packets' && !s.stream;
    for (const bx of [list, detail, hex]) packets ? bx.show() : bx.hide();
    packets ? text.hide() : text.show();

    let rowsShown = 0;
    if (s.stream) {
      place(text, 0, bodyTop, W, bodyH);
      text.setContent(s.streamView.render(s.stream, W, bodyH).join('\n'));
    } else if (packets) {
      const listH = Math.max(3, Math.floor(bodyH * 0.42));
      const rest = bodyH - listH;
      const hexH = Math.max(2, Math.min(Math.floor(rest * 0.45), this.hexLinesNeeded(W) + 1));
      const detailH = Math.max(2, rest - hexH);
      place(list, 0, bodyTop, W, listH);
      place(detail, 0, bodyTop + listH, W, detailH);
      place(hex, 0, bodyTop + listH + detailH, W, hexH);
      const model = packetListModel(s.store, s.rows, this.analysis, this.tunnel, s.opts.merged);
      const lines = s.list.render(model, W, listH, s.focus === 'list');
      rowsShown = Math.min(model.length, listH - 1);
      list.setContent(lines.join('\n'));
      this.syncSelection();
      const pos = s.selectedPos;
      const title = this.withLegend(pos === undefined ? 'Details' : `Details of frame ${pos + 1}`, model.showInterface || model.marks, W);
      detail.setContent(s.detail.render(W, detailH, s.focus === 'detail', title).join('\n'));
      const range = s.detail.selectedRange();
      const node = s.detail.current()?.node;
      const hexTitle =
        pos === undefined
          ? 'Bytes'
          : `Bytes${node && range ? `: ${clip(node.field ?? node.label, 40)} at offset ${range.start}, ${range.length} byte${range.length === 1 ? '' : 's'}` : ''}`;
      hex.setContent(s.hex.render(W, hexH, s.focus === 'hex', range, hexTitle).join('\n'));
    } else if (s.view === 'layers') {
      place(text, 0, bodyTop, W, bodyH);
      const pos = s.selectedPos;
      const model = pos !== undefined && s.store ? layersModel(s.store.packet(pos), s.store.registry) : undefined;
      text.setContent(s.layers.render(model, W, bodyH).join('\n'));
    } else if (s.view === 'stats') {
      place(text, 0, bodyTop, W, bodyH);
      text.setContent(this.statsLines(W, bodyH).join('\n'));
    } else {
      place(text, 0, bodyTop, W, bodyH);
      text.setContent(this.analysisLines(W, bodyH).join('\n'));
    }

    status.setContent(statusLines.join('\n'));

    if (s.helpOpen) {
      // Full width up to 92 columns, so nothing of the view below shows beside the box.
      const hw = Math.min(W, 92);
      const hh = Math.min(H - 2, this.helpLines(hw - 2).length + 2);
      place(help, Math.floor((W - hw) / 2), Math.max(1, Math.floor((H - hh) / 2)), hw, hh);
      const all = this.helpLines(hw - 2);
      s.helpPage = hh - 2;
      s.helpTop = Math.max(0, Math.min(s.helpTop, all.length - (hh - 2)));
      help.setContent(all.slice(s.helpTop, s.helpTop + hh - 2).join('\n'));
      help.show();
      help.setFront();
    } else help.hide();

    this.screen.render();
    return rowsShown;
  }

  /** More packets were indexed: the statistics count them too. */
  grew(): void {
    if (this.statsCollector?.rows === this.s.rows) this.statsCollector?.run();
  }

  /** Whether the statistics are still being counted. */
  get counting(): boolean {
    return this.statsCollector !== undefined && !this.statsCollector.done;
  }

  /** The packets were dissected again: forgets the packet shown and the statistics. */
  redissected(): void {
    this.shownPos = -1;
    this.detailPos = -1;
    this.statsCollector?.stop();
    this.statsCollector = undefined;
  }

  dispose(): void {
    this.statsCollector?.stop();
  }

  private hexLinesNeeded(width: number): number {
    const pos = this.s.selectedPos;
    if (pos === undefined || !this.s.capture) return 4;
    return Math.ceil(this.s.capture.index.capLenOf(pos) / HexView.bytesPerLine(width));
  }

  /** Gives the detail and hex views the packet selected in the list. */
  private syncSelection(): void {
    const s = this.s;
    const pos = s.selectedPos;
    if (pos === this.shownPos && pos === this.detailPos) return;
    this.shownPos = pos ?? -1;
    if (pos === undefined || !s.store) {
      s.detail.setTree([]);
      s.hex.setData(new Uint8Array(0));
      this.detailPos = -1;
      return;
    }
    const pkt = s.store.packet(pos);
    s.detail.setTree(s.store.tree(pos));
    s.hex.setData(pkt.data);
    this.detailPos = pos;
    const r = s.detail.selectedRange();
    if (r && s.focus !== 'hex') s.hex.moveCursor(r.start);
  }

  /** The detail pane's title, with what the list's marks mean and whether ← → show more columns. */
  private withLegend(title: string, marks: boolean, width: number): string {
    const { left, right } = this.s.list.scrolled;
    const scroll = left || right ? `${left ? '«' : ''}← → columns${right ? '»' : ''}` : '';
    const room = width - 2 - title.length - 2;
    for (const words of [this.s.list.legend(false), this.s.list.legend(true), '']) {
      const legend = [marks ? words : '', scroll].filter(Boolean).join('   ');
      if (legend && room >= legend.length) return title + ' '.repeat(room - legend.length + 1) + legend;
    }
    return title;
  }

  private filterNote(): string {
    const job = this.filter.job;
    const bar = this.s.filterBar;
    if (job && job.state !== 'cancelled' && bar.applied && !bar.editing) {
      return `${grouped(job.rows.length)} shown`;
    }
    return '';
  }

  private statusModel() {
    const s = this.s;
    const c = s.capture;
    const job = this.filter.job;
    const analysis = this.analysis.result;
    const view = s.keymap.views.find((v) => v.id === s.view)!;
    const filtering = job && (job.state === 'running' || (job.state === 'waiting' && !c?.complete));
    return {
      file: s.opts.file === '-' ? 'standard input' : s.opts.file,
      loaded: c?.frameCount ?? 0,
      loading: !c?.complete,
      ...(c?.size ? { fraction: c.complete ? 1 : c.bytesRead / c.size } : {}),
      shown: s.rows?.length ?? 0,
      filtered: s.filterBar.applied !== '',
      ...(filtering && job?.state === 'running' ? { filterFraction: job.fraction } : {}),
      ...(s.store?.annotating ? { streamsFraction: s.store.annotatedFraction } : {}),
      view: s.stream
        ? `Stream: ${s.streamView.mode}`
        : `${view.key} ${view.title}${s.view === 'packets' ? `: ${s.focus === 'list' ? 'list' : s.focus === 'detail' ? 'details' : 'bytes'}` : ''}`,
      ...(analysis ? { alerts: alertCounts(analysis) } : {}),
      ...(s.message ? { message: s.message } : {}),
      ...(c?.error && !s.message ? { warning: 'damaged capture' } : {}),
      ...(s.opts.follow && !c?.complete ? { live: s.follow ? ('following' as const) : ('paused' as const) } : {}),
    };
  }

  private commandLine(width: number): string {
    const th = this.s.theme;
    if (this.s.searchPrompt) {
      const where = this.s.view !== 'packets' || this.s.focus === 'list' ? 'packets' : this.s.focus === 'detail' ? 'tree' : 'bytes';
      const label = `Search ${where}: `;
      return th.paint('statusAccent', label) + this.s.searchPrompt.render(th, width - label.length, 'status', true);
    }
    return th.paint('statusAccent', ':') + this.s.command!.render(th, width - 1, 'status', true);
  }

  private helpLines(width: number): string[] {
    const th = this.s.theme;
    const out: string[] = [
      th.paint(
        'titleFocused',
        fitFirst([' vxshark keys   (Esc, q or ? closes; j/k, space, g/G scroll)', ' vxshark keys   (Esc, q or ? closes; j/k scroll)'], width),
      ),
    ];
    let group = '';
    const entries = [
      ...this.s.keymap.helpLines(),
      ...COMMAND_HELP.map((c) => ({ group: 'Commands (after :)', ...c })),
      ...MOUSE_HELP.map((m) => ({ group: 'Mouse', ...m })),
    ];
    for (const e of entries) {
      if (e.group !== group) {
        group = e.group;
        out.push('');
        out.push(th.paint('key', fit(` ${group}`, width)));
      }
      // A help text longer than the box wraps under itself rather than losing its end.
      const lines = wrap(e.help, Math.max(10, width - 24));
      lines.forEach((text, i) => out.push(fit(`   ${(i === 0 ? e.keys : '').padEnd(20)} ${text}`, width)));
    }
    return out;
  }

  /** Statistics over the rows on screen: counted again when the display filter changes. */
  private statsLines(width: number, height: number): string[] {
    const s = this.s;
    const store = s.store;
    if (!store || !s.rows) return s.stats.render(undefined, width, height);
    const filter = s.filterBar.applied;
    if (!this.statsCollector || this.statsCollector.rows !== s.rows || this.statsCollector.filter !== filter) {
      this.statsCollector?.stop();
      this.statsCollector = new StatsCollector(store, s.rows, filter, () => this.requestRender(false));
    }
    // The rows of a running filter keep growing: keep counting.
    if (this.statsCollector.counted < s.rows.length) this.statsCollector.run();
    return s.stats.render(this.statsCollector.model(StatsView.buckets(width)), width, height);
  }

  /** The Flows, Tunnels, Hops or Alerts view, or why it has nothing to show yet. */
  private analysisLines(width: number, height: number): string[] {
    const s = this.s;
    const a = this.analysis.result;
    if (!a) {
      const c = s.capture;
      const failed = this.analysis.failed;
      const why = failed ? msg.uiAnalysisFailed(failed) : !c?.complete ? msg.uiAnalysisWaits() : msg.uiAnalysing(grouped(c?.frameCount ?? 0));
      return [s.theme.paint('titleFocused', fit(` ${s.keymap.views.find((v) => v.id === s.view)!.title}`, width)), fit(` ${why}`, width)];
    }
    // These views analyse the whole capture; with a display filter applied, the last line says so.
    const note = s.filterBar.applied ? [s.theme.paint('note', fitFirst([WHOLE_CAPTURE, ' Whole capture: the filter applies to the packet list'], width))] : [];
    const room = Math.max(1, height - note.length);
    const lines = ((): string[] => {
      switch (s.view) {
        case 'flows':
          return s.flows.render(
            a.flowRows,
            a.flowGroups,
            a.flowCount,
            width,
            room,
            a.tunnels.filter((t) => t.inner === 'encrypted').map((t) => t.kind),
          );
        case 'tunnels':
          return s.tunnels.render(a.tunnels, a.matrix, a.hints, width, room);
        case 'hops':
          return s.hops.render(a.hops, a.placed, width, room);
        case 'journey': {
          const pos = s.selectedPos;
          // The view exists only with several captures, whose analysis always follows packets.
          const m = s.opts.merged;
          if (!a.journeys || !m) return [];
          return s.journey.render(a.journeys, pos === undefined ? undefined : pos + 1, pos === undefined ? '' : captureLabel(m, pos), width, room);
        }
        default: {
          const ev = this.analysis.evidence;
          return s.alerts.render(a.alerts, width, room, ev && ev.alert === s.alerts.current() ? ev.at : -1);
        }
      }
    })();
    if (!note.length) return lines;
    const body = lines.slice(0, room);
    while (body.length < room) body.push(fit('', width));
    return [...body, ...note];
  }
}
