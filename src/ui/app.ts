// The terminal UI's controller: owns the blessed boxes, the view state and the key
// dispatch. Views only turn view models into lines; this file decides what they show.
import type { Capture } from '../capture/capture.js';
import { createRegistry } from '../dissect/default-registry.js';
import { parseDecodeAs, type DecodeAsRule, type RegistryOptions } from '../dissect/registry.js';
import { VxError, msg } from '../errors.js';
import { checkFilter, compileFilter } from '../filter/index.js';
import { alertCounts, copyOrigin, type AlertRow, type AnalysisView } from './analysis-model.js';
import { runAnalysis, type RunningAnalysis } from './analysis-runner.js';
import { blessed, type Box, type KeyEvent, type MouseEvent, type Screen } from './blessed.js';
import { FilterJob } from './filter-job.js';
import { Keymap, MOUSE_HELP, VIEWS, keyName, type Action, type ViewId } from './keymap.js';
import { StatsCollector } from './stats-model.js';
import { AllRows, PacketStore, type RowSource } from './store.js';
import { clip, fit } from './text.js';
import type { Role, Theme } from './theme.js';
import { AlertsView } from './views/alerts.js';
import { DetailView } from './views/detail.js';
import { FilterBar, LineEditor, type FilterState } from './views/filter-bar.js';
import { FlowsView } from './views/flows.js';
import { HexView } from './views/hex.js';
import { HopsView } from './views/hops.js';
import { LayersView, layersModel } from './views/layers.js';
import { PacketListView, listRow, type ListModel, type ListRow } from './views/packet-list.js';
import { StatsView } from './views/stats.js';
import { StatusBar } from './views/status-bar.js';
import { TunnelsView } from './views/tunnels.js';

export type Pane = 'list' | 'detail' | 'hex';
const PANES: Pane[] = ['list', 'detail', 'hex'];

export interface AppOptions {
  file: string;
  registry: RegistryOptions;
  ifnames: ReadonlyMap<number, string>;
  theme: Theme;
  /** Keep the last packet selected as packets arrive (standard input). */
  follow: boolean;
  quit: () => void;
}

/** Timing marks for tests and benchmarks (performance.now() values). */
export interface UiMarks {
  created: number;
  firstRender?: number;
  /** First render that showed at least one packet row. */
  firstRows?: number;
  loaded?: number;
  /** When the analysis views got their data. */
  analysed?: number;
  /** Duration of the last render, in milliseconds. */
  lastRenderMs: number;
  renders: number;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v) || 0;
}

export class App {
  readonly marks: UiMarks;
  store: PacketStore | undefined;
  capture: Capture | undefined;
  rows: RowSource | undefined;
  view: ViewId = 'packets';
  focus: Pane = 'list';
  readonly keymap: Keymap;

  private readonly theme: Theme;
  private readonly list: PacketListView;
  private readonly detail: DetailView;
  private readonly hex: HexView;
  readonly filterBar: FilterBar;
  private readonly statusBar: StatusBar;
  private readonly layers: LayersView;
  private readonly flows: FlowsView;
  private readonly tunnels: TunnelsView;
  private readonly hops: HopsView;
  private readonly alerts: AlertsView;
  private stats: StatsView | undefined;
  private statsCollector: StatsCollector | undefined;

  private readonly boxes: {
    filter: Box;
    list: Box;
    detail: Box;
    hex: Box;
    text: Box;
    stats: Box;
    status: Box;
    help: Box;
  };

  private job: FilterJob | undefined;
  private beforeJob: { rows: RowSource | undefined; text: string } | undefined;
  /** Capture position to select once the running filter has tested it. */
  private pendingSelect: number | undefined;
  private shownPos = -1;
  private detailPos = -1;
  private helpOpen = false;
  private helpTop = 0;
  private command: LineEditor | undefined;
  private message: { text: string; role: Role } | undefined;
  private decodeRules: DecodeAsRule[];
  private follow: boolean;
  private renderScheduled = false;
  private renderTimer: NodeJS.Timeout | undefined;
  private lastDraw = 0;
  private renderWaiters: (() => void)[] = [];
  private disposed = false;
  private seenTunnel = false;
  /** Results of the analysis module (flows, tunnels, hops, alerts), once the worker is done. */
  analysis: AnalysisView | undefined;
  private analysisRun: RunningAnalysis | undefined;
  private analysisFailed: string | undefined;
  /** Frames named by error alerts, marked in the list. */
  private alertFrames = new Set<number>();
  /** The alert whose evidence n / N walk, and the position in its frames. */
  private evidence: { alert: AlertRow; at: number } | undefined;

  constructor(
    private readonly screen: Screen,
    private readonly opts: AppOptions,
  ) {
    this.marks = { created: performance.now(), lastRenderMs: 0, renders: 0 };
    this.theme = opts.theme;
    this.follow = opts.follow;
    this.decodeRules = [...(opts.registry.decodeAs ?? [])];
    this.keymap = new Keymap(VIEWS);
    this.list = new PacketListView(this.theme);
    this.detail = new DetailView(this.theme);
    this.hex = new HexView(this.theme);
    this.filterBar = new FilterBar(this.theme, (text) => this.checkFilterText(text));
    this.statusBar = new StatusBar(this.theme);
    this.layers = new LayersView(this.theme);
    this.flows = new FlowsView(this.theme);
    this.tunnels = new TunnelsView(this.theme);
    this.hops = new HopsView(this.theme);
    this.alerts = new AlertsView(this.theme);

    const b = blessed();
    const plain = { parent: screen as unknown as Box, tags: false, wrap: false, left: 0, top: 0, width: 1, height: 1 };
    this.boxes = {
      filter: b.box({ ...plain }),
      list: b.box({ ...plain }),
      detail: b.box({ ...plain }),
      hex: b.box({ ...plain }),
      text: b.box({ ...plain, hidden: true }),
      stats: b.box({ ...plain, hidden: true }),
      status: b.box({ ...plain }),
      help: b.box({ ...plain, hidden: true, border: { type: 'line' } }),
    };
    this.bindInput();
    screen.on('resize', () => this.requestRender());
  }

  // ---- capture lifecycle -------------------------------------------------------------

  /** The capture's header is read: packets can be shown from now on. */
  attach(capture: Capture): void {
    this.capture = capture;
    this.store = new PacketStore(capture, this.makeRegistry(), this.opts.ifnames);
    this.rows = new AllRows(this.store);
    this.requestRender();
  }

  /** More packets were indexed. */
  grew(): void {
    this.job?.notifyGrowth();
    this.statsCollector?.run();
    if (this.follow && this.rows && this.rows.length) this.list.select(this.rows.length - 1, this.rows.length);
    this.requestRender(false);
  }

  loaded(): void {
    this.marks.loaded ??= performance.now();
    this.job?.notifyGrowth();
    this.statsCollector?.run();
    if (this.capture?.error) this.setMessage(msg.uiInputProblem(this.capture.error), 'warning');
    this.startAnalysis();
    this.requestRender();
  }

  /** Runs the analysis module in a worker over the whole capture (again after `:decode`). */
  private startAnalysis(): void {
    const c = this.capture;
    if (!c?.complete || this.disposed) return;
    this.analysisRun?.cancel();
    this.analysisFailed = undefined;
    const run = runAnalysis({
      path: c.path,
      decodeAs: this.decodeRules,
      heuristics: this.opts.registry.heuristics ?? true,
      ifnames: [...this.opts.ifnames],
    });
    this.analysisRun = run;
    void run.result.then((reply) => {
      if (run !== this.analysisRun || this.disposed) return;
      this.analysisRun = undefined;
      if (!reply.ok) {
        this.analysisFailed = reply.message;
        this.setMessage(msg.uiAnalysisFailed(reply.message), 'error');
      } else {
        this.analysis = reply.view;
        this.alertFrames = new Set(reply.view.alerts.filter((a) => a.severity === 'error').flatMap((a) => a.frames));
        this.marks.analysed ??= performance.now();
      }
      this.requestRender();
    });
  }

  /** Whether the analysis worker is still running. */
  get analysing(): boolean {
    return this.analysisRun !== undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.analysisRun?.cancel();
    this.job?.cancel();
    this.statsCollector?.stop();
    if (this.renderTimer) clearTimeout(this.renderTimer);
    for (const w of this.renderWaiters.splice(0)) w();
  }

  private makeRegistry() {
    return createRegistry({ ...this.opts.registry, decodeAs: this.decodeRules });
  }

  // ---- rendering ---------------------------------------------------------------------

  /** Schedules a render: at once for keys, at most every 80 ms for loading progress. */
  requestRender(urgent = true): void {
    if (this.disposed) return;
    if (urgent) {
      if (this.renderTimer) {
        clearTimeout(this.renderTimer);
        this.renderTimer = undefined;
      }
      if (this.renderScheduled) return;
      this.renderScheduled = true;
      setImmediate(() => {
        this.renderScheduled = false;
        this.draw();
      });
      return;
    }
    if (this.renderScheduled || this.renderTimer) return;
    const wait = Math.max(0, 80 - (performance.now() - this.lastDraw));
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined;
      this.draw();
    }, wait);
  }

  /** Resolves after the next render (for tests and benchmarks). */
  nextRender(): Promise<void> {
    return new Promise((resolve) => this.renderWaiters.push(resolve));
  }

  /** Whether anything is still going on (loading, filtering, counting, a render pending). */
  get busy(): boolean {
    return (
      !this.capture?.complete ||
      this.job?.active === true ||
      this.renderScheduled ||
      this.renderTimer !== undefined ||
      this.analysisRun !== undefined ||
      (this.statsCollector !== undefined && !this.statsCollector.done)
    );
  }

  private get selectedPos(): number | undefined {
    const rows = this.rows;
    if (!rows || rows.length === 0) return undefined;
    return rows.position(Math.min(this.list.selected, rows.length - 1));
  }

  draw(): void {
    if (this.disposed || this.screen.destroyed) return;
    const t0 = performance.now();
    const W = num(this.screen.width);
    const H = num(this.screen.height);
    const { filter, list, detail, hex, text, stats, status, help } = this.boxes;
    place(filter, 0, 0, W, 1);
    place(status, 0, H - 1, W, 1);
    const bodyTop = 1;
    const bodyH = Math.max(1, H - 2);

    filter.setContent(this.filterBar.render(W, this.filterNote()));

    const packets = this.view === 'packets';
    for (const bx of [list, detail, hex]) packets ? bx.show() : bx.hide();
    const textView = !packets && this.view !== 'stats';
    textView ? text.show() : text.hide();
    this.view === 'stats' ? stats.show() : stats.hide();

    let rowsShown = 0;
    if (packets) {
      const listH = Math.max(3, Math.floor(bodyH * 0.42));
      const rest = bodyH - listH;
      const hexH = Math.max(2, Math.min(Math.floor(rest * 0.45), this.hexLinesNeeded(W) + 1));
      const detailH = Math.max(2, rest - hexH);
      place(list, 0, bodyTop, W, listH);
      place(detail, 0, bodyTop + listH, W, detailH);
      place(hex, 0, bodyTop + listH + detailH, W, hexH);
      const model = this.listModel();
      const lines = this.list.render(model, W, listH, this.focus === 'list');
      rowsShown = Math.min(model.length, listH - 1);
      list.setContent(lines.join('\n'));
      this.syncSelection();
      const pos = this.selectedPos;
      const title = pos === undefined ? 'Details' : `Details of frame ${pos + 1}`;
      detail.setContent(this.detail.render(W, detailH, this.focus === 'detail', title).join('\n'));
      const range = this.detail.selectedRange();
      const node = this.detail.current()?.node;
      const hexTitle = pos === undefined ? 'Bytes' : `Bytes${node && range ? `: ${clip(node.field ?? node.label, 40)} at offset ${range.start}, ${range.length} byte${range.length === 1 ? '' : 's'}` : ''}`;
      hex.setContent(this.hex.render(W, hexH, this.focus === 'hex', range, hexTitle).join('\n'));
    } else if (this.view === 'layers') {
      place(text, 0, bodyTop, W, bodyH);
      const pos = this.selectedPos;
      const model = pos !== undefined && this.store ? layersModel(this.store.packet(pos), this.store.registry) : undefined;
      text.setContent(this.layers.render(model, W, bodyH).join('\n'));
    } else if (this.view === 'stats') {
      place(stats, 0, bodyTop, W, bodyH);
      this.drawStats(W, bodyH);
    } else {
      place(text, 0, bodyTop, W, bodyH);
      text.setContent(this.analysisLines(W, bodyH).join('\n'));
    }

    status.setContent(this.command ? this.commandLine(W) : this.statusBar.render(this.statusModel(), W));

    if (this.helpOpen) {
      const hw = Math.min(W - 2, 92);
      const hh = Math.min(H - 2, this.helpLines(hw - 2).length + 2);
      place(help, Math.floor((W - hw) / 2), Math.max(1, Math.floor((H - hh) / 2)), hw, hh);
      const all = this.helpLines(hw - 2);
      this.helpTop = Math.max(0, Math.min(this.helpTop, all.length - (hh - 2)));
      help.setContent(all.slice(this.helpTop, this.helpTop + hh - 2).join('\n'));
      help.show();
      help.setFront();
    } else help.hide();

    this.screen.render();
    const t1 = performance.now();
    this.lastDraw = t1;
    this.marks.renders++;
    this.marks.lastRenderMs = t1 - t0;
    this.marks.firstRender ??= t1;
    if (rowsShown > 0) this.marks.firstRows ??= t1;
    for (const w of this.renderWaiters.splice(0)) w();
  }

  private hexLinesNeeded(width: number): number {
    const pos = this.selectedPos;
    if (pos === undefined || !this.capture) return 4;
    return Math.ceil(this.capture.index.capLenOf(pos) / HexView.bytesPerLine(width));
  }

  private listModel(): ListModel {
    const store = this.store;
    const rows = this.rows;
    if (!store || !rows) return { length: 0, rows: () => [], showInterface: false, showTunnel: () => false, timeWidth: 8, ifaceWidth: 8, marks: false };
    const last = rows.length ? rows.position(rows.length - 1) : 0;
    return {
      length: rows.length,
      showInterface: store.hasInterfaceInfo(),
      showTunnel: () => this.seenTunnel,
      ifaceWidth: store.interfaceNameWidth() + 2,
      marks: this.analysis !== undefined && (this.analysis.copies.length > 0 || this.alertFrames.size > 0),
      timeWidth: rows.length ? store.timeText(last).length : 8,
      rows: (from, to) => {
        const positions: number[] = [];
        for (let r = from; r < to; r++) positions.push(rows.position(r));
        store.prefetch(positions);
        const analysis = this.analysis;
        return positions.map((p): ListRow => {
          const s = store.summary(p);
          // Once a tunnel shows up the outer columns stay, so the layout does not jump.
          if (s.tunnel) this.seenTunnel = true;
          const row = listRow(p, store.timeText(p), s);
          if (analysis) {
            const origin = copyOrigin(analysis, p + 1);
            if (origin !== undefined) {
              row.mark = 'forwarded';
              row.info = `[forwarded copy of ${origin}] ${row.info}`;
            }
            if (this.alertFrames.has(p + 1)) row.mark = 'misroute';
          }
          return row;
        });
      },
    };
  }

  /** Gives the detail and hex views the packet selected in the list. */
  private syncSelection(): void {
    const pos = this.selectedPos;
    if (pos === this.shownPos && pos === this.detailPos) return;
    this.shownPos = pos ?? -1;
    if (pos === undefined || !this.store) {
      this.detail.setTree([]);
      this.hex.setData(new Uint8Array(0));
      this.detailPos = -1;
      return;
    }
    const pkt = this.store.packet(pos);
    this.detail.setTree(this.store.tree(pos));
    this.hex.setData(pkt.data);
    this.detailPos = pos;
    const r = this.detail.selectedRange();
    if (r && this.focus !== 'hex') this.hex.moveCursor(r.start);
  }

  private filterNote(): string {
    if (this.job && this.job.state !== 'cancelled' && this.filterBar.applied && !this.filterBar.editing) {
      return `${this.job.rows.length.toLocaleString('en-US')} shown`;
    }
    return '';
  }

  private statusModel() {
    const c = this.capture;
    const view = VIEWS.find((v) => v.id === this.view)!;
    const filtering = this.job && (this.job.state === 'running' || (this.job.state === 'waiting' && !c?.complete));
    return {
      file: this.opts.file === '-' ? 'standard input' : this.opts.file,
      loaded: c?.frameCount ?? 0,
      loading: !c?.complete,
      ...(c?.size ? { fraction: c.complete ? 1 : c.bytesRead / c.size } : {}),
      shown: this.rows?.length ?? 0,
      filtered: this.filterBar.applied !== '',
      ...(filtering && this.job?.state === 'running' ? { filterFraction: this.job.fraction } : {}),
      view: `${view.key} ${view.title}${this.view === 'packets' ? `: ${this.focus === 'list' ? 'list' : this.focus === 'detail' ? 'details' : 'bytes'}` : ''}`,
      ...(this.analysis ? { alerts: alertCounts(this.analysis) } : {}),
      ...(this.message ? { message: this.message } : {}),
      ...(c?.error && !this.message ? { warning: 'damaged capture' } : {}),
    };
  }

  private commandLine(width: number): string {
    const th = this.theme;
    return th.paint('statusAccent', ':') + this.command!.render(th, width - 1, 'status', true);
  }

  private helpLines(width: number): string[] {
    const th = this.theme;
    const out: string[] = [th.paint('titleFocused', fit(' vxshark keys   (Esc, q or ? closes; j/k scroll)', width))];
    let group = '';
    const entries = [...this.keymap.helpLines(), ...MOUSE_HELP.map((m) => ({ group: 'Mouse', ...m }))];
    for (const e of entries) {
      if (e.group !== group) {
        group = e.group;
        out.push('');
        out.push(th.paint('key', fit(` ${group}`, width)));
      }
      out.push(fit(`   ${e.keys.padEnd(20)} ${e.help}`, width));
    }
    return out;
  }

  private drawStats(width: number, height: number): void {
    if (!this.store) return;
    if (!this.stats) this.stats = new StatsView(this.theme, this.boxes.stats);
    if (!this.statsCollector) {
      this.statsCollector = new StatsCollector(this.store, () => this.requestRender(false));
      this.statsCollector.run();
    }
    this.stats.layout({ left: 0, top: 0, width, height });
    this.stats.update(this.statsCollector.model());
  }

  // ---- input -------------------------------------------------------------------------

  private bindInput(): void {
    this.screen.on('keypress', (ch: string | undefined, key: KeyEvent | undefined) => {
      if (!key) return;
      const name = keyName(ch, key);
      if (name === undefined) return;
      this.onKey(name, ch, key);
    });
    const { list, detail, hex } = this.boxes;
    list.on('click', (m: MouseEvent) => this.clickList(m));
    detail.on('click', (m: MouseEvent) => this.clickDetail(m));
    hex.on('click', (m: MouseEvent) => this.clickHex(m));
    list.on('wheeldown', () => this.wheel('list', 3));
    list.on('wheelup', () => this.wheel('list', -3));
    detail.on('wheeldown', () => this.wheel('detail', 3));
    detail.on('wheelup', () => this.wheel('detail', -3));
    hex.on('wheeldown', () => this.wheel('hex', 2));
    hex.on('wheelup', () => this.wheel('hex', -2));
  }

  onKey(name: string, ch: string | undefined, key: KeyEvent): void {
    if (this.disposed) return;
    if (name === 'C-c') return this.opts.quit();
    if (this.helpOpen) {
      if (name === '?' || name === 'escape' || name === 'q') this.helpOpen = false;
      else if (name === 'j' || name === 'down') this.helpTop++;
      else if (name === 'k' || name === 'up') this.helpTop = Math.max(0, this.helpTop - 1);
      return this.requestRender();
    }
    if (this.command) {
      const r = this.command.handleKey(ch, key);
      if (r === 'submit') {
        const text = this.command.text.trim();
        this.command.remember(text);
        this.command = undefined;
        this.runCommand(text);
      } else if (r === 'cancel') this.command = undefined;
      return this.requestRender();
    }
    if (this.filterBar.editing) {
      const r = this.filterBar.handleKey(ch, key);
      if (r === 'submit') {
        this.filterBar.editing = false;
        this.applyFilter(this.filterBar.editor.text.trim());
      } else if (r === 'cancel') this.filterBar.cancel();
      return this.requestRender();
    }
    this.message = undefined;
    const action = this.keymap.action(name);
    if (action) this.act(action);
    this.requestRender();
  }

  private act(action: Action): void {
    switch (action) {
      case 'quit':
        return this.opts.quit();
      case 'help':
        this.helpOpen = true;
        this.helpTop = 0;
        return;
      case 'filter':
        this.filterBar.open();
        return;
      case 'command':
        this.command ??= new LineEditor();
        this.command.set('');
        return;
      case 'cancel':
        if (this.job?.active || this.job?.state === 'waiting') this.cancelFilter();
        return;
    }
    if (action.startsWith('view:')) {
      this.view = action.slice(5) as ViewId;
      return;
    }
    if (action === 'nextEvidence' || action === 'prevEvidence') return this.walkEvidence(action === 'nextEvidence' ? 1 : -1);
    if (this.view === 'packets') this.actPackets(action);
    else if (this.view === 'layers') this.actList(action);
    else if (this.view === 'flows' || this.view === 'tunnels' || this.view === 'hops' || this.view === 'alerts') this.actAnalysis(action);
  }

  /** Moving in and opening the rows of the Flows, Tunnels, Hops and Alerts views. */
  private actAnalysis(action: Action): void {
    const a = this.analysis;
    if (!a) return;
    const v = this.view === 'flows' ? this.flows : this.view === 'tunnels' ? this.tunnels : this.view === 'hops' ? this.hops : this.alerts;
    const page = v.pageSize();
    switch (action) {
      case 'up':
        return v.move(-1);
      case 'down':
        return v.move(1);
      case 'pageUp':
        return v.move(-page);
      case 'pageDown':
        return v.move(page);
      case 'halfUp':
        return v.move(-Math.max(1, page >> 1));
      case 'halfDown':
        return v.move(Math.max(1, page >> 1));
      case 'first':
        return v.move(-Infinity);
      case 'last':
        return v.move(Infinity);
      case 'toggle':
        break;
      default:
        return;
    }
    if (this.view === 'flows') {
      const f = this.flows.current();
      if (f) this.filterAndShow(f.filter);
    } else if (this.view === 'tunnels') {
      const t = this.tunnels.current();
      if (t) this.filterAndShow(t.filter);
    } else if (this.view === 'hops') {
      const h = this.hops.current();
      if (h?.example) this.showFrame(h.example[0]);
    } else {
      const al = this.alerts.current();
      if (al?.frames.length) {
        this.evidence = { alert: al, at: 0 };
        this.showFrame(al.frames[0]!);
      }
    }
  }

  private filterAndShow(filter: string): void {
    this.view = 'packets';
    this.focus = 'list';
    this.applyFilter(filter);
  }

  /** Shows a frame in the packet list, clearing a filter that hides it. */
  showFrame(frame: number): void {
    this.view = 'packets';
    this.focus = 'list';
    if (!this.rows || !this.store) return;
    if (this.rows.rowOf(frame - 1) < 0 && this.filterBar.applied) this.applyFilter('');
    this.gotoFrame(String(frame));
  }

  /** n / N: the next or previous evidence frame of the alert chosen in the Alerts view. */
  private walkEvidence(step: number): void {
    let ev = this.evidence;
    if (!ev || this.view === 'alerts') {
      const al = this.alerts.current() ?? this.analysis?.alerts[0];
      if (!al?.frames.length) return;
      ev = ev?.alert === al ? ev : { alert: al, at: -step };
    }
    const n = ev.alert.frames.length;
    ev.at = (((ev.at + step) % n) + n) % n;
    this.evidence = ev;
    this.showFrame(ev.alert.frames[ev.at]!);
    this.setMessage(msg.uiEvidence(ev.at + 1, n, ev.alert.title), 'note');
  }

  private analysisLines(width: number, height: number): string[] {
    const a = this.analysis;
    const th = this.theme;
    if (!a) {
      const c = this.capture;
      const why = this.analysisFailed
        ? msg.uiAnalysisFailed(this.analysisFailed)
        : !c?.complete
          ? msg.uiAnalysisWaits()
          : msg.uiAnalysing((c?.frameCount ?? 0).toLocaleString('en-US'));
      return [th.paint('titleFocused', fit(` ${VIEWS.find((v) => v.id === this.view)!.title}`, width)), fit(` ${why}`, width)];
    }
    switch (this.view) {
      case 'flows':
        return this.flows.render(a.flowGroups, a.flowCount, width, height);
      case 'tunnels':
        return this.tunnels.render(a.tunnels, a.matrix, a.hints, width, height);
      case 'hops':
        return this.hops.render(a.hops, a.placed, width, height);
      default: {
        const ev = this.evidence;
        return this.alerts.render(a.alerts, width, height, ev && ev.alert === this.alerts.current() ? ev.at : -1);
      }
    }
  }

  private actPackets(action: Action): void {
    if (action === 'nextPane' || action === 'prevPane') {
      const i = PANES.indexOf(this.focus);
      this.focus = PANES[(i + (action === 'nextPane' ? 1 : PANES.length - 1)) % PANES.length]!;
      if (this.focus === 'hex') {
        const r = this.detail.selectedRange();
        if (r) this.hex.moveCursor(r.start);
      }
      return;
    }
    if (this.focus === 'list') {
      if (action === 'toggle') this.focus = 'detail';
      else this.actList(action);
    } else if (this.focus === 'detail') this.actDetail(action);
    else this.actHex(action);
  }

  /** Moving through the packet list (the list pane, and the Layers view). */
  private actList(action: Action): void {
    const n = this.rows?.length ?? 0;
    const l = this.list;
    const page = l.pageSize();
    switch (action) {
      case 'up':
        l.moveBy(-1, n);
        break;
      case 'down':
        l.moveBy(1, n);
        break;
      case 'pageUp':
        l.moveBy(-page, n);
        break;
      case 'pageDown':
        l.moveBy(page, n);
        break;
      case 'halfUp':
        l.moveBy(-Math.max(1, page >> 1), n);
        break;
      case 'halfDown':
        l.moveBy(Math.max(1, page >> 1), n);
        break;
      case 'first':
        l.select(0, n);
        break;
      case 'last':
        l.select(n - 1, n);
        break;
      default:
        return;
    }
    // Moving away from the end stops following a live capture; G resumes it.
    if (this.opts.follow) this.follow = l.selected >= n - 1;
  }

  private actDetail(action: Action): void {
    const d = this.detail;
    const before = d.selected;
    switch (action) {
      case 'up':
        d.moveBy(-1);
        break;
      case 'down':
        d.moveBy(1);
        break;
      case 'pageUp':
        d.moveBy(-d.pageSize());
        break;
      case 'pageDown':
        d.moveBy(d.pageSize());
        break;
      case 'halfUp':
        d.moveBy(-Math.max(1, d.pageSize() >> 1));
        break;
      case 'halfDown':
        d.moveBy(Math.max(1, d.pageSize() >> 1));
        break;
      case 'first':
        d.moveTo(0);
        break;
      case 'last':
        d.moveTo(d.nodes.length - 1);
        break;
      case 'toggle':
        d.toggle();
        break;
      case 'right':
        d.expandOrEnter();
        break;
      case 'left':
        d.collapseOrLeave();
        break;
      case 'expandAll':
        d.setAll(true);
        break;
      case 'collapseAll':
        d.setAll(false);
        break;
    }
    if (d.selected !== before || action === 'toggle') {
      const r = d.selectedRange();
      if (r) this.hex.moveCursor(r.start);
    }
  }

  private actHex(action: Action): void {
    const h = this.hex;
    switch (action) {
      case 'left':
        h.moveBy(-1);
        break;
      case 'right':
        h.moveBy(1);
        break;
      case 'up':
        h.lineBy(-1);
        break;
      case 'down':
        h.lineBy(1);
        break;
      case 'pageUp':
        h.pageBy(-1);
        break;
      case 'pageDown':
        h.pageBy(1);
        break;
      case 'halfUp':
        h.lineBy(-4);
        break;
      case 'halfDown':
        h.lineBy(4);
        break;
      case 'first':
        h.moveCursor(0);
        break;
      case 'last':
        h.moveCursor(h.length - 1);
        break;
      case 'toggle':
        this.focus = 'detail';
        return;
      default:
        return;
    }
    this.detail.selectByte(h.cursor);
  }

  private clickList(m: MouseEvent): void {
    const box = this.boxes.list;
    const n = this.rows?.length ?? 0;
    const row = this.list.rowAtLine(m.y - num(box.atop), n);
    this.focus = 'list';
    if (row !== undefined) this.list.select(row, n);
    this.requestRender();
  }

  private clickDetail(m: MouseEvent): void {
    const y = m.y - num(this.boxes.detail.atop);
    this.focus = 'detail';
    if (y >= 1) {
      const i = this.detail.top + y - 1;
      if (i < this.detail.nodes.length) {
        if (i === this.detail.selected) this.detail.toggle();
        else this.detail.moveTo(i);
        const r = this.detail.selectedRange();
        if (r) this.hex.moveCursor(r.start);
      }
    }
    this.requestRender();
  }

  private clickHex(m: MouseEvent): void {
    const box = this.boxes.hex;
    const off = this.hex.byteAt(m.x - num(box.aleft), m.y - num(box.atop));
    this.focus = 'hex';
    if (off !== undefined) {
      this.hex.moveCursor(off);
      this.detail.selectByte(off);
    }
    this.requestRender();
  }

  private wheel(pane: Pane, lines: number): void {
    if (pane === 'list') this.list.scrollBy(lines, this.rows?.length ?? 0);
    else if (pane === 'detail') this.detail.moveBy(lines);
    else this.hex.scrollBy(lines);
    this.requestRender();
  }

  // ---- filter ------------------------------------------------------------------------

  private checkFilterText(text: string): FilterState {
    if (!text.trim()) return { kind: 'empty' };
    const r = checkFilter(text, this.store?.registry ?? this.makeRegistry());
    return r.ok ? { kind: 'ok' } : { kind: 'bad', message: r.message, column: r.column };
  }

  /** Applies a display filter ("" shows every packet) and runs it in the background. */
  applyFilter(text: string): void {
    const store = this.store;
    this.filterBar.editing = false;
    if (!store) {
      this.filterBar.setApplied(text);
      return;
    }
    const keep = this.selectedPos;
    // What Esc goes back to: the list before this filter, or before an unfinished one it replaces.
    const unfinished = this.job !== undefined && this.job.state !== 'done';
    const previous = unfinished ? (this.beforeJob ?? { rows: undefined, text: '' }) : { rows: this.rows, text: this.filterBar.applied };
    this.job?.cancel();
    this.job = undefined;
    if (!text) {
      this.rows = new AllRows(store);
      this.filterBar.setApplied('');
      if (keep !== undefined) this.list.select(keep, this.rows.length);
      if (previous.text) this.setMessage(msg.uiFilterCleared(), 'note');
      return;
    }
    let predicate;
    try {
      predicate = compileFilter(text, store.registry);
    } catch (e) {
      if (e instanceof VxError) {
        this.filterBar.open();
        this.filterBar.editor.set(text);
        this.filterBar.validate();
        return;
      }
      throw e;
    }
    this.filterBar.setApplied(text);
    this.beforeJob = previous;
    const job = new FilterJob(text, store, predicate, {
      onProgress: (j) => this.filterProgress(j),
      onDone: (j) => {
        this.setMessage(msg.uiFilterDone(j.rows.length, store.count, (j.finishedAt ?? performance.now()) - j.startedAt), 'good');
        this.requestRender();
      },
    });
    this.job = job;
    this.rows = job.rows;
    this.list.selected = 0;
    this.list.top = 0;
    this.pendingSelect = keep;
    job.start();
  }

  private filterProgress(job: FilterJob): void {
    if (job !== this.job) return;
    if (this.pendingSelect !== undefined && job.tested > this.pendingSelect) {
      const row = job.rows.rowAtOrAfter(this.pendingSelect);
      this.list.select(Math.min(row, job.rows.length - 1), job.rows.length);
      this.pendingSelect = undefined;
    }
    if (this.follow && job.rows.length) this.list.select(job.rows.length - 1, job.rows.length);
    this.requestRender(false);
  }

  private cancelFilter(): void {
    this.job?.cancel();
    this.job = undefined;
    this.pendingSelect = undefined;
    const prev = this.beforeJob;
    this.rows = prev?.rows ?? (this.store ? new AllRows(this.store) : undefined);
    this.filterBar.setApplied(prev?.rows ? (prev.text ?? '') : '');
    this.setMessage(msg.uiFilterCancelled(), 'warning');
  }

  // ---- commands ----------------------------------------------------------------------

  setMessage(text: string, role: Role): void {
    this.message = { text, role };
  }

  runCommand(text: string): void {
    const [cmd = '', ...rest] = text.split(/\s+/);
    const arg = rest.join(' ');
    try {
      switch (cmd) {
        case '':
          return;
        case 'q':
        case 'quit':
          return this.opts.quit();
        case 'goto':
        case 'g':
          return this.gotoFrame(arg);
        case 'decode':
        case 'd':
          return this.decodeAs(arg);
        case 'filter':
        case 'f':
          return this.applyFilter(arg.trim());
        case 'help':
          this.helpOpen = true;
          return;
        default:
          if (/^\d+$/.test(cmd)) return this.gotoFrame(cmd);
          this.setMessage(msg.uiUnknownCommand(cmd), 'error');
      }
    } catch (e) {
      if (e instanceof VxError) this.setMessage(e.message, 'error');
      else throw e;
    }
  }

  gotoFrame(arg: string): void {
    const n = Number(arg.trim());
    if (!Number.isInteger(n) || n < 1) return this.setMessage(msg.uiGotoUsage(), 'error');
    const count = this.store?.count ?? 0;
    if (n > count || !this.rows) return this.setMessage(msg.uiNoSuchFrame(n, count), 'error');
    const row = this.rows.rowOf(n - 1);
    if (row < 0) {
      this.setMessage(msg.uiFrameFiltered(n), 'warning');
      this.list.select(Math.min(this.rows.rowAtOrAfter(n - 1), this.rows.length - 1), this.rows.length);
      return;
    }
    this.list.select(row, this.rows.length);
    this.follow = false;
  }

  /** `decode udp.port==9000 vxlan` (or with a comma, as -d takes it): re-dissects with the new rule. */
  decodeAs(arg: string): void {
    const text = arg.includes(',') ? arg : arg.trim().replace(/\s+(\S+)$/, ',$1');
    if (!text.includes(',')) return this.setMessage(msg.uiDecodeUsage(), 'error');
    const rule = parseDecodeAs(text);
    const rules = [...this.decodeRules, rule];
    const registry = createRegistry({ ...this.opts.registry, decodeAs: rules });
    this.decodeRules = rules;
    if (this.store) {
      this.store.setRegistry(registry);
      this.shownPos = -1;
      this.detailPos = -1;
      this.statsCollector?.stop();
      this.statsCollector = undefined;
      // The filter's fields may now match other packets: run it again.
      const applied = this.filterBar.applied;
      if (applied) this.applyFilter(applied);
      this.analysis = undefined;
      this.alertFrames = new Set();
      this.evidence = undefined;
      this.startAnalysis();
    }
    const range = rule.from === rule.to ? `${rule.from}` : `${rule.from}-${rule.to}`;
    this.setMessage(msg.uiDecodeApplied(`${rule.table}==${range}`, registry.dissector(rule.proto)?.short ?? rule.proto), 'good');
  }
}

function place(box: Box, left: number, top: number, width: number, height: number): void {
  if (box.left !== left) box.left = left;
  if (box.top !== top) box.top = top;
  if (box.width !== width) box.width = width;
  if (box.height !== height) box.height = height;
}
