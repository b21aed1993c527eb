// Which node (VTEP address) hosts which pod prefix. The overlay rules judge tunnel packets
// against it: a packet for a pod delivered to a VTEP that does not host the pod went to the
// wrong node. Sources, most trusted first:
//   - the user: --pod-cidr NODE_IP=CIDR;
//   - the capturing node's own routes: a pod prefix routed to one of its pod veths or bridges
//     is hosted here (the node's addresses are its VTEP);
//   - the traffic: a tunnel packet whose inner TTL is one below an initial TTL (64, 128, 255)
//     was sent by a pod behind the VTEP that encapsulated it (the pod's node forwarded it
//     once); a relayed packet has been forwarded twice and says nothing about ownership.
// A node's routes towards other nodes (`encap ... dst VTEP`) are its belief, which is what may
// be wrong: they are kept apart, as what the fix names.
import type { Packet } from '../dissect/types.js';
import { cidrKey, cidrText, contains, defaultNodeBits, formatAddr, isInitialTtl, prefixOf, type Addr, type Cidr } from './addr.js';
import type { Facts } from './facts.js';
import type { ResolvedOptions } from './options.js';
import type { Collector } from './pass.js';
import { roleOf, type Vantage } from './vantage.js';

export type OwnerSource = 'option' | 'ip-route' | 'traffic';

export interface PodOwner {
  prefix: Cidr;
  nodes: string[];
  source: OwnerSource;
}

export interface VtepMap {
  /** Who hosts the pod prefix of `a`, when something says. */
  ownerOf(a: Addr): PodOwner | undefined;
  /** The capturing node's own route entry for a prefix that encapsulates towards a VTEP. */
  routeTo(a: Addr): { prefix: string; vtep: string } | undefined;
  owners: PodOwner[];
}

const MAX_PREFIXES = 4096;

export class VtepCollector implements Collector {
  /** Pod prefix key -> the prefix and the VTEPs that sent its pods' packets first-hand. */
  private readonly seen = new Map<string | number, { prefix: Cidr; vteps: Addr[] }>();

  packet(f: Facts, _pkt: Packet): void {
    if (f.tunnel < 0 || f.copyOf !== 0) return;
    const inner = f.inner;
    if (inner === f.outer || !inner.present || !isInitialTtl(inner.ttl + 1)) return;
    const src = inner.src;
    const key = typeof src === 'number' ? src >>> 8 : src.slice(0, 16);
    let e = this.seen.get(key);
    if (e === undefined) {
      if (this.seen.size >= MAX_PREFIXES) return;
      this.seen.set(key, (e = { prefix: prefixOf(src, defaultNodeBits(src)), vteps: [] }));
    }
    const vtep = f.outer.src;
    if (e.vteps.length < 4 && !e.vteps.includes(vtep)) e.vteps.push(vtep);
  }

  finish(opts: ResolvedOptions, vantage: Vantage): VtepMap {
    const owners: PodOwner[] = [];
    for (const o of opts.podCidrOwners) owners.push({ prefix: o.prefix, nodes: [formatAddr(o.node)], source: 'option' });
    const local: Cidr[] = [];
    const beliefs: { prefix: Cidr; vtep: string }[] = [];
    for (const r of opts.routes) {
      if (r.prefix === undefined || r.reject) continue;
      if (r.encapDst !== undefined) beliefs.push({ prefix: r.prefix, vtep: formatAddr(r.encapDst) });
      else if (r.dev !== undefined && r.via === undefined) {
        const role = roleOf(vantage, r.dev);
        if (role === 'pod-veth' || role === 'pod-bridge') local.push(r.prefix);
      }
    }
    if (local.length > 0 && vantage.own.length > 0) {
      for (const p of local) {
        if (!owners.some((o) => cidrKey(o.prefix) === cidrKey(p))) owners.push({ prefix: p, nodes: vantage.own, source: 'ip-route' });
      }
    }
    for (const e of this.seen.values()) {
      if (owners.some((o) => contains(o.prefix, e.prefix.base))) continue;
      owners.push({ prefix: e.prefix, nodes: e.vteps.map(formatAddr), source: 'traffic' });
    }
    // Most specific prefix first, so the /24 of a node wins over a cluster-wide range.
    owners.sort((a, b) => b.prefix.bits - a.prefix.bits);
    return {
      owners,
      ownerOf: (a) => owners.find((o) => contains(o.prefix, a)),
      routeTo: (a) => {
        let best: { prefix: Cidr; vtep: string } | undefined;
        for (const b of beliefs) if (contains(b.prefix, a) && (!best || b.prefix.bits > best.prefix.bits)) best = b;
        return best ? { prefix: cidrText(best.prefix), vtep: best.vtep } : undefined;
      },
    };
  }
}
