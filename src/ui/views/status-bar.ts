// The status line at the bottom: file, packets loaded (with a progress bar while the index
// is still being built), packets the filter shows, alert counts, the current view, and a
// transient message (the answer to a `:` command, an error).
import { bar, clip, fit, thousands, wrap } from '../text.js';
import type { Role, Theme } from '../theme.js';

export interface AlertCounts {
  error: number;
  warning: number;
  info: number;
}

export interface StatusModel {
  file: string;
  loaded: number;
  loading: boolean;
  /** Share of the input read, when its size is known. */
  fraction?: number;
  shown: number;
  filtered: boolean;
  /** Share of the packets the running filter has tested. */
  filterFraction?: number;
  /** Share of the packets up to those shown that the stream pass has annotated (tcp.stream, relative numbers), while it runs. */
  streamsFraction?: number;
  alerts?: AlertCounts;
  view: string;
  message?: { text: string; role: Role };
  /** Problem with the input (corrupt tail, ...). */
  warning?: string;
  /** Live input: whether the list follows the newest packet. */
  live?: 'following' | 'paused';
}

/** Cells the file name keeps at least (a blank and 8 characters). */
const FILE_MIN = 9;
/** The longest view name the bar shows: the file is shown the same way in every view. */
const LONGEST_VIEW = '[1 Packets: details]  ? help';

/** A message longer than this many lines is cut (the last line ends in …). */
const MESSAGE_LINES = 4;

export class StatusBar {
  constructor(private readonly theme: Theme) {}

  /**
   * The status line, and above it the message on lines of its own when it does not fit in the
   * line beside the file name and the view (a path in an error, a long refusal): a message is
   * never cut short on a narrow terminal.
   */
  lines(m: StatusModel, width: number, maxLines = MESSAGE_LINES + 1): string[] {
    const text = m.message?.text;
    if (!m.message || !text || maxLines < 2 || text.length <= this.messageRoom(m, width)) return [this.render(m, width)];
    const th = this.theme;
    const most = Math.min(MESSAGE_LINES, maxLines - 1);
    let wrapped = wrap(text, width - 2);
    if (wrapped.length > most) wrapped = [...wrapped.slice(0, most - 1), clip(wrapped.slice(most - 1).join(' '), width - 2)];
    const role = m.message.role;
    const { message: _shown, ...rest } = m;
    return [
      ...wrapped.map((l) => (th.mono ? th.paint('status', fit(` ${l}`, width)) : paintOnStatus(th, role, fit(` ${l}`, width)))),
      this.render(rest, width),
    ];
  }

  /** Cells a message has in the status line (beside the shortest file name, the alert counts and the view). */
  private messageRoom(m: StatusModel, width: number): number {
    const counts = m.alerts ? ` │ ✖ ${m.alerts.error} ⚠ ${m.alerts.warning} ℹ ${m.alerts.info}`.length : 0;
    return width - FILE_MIN - counts - ` │ [${m.view}]  ? help`.length - 3;
  }

  render(m: StatusModel, width: number): string {
    const th = this.theme;
    // `short`: what a part says when the bar is too narrow for every part in full.
    const parts: { text: string; role?: Role; short?: string }[] = [];
    parts.push({ text: ` ${m.file}`, role: 'statusAccent' });
    if (m.loading) {
      if (m.fraction !== undefined) {
        parts.push({
          text: `loading ${bar(m.fraction, 12)} ${Math.floor(m.fraction * 100)}%  ${thousands(m.loaded)} packets`,
          short: `${Math.floor(m.fraction * 100)}% ${thousands(m.loaded)} pkts`,
        });
      } else parts.push({ text: `reading… ${thousands(m.loaded)} packets`, short: `${thousands(m.loaded)} pkts…` });
    } else parts.push({ text: `${thousands(m.loaded)} ${m.loaded === 1 ? 'packet' : 'packets'}` });
    if (m.filterFraction !== undefined) {
      parts.push({ text: `filtering ${bar(m.filterFraction, 10)} ${Math.floor(m.filterFraction * 100)}%  ${thousands(m.shown)} match` });
    } else if (m.filtered) parts.push({ text: `shown ${thousands(m.shown)}` });
    if (m.streamsFraction !== undefined) {
      parts.push({
        text: `stream numbers ${bar(m.streamsFraction, 10)} ${Math.floor(m.streamsFraction * 100)}%`,
        short: `streams ${Math.floor(m.streamsFraction * 100)}%`,
      });
    }
    if (m.alerts) {
      const a = m.alerts;
      parts.push({ text: `✖ ${a.error} ⚠ ${a.warning} ℹ ${a.info}`, role: a.error ? 'statusAccent' : undefined });
    }
    if (m.live) parts.push(m.live === 'following' ? { text: 'following' } : { text: 'paused: F follows', role: 'statusAccent', short: 'paused: F' });
    if (m.warning) parts.push({ text: `⚠ ${m.warning}` });
    parts.push({ text: `[${m.view}]  ? help` });

    if (m.message) {
      // A message takes the middle; the file, the alert counts and the view stay visible.
      const last = parts[parts.length - 1]!;
      const counts = m.alerts ? parts.find((p) => p.text.startsWith('✖')) : undefined;
      const right = (counts ? ` │ ${counts.text}` : '') + ' │ ' + last.text;
      const msgText = clip(m.message.text, Math.max(10, width - FILE_MIN - right.length - 3));
      const first = ' ' + clip(basename(parts[0]!.text.trim()), Math.max(FILE_MIN - 1, width - right.length - 3 - msgText.length - 1));
      return (
        th.paint('statusAccent', first) +
        th.paint('status', ' │ ') +
        (th.mono ? th.paint('status', msgText) : th.paint('status', '') + paintOnStatus(th, m.message.role, msgText)) +
        th.paint('status', fit(right, Math.max(0, width - first.length - 3 - msgText.length), 'right'))
      );
    }
    // The view and "? help" always show: the parts before them give way, the file name first.
    const tail = parts.pop()!;
    const tailText = ' │ ' + tail.text;
    const room = Math.max(0, width - tailText.length);
    let fixed = parts.slice(1).reduce((n, p) => n + 3 + p.text.length, 0);
    // Too narrow for every part (and a file name of 8): the parts that have a short form use it.
    for (const p of parts.slice(1)) {
      if (9 + fixed <= room) break;
      if (p.short === undefined) continue;
      fixed -= p.text.length - p.short.length;
      p.text = p.short;
    }
    const first = parts[0]!;
    // The full path only when it would fit in every view; otherwise the name alone, in every view.
    const steady = Math.min(room, width - 3 - Math.max(tail.text.length, LONGEST_VIEW.length));
    if (first.text.length + fixed > steady) first.text = ' ' + clip(basename(first.text.trim()), Math.max(8, room - fixed - 1));
    let line = '';
    let used = 0;
    parts.forEach((p, i) => {
      const sep = i === 0 ? '' : ' │ ';
      const text = clip(sep + p.text, Math.max(0, room - used));
      used += text.length;
      line += th.paint(p.role ?? 'status', text);
    });
    if (used < room) line += th.paint('status', ' '.repeat(room - used));
    line += th.paint('status', clip(tailText, width - Math.min(used, room) - (room - Math.min(used, room))));
    return line;
  }
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1) || path;
}

/** A message on the status bar's background in its own foreground colour. */
function paintOnStatus(th: Theme, role: Role, text: string): string {
  // Roles used for messages set only a foreground; drawing them after the status attribute
  // keeps the bar's background.
  return th.open('status') + th.open(role) + text + '\x1b[0m';
}
