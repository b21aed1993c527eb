// The context's filter fields, registered in the one field registry like any protocol's:
// `-Y 'k8s.dst.pod == "webpod-697b545f57-hc6qk"'`, `-e k8s.src.node`, the UI filter.
//
// They describe the packet, not one header, so they belong to the frame (one occurrence per
// packet) and read the packet's IP headers:
//   pods, namespaces, services   the innermost IP header (in a tunnel, the pod packet inside;
//                                absent when the tunnel carries no IP, such as ARP)
//   nodes                        the outermost header whose address the context places on a
//                                node (a VXLAN packet: the node owning the outer address; a
//                                native packet: the node hosting the pod)
//   cilium.identity, .labels     the sender's security identity: the tunnel's VNI when the
//                                context lists it as an identity, else the identity of the
//                                innermost source's Cilium endpoint
// Without a context (or for unknown addresses) the fields are absent.
import type { Addr } from '../analysis/addr.js';
import type { Registry } from '../dissect/registry.js';
import type { Dissector, FieldDef, FieldValue, Packet } from '../dissect/types.js';
import type { ClusterContext } from './context.js';
import { innermostAddrs, ipLayers, tunnelVni } from './packet-addrs.js';

type Side = 0 | 1;

function innermost(pkt: Packet, side: Side): Addr | undefined {
  return innermostAddrs(pkt)?.[side];
}

export function packetNode(ctx: ClusterContext, pkt: Packet, side: Side): string | undefined {
  for (const l of ipLayers(pkt)) {
    const n = ctx.nodeOf(l[side]);
    if (n !== undefined) return n;
  }
  return undefined;
}

/** The sender's Cilium identity: the VNI when it is a known identity, else the source endpoint's. */
export function packetIdentity(ctx: ClusterContext, pkt: Packet): number | undefined {
  const vni = tunnelVni(pkt);
  if (vni !== undefined && ctx.identity(vni)) return vni;
  const src = innermost(pkt, 0);
  return src === undefined ? undefined : ctx.identityOf(src);
}

/** The context fields; `context()` is read on every call, so one registry serves with or without it. */
export function contextDissector(registry: Pick<Registry, 'context'>): Dissector {
  const withCtx =
    (f: (ctx: ClusterContext, pkt: Packet) => FieldValue | FieldValue[] | undefined) =>
    (pkt: Packet): FieldValue | FieldValue[] | undefined => {
      const ctx = registry.context;
      return ctx ? f(ctx, pkt) : undefined;
    };
  const podPart = (side: Side, part: 'name' | 'namespace') =>
    withCtx((ctx, pkt) => {
      const a = innermost(pkt, side);
      const w = a === undefined ? undefined : ctx.who(a);
      if (!w) return undefined;
      if (part === 'name') return w.kind === 'pod' ? w.name : undefined;
      return w.namespace;
    });
  const field = (name: string, label: string, type: FieldDef['type'], get: FieldDef['get']): FieldDef => ({
    name,
    label,
    type,
    proto: 'frame',
    hidden: true,
    get,
  });
  return {
    proto: 'k8s',
    name: 'Kubernetes and Cilium context',
    short: 'K8s',
    fields: [
      field('k8s.src.pod', 'Source pod', 'string', podPart(0, 'name')),
      field('k8s.dst.pod', 'Destination pod', 'string', podPart(1, 'name')),
      field('k8s.src.namespace', 'Source namespace', 'string', podPart(0, 'namespace')),
      field('k8s.dst.namespace', 'Destination namespace', 'string', podPart(1, 'namespace')),
      field(
        'k8s.src.node',
        'Source node',
        'string',
        withCtx((ctx, pkt) => packetNode(ctx, pkt, 0)),
      ),
      field(
        'k8s.dst.node',
        'Destination node',
        'string',
        withCtx((ctx, pkt) => packetNode(ctx, pkt, 1)),
      ),
      field(
        'k8s.service',
        'Service (ClusterIP or backend)',
        'string',
        withCtx((ctx, pkt) => {
          const last = innermostAddrs(pkt);
          if (!last) return undefined;
          const names = [...new Set([...ctx.servicesOf(last[1]), ...ctx.servicesOf(last[0])])];
          return names.length ? names : undefined;
        }),
      ),
      field('cilium.identity', 'Cilium security identity of the sender', 'uint', withCtx(packetIdentity)),
      field(
        'cilium.labels',
        "Labels of the sender's Cilium identity",
        'string',
        withCtx((ctx, pkt) => {
          const id = packetIdentity(ctx, pkt);
          const labels = id === undefined ? undefined : ctx.identity(id)?.labels;
          return labels?.length ? labels : undefined;
        }),
      ),
    ],
    // Never decoded: no table leads here. It only carries the fields.
    decode: () => undefined,
  };
}
