// The indexed cluster context: who an address is (a pod, a node, Cilium's router address on a
// node, a service's ClusterIP), which node owns a pod CIDR, which Cilium identity a VNI or a
// pod carries. Built once from ContextData; every lookup is a Map get or a scan of the nodes.
import { cidrText, contains, formatAddr, type Addr, type Cidr } from '../analysis/addr.js';
import type { ContextData, IdentityRecord, NodeRecord, PodRecord, ServiceRecord } from './model.js';

export type WhoKind = 'pod' | 'node' | 'cilium-host' | 'service';

export interface Who {
  kind: WhoKind;
  /** What a list shows: "default/curl-pod", "k8s-ctr", "k8s-ctr cilium_host", "svc default/webpod". */
  label: string;
  /** Pods and services: the namespace and the object's name. */
  namespace?: string;
  name: string;
  /** The node: the pod's node, or the node itself. */
  node?: string;
  pod?: PodRecord;
  service?: ServiceRecord;
  /** Older or finished pods that held the same address; the newest running one won. */
  shadowed?: PodRecord[];
}

/** Running beats Pending beats finished; a terminating pod loses to a live one; then newest wins. */
function rank(p: PodRecord): number {
  const phase = p.phase === 'Running' ? 3 : p.phase === 'Pending' ? 2 : p.phase === 'Unknown' ? 1 : 0;
  return phase * 2 + (p.deleting ? 0 : 1);
}

function newer(a: PodRecord, b: PodRecord): boolean {
  const ra = rank(a);
  const rb = rank(b);
  return ra !== rb ? ra > rb : a.created > b.created;
}

export class ClusterContext {
  private readonly byAddr = new Map<Addr, Who>();
  private readonly identityByAddr = new Map<Addr, number>();
  private readonly cidrs: { cidr: Cidr; node: NodeRecord }[] = [];
  private readonly nodeOfPod = new Map<string, string>();

  constructor(readonly data: ContextData) {
    this.indexPods();
    // Nodes and services after pods: a hostNetwork pod never owns its node's address, and a
    // node's or a ClusterIP's address is never a pod's.
    for (const n of data.nodes.values()) {
      for (const a of n.addresses) this.byAddr.set(a, { kind: 'node', label: n.name, name: n.name, node: n.name });
      for (const a of n.ciliumHost) this.byAddr.set(a, { kind: 'cilium-host', label: `${n.name} cilium_host`, name: n.name, node: n.name });
      for (const p of n.podCidrs) this.cidrs.push({ cidr: p.cidr, node: n });
    }
    // Longest prefix first, so a lookup takes the first match.
    this.cidrs.sort((a, b) => b.cidr.bits - a.cidr.bits);
    for (const s of data.services) {
      for (const a of s.clusterIps) {
        if (!this.byAddr.has(a))
          this.byAddr.set(a, { kind: 'service', label: `svc ${s.namespace}/${s.name}`, namespace: s.namespace, name: s.name, service: s });
      }
    }
    for (const e of data.endpoints) {
      for (const a of e.ips) if (e.identity !== undefined) this.identityByAddr.set(a, e.identity);
      if (e.pod !== undefined && e.node !== undefined) this.nodeOfPod.set(e.pod, e.node);
    }
  }

  private indexPods(): void {
    const shadowed = new Map<Addr, PodRecord[]>();
    const owner = new Map<Addr, PodRecord>();
    for (const p of this.data.pods) {
      if (p.hostNetwork) continue;
      for (const a of p.ips) {
        const cur = owner.get(a);
        if (cur === undefined) owner.set(a, p);
        else {
          const [win, lose] = newer(p, cur) ? [p, cur] : [cur, p];
          owner.set(a, win);
          const list = shadowed.get(a) ?? [];
          list.push(lose);
          shadowed.set(a, list);
        }
      }
    }
    for (const [a, p] of owner) {
      const who: Who = { kind: 'pod', label: `${p.namespace}/${p.name}`, namespace: p.namespace, name: p.name, pod: p };
      if (p.node !== undefined) who.node = p.node;
      const old = shadowed.get(a);
      if (old) who.shadowed = old.sort((x, y) => y.created - x.created);
      this.byAddr.set(a, who);
    }
  }

  /** Who has this address, when the context knows. */
  who(a: Addr): Who | undefined {
    return this.byAddr.get(a);
  }

  /** The node whose pod CIDR holds the address, with that CIDR. */
  podCidrOf(a: Addr): { node: NodeRecord; cidr: Cidr } | undefined {
    for (const c of this.cidrs) if (contains(c.cidr, a)) return c;
    return undefined;
  }

  /**
   * The node an address belongs to: a node's own address, Cilium's router address on it, a pod
   * it hosts (spec.nodeName, else the Cilium endpoint's node, else the pod CIDR holding it).
   */
  nodeOf(a: Addr): string | undefined {
    const w = this.byAddr.get(a);
    if (w?.node !== undefined) return w.node;
    if (w?.kind === 'pod') {
      const n = this.nodeOfPod.get(w.label);
      if (n !== undefined) return n;
    }
    if (w?.kind === 'service') return undefined;
    return this.podCidrOf(a)?.node.name;
  }

  /** Every node's pod CIDRs: the cluster's pod range as the nodes hand it out. */
  podCidrs(): Cidr[] {
    return this.cidrs.map((c) => c.cidr);
  }

  /** The node that owns a pod prefix (exactly, or a CIDR containing it). */
  nodeForPrefix(prefix: Cidr): string | undefined {
    for (const c of this.cidrs) if (c.cidr.bits <= prefix.bits && contains(c.cidr, prefix.base)) return c.node.name;
    return undefined;
  }

  /** The node's own (underlay) address, the first InternalIP. */
  nodeAddress(name: string): Addr | undefined {
    return this.data.nodes.get(name)?.addresses[0];
  }

  identity(id: number): IdentityRecord | undefined {
    return this.data.identities.get(id);
  }

  /** The Cilium security identity of an endpoint address (from the endpoint list). */
  identityOf(a: Addr): number | undefined {
    return this.identityByAddr.get(a);
  }

  /** Services ("namespace/name") this address is the ClusterIP of or a backend of. */
  servicesOf(a: Addr): string[] {
    const w = this.byAddr.get(a);
    const out = w?.kind === 'service' ? [`${w.namespace}/${w.name}`] : [];
    for (const s of this.data.backends.get(a) ?? []) if (!out.includes(s)) out.push(s);
    return out;
  }

  /** One line about what was loaded, for messages and the UI. */
  describe(): string {
    const d = this.data;
    const parts = [`${d.pods.length} pods`, `${d.nodes.size} nodes`, `${d.services.length} services`, `${d.identities.size} Cilium identities`];
    return parts.join(', ');
  }

  /** "k8s-w0's pod CIDR 172.20.2.0/24" style text for a prefix, or the bare prefix. */
  prefixText(prefix: Cidr): string {
    const node = this.nodeForPrefix(prefix);
    return node === undefined ? cidrText(prefix) : `${node}'s pod CIDR ${cidrText(prefix)}`;
  }

  /** The address as text with its name after it: "172.20.0.10 (default/curl-pod)". */
  addrWithName(a: Addr): string {
    const w = this.byAddr.get(a);
    return w ? `${formatAddr(a)} (${w.label})` : formatAddr(a);
  }
}
