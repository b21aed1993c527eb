// What the movement keys do in the view and pane in focus: the packet list, the detail tree,
// the hex dump, and the rows of the analysis views (whose Enter opens what a row names).
import type { AnalysisControl } from './analysis-control.js';
import { flowRowFilter } from './analysis-model.js';
import { PANES, type UiState } from './app-state.js';
import type { Action } from './keymap.js';
import type { Navigator } from './navigate.js';

/** The Packets view: Tab / S-Tab move the focus, other keys go to the pane in focus. */
export function actPackets(s: UiState, action: Action): void {
  if (action === 'nextPane' || action === 'prevPane') {
    const i = PANES.indexOf(s.focus);
    s.focus = PANES[(i + (action === 'nextPane' ? 1 : PANES.length - 1)) % PANES.length]!;
    if (s.focus === 'hex') {
      const r = s.detail.selectedRange();
      if (r) s.hex.moveCursor(r.start);
    }
    return;
  }
  if (s.focus === 'list') {
    if (action === 'toggle') s.focus = 'detail';
    else actList(s, action);
  } else if (s.focus === 'detail') actDetail(s, action);
  else actHex(s, action);
}

/** Moving through the packet list (the list pane, and the Layers view). */
export function actList(s: UiState, action: Action): void {
  const n = s.rows?.length ?? 0;
  const l = s.list;
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
    case 'left':
    case 'right':
      l.scrollColumns(action === 'left' ? -1 : 1);
      return;
    default:
      return;
  }
  // Moving away from the end stops following a live capture; G resumes it.
  if (s.opts.follow) s.follow = l.selected >= n - 1;
}

function actDetail(s: UiState, action: Action): void {
  const d = s.detail;
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
    if (r) s.hex.moveCursor(r.start);
  }
}

function actHex(s: UiState, action: Action): void {
  const h = s.hex;
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
      s.focus = 'detail';
      return;
    default:
      return;
  }
  s.detail.selectByte(h.cursor);
}

/** Up, down, a page, half a page, the first or the last row; false for any other action. */
export function moveRows(v: { move(delta: number): void; pageSize(): number }, action: Action): boolean {
  const page = v.pageSize();
  const step: Partial<Record<Action, number>> = {
    up: -1,
    down: 1,
    pageUp: -page,
    pageDown: page,
    halfUp: -Math.max(1, page >> 1),
    halfDown: Math.max(1, page >> 1),
    first: -Infinity,
    last: Infinity,
  };
  const delta = step[action];
  if (delta === undefined) return false;
  v.move(delta);
  return true;
}

/** Moving in and opening the rows of the Flows, Tunnels, Hops and Alerts views. */
export function actAnalysis(s: UiState, analysis: AnalysisControl, nav: Navigator, action: Action): void {
  const a = analysis.result;
  if (!a) return;
  const v = s.view === 'flows' ? s.flows : s.view === 'tunnels' ? s.tunnels : s.view === 'hops' ? s.hops : s.alerts;
  if (action === 'sort') {
    if (s.view === 'flows') s.flows.nextSort();
    else if (s.view === 'tunnels') s.tunnels.nextSort();
    return;
  }
  if (action === 'left' || action === 'right') {
    v.scrollColumns(action === 'left' ? -1 : 1);
    return;
  }
  if (moveRows(v, action) || action !== 'toggle') return;
  if (s.view === 'flows') {
    const f = s.flows.currentFlow();
    if (f) nav.filterAndShow(flowRowFilter(f, a.tunnels));
  } else if (s.view === 'tunnels') {
    const t = s.tunnels.current();
    if (t) nav.filterAndShow(t.filter);
  } else if (s.view === 'hops') {
    const h = s.hops.current();
    if (h) nav.filterAndShow(h.filter, { within: true });
  } else {
    const al = s.alerts.current();
    if (al?.frames.length) {
      analysis.evidence = { alert: al, at: 0 };
      nav.showFrame(al.frames[0]!);
    }
  }
}

/** The Journey view: Enter on a hop shows that copy in the packet list; on a lost packet, opens its journey. */
export function actJourney(s: UiState, nav: Navigator, action: Action): void {
  const v = s.journey;
  if (action === 'left' || action === 'right') return v.scrollColumns(action === 'left' ? -1 : 1);
  if (moveRows(v, action) || action !== 'toggle') return;
  const item = v.current();
  if (item?.kind === 'hop') return nav.showFrame(item.hop.frame);
  const first = item?.journey.hops[0]?.frame;
  if (item === undefined || first === undefined) return;
  // The journey follows the packet list's selection: select its first copy and stay here.
  v.opened(item);
  nav.showFrame(first);
  s.view = 'journey';
}

/** The Statistics view: Tab changes the page, `i` the side, `s` the sort; the rest scroll. */
export function actStats(s: UiState, action: Action): void {
  const v = s.stats;
  const page = v.pageSize();
  switch (action) {
    case 'nextPane':
    case 'prevPane':
      return v.nextPage(action === 'nextPane' ? 1 : -1);
    case 'side':
      return v.toggleSide();
    case 'sort':
      return v.nextSort();
    case 'up':
      return v.move(-1);
    case 'down':
      return v.move(1);
    case 'pageUp':
    case 'halfUp':
      return v.move(-page);
    case 'pageDown':
    case 'halfDown':
      return v.move(page);
    case 'first':
      return v.move(-Infinity);
    case 'last':
      return v.move(1e9);
  }
}
