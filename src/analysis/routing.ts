// Routing judgements shared by the misroute and missing-route rules: which forwarded pod
// packets left through the uplink, and which pod prefixes were never heard from.
import { cidrKey, parseAddr, prefixOf, type Addr, type Cidr } from './addr.js';
import type { AnalysisModels } from './alerts/types.js';
import { answeredPairs, type Flow, type FlowList } from './flows.js';
import type { HopPath } from './hops.js';
import { lookupRoute } from './options.js';

export interface Misroute {
  src: string;
  dst: string;
  ingress: string;
  egress: string;
  prefix: Cidr;
  packets: number;
  /** Ingress and egress frames of the first pairs. */
  frames: number[];
  paths: HopPath[];
  /** The routing table was given and its best match for the destination is the default route. */
  confirmed: boolean;
  /** Something came back for the misrouted packets' flows (the default route got them there after all). */
  answered: boolean;
}

/**
 * Forwarded (routed) plain packets for a pod destination that entered on one interface and
 * left through the uplink. With --ip-route, a packet whose destination has a specific route
 * elsewhere is not counted (the table says it should not have gone there: another problem).
 */
export function findMisroutes(m: AnalysisModels): Misroute[] {
  const uplink = m.view.uplink;
  // Pod traffic leaving a node through its default route is how native routing with routers
  // that know the pod CIDRs works: only a router's default route is a misroute.
  if (uplink === undefined || (m.vantage.host !== 'router' && m.vantage.host !== 'unknown')) return [];
  const answered = answeredPairs(m.flows);
  const groups = new Map<string, Misroute>();
  for (const p of m.hops.paths) {
    if (p.kind !== 'routed' || p.encapsulated || p.egress !== uplink || p.ingress === uplink) continue;
    const dst = parseAddr(p.dst);
    if (dst === undefined || !m.view.isPod(dst)) continue;
    let confirmed = false;
    if (m.options.routes.length > 0) {
      // The table decides: a specific route for the destination is not the default route.
      const r = lookupRoute(m.options.routes, dst);
      if (r?.prefix !== undefined) continue;
      confirmed = true;
    }
    const key = `${p.src}|${p.dst}|${p.ingress}|${p.egress}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        src: p.src,
        dst: p.dst,
        ingress: p.ingress,
        egress: p.egress,
        prefix: m.view.nodePrefix(dst),
        packets: 0,
        frames: [],
        paths: [],
        confirmed,
        answered: answered.hasText(p.src, p.dst),
      };
      groups.set(key, g);
    }
    g.packets += p.packets;
    g.paths.push(p);
    for (const [a, b] of p.examples) if (g.frames.length < m.options.evidenceFrames) g.frames.push(a, b);
  }
  return [...groups.values()];
}

/** Node prefixes (a /24 or /64) that some packet came from: a pod there is alive and reachable back. */
export class HeardFrom {
  private readonly bases = new Set<Addr>();

  constructor(flows: FlowList) {
    for (let id = 0; id < flows.length; id++) {
      const f = flows.flow(id);
      if (f.packetsOf(0) > 0) this.bases.add(nodeBase(f.srcAddr));
      if (f.packetsOf(1) > 0) this.bases.add(nodeBase(f.dstAddr));
    }
  }

  has(prefix: Cidr): boolean {
    return prefix.bits === (prefix.v6 ? 64 : 24) && this.bases.has(prefix.base);
  }
}

const nodeBase = (a: Addr): Addr => prefixOf(a, typeof a === 'number' ? 24 : 64).base;

export interface SilentPrefix {
  prefix: Cidr;
  flows: Flow[];
}

/** Pod prefixes that unanswered flows went to and from which nothing ever came back. */
export function silentPodPrefixes(m: AnalysisModels): SilentPrefix[] {
  if (m.view.podCidrs.length === 0) return [];
  let heard: HeardFrom | undefined;
  const out = new Map<string, SilentPrefix>();
  for (let id = 0; id < m.flows.length; id++) {
    const f = m.flows.flow(id);
    // A tunnelled flow's packets carry node addresses outside: a pod route is not what it needs.
    if (!f.unanswered || f.tunnelled) continue;
    const dst = f.dstAddr;
    if (!m.view.isPod(dst)) continue;
    const prefix = m.view.nodePrefix(dst);
    const key = cidrKey(prefix);
    heard ??= new HeardFrom(m.flows);
    if (heard.has(prefix)) continue;
    const s = out.get(key) ?? { prefix, flows: [] };
    s.flows.push(f);
    out.set(key, s);
  }
  return [...out.values()];
}

export type { Addr };
