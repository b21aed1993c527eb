// The packet list: a virtual view. Only the rows on screen are ever built (from summaries
// the store dissects on demand), so a million packets cost the same as forty. One blessed box
// holds the header and the visible rows, and its content is replaced on every render.
import { TUNNEL_SHORT_NAMES } from '../../dissect/encap/index.js';
import type { PacketSummary } from '../../dissect/summary.js';
import { joinCells, placeColumns, SideScroll, type ColumnPlacement, type ListColumn, type PlacedListColumn } from '../list-columns.js';
import { fit, narrow } from '../text.js';
import type { Role, Theme } from '../theme.js';

/** One row as the list shows it: every cell already text. */
export interface ListRow {
  no: string;
  /** Several captures in one list: which one, and the frame's number there ("router #3"). */
  capture: string;
  time: string;
  iface: string;
  outer: string;
  tunnel: string;
  /** The packet's own endpoints (the inner ones for a tunnelled packet): "a → b". */
  addr: string;
  protocol: string;
  length: string;
  info: string;
  /** The user's columns (`:column add`), in their order. */
  custom: string[];
  /** Colour of the row (by protocol or problem). */
  role?: Role;
  /** Set by the hop analysis: this row is the forwarded copy of another. */
  mark?: 'forwarded';
  /** Set by the alerts: an error or a warning names this frame as evidence. */
  alert?: 'error' | 'warning';
}

export interface ListModel {
  /** Rows in the list (packets shown by the filter). */
  readonly length: number;
  /** The largest frame number in the list (the No. column's width); the length when absent. */
  readonly lastNumber?: number;
  /** Builds rows from..to-1: the visible ones, or with `sampling` one row read to size the columns. */
  rows(from: number, to: number, sampling?: boolean): ListRow[];
  /** Whether captures carry interface names or directions (shows the Interface/Dir column). */
  showInterface: boolean;
  /** Several captures merged into the list (shows the Capture column). */
  showCapture?: boolean;
  /** Whether any tunnelled packet was seen (shows the outer and Tunnel/ID columns); asked after rows(). */
  showTunnel(): boolean;
  /** Widest time text, for the Time column. */
  timeWidth: number;
  /** Widest interface name and direction, for the Interface/Dir column. */
  ifaceWidth: number;
  /** Whether rows may carry a mark (forwarded copy, misroute) before their number. */
  marks: boolean;
  /** The user's columns: the field names, which are their titles. */
  custom: readonly string[];
}

type BuiltInColumn = 'no' | 'capture' | 'time' | 'iface' | 'outer' | 'tunnel' | 'addr' | 'protocol' | 'length' | 'info';
/** A user's column is `c0`, `c1`, ... in the order they were added. */
type ColumnId = BuiltInColumn | `c${number}`;

/** Columns in display order; widths grow to the widest cell seen (and never shrink back). */
const COLUMNS: (ListColumn & { id: BuiltInColumn })[] = [
  { id: 'no', title: 'No.', min: 3, ideal: 3, align: 'right' },
  { id: 'capture', title: 'Capture', shortTitle: 'Cap', min: 6, ideal: 10 },
  { id: 'time', title: 'Time', min: 8, ideal: 9, align: 'right' },
  { id: 'iface', title: 'If/Dir', shortTitle: 'If', min: 5, ideal: 6 },
  { id: 'outer', title: 'Outer src → dst', shortTitle: 'Outer', min: 15, ideal: 31 },
  { id: 'tunnel', title: 'Tunnel', shortTitle: 'VNI', min: 5, ideal: 11 },
  { id: 'addr', title: 'Source → Destination', shortTitle: 'Src → Dst', min: 15, ideal: 25 },
  { id: 'protocol', title: 'Protocol', shortTitle: 'Proto', min: 5, ideal: 8 },
  { id: 'length', title: 'Length', shortTitle: 'Len', min: 4, ideal: 6, align: 'right' },
  { id: 'info', title: 'Info', min: 12, ideal: 30, grow: true },
];

/** What tells overlay packets apart first; Info, Length and Time are the first to scroll away. */
const PRIORITY: BuiltInColumn[] = ['no', 'capture', 'iface', 'outer', 'tunnel', 'addr', 'protocol', 'info', 'length', 'time'];
/**
 * Several captures in one list: which host and interface, then the packet itself (what its
 * journey is about, and the list's "[lost: last seen here]"), before the outer pair.
 */
const MERGED_PRIORITY: BuiltInColumn[] = ['no', 'capture', 'iface', 'addr', 'protocol', 'info', 'outer', 'tunnel', 'length', 'time'];
/** A user's column is wanted: it comes right after the packet's endpoints, and at most this wide. */
const CUSTOM_MAX = 40;

/** How wide a column may grow to show its widest cell (an IPv6 pair is 81). */
const MAX_IDEAL: Partial<Record<BuiltInColumn, number>> = { capture: 24, time: 24, outer: 81, addr: 81, tunnel: 16, protocol: 12, iface: 20 };

/** The marks the list uses, explained on screen (the detail pane's title line); B, M and P only when the capture has them. */
const LEGEND: [mark: string, long: string, short: string][] = [
  ['', '▸ in', '▸in'],
  ['', '◂ out', '◂out'],
  ['B', 'B bcast', 'B bcast'],
  ['M', 'M mcast', 'M mcast'],
  ['P', 'P other host', 'P otherhost'],
  ['', '↪ copy', '↪copy'],
  ['', '! alert', '!alert'],
];

const ARROW_IN = '▸';
const ARROW_OUT = '◂';

/** Text for the Interface/Dir column: `eth1 ▸` for packets in, `eth0 ◂` for packets out. */
export function interfaceCell(s: PacketSummary): string {
  const dir = s.direction === 'In' ? ARROW_IN : s.direction === 'Out' ? ARROW_OUT : (s.direction ?? '');
  return [s.interfaceName ?? '', dir].filter(Boolean).join(' ');
}

const PROTO_ROLE: Record<string, Role> = {
  ICMP: 'proto.icmp',
  ICMPv6: 'proto.icmp',
  TCP: 'proto.tcp',
  UDP: 'proto.udp',
  ARP: 'proto.arp',
  DNS: 'proto.dns',
  HTTP: 'proto.http',
};
for (const name of TUNNEL_SHORT_NAMES) PROTO_ROLE[name] = 'proto.tunnel';

/** Turns a packet summary into a list row. */
export function listRow(pos: number, time: string, s: PacketSummary, custom: string[] = []): ListRow {
  const t = s.tunnel;
  let role: Role | undefined = PROTO_ROLE[s.protocol];
  if (s.protocol === 'TCP' && /\[(SYN|FIN|RST)/.test(s.info)) role = 'proto.tcpFlags';
  if (s.expert && /Malformed/.test(s.expert)) role = 'error';
  return {
    no: String(pos + 1),
    capture: '',
    time,
    iface: narrow(interfaceCell(s)),
    outer: t ? `${t.outerSource} → ${t.outerDestination}` : '',
    tunnel: t ? t.short : '',
    // An encrypted tunnel's inner addresses cannot be read: say so rather than repeat the outer pair.
    addr: t?.encrypted ? '(encrypted)' : s.destination ? `${narrow(s.source)} → ${narrow(s.destination)}` : narrow(s.source),
    protocol: s.protocol,
    length: String(s.length),
    info: narrow(s.info),
    custom,
    ...(role ? { role } : {}),
  };
}

/**
 * At its compact width an interface keeps its direction mark and the ends of its name, which
 * tell cilium_vxlan from cilium_host: "cilium_vxlan ▸" → "ci…xlan ▸".
 */
function compactIface(text: string, width: number): string {
  const m = /^(.*) (\S)$/.exec(text);
  const room = width - 2;
  if (!m || room < 4 || m[1]!.length <= room) return text;
  const name = m[1]!;
  const head = Math.max(1, Math.floor((room - 1) / 3));
  return `${name.slice(0, head)}…${name.slice(name.length - (room - 1 - head))} ${m[2]}`;
}

/** An Ethernet address pair (ARP and other non-IP rows): never what the Source → Destination width is fitted to. */
const MAC_PAIR = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}\b/;

const isPair = (id: string): boolean => id === 'outer' || id === 'addr';

/** Rows looked at across the list to decide the column widths. */
const SAMPLE_ROWS = 256;

/** Compact widths: an interface with its direction (longer names are cut), a tunnel id alone. */
const IFACE_COMPACT = 9;
/** A capture's name (cut in the middle) and its frame number there: "rou…er #1234". */
const CAPTURE_COMPACT = 12;

/** "tunnel-blocked-router #12" → "tunn…uter #12": a long capture name gives way, its frame number never does. */
function compactCapture(text: string, width: number): string {
  const at = text.lastIndexOf(' #');
  if (at < 0) return text;
  const room = width - (text.length - at);
  const name = text.slice(0, at);
  if (room >= name.length) return text;
  if (room < 3) return text.slice(at + 1);
  const head = Math.ceil((room - 1) / 2);
  return `${name.slice(0, head)}…${name.slice(name.length - (room - 1 - head))}${text.slice(at)}`;
}

/** "VXLAN 32001" → "32001", "ESP 0x00000003" → "0x00000003": the id alone, written as every view writes it. */
function compactTunnel(text: string): string {
  return text.replace(/^\S+ /, '');
}

export class PacketListView {
  /** First row on screen. */
  top = 0;
  /** Selected row (an index into the model, not a capture position). */
  selected = 0;
  /** ← → : columns scrolled past on the left, then Info's own text. */
  private readonly side = new SideScroll();
  private placement: ColumnPlacement | undefined;
  private placedFor = '';
  private customFor = '';
  private readonly widest = new Map<string, number>();
  /** Set per render: an address column is narrower than its widest pair. */
  private compactPairs = false;
  private widestTunnelId = 0;
  /** A tunnel id other than a VNI was seen (a GRE key, an SPI): the compact title is "ID". */
  private idsOtherThanVni = false;
  private tunnelsWithoutId = false;
  private lastHeight = 1;

  constructor(private readonly theme: Theme) {}

  /** Rows that fit under the header. */
  pageSize(height = this.lastHeight): number {
    return Math.max(1, height - 1);
  }

  /** Keeps the selection inside the list and on screen. */
  clamp(length: number, height = this.lastHeight): void {
    const page = this.pageSize(height);
    this.selected = Math.max(0, Math.min(this.selected, length - 1));
    if (this.selected < this.top) this.top = this.selected;
    if (this.selected >= this.top + page) this.top = this.selected - page + 1;
    this.top = Math.max(0, Math.min(this.top, Math.max(0, length - page)));
  }

  select(row: number, length: number): void {
    this.selected = row;
    this.clamp(length);
  }

  moveBy(delta: number, length: number): void {
    this.select(this.selected + delta, length);
  }

  /** Scrolls the view (mouse wheel) and drags the selection along only when it leaves the screen. */
  scrollBy(delta: number, length: number): void {
    const page = this.pageSize();
    this.top = Math.max(0, Math.min(this.top + delta, Math.max(0, length - page)));
    if (this.selected < this.top) this.selected = this.top;
    if (this.selected >= this.top + page) this.selected = this.top + page - 1;
    this.clamp(length);
  }

  /** The row drawn at line y of the box (0 is the header), if any. */
  rowAtLine(y: number, length: number): number | undefined {
    if (y < 1) return undefined;
    const row = this.top + y - 1;
    return row < length ? row : undefined;
  }

  /** Scrolls the columns sideways (← →) when they do not all fit. */
  scrollColumns(delta: number): void {
    this.side.move(delta, this.placement, this.widest.get('info') ?? 0);
  }

  /** Whether columns (or Info's text) are hidden to the left or the right (← → would show them). */
  get scrolled(): { left: number; right: number } {
    const p = this.placement;
    const info = p?.columns.find((c) => c.id === 'info');
    const infoCut = info !== undefined && this.side.text + info.width < (this.widest.get('info') ?? 0);
    return { left: (p?.hiddenLeft ?? 0) + (this.side.text > 0 ? 1 : 0), right: (p?.hiddenRight ?? 0) + (infoCut ? 1 : 0) };
  }

  /** Packet types seen in the interface column (B, M, P), which the legend explains. */
  private readonly typesSeen = new Set<string>();

  /** What the marks mean, the long or the short way, for those the capture has. */
  legend(short: boolean): string {
    return LEGEND.filter(([mark]) => mark === '' || this.typesSeen.has(mark))
      .map(([, long, brief]) => (short ? brief : long))
      .join(short ? ' ' : '  ');
  }

  /** Live input: widths are decided from the first rows and then kept, so columns do not jump. */
  fixWidthsAfter: number | undefined;
  private noted = 0;
  private sampledLength = -1;

  /**
   * Rows spread over the whole list, not only those on screen, decide the widths, so moving
   * up and down does not change the columns. Sampled again when the list has grown by a
   * quarter (a file still being read) or changed (a filter).
   */
  private sampleWidths(model: ListModel): void {
    if (this.fixWidthsAfter !== undefined) return;
    const n = model.length;
    const last = this.sampledLength;
    if (n === last || (last > 0 && n > last && n - last < SAMPLE_ROWS && n < last * 1.25)) return;
    this.sampledLength = n;
    const count = Math.min(n, SAMPLE_ROWS);
    for (let k = 0; k < count; k++) {
      const r = Math.floor((k * n) / count);
      this.noteWidths(model.rows(r, r + 1, true));
    }
  }

  private noteWidths(rows: readonly ListRow[]): void {
    for (const row of rows) {
      if (this.fixWidthsAfter !== undefined && this.noted >= this.fixWidthsAfter) return;
      this.noted++;
      for (const id of ['capture', 'time', 'iface', 'outer', 'tunnel', 'addr', 'protocol', 'length', 'info'] as const) {
        const w = row[id].length;
        if (w > (this.widest.get(id) ?? 0)) this.widest.set(id, w);
      }
      // The widest IP pair, which the address column's compact width is fitted to.
      if (!MAC_PAIR.test(row.addr) && row.addr.length > (this.widest.get('addr.ip') ?? 0)) this.widest.set('addr.ip', row.addr.length);
      row.custom.forEach((text, i) => {
        if (text.length > (this.widest.get(`c${i}`) ?? 0)) this.widest.set(`c${i}`, text.length);
      });
      const mark = / ([BMP])$/.exec(row.iface)?.[1];
      if (mark) this.typesSeen.add(mark);
      if (row.tunnel && !/^(VXLAN|GENEVE|VXLAN-GPE) /.test(row.tunnel)) this.idsOtherThanVni = true;
      // An IPIP packet has no id: its compact cell is the kind, so the column is not titled "ID".
      if (row.tunnel && !row.tunnel.includes(' ')) this.tunnelsWithoutId = true;
      const id = compactTunnel(row.tunnel).length;
      if (id > this.widestTunnelId) this.widestTunnelId = id;
    }
  }

  private columns(model: ListModel, width: number): ColumnPlacement {
    const tunnels = model.showTunnel();
    const specs = COLUMNS.filter(
      (c) =>
        (c.id !== 'iface' || model.showInterface) && (c.id !== 'capture' || model.showCapture === true) && ((c.id !== 'outer' && c.id !== 'tunnel') || tunnels),
    ).map((c): ListColumn => {
      if (c.id === 'no') {
        const w = Math.max(3, String(model.lastNumber ?? model.length).length + (model.marks ? 1 : 0));
        return { ...c, min: w, ideal: w };
      }
      if (c.id === 'tunnel' && (this.idsOtherThanVni || this.tunnelsWithoutId)) c = { ...c, shortTitle: this.tunnelsWithoutId ? 'Tun' : 'ID' };
      if (c.id === 'info') return { ...c, ideal: Math.max(c.min, this.widest.get('info') ?? 0) };
      const seen = this.widest.get(c.id) ?? 0;
      const ideal = Math.max(c.min, Math.min(MAX_IDEAL[c.id] ?? c.ideal, c.id === 'time' ? seen : Math.max(seen, c.ideal)));
      // Compact widths keep what is seen whole up to a point: an IPv4 pair (29 without the
      // blanks around its arrow; Ethernet pairs are cut), a time stamp, an interface's first
      // letters with its direction, a tunnel id, a protocol name up to WireGuard's.
      const pair = c.id === 'addr' ? (this.widest.get('addr.ip') ?? seen) : seen;
      const keep =
        c.id === 'outer' || c.id === 'addr'
          ? Math.min(29, pair - 2)
          : c.id === 'time' || c.id === 'length'
            ? ideal
            : c.id === 'capture'
              ? CAPTURE_COMPACT
              : c.id === 'iface'
                ? IFACE_COMPACT
                : c.id === 'tunnel'
                  ? this.widestTunnelId
                  : c.id === 'protocol'
                    ? 9
                    : c.min;
      return { ...c, min: Math.max(c.min, Math.min(ideal, seen, keep)), ideal };
    });
    if (model.custom.join('\n') !== this.customFor) {
      // Other columns: the widths seen were the old columns'.
      for (const id of [...this.widest.keys()]) if (/^c\d+$/.test(id)) this.widest.delete(id);
      this.customFor = model.custom.join('\n');
    }
    const custom = model.custom.map((name, i): ListColumn => {
      const short = name.slice(name.lastIndexOf('.') + 1);
      const seen = this.widest.get(`c${i}`) ?? 0;
      const min = Math.max(3, Math.min(short.length, 8));
      return { id: `c${i}`, title: name, shortTitle: short, min, ideal: Math.max(min, Math.min(CUSTOM_MAX, Math.max(seen, name.length))) };
    });
    const at = specs.findIndex((c) => c.id === 'info');
    specs.splice(at < 0 ? specs.length : at, 0, ...custom);
    const priority: string[] = [...(model.showCapture ? MERGED_PRIORITY : PRIORITY)];
    priority.splice(priority.indexOf('addr') + 1, 0, ...custom.map((c) => c.id));
    const marker = this.side.columns > 0 || this.side.text > 0;
    const key = `${width}|${this.side.columns}|${marker}|${specs.map((c) => `${c.id}:${c.min}:${c.ideal}`).join(',')}`;
    if (key !== this.placedFor || !this.placement) {
      this.placement = placeColumns(specs, priority, width, this.side.columns, { marker });
      // Compact pairs (a→b) are two characters shorter, and a tunnel column too narrow for
      // "VXLAN 10100" shows "10100": widening them to the full forms would only add blanks.
      const cut = (id: string): boolean => this.placement!.columns.some((c) => c.id === id && c.width < (this.widest.get(id) ?? 0));
      const pairs = cut('outer') || cut('addr');
      const ids = cut('tunnel');
      if (pairs || ids) {
        const compact = specs.map((c) =>
          pairs && isPair(c.id)
            ? { ...c, ideal: Math.max(c.min, c.ideal - 2) }
            : ids && c.id === 'tunnel'
              ? { ...c, ideal: Math.max(c.min, this.widestTunnelId) }
              : c,
        );
        this.placement = placeColumns(compact, priority, width, this.side.columns, { marker });
      }
      this.side.columns = this.placement.scroll;
      this.placedFor = `${width}|${this.side.columns}|${marker}|${specs.map((c) => `${c.id}:${c.min}:${c.ideal}`).join(',')}`;
    }
    return this.placement;
  }

  private cell(row: ListRow, id: ColumnId, width: number): string {
    if (/^c\d+$/.test(id)) return row.custom[Number(id.slice(1))] ?? '';
    let text = row[id as BuiltInColumn];
    if (id === 'info') return this.side.shift(text);
    if (id === 'no' && row.mark === 'forwarded') text = '↪' + text;
    // A forwarded copy keeps its ↪ (the alert colour says it is evidence), so it never looks like its original.
    else if (id === 'no' && row.alert) text = '!' + text;
    // When an address column is too narrow for its widest pair, every pair in both address
    // columns is compact (a→b), so rows and columns never mix the two forms.
    if ((id === 'outer' || id === 'addr') && this.compactPairs) return text.replace(' → ', '→');
    if (text.length <= width) return text;
    if (id === 'tunnel') return compactTunnel(text);
    if (id === 'capture') return compactCapture(text, width);
    // Always the same compact width, so one interface reads the same in every capture.
    if (id === 'iface') return compactIface(text, Math.min(width, IFACE_COMPACT));
    if (id === 'outer' || id === 'addr') return text.replace(' → ', '→');
    return text;
  }

  /** The visible lines: a header and up to height-1 rows. */
  render(model: ListModel, width: number, height: number, focused: boolean): string[] {
    this.lastHeight = height;
    this.clamp(model.length, height);
    const th = this.theme;
    const to = Math.min(model.length, this.top + this.pageSize(height));
    this.sampleWidths(model);
    const rows = model.rows(this.top, to);
    this.noteWidths(rows);
    const placement = this.columns(model, width);
    const cols = placement.columns;
    this.compactPairs = cols.some((c) => (c.id === 'outer' || c.id === 'addr') && c.width < (this.widest.get(c.id) ?? 0));
    // A tunnel column showing ids alone ("10100") is titled as they are ("VNI", "ID").
    // The last title gives its last cell to » when more columns wait on the right.
    const right = this.scrolled.right > 0;
    const room = (c: PlacedListColumn): number => (right && c === cols[cols.length - 1] ? c.width - 1 : c.width);
    const short = (c: PlacedListColumn): boolean => c.title.length > room(c) || (c.id === 'tunnel' && c.width < (this.widest.get('tunnel') ?? 0));
    const titles = cols.map((c) => fit(short(c) && c.shortTitle ? c.shortTitle : c.title, c.width, c.align));
    // « and » say that ← → show more columns.
    let header = fit(joinCells(placement, titles, '«'), width);
    if (right) header = header.slice(0, width - 1) + '»';
    const lines: string[] = [th.paint('header', header)];
    for (let r = this.top; r < to; r++) {
      const row = rows[r - this.top]!;
      const line = fit(
        joinCells(
          placement,
          cols.map((c) => fit(this.cell(row, c.id as ColumnId, c.width), c.width, c.align)),
        ),
        width,
      );
      if (r === this.selected) lines.push(th.paint(focused ? 'selected' : 'selectedDim', line));
      else {
        const role: Role | undefined =
          row.alert === 'error' ? 'misroute' : row.alert === 'warning' ? 'warning' : row.mark === 'forwarded' ? 'forwarded' : row.role;
        lines.push(role ? th.paint(role, line) : line);
      }
    }
    if (model.length === 0) lines.push(th.paint('dim', fit('  (no packets)', width)));
    return lines;
  }
}
