// flow.unanswered (warning): TCP SYNs without a SYN/ACK, ICMP echo requests without a reply,
// DNS queries without a response, with nothing at all coming back. Flows are grouped by
// kind, destination and service port (pings by destination only, their identifiers vary).
import { msg } from '../../errors.js';
import { isMirror } from '../encapsulation.js';
import type { Flow, Unanswered } from '../flows.js';
import type { Tunnel } from '../tunnels.js';
import { hostWord } from '../vantage.js';
import type { Alert, Rule } from './types.js';

interface Group {
  kind: Unanswered;
  flow: Flow;
  flows: number;
  requests: number;
  sources: Set<string>;
  frames: number[];
}

/** Distinct sources counted per group, at most (a scan has many). */
const MAX_SOURCES = 1000;

export const rule: Rule = {
  id: 'flow.unanswered',
  severity: 'warning',
  description: 'TCP SYNs, ICMP echo requests or DNS queries that nothing answered',
  start: () => ({
    evaluate(m) {
      // One alert per destination and service: many clients (or a scan) knocking on one
      // silent port make one alert, not one per client.
      const groups = new Map<string, Group>();
      for (let id = 0; id < m.flows.length; id++) {
        const f = m.flows.flow(id);
        const u = f.unanswered;
        if (!u || relayedHere(f, m.tunnels) || onlyMirrored(f, m.tunnels)) continue;
        const port = u.kind === 'icmp-echo' ? 0 : f.dstPort;
        const key = `${u.kind}|${f.dst}|${port}`;
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { kind: u.kind, flow: f, flows: 0, requests: 0, sources: new Set(), frames: [] }));
        g.flows++;
        g.requests += u.count;
        if (g.sources.size < MAX_SOURCES) g.sources.add(f.src);
        if (g.frames.length < m.options.evidenceFrames) g.frames.push(u.firstFrame);
      }
      return [...groups.values()].map((g): Alert => {
        const f = g.flow;
        const tunnelled = f.tunnels.length > 0;
        const from = g.sources.size === 1 ? m.names.who(f.src) : msg.manySources(g.sources.size, g.sources.size >= MAX_SOURCES);
        const vtep = tunnelled ? m.tunnels[f.directions[0].tunnels[0] ?? f.tunnels[0]!]?.dst : undefined;
        // Where to look next: the VTEP the requests ride to, unless this capture is already there.
        const seen =
          vtep === undefined
            ? ''
            : m.vantage.own.includes(vtep)
              ? ` The requests ride a tunnel to VTEP ${vtep}, ${hostWord(m.vantage.host)} itself: they arrive here and get no answer.`
              : ` The requests ride a tunnel to VTEP ${vtep}: capture on ${vtep} (or the next hop towards it) to see whether they arrive.`;
        const alert: Alert = {
          id: 'flow.unanswered',
          severity: 'warning',
          title: msg.alertUnansweredTitle(g.kind, from, g.kind === 'icmp-echo' ? m.names.who(f.dst) : m.names.endpoint(f.dst, f.dstPort), g.requests, g.flows),
          explanation: msg.alertUnansweredExplanation(g.kind, f.dst, g.requests, g.frames[0]!, tunnelled) + seen,
          fix: msg.alertUnansweredFix(g.kind, f.dst, f.dstPort, tunnelled),
          frames: g.frames,
          count: g.requests,
          dst: f.dst,
          proto: f.proto,
          flow: f.id,
          details: { flows: g.flows, requests: g.requests, sources: g.sources.size, firstFrame: g.frames[0]! },
        };
        if (g.sources.size === 1) alert.src = f.src;
        if (g.kind !== 'icmp-echo') alert.port = f.dstPort;
        return alert;
      });
    },
  }),
};

/**
 * A flow this host relays (it arrives in one tunnel and leaves in another, from this VTEP to a
 * third): the replies go straight back and need not pass here, so silence proves nothing.
 */
function relayedHere(f: Flow, tunnels: readonly Tunnel[]): boolean {
  const ids = f.tunnelsOf(0);
  if (ids.length < 2) return false;
  const list = ids.map((id) => tunnels[id]!);
  return list.some((a) => list.some((b) => b.src === a.dst && b.dst !== a.src));
}

/** A flow seen only inside port-mirroring sessions (ERSPAN): they often copy one direction only. */
function onlyMirrored(f: Flow, tunnels: readonly Tunnel[]): boolean {
  return f.tunnels.length > 0 && f.tunnels.every((id) => isMirror(tunnels[id]!.kind));
}
