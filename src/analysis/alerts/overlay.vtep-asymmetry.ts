// overlay.vtep-asymmetry (warning): one inner flow whose requests and replies travel between
// different pairs of VTEPs, and the reason when the capture shows it:
//   - a relay (triangular routing): a node decapsulates tunnel packets for a pod it does not
//     host and encapsulates them again towards the node that does; the replies go straight
//     back and bypass it. It works, at twice the underlay traffic through the relay, and it
//     breaks as soon as anything on the way keeps state (a firewall, conntrack, NAT);
//   - a node encapsulating traffic from a pod CIDR it does not host.
// A relay is not a hairpin: the packet leaves in another tunnel towards another VTEP.
import { AddrPairSet } from '../addr.js';
import type { Flow } from '../flows.js';
import { evidenceFrames, innerPairFrames, innerPairKeys, type InnerPair, type Tunnel } from '../tunnels.js';
import { hostWord } from '../vantage.js';
import type { Alert, Rule } from './types.js';

/** The two tunnels join the same two VTEPs, in either direction. */
const sameVteps = (a: Tunnel, b: Tunnel): boolean => (a.src === b.src && a.dst === b.dst) || (a.src === b.dst && a.dst === b.src);

export const rule: Rule = {
  id: 'overlay.vtep-asymmetry',
  severity: 'warning',
  description: "one inner flow's requests and replies use different VTEP pairs (a relay, triangular routing)",
  start: () => ({
    evaluate(m) {
      const here = hostWord(m.vantage.host);
      const own = new Set(m.vantage.own);
      const out: Alert[] = [];
      const relays = new Set<string>();
      // Relays: tunnel S -> X and X -> O (O != S) carrying the same inner pair.
      for (const t1 of m.tunnels) {
        for (const t2 of m.tunnels) {
          if (t2.src !== t1.dst || t2.dst === t1.src || t2 === t1) continue;
          const theirs = innerPairKeys(t2);
          // The pairs t1's end passes on: carried both ways round the relay, for a pod it does not host.
          const relayed = t1.innerPairs.filter((p) => theirs.has(p.srcAddr, p.dstAddr) && !m.vteps.ownerOf(p.dstAddr)?.nodes.includes(t1.dst));
          const shared = relayed[0];
          if (!shared) continue;
          const key = `${t1.src}|${t1.dst}|${t2.dst}`;
          if (relays.has(key)) continue;
          relays.add(key);
          const relay = own.has(t1.dst) ? `${here} (${t1.dst})` : t1.dst;
          out.push({
            id: 'overlay.vtep-asymmetry',
            severity: 'warning',
            title: `${relay} relays ${shared.src} → ${shared.dst}: decapsulates it from ${t1.src} and encapsulates it again to ${t2.dst}`,
            explanation:
              `Tunnel packets for ${shared.dst} from ${t1.src} go to ${t1.dst}, which does not host ${shared.dst}; it sends them on in a second tunnel to ${t2.dst}. ` +
              `The replies take the direct way back, so requests and replies travel between different VTEP pairs (triangular routing). It works, at twice the ` +
              `underlay traffic through ${t1.dst}, and breaks as soon as something on the way keeps state (a firewall, conntrack, NAT). This is not a hairpin: ` +
              `the packet leaves in another tunnel towards another VTEP.`,
            fix:
              `Point ${t1.src}'s tunnel entry for ${shared.dst}'s pod CIDR at ${t2.dst} (Cilium: cilium bpf tunnel list on ${t1.src}; others: bridge fdb show, ip route), ` +
              `so packets go straight to the node that hosts the pod.`,
            frames: relayFrames(t1, t2, relayed, m.flows, m.options.evidenceFrames),
            count: relayed.reduce((n, p) => n + p.packets, 0),
            src: t1.src,
            dst: t2.dst,
            node: t1.dst,
            tunnel: t1.id,
          });
        }
      }
      // Flows whose two directions share no VTEP pair, one alert per pattern of VTEPs.
      const byPattern = new Map<string, Alert>();
      for (const f of m.flows) {
        const ids0 = f.tunnelsOf(0);
        const ids1 = f.tunnelsOf(1);
        if (ids0.length === 0 || ids1.length === 0) continue;
        const t1 = ids1.map((id) => m.tunnels[id]!);
        if (t1.some((t) => ids0.some((id) => sameVteps(m.tunnels[id]!, t)))) continue;
        const t0 = m.tunnels[ids0[0]!]!;
        const back = t1[0]!;
        // Already explained by a relay it passes through.
        if ([...relays].some((k) => k.startsWith(`${t0.src}|${t0.dst}|`) || k.endsWith(`|${back.dst}`))) continue;
        const key = `${t0.src}|${t0.dst}|${back.src}|${back.dst}`;
        const same = byPattern.get(key);
        if (same) {
          same.count += f.packets;
          continue;
        }
        const alert: Alert = {
          id: 'overlay.vtep-asymmetry',
          severity: 'warning',
          title: `${f.src} → ${f.dst}: requests ride ${t0.src} → ${t0.dst}, replies ${back.src} → ${back.dst}`,
          explanation:
            `The two directions of one inner flow use different VTEP pairs: requests are encapsulated to ${t0.dst}, replies come from ${back.src}. ` +
            `One node's tunnel map disagrees with where the pods live, so packets go to a node that does not host their destination (it relays them or drops them), ` +
            `or a node encapsulates traffic for a pod CIDR it does not own. Capture on ${t0.dst} to see what it does with them.`,
          fix: `Compare the tunnel entries for the two pod CIDRs on ${t0.src} and ${back.src} (Cilium: cilium bpf tunnel list; others: bridge fdb show, ip route) with the nodes the pods run on (kubectl get pods -o wide).`,
          frames: f.frames.slice(0, m.options.evidenceFrames),
          count: f.packets,
          src: f.src,
          dst: f.dst,
          flow: f.id,
        };
        byPattern.set(key, alert);
        out.push(alert);
      }
      return out;
    },
  }),
};

/** The relayed pairs' packets in both tunnels: either may carry other, healthy pairs too. */
function relayFrames(t1: Tunnel, t2: Tunnel, relayed: readonly InnerPair[], flows: readonly Flow[], cap: number): number[] {
  const pairs = new AddrPairSet();
  for (const p of relayed) pairs.add(p.srcAddr, p.dstAddr);
  return evidenceFrames([innerPairFrames(t1, pairs, flows, cap), innerPairFrames(t2, pairs, flows, cap)], cap);
}
