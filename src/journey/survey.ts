// The journey's first pass over one capture, frame by frame as sighting rows: which addresses
// are pods (tunnels' inner addresses, pod interfaces' traffic and ARP), what the host is (a
// node, a router, a plain host), a bounded sample of packet keys with their times for the
// clock estimate, and how far its time stamps step backwards.
import { Direction, LinkType } from '../capture/types.js';
import type { Addr } from '../analysis/addr.js';
import { EncapWatch } from './encap-watch.js';
import type { JourneyCapture } from './engine.js';
import { KeySample, type Capturing, type PodAddresses } from './readers.js';
import {
  ARP_SENDER,
  ARP_TARGET,
  FLAGS,
  F_ARP,
  F_BEYOND_UDP,
  F_DECAPSULATED,
  F_ICMP_ERROR,
  F_INNER,
  DST_MAC,
  KEY,
  RAW_DIRECTION,
  SRC_MAC,
  TIME,
  TTL,
  dstOf,
  ifaceOf,
  outerSrcOf,
  srcOf,
} from './sighting-rows.js';

export class CaptureSurvey {
  readonly sample: KeySample;
  /** The largest step back in time between consecutive frames. */
  backwards = 0;
  private latest = -Infinity;
  private nodeLike = false;
  private forwards = false;
  private readonly recentIn = new Map<number, string>();
  private readonly vteps = new Set<Addr>();
  private readonly encap: EncapWatch;
  private readonly input: JourneyCapture;

  constructor(
    private readonly reader: Capturing,
    private readonly pods: PodAddresses,
    clockSamples: number,
  ) {
    this.input = reader.input;
    this.sample = new KeySample(clockSamples);
    this.encap = new EncapWatch(this.input.host);
  }

  /** One frame: the row at `at` (its time on the capture's own clock). */
  see(rows: Float64Array, at: number, strings: readonly string[]): void {
    const host = this.input.host;
    const flags = rows[at + FLAGS]!;
    const t = rows[at + TIME]!;
    if (t < this.latest) this.backwards = Math.max(this.backwards, this.latest - t);
    else this.latest = t;
    if ((flags & F_BEYOND_UDP) !== 0 && !host.capturesBeyondUdp) host.capturesBeyondUdp = true;
    const iface = ifaceOf(rows, at, strings);
    const dir = this.reader.directionOf(rows[at + RAW_DIRECTION]! as Direction, iface, rows[at + SRC_MAC]!, rows[at + DST_MAC]!);
    const inner = (flags & F_INNER) !== 0;
    const decapsulated = (flags & F_DECAPSULATED) !== 0;
    if (inner && decapsulated) {
      this.pods.add(srcOf(rows, at, strings));
      this.pods.add(dstOf(rows, at, strings));
      // A host that sends tunnel packets and does not forward them is a tunnel end: the outer
      // source is its VTEP address. (What it receives proves nothing: a router receives too.)
      if (this.vteps.size < 1000 && dir === Direction.Outbound) this.vteps.add(outerSrcOf(rows, at, strings));
    } else if (inner && host.role(iface) === 'pod') {
      const pod = dir === Direction.Inbound ? srcOf(rows, at, strings) : dir === Direction.Outbound ? dstOf(rows, at, strings) : undefined;
      if (pod !== undefined) this.addPod(pod);
    }
    const role = host.role(iface);
    // ARP on a pod interface names the pod behind it.
    if (role === 'pod' && (flags & F_ARP) !== 0) {
      for (const a of [rows[at + ARP_SENDER]!, rows[at + ARP_TARGET]!]) if (a !== 0) this.addPod(a);
    }
    if (role === 'pod' || role === 'tunnel') this.nodeLike = true;
    if (!inner || (flags & F_ICMP_ERROR) !== 0) return;
    const key = rows[at + KEY]!;
    this.sample.add(key, t, dir === Direction.Inbound, dir === Direction.Outbound, rows[at + TTL]!);
    if (iface !== undefined && this.encap.see(key, iface, dir, decapsulated)) this.nodeLike = true;
    if (iface !== undefined && role === 'other') {
      // The same packet in on one interface and out on another: this host forwards.
      if (dir === Direction.Inbound) {
        if (this.recentIn.size > 10_000) this.recentIn.clear();
        this.recentIn.set(key, iface);
      } else if (dir === Direction.Outbound) {
        const from = this.recentIn.get(key);
        if (from !== undefined && from !== iface) this.forwards = true;
      }
    }
  }

  /** What the frames seen say about the host; the sample is left for the clock estimate. */
  finish(): void {
    const host = this.input.host;
    const capture = this.input.capture;
    host.kind = this.nodeLike || host.routesToPods ? 'node' : this.forwards || host.routesBetweenSubnets ? 'router' : 'host';
    // The route table names the host's own addresses; without it, a host that does not forward
    // is the end of the tunnels it sends and receives.
    if (host.kind !== 'router' && host.routes.length === 0) for (const a of this.vteps) host.addLocal(a);
    // A cooked capture (-i any) or a pcapng with several interfaces sees a packet leave; one
    // Ethernet interface does not.
    const cooked = capture.interfaces.some((itf) => itf.linkType === LinkType.LINUX_SLL || itf.linkType === LinkType.LINUX_SLL2);
    const oneInterface = !cooked && capture.interfaces.length <= 1;
    if (capture.frameCount > 0) host.seenFrom(this.reader.time(0), this.reader.time(capture.frameCount - 1), oneInterface);
  }

  private addPod(a: Addr): void {
    this.pods.add(a);
    this.input.host.addPod(a);
  }
}
