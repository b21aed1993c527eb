// route.missing (error): one per pod prefix that nothing routes: the prefixes of the
// misroutes, and pod prefixes that unanswered traffic went to and nothing ever came back from.
import { msg } from '../../errors.js';
import { cidrKey, cidrText, type Cidr } from '../addr.js';
import type { Flow } from '../flows.js';
import { findMisroutes, silentPodPrefixes, type Misroute } from '../routing.js';
import type { Alert, Rule } from './types.js';
import { pushAll } from '../../util/max.js';

interface Entry {
  prefix: Cidr;
  misroutes: Misroute[];
  flows: Flow[];
}

export const rule: Rule = {
  id: 'route.missing',
  severity: 'error',
  description: 'a pod prefix that traffic cannot reach: misrouted to the uplink, or never answering',
  start: () => ({
    evaluate(m) {
      const entries = new Map<string, Entry>();
      const entry = (prefix: Cidr): Entry => {
        const k = cidrKey(prefix);
        let e = entries.get(k);
        if (!e) entries.set(k, (e = { prefix, misroutes: [], flows: [] }));
        return e;
      };
      for (const r of findMisroutes(m)) if (!r.answered) entry(r.prefix).misroutes.push(r);
      for (const s of silentPodPrefixes(m)) pushAll(entry(s.prefix).flows, s.flows);
      const cap = m.options.evidenceFrames;
      return [...entries.values()].map((e): Alert => {
        const prefix = cidrText(e.prefix);
        const node = m.view.nodeFor(e.prefix);
        const frames: number[] = [];
        for (const r of e.misroutes) for (const f of r.frames) if (frames.length < cap) frames.push(f);
        for (const f of e.flows) if (frames.length < cap && f.unanswered) frames.push(f.unanswered.firstFrame);
        const packets = e.misroutes.reduce((n, r) => n + r.packets, 0);
        const unanswered = e.flows.length;
        const first = e.misroutes[0];
        const alert: Alert = {
          id: 'route.missing',
          severity: 'error',
          title: first
            ? msg.alertRouteMissingTitleMisroute(m.names.prefix(e.prefix), first.egress)
            : msg.alertRouteMissingTitleSilent(m.names.prefix(e.prefix), unanswered),
          explanation: msg.alertRouteMissingExplanation(
            prefix,
            e.misroutes.map((r) => `${m.names.who(r.src)} → ${m.names.who(r.dst)} (${r.ingress} → ${r.egress})`),
            packets,
            e.flows.map(
              (f) => `${f.proto} ${m.names.who(f.src)} → ${f.proto === 'TCP' || f.proto === 'UDP' ? m.names.endpoint(f.dst, f.dstPort) : m.names.who(f.dst)}`,
            ),
          ),
          fix: msg.alertRouteFix(prefix, node, m.names.nodeName(e.prefix)),
          confidence: e.misroutes.some((r) => r.confirmed) || (e.misroutes.length > 0 && m.view.uplinkSource !== 'inferred') ? 'certain' : 'inferred',
          frames: [...new Set(frames)].sort((a, b) => a - b),
          count: packets + unanswered,
          prefix,
          details: { misroutedPackets: packets, unansweredFlows: unanswered },
        };
        if (first) {
          alert.ingress = first.ingress;
          alert.egress = first.egress;
        }
        const dsts = [...new Set([...e.misroutes.map((r) => r.dst), ...e.flows.map((f) => f.dst)])];
        if (dsts.length === 1) alert.dst = dsts[0]!;
        if (node !== undefined) alert.node = node;
        return alert;
      });
    },
  }),
};
