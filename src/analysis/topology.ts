// Topology learned from the capture: which address is at which MAC and behind which interface
// (ARP, and packets that still carry an initial TTL, i.e. were sent by a direct neighbour),
// which pod subnets live behind which node or VTEP, the cluster's pod range, and which
// interface is the uplink. What the user says (--pod-cidr, --uplink, --ip-route) wins over
// anything inferred, and every inference says what it was inferred from.
import { Direction } from '../capture/types.js';
import { rd16 } from '../dissect/field-helpers.js';
import type { Packet } from '../dissect/types.js';
import { msg } from '../errors.js';
import {
  cidrKey,
  cidrText,
  contains,
  defaultNodeBits,
  formatAddr,
  formatMacNumber,
  isInitialTtl,
  isPrivate,
  isUnicast,
  macNumber,
  parseAddr,
  prefixOf,
  v4At,
  type Addr,
  type AddrPairSet,
  type Cidr,
} from './addr.js';
import type { Facts } from './facts.js';
import { answeredPairs, type FlowList } from './flows.js';
import type { Hops } from './hops.js';
import { defaultRouteDev, type ResolvedOptions } from './options.js';
import type { Collector } from './pass.js';

export type Source = 'option' | 'context' | 'ip-route' | 'arp' | 'traffic' | 'tunnel' | 'inferred';

export interface Neighbor {
  ip: string;
  mac: string;
  /** Interface it was seen on ("" when the capture does not name interfaces). */
  iface: string;
  source: 'arp' | 'traffic';
  /** An address of the capturing host itself (it sent ARP or packets from it). */
  own: boolean;
}

export interface TopologyInterface {
  name: string;
  addresses: string[];
  attached: { prefix: string; source: Source }[];
}

export interface PodSubnet {
  prefix: string;
  /** The node (underlay address) the subnet lives behind. */
  nodes: string[];
  via: 'tunnel' | 'native';
}

export interface Topology {
  interfaces: TopologyInterface[];
  neighbors: Neighbor[];
  podCidrs: { prefix: string; source: Source }[];
  podSubnets: PodSubnet[];
  uplink?: { name: string; source: Source; reason: string };
}

/** What the alert rules ask of the topology. */
export interface TopologyView {
  readonly podCidrs: readonly Cidr[];
  readonly uplink: string | undefined;
  readonly uplinkSource: Source | undefined;
  /** In the pod range (given, or inferred); without any, a private address on no attached subnet. */
  isPod(a: Addr): boolean;
  /** On a subnet attached to one of the capturing host's interfaces. */
  isAttached(a: Addr): boolean;
  /** The per-node pod prefix an address belongs to (a /24 or /64). */
  nodePrefix(a: Addr): Cidr;
  /** The node that hosts a pod prefix, when the capture reveals it. */
  nodeFor(prefix: Cidr): string | undefined;
}

interface NeighborState {
  addr: Addr;
  mac: number;
  iface: string;
  source: 'arp' | 'traffic';
  own: boolean;
}

interface Via {
  via: Addr;
  packets: number;
}

interface Behind {
  prefix: Cidr;
  /** Underlay addresses (or MACs, for native) that delivered the prefix, with packet counts. */
  via: Via[];
}

const MAX_NEIGHBORS = 65536;
const MAX_PREFIXES = 65536;

export class TopologyCollector implements Collector {
  private readonly neighbors = new Map<Addr, NeighborState>();
  private readonly ifaces: string[] = [];
  private lastIface: string | undefined = undefined;
  /** Inner source prefix -> VTEPs (outer source addresses) that carried it. */
  private readonly behindVtep = new Map<Addr, Behind>();
  /** Routed (non-initial TTL) plain sources: prefix -> the MACs that delivered them. */
  private readonly behindMac = new Map<Addr, Behind>();
  /** Inner addresses' wider ranges (a /16 or /48), for inferring the pod range. */
  private readonly innerRanges = new Map<Addr, Cidr>();

  packet(f: Facts, pkt: Packet): void {
    const iface = f.iface ?? '';
    if (iface !== this.lastIface) {
      this.lastIface = iface;
      if (iface !== '' && !this.ifaces.includes(iface)) this.ifaces.push(iface);
    }
    if (f.arp >= 0) this.arp(f, pkt, iface);
    const ip = f.outer;
    if (!ip.present || f.copyOf !== 0) return;
    if (isInitialTtl(ip.ttl) && f.srcMac !== 0 && isUnicast(ip.src)) {
      const own = f.direction === Direction.Outbound;
      const n = this.neighbors.get(ip.src);
      if (n === undefined) this.learn(ip.src, f.srcMac, iface, 'traffic', own);
      else if (own) n.own = true;
    } else if (f.tunnel < 0 && !isInitialTtl(ip.ttl) && f.direction !== Direction.Outbound && f.srcMac !== 0 && isUnicast(ip.src)) {
      this.behind(this.behindMac, ip.src, f.srcMac);
    }
    if (f.tunnel >= 0 && f.inner !== f.outer && f.inner.present && isUnicast(f.inner.src)) {
      this.behind(this.behindVtep, f.inner.src, ip.src);
      const wide = typeof f.inner.src === 'number' ? f.inner.src >>> 16 : f.inner.src.slice(0, 12);
      if (!this.innerRanges.has(wide) && this.innerRanges.size < MAX_PREFIXES)
        this.innerRanges.set(wide, prefixOf(f.inner.src, typeof f.inner.src === 'number' ? 16 : 48));
    }
  }

  private behind(map: Map<Addr, Behind>, src: Addr, via: Addr): void {
    const key = typeof src === 'number' ? src >>> 8 : src.slice(0, 16);
    let b = map.get(key);
    if (b === undefined) {
      if (map.size >= MAX_PREFIXES) return;
      map.set(key, (b = { prefix: prefixOf(src, defaultNodeBits(src)), via: [] }));
    }
    const list = b.via;
    for (let i = 0; i < list.length; i++) {
      if (list[i]!.via === via) {
        list[i]!.packets++;
        return;
      }
    }
    if (list.length < 16) list.push({ via, packets: 1 });
  }

  private learn(addr: Addr, mac: number, iface: string, source: 'arp' | 'traffic', own: boolean): void {
    if (this.neighbors.size >= MAX_NEIGHBORS) return;
    this.neighbors.set(addr, { addr, mac, iface, source, own });
  }

  private arp(f: Facts, pkt: Packet, iface: string): void {
    const l = pkt.layers[f.arp]!;
    const d = pkt.data;
    if (l.depth > 0 || l.payload - l.start < 28) return;
    if (rd16(d, l.start + 2) !== 0x0800 || d[l.start + 4] !== 6 || d[l.start + 5] !== 4) return;
    const op = rd16(d, l.start + 6);
    const sender = v4At(d, l.start + 14);
    const mac = macNumber(d, l.start + 8);
    if (sender === 0 || mac === 0) return;
    const own = f.direction === Direction.Outbound;
    const n = this.neighbors.get(sender);
    if (n === undefined || n.source !== 'arp') this.learn(sender, mac, iface, 'arp', own || (n?.own ?? false));
    else if (own) n.own = true;
    // A reply also says the asker is on this link.
    if (op === 2) {
      const target = v4At(d, l.start + 24);
      const tmac = macNumber(d, l.start + 18);
      if (target !== 0 && tmac !== 0 && !this.neighbors.has(target)) this.learn(target, tmac, iface, 'arp', false);
    }
  }

  finish(opts: ResolvedOptions, hops: Hops, flows: FlowList): { topology: Topology; view: TopologyView } {
    return buildTopology(this, opts, hops, flows);
  }

  /** @internal */ get state() {
    return { neighbors: this.neighbors, ifaces: this.ifaces, behindVtep: this.behindVtep, behindMac: this.behindMac, innerRanges: this.innerRanges };
  }
}

function buildTopology(c: TopologyCollector, opts: ResolvedOptions, hops: Hops, flows: FlowList): { topology: Topology; view: TopologyView } {
  const st = c.state;
  // Subnets on the capturing host's links: from the routing table, else around each neighbour.
  const attached = new Map<string, { iface: string; prefix: Cidr; source: Source }>();
  const attach = (iface: string, prefix: Cidr, source: Source): void => {
    const k = `${iface}|${cidrKey(prefix)}`;
    if (!attached.has(k)) attached.set(k, { iface, prefix, source });
  };
  for (const r of opts.routes) if (r.prefix && r.dev !== undefined && r.via === undefined && !r.reject) attach(r.dev, r.prefix, 'ip-route');
  for (const n of st.neighbors.values()) attach(n.iface, prefixOf(n.addr, defaultNodeBits(n.addr)), n.source);
  const attachedList = [...attached.values()];
  const isAttached = (a: Addr): boolean => attachedList.some((x) => contains(x.prefix, a));

  // The pod range: given, else the wide ranges of tunnelled inner addresses, else pod-looking
  // pairs of plain flows (private, same /16, different /24, neither on an attached subnet).
  let podCidrs: { prefix: Cidr; source: Source }[] = opts.podCidrs.map((p) => ({ prefix: p, source: opts.podCidrSource ?? 'option' }));
  if (podCidrs.length === 0) {
    const found = new Map<string, Cidr>();
    for (const r of st.innerRanges.values()) found.set(cidrKey(r), r);
    for (let id = 0; id < flows.length; id++) {
      const f = flows.flow(id);
      if (f.tunnelled || f.family !== 4) continue;
      const a = f.srcAddr as number;
      const b = f.dstAddr as number;
      if (!isPrivate(a) || !isPrivate(b) || !isUnicast(a) || !isUnicast(b)) continue;
      if (a >>> 16 !== b >>> 16 || a >>> 8 === b >>> 8 || isAttached(a) || isAttached(b)) continue;
      const r = prefixOf(a, 16);
      found.set(cidrKey(r), r);
    }
    podCidrs = [...found.values()].map((p) => ({ prefix: p, source: 'inferred' }));
  }
  const pods = podCidrs.map((p) => p.prefix);

  // Pod subnets behind nodes: VTEPs that carried them, or the MAC that delivered them natively.
  const macOwner = new Map<number, Addr>();
  for (const n of st.neighbors.values()) if (!n.own && !macOwner.has(n.mac)) macOwner.set(n.mac, n.addr);
  const podSubnets: PodSubnet[] = [];
  const nodeOf = new Map<string, string>();
  for (const b of st.behindVtep.values()) {
    const nodes = b.via.map((v) => formatAddr(v.via));
    podSubnets.push({ prefix: cidrText(b.prefix), nodes, via: 'tunnel' });
    if (nodes.length === 1) nodeOf.set(cidrKey(b.prefix), nodes[0]!);
  }
  for (const b of st.behindMac.values()) {
    if (!pods.some((p) => contains(p, b.prefix.base)) || nodeOf.has(cidrKey(b.prefix))) continue;
    const nodes = [...new Set(b.via.map((v) => macOwner.get(v.via as number)).filter((a): a is Addr => a !== undefined))].map(formatAddr);
    if (nodes.length === 0) continue;
    podSubnets.push({ prefix: cidrText(b.prefix), nodes, via: 'native' });
    if (nodes.length === 1) nodeOf.set(cidrKey(b.prefix), nodes[0]!);
  }

  const isPod = (a: Addr): boolean => (pods.length > 0 ? pods.some((p) => contains(p, a)) : isPrivate(a) && isUnicast(a) && !isAttached(a));
  const uplink = findUplink(opts, hops, isAttached, st.neighbors.values(), flows);

  const interfaces: TopologyInterface[] = st.ifaces.map((name) => ({
    name,
    addresses: [...st.neighbors.values()].filter((n) => n.own && n.iface === name).map((n) => formatAddr(n.addr)),
    attached: attachedList.filter((x) => x.iface === name).map((x) => ({ prefix: cidrText(x.prefix), source: x.source })),
  }));
  const topology: Topology = {
    interfaces,
    neighbors: [...st.neighbors.values()].map((n) => ({ ip: formatAddr(n.addr), mac: formatMacNumber(n.mac), iface: n.iface, source: n.source, own: n.own })),
    podCidrs: podCidrs.map((p) => ({ prefix: cidrText(p.prefix), source: p.source })),
    podSubnets,
  };
  if (uplink) topology.uplink = uplink;
  const view: TopologyView = {
    podCidrs: pods,
    uplink: uplink?.name,
    uplinkSource: uplink?.source,
    isPod,
    isAttached,
    // The context knows each node's pod CIDR and address; the capture only suggests them.
    nodePrefix: (a) => opts.context?.podCidrOf(a)?.cidr ?? prefixOf(a, defaultNodeBits(a)),
    nodeFor: (p) => contextNodeAddress(opts, p) ?? nodeOf.get(cidrKey(p)),
  };
  return { topology, view };
}

/** The InternalIP of the node that owns a pod prefix, when the context says. */
function contextNodeAddress(opts: ResolvedOptions, p: Cidr): string | undefined {
  const ctx = opts.context;
  const node = ctx?.nodeForPrefix(p);
  const a = node === undefined ? undefined : ctx!.nodeAddress(node);
  return a === undefined ? undefined : formatAddr(a);
}

/**
 * The uplink: what the user said, else the routing table's default route (with a routing
 * table and no default route there is no uplink: the table is authoritative), else inferred
 * from the traffic. A forwarded packet for an address on no attached subnet votes for the
 * interface it left through, unless its flow was answered (a route that works is no sign of a
 * default route): one point per private destination /24, ten per public one; an interface with
 * a public neighbour (the internet side) gets five. Only a single best candidate is named.
 */
function findUplink(
  opts: ResolvedOptions,
  hops: Hops,
  isAttached: (a: Addr) => boolean,
  neighbors: Iterable<NeighborState>,
  flows: FlowList,
): Topology['uplink'] {
  if (opts.uplink !== undefined) return { name: opts.uplink, source: 'option', reason: msg.uplinkFromOption() };
  if (opts.routes.length > 0) {
    const dev = defaultRouteDev(opts.routes);
    return dev !== undefined ? { name: dev, source: 'ip-route', reason: msg.uplinkFromRoutes() } : undefined;
  }
  let answered: AddrPairSet | undefined;
  const score = new Map<string, { prefixes: Set<string>; points: number }>();
  const entry = (iface: string): { prefixes: Set<string>; points: number } => {
    let s = score.get(iface);
    if (!s) score.set(iface, (s = { prefixes: new Set(), points: 0 }));
    return s;
  };
  for (const p of hops.paths) {
    if (p.kind !== 'routed' || p.egress === '?' || p.egress === p.ingress) continue;
    const dst = parseAddr(p.dst);
    if (dst === undefined || !isUnicast(dst) || isAttached(dst)) continue;
    if (!p.encapsulated && (answered ??= answeredPairs(flows)).hasText(p.src, p.dst)) continue;
    if (p.encapsulated && isPrivate(dst)) continue;
    const key = cidrText(prefixOf(dst, defaultNodeBits(dst)));
    const s = entry(p.egress);
    if (!s.prefixes.has(key)) {
      s.prefixes.add(key);
      s.points += isPrivate(dst) ? 1 : 10;
    }
  }
  const publicSide = new Set<string>();
  for (const n of neighbors) if (n.iface !== '' && n.iface !== 'any' && isUnicast(n.addr) && !isPrivate(n.addr)) publicSide.add(n.iface);
  for (const iface of publicSide) if (score.has(iface)) entry(iface).points += 5;
  const ranked = [...score.entries()].filter((e) => e[1].prefixes.size > 0).sort((a, b) => b[1].points - a[1].points);
  const best = ranked[0];
  if (!best || (ranked[1] && ranked[1][1].points === best[1].points)) return undefined;
  return { name: best[0], source: 'inferred', reason: msg.uplinkInferred(best[0], [...best[1].prefixes]) };
}
