// Who captured what: each capture is one host's view. What its interfaces are (a pod's veth,
// the tunnel device, the uplink, loopback) comes from their names, from `ip route` when the
// user saved it, and from the traffic; it decides how a journey's end is worded.
import type { Route } from '../analysis/options.js';
import { defaultRouteDev, lookupRoute } from '../analysis/options.js';
import { parseAddr, type Addr } from '../analysis/addr.js';

export type InterfaceRole = 'pod' | 'tunnel' | 'uplink' | 'loopback' | 'other';
export type HostKind = 'router' | 'node' | 'host';

const POD_VETH = /^(lxc|cali|veth|azv|eni|gke|vnet)/;
const TUNNEL_DEVICE = /^(cilium_vxlan|cilium_geneve|flannel\.|vxlan|genev_sys|geneve|tunl|tun|gre|ipip|wg|wireguard|cilium_wg|antrea-gw|ovn-k8s|nodelocal)/;

/** What an interface's name alone says it is, worked out once per name (roles are asked for every frame and hop). */
const nameClasses = new Map<string, 'pod' | 'tunnel' | 'other'>();

function nameClass(iface: string): 'pod' | 'tunnel' | 'other' {
  let c = nameClasses.get(iface);
  if (c === undefined) {
    c = POD_VETH.test(iface) ? 'pod' : TUNNEL_DEVICE.test(iface) ? 'tunnel' : 'other';
    if (nameClasses.size < 4096) nameClasses.set(iface, c);
  }
  return c;
}

export interface HostInput {
  /** The capture's name as the user gave it (`ctr=ctr.pcap` → "ctr"). */
  name: string;
  file: string;
  ifnames: ReadonlyMap<number, string>;
  routes: Route[];
  /** The addresses `ip route` names as this host's own (`src X` of connected routes). */
  localAddrs: Addr[];
}

/** One capture's host, as learnt from its files and its traffic. */
export class Host {
  readonly name: string;
  readonly routes: Route[];
  readonly uplink: string | undefined;
  private readonly local = new Set<Addr>();
  /** Addresses seen on this host's pod interfaces (bounded). */
  private readonly pods = new Set<Addr>();
  /** Interfaces that carried decapsulated copies of tunnel packets (tunnel devices without a telling name). */
  readonly tunnelSeen = new Set<string>();
  /** Interfaces where pod packets start or end their way through the host's tunnel (pod veths without a telling name). */
  readonly podSeen = new Set<string>();
  kind: HostKind = 'host';
  /** The capture's time span on its own clock, and whether it sees more than one interface. */
  private span: [number, number] = [-Infinity, Infinity];
  private oneInterface = false;
  /** Its capture's last frame (its own clock), before runsUntil stretches the span. */
  private lastFrame = Infinity;
  /** Its own packets were seen by other captures after its last frame: its capture stopped there. */
  private stoppedEarly = false;

  constructor(input: HostInput) {
    this.name = input.name;
    this.routes = input.routes;
    this.uplink = defaultRouteDev(input.routes);
    for (const a of input.localAddrs) this.local.add(a);
  }

  isLocal(a: Addr): boolean {
    return this.local.has(a);
  }

  /** Whether any address of this host is known (its route table, or the VTEP it sends from). */
  get knowsOwnAddresses(): boolean {
    return this.local.size > 0;
  }

  /** Its IPv4 addresses known so far. */
  get localV4(): number[] {
    return [...this.local].filter((a): a is number => typeof a === 'number');
  }

  addLocal(a: Addr): void {
    this.local.add(a);
  }

  seenFrom(first: number, last: number, oneInterface: boolean): void {
    this.span = [first, last];
    this.lastFrame = last;
    this.oneInterface = oneInterface;
  }

  /** The time (reference clock) after which this host's packets seen elsewhere show its capture stopped early. */
  get lastFrameReference(): number {
    return this.lastFrame - this.clockOffset;
  }

  /** Another capture saw a packet from this host after this host's own last frame. */
  sentAfterLastFrame(): void {
    this.stoppedEarly = true;
  }

  /** Whether its capture is known to have stopped before the host did (sentAfterLastFrame). */
  get stoppedCapturing(): boolean {
    return this.stoppedEarly;
  }

  /** Whether a packet arriving `margin` after `time` (reference clock) came after its capture had stopped early. */
  stoppedBefore(time: number, margin: number): boolean {
    return this.stoppedEarly && time + this.clockOffset + margin > this.lastFrame;
  }

  /**
   * Captures taken together are stopped together: a quiet host's capture (no frame for a
   * while) is taken to run until the last frame of any capture, on the reference clock, unless
   * its own packets show up elsewhere after its last frame (stoppedBefore). Not so for the
   * start: captures started by hand start seconds apart.
   */
  runsUntil(referenceEnd: number): void {
    this.span[1] = Math.max(this.span[1], referenceEnd + this.clockOffset);
  }

  /** Whether the capture's first frame comes after `time` (reference clock). */
  startsAfter(time: number): boolean {
    return time + this.clockOffset < this.span[0];
  }

  /**
   * A packet seen handed from this host to one of its pods (out of a pod's veth): its datapath
   * shows deliveries, so one that never shows means something. (Some datapaths hand packets to
   * the pod past the veth's host side, where no capture on the host sees them.)
   */
  handsToPodsVisibly = false;

  /** The largest tunnel packet this host sent, per tunnel: by outer source, then destination. */
  private readonly tunnelSent = new Map<Addr, Map<Addr, number>>();
  private tunnels = 0;

  sentInTunnel(outerSrc: Addr, outerDst: Addr, length: number): void {
    let bySrc = this.tunnelSent.get(outerSrc);
    const had = bySrc?.get(outerDst);
    if (had === undefined && this.tunnels >= 4096) return;
    if (had !== undefined && length <= had) return;
    if (bySrc === undefined) this.tunnelSent.set(outerSrc, (bySrc = new Map()));
    if (had === undefined) this.tunnels++;
    bySrc.set(outerDst, length);
  }

  /** The largest packet of this tunnel the host was seen sending, undefined for none. */
  largestSentInTunnel(outerSrc: Addr, outerDst: Addr): number | undefined {
    return this.tunnelSent.get(outerSrc)?.get(outerDst);
  }

  /**
   * The capture holds something besides UDP (ARP, ICMP, TCP): no capture filter such as `udp`
   * or `port 8472` kept only the tunnel packets, so decapsulated packets would show.
   */
  capturesBeyondUdp = false;

  /** Seconds this capture's clock is ahead of the reference clock. */
  clockOffset = 0;

  /** Whether the capture was running at `time` (reference clock) and `margin` seconds after. */
  capturing(time: number, margin: number): boolean {
    const own = time + this.clockOffset;
    return own >= this.span[0] && own + margin <= this.span[1];
  }

  /** A capture of a single interface cannot see a packet leave by another one. */
  get seesOneInterface(): boolean {
    return this.oneInterface;
  }

  addPod(a: Addr): void {
    if (this.pods.size < 100_000) this.pods.add(a);
  }

  role(iface: string | undefined): InterfaceRole {
    if (iface === undefined) return 'other';
    if (iface === 'lo') return 'loopback';
    if (this.uplink !== undefined && iface === this.uplink) return 'uplink';
    const byName = nameClass(iface);
    if (byName === 'pod') return 'pod';
    if (byName === 'tunnel' || this.tunnelSeen.has(iface)) return 'tunnel';
    if (this.podSeen.has(iface)) return 'pod';
    return 'other';
  }

  /** The interface the route table sends `a` to, when the table was given. */
  routeDev(a: Addr): string | undefined {
    return this.routes.length ? lookupRoute(this.routes, a)?.dev : undefined;
  }

  /** The route table sends something to a pod veth or a tunnel device: a Kubernetes node. */
  get routesToPods(): boolean {
    return this.routes.some((r) => r.dev !== undefined && (this.role(r.dev) === 'pod' || this.role(r.dev) === 'tunnel'));
  }

  /** The route table joins two or more subnets on different interfaces besides the uplink: a router. */
  get routesBetweenSubnets(): boolean {
    const devs = new Set(
      this.routes
        .filter((r) => r.prefix !== undefined && r.via === undefined && r.dev !== undefined && r.dev !== this.uplink && r.dev !== 'lo')
        .map((r) => r.dev),
    );
    return devs.size >= 2;
  }

  /**
   * The route that drops what this host forwards to `a` (blackhole, unreachable, prohibit,
   * throw), when that is the route `a` takes. A dropping default route is not taken for one:
   * it would match either address family.
   */
  rejectingRoute(a: Addr): Route | undefined {
    const route = this.routes.length ? lookupRoute(this.routes, a) : undefined;
    return route?.reject !== undefined && route.prefix !== undefined ? route : undefined;
  }

  /** The gateway the route table sends `a` to, when it names one. */
  routeVia(a: Addr): Addr | undefined {
    return this.routes.length ? lookupRoute(this.routes, a)?.via : undefined;
  }

  /** Whether the pod with address `a` lives here: seen on a pod interface, or routed to one. */
  hostsPod(a: Addr): boolean {
    if (this.pods.has(a)) return true;
    const dev = this.routeDev(a);
    return dev !== undefined && this.role(dev) === 'pod';
  }

  /** "router", "node ctr": how alert and verdict texts name it. */
  get label(): string {
    return this.kind === 'host' || this.name.toLowerCase().includes(this.kind) ? this.name : `${this.kind} ${this.name}`;
  }
}

/** `src 192.168.10.200` of every connected route: the addresses this host owns. */
export function localAddrsFromRouteText(text: string): Addr[] {
  const out: Addr[] = [];
  for (const m of text.matchAll(/\bsrc\s+(\S+)/g)) {
    const a = parseAddr(m[1]!);
    if (a !== undefined && !out.includes(a)) out.push(a);
  }
  return out;
}
