// overlay.wrong-vtep (error): tunnel packets delivered to a VTEP that does not host their inner
// destination. Which node hosts which pod prefix comes from the VTEP map (--pod-cidr
// NODE=CIDR, the node's own routes to its pod veths, pods' first-hand packets). The receiving
// node's kernel says it too: the decapsulated frame is addressed to another host's MAC, so it
// is captured on the tunnel device with packet type OTHERHOST and dropped.
//
// Not this rule's: a VTEP that decapsulates and re-encapsulates the packets to the right node
// (a relay, overlay.vtep-asymmetry), and answered traffic (it got there after all).
import { AddrPairSet, formatAddr, type Addr } from '../addr.js';
import { PACKET_OTHERHOST, type Facts } from '../facts.js';
import { evidenceFrames, innerPairFrames, innerPairKeys, type Tunnel } from '../tunnels.js';
import { hostWord, interfaceRoleFromName } from '../vantage.js';
import type { Alert, Rule } from './types.js';

interface Otherhost {
  iface: string;
  dst: Addr;
  frames: number[];
  count: number;
}

export const rule: Rule = {
  id: 'overlay.wrong-vtep',
  severity: 'error',
  description: 'tunnel packets delivered to a VTEP that does not host the inner destination (dropped there as OTHERHOST)',
  start(opts) {
    const otherhost = new Map<string, Otherhost>();
    return {
      observe(f: Facts) {
        if (f.pktType !== PACKET_OTHERHOST || f.tunnel >= 0 || !f.outer.present || f.iface === undefined) return;
        if (interfaceRoleFromName(f.iface) !== 'tunnel') return;
        const dst = f.outer.dst;
        const key = `${f.iface}|${dst}`;
        let o = otherhost.get(key);
        if (!o) {
          if (otherhost.size >= 256) return;
          otherhost.set(key, (o = { iface: f.iface, dst, frames: [], count: 0 }));
        }
        o.count++;
        if (o.frames.length < opts.evidenceFrames) o.frames.push(f.frame);
      },
      evaluate(m) {
        const here = hostWord(m.vantage.host);
        let answered: AddrPairSet | undefined;
        const wasAnswered = (src: Addr, dst: Addr): boolean => {
          if (answered === undefined) {
            answered = new AddrPairSet();
            for (let id = 0; id < m.flows.length; id++) {
              const f = m.flows.flow(id);
              if (f.packetsOf(1) > 0) answered.add(f.srcAddr, f.dstAddr);
            }
          }
          return answered.has(src, dst);
        };
        const alerts = new Map<string, Alert>();
        // Per alert, what its evidence comes from: the tunnel, the inner pairs it misdelivers, their OTHERHOST drops.
        const evidence = new Map<Alert, { tunnel: Tunnel; pairs: AddrPairSet; dropped: Set<Otherhost> }>();
        const droppedFor = new Map<Addr, Otherhost>();
        for (const o of otherhost.values()) if (!droppedFor.has(o.dst)) droppedFor.set(o.dst, o);
        for (const t of m.tunnels) {
          for (const p of t.innerPairs) {
            const d = p.dstAddr;
            if (!m.view.isPod(d)) continue;
            const owner = m.vteps.ownerOf(d);
            const dropped = droppedFor.get(d);
            if (owner === undefined && dropped === undefined) continue;
            if (owner !== undefined && (owner.nodes.includes(t.dst) || owner.nodes.includes(t.src))) continue;
            // Relayed: the wrong VTEP sends it on to the right one.
            if (m.tunnels.some((u) => u.src === t.dst && u.dst !== t.src && innerPairKeys(u).has(p.srcAddr, p.dstAddr))) continue;
            if (dropped === undefined && (wasAnswered(p.srcAddr, p.dstAddr) || wasAnswered(p.dstAddr, p.srcAddr))) continue;
            const key = `${t.src}|${t.dst}|${owner ? owner.prefix.base : p.dst}`;
            let a = alerts.get(key);
            const prefix = owner ? `${formatAddr(owner.prefix.base)}/${owner.prefix.bits}` : p.dst;
            const right = owner ? owner.nodes.join(' or ') : undefined;
            const belief = m.vteps.routeTo(d);
            // The capturing host's own route for the prefix is the wrong entry when the sender
            // captured, or evidence of the right VTEP when another host did.
            const entry = belief && belief.vtep === t.dst ? ` (the route "${belief.prefix} ... encap ... dst ${belief.vtep}")` : '';
            const target = right ?? (belief && belief.vtep !== t.dst ? belief.vtep : undefined);
            const ownRoute =
              !right && belief && target === belief.vtep ? ` (${here}'s own route "${belief.prefix} ... encap ... dst ${belief.vtep}" says so)` : '';
            if (!a) {
              a = {
                id: 'overlay.wrong-vtep',
                severity: 'error',
                confidence: dropped !== undefined || owner?.source !== 'traffic' ? 'certain' : 'inferred',
                title: `${t.kind} for ${prefix} goes to VTEP ${t.dst}${right ? `, but ${prefix} lives on ${right}` : ''}: ${t.dst} drops it`,
                explanation:
                  `${t.src} encapsulates packets for ${p.dst} (from ${p.src}) to ${t.dst}${right ? `, while ${prefix} is hosted by ${right} (${ownerSource(owner!.source)})` : ''}. ` +
                  (dropped
                    ? `${here === 'this node' ? 'This node' : capital(here)} decapsulates them and its tunnel device ${dropped.iface} marks them OTHERHOST (${dropped.count} packets): the inner frame is addressed to another host, so the kernel drops it. `
                    : `Nothing comes back for these flows: the receiving node has no pod ${p.dst} and drops them (on its tunnel device as OTHERHOST). `) +
                  `The sender's tunnel map (its route or FDB entry for ${prefix}) points at the wrong node.` +
                  (dropped ? '' : ` Capture on ${t.dst} to see the drop.`),
                fix:
                  `Fix the sender's tunnel/VTEP entry for ${prefix} on ${t.src}${entry}: it points at ${t.dst}` +
                  (target ? `, and must point at ${target}${ownRoute}. ` : ', not at the node that hosts it. ') +
                  `Cilium: cilium bpf tunnel list (and cilium-dbg node list) on ${t.src}; Flannel/Calico: bridge fdb show dev the tunnel device and ip neigh; ` +
                  `a stale entry usually follows a node whose pod CIDR or IP changed: restart the agent on ${t.src}.`,
                frames: [],
                count: 0,
                src: t.src,
                dst: t.dst,
                prefix,
                tunnel: t.id,
                vni: t.vni,
                port: t.port,
              };
              if (right) a.node = right;
              alerts.set(key, a);
              evidence.set(a, { tunnel: t, pairs: new AddrPairSet(), dropped: new Set() });
            }
            a.count += dropped?.count ?? p.packets;
            const e = evidence.get(a)!;
            e.pairs.add(p.srcAddr, p.dstAddr);
            if (dropped) e.dropped.add(dropped);
          }
        }
        // The evidence is these pairs' packets only: the tunnel also carries healthy traffic to the VTEP's own pods.
        for (const [a, e] of evidence) {
          const drops = [...e.dropped].map((o) => o.frames);
          a.frames = evidenceFrames([...drops, innerPairFrames(e.tunnel, e.pairs, m.flows, opts.evidenceFrames)], opts.evidenceFrames);
        }
        const explained = new Set([...evidence.values()].flatMap((e) => [...e.dropped]));
        // OTHERHOST drops on a tunnel device that no tunnel row explains (the outer side not captured).
        for (const o of otherhost.values()) {
          if (explained.has(o)) continue;
          const dst = formatAddr(o.dst);
          alerts.set(`otherhost|${o.iface}|${dst}`, {
            id: 'overlay.wrong-vtep',
            severity: 'error',
            title: `packets for ${dst} come out of ${o.iface} as OTHERHOST: ${here} is not their VTEP and drops them`,
            explanation: `${o.count} decapsulated packets for ${dst} on the tunnel device ${o.iface} carry packet type OTHERHOST: their inner frame is addressed to another host, so the kernel drops them. The sending node's tunnel map sends ${dst}'s traffic to the wrong node.`,
            fix: `Find which node hosts ${dst} (kubectl get pod -o wide) and fix the sending node's tunnel/VTEP entry for its pod CIDR (Cilium: cilium bpf tunnel list; others: bridge fdb show).`,
            frames: o.frames,
            count: o.count,
            ingress: o.iface,
            dst,
          });
        }
        return [...alerts.values()];
      },
    };
  },
};

function ownerSource(s: string): string {
  return s === 'option' ? 'given with --pod-cidr' : s === 'ip-route' ? "this node's routes to its pods" : "its pods' own packets come from it";
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
