// What the Flows view shows of every flow, in compact form: typed columns, the repeated texts
// (protocols, states, other tunnels) once in a string table, and the per-flow texts as UTF-8 in
// one buffer. Half a million flows as row objects cost about 900 bytes each on both sides of
// the analysis worker, and their structured copy froze the UI for over half a second; as
// columns they cost about 120 bytes, their buffers are transferred rather than copied, and a
// row object is made only for the rows on screen.

export interface FlowRow {
  id: number;
  proto: string;
  /** "172.20.0.10:48312 → 172.20.2.30:80" */
  endpoints: string;
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

/** Every flow row as columns (structured-clone safe; `transferables` lists its buffers). */
export interface FlowRows {
  count: number;
  /** Texts that repeat from flow to flow; proto, state and also index into it. */
  strings: string[];
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
  /** Start of each row's endpoints, src and dst texts in `text` (3 per row, then the end). */
  textAt: Uint32Array;
  text: Uint8Array;
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
] as const satisfies readonly (keyof FlowRows)[];

function larger<T extends Growable>(a: T, size: number): T {
  const out = new (a.constructor as new (n: number) => T)(size);
  out.set(a);
  return out;
}

/** Collects rows one at a time (in display order) and hands over the columns. */
export class FlowRowsBuilder {
  private cap: number;
  /** The columns being filled, with room for `cap` rows (cut to `count` by finish()). */
  private readonly r: FlowRows;
  private readonly stringIds = new Map<string, number>();
  private textUsed = 0;
  private tunnelsUsed = 0;
  private readonly encoder = new TextEncoder();

  /** `rows`: how many rows are coming, when known (the columns are then made once, to size). */
  constructor(rows = 256) {
    const cap = (this.cap = Math.max(1, rows));
    this.r = {
      count: 0,
      strings: [],
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
      textAt: new Uint32Array(cap * 3 + 1),
      text: new Uint8Array(cap * 64),
      tunnelAt: new Uint32Array(cap + 1),
      tunnelIds: new Uint32Array(cap),
    };
  }

  get count(): number {
    return this.r.count;
  }

  add(row: FlowRow): void {
    if (this.r.count === this.cap) this.grow();
    const r = this.r;
    const i = r.count++;
    r.id[i] = row.id;
    r.packetsOut[i] = row.packetsOut;
    r.packetsBack[i] = row.packetsBack;
    r.bytes[i] = row.bytes;
    r.firstFrame[i] = row.firstFrame;
    r.flags[i] = (row.unanswered ? UNANSWERED : 0) | (row.match.family === 6 ? V6 : 0);
    r.srcPort[i] = row.match.srcPort;
    r.dstPort[i] = row.match.dstPort;
    r.proto[i] = this.stringId(row.proto);
    r.state[i] = this.stringId(row.state);
    r.also[i] = this.stringId(row.also);
    this.addText(i * 3, row.endpoints);
    this.addText(i * 3 + 1, row.match.src);
    this.addText(i * 3 + 2, row.match.dst);
    r.textAt[i * 3 + 3] = this.textUsed;
    const tunnels = row.match.tunnels;
    if (this.tunnelsUsed + tunnels.length > r.tunnelIds.length)
      r.tunnelIds = larger(r.tunnelIds, Math.max(r.tunnelIds.length * 2, this.tunnelsUsed + tunnels.length));
    for (const t of tunnels) r.tunnelIds[this.tunnelsUsed++] = t;
    r.tunnelAt[i + 1] = this.tunnelsUsed;
  }

  private stringId(s: string): number {
    let k = this.stringIds.get(s);
    if (k === undefined) {
      k = this.r.strings.push(s) - 1;
      this.stringIds.set(s, k);
    }
    return k;
  }

  private addText(slot: number, s: string): void {
    const r = this.r;
    r.textAt[slot] = this.textUsed;
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    if (this.textUsed + s.length * 3 > r.text.length) r.text = larger(r.text, Math.max(r.text.length * 2, this.textUsed + s.length * 3));
    this.textUsed += this.encoder.encodeInto(s, r.text.subarray(this.textUsed)).written;
  }

  private grow(): void {
    const cap = (this.cap *= 2);
    const columns = this.r as unknown as Record<(typeof PER_ROW)[number], Growable>;
    for (const k of PER_ROW) columns[k] = larger(columns[k], cap);
    this.r.textAt = larger(this.r.textAt, cap * 3 + 1);
    this.r.tunnelAt = larger(this.r.tunnelAt, cap + 1);
  }

  /** The columns, cut to the rows added (copied only where room was left over: the spare room is not sent). */
  finish(): FlowRows {
    const r = this.r;
    const n = r.count;
    const cut = <T extends Growable>(a: T, length: number): T => (a.length === length ? a : (a.slice(0, length) as T));
    const out: FlowRows = {
      ...r,
      textAt: cut(r.textAt, n * 3 + 1),
      // Views, not copies: the texts' spare room goes along rather than a second copy of them.
      text: r.text.subarray(0, this.textUsed),
      tunnelAt: cut(r.tunnelAt, n + 1),
      tunnelIds: r.tunnelIds.subarray(0, this.tunnelsUsed),
    };
    const columns = out as unknown as Record<(typeof PER_ROW)[number], Growable>;
    for (const k of PER_ROW) columns[k] = cut(columns[k], n);
    return out;
  }
}

/** The buffers to transfer (not copy) when the rows are posted to another thread. */
export function flowRowsTransferables(r: FlowRows): ArrayBuffer[] {
  return [...PER_ROW.map((k) => r[k]), r.textAt, r.text, r.tunnelAt, r.tunnelIds].map((a) => a.buffer as ArrayBuffer);
}

const decoder = new TextDecoder();

function textOf(r: FlowRows, slot: number): string {
  return decoder.decode(r.text.subarray(r.textAt[slot]!, r.textAt[slot + 1]!));
}

/** Row `i` as an object (made when drawn or opened, not kept). */
export function flowRowAt(r: FlowRows, i: number): FlowRow {
  const proto = r.strings[r.proto[i]!]!;
  return {
    id: r.id[i]!,
    proto,
    endpoints: textOf(r, i * 3),
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
      src: textOf(r, i * 3 + 1),
      dst: textOf(r, i * 3 + 2),
      srcPort: r.srcPort[i]!,
      dstPort: r.dstPort[i]!,
      tunnels: [...r.tunnelIds.subarray(r.tunnelAt[i]!, r.tunnelAt[i + 1]!)],
    },
  };
}

/** Every row as objects, in order (tests and small captures). */
export function allFlowRows(r: FlowRows): FlowRow[] {
  return Array.from({ length: r.count }, (_, i) => flowRowAt(r, i));
}
