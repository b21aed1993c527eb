// The vantage point: what the capturing host is (a router between node subnets, a Kubernetes
// node, a pod, or unknown) and what each of its interfaces is (uplink, node subnet, pod veth,
// tunnel device, loopback). Every verdict depends on it: a packet that "enters and never
// leaves" is a drop on a router and a local delivery on a node. What the user saved from the
// host (`ip -o link`, `ip route`) is certain; what the traffic suggests is inferred, and says so.
import { Direction } from '../capture/types.js';
import type { IpLinkEntry } from '../capture/ip-link.js';
import type { Packet } from '../dissect/types.js';
import { formatAddr, isInitialTtl, isPrivate, parseAddr, type Addr } from './addr.js';
import type { Facts } from './facts.js';
import type { Hops } from './hops.js';
import type { Route } from './options.js';
import type { Collector } from './pass.js';
import type { Topology } from './topology.js';
import type { Tunnel } from './tunnels.js';

export type HostRole = 'router' | 'node' | 'pod' | 'unknown';
export type InterfaceRole = 'uplink' | 'node-subnet' | 'pod-veth' | 'pod-bridge' | 'tunnel' | 'loopback' | 'host-internal' | 'any' | 'other';
export type Confidence = 'certain' | 'inferred';

export interface InterfaceVantage {
  name: string;
  role: InterfaceRole;
  confidence: Confidence;
  /** Why it has that role, in a few words. */
  reason: string;
}

export interface Vantage {
  host: HostRole;
  confidence: Confidence;
  /** Why, in a few words ("it has cilium_vxlan and lxc0 (ip-link)"). */
  reason: string;
  interfaces: InterfaceVantage[];
  /** Addresses of the capturing host itself (from its routes and the packets it sent). */
  own: string[];
  /** The capture records on which interface each packet was (not one "any" pseudo-device). */
  interfacesKnown: boolean;
}

/** How alerts name the capturing host: "this router", "this node", "this pod", "the capturing host". */
export function hostWord(host: HostRole): string {
  return host === 'unknown' ? 'the capturing host' : `this ${host}`;
}

/**
 * Tunnel devices by name: Cilium (cilium_vxlan, cilium_geneve), Flannel (flannel.1), Calico
 * (vxlan.calico, vxlan-v6.calico, tunl0 for IPIP), OVS (genev_sys_6081, vxlan_sys_4789),
 * Antrea (antrea-tun0), and plain vxlanN / genevN devices.
 */
const TUNNEL_DEVICE =
  /^(cilium_vxlan|cilium_geneve|flannel\.\d+|flannel-v6\.\d+|vxlan\.calico|vxlan-v6\.calico|tunl0|genev_sys_\d+|vxlan_sys_\d+|antrea-tun0|vxlan\d*|geneve\d*|genev\d*|vx-\S+)$/;
/** Host ends of pods' veths: Cilium lxc*, Calico cali*, plain veth*, Antrea/OVN pod ports. */
const POD_VETH = /^(lxc|cali|veth|azv|gke|vnet)/;
/** Bridges that pods hang on (bridge CNI, flannel, docker). */
const POD_BRIDGE = /^(cni0|cbr0|docker0|kube-bridge|weave)$/;
/** Node-internal devices of CNIs that are neither tunnels nor pods. */
const HOST_INTERNAL = /^(cilium_host|cilium_net|antrea-gw0|ovn-k8s-mp\d+|kube-ipvs0|nodelocaldns|br-int|ovs-system)$/;

/** What an interface is from its name (and kind / link type when `ip -d link` said), if that tells. */
export function interfaceRoleFromName(name: string, kind?: string, linkType?: string): InterfaceRole | undefined {
  if (name === 'any') return 'any';
  if (name === 'lo' || linkType === 'loopback') return 'loopback';
  if (kind === 'vxlan' || kind === 'geneve' || kind === 'ipip' || TUNNEL_DEVICE.test(name)) return 'tunnel';
  if (POD_VETH.test(name)) return 'pod-veth';
  if (POD_BRIDGE.test(name)) return 'pod-bridge';
  if (HOST_INTERNAL.test(name)) return 'host-internal';
  return undefined;
}

const NODE_ROLES: ReadonlySet<InterfaceRole> = new Set(['tunnel', 'pod-veth', 'pod-bridge', 'host-internal']);

/**
 * Traffic facts no other model keeps: tunnel packets the host sent itself (outbound, not a
 * forwarding copy, an initial TTL) and tunnel devices that delivered packets to another host
 * (PACKET_OTHERHOST: the inner frame was not for this host and is dropped).
 */
export class VantageCollector implements Collector {
  /** Outer source addresses of tunnel packets this host sent, with counts. */
  readonly sentTunnels = new Map<Addr, number>();
  /** Interfaces that carried any packet, with the directions seen. */
  readonly directions = new Set<Direction>();
  anyDevice = false;

  packet(f: Facts, _pkt: Packet): void {
    if (f.direction !== Direction.Unknown && this.directions.size < 3) this.directions.add(f.direction);
    if (f.iface === 'any') this.anyDevice = true;
    if (f.tunnel < 0 || f.copyOf !== 0 || f.direction !== Direction.Outbound) return;
    const ip = f.outer;
    if (!ip.present || !isInitialTtl(ip.ttl)) return;
    if (this.sentTunnels.size < 64 || this.sentTunnels.has(ip.src)) this.sentTunnels.set(ip.src, (this.sentTunnels.get(ip.src) ?? 0) + 1);
  }
}

export interface VantageInput {
  links: readonly IpLinkEntry[];
  routes: readonly Route[];
  topology: Topology;
  hops: Hops;
  tunnels: readonly Tunnel[];
  traffic: VantageCollector;
  /** The cluster's pod range (given or inferred). */
  isPod: (a: Addr) => boolean;
}

/** Every interface the host has (from ip-link) or the capture names, with its role. */
export function classifyInterfaces(input: Pick<VantageInput, 'links' | 'routes' | 'topology'>): InterfaceVantage[] {
  const names = new Map<string, IpLinkEntry | undefined>();
  for (const l of input.links) names.set(l.name, l);
  for (const i of input.topology.interfaces) if (!names.has(i.name)) names.set(i.name, undefined);
  const defaultDevs = new Set(input.routes.filter((r) => r.prefix === undefined && !r.reject && r.dev !== undefined).map((r) => r.dev!));
  const connected = new Set(input.routes.filter((r) => r.prefix !== undefined && r.via === undefined && !r.reject && r.dev !== undefined).map((r) => r.dev!));
  const uplink = input.topology.uplink;
  const out: InterfaceVantage[] = [];
  for (const [name, link] of names) {
    const byName = interfaceRoleFromName(name, link?.kind, link?.linkType);
    if (byName !== undefined) {
      out.push({ name, role: byName, confidence: 'certain', reason: link?.kind ? `${link.kind} device` : 'its name' });
    } else if (defaultDevs.has(name)) out.push({ name, role: 'uplink', confidence: 'certain', reason: 'the default route (ip-route)' });
    else if (uplink?.name === name)
      out.push({ name, role: 'uplink', confidence: uplink.source === 'inferred' ? 'inferred' : 'certain', reason: uplink.reason });
    else if (connected.has(name)) out.push({ name, role: 'node-subnet', confidence: 'certain', reason: 'a connected subnet (ip-route)' });
    else out.push({ name, role: 'other', confidence: 'inferred', reason: 'nothing says more' });
  }
  return out;
}

/** Decides what the capturing host is. */
export function decideVantage(input: VantageInput): Vantage {
  const interfaces = classifyInterfaces(input);
  const own = new Set<string>();
  for (const r of input.routes) if (r.src !== undefined) own.add(formatAddr(r.src));
  for (const n of input.topology.neighbors) if (n.own) own.add(n.ip);
  const ownAddrs = [...own];
  const traffic = input.traffic;
  const interfacesKnown = !traffic.anyDevice && input.topology.interfaces.length > 0;
  const result = (host: HostRole, confidence: Confidence, reason: string): Vantage => ({
    host,
    confidence,
    reason,
    interfaces,
    own: ownAddrs,
    interfacesKnown,
  });

  // Certain: the host's own devices (ip-link, the capture's interface names) and its routes.
  const nodeDevices = interfaces.filter((i) => NODE_ROLES.has(i.role)).map((i) => i.name);
  if (nodeDevices.length > 0) return result('node', 'certain', `it has ${list(nodeDevices)}`);
  const tunnelRoutes = input.routes.filter((r) => r.encapDst !== undefined);
  if (tunnelRoutes.length > 0) return result('node', 'certain', `its routes encapsulate (encap ... dst ${formatAddr(tunnelRoutes[0]!.encapDst!)})`);

  // Inferred from the traffic: a host that encapsulates or decapsulates is a node.
  const sent = [...traffic.sentTunnels.keys()].map(formatAddr);
  if (sent.length > 0) return result('node', 'inferred', `it sends tunnel packets from ${list(sent)} itself`);
  const capsule = input.hops.paths.find((p) => p.kind === 'decap' || p.kind === 'encap');
  if (capsule)
    return result('node', 'inferred', `it ${capsule.kind === 'decap' ? 'decapsulates' : 'encapsulates'} tunnel packets (frame ${capsule.firstFrame})`);

  // A host that forwards between two interfaces that are not pods' is a router.
  const forwards = input.hops.paths.filter((p) => p.kind === 'routed' && p.ingress !== p.egress && p.ingress !== '?' && p.egress !== '?');
  const sourced = input.links.length > 0 || input.routes.length > 0;
  if (forwards.length > 0) {
    const pair = forwards[0]!;
    return result('router', sourced ? 'certain' : 'inferred', `it forwards between ${pair.ingress} and ${pair.egress} and has no tunnel device or pod veth`);
  }
  // No forwarding seen (a router whose traffic is all dropped looks like that): its tables
  // still say whether it stands between subnets without being a node.
  const connected = new Set(
    input.routes.filter((r) => r.prefix !== undefined && r.via === undefined && !r.reject && r.dev !== undefined && r.dev !== 'lo').map((r) => r.dev!),
  );
  if (connected.size >= 2) return result('router', 'inferred', `its routes connect ${list([...connected])} and it has no tunnel device or pod veth`);
  const ports = input.links.filter((l) => l.linkType !== 'loopback' && l.name !== 'lo');
  if (ports.length >= 2 && input.routes.length === 0)
    return result('router', 'inferred', `it has ${list(ports.map((l) => l.name))} and no tunnel device or pod veth`);
  // A pod: its own addresses are pod addresses, or it has one interface besides lo.
  const ownPod = ownAddrs.map(parseAddr).filter((a): a is Addr => a !== undefined && isPrivate(a));
  if (ownPod.length > 0 && ownPod.every((a) => input.isPod(a)) && input.tunnels.length === 0) {
    return result('pod', 'inferred', `its own address ${formatAddr(ownPod[0]!)} is a pod address`);
  }
  if (
    input.links.length > 0 &&
    input.links.filter((l) => l.linkType !== 'loopback' && l.name !== 'lo').length === 1 &&
    input.links.some((l) => l.peer !== undefined)
  ) {
    return result('pod', 'inferred', 'it has one veth besides lo');
  }
  const anyForward = input.hops.paths.some((p) => p.kind === 'routed');
  if (anyForward) return result('router', 'inferred', 'it forwards packets (TTL lowered by one between two copies)');
  return result('unknown', 'inferred', input.hops.placed ? 'nothing in the capture says' : 'the capture does not record interfaces or directions');
}

function list(items: string[]): string {
  return items.length <= 3 ? items.join(', ') : `${items.slice(0, 3).join(', ')} and ${items.length - 3} more`;
}

/** The role of one interface, 'other' when the vantage does not know it. */
export function roleOf(v: Vantage, iface: string): InterfaceRole {
  return v.interfaces.find((i) => i.name === iface)?.role ?? (iface === 'any' ? 'any' : 'other');
}
