// Jumps across views: to a frame in the packet list, to the packets of a flow or tunnel (by
// filtering on them), and through the frames an alert names as evidence.
import { msg } from '../errors.js';
import type { AnalysisControl } from './analysis-control.js';
import type { UiState } from './app-state.js';
import type { FilterControl } from './filter-control.js';

export class Navigator {
  constructor(
    private readonly s: UiState,
    private readonly filter: FilterControl,
    private readonly analysis: AnalysisControl,
  ) {}

  /** Selects frame `arg` (1-based) in the list, or the next one shown when the filter hides it. */
  gotoFrame(arg: string): void {
    const s = this.s;
    const n = Number(arg.trim());
    if (!Number.isInteger(n) || n < 1) return s.setMessage(msg.uiGotoUsage(), 'error');
    const count = s.store?.count ?? 0;
    if (n > count || !s.rows) return s.setMessage(msg.uiNoSuchFrame(n, count), 'error');
    const row = s.rows.rowOf(n - 1);
    if (row < 0) {
      s.setMessage(msg.uiFrameFiltered(n), 'warning');
      s.list.select(Math.min(s.rows.rowAtOrAfter(n - 1), s.rows.length - 1), s.rows.length);
      return;
    }
    s.list.select(row, s.rows.length);
    s.follow = false;
  }

  /** Shows a frame in the packet list, clearing a filter that hides it. */
  showFrame(frame: number): void {
    const s = this.s;
    s.view = 'packets';
    s.focus = 'list';
    if (!s.rows || !s.store) return;
    if (s.rows.rowOf(frame - 1) < 0 && s.filterBar.applied) this.filter.apply('');
    this.gotoFrame(String(frame));
  }

  /** Shows the packets `filter` matches; `within` keeps the user's own filter (and adds to it). */
  filterAndShow(filter: string, opts: { within?: boolean } = {}): void {
    const s = this.s;
    s.view = 'packets';
    s.focus = 'list';
    const own = s.filterBar.applied;
    this.filter.apply(opts.within && own ? `(${own}) && (${filter})` : filter);
  }

  /** n / N: the next or previous evidence frame of the alert chosen in the Alerts view. */
  walkEvidence(step: number): void {
    const s = this.s;
    let ev = this.analysis.evidence;
    if (!ev || s.view === 'alerts') {
      const al = s.alerts.current() ?? this.analysis.result?.alerts[0];
      if (!al?.frames.length) return;
      ev = ev?.alert === al ? ev : { alert: al, at: -step };
    }
    const n = ev.alert.frames.length;
    ev.at = (((ev.at + step) % n) + n) % n;
    this.analysis.evidence = ev;
    this.showFrame(ev.alert.frames[ev.at]!);
    s.setMessage(msg.uiEvidence(ev.at + 1, n, ev.alert.title), 'note');
  }

  /** `m` + letter marks the selected packet; `'` + letter jumps back to it. */
  mark(kind: 'set' | 'jump', name: string): void {
    const s = this.s;
    if (kind === 'set') {
      const pos = s.selectedPos;
      if (pos === undefined) return;
      s.bookmarks.set(name, pos);
      return s.setMessage(msg.uiMarkSet(name, pos + 1), 'good');
    }
    const pos = s.bookmarks.get(name);
    if (pos === undefined) return s.setMessage(msg.uiNoMark(name), 'warning');
    this.showFrame(pos + 1);
  }
}
