// What the user can tell the analysis that the capture cannot: the cluster's pod range, which
// interface is the uplink, the capturing host's routing table, interface names.
import type { IpLinkEntry } from '../capture/ip-link.js';
import { readTextInput } from '../capture/text-file.js';
import type { ClusterContext } from '../context/context.js';
import type { Registry } from '../dissect/registry.js';
import type { Packet } from '../dissect/types.js';
import { VxError, msg } from '../errors.js';
import { contains, parseAddr, parseCidr, type Addr, type Cidr } from './addr.js';

export interface Route {
  /** undefined for the default route. */
  prefix: Cidr | undefined;
  dev?: string;
  via?: Addr;
  /** A route that drops: its type (blackhole, unreachable, prohibit, throw). */
  reject?: string;
  /** The preferred source address ("src 192.168.10.200"): an address of the host itself. */
  src?: Addr;
  /** A lightweight-tunnel route ("encap ip id 10100 dst 192.168.20.100"): the remote VTEP. */
  encapDst?: Addr;
}

export interface AnalysisOptions {
  /** Dissector registry (decode-as rules live here); a default one is made when absent. */
  registry?: Registry;
  /** SLL2 interface index -> name (from --ip-link / --ifname). */
  ifnames?: ReadonlyMap<number, string>;
  /** Display filter: only packets it accepts feed the models. */
  filter?: (pkt: Packet) => boolean;
  /** The cluster's pod range(s), e.g. 172.20.0.0/16. From the context, else inferred from the capture, when absent. */
  podCidrs?: Cidr[];
  /** The Kubernetes/Cilium context: nodes' pod CIDRs and addresses, names for alerts. */
  context?: ClusterContext;
  /** Names in alert texts (default true with a context; --names off). */
  names?: boolean;
  /** The interface of the default route, when known. */
  uplink?: string;
  /** The capturing host's routing table (`ip route` output). */
  routes?: Route[];
  /** The capturing host's interfaces (`ip -o link` output): names, kinds, link types. */
  links?: IpLinkEntry[];
  /** Which node (VTEP address) hosts which pod CIDR (`--pod-cidr 192.168.20.100=172.20.2.0/24`). */
  podCidrOwners?: PodCidrOwner[];
  /** Seconds within which a forwarded copy must follow the copy it repeats. */
  hopWindow?: number;
  /** Frame numbers kept as evidence per flow, tunnel, hop path or alert. */
  evidenceFrames?: number;
  /** A request this close to the end of the capture is not yet "unanswered" (seconds). */
  answerGrace?: number;
  /** Bounds on memory: flows kept (more are counted, not kept), hop paths kept (more are pooled). */
  maxFlows?: number;
  maxHopPaths?: number;
  /** Alerts listed per rule; the rest are summed up in one more alert. */
  maxAlertsPerRule?: number;
}

/** What the user says of the capturing host (--ip-link, --ip-route, --pod-cidr, --uplink): plain data. */
export type HostOptions = Pick<AnalysisOptions, 'links' | 'routes' | 'podCidrs' | 'podCidrOwners' | 'uplink'>;

export interface PodCidrOwner {
  node: Addr;
  prefix: Cidr;
}

export interface ResolvedOptions {
  podCidrs: Cidr[];
  /** Where podCidrs came from: --pod-cidr, the context's nodes, or nothing (then inferred). */
  podCidrSource: 'option' | 'context' | undefined;
  context: ClusterContext | undefined;
  names: boolean;
  uplink: string | undefined;
  routes: Route[];
  links: IpLinkEntry[];
  podCidrOwners: PodCidrOwner[];
  hopWindow: number;
  evidenceFrames: number;
  answerGrace: number;
  maxFlows: number;
  maxHopPaths: number;
  maxAlertsPerRule: number;
}

export function resolveOptions(o: AnalysisOptions): ResolvedOptions {
  return {
    // What the user said wins; then the nodes' own pod CIDRs (spec.podCIDRs, CiliumNode IPAM).
    podCidrs: o.podCidrs ?? o.context?.podCidrs() ?? [],
    podCidrSource: o.podCidrs?.length ? 'option' : o.context?.podCidrs().length ? 'context' : undefined,
    context: o.context,
    names: o.context !== undefined && o.names !== false,
    uplink: o.uplink,
    routes: o.routes ?? [],
    links: o.links ?? [],
    podCidrOwners: o.podCidrOwners ?? [],
    hopWindow: o.hopWindow ?? 0.05,
    evidenceFrames: o.evidenceFrames ?? 10,
    answerGrace: o.answerGrace ?? 1,
    maxFlows: o.maxFlows ?? 500_000,
    maxHopPaths: o.maxHopPaths ?? 20_000,
    maxAlertsPerRule: o.maxAlertsPerRule ?? 50,
  };
}

/** `--pod-cidr 172.20.0.0/16` */
export function parsePodCidrOption(text: string): Cidr {
  const c = parseCidr(text);
  if (!c || !text.includes('/')) throw new VxError('usage', msg.badPodCidr(text));
  return c;
}

/** `--pod-cidr 172.20.0.0/16` or `--pod-cidr 192.168.20.100=172.20.2.0/24` (the node that hosts it). */
export function parsePodCidrArg(text: string): { prefix: Cidr; node?: Addr } {
  const eq = text.indexOf('=');
  if (eq < 0) return { prefix: parsePodCidrOption(text) };
  const node = parseAddr(text.slice(0, eq).trim());
  if (node === undefined) throw new VxError('usage', msg.badPodCidr(text));
  return { prefix: parsePodCidrOption(text.slice(eq + 1).trim()), node };
}

const REJECT = new Set(['blackhole', 'unreachable', 'prohibit', 'throw']);
/** Route types whose lines are not forwarding routes (from `ip route show table all`). */
const SKIP = new Set(['local', 'broadcast', 'multicast', 'anycast', 'nat']);

function routeFromWords(words: string[]): Route | undefined {
  let i = 0;
  let reject: string | undefined;
  if (SKIP.has(words[0] ?? '')) return undefined;
  if (REJECT.has(words[0] ?? '')) {
    reject = words[0];
    i++;
  }
  const dst = words[i];
  if (dst === undefined) return undefined;
  let prefix: Cidr | undefined;
  if (dst !== 'default') {
    prefix = parseCidr(dst);
    if (!prefix) return undefined;
    // "0.0.0.0/0" and "::/0" are the default route written out.
    if (prefix.bits === 0) prefix = undefined;
  }
  // Only the main table's routes are the ones the host's packets take (`ip route show table all`
  // lists the policy-routing tables too).
  const table = words.indexOf('table');
  if (table > i && words[table + 1] !== 'main' && words[table + 1] !== '254') return undefined;
  const route: Route = { prefix };
  if (reject !== undefined) route.reject = reject;
  let encap = false;
  for (let k = i + 1; k < words.length - 1; k++) {
    if (encap) {
      // "encap ip id 10100 dst 192.168.20.100 ttl 0": the tunnel's endpoint, not a next hop.
      if (words[k] === 'dst') {
        const a = parseAddr(words[k + 1]!);
        if (a !== undefined) route.encapDst = a;
      } else if (words[k] === 'dev' || words[k] === 'via' || words[k] === 'proto' || words[k] === 'scope') encap = false;
      if (encap) continue;
    }
    if (words[k] === 'dev') route.dev = words[k + 1]!;
    else if (words[k] === 'src') {
      const a = parseAddr(words[k + 1]!);
      if (a !== undefined) route.src = a;
    } else if (words[k] === 'via') {
      // "via inet6 fe80::1" names the family first.
      const v = words[k + 1] === 'inet' || words[k + 1] === 'inet6' ? words[k + 2] : words[k + 1];
      const a = v === undefined ? undefined : parseAddr(v);
      if (a !== undefined) route.via = a;
    } else if (words[k] === 'encap') encap = true;
  }
  return route;
}

/**
 * Routes from `ip route` (also `ip -6 route`, `ip route show table all` and `ip -j route`)
 * saved on the capturing host. Lines that are not routes are skipped.
 */
export function parseIpRoute(text: string): Route[] {
  const trimmed = text.trim();
  const out: Route[] = [];
  if (trimmed.startsWith('[')) {
    let entries: unknown;
    try {
      entries = JSON.parse(trimmed);
    } catch {
      return out;
    }
    if (!Array.isArray(entries)) return out;
    for (const e of entries as { dst?: unknown; dev?: unknown; gateway?: unknown; type?: unknown; table?: unknown }[]) {
      if (typeof e?.dst !== 'string') continue;
      const words = [...(typeof e.type === 'string' && e.type !== 'unicast' ? [e.type] : []), e.dst];
      if (typeof e.table === 'string' || typeof e.table === 'number') words.push('table', String(e.table));
      if (typeof e.gateway === 'string') words.push('via', e.gateway);
      if (typeof e.dev === 'string') words.push('dev', e.dev);
      const r = routeFromWords(words);
      if (r) out.push(r);
    }
    return out;
  }
  for (const line of text.split('\n')) {
    const words = line
      .trim()
      .split(/\s+/)
      .filter((w) => w !== '');
    if (words.length === 0) continue;
    const r = routeFromWords(words);
    if (r) out.push(r);
  }
  return out;
}

export function readIpRouteFile(path: string): Route[] {
  const text = readTextInput(path);
  const routes = parseIpRoute(text);
  if (routes.length === 0) throw new VxError('input', msg.inInput(path, msg.noIpRouteEntries()));
  return routes;
}

/** Longest-prefix match; the default route when nothing more specific matches. */
export function lookupRoute(routes: readonly Route[], a: Addr): Route | undefined {
  let best: Route | undefined;
  let bestBits = -1;
  const v6 = typeof a === 'string';
  for (const r of routes) {
    if (r.prefix === undefined) {
      // A default route belongs to one family; tell them apart by the gateway when it has one.
      if (r.via !== undefined && (typeof r.via === 'string') !== v6) continue;
      if (bestBits < 0) {
        best = r;
        bestBits = 0;
      }
      continue;
    }
    if (r.prefix.bits > bestBits && contains(r.prefix, a)) {
      best = r;
      bestBits = r.prefix.bits;
    }
  }
  return best;
}

/** The interface of the default route, when the table has one. */
export function defaultRouteDev(routes: readonly Route[]): string | undefined {
  return routes.find((r) => r.prefix === undefined && !r.reject && r.dev !== undefined)?.dev;
}
