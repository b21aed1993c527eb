// The Alerts view: what vxshark found, errors first, with the selected alert's explanation
// and fix below the list. Enter jumps to its first evidence frame; n / N walk the frames.
import type { Severity } from '../../analysis/index.js';
import type { AlertRow } from '../analysis-model.js';
import { clip, fit, fitFirst, paragraph, wrap } from '../text.js';
import type { Role } from '../theme.js';
import { RowView } from './row-view.js';
import { pushAll } from '../../util/max.js';

const MARK: Record<Severity, string> = { error: '✖ error  ', warning: '⚠ warning', info: 'ℹ info   ' };
const ROLE: Record<Severity, Role> = { error: 'error', warning: 'warning', info: 'note' };

export class AlertsView extends RowView<AlertRow> {
  render(rows: readonly AlertRow[], width: number, height: number, evidenceAt: number): string[] {
    const th = this.theme;
    this.rows = rows;
    const count = (s: Severity): number => rows.filter((a) => a.severity === s).length;
    const out = [
      th.paint(
        'titleFocused',
        fitFirst(
          [
            ` Alerts: ${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info   Enter: first evidence frame   n / N: next / previous frame`,
            ` Alerts: ${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info  Enter: evidence  n / N: next / previous`,
            ` Alerts: ✖ ${count('error')} ⚠ ${count('warning')} ℹ ${count('info')}  Enter: evidence  n / N: next / previous`,
          ],
          width,
        ),
      ),
    ];
    if (!rows.length) {
      for (const l of paragraph('Nothing to report: no misroutes, fragmentation, unanswered requests or broken tunnel headers were found.', width))
        out.push(th.paint('good', l));
      return out;
    }
    // The list takes what the selected alert's text leaves.
    const a = rows[Math.min(this.cursor.selected, rows.length - 1)]!;
    const detail: string[] = [];
    for (const l of paragraph(`${MARK[a.severity].trim()}: ${a.title}`, width)) detail.push(th.paint('header', l));
    for (const l of wrap(a.explanation, width - 2)) detail.push(fit(` ${l}`, width));
    const fix = wrap(`Fix: ${a.fix}`, width - 2);
    fix.forEach((l, i) => detail.push(i === 0 ? th.paint('key', fit(` ${l}`, width)) : fit(` ${l}`, width)));
    // Frames around the one n / N reached, so the bracketed frame stays on screen.
    // About two lines of them: 12 at 80 columns, more on a wide screen.
    const digits = String(Math.max(0, ...a.frames)).length + 2;
    const many = Math.max(12, Math.floor((width - 40) / digits) * 2);
    const at = Math.max(0, evidenceAt);
    const first = Math.max(0, at - 4);
    const shown = a.frames.slice(first, first + many).map((n, i) => (i + first === evidenceAt ? `[${n}]` : String(n)));
    const frames = `${first > 0 ? '…, ' : ''}${shown.join(', ')}${first + many < a.frames.length ? ', …' : ''}`;
    const kept = a.frames.length === 1 ? '1 frame' : `${a.frames.length} frames${a.count > a.frames.length ? ' kept' : ''} (n / N)`;
    detail.push(...paragraph(`Evidence: ${a.count} seen, ${kept}: ${frames}`, width));
    const listRoom = Math.max(3, Math.min(rows.length, height - out.length - detail.length - 1));
    const [from, to] = this.place(rows, listRoom);
    for (let i = from; i < to; i++) {
      const r = rows[i]!;
      const text = fit(` ${MARK[r.severity]}  ${clip(r.title, width - 14)}`, width);
      out.push(i === this.cursor.selected ? th.paint('selected', text) : th.paint(ROLE[r.severity], text));
    }
    // The rule under the list says how many alerts do not fit above it.
    const beyond = [from > 0 ? `${from} above` : '', to < rows.length ? `${rows.length - to} more` : ''].filter(Boolean).join(', ');
    const more = beyond ? `─ ${beyond} (j/k) ` : '';
    out.push(th.paint('dim', fit(' ' + (more + '─'.repeat(Math.max(0, width - 2))).slice(0, Math.max(0, width - 2)), width)));
    pushAll(out, detail);
    return out.slice(0, height);
  }
}
