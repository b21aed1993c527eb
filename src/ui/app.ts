// The terminal UI's controller: wires the shared state, the layout, the key and mouse
// dispatch, filtering, the analysis worker and render scheduling together, and follows the
// capture as it loads. Views only turn view models into lines; the layout decides what they show.
import type { Capture } from '../capture/capture.js';
import { msg } from '../errors.js';
import { AnalysisControl } from './analysis-control.js';
import type { AnalysisView } from './analysis-model.js';
import { UiState, type AppOptions, type Pane, type UiMarks } from './app-state.js';
import type { KeyEvent, Screen } from './blessed.js';
import { Commands } from './commands.js';
import { FilterControl } from './filter-control.js';
import type { FilterJob } from './filter-job.js';
import type { Keymap, ViewId } from './keymap.js';
import { Keys } from './keys.js';
import { Layout } from './layout.js';
import { bindMouse } from './mouse.js';
import { Navigator } from './navigate.js';
import { RenderLoop } from './render-loop.js';
import { Search } from './search.js';
import { AllRows, PacketStore, type RowSource } from './store.js';
import type { Role } from './theme.js';
import type { FilterBar } from './views/filter-bar.js';

/** Keys closer together than this are a run (held j, PgDn): the stream pass waits for its end. */
const KEYS_IN_A_ROW_MS = 150;

export type { AppOptions, Pane, UiMarks } from './app-state.js';

export class App {
  private readonly s: UiState;
  private readonly loop: RenderLoop;
  private readonly filter: FilterControl;
  private readonly analysisCtl: AnalysisControl;
  private readonly nav: Navigator;
  private readonly commands: Commands;
  private readonly layout: Layout;
  private readonly keys: Keys;
  private readonly search: Search;

  constructor(
    private readonly screen: Screen,
    opts: AppOptions,
  ) {
    const s = new UiState(opts, (text) => this.filter.check(text));
    this.s = s;
    this.loop = new RenderLoop(() => this.draw(), s.marks);
    const render = (urgent?: boolean): void => this.loop.request(urgent);
    this.filter = new FilterControl(s, render);
    this.analysisCtl = new AnalysisControl(s, render);
    this.nav = new Navigator(s, this.filter, this.analysisCtl);
    this.layout = new Layout(screen, s, this.filter, this.analysisCtl, render);
    this.commands = new Commands(s, this.filter, this.analysisCtl, this.nav, () => this.layout.redissected());
    this.search = new Search(s, render);
    this.keys = new Keys(s, this.filter, this.analysisCtl, this.nav, this.commands, this.search, render, (seq) => screen.program.output.write(seq));
    this.keys.bind(screen);
    bindMouse(this.layout.boxes, s, render);
    screen.on('resize', () => this.requestRender());
  }

  get marks(): UiMarks {
    return this.s.marks;
  }
  get keymap(): Keymap {
    return this.s.keymap;
  }
  get filterBar(): FilterBar {
    return this.s.filterBar;
  }
  get store(): PacketStore | undefined {
    return this.s.store;
  }
  set store(v: PacketStore | undefined) {
    this.s.store = v;
  }
  get capture(): Capture | undefined {
    return this.s.capture;
  }
  set capture(v: Capture | undefined) {
    this.s.capture = v;
  }
  get rows(): RowSource | undefined {
    return this.s.rows;
  }
  set rows(v: RowSource | undefined) {
    this.s.rows = v;
  }
  get view(): ViewId {
    return this.s.view;
  }
  set view(v: ViewId) {
    this.s.view = v;
  }
  get focus(): Pane {
    return this.s.focus;
  }
  set focus(v: Pane) {
    this.s.focus = v;
  }
  /** Results of the analysis module (flows, tunnels, hops, alerts), once the worker is done. */
  get analysis(): AnalysisView | undefined {
    return this.analysisCtl.result;
  }
  set analysis(v: AnalysisView | undefined) {
    this.analysisCtl.result = v;
  }
  /** Whether the analysis worker is still running. */
  get analysing(): boolean {
    return this.analysisCtl.running;
  }
  // The UI benchmark reads the filter job's timing through this.
  private get job(): FilterJob | undefined {
    return this.filter.job;
  }

  // ---- capture lifecycle -------------------------------------------------------------

  /** The capture's header is read: packets can be shown from now on. */
  attach(capture: Capture): void {
    const s = this.s;
    s.capture = capture;
    // The stream pass waits while keys come (moving through the list stays as quick as without it) and while other passes run.
    const waiting = (): boolean => this.slicing || performance.now() - this.keys.lastKeyAt < KEYS_IN_A_ROW_MS;
    s.store = new PacketStore(capture, s.makeRegistry(), s.opts.ifnames, { changed: () => this.requestRender(false), busy: waiting });
    this.commands.restoreColumns();
    s.rows = new AllRows(s.store);
    this.requestRender();
  }

  /** More packets were indexed. */
  grew(): void {
    const s = this.s;
    s.store?.grew();
    this.filter.notifyGrowth();
    this.layout.grew();
    this.analysisCtl.grew();
    s.stream?.grew();
    if (s.follow && s.rows && s.rows.length) s.list.select(s.rows.length - 1, s.rows.length);
    this.requestRender(false);
  }

  loaded(): void {
    const s = this.s;
    s.marks.loaded ??= performance.now();
    s.store?.grew();
    this.filter.notifyGrowth();
    s.stream?.grew();
    this.layout.grew();
    if (s.capture?.error) s.setMessage(msg.uiInputProblem(s.capture.error), 'warning');
    this.analysisCtl.start();
    this.requestRender();
  }

  dispose(): void {
    this.s.disposed = true;
    this.s.store?.dispose();
    this.s.stream?.close();
    this.analysisCtl.cancel();
    this.filter.dispose();
    this.layout.dispose();
    this.loop.dispose();
  }

  // ---- rendering ---------------------------------------------------------------------

  /** Schedules a render: at once for keys, at most every 80 ms for loading progress. */
  requestRender(urgent = true): void {
    this.loop.request(urgent);
  }

  /** Resolves after the next render (for tests and benchmarks). */
  nextRender(): Promise<void> {
    return this.loop.next();
  }

  /** Whether anything is still going on (loading, filtering, counting, a render pending). */
  get busy(): boolean {
    return !this.s.capture?.complete || this.loop.pending || this.analysisCtl.running || this.slicing || this.s.store?.annotating === true;
  }

  /** Whether a job that works in slices of the event loop runs (the stream pass waits for them). */
  private get slicing(): boolean {
    return this.filter.job?.active === true || this.search.running || this.s.stream?.searching === true || this.layout.counting;
  }

  draw(): void {
    if (this.s.disposed || this.screen.destroyed) return;
    const t0 = performance.now();
    const rowsShown = this.layout.draw();
    this.loop.rendered(t0, rowsShown > 0);
  }

  // ---- input and commands ------------------------------------------------------------

  onKey(name: string, ch: string | undefined, key: KeyEvent): void {
    this.keys.onKey(name, ch, key);
  }

  /** Applies a display filter ("" shows every packet) and runs it in the background. */
  applyFilter(text: string): void {
    this.filter.apply(text);
  }

  setMessage(text: string, role: Role): void {
    this.s.setMessage(text, role);
  }

  runCommand(text: string): void {
    this.commands.run(text);
  }

  gotoFrame(arg: string): void {
    this.nav.gotoFrame(arg);
  }

  /** `decode udp.port==9000 vxlan` (or with a comma, as -d takes it): re-dissects with the new rule. */
  decodeAs(arg: string): void {
    this.commands.decodeAs(arg);
  }

  /** Shows a frame in the packet list, clearing a filter that hides it. */
  showFrame(frame: number): void {
    this.nav.showFrame(frame);
  }
}
