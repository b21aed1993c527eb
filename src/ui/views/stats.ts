// The Statistics view, as text that reads at 80x24: four pages (Tab), each over the packets
// the display filter shows and saying how many of the capture that is. The protocol
// hierarchy is a tree with packet and byte shares; conversations and endpoints have an outer
// (node to node) and an inner (inside the tunnels) side (`i`) and sort by packets, bytes or
// address (`s`); the I/O graph draws packets/s and bytes/s of every packet, with the shown
// ones as a second series.
import type { Conversation, Endpoint, IoGraph, Side, StatsModel } from '../stats-model.js';
import { Cursor, clip, fit, fitFirst, thousands } from '../text.js';
import type { Role, Theme } from '../theme.js';
import { humanBytes } from './flows.js';

export type StatsPage = 'hierarchy' | 'conversations' | 'endpoints' | 'io';
const PAGES: { id: StatsPage; title: string }[] = [
  { id: 'hierarchy', title: 'Protocol hierarchy' },
  { id: 'conversations', title: 'Conversations' },
  { id: 'endpoints', title: 'Endpoints' },
  { id: 'io', title: 'I/O graph' },
];
export type StatsSort = 'packets' | 'bytes' | 'address';
const SORTS: StatsSort[] = ['packets', 'bytes', 'address'];

const EIGHTHS = ' ▁▂▃▄▅▆▇█';

function pct(part: number, whole: number): string {
  return whole ? `${((part / whole) * 100).toFixed(1)}%` : '-';
}

/** 1234 → "1.2k": axis labels that fit in six cells. */
export function shortNumber(n: number): string {
  if (n < 1000) return n < 10 && n % 1 ? n.toFixed(1) : String(Math.round(n));
  for (const [v, s] of [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const)
    if (n >= v) return `${(n / v).toFixed(n / v < 10 ? 1 : 0)}${s}`;
  return String(n);
}

/** Time steps an axis is labelled in: round numbers of seconds, minutes, hours and days. */
const TICK_STEPS = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400,
];
/** Columns at least between two labels. */
const TICK_GAP = 10;

function tickLabel(t: number, step: number): string {
  if (t === 0) return '0s';
  if (step < 1) return `${t.toFixed(Math.ceil(-Math.log10(step) - 1e-9))}s`;
  if (step < 60) return `${t}s`;
  if (step < 3600) return `${t / 60}m`;
  if (step < 86400) return `${t / 3600}h`;
  return `${t / 86400}d`;
}

/**
 * The x axis of `cols` buckets of `bucketSeconds`: labels at even steps of a round time (0s
 * 0.2s 0.4s ..., 0s 30s 1m 1.5m is avoided by stepping in whole minutes), each over its bucket.
 */
export function timeAxis(bucketSeconds: number, cols: number): string {
  const whole = (x: number): boolean => Math.abs(x - Math.round(x)) < 1e-6;
  const step = TICK_STEPS.find((st) => st / bucketSeconds >= TICK_GAP && whole(st / bucketSeconds)) ?? bucketSeconds * Math.ceil(TICK_GAP);
  const every = Math.round(step / bucketSeconds);
  let line = '';
  for (let k = 0; k * every < cols; k++) {
    const label = tickLabel(Math.round(k * step * 1e6) / 1e6, step);
    const at = k * every;
    if (at + label.length > cols + 6) break;
    line = line.padEnd(at) + label;
  }
  return line;
}

export class StatsView {
  page: StatsPage = 'hierarchy';
  side: 'outer' | 'inner' = 'outer';
  sort: StatsSort = 'packets';
  private readonly cursor = new Cursor();
  private lastRoom = 10;

  constructor(private readonly theme: Theme) {}

  nextPage(step: number): void {
    const i = PAGES.findIndex((p) => p.id === this.page);
    this.page = PAGES[(i + step + PAGES.length) % PAGES.length]!.id;
    this.cursor.selected = this.cursor.top = 0;
  }

  toggleSide(): void {
    this.side = this.side === 'outer' ? 'inner' : 'outer';
    this.cursor.selected = this.cursor.top = 0;
  }

  nextSort(): void {
    this.sort = SORTS[(SORTS.indexOf(this.sort) + 1) % SORTS.length]!;
  }

  move(delta: number): void {
    this.cursor.selected += delta;
  }

  pageSize(): number {
    return this.lastRoom;
  }

  /** How many buckets the I/O graph has room for at this width. */
  static buckets(width: number): number {
    return Math.max(10, width - 9);
  }

  render(model: StatsModel | undefined, width: number, height: number): string[] {
    const th = this.theme;
    const tabs = PAGES.map((p) => (p.id === this.page ? `[${p.title}]` : ` ${p.title} `)).join('');
    const out = [th.paint('titleFocused', fit(` Statistics ${tabs}  Tab`, width))];
    if (!model) return [...out, fit(' (no packets yet)', width)];
    const counting = model.counted < model.shown ? `, counting ${Math.floor((model.counted / Math.max(1, model.shown)) * 100)}%` : '';
    const scope = model.filter
      ? `${thousands(model.shown)} of ${thousands(model.total)} packets, display filter: ${model.filter}`
      : `all ${thousands(model.total)} packets (no display filter)`;
    // Counted as tshark counts: every frame, so a router's forwarded copy counts again (Flows and
    // Tunnels count it once), and bytes are whole frames, inner side included.
    out.push(
      th.paint(
        'note',
        fitFirst(
          [
            ` ${scope}${counting}; every frame counts (a forwarded copy too), bytes of whole frames`,
            ` ${scope}${counting}; every frame counts`,
            ` ${scope}${counting}`,
          ],
          width,
        ),
      ),
    );
    const room = Math.max(1, height - out.length);
    switch (this.page) {
      case 'hierarchy':
        return [...out, ...this.hierarchy(model, width, room)];
      case 'conversations':
        return [...out, ...this.table(model.conversations[this.side], width, room, true)];
      case 'endpoints':
        return [...out, ...this.table(model.endpoints[this.side], width, room, false)];
      default:
        return [...out, ...this.io(model.io, width, room, model.filter !== '')];
    }
  }

  private scroll<T>(rows: readonly T[], room: number): T[] {
    this.lastRoom = room;
    this.cursor.clamp(rows.length, room);
    // The views scroll a page of rows; the cursor is the top row.
    this.cursor.top = this.cursor.selected;
    this.cursor.top = Math.max(0, Math.min(this.cursor.top, rows.length - room));
    this.cursor.selected = this.cursor.top;
    return rows.slice(this.cursor.top, this.cursor.top + room);
  }

  private hierarchy(m: StatsModel, width: number, room: number): string[] {
    const th = this.theme;
    // As wide as the deepest name needs (the numbers stay next to their names on a wide screen).
    const widest = m.hierarchy.reduce((w, n) => Math.max(w, 1 + Math.min(n.depth, 12) * 2 + n.name.length), 0);
    const nameW = Math.max(12, Math.min(width - 40, Math.max(24, widest + 2)));
    const head = `${fit(' Protocol', nameW)} ${'Packets'.padStart(9)} ${'%'.padStart(6)} ${'Bytes'.padStart(11)} ${'%'.padStart(6)}`;
    const lines = [th.paint('header', fit(head, width))];
    const nodes = this.scroll(m.hierarchy, room - 1);
    for (const n of nodes) {
      const name = `${' '.repeat(1 + Math.min(n.depth, 12) * 2)}${n.name}`;
      const text = `${fit(name, nameW)} ${thousands(n.packets).padStart(9)} ${pct(n.packets, m.counted).padStart(6)} ${thousands(n.bytes).padStart(11)} ${pct(n.bytes, m.bytes).padStart(6)}`;
      lines.push(n.inner ? th.paint('proto.tunnel', fit(text, width)) : fit(text, width));
    }
    if (!m.hierarchy.length) lines.push(fit(' (no packets counted yet)', width));
    return lines;
  }

  private table(side: Side<Conversation | Endpoint>, width: number, room: number, pairs: boolean): string[] {
    const th = this.theme;
    const key = (r: Conversation | Endpoint): string => ('addr' in r ? r.addr : `${r.a} ${r.b}`);
    const rows = [...side.rows].sort((x, y) =>
      this.sort === 'packets'
        ? y.packets - x.packets || y.bytes - x.bytes
        : this.sort === 'bytes'
          ? y.bytes - x.bytes
          : key(x) < key(y)
            ? -1
            : key(x) > key(y)
              ? 1
              : 0,
    );
    const sideName = this.side === 'outer' ? 'outer: on the wire' : 'inner: inside the tunnels';
    const lines = [
      th.paint(
        'key',
        fit(
          ` ${thousands(rows.length)} ${pairs ? 'conversation(s)' : 'endpoint(s)'}, ${sideName}   i: ${this.side === 'outer' ? 'inner' : 'outer'}   s: sort (by ${this.sort})`,
          width,
        ),
      ),
    ];
    const numW = 9 + 1 + 11;
    // Address columns as wide as the widest address (an IPv6 one is 39), not the whole screen.
    const widestAddr = side.rows.reduce((w, r) => Math.max(w, 'addr' in r ? r.addr.length : Math.max(r.a.length, r.b.length)), 15);
    const room2 = pairs ? Math.floor((width - numW - 4) / 2) : width - numW - 3;
    const addrW = Math.max(8, Math.min(room2, widestAddr + 2));
    const mark = (s: StatsSort, t: string): string => (this.sort === s ? `${t}▾` : t);
    const head = pairs
      ? ` ${fit(mark('address', 'Address A'), addrW)} ${fit('Address B', addrW)} ${mark('packets', 'Packets').padStart(9)} ${mark('bytes', 'Bytes').padStart(11)}`
      : ` ${fit(mark('address', 'Address'), addrW)} ${mark('packets', 'Packets').padStart(9)} ${mark('bytes', 'Bytes').padStart(11)}`;
    lines.push(th.paint('header', fit(head, width)));
    const body = Math.max(1, room - lines.length - (side.untracked ? 1 : 0));
    for (const r of this.scroll(rows, body)) {
      const addr = 'addr' in r ? fit(r.addr, addrW) : `${fit(r.a, addrW)} ${fit(r.b, addrW)}`;
      lines.push(fit(` ${addr} ${thousands(r.packets).padStart(9)} ${humanBytes(r.bytes).padStart(11)}`, width));
    }
    if (!rows.length) lines.push(fit(this.side === 'inner' ? ' (no tunnelled packets)' : ' (no IP packets)', width));
    if (side.untracked)
      lines.push(th.paint('warning', fit(` ${thousands(side.untracked)} packets not counted: the table holds ${thousands(side.rows.length)} entries`, width)));
    return lines;
  }

  private io(g: IoGraph, width: number, room: number, filtered: boolean): string[] {
    const th = this.theme;
    const per = g.bucketSeconds >= 1 ? `${g.bucketSeconds} s` : `${Math.round(g.bucketSeconds * 1000)} ms`;
    const legend = filtered ? `░ every packet  █ shown by the display filter   buckets of ${per}` : `█ every packet   buckets of ${per}`;
    const lines = [th.paint('key', fit(` ${legend}`, width))];
    const h = Math.max(2, Math.floor((room - 1) / 2) - 3);
    const rate = (v: number[]): number[] => v.map((x) => x / g.bucketSeconds);
    lines.push(...this.chart('packets/s', rate(g.allPackets), filtered ? rate(g.shownPackets) : undefined, g, width, h));
    lines.push(...this.chart('bytes/s', rate(g.allBytes), filtered ? rate(g.shownBytes) : undefined, g, width, h));
    return lines.slice(0, room);
  }

  /** A bar chart with a y axis (max and 0) and an x axis in seconds from the first packet. */
  private chart(title: string, all: number[], shown: number[] | undefined, g: IoGraph, width: number, h: number): string[] {
    const th = this.theme;
    const axis: Role = 'key';
    const max = Math.max(1, ...all);
    const cols = Math.min(all.length, width - 9);
    const out = [th.paint('header', fit(` ${title}  (max ${shortNumber(max)})`, width))];
    for (let row = h - 1; row >= 0; row--) {
      const label = row === h - 1 ? shortNumber(max) : row === 0 ? '0' : '';
      let bars = '';
      for (let c = 0; c < cols; c++) {
        const cell = (v: number): number => Math.max(0, Math.min(8, Math.round((v / max) * h * 8 - row * 8)));
        const a = cell(all[c]!);
        const s = shown ? cell(shown[c]!) : a;
        // Shown packets as solid blocks; the rest of every packet's bar shaded.
        bars += s > 0 ? EIGHTHS[s]! : a > 0 ? '░' : ' ';
      }
      out.push(th.paint(axis, `${label.padStart(6)} │`) + fit(bars, width - 8));
    }
    out.push(th.paint(axis, fit(`${''.padStart(6)} └${'─'.repeat(cols)}`, width)));
    const ticks = ' '.repeat(8) + timeAxis(g.bucketSeconds, cols);
    out.push(th.paint(axis, fit(clip(ticks, width), width)));
    return out;
  }
}
