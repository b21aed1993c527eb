// What the Flows view shows of every flow, in compact form: typed columns, the repeated texts
// (protocols, states, other tunnels) once in a string table, IPv4 addresses as numbers and the
// rest (IPv6 addresses, pod names) once each in a name table. Half a million flows as row
// objects cost about 900 bytes each on both sides of the analysis worker, and their structured
// copy froze the UI for over half a second; as columns they cost under 60 bytes, their buffers
// are transferred rather than copied, and a row object (with its endpoints text) is made only
// for the rows on screen.
import type { Flow } from '../analysis/flows.js';
import { formatAddr } from '../analysis/addr.js';
import { formatIpv4 } from '../dissect/format.js';
import { safeText } from '../text/escape.js';

export interface FlowRow {
  id: number;
  proto: string;
  /** "172.20.0.10:48312 → 172.20.2.30:80", from the names and ports. */
  endpoints: string;
  /** How the row shows the source and destination: a pod or node name, else the address (terminal-safe). */
  srcName: string;
  dstName: string;
  packetsOut: number;
  packetsBack: number;
  bytes: number;
  state: string;
  unanswered: boolean;
  /** Other tunnels this flow used (e.g. the replies' VNI), as text. */
  also: string;
  firstFrame: number;
  /** What the display filter for this flow's packets is made from (flowRowFilter builds it on Enter). */
  match: FlowMatch;
}

/**
 * A flow's addresses, ports and tunnels as its display filter needs them. The filter text is
 * made only when asked for: at about 400 characters a flow, a million flows of it took most of
 * the memory the analysis worker sends to the UI.
 */
export interface FlowMatch {
  family: 4 | 6;
  proto: string;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  tunnels: readonly number[];
}

/** What a row is made from: the endpoints text is made from the names when the row is read. */
export type FlowRowInput = Omit<FlowRow, 'endpoints'>;

/** Every flow row as columns (structured-clone safe; `transferables` lists its buffers). */
export interface FlowRows {
  count: number;
  /** Texts that repeat from flow to flow; proto, state and also index into it. */
  strings: string[];
  /** IPv6 addresses and names other than the address; src, dst and shown index into it. */
  names: string[];
  id: Uint32Array;
  packetsOut: Uint32Array;
  packetsBack: Uint32Array;
  bytes: Float64Array;
  firstFrame: Uint32Array;
  /** Bit 1: unanswered; bit 2: IPv6. */
  flags: Uint8Array;
  srcPort: Uint16Array;
  dstPort: Uint16Array;
  proto: Uint32Array;
  state: Uint32Array;
  also: Uint32Array;
  /** The addresses: IPv4 as the number, IPv6 as its index in `names`. */
  src: Uint32Array;
  dst: Uint32Array;
  /**
   * Two per row (source, destination): 0 when the row shows the address itself, else the
   * name's index in `names` plus one. Absent when no row shows a name.
   */
  shown?: Uint32Array;
  /** Start of each row's tunnel ids in `tunnelIds` (then the end). */
  tunnelAt: Uint32Array;
  tunnelIds: Uint32Array;
}

/** A run of rows under one title: the flows one tunnel carried first, or the plain ones. */
export interface FlowGroup {
  /** "VXLAN 192.168.10.100 → 192.168.20.100  udp/8472  VNI 32001", or "not tunnelled". */
  title: string;
  tunnel?: number;
  /** The group's rows are start .. start + count - 1. */
  start: number;
  count: number;
}

const UNANSWERED = 1;
const V6 = 2;

type Growable = Uint32Array | Uint16Array | Uint8Array | Float64Array;

/** The columns with one entry per row (the texts and tunnel ids have their own lengths). */
const PER_ROW = [
  'id',
  'packetsOut',
  'packetsBack',
  'bytes',
  'firstFrame',
  'flags',
  'srcPort',
  'dstPort',
  'proto',
  'state',
  'also',
  'src',
  'dst',
] as const satisfies readonly (keyof FlowRows)[];

function larger<T extends Growable>(a: T, size: number): T {
  const out = new (a.constructor as new (n: number) => T)(size);
  out.set(a);
  return out;
}

/** The index of `s` in `list`, added (made terminal-safe when `escape`) the first time. */
function intern(ids: Map<string, number>, list: string[], s: string, escape: boolean): number {
  let k = ids.get(s);
  if (k === undefined) {
    k = list.push(escape ? safeText(s) : s) - 1;
    ids.set(s, k);
  }
  return k;
}

/** Collects rows one at a time (in display order) and hands over the columns. */
export class FlowRowsBuilder {
  private cap: number;
  /** The columns being filled, with room for `cap` rows (cut to `count` by finish()). */
  private readonly r: FlowRows;
  private readonly stringIds = new Map<string, number>();
  private readonly nameIds = new Map<string, number>();
  private tunnelsUsed = 0;

  /** `rows`: how many rows are coming, when known (the columns are then made once, to size). */
  constructor(rows = 256) {
    const cap = (this.cap = Math.max(1, rows));
    this.r = {
      count: 0,
      strings: [],
      names: [],
      id: new Uint32Array(cap),
      packetsOut: new Uint32Array(cap),
      packetsBack: new Uint32Array(cap),
      bytes: new Float64Array(cap),
      firstFrame: new Uint32Array(cap),
      flags: new Uint8Array(cap),
      srcPort: new Uint16Array(cap),
      dstPort: new Uint16Array(cap),
      proto: new Uint32Array(cap),
      state: new Uint32Array(cap),
      also: new Uint32Array(cap),
      src: new Uint32Array(cap),
      dst: new Uint32Array(cap),
      tunnelAt: new Uint32Array(cap + 1),
      tunnelIds: new Uint32Array(cap),
    };
  }

  get count(): number {
    return this.r.count;
  }

  /** A row whose texts are terminal-safe already. */
  add(row: FlowRowInput): void {
    const m = row.match;
    const v6 = m.family === 6;
    const texts = [row.proto, row.state, row.also] as const;
    const i = this.begin(row, texts, row.unanswered, v6, m.srcPort, m.dstPort, m.tunnels, false);
    const r = this.r;
    r.src[i] = v6 ? this.nameId(m.src, false) : ipv4Number(m.src);
    r.dst[i] = v6 ? this.nameId(m.dst, false) : ipv4Number(m.dst);
    this.names(i, m.src, row.srcName, m.dst, row.dstName, false);
  }

  /**
   * The analysis' own flow (the worker's path): no text is made for an IPv4 address unless a
   * name may replace it, and each distinct text is made terminal-safe once, not per row.
   */
  addFlow(f: Flow, also: string, tunnels: readonly number[], show?: (address: string) => string): void {
    const v6 = f.family === 6;
    const i = this.begin(f, [f.proto, f.state, also], f.unanswered !== undefined, v6, f.srcPort, f.dstPort, tunnels, true);
    const r = this.r;
    const a = f.srcAddr;
    const b = f.dstAddr;
    if (!v6 && show === undefined) {
      r.src[i] = (a as number) >>> 0;
      r.dst[i] = (b as number) >>> 0;
      return;
    }
    const src = formatAddr(a);
    const dst = formatAddr(b);
    r.src[i] = v6 ? this.nameId(src, false) : (a as number) >>> 0;
    r.dst[i] = v6 ? this.nameId(dst, false) : (b as number) >>> 0;
    if (show) this.names(i, src, show(src), dst, show(dst), true);
  }

  /** Fills what every row has; returns the row's index. */
  private begin(
    counts: Pick<FlowRow, 'id' | 'packetsOut' | 'packetsBack' | 'bytes' | 'firstFrame'> | Flow,
    [proto, state, also]: readonly [string, string, string],
    unanswered: boolean,
    v6: boolean,
    srcPort: number,
    dstPort: number,
    tunnels: readonly number[],
    escape: boolean,
  ): number {
    if (this.r.count === this.cap) this.grow();
    const r = this.r;
    const i = r.count++;
    r.id[i] = counts.id;
    if ('packetsOf' in counts) {
      r.packetsOut[i] = counts.packetsOf(0);
      r.packetsBack[i] = counts.packetsOf(1);
    } else {
      r.packetsOut[i] = counts.packetsOut;
      r.packetsBack[i] = counts.packetsBack;
    }
    r.bytes[i] = counts.bytes;
    r.firstFrame[i] = counts.firstFrame;
    r.flags[i] = (unanswered ? UNANSWERED : 0) | (v6 ? V6 : 0);
    r.srcPort[i] = srcPort;
    r.dstPort[i] = dstPort;
    r.proto[i] = this.stringId(proto, escape);
    r.state[i] = this.stringId(state, escape);
    r.also[i] = this.stringId(also, escape);
    if (this.tunnelsUsed + tunnels.length > r.tunnelIds.length)
      r.tunnelIds = larger(r.tunnelIds, Math.max(r.tunnelIds.length * 2, this.tunnelsUsed + tunnels.length));
    for (const t of tunnels) r.tunnelIds[this.tunnelsUsed++] = t;
    r.tunnelAt[i + 1] = this.tunnelsUsed;
    return i;
  }

  /** Names shown instead of the addresses, where they differ. */
  private names(i: number, src: string, srcName: string, dst: string, dstName: string, escape: boolean): void {
    if (srcName === src && dstName === dst) return;
    const r = this.r;
    // Room for every row at once: rows without names keep 0, "the address".
    r.shown ??= new Uint32Array(this.cap * 2);
    if (srcName !== src) r.shown[i * 2] = this.nameId(srcName, escape) + 1;
    if (dstName !== dst) r.shown[i * 2 + 1] = this.nameId(dstName, escape) + 1;
  }

  private stringId(s: string, escape: boolean): number {
    return intern(this.stringIds, this.r.strings, s, escape);
  }

  private nameId(s: string, escape: boolean): number {
    return intern(this.nameIds, this.r.names, s, escape);
  }

  private grow(): void {
    const cap = (this.cap *= 2);
    const columns = this.r as unknown as Record<(typeof PER_ROW)[number], Growable>;
    for (const k of PER_ROW) columns[k] = larger(columns[k], cap);
    if (this.r.shown) this.r.shown = larger(this.r.shown, cap * 2);
    this.r.tunnelAt = larger(this.r.tunnelAt, cap + 1);
  }

  /** The columns, cut to the rows added (copied only where room was left over: the spare room is not sent). */
  finish(): FlowRows {
    const r = this.r;
    const n = r.count;
    const cut = <T extends Growable>(a: T, length: number): T => (a.length === length ? a : (a.slice(0, length) as T));
    const out: FlowRows = {
      ...r,
      tunnelAt: cut(r.tunnelAt, n + 1),
      // A view, not a copy: the spare room goes along rather than a second copy of the ids.
      tunnelIds: r.tunnelIds.subarray(0, this.tunnelsUsed),
    };
    if (r.shown) out.shown = cut(r.shown, n * 2);
    const columns = out as unknown as Record<(typeof PER_ROW)[number], Growable>;
    for (const k of PER_ROW) columns[k] = cut(columns[k], n);
    return out;
  }
}

/** The buffers to transfer (not copy) when the rows are posted to another thread. */
export function flowRowsTransferables(r: FlowRows): ArrayBuffer[] {
  return [...PER_ROW.map((k) => r[k]), r.tunnelAt, r.tunnelIds, ...(r.shown ? [r.shown] : [])].map((a) => a.buffer as ArrayBuffer);
}

/** "10.1.2.3" as a number (unsigned); the rows only ever hold addresses the analysis formatted. */
function ipv4Number(text: string): number {
  let n = 0;
  let part = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x2e) {
      n = n * 256 + part;
      part = 0;
    } else part = part * 10 + (c - 0x30);
  }
  return n * 256 + part;
}

/** "addr:port" for TCP and UDP ("[v6]:port"); the address alone otherwise. */
export function endpointText(name: string, port: number, proto: string): string {
  if (proto !== 'TCP' && proto !== 'UDP') return name;
  return name.includes(':') && !name.includes('/') ? `[${name}]:${port}` : `${name}:${port}`;
}

function addressOf(r: FlowRows, column: Uint32Array, i: number): string {
  return (r.flags[i]! & V6) !== 0 ? r.names[column[i]!]! : formatIpv4(column[i]! | 0);
}

function nameOf(r: FlowRows, slot: number, address: string): string {
  const k = r.shown?.[slot] ?? 0;
  return k === 0 ? address : r.names[k - 1]!;
}

/** Row `i` as an object (made when drawn or opened, not kept). */
export function flowRowAt(r: FlowRows, i: number): FlowRow {
  const proto = r.strings[r.proto[i]!]!;
  const src = addressOf(r, r.src, i);
  const dst = addressOf(r, r.dst, i);
  const srcName = nameOf(r, i * 2, src);
  const dstName = nameOf(r, i * 2 + 1, dst);
  const srcPort = r.srcPort[i]!;
  const dstPort = r.dstPort[i]!;
  return {
    id: r.id[i]!,
    proto,
    endpoints: `${endpointText(srcName, srcPort, proto)} → ${endpointText(dstName, dstPort, proto)}`,
    srcName,
    dstName,
    packetsOut: r.packetsOut[i]!,
    packetsBack: r.packetsBack[i]!,
    bytes: r.bytes[i]!,
    state: r.strings[r.state[i]!]!,
    unanswered: (r.flags[i]! & UNANSWERED) !== 0,
    also: r.strings[r.also[i]!]!,
    firstFrame: r.firstFrame[i]!,
    match: {
      family: (r.flags[i]! & V6) !== 0 ? 6 : 4,
      proto,
      src,
      dst,
      srcPort,
      dstPort,
      tunnels: [...r.tunnelIds.subarray(r.tunnelAt[i]!, r.tunnelAt[i + 1]!)],
    },
  };
}

/** Every row as objects, in order (tests and small captures). */
export function allFlowRows(r: FlowRows): FlowRow[] {
  return Array.from({ length: r.count }, (_, i) => flowRowAt(r, i));
}
