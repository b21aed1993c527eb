// Reads Kubernetes and Cilium objects into ContextData. The shapes are the documented ones:
//   kubectl get pods,nodes,services,endpointslices -A -o json   a List of Pod, Node, Service,
//                                                                EndpointSlice (also PodList...)
//   kubectl get ciliumnodes,ciliumendpoints,ciliumidentities -o json   CiliumNode (spec.addresses,
//                                                                spec.ipam.podCIDRs), CiliumEndpoint
//                                                                (status.identity, status.networking),
//                                                                CiliumIdentity (security-labels)
//   cilium-dbg endpoint list -o json                            an array of endpoints: id,
//                                                                status.identity {id, labels},
//                                                                status.networking.addressing [{ipv4, ipv6}],
//                                                                status.external-identifiers
//   cilium-dbg identity list -o json                            an array of {id, labels}
// A missing or mistyped field drops that one fact (a pending pod has no IP yet), never the file.
import { parseAddr, parseCidr, type Addr } from '../analysis/addr.js';
import { nodeRecord, type ContextData } from './model.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Dotted-quad IPv4 without allocating (a 10,000-pod file has tens of thousands), else parseAddr. */
function fastV4(s: string): number | undefined {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || ++dots > 3) return undefined;
      n = n * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39 && digits < 3) {
      part = part * 10 + (c - 0x30);
      digits++;
      if (part > 255) return undefined;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0) return undefined;
  return (n * 256 + part) | 0;
}

function addr(v: unknown): Addr | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  return fastV4(s) ?? (s.includes(':') ? parseAddr(s) : undefined);
}

function addrs(values: unknown[]): Addr[] {
  const out: Addr[] = [];
  for (const v of values) {
    const a = addr(v);
    if (a !== undefined && !out.includes(a)) out.push(a);
  }
  return out;
}

function time(v: unknown): number {
  const s = str(v);
  const t = s === undefined ? NaN : Date.parse(s);
  return Number.isFinite(t) ? t : 0;
}

/** What each kind of object adds; the count per kind is what a file is judged by. */
export interface ReadTally {
  used: Map<string, number>;
  /** Kinds that were not understood (a Deployment in `kubectl get all`). */
  other: Map<string, number>;
}

export function newTally(): ReadTally {
  return { used: new Map(), other: new Map() };
}

const bump = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);

function addPod(data: ContextData, o: Obj): void {
  const meta = obj(o.metadata);
  const spec = obj(o.spec);
  const status = obj(o.status);
  const name = str(meta.name);
  if (name === undefined) return;
  const ips = addrs([...arr(status.podIPs).map((p) => obj(p).ip), status.podIP]);
  data.pods.push({
    namespace: str(meta.namespace) ?? 'default',
    name,
    node: str(spec.nodeName),
    ips,
    phase: str(status.phase) ?? 'Unknown',
    created: time(meta.creationTimestamp),
    deleting: str(meta.deletionTimestamp) !== undefined,
    hostNetwork: spec.hostNetwork === true,
  });
}

function addNode(data: ContextData, o: Obj): void {
  const name = str(obj(o.metadata).name);
  if (name === undefined) return;
  const n = nodeRecord(data, name);
  const spec = obj(o.spec);
  for (const a of arr(obj(o.status).addresses)) {
    const t = str(obj(a).type);
    const ip = addr(obj(a).address);
    if ((t === 'InternalIP' || t === 'ExternalIP') && ip !== undefined && !n.addresses.includes(ip)) n.addresses.push(ip);
  }
  for (const c of [...arr(spec.podCIDRs), spec.podCIDR]) addCidr(n, c, 'Node');
}

function addCidr(n: ReturnType<typeof nodeRecord>, text: unknown, from: 'Node' | 'CiliumNode'): void {
  const s = str(text);
  const cidr = s === undefined || !s.includes('/') ? undefined : parseCidr(s);
  if (!cidr) return;
  const had = n.podCidrs.find((p) => p.cidr.base === cidr.base && p.cidr.bits === cidr.bits);
  if (!had) n.podCidrs.push({ cidr, from: [from] });
  else if (!had.from.includes(from)) had.from.push(from);
}

function addCiliumNode(data: ContextData, o: Obj): void {
  const name = str(obj(o.metadata).name);
  if (name === undefined) return;
  const n = nodeRecord(data, name);
  const spec = obj(o.spec);
  for (const a of arr(spec.addresses)) {
    const t = str(obj(a).type);
    const ip = addr(obj(a).ip);
    if (ip === undefined) continue;
    if (t === 'CiliumInternalIP') {
      if (!n.ciliumHost.includes(ip)) n.ciliumHost.push(ip);
    } else if ((t === 'InternalIP' || t === 'ExternalIP') && !n.addresses.includes(ip)) n.addresses.push(ip);
  }
  for (const c of arr(obj(spec.ipam).podCIDRs)) addCidr(n, c, 'CiliumNode');
}

function addService(data: ContextData, o: Obj): void {
  const meta = obj(o.metadata);
  const spec = obj(o.spec);
  const name = str(meta.name);
  if (name === undefined) return;
  const ips = addrs([...arr(spec.clusterIPs), spec.clusterIP]);
  data.services.push({ namespace: str(meta.namespace) ?? 'default', name, clusterIps: ips, type: str(spec.type) ?? 'ClusterIP' });
}

function addEndpointSlice(data: ContextData, o: Obj): void {
  const meta = obj(o.metadata);
  const service = str(obj(meta.labels)['kubernetes.io/service-name']);
  if (service === undefined) return;
  const key = `${str(meta.namespace) ?? 'default'}/${service}`;
  for (const e of arr(o.endpoints)) {
    for (const a of addrs(arr(obj(e).addresses))) {
      const list = data.backends.get(a) ?? [];
      if (!list.includes(key)) list.push(key);
      data.backends.set(a, list);
    }
  }
}

function identityLabels(v: unknown): string[] {
  // cilium-dbg lists labels as "source:key=value" strings; a CiliumIdentity keeps them as a map.
  if (Array.isArray(v)) return v.filter((l): l is string => typeof l === 'string');
  if (isObj(v)) return Object.entries(v).map(([k, val]) => (typeof val === 'string' && val !== '' ? `${k}=${val}` : k));
  return [];
}

function addIdentity(data: ContextData, id: unknown, labels: string[]): boolean {
  const n = typeof id === 'number' ? id : typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) return false;
  const had = data.identities.get(n);
  if (!had || (had.labels.length === 0 && labels.length > 0)) data.identities.set(n, { id: n, labels });
  return true;
}

/** A CiliumEndpoint's status and an endpoint of `cilium-dbg endpoint list` share this shape. */
function addEndpointStatus(data: ContextData, status: Obj, podFallback: string | undefined): void {
  const ident = obj(status.identity);
  const ext = obj(status['external-identifiers']);
  const ns = str(ext['k8s-namespace']);
  const podName = str(ext['k8s-pod-name']);
  const pod = ns !== undefined && podName !== undefined ? `${ns}/${podName}` : (str(ext['pod-name']) ?? podFallback);
  const net = obj(status.networking);
  const ips = addrs(arr(net.addressing).flatMap((a) => [obj(a).ipv4, obj(a).ipv6]));
  const labels = identityLabels(ident.labels);
  const identity = typeof ident.id === 'number' ? ident.id : undefined;
  if (identity !== undefined) addIdentity(data, identity, labels);
  data.endpoints.push({ pod: pod && pod.includes('/') ? pod : undefined, identity, ips, node: str(net.node) });
}

/** Adds one object (or a list of them); returns nothing, counts what it understood. */
export function addObject(data: ContextData, v: unknown, tally: ReadTally, itemKind?: string): void {
  if (Array.isArray(v)) {
    // cilium-dbg prints a bare JSON array: endpoints or identities.
    for (const item of v) addObject(data, item, tally);
    return;
  }
  if (!isObj(v)) {
    bump(tally.other, typeof v);
    return;
  }
  const kind = str(v.kind) ?? itemKind;
  if (kind === 'List' || (kind?.endsWith('List') && Array.isArray(v.items))) {
    // A typed list (PodList from the API) leaves the kind off its items.
    const inner = kind === 'List' ? undefined : kind.slice(0, -4);
    for (const item of arr(v.items)) addObject(data, item, tally, inner);
    return;
  }
  switch (kind) {
    case 'Pod':
      addPod(data, v);
      break;
    case 'Node':
      addNode(data, v);
      break;
    case 'Service':
      addService(data, v);
      break;
    case 'EndpointSlice':
      addEndpointSlice(data, v);
      break;
    case 'CiliumNode':
      addCiliumNode(data, v);
      break;
    case 'CiliumEndpoint': {
      const meta = obj(v.metadata);
      const name = str(meta.name);
      addEndpointStatus(data, obj(v.status), name === undefined ? undefined : `${str(meta.namespace) ?? 'default'}/${name}`);
      break;
    }
    case 'CiliumIdentity':
      if (!addIdentity(data, obj(v.metadata).name, identityLabels(v['security-labels']))) return void bump(tally.other, kind);
      break;
    case undefined: {
      // cilium-dbg's items carry no kind: an endpoint has a status with networking or identity,
      // an identity has a numeric id and labels.
      const status = obj(v.status);
      if (isObj(status.networking) || isObj(status.identity)) {
        addEndpointStatus(data, status, undefined);
        bump(tally.used, 'Cilium endpoint');
        return;
      }
      if (v.id !== undefined && (Array.isArray(v.labels) || isObj(v.labels)) && addIdentity(data, v.id, identityLabels(v.labels))) {
        bump(tally.used, 'Cilium identity');
        return;
      }
      bump(tally.other, 'object without a kind');
      return;
    }
    default:
      bump(tally.other, kind);
      return;
  }
  bump(tally.used, kind);
}
