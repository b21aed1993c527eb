// The cluster as the context files describe it: pods, nodes, services, endpoint slices, and
// Cilium's endpoints and identities, reduced to what naming an address needs. Addresses are
// the analysis' Addr (IPv4 as a signed 32-bit number, IPv6 as 32 hex digits).
import type { Addr, Cidr } from '../analysis/addr.js';

export interface PodRecord {
  namespace: string;
  name: string;
  /** spec.nodeName; undefined for a pod not scheduled yet. */
  node: string | undefined;
  /** status.podIPs (or status.podIP). */
  ips: Addr[];
  /** status.phase: Running, Pending, Succeeded, Failed, Unknown. */
  phase: string;
  /** metadata.creationTimestamp in milliseconds since the epoch (0 when absent). */
  created: number;
  /** metadata.deletionTimestamp is set: the pod is terminating. */
  deleting: boolean;
  /** hostNetwork pods share the node's address; they never own it. */
  hostNetwork: boolean;
}

export interface NodeRecord {
  name: string;
  /** status.addresses of type InternalIP (and ExternalIP), CiliumNode spec.addresses. */
  addresses: Addr[];
  /** Cilium's own router address on the node (cilium_host), from CiliumNode CiliumInternalIP. */
  ciliumHost: Addr[];
  /** spec.podCIDRs (Node) and spec.ipam.podCIDRs (CiliumNode), with where each came from. */
  podCidrs: { cidr: Cidr; from: ('Node' | 'CiliumNode')[] }[];
}

export interface ServiceRecord {
  namespace: string;
  name: string;
  /** spec.clusterIPs (or spec.clusterIP); "None" (headless) is left out. */
  clusterIps: Addr[];
  type: string;
}

export interface IdentityRecord {
  id: number;
  /** "k8s:app=curl", as cilium-dbg lists them. */
  labels: string[];
}

export interface CiliumEndpointRecord {
  /** "default/curl-pod" when the endpoint belongs to a pod. */
  pod: string | undefined;
  identity: number | undefined;
  ips: Addr[];
  node: string | undefined;
}

/** Everything read from the context files, before it is indexed. */
export interface ContextData {
  pods: PodRecord[];
  nodes: Map<string, NodeRecord>;
  services: ServiceRecord[];
  /** EndpointSlice addresses: address -> "namespace/service" names it backs. */
  backends: Map<Addr, string[]>;
  identities: Map<number, IdentityRecord>;
  endpoints: CiliumEndpointRecord[];
  /** Files read, for messages. */
  files: string[];
}

export function emptyContextData(): ContextData {
  return { pods: [], nodes: new Map(), services: [], backends: new Map(), identities: new Map(), endpoints: [], files: [] };
}

export function nodeRecord(data: ContextData, name: string): NodeRecord {
  let n = data.nodes.get(name);
  if (!n) data.nodes.set(name, (n = { name, addresses: [], ciliumHost: [], podCidrs: [] }));
  return n;
}
