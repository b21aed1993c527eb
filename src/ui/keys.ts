// Key dispatch: the help overlay, the command line and the filter bar take every key while
// they are open; otherwise the keymap's action is global (quit, help, views, Esc) or goes to
// the view and pane in focus.
import type { AnalysisControl } from './analysis-control.js';
import type { UiState } from './app-state.js';
import type { KeyEvent, Screen } from './blessed.js';
import type { Commands } from './commands.js';
import type { FilterControl } from './filter-control.js';
import { keyName, type Action, type ViewId } from './keymap.js';
import type { Navigator } from './navigate.js';
import { actAnalysis, actJourney, actList, actPackets, actStats, moveRows } from './pane-keys.js';
import type { Search } from './search.js';
import { StreamSession } from './stream-session.js';
import { copyToTerminal, selectionToCopy } from './clipboard.js';
import { LineEditor } from './views/filter-bar.js';
import { msg } from '../errors.js';

export class Keys {
  constructor(
    private readonly s: UiState,
    private readonly filter: FilterControl,
    private readonly analysis: AnalysisControl,
    private readonly nav: Navigator,
    private readonly commands: Commands,
    private readonly search: Search,
    private readonly requestRender: () => void,
    /** Writes straight to the terminal (the clipboard's OSC 52 sequence). */
    private readonly writeTerminal: (sequence: string) => void,
  ) {}

  bind(screen: Screen): void {
    screen.on('keypress', (ch: string | undefined, key: KeyEvent | undefined) => {
      if (!key) return;
      const name = keyName(ch, key);
      if (name === undefined) return;
      this.onKey(name, ch, key);
    });
  }

  /** When the last key came (performance.now()): background passes keep out of the way of keys in a row. */
  lastKeyAt = -Infinity;

  onKey(name: string, ch: string | undefined, key: KeyEvent): void {
    const s = this.s;
    if (s.disposed) return;
    this.lastKeyAt = performance.now();
    if (name === 'C-c') return s.opts.quit();
    if (s.helpOpen) {
      if (name === '?' || name === 'escape' || name === 'q') s.helpOpen = false;
      else {
        // The overlay scrolls with the same keys as the views (the layout clamps it to its end).
        const page = Math.max(1, s.helpPage);
        const step: Partial<Record<Action, number>> = {
          up: -1,
          down: 1,
          pageUp: -page,
          pageDown: page,
          halfUp: -(page >> 1),
          halfDown: page >> 1,
          first: -Infinity,
          last: Infinity,
        };
        const action = s.keymap.action(name);
        const delta = name === 'space' ? page : action && step[action];
        if (delta !== undefined) s.helpTop = Math.max(0, Math.min(s.helpTop + delta, 1e9));
      }
      return this.requestRender();
    }
    if (s.command) {
      const r = s.command.handleKey(ch, key);
      if (r === 'submit') {
        const text = s.command.text.trim();
        s.command.remember(text);
        s.command = undefined;
        this.commands.run(text);
      } else if (r === 'cancel') s.command = undefined;
      return this.requestRender();
    }
    if (s.searchPrompt) {
      const r = s.searchPrompt.handleKey(ch, key);
      if (r === 'submit') {
        const text = s.searchPrompt.text;
        s.searchPrompt.remember(text);
        s.searchPrompt = undefined;
        s.walk = 'search';
        this.search.start(text);
      } else if (r === 'cancel') s.searchPrompt = undefined;
      return this.requestRender();
    }
    if (s.pendingMark) {
      const kind = s.pendingMark;
      s.pendingMark = undefined;
      if (ch && /^[a-zA-Z]$/.test(ch)) this.nav.mark(kind, ch);
      return this.requestRender();
    }
    if (s.filterBar.editing) {
      const r = s.filterBar.handleKey(ch, key);
      if (r === 'submit') {
        s.filterBar.editing = false;
        this.filter.apply(s.filterBar.editor.text.trim());
      } else if (r === 'cancel') {
        s.filterBar.cancel();
        s.message = undefined;
      }
      // The bar cuts the compiler's message to its width (at 80 columns, before the suggestion): Enter shows all of it.
      else if (r === 'refused' && s.filterBar.state.kind === 'bad') s.setMessage(s.filterBar.state.message, 'error');
      return this.requestRender();
    }
    s.message = undefined;
    const action = s.keymap.action(name);
    if (s.stream && (name === 'q' || (action !== undefined && this.actStream(action)))) {
      if (name === 'q') this.closeStream();
      return this.requestRender();
    }
    if (action) this.act(action);
    this.requestRender();
  }

  /** Keys of the follow-stream view; false for the ones that act as everywhere else (help, views). */
  private actStream(action: Action): boolean {
    const v = this.s.streamView;
    if (moveRows(v, action)) return true;
    switch (action) {
      case 'cancel':
        this.closeStream();
        return true;
      case 'nextPane':
      case 'prevPane':
        v.nextMode();
        return true;
      case 'toggle': {
        const frame = v.selectedFrame();
        if (frame === undefined) return true;
        this.closeStream();
        this.nav.showFrame(frame);
        return true;
      }
      case 'help':
      case 'quit':
      case 'copy':
      case 'command':
        return false;
      case 'filter':
        // The filter is the packet list's: back to it, with the bar open.
        this.closeStream();
        return false;
      default:
        if (action.startsWith('view:')) {
          this.closeStream();
          return false;
        }
        return true;
    }
  }

  private openStream(): void {
    const s = this.s;
    const pos = s.selectedPos;
    if (pos === undefined || !s.store) return s.setMessage(msg.uiNoStreamSelected(), 'warning');
    const session = StreamSession.open(s.store, pos, () => this.requestRender());
    if (typeof session === 'string') return s.setMessage(session, 'warning');
    s.stream?.close();
    s.stream = session;
  }

  private closeStream(): void {
    this.s.stream?.close();
    this.s.stream = undefined;
  }

  private act(action: Action): void {
    const s = this.s;
    switch (action) {
      case 'quit':
        return s.opts.quit();
      case 'help':
        s.helpOpen = true;
        s.helpTop = 0;
        return;
      case 'filter':
        s.filterBar.open();
        return;
      case 'command':
        s.command ??= new LineEditor();
        s.command.set('');
        return;
      case 'cancel':
        if (this.search.running) this.search.cancel();
        else if (this.filter.cancellable) this.filter.cancel();
        return;
      case 'search':
        s.searchPrompt ??= new LineEditor();
        s.searchPrompt.set('');
        return;
      case 'follow':
        if (!s.opts.follow) return;
        s.follow = true;
        if (s.rows?.length) s.list.select(s.rows.length - 1, s.rows.length);
        return;
      case 'followStream':
        return this.openStream();
      case 'copy': {
        const copied = selectionToCopy(s);
        if (!copied) return s.setMessage(msg.uiNothingToCopy(), 'warning');
        return s.setMessage(copyToTerminal(copied, this.writeTerminal), 'good');
      }
      case 'mark':
      case 'jumpMark':
        s.pendingMark = action === 'mark' ? 'set' : 'jump';
        return;
    }
    if (action.startsWith('view:')) {
      s.view = action.slice(5) as ViewId;
      return;
    }
    if (action === 'nextEvidence' || action === 'prevEvidence') {
      const dir = action === 'nextEvidence' ? 1 : -1;
      if (s.walk === 'search' && s.view !== 'alerts') return this.search.step(dir);
      s.walk = 'evidence';
      return this.nav.walkEvidence(dir);
    }
    if (action === 'toggle' && s.view === 'alerts') s.walk = 'evidence';
    if (s.view === 'packets') actPackets(s, action);
    else if (s.view === 'layers') actList(s, action);
    else if (s.view === 'stats') actStats(s, action);
    else if (s.view === 'flows' || s.view === 'tunnels' || s.view === 'hops' || s.view === 'alerts') actAnalysis(s, this.analysis, this.nav, action);
    else if (s.view === 'journey') actJourney(s, this.nav, action);
  }
}
