// Names for addresses wherever vxshark shows one: the packet list, the detail tree, flows,
// tunnels, hops and alerts. One object, handed to the printers and the analysis; with
// `--names off` there is none and every place shows the bare address.
import { formatAddr, parseAddr, parseCidr, type Addr, type Cidr } from '../analysis/addr.js';
import type { AddressNaming, Layer, Packet, TreeNode } from '../dissect/types.js';
import type { ClusterContext, Who } from './context.js';
import { ipAddrs, tunnelVni } from './packet-addrs.js';

const MAX_CACHE = 65536;

function isoDate(ms: number): string {
  return ms > 0 ? new Date(ms).toISOString().replace('.000Z', 'Z') : 'unknown time';
}

export class ContextNaming implements AddressNaming {
  private readonly cache = new Map<string, string | undefined>();

  constructor(readonly context: ClusterContext) {}

  /** The name for an address written as text ("172.20.0.10" → "default/curl-pod"). */
  label(text: string): string | undefined {
    if (this.cache.has(text)) return this.cache.get(text);
    const a = parseAddr(text);
    const name = a === undefined ? undefined : this.context.who(a)?.label;
    if (this.cache.size >= MAX_CACHE) this.cache.clear();
    this.cache.set(text, name);
    return name;
  }

  /** The name, or the text itself when the context does not know it. */
  show(text: string): string {
    return this.label(text) ?? text;
  }

  /** For sentences: "default/curl-pod on k8s-ctr", "k8s-w0", or the address. */
  phrase(text: string): string {
    const a = parseAddr(text);
    const w = a === undefined ? undefined : this.context.who(a);
    if (!w) return text;
    return w.kind === 'pod' && w.node !== undefined ? `${w.label} on ${w.node}` : w.label;
  }

  /** "k8s-w0's pod CIDR 172.20.2.0/24", or the prefix alone when no node owns it. */
  prefix(p: Cidr): string {
    return this.context.prefixText(p);
  }

  /** The node owning a pod prefix, when the context says. */
  nodeForPrefix(p: Cidr): string | undefined {
    return this.context.nodeForPrefix(p);
  }

  /** The labels of the Cilium identity a VNI carries ("k8s:app=curl, ..."), when the context lists it. */
  identityLabels(vni: number): string | undefined {
    const id = this.context.identity(vni);
    return id ? identityText(id.labels) : undefined;
  }

  /** The node owning a prefix written as text ("172.20.2.0/24" → "k8s-w0"). */
  prefixOwner(text: string): string | undefined {
    const p = parseCidr(text);
    return p ? this.context.nodeForPrefix(p) : undefined;
  }

  layerTree(pkt: Packet, layer: Layer): TreeNode | undefined {
    if (layer.proto === 'vxlan' || layer.proto === 'geneve') return this.identityTree(pkt, layer);
    const ends = ipAddrs(pkt, layer);
    if (!ends) return undefined;
    const children = [this.endTree('Source', ends[0], layer), this.endTree('Destination', ends[1], layer)].filter((n): n is TreeNode => n !== undefined);
    if (children.length === 0) return undefined;
    return { label: 'Kubernetes', start: layer.start, length: 0, children };
  }

  private identityTree(pkt: Packet, layer: Layer): TreeNode | undefined {
    const vni = tunnelVni(pkt);
    const id = vni === undefined ? undefined : this.context.identity(vni);
    if (!id) return undefined;
    return {
      label: `Cilium identity of the sender: ${id.id}`,
      start: layer.start + 4,
      length: 3,
      children: id.labels.map((l) => ({ label: `Label: ${l}`, start: layer.start + 4, length: 0 })),
    };
  }

  private endTree(side: string, a: Addr, layer: Layer): TreeNode | undefined {
    const ctx = this.context;
    const w = ctx.who(a);
    const cidr = ctx.podCidrOf(a);
    const services = ctx.servicesOf(a);
    const identity = ctx.identityOf(a);
    if (!w && !cidr && services.length === 0 && identity === undefined) return undefined;
    const at = (label: string): TreeNode => ({ label, start: layer.start, length: 0 });
    const children: TreeNode[] = [];
    if (w?.kind === 'pod') {
      children.push(at(`Pod: ${w.name}`), at(`Namespace: ${w.namespace}`));
      if (w.node !== undefined) children.push(at(`Node: ${w.node}`));
      children.push(at(`Phase: ${w.pod!.phase}${w.pod!.deleting ? ' (terminating)' : ''}, created ${isoDate(w.pod!.created)}`));
      for (const old of w.shadowed ?? []) {
        children.push(
          at(
            `Also held by ${old.namespace}/${old.name} (${old.phase}${old.deleting ? ', terminating' : ''}, created ${isoDate(old.created)}): ${w.label} is newer and running, so it is named`,
          ),
        );
      }
    } else if (w?.kind === 'node') children.push(at(`Node: ${w.name} (its InternalIP)`));
    else if (w?.kind === 'cilium-host') children.push(at(`Node: ${w.name} (Cilium's router address, cilium_host)`));
    else if (w?.kind === 'service') children.push(at(`Service: ${w.namespace}/${w.name} (${w.service!.type} ${formatAddr(a)})`));
    if (cidr && w?.kind !== 'node')
      children.push(
        at(
          `Pod CIDR: ${ctx.prefixText(cidr.cidr)} (from ${
            cidr.node.podCidrs
              .find((p) => p.cidr === cidr.cidr)
              ?.from.sort()
              .join(', ') ?? 'Node'
          })`,
        ),
      );
    for (const s of services) if (w?.kind !== 'service' || s !== `${w.namespace}/${w.name}`) children.push(at(`Backend of service: ${s}`));
    if (identity !== undefined) {
      const labels = ctx.identity(identity)?.labels ?? [];
      children.push(at(`Cilium identity: ${identity}${labels.length ? ` (${identityText(labels)})` : ''}`));
    }
    return { label: `${side}: ${formatAddr(a)}${w ? ` (${whoText(w)})` : ''}`, start: layer.start, length: 0, children };
  }
}

function whoText(w: Who): string {
  return w.kind === 'pod'
    ? `pod ${w.label}`
    : w.kind === 'service'
      ? `service ${w.namespace}/${w.name}`
      : `node ${w.name}${w.kind === 'cilium-host' ? ' cilium_host' : ''}`;
}

/** The labels that tell identities apart, without the policy bookkeeping ones, for one line. */
export function identityText(labels: readonly string[]): string {
  const useful = labels.filter((l) => !l.includes('io.cilium.k8s.policy.') && !l.includes('io.cilium.k8s.namespace.labels.'));
  return (useful.length ? useful : labels).join(', ');
}
