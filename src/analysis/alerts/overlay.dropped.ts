// overlay.dropped (error): tunnel packets that enter this host and never leave it.
//   - On a router: VXLAN/GENEVE packets for another host come in and no forwarded copy goes
//     out, although the host has a route towards the remote VTEP (its routing table, or other
//     packets to that VTEP that it did forward): something on the router drops them, usually a
//     firewall or ACL on the tunnel's UDP port, or reverse-path filtering. Not when the same
//     pod packets leave in a tunnel with another outer address (the router NATs the VTEPs).
//   - On a node whose capture includes its tunnel device (packets on it; or, for VXLAN and
//     GENEVE, -i any showing several interfaces, the device in --ip-link and something other
//     than UDP on a pod's veth, so that no capture filter hid the decapsulated packets): tunnel packets addressed to the node arrive and are never decapsulated (no
//     inner copy on the tunnel device): a firewall on the node, or a tunnel device listening on
//     another UDP port or VNI.
// It needs a capture that records interfaces and directions (tcpdump -i any, multi-interface
// pcapng); on a single wire nothing says whether a packet left.
import { Direction } from '../../capture/types.js';
import { AddrPairSet, formatAddr, parseAddr, prefixOf } from '../addr.js';
import { lookupRoute } from '../options.js';
import { encapByName } from '../../dissect/encap/index.js';
import { kindName, type Tunnel } from '../tunnels.js';
import { hostWord, roleOf } from '../vantage.js';
import type { Alert, Rule } from './types.js';

interface TunnelCount {
  inbound: number;
  forwarded: number;
  /** Packets this host sent in this tunnel that are no copy of one it received (its own, or rewritten). */
  sent: number;
  iface: string;
  kind: string;
  frames: number[];
}

/** Tunnel packets that must enter before a silence means anything. */
const MIN_PACKETS = 2;

export const rule: Rule = {
  id: 'overlay.dropped',
  severity: 'error',
  description: 'tunnel packets that enter this host and never leave it (a firewall on the tunnel port, rp_filter)',
  start(opts) {
    const counts: (TunnelCount | undefined)[] = [];
    // A cooked capture (tcpdump -i any) sees every interface of the host, the tunnel device too,
    // unless a capture filter keeps only some packets: interfaces that carried something other
    // than UDP (ARP, ICMP, TCP) say the filter, if any, lets the decapsulated packets through.
    let cooked = false;
    const notOnlyUdp = new Set<string>();
    return {
      observe(f) {
        if (f.pktType >= 0) cooked = true;
        if (f.iface !== undefined && notOnlyUdp.size < 256 && (f.arp >= 0 || (f.tunnel < 0 && f.inner.present && f.inner.proto !== 17)))
          notOnlyUdp.add(f.iface);
        if (f.tunnel < 0 || f.tunnelId < 0) return;
        let c = counts[f.tunnelId];
        if (c === undefined) counts[f.tunnelId] = c = { inbound: 0, forwarded: 0, sent: 0, iface: f.iface ?? '', kind: f.tunnelKind, frames: [] };
        if (f.copyOf !== 0) c.forwarded++;
        else if (f.direction === Direction.Outbound) c.sent++;
        else if (f.direction === Direction.Inbound) {
          c.inbound++;
          if (c.frames.length < opts.evidenceFrames) c.frames.push(f.frame);
        }
      },
      evaluate(m) {
        const v = m.vantage;
        if (!m.hops.placed || !v.interfacesKnown) return [];
        const own = new Set(v.own);
        const here = hostWord(v.host);
        const out: Alert[] = [];
        // Inner pairs that some tunnel packet delivered decapsulated on this host.
        const decapsulated = new AddrPairSet();
        for (const p of m.hops.paths) {
          if (p.kind !== 'decap') continue;
          const src = parseAddr(p.src);
          const dst = parseAddr(p.dst);
          if (src !== undefined && dst !== undefined) decapsulated.add(src, dst);
        }
        // The tunnel device carried packets, or it exists (--ip-link) and the capture sees every
        // interface (cooked, with packets on several: tcpdump -i any, not -i eth1 -y LINUX_SLL2):
        // then a UDP tunnel's packets would show on it once decapsulated.
        const deviceCarried = m.topology.interfaces.some((i) => roleOf(v, i.name) === 'tunnel');
        const deviceListed =
          cooked &&
          m.topology.interfaces.length >= 2 &&
          v.interfaces.some((i) => i.role === 'tunnel') &&
          [...notOnlyUdp].some((i) => roleOf(v, i) === 'pod-veth');
        const rewrittenOut = (t: Tunnel, id: number): boolean =>
          m.tunnels.some(
            (o, k) =>
              k !== id &&
              (counts[k]?.sent ?? 0) > 0 &&
              (o.src !== t.src || o.dst !== t.dst) &&
              o.innerPairs.some((p) => t.innerPairs.some((q) => q.srcAddr === p.srcAddr && q.dstAddr === p.dstAddr)),
          );
        counts.forEach((c, id) => {
          const t = m.tunnels[id];
          if (!c || !t || c.inbound < MIN_PACKETS || c.forwarded > 0) return;
          const kind = kindName(c.kind);
          const proto = `UDP ${t.port}`;
          if (v.host === 'router' && !own.has(t.dst)) {
            // The same pod packets left in another tunnel: the router rewrote the outer header
            // (NAT to a node's real address), so no copy of the same header went out.
            if (rewrittenOut(t, id)) return;
            const dst = parseAddr(t.dst)!;
            const route = m.options.routes.length > 0 ? lookupRoute(m.options.routes, dst) : undefined;
            const forwardedThere = m.hops.paths.some((p) => p.kind === 'routed' && p.egress !== c.iface && p.egress !== '?' && sameSubnet(p.dst, t.dst));
            const hasRoute = route !== undefined && !route.reject;
            if (route?.reject) return;
            // Without a routing table or other traffic to the VTEP, "no route" is possible too: only a warning.
            const sure = hasRoute || forwardedThere;
            const how = hasRoute
              ? `its routing table sends ${t.dst} out of ${route!.dev ?? `via ${route!.via !== undefined ? formatAddr(route!.via) : '?'}`}`
              : forwardedThere
                ? `it forwards other packets to ${t.dst}'s subnet`
                : `nothing in the capture says it has no route to ${t.dst} (pass --ip-route to be sure)`;
            out.push({
              id: 'overlay.dropped',
              severity: sure ? 'error' : 'warning',
              confidence: sure ? 'certain' : 'inferred',
              title: `${kind} ${t.src} → ${t.dst} (${proto}, VNI ${t.vni}) enters ${here} on ${c.iface} and never leaves: dropped here`,
              explanation:
                `${c.inbound} ${kind} packets from ${t.src} to ${t.dst} came in on ${c.iface} and not one was forwarded, although ${how}. ` +
                `The tunnel itself is fine up to here: ${here} drops it. The usual causes are a firewall or ACL that does not let ${proto} through ` +
                `(VXLAN uses 8472 or 4789, GENEVE 6081), or reverse-path filtering (rp_filter) dropping packets from ${t.src} on ${c.iface}. ` +
                `Routing is not the problem: the pods' addresses never appear outside the tunnel.`,
              fix:
                `On ${here}: look for a rule dropping ${proto} (iptables -S | grep ${t.port}; nft list ruleset; a cloud security group or ACL) and allow ` +
                `${proto} between the node subnets; check sysctl net.ipv4.conf.${c.iface}.rp_filter (0 or 2 for asymmetric paths).`,
              frames: c.frames,
              count: c.inbound,
              ingress: c.iface,
              src: t.src,
              dst: t.dst,
              port: t.port,
              vni: t.vni,
              tunnel: id,
              proto: 'UDP',
            });
            return;
          }
          // A silent device says nothing of an encrypted tunnel (its packets never show decrypted
          // pairs) nor of one the device does not terminate: only VXLAN and GENEVE count then.
          const kindId = encapByName(t.kind)?.kind;
          const terminatedThere = !t.encrypted && (kindId === 'vxlan' || kindId === 'geneve' || kindId === 'vxlan-gpe');
          if (v.host === 'node' && own.has(t.dst) && (deviceCarried || (deviceListed && terminatedThere))) {
            if (t.innerPairs.some((p) => decapsulated.has(p.srcAddr, p.dstAddr))) return;
            out.push({
              id: 'overlay.dropped',
              severity: 'error',
              title: `${kind} ${t.src} → ${t.dst} (${proto}, VNI ${t.vni}) reaches ${here} on ${c.iface} and is never decapsulated`,
              explanation:
                `${c.inbound} ${kind} packets addressed to this node arrived on ${c.iface}, and none of their inner packets appears on the tunnel device, ` +
                `while the capture does see the tunnel device. The node drops them before decapsulation: a firewall on ${proto} (INPUT), ` +
                `or the node's tunnel device listens on another UDP port or VNI than the sender uses.`,
              fix:
                `On this node: check that ${proto} is allowed in (iptables -S INPUT, nft list ruleset) and that the tunnel device's port matches ` +
                `the sender's (ip -d link show: dstport; Cilium: tunnel-port; Flannel: VNI and port; Calico: vxlanPort).`,
              frames: c.frames,
              count: c.inbound,
              ingress: c.iface,
              src: t.src,
              dst: t.dst,
              port: t.port,
              vni: t.vni,
              tunnel: id,
              proto: 'UDP',
            });
          }
        });
        return out;
      },
    };
  },
};

function sameSubnet(a: string, b: string): boolean {
  const x = parseAddr(a);
  const y = parseAddr(b);
  if (x === undefined || y === undefined || typeof x !== typeof y) return false;
  const bits = typeof x === 'number' ? 24 : 64;
  return prefixOf(x, bits).base === prefixOf(y, bits).base;
}
