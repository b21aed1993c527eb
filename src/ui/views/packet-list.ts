// The packet list: a virtual view. Only the rows on screen are ever built (from summaries
// the store dissects on demand), so a million packets cost the same as forty. One blessed box
// holds the header and the visible rows, and its content is replaced on every render.
import { TUNNEL_SHORT_NAMES } from '../../dissect/encap/index.js';
import type { PacketSummary } from '../../dissect/summary.js';
import { layoutColumns, fit, narrow, type ColumnSpec, type PlacedColumn } from '../text.js';
import type { Role, Theme } from '../theme.js';

/** One row as the list shows it: every cell already text. */
export interface ListRow {
  no: string;
  time: string;
  iface: string;
  outer: string;
  tunnel: string;
  source: string;
  destination: string;
  protocol: string;
  length: string;
  info: string;
  /** Colour of the row (by protocol or problem). */
  role?: Role;
  /** Set by the hop analysis: this row is the forwarded copy of another, or a misrouted one. */
  mark?: 'forwarded' | 'misroute';
}

export interface ListModel {
  /** Rows in the list (packets shown by the filter). */
  readonly length: number;
  /** Builds rows from..to-1 (called only for the visible ones). */
  rows(from: number, to: number): ListRow[];
  /** Whether captures carry interface names or directions (shows the Interface/Dir column). */
  showInterface: boolean;
  /** Whether any tunnelled packet was seen (shows the outer and Tunnel/ID columns); asked after rows(). */
  showTunnel(): boolean;
  /** Widest time text, for the Time column. */
  timeWidth: number;
  /** Widest interface name and direction, for the Interface/Dir column. */
  ifaceWidth: number;
  /** Whether rows may carry a mark (forwarded copy, misroute) before their number. */
  marks: boolean;
}

type ColumnId = keyof Omit<ListRow, 'role' | 'mark'>;

// Minimums keep an IPv4 address (and an outer IPv4 pair) whole: on a narrow terminal whole
// columns go (Length, Time, Interface, Tunnel/ID, then the outer pair) rather than being cut.
const COLUMNS: (ColumnSpec & { id: ColumnId })[] = [
  { id: 'no', title: 'No.', min: 3, ideal: 3, align: 'right', keep: 9 },
  { id: 'time', title: 'Time', min: 8, ideal: 9, align: 'right', keep: 3 },
  { id: 'iface', title: 'If/Dir', min: 6, ideal: 8, keep: 4 },
  { id: 'outer', title: 'Outer src → dst', min: 31, ideal: 31, grow: 2, keep: 6 },
  { id: 'tunnel', title: 'Tunnel/ID', min: 11, ideal: 11, keep: 5 },
  { id: 'source', title: 'Inner Source', min: 15, ideal: 15, grow: 1, keep: 8 },
  { id: 'destination', title: 'Inner Destination', min: 15, ideal: 17, grow: 1, keep: 8 },
  { id: 'protocol', title: 'Protocol', min: 6, ideal: 8, keep: 7 },
  { id: 'length', title: 'Length', min: 6, ideal: 6, align: 'right', keep: 2 },
  { id: 'info', title: 'Info', min: 12, ideal: 30, grow: 8, keep: 10, shrinkFirst: true },
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
export function listRow(pos: number, time: string, s: PacketSummary): ListRow {
  const t = s.tunnel;
  let role: Role | undefined = PROTO_ROLE[s.protocol];
  if (s.protocol === 'TCP' && /\[(SYN|FIN|RST)/.test(s.info)) role = 'proto.tcpFlags';
  if (s.expert && /Malformed/.test(s.expert)) role = 'error';
  return {
    no: String(pos + 1),
    time,
    iface: narrow(interfaceCell(s)),
    outer: t ? `${t.outerSource} → ${t.outerDestination}` : '',
    tunnel: t ? t.short : '',
    source: narrow(s.source),
    destination: narrow(s.destination),
    protocol: s.protocol,
    length: String(s.length),
    info: narrow(s.info),
    ...(role ? { role } : {}),
  };
}

export class PacketListView {
  /** First row on screen. */
  top = 0;
  /** Selected row (an index into the model, not a capture position). */
  selected = 0;
  private placed: PlacedColumn[] = [];
  private placedFor = '';
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

  private columns(model: ListModel, width: number): PlacedColumn[] {
    const tunnels = model.showTunnel();
    const key = `${width}|${model.marks}|${model.showInterface}|${model.ifaceWidth}|${tunnels}|${model.timeWidth}|${String(model.length).length}`;
    if (key !== this.placedFor) {
      const specs = COLUMNS.filter((c) => (c.id !== 'iface' || model.showInterface) && ((c.id !== 'outer' && c.id !== 'tunnel') || tunnels)).map((c) => {
        if (c.id === 'no') return { ...c, ideal: Math.max(3, String(model.length).length + (model.marks ? 1 : 0)) };
        if (c.id === 'time') return { ...c, ideal: Math.max(4, model.timeWidth), min: Math.min(c.min, model.timeWidth) };
        if (c.id === 'iface') return { ...c, ideal: Math.max(c.min, Math.min(20, model.ifaceWidth)) };
        // Without tunnels there is no inner packet: the addresses are simply the packet's.
        if (c.id === 'source' && !tunnels) return { ...c, title: 'Source' };
        if (c.id === 'destination' && !tunnels) return { ...c, title: 'Destination' };
        return c;
      });
      this.placed = layoutColumns(specs, width);
      this.placedFor = key;
    }
    return this.placed;
  }

  /** The visible lines: a header and up to height-1 rows. */
  render(model: ListModel, width: number, height: number, focused: boolean): string[] {
    this.lastHeight = height;
    this.clamp(model.length, height);
    const th = this.theme;
    const to = Math.min(model.length, this.top + this.pageSize(height));
    const rows = model.rows(this.top, to);
    const cols = this.columns(model, width);
    const lines: string[] = [th.paint('header', fit(cols.map((c) => fit(c.title, c.width, c.align)).join(' '), width))];
    for (let r = this.top; r < to; r++) {
      const row = rows[r - this.top]!;
      const cells: string[] = [];
      for (const c of cols) {
        let text = row[c.id as ColumnId];
        if (c.id === 'no' && row.mark === 'forwarded') text = '↪' + text;
        if (c.id === 'no' && row.mark === 'misroute') text = '!' + text;
        cells.push(fit(text, c.width, c.align));
      }
      const line = fit(cells.join(' '), width);
      if (r === this.selected) lines.push(th.paint(focused ? 'selected' : 'selectedDim', line));
      else {
        const role: Role | undefined = row.mark === 'misroute' ? 'misroute' : row.mark === 'forwarded' ? 'forwarded' : row.role;
        lines.push(role ? th.paint(role, line) : line);
      }
    }
    if (model.length === 0) lines.push(th.paint('dim', fit('  (no packets)', width)));
    return lines;
  }
}
