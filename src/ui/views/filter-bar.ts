// The display-filter bar at the top, and the line editor it shares with the `:` command
// line. The filter is checked on every keystroke: green when it compiles, red with the
// compiler's message (and the offending column underlined) when it does not.
import { completeField } from '../../filter/complete.js';
import type { KeyEvent } from '../blessed.js';
import { clip, fit } from '../text.js';
import type { Role, Theme } from '../theme.js';

export type EditResult = 'changed' | 'moved' | 'submit' | 'cancel' | 'ignored';

/** A one-line text editor with readline's usual keys and a history. */
export class LineEditor {
  text = '';
  cursor = 0;
  private history: string[] = [];
  private historyAt = -1;

  set(text: string): void {
    this.text = text;
    this.cursor = text.length;
    this.historyAt = -1;
  }

  remember(text: string): void {
    if (text && this.history[this.history.length - 1] !== text) this.history.push(text);
    this.historyAt = -1;
  }

  handleKey(ch: string | undefined, key: KeyEvent): EditResult {
    const t = this.text;
    switch (key.full) {
      case 'enter':
        return 'submit';
      case 'escape':
        return 'cancel';
      case 'left':
      case 'C-b':
        this.cursor = Math.max(0, this.cursor - 1);
        return 'moved';
      case 'right':
      case 'C-f':
        this.cursor = Math.min(t.length, this.cursor + 1);
        return 'moved';
      case 'home':
      case 'C-a':
        this.cursor = 0;
        return 'moved';
      case 'end':
      case 'C-e':
        this.cursor = t.length;
        return 'moved';
      case 'backspace':
      case 'C-h':
        if (this.cursor === 0) return 'ignored';
        this.text = t.slice(0, this.cursor - 1) + t.slice(this.cursor);
        this.cursor--;
        return 'changed';
      case 'delete':
      case 'C-d':
        if (this.cursor >= t.length) return 'ignored';
        this.text = t.slice(0, this.cursor) + t.slice(this.cursor + 1);
        return 'changed';
      case 'C-u':
        this.text = t.slice(this.cursor);
        this.cursor = 0;
        return 'changed';
      case 'C-k':
        this.text = t.slice(0, this.cursor);
        return 'changed';
      case 'C-w': {
        const before = t.slice(0, this.cursor).replace(/\S+\s*$/, '');
        this.text = before + t.slice(this.cursor);
        this.cursor = before.length;
        return 'changed';
      }
      case 'up':
      case 'down': {
        if (!this.history.length) return 'ignored';
        if (key.full === 'up') this.historyAt = this.historyAt < 0 ? this.history.length - 1 : Math.max(0, this.historyAt - 1);
        else if (this.historyAt >= 0) this.historyAt = this.historyAt + 1 >= this.history.length ? -1 : this.historyAt + 1;
        const text = this.historyAt < 0 ? '' : this.history[this.historyAt]!;
        this.text = text;
        this.cursor = text.length;
        return 'changed';
      }
    }
    if (ch && !key.ctrl && !key.meta && ch.length === 1 && ch >= ' ' && ch !== '\x7f') {
      this.text = t.slice(0, this.cursor) + ch + t.slice(this.cursor);
      this.cursor++;
      return 'changed';
    }
    return 'ignored';
  }

  /**
   * The text fitted into `width` cells with the cursor drawn, scrolled so the cursor shows.
   * `underline` marks one character (a 0-based index), e.g. where a filter is wrong.
   */
  render(theme: Theme, width: number, role: Role | undefined, showCursor: boolean, underline?: number): string {
    const t = this.text;
    // Not editing: the start of the text (where a filter says what it is about), … at a cut.
    const start = showCursor ? Math.max(0, this.cursor - width + 1) : 0;
    let visible = t.slice(start, start + width);
    if (start > 0) visible = '…' + visible.slice(1);
    if (t.length - start > width && (!showCursor || this.cursor < start + width - 1)) visible = visible.slice(0, width - 1) + '…';
    const paint = (s: string): string => (role ? theme.paint(role, s) : s);
    let out = '';
    for (let i = 0; i < width; i++) {
      const idx = start + i;
      const c = visible[i] ?? ' ';
      if (showCursor && idx === this.cursor) out += theme.mono ? `\x1b[7m${c}\x1b[0m` : theme.paint('cursor', c);
      else if (idx === underline && idx < t.length) out += `${role ? theme.open(role) : ''}\x1b[4m${c}\x1b[0m`;
      else out += paint(c);
    }
    return out;
  }
}

export type FilterState = { kind: 'empty' } | { kind: 'ok' } | { kind: 'bad'; message: string; column: number };

export class FilterBar {
  readonly editor = new LineEditor();
  editing = false;
  /** The filter currently applied to the list ("" for none). */
  applied = '';
  state: FilterState = { kind: 'empty' };
  /** After Tab: the field names that could follow the word typed (shown until the next key). */
  choices: string[] = [];

  constructor(
    private readonly theme: Theme,
    private readonly check: (text: string) => FilterState,
    /** The display-filter vocabulary Tab completes from. */
    private readonly fieldNames: () => readonly string[] = () => [],
  ) {}

  /** Starts editing, from the applied filter. */
  open(): void {
    this.editing = true;
    this.editor.set(this.applied);
    this.validate();
  }

  /** Stops editing and shows the applied filter again. */
  cancel(): void {
    this.editing = false;
    this.editor.set(this.applied);
    this.validate();
  }

  setApplied(text: string): void {
    this.applied = text;
    this.editor.remember(text);
    if (!this.editing) this.editor.set(text);
    this.validate();
  }

  validate(): void {
    this.state = this.check(this.editor.text);
  }

  /** Returns 'submit' with a valid text, 'refused' for Enter on a wrong one, 'cancel', or undefined while editing goes on. */
  handleKey(ch: string | undefined, key: KeyEvent): 'submit' | 'refused' | 'cancel' | undefined {
    this.choices = [];
    if (key.full === 'tab') {
      this.complete();
      return undefined;
    }
    const r = this.editor.handleKey(ch, key);
    if (r === 'changed') this.validate();
    if (r === 'cancel') return 'cancel';
    if (r === 'submit') return this.state.kind === 'bad' ? 'refused' : 'submit';
    return undefined;
  }

  /** Tab: completes the field name before the cursor and lists what could follow. */
  private complete(): void {
    const e = this.editor;
    const done = completeField(e.text, e.cursor, this.fieldNames());
    if (!done) {
      this.choices = ['no field starts so'];
      return;
    }
    e.text = done.text;
    e.cursor = done.cursor;
    this.choices = done.choices;
    this.validate();
  }

  render(width: number, note: string): string {
    const th = this.theme;
    const s = this.state;
    const role: Role = s.kind === 'bad' ? 'filterBad' : s.kind === 'ok' ? 'filterOk' : 'filterIdle';
    const mark = s.kind === 'bad' ? '✗' : s.kind === 'ok' ? '✓' : ' ';
    const label = ` ${mark} Filter: `;
    if (!this.editing && !this.editor.text) {
      const hint = ' press / to filter, e.g.  inner.ip.dst == 172.20.2.30  or  vxlan.vni == 32001';
      return th.paint('filterIdle', fit(label + (width > 60 ? hint.trimStart() : ''), width));
    }
    let right = '';
    if (this.editing && this.choices.length) right = `  ${this.choices.length > 1 ? `${this.choices.length} choices: ` : ''}${this.choices.join('  ')}`;
    else if (s.kind === 'bad') right = `  ${s.message}`;
    else if (note) right = `  ${note}`;
    // An error message gets all but 24 cells of the text around the cursor; a note at most half.
    const room = Math.min(
      Math.max(1, width - label.length),
      Math.max(s.kind === 'bad' ? 24 : 10, width - label.length - Math.min(right.length, s.kind === 'bad' ? width : Math.floor(width / 2))),
    );
    right = clip(right, Math.max(0, width - label.length - room));
    const underline = s.kind === 'bad' ? s.column - 1 : undefined;
    const text = this.editor.render(th, room, role, this.editing, underline);
    return th.paint(role, label) + text + th.paint(role, fit(right, width - label.length - room));
  }
}
