// tcp.stream, udp.stream, relative sequence numbers, the window scale and TCP analysis depend on
// every earlier packet, but the list and the detail tree dissect one packet at a time. This runs
// the pass in capture order that -V makes, in short slices while the UI is otherwise idle, as
// far as the packets being looked at; it keeps each frame's annotations as two numbers per TCP
// or UDP layer, and gives them back to a packet dissected alone.
import type { Capture } from '../capture/capture.js';
import { ConversationTracker, type Conv } from '../dissect/conversations.js';
import { dissect } from '../dissect/dissect.js';
import { frameMeta, frameMetaInto } from '../dissect/frame-meta.js';
import type { Registry } from '../dissect/registry.js';
import type { Packet } from '../dissect/types.js';
import { grown } from '../util/grown.js';
import { windowEnd } from './filter-job.js';

// A record's info word: the layer's position, what it is, and the TCP annotations that vary by segment.
const LAYER = 0xff;
const TCP = 1 << 8;
const SIDE = 1 << 9;
const RETRANSMISSION = 1 << 10;
const DUPLICATE_ACK = 1 << 11;
const FORWARDING_COPY = 1 << 12;
/** The other side's base was known when the segment was seen (TcpConv.ackBase is 0 before). */
const ACK_BASE = 1 << 13;
/** Bits 16-23: the window scale's exponent plus one, 0 for unknown (-1). */
const SCALE_SHIFT = 16;

/** Milliseconds of work a slice: a key waits at most about this long while the pass runs. */
const SLICE_MS = 8;
/** Frames read at once: a read window of small frames (4 MB, 20,000 of them) took 60-90 ms to annotate. */
const SCAN_FRAMES = 1024;
/** How long the pass waits while something else (a filter, a search) has the event loop's slices. */
const BUSY_WAIT_MS = 20;

/** `a`, or a copy twice as long when it has no room for `size` values. */
const roomFor = <T extends Uint32Array | Int32Array>(a: T, size: number): T => (size <= a.length ? a : grown(a, Math.max(size, 2 * a.length)));

export class StreamState {
  private readonly tracker = new ConversationTracker();
  /** Frames [0, covered) have been annotated: frame pos's records are firstRecord[pos] up to firstRecord[pos + 1]. */
  private covered = 0;
  private firstRecord = new Uint32Array(1024);
  private streams = new Int32Array(1024);
  private infos = new Uint32Array(1024);
  private records = 0;
  /** Frames the views have asked for: the pass goes on until it has annotated this many. */
  private wanted = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private scheduled = false;
  private stopped = false;

  /**
   * `onCovered(from, to)`: frames [from, to) now have their annotations (what the views cached
   * of them is stale). `busy()`: another job runs in slices, and the pass waits for it.
   */
  constructor(
    private readonly capture: Capture,
    private readonly registry: Registry,
    private readonly ifnames: ReadonlyMap<number, string>,
    private readonly onCovered: (from: number, to: number) => void,
    private readonly busy: () => boolean = () => false,
  ) {}

  /** Frames annotated so far. */
  get coveredFrames(): number {
    return this.covered;
  }

  /** Whether the pass is working towards frames the views asked for. */
  get running(): boolean {
    return !this.stopped && this.covered < Math.min(this.wanted, this.capture.frameCount);
  }

  /** Share of the frames asked for that the pass has annotated. */
  get fraction(): number {
    const goal = Math.min(this.wanted, this.capture.frameCount);
    return goal === 0 ? 1 : Math.min(1, this.covered / goal);
  }

  /**
   * Gives the packet at capture position `pos` (dissected alone, with this registry) its stream
   * state. False when the pass has not reached it (want() sends it there; onCovered says when).
   */
  annotate(pos: number, pkt: Packet): boolean {
    if (pos >= this.covered) return false;
    const layers = pkt.layers;
    for (let r = this.firstRecord[pos]!; r < this.firstRecord[pos + 1]!; r++) {
      const info = this.infos[r]!;
      const layer = layers[info & LAYER];
      const tcp = (info & TCP) !== 0;
      if (!layer || layer.proto !== (tcp ? 'tcp' : 'udp')) continue;
      layer.conv = tcp ? this.tcpConv(this.streams[r]!, info) : { kind: 'udp', stream: this.streams[r]! };
    }
    return true;
  }

  private tcpConv(stream: number, info: number): Conv {
    const side = (info & SIDE) !== 0 ? 1 : 0;
    const scale = (info >>> SCALE_SHIFT) & 0xff;
    return {
      kind: 'tcp',
      stream,
      side,
      // Bases never change once set, and each is set by the time a segment uses it.
      seqBase: this.tracker.tcpBase(stream, side) ?? 0,
      ackBase: info & ACK_BASE ? (this.tracker.tcpBase(stream, side === 0 ? 1 : 0) ?? 0) : 0,
      windowScale: scale === 0 ? -1 : 2 ** (scale - 1),
      retransmission: (info & RETRANSMISSION) !== 0,
      duplicateAck: (info & DUPLICATE_ACK) !== 0,
      forwardingCopy: (info & FORWARDING_COPY) !== 0,
    };
  }

  /** The pass goes on until frame count - 1 is annotated (as the capture loads, when it is not indexed yet). */
  want(count: number): void {
    if (count > this.wanted) this.wanted = count;
    this.schedule();
  }

  /** More frames were indexed: a pass waiting for them goes on. */
  grew(): void {
    if (this.covered < this.wanted) this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.scheduled || this.stopped || this.covered >= Math.min(this.wanted, this.capture.frameCount)) return;
    this.scheduled = true;
    const run = (): void => {
      this.scheduled = false;
      this.timer = undefined;
      this.step();
    };
    // A timer, not setImmediate: a key's render, queued with setImmediate while a slice ran, goes before the next slice.
    this.timer = setTimeout(run, this.busy() ? BUSY_WAIT_MS : 0);
  }

  private step(): void {
    if (this.stopped) return;
    if (this.busy()) return this.schedule();
    const capture = this.capture;
    const end = Math.min(this.wanted, capture.frameCount);
    if (this.covered >= end) return;
    const from = this.covered;
    const deadline = performance.now() + SLICE_MS;
    const meta = frameMeta(capture, from, this.ifnames);
    while (this.covered < end) {
      const to = Math.min(windowEnd(capture.index, this.covered, capture.frameCount), end, this.covered + SCAN_FRAMES);
      capture.scan(this.covered, to, (pos, data) => {
        const pkt = dissect(data, frameMetaInto(meta, capture, pos, this.ifnames), this.registry);
        this.tracker.annotate(pkt);
        this.record(pos, pkt);
      });
      if (performance.now() >= deadline) break;
    }
    this.onCovered(from, this.covered);
    this.schedule();
  }

  private record(pos: number, pkt: Packet): void {
    const layers = pkt.layers;
    for (let i = 0; i < layers.length && i <= LAYER; i++) {
      const conv = layers[i]!.conv;
      if (!conv) continue;
      let info = i;
      if (conv.kind === 'tcp') {
        info |= TCP;
        if (conv.side === 1) info |= SIDE;
        if (conv.retransmission) info |= RETRANSMISSION;
        if (conv.duplicateAck) info |= DUPLICATE_ACK;
        if (conv.forwardingCopy) info |= FORWARDING_COPY;
        if (this.tracker.tcpBase(conv.stream, conv.side === 0 ? 1 : 0) !== undefined) info |= ACK_BASE;
        info |= (conv.windowScale < 0 ? 0 : Math.log2(conv.windowScale) + 1) << SCALE_SHIFT;
      }
      const r = this.records++;
      this.streams = roomFor(this.streams, r + 1);
      this.infos = roomFor(this.infos, r + 1);
      this.streams[r] = conv.stream;
      this.infos[r] = info >>> 0;
    }
    this.firstRecord = roomFor(this.firstRecord, pos + 2);
    this.firstRecord[pos + 1] = this.records;
    this.covered = pos + 1;
  }
}
