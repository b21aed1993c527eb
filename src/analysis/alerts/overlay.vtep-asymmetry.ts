// overlay.vtep-asymmetry (warning): one inner flow whose requests and replies travel between
// different pairs of VTEPs, and the reason when the capture shows it:
//   - a relay (triangular routing): a node decapsulates tunnel packets for a pod it does not
//     host and encapsulates them again towards the node that does; the replies go straight
//     back and bypass it. It works, at twice the underlay traffic through the relay, and it
//     breaks as soon as anything on the way keeps state (a firewall, conntrack, NAT);
//   - a node encapsulating traffic from a pod CIDR it does not host.
// A relay is not a hairpin: the packet leaves in another tunnel towards another VTEP.
import { AddrPairSet } from '../addr.js';
import type { Flow, FlowList } from '../flows.js';
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
      const bySrc = new Map<string, Tunnel[]>();
      for (const t of m.tunnels) {
        const list = bySrc.get(t.src);
        if (list) list.push(t);
        else bySrc.set(t.src, [t]);
      }
      for (const t1 of m.tunnels) {
        for (const t2 of bySrc.get(t1.dst) ?? []) {
          if (t2.dst === t1.src || t2 === t1) continue;
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
      for (let id = 0; id < m.flows.length; id++) {
        const f = m.flows.flow(id);
        const ids0 = f.tunnelsOf(0);
        const ids1 = f.tunnelsOf(1);
        if (ids0.length === 0 || ids1.length === 0) continue;
        // The common case, one tunnel each way between the same VTEPs, without closures.
        if (ids0.length === 1 && ids1.length === 1 && sameVteps(m.tunnels[ids0[0]!]!, m.tunnels[ids1[0]!]!)) continue;
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
        const name = (addr: string): string => (own.has(addr) ? `${here} (${addr})` : addr);
        const words = asymmetryWords(f, [t0.src, t0.dst], [back.src, back.dst], name);
        const alert: Alert = {
          id: 'overlay.vtep-asymmetry',
          severity: 'warning',
          title: `${f.src} → ${f.dst}: requests ride ${t0.src} → ${t0.dst}, replies ${back.src} → ${back.dst}`,
          explanation: words.explanation + (own.has(words.look.at) ? '' : ` Capture on ${words.look.at} to see ${words.look.what}.`),
          fix: words.fix,
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
function relayFrames(t1: Tunnel, t2: Tunnel, relayed: readonly InnerPair[], flows: FlowList, cap: number): number[] {
  const pairs = new AddrPairSet();
  for (const p of relayed) pairs.add(p.srcAddr, p.dstAddr);
  return evidenceFrames([innerPairFrames(t1, pairs, flows, cap), innerPairFrames(t2, pairs, flows, cap)], cap);
}

/**
 * What one flow's two VTEP pairs say, requests a -> b and replies c -> d: symmetric traffic has
 * c = b and d = a, so the end where they differ is where to look. The same pair at the client's
 * end (a = d): the requests go to a node (b) other than the one the replies come from (c), which
 * relays them or should have had them. The same at the server's end (b = c): the requests come
 * from a node (a) other than the one the replies go to (d), which relays them for d or
 * encapsulates for a pod it does not host. `look` is the odd node on the requests' way.
 */
function asymmetryWords(
  f: Flow,
  [a, b]: [string, string],
  [c, d]: [string, string],
  name: (addr: string) => string,
): { explanation: string; fix: string; look: { at: string; what: string } } {
  const pairs = `The two directions of one inner flow use different VTEP pairs: requests ${a} → ${b}, replies ${c} → ${d}.`;
  const tools = 'Cilium: cilium bpf tunnel list; others: bridge fdb show, ip route';
  if (a === d)
    return {
      explanation:
        `${pairs} Both have ${name(a)} at ${f.src}'s end; at ${f.dst}'s end they differ: the requests are encapsulated to ${name(b)}, but the replies come from ${name(c)}. ` +
        `${b} does not answer for ${f.dst}: the requests reach ${c} through it (a relay, triangular routing), and ${c} answers straight back.`,
      fix:
        `On ${name(a)}, the tunnel entry for ${f.dst}'s pod CIDR points at ${b} while ${f.dst}'s replies come from ${c}: it must name the node ${f.dst} runs on ` +
        `(kubectl get pods -o wide; ${tools}).`,
      look: { at: b, what: 'what it does with them' },
    };
  if (b === c)
    return {
      explanation:
        `${pairs} Both have ${name(b)} at ${f.dst}'s end; at ${f.src}'s end they differ: the requests come from ${name(a)}, but the replies go to ${name(d)}. ` +
        `${a} relays requests that ${d} sent it (triangular routing), or it encapsulates traffic from ${f.src}'s pod CIDR, which it does not host.`,
      fix:
        `If ${a} relays them, the tunnel entry for ${f.dst}'s pod CIDR on ${name(d)} points at ${a} instead of ${b}: it must name the node ${f.dst} runs on ` +
        `(kubectl get pods -o wide; ${tools}).`,
      look: { at: a, what: 'where the requests come from' },
    };
  return {
    explanation:
      `${pairs} They share no end. One node's tunnel map disagrees with where the pods live, so packets go to a node that does not host their destination (it relays them or drops them), ` +
      `or a node encapsulates traffic for a pod CIDR it does not own.`,
    fix: `Compare the tunnel entries for the two pod CIDRs on ${name(a)} and on ${name(c)} with the nodes the pods run on (kubectl get pods -o wide; ${tools}).`,
    look: { at: b, what: 'what it does with the requests' },
  };
}
