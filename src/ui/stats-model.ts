// Numbers for the Statistics view, gathered in the background like a filter run over the
// packets the display filter shows: the protocol hierarchy (a tree, outer and inner layers),
// conversations and endpoints outside and inside the tunnels, and the I/O graph (every packet
// from the index time stamps, the shown ones from the rows).
import { dissect } from '../dissect/dissect.js';
import type { Packet } from '../dissect/types.js';
import { frameMeta, frameMetaInto } from '../dissect/frame-meta.js';
import { safeText } from '../text/escape.js';
import { windowEnd } from './filter-job.js';
import type { PacketStore, RowSource } from './store.js';

export interface HierarchyNode {
  name: string;
  depth: number;
  packets: number;
  bytes: number;
  /** Inside a tunnel (below a VXLAN/GENEVE layer). */
  inner: boolean;
}

export interface Conversation {
  a: string;
  b: string;
  packets: number;
  bytes: number;
}

export interface Endpoint {
  addr: string;
  packets: number;
  bytes: number;
}

export interface IoGraph {
  /** Seconds per bucket, and buckets from the first packet. */
  bucketSeconds: number;
  allPackets: number[];
  allBytes: number[];
  shownPackets: number[];
  shownBytes: number[];
}

export interface Side<T> {
  rows: T[];
  /** Packets not counted because the table was full (said on screen). */
  untracked: number;
}

export interface StatsModel {
  /** Shown packets counted so far, packets shown, packets in the capture. */
  counted: number;
  shown: number;
  total: number;
  /** Bytes of the packets counted (the 100% of the hierarchy). */
  bytes: number;
  filter: string;
  hierarchy: HierarchyNode[];
  conversations: { outer: Side<Conversation>; inner: Side<Conversation> };
  endpoints: { outer: Side<Endpoint>; inner: Side<Endpoint> };
  io: IoGraph;
}

interface Node {
  name: string;
  packets: number;
  bytes: number;
  inner: boolean;
  children: Map<string, Node>;
}

const NETWORK = new Set(['ip', 'ipv6']);
const TUNNEL = new Set(['vxlan', 'geneve', 'vxlan-gpe']);
/** Each table keeps at most this many entries; the rest are counted as untracked. */
export const TABLE_CAP = 50_000;

/** A bucket size in round seconds giving at most `buckets` buckets over `span` seconds. */
export function bucketFor(span: number, buckets: number): number {
  const steps = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 300, 600, 3600, 86400];
  return steps.find((s) => span / s <= buckets) ?? Math.ceil(span / buckets);
}

class Table<T> {
  readonly map = new Map<string, T>();
  untracked = 0;
  get(key: string, make: () => T): T | undefined {
    let v = this.map.get(key);
    if (v === undefined) {
      if (this.map.size >= TABLE_CAP) {
        this.untracked++;
        return undefined;
      }
      this.map.set(key, (v = make()));
    }
    return v;
  }
}

export class StatsCollector {
  /** Rows of `rows` counted so far. */
  counted = 0;
  private bytes = 0;
  private readonly root: Node = { name: '', packets: 0, bytes: 0, inner: false, children: new Map() };
  private readonly conv = { outer: new Table<Conversation>(), inner: new Table<Conversation>() };
  private readonly ends = { outer: new Table<Endpoint>(), inner: new Table<Endpoint>() };
  private scheduled = false;
  private stopped = false;
  private io: { key: string; graph: IoGraph } | undefined;

  constructor(
    private readonly store: PacketStore,
    /** The packets the display filter shows (they may still be growing). */
    readonly rows: RowSource,
    readonly filter: string,
    private readonly onProgress: () => void,
  ) {}

  /** Counts packets in slices until it catches up with the rows; call again when they grow. */
  run(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.step();
    });
  }

  stop(): void {
    this.stopped = true;
  }

  get done(): boolean {
    return this.counted >= this.rows.length && this.store.capture.complete;
  }

  private step(): void {
    if (this.stopped) return;
    const { capture, ifnames, registry } = this.store;
    const deadline = performance.now() + 12;
    const meta = capture.frameCount ? frameMeta(capture, 0, ifnames) : undefined;
    const rows = this.rows;
    while (meta && this.counted < rows.length && performance.now() < deadline) {
      const from = rows.position(this.counted);
      const to = windowEnd(capture.index, from, capture.frameCount);
      let next = from;
      capture.scan(from, to, (pos, data) => {
        if (pos !== next) return;
        this.count(dissect(data, frameMetaInto(meta, capture, pos, ifnames), registry));
        this.counted++;
        next = this.counted < rows.length ? rows.position(this.counted) : -1;
        if (next < 0) return false;
      });
    }
    this.onProgress();
    if (this.counted < rows.length) this.run();
  }

  private count(pkt: Packet): void {
    const registry = this.store.registry;
    const bytes = pkt.frame.origLen;
    this.bytes += bytes;
    let node = this.root;
    node.packets++;
    node.bytes += bytes;
    let inner = false;
    let firstNet = -1;
    let lastNet = -1;
    pkt.layers.forEach((l, i) => {
      if (l.proto === 'frame' || l.quoted) return;
      const name = registry.dissector(l.proto)?.short ?? l.proto;
      let child = node.children.get(name);
      if (!child) node.children.set(name, (child = { name, packets: 0, bytes: 0, inner, children: new Map() }));
      child.packets++;
      child.bytes += bytes;
      node = child;
      if (TUNNEL.has(l.proto)) inner = true;
      if (NETWORK.has(l.proto)) {
        if (firstNet < 0) firstNet = i;
        lastNet = i;
      }
    });
    if (firstNet >= 0) this.talk('outer', pkt, firstNet, bytes);
    if (lastNet > firstNet) this.talk('inner', pkt, lastNet, bytes);
  }

  private talk(side: 'outer' | 'inner', pkt: Packet, layer: number, bytes: number): void {
    const l = pkt.layers[layer]!;
    const e = this.store.registry.dissector(l.proto)?.endpoints?.(pkt, l);
    if (!e) return;
    const [a, b] = e[0] <= e[1] ? e : [e[1], e[0]];
    const c = this.conv[side].get(`${a} ${b}`, () => ({ a: safeText(a), b: safeText(b), packets: 0, bytes: 0 }));
    if (c) {
      c.packets++;
      c.bytes += bytes;
    }
    for (const addr of a === b ? [a] : [a, b]) {
      const ep = this.ends[side].get(addr, () => ({ addr: safeText(addr), packets: 0, bytes: 0 }));
      if (ep) {
        ep.packets++;
        ep.bytes += bytes;
      }
    }
  }

  /** The I/O graph in at most `buckets` buckets: every packet, and the shown ones. */
  ioGraph(buckets: number): IoGraph {
    const { index } = this.store.capture;
    const count = this.store.count;
    const key = `${buckets}|${count}|${this.rows.length}`;
    if (this.io?.key === key) return this.io.graph;
    const empty = { bucketSeconds: 1, allPackets: [], allBytes: [], shownPackets: [], shownBytes: [] };
    if (count === 0) return empty;
    const t0 = index.timeOf(0);
    const size = bucketFor(Math.max(0, index.timeOf(count - 1) - t0), buckets);
    const n = Math.max(1, Math.floor((index.timeOf(count - 1) - t0) / size) + 1);
    const g: IoGraph = {
      bucketSeconds: size,
      allPackets: new Array<number>(n).fill(0),
      allBytes: new Array<number>(n).fill(0),
      shownPackets: new Array<number>(n).fill(0),
      shownBytes: new Array<number>(n).fill(0),
    };
    const bucket = (pos: number): number => Math.min(n - 1, Math.max(0, Math.floor((index.timeOf(pos) - t0) / size)));
    for (let i = 0; i < count; i++) {
      const b = bucket(i);
      g.allPackets[b]!++;
      g.allBytes[b]! += index.origLenOf(i);
    }
    for (let r = 0; r < this.rows.length; r++) {
      const p = this.rows.position(r);
      const b = bucket(p);
      g.shownPackets[b]!++;
      g.shownBytes[b]! += index.origLenOf(p);
    }
    this.io = { key, graph: g };
    return g;
  }

  model(buckets = 60): StatsModel {
    const hierarchy: HierarchyNode[] = [];
    const walk = (n: Node, depth: number): void => {
      const kids = [...n.children.values()].sort((x, y) => y.packets - x.packets);
      for (const k of kids) {
        hierarchy.push({ name: k.name, depth, packets: k.packets, bytes: k.bytes, inner: k.inner });
        walk(k, depth + 1);
      }
    };
    walk(this.root, 0);
    const side = <T>(t: Table<T>): Side<T> => ({ rows: [...t.map.values()], untracked: t.untracked });
    return {
      counted: this.counted,
      shown: this.rows.length,
      total: this.store.count,
      bytes: this.bytes,
      filter: this.filter,
      hierarchy,
      conversations: { outer: side(this.conv.outer), inner: side(this.conv.inner) },
      endpoints: { outer: side(this.ends.outer), inner: side(this.ends.inner) },
      io: this.ioGraph(buckets),
    };
  }
}
