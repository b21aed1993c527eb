// What the parts of the terminal UI share: the capture and the rows on screen, the view and
// pane in focus, the prompts that are open, and the view objects that turn models into lines.
import type { Capture } from '../capture/capture.js';
import { createRegistry } from '../dissect/default-registry.js';
import type { DecodeAsRule, Registry, RegistryOptions } from '../dissect/registry.js';
import { JOURNEY_VIEW, Keymap, VIEWS, type ViewId } from './keymap.js';
import type { MergedCaptures } from './multi-capture.js';
import type { StreamSession } from './stream-session.js';
import { ConfigStore } from './config.js';
import type { PacketStore, RowSource } from './store.js';
import type { Role, Theme } from './theme.js';
import { AlertsView } from './views/alerts.js';
import { DetailView } from './views/detail.js';
import { FilterBar, type FilterState, type LineEditor } from './views/filter-bar.js';
import { FlowsView } from './views/flows.js';
import { HexView } from './views/hex.js';
import { HopsView } from './views/hops.js';
import { JourneyPane } from './views/journey.js';
import { LayersView } from './views/layers.js';
import { PacketListView } from './views/packet-list.js';
import { StatsView } from './views/stats.js';
import type { HostOptions } from '../analysis/options.js';
import { StatusBar } from './views/status-bar.js';
import { StreamView } from './views/stream.js';
import { TunnelsView } from './views/tunnels.js';

export type Pane = 'list' | 'detail' | 'hex';
export const PANES: Pane[] = ['list', 'detail', 'hex'];

export interface AppOptions {
  file: string;
  registry: RegistryOptions;
  ifnames: ReadonlyMap<number, string>;
  /** The capturing host's links, routes, pod ranges and uplink, for the analysis worker. */
  host?: HostOptions;
  /** Context files (--context), loaded again by the analysis worker; names follow registry.names. */
  contextPaths?: string[];
  theme: Theme;
  /** Saved settings: the list's extra columns, the recent filters. */
  config?: ConfigStore;
  /** Why the settings file could not be used, shown once at the start. */
  configProblem?: string;
  /** Keep the last packet selected as packets arrive (standard input). */
  follow: boolean;
  /** Whether the analysis worker runs. */
  analysis: boolean;
  /** Several captures merged into the one shown: their names, where each frame came from, and what the worker needs. */
  merged?: MergedCaptures;
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

export class UiState {
  readonly marks: UiMarks;
  readonly theme: Theme;
  readonly keymap: Keymap;
  store: PacketStore | undefined;
  capture: Capture | undefined;
  rows: RowSource | undefined;
  view: ViewId = 'packets';
  focus: Pane = 'list';
  follow: boolean;
  decodeRules: DecodeAsRule[];
  message: { text: string; role: Role } | undefined;
  helpOpen = false;
  helpTop = 0;
  /** Lines the help overlay shows at once (set when it is drawn). */
  helpPage = 1;
  /** The `:` command line, while it is open. */
  command: LineEditor | undefined;
  /** The Ctrl-F search prompt, while it is open. */
  searchPrompt: LineEditor | undefined;
  /** What n / N repeat: the last search, or the alert's evidence walk. */
  walk: 'search' | 'evidence' = 'evidence';
  /** After `m` or `'`, the next letter names the mark. */
  pendingMark: 'set' | 'jump' | undefined;
  /** Marks: a letter → capture position. */
  readonly bookmarks = new Map<string, number>();
  readonly config: ConfigStore;
  /** The conversation being followed (f), shown over the current view until Esc. */
  stream: StreamSession | undefined;
  disposed = false;

  readonly list: PacketListView;
  readonly detail: DetailView;
  readonly hex: HexView;
  readonly filterBar: FilterBar;
  readonly statusBar: StatusBar;
  readonly layers: LayersView;
  readonly flows: FlowsView;
  readonly tunnels: TunnelsView;
  readonly hops: HopsView;
  readonly alerts: AlertsView;
  readonly journey: JourneyPane;
  readonly stats: StatsView;
  readonly streamView: StreamView;

  constructor(
    readonly opts: AppOptions,
    checkFilterText: (text: string) => FilterState,
  ) {
    this.marks = { created: performance.now(), lastRenderMs: 0, renders: 0 };
    this.theme = opts.theme;
    this.follow = opts.follow;
    this.decodeRules = [...(opts.registry.decodeAs ?? [])];
    this.keymap = new Keymap(opts.merged ? [...VIEWS, JOURNEY_VIEW] : VIEWS);
    this.list = new PacketListView(this.theme);
    if (opts.follow) this.list.fixWidthsAfter = 64;
    this.detail = new DetailView(this.theme);
    this.hex = new HexView(this.theme);
    this.filterBar = new FilterBar(this.theme, checkFilterText, () => this.store?.registry.fieldNames() ?? []);
    this.statusBar = new StatusBar(this.theme);
    this.layers = new LayersView(this.theme);
    this.flows = new FlowsView(this.theme);
    this.tunnels = new TunnelsView(this.theme);
    this.hops = new HopsView(this.theme);
    this.alerts = new AlertsView(this.theme);
    this.journey = new JourneyPane(this.theme);
    this.stats = new StatsView(this.theme);
    this.streamView = new StreamView(this.theme);
    this.config = opts.config ?? ConfigStore.open(undefined).store;
    for (const f of this.config.config.recentFilters) this.filterBar.editor.remember(f);
    if (opts.configProblem) this.setMessage(opts.configProblem, 'warning');
    // Said on standard error before the screen came up, and again here where it stays visible.
    const problems = opts.merged?.problems ?? [];
    if (problems.length) this.setMessage(problems.length === 1 ? problems[0]! : `${problems[0]} (and ${problems.length - 1} more)`, 'warning');
  }

  /** Capture position of the packet selected in the list. */
  get selectedPos(): number | undefined {
    const rows = this.rows;
    if (!rows || rows.length === 0) return undefined;
    return rows.position(Math.min(this.list.selected, rows.length - 1));
  }

  setMessage(text: string, role: Role): void {
    this.message = { text, role };
  }

  /** Reports a failure to save the settings (once). */
  configSaved(problem: string | undefined): void {
    if (problem) this.setMessage(problem, 'warning');
  }

  makeRegistry(): Registry {
    return createRegistry({ ...this.opts.registry, decodeAs: this.decodeRules });
  }
}
