// Display filters on the packet list: checks the text as it is typed, runs an applied filter
// in the background and remembers what Esc goes back to while it runs.
import { ConversationTracker, namesStreamField } from '../dissect/conversations.js';
import type { Packet } from '../dissect/types.js';
import type { Registry } from '../dissect/registry.js';
import { VxError, msg } from '../errors.js';
import { checkFilter, compileFilter } from '../filter/index.js';
import type { UiState } from './app-state.js';
import { FilterJob } from './filter-job.js';
import { AllRows, type RowSource } from './store.js';
import type { FilterState } from './views/filter-bar.js';

export class FilterControl {
  private current: FilterJob | undefined;
  private beforeJob: { rows: RowSource | undefined; text: string } | undefined;
  /** Capture position to select once the running filter has tested it. */
  private pendingSelect: number | undefined;

  constructor(
    private readonly s: UiState,
    private readonly requestRender: (urgent?: boolean) => void,
  ) {}

  /** The filter running, or the last one run, over the packets. */
  get job(): FilterJob | undefined {
    return this.current;
  }

  check(text: string): FilterState {
    if (!text.trim()) return { kind: 'empty' };
    const r = checkFilter(text, this.s.store?.registry ?? this.s.makeRegistry());
    return r.ok ? { kind: 'ok' } : { kind: 'bad', message: r.message, column: r.column };
  }

  /** Applies a display filter ("" shows every packet) and runs it in the background. */
  apply(text: string): void {
    const s = this.s;
    const store = s.store;
    s.filterBar.editing = false;
    if (!store) {
      s.filterBar.setApplied(text);
      return;
    }
    const keep = s.selectedPos;
    // What Esc goes back to: the list before this filter, or before an unfinished one it replaces.
    const unfinished = this.current !== undefined && this.current.state !== 'done';
    const previous = unfinished ? (this.beforeJob ?? { rows: undefined, text: '' }) : { rows: s.rows, text: s.filterBar.applied };
    this.current?.cancel();
    this.current = undefined;
    if (!text) {
      s.rows = new AllRows(store);
      s.filterBar.setApplied('');
      if (keep !== undefined) s.list.select(keep, s.rows.length);
      if (previous.text) s.setMessage(msg.uiFilterCleared(), 'note');
      return;
    }
    let predicate;
    try {
      predicate = withStreams(compileFilter(text, store.registry), text, store.registry);
    } catch (e) {
      if (e instanceof VxError) {
        s.filterBar.open();
        s.filterBar.editor.set(text);
        s.filterBar.validate();
        s.setMessage(e.message, 'error');
        return;
      }
      throw e;
    }
    s.filterBar.setApplied(text);
    s.configSaved(s.config.rememberFilter(text));
    this.beforeJob = previous;
    const job = new FilterJob(text, store, predicate, {
      onProgress: (j) => this.progress(j),
      onDone: (j) => {
        s.setMessage(msg.uiFilterDone(j.rows.length, store.count, (j.finishedAt ?? performance.now()) - j.startedAt), 'good');
        this.requestRender();
      },
    });
    this.current = job;
    s.rows = job.rows;
    s.list.selected = 0;
    s.list.top = 0;
    this.pendingSelect = keep;
    job.start();
  }

  private progress(job: FilterJob): void {
    if (job !== this.current) return;
    const list = this.s.list;
    if (this.pendingSelect !== undefined && job.tested > this.pendingSelect) {
      const row = job.rows.rowAtOrAfter(this.pendingSelect);
      list.select(Math.min(row, job.rows.length - 1), job.rows.length);
      this.pendingSelect = undefined;
    }
    if (this.s.follow && job.rows.length) list.select(job.rows.length - 1, job.rows.length);
    this.requestRender(false);
  }

  /** Whether Esc has a filter to stop. */
  get cancellable(): boolean {
    return this.current?.active === true || this.current?.state === 'waiting';
  }

  /** Stops the running filter and goes back to the list shown before it. */
  cancel(): void {
    const s = this.s;
    this.current?.cancel();
    this.current = undefined;
    this.pendingSelect = undefined;
    const prev = this.beforeJob;
    s.rows = prev?.rows ?? (s.store ? new AllRows(s.store) : undefined);
    s.filterBar.setApplied(prev?.rows ? (prev.text ?? '') : '');
    s.setMessage(msg.uiFilterCancelled(), 'warning');
  }

  /** More packets were indexed: a filter that reached the end goes on. */
  notifyGrowth(): void {
    this.current?.notifyGrowth();
  }

  dispose(): void {
    this.current?.cancel();
  }
}

/**
 * The filter with the stream state -Y gives it, when it names a field that reads that state
 * (tcp.stream, relative tcp.seq, tcp.analysis.*): the list and tree dissect one packet at a
 * time, without it, but the filter's run sees every packet once, in capture order.
 */
function withStreams(predicate: (pkt: Packet) => boolean, text: string, registry: Registry): (pkt: Packet) => boolean {
  if (!namesStreamField(registry, [text])) return predicate;
  const tracker = new ConversationTracker();
  return (pkt) => {
    tracker.annotate(pkt);
    return predicate(pkt);
  };
}
