// Numbers for the Statistics view, gathered in the background like a filter run: the
// protocol hierarchy and the top talkers need every packet dissected, so they are counted a
// few milliseconds at a time and the view shows them growing. Packets per second come
// straight from the index time stamps.
import type { FrameIndex } from '../capture/frame-index.js';
import { dissect } from '../dissect/dissect.js';
import { frameMeta, frameMetaInto } from '../dissect/frame-meta.js';
import { safeText } from '../text/escape.js';
import { windowEnd } from './filter-job.js';
import type { PacketStore } from './store.js';

export interface RateSeries {
  /** Seconds from the first packet at the start of each bucket. */
  x: string[];
  /** Packets per second in each bucket. */
  y: number[];
  bucketSeconds: number;
}

export interface HierarchyNode {
  name: string;
  depth: number;
  packets: number;
  bytes: number;
}

export interface Talker {
  a: string;
  b: string;
  packets: number;
  bytes: number;
}

export interface StatsModel {
  /** Packets counted so far / packets in the capture. */
  counted: number;
  total: number;
  rate: RateSeries;
  /** Protocol hierarchy, depth-first (as Wireshark's Statistics > Protocol Hierarchy). */
  hierarchy: HierarchyNode[];
  outer: Talker[];
  inner: Talker[];
}

/** Packets per second over time, in at most `buckets` buckets of a round number of seconds. */
export function rateSeries(index: FrameIndex, count: number, buckets = 60): RateSeries {
  if (count === 0) return { x: [], y: [], bucketSeconds: 1 };
  const t0 = index.timeOf(0);
  const span = Math.max(0, index.timeOf(count - 1) - t0);
  const steps = [0.001, 0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 600, 3600, 86400];
  const size = steps.find((s) => span / s <= buckets) ?? Math.ceil(span / buckets);
  const n = Math.max(1, Math.floor(span / size) + 1);
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < count; i++) {
    const b = Math.min(n - 1, Math.max(0, Math.floor((index.timeOf(i) - t0) / size)));
    y[b]!++;
  }
  const digits = size < 1 ? Math.ceil(-Math.log10(size)) : 0;
  return { x: y.map((_, k) => (k * size).toFixed(digits)), y: y.map((v) => v / size), bucketSeconds: size };
}

interface Node {
  name: string;
  packets: number;
  bytes: number;
  children: Map<string, Node>;
}

const NETWORK = new Set(['ip', 'ipv6']);

export class StatsCollector {
  counted = 0;
  private readonly root: Node = { name: '', packets: 0, bytes: 0, children: new Map() };
  private readonly outer = new Map<string, Talker>();
  private readonly inner = new Map<string, Talker>();
  private scheduled = false;
  private stopped = false;
  private rate: { count: number; series: RateSeries } | undefined;

  constructor(
    private readonly store: PacketStore,
    private readonly onProgress: () => void,
  ) {}

  /** Counts packets in slices until it catches up with the index; call again when it grows. */
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
    return this.counted >= this.store.count && this.store.capture.complete;
  }

  private step(): void {
    if (this.stopped) return;
    const { capture, ifnames, registry } = this.store;
    const deadline = performance.now() + 12;
    const meta = capture.frameCount ? frameMeta(capture, 0, ifnames) : undefined;
    while (meta && this.counted < capture.frameCount && performance.now() < deadline) {
      const from = this.counted;
      const to = windowEnd(capture.index, from, capture.frameCount);
      this.counted = to;
      capture.scan(from, to, (pos, data) => {
        const pkt = dissect(data, frameMetaInto(meta, capture, pos, ifnames), registry);
        const bytes = pkt.frame.origLen;
        let node = this.root;
        node.packets++;
        node.bytes += bytes;
        let firstNet = -1;
        let lastNet = -1;
        pkt.layers.forEach((l, i) => {
          if (l.proto === 'frame' || l.quoted) return;
          const name = registry.dissector(l.proto)?.short ?? l.proto;
          let child = node.children.get(name);
          if (!child) node.children.set(name, (child = { name, packets: 0, bytes: 0, children: new Map() }));
          child.packets++;
          child.bytes += bytes;
          node = child;
          if (NETWORK.has(l.proto)) {
            if (firstNet < 0) firstNet = i;
            lastNet = i;
          }
        });
        if (firstNet >= 0) this.talk(this.outer, pkt, firstNet, bytes);
        if (lastNet >= 0 && pkt.layers[lastNet]!.depth > 0) this.talk(this.inner, pkt, lastNet, bytes);
      });
    }
    this.onProgress();
    if (this.counted < capture.frameCount) this.run();
  }

  private talk(map: Map<string, Talker>, pkt: ReturnType<typeof dissect>, layer: number, bytes: number): void {
    const l = pkt.layers[layer]!;
    const e = this.store.registry.dissector(l.proto)?.endpoints?.(pkt, l);
    if (!e) return;
    const [a, b] = e[0] <= e[1] ? e : [e[1], e[0]];
    const key = `${a} ${b}`;
    let t = map.get(key);
    if (!t) map.set(key, (t = { a: safeText(a), b: safeText(b), packets: 0, bytes: 0 }));
    t.packets++;
    t.bytes += bytes;
  }

  model(top = 10): StatsModel {
    const hierarchy: HierarchyNode[] = [];
    const walk = (n: Node, depth: number): void => {
      const kids = [...n.children.values()].sort((x, y) => y.packets - x.packets);
      for (const k of kids) {
        hierarchy.push({ name: k.name, depth, packets: k.packets, bytes: k.bytes });
        walk(k, depth + 1);
      }
    };
    walk(this.root, 0);
    const best = (m: Map<string, Talker>): Talker[] => [...m.values()].sort((x, y) => y.packets - x.packets || y.bytes - x.bytes).slice(0, top);
    const count = this.store.count;
    if (this.rate?.count !== count) this.rate = { count, series: rateSeries(this.store.capture.index, count) };
    return {
      counted: this.counted,
      total: count,
      rate: this.rate.series,
      hierarchy,
      outer: best(this.outer),
      inner: best(this.inner),
    };
  }
}
