// overlay.native-pod-traffic (warning): pod-to-pod packets routed by a router without
// encapsulation, between pod prefixes of different nodes, where the route table does not cover
// the destination: native routing across an L3 boundary, which works only while every router
// on the way knows every pod CIDR. A router whose table (--ip-route) holds the pod prefix (BGP,
// static routes) is doing its job; without a table only traffic sent to the uplink counts.
// A node routing its pods' packets natively is native routing by design and never counts.
import { msg } from '../../errors.js';
import { cidrText, parseAddr } from '../addr.js';
import { lookupRoute } from '../options.js';
import { hostWord } from '../vantage.js';
import type { Alert, Rule } from './types.js';

export const rule: Rule = {
  id: 'overlay.native-pod-traffic',
  severity: 'warning',
  description: 'pod-to-pod traffic routed across a router without encapsulation',
  start: () => ({
    evaluate(m) {
      const groups = new Map<string, Alert>();
      if (m.vantage.host !== 'router' && m.vantage.host !== 'unknown') return [];
      const routes = m.options.routes;
      const here = hostWord(m.vantage.host);
      for (const p of m.hops.paths) {
        if (p.kind !== 'routed' || p.encapsulated) continue;
        const src = parseAddr(p.src);
        const dst = parseAddr(p.dst);
        if (src === undefined || dst === undefined || !m.view.isPod(src) || !m.view.isPod(dst)) continue;
        if (routes.length > 0 ? lookupRoute(routes, dst)?.prefix !== undefined : p.egress !== m.view.uplink) continue;
        const from = cidrText(m.view.nodePrefix(src));
        const to = cidrText(m.view.nodePrefix(dst));
        if (from === to) continue;
        const key = `${from}|${to}|${p.ingress}|${p.egress}`;
        let a = groups.get(key);
        if (!a) {
          a = {
            id: 'overlay.native-pod-traffic',
            severity: 'warning',
            confidence: routes.length > 0 ? 'certain' : 'inferred',
            title: msg.alertNativeTitle(from, to, p.ingress, p.egress),
            explanation: '',
            fix: msg.alertNativeFix(),
            frames: [],
            count: 0,
            ingress: p.ingress,
            egress: p.egress,
            src: p.src,
            dst: p.dst,
            prefix: to,
          };
          groups.set(key, a);
        }
        a.count += p.packets;
        for (const [i, e] of p.examples) if (a.frames.length < m.options.evidenceFrames) a.frames.push(i, e);
      }
      for (const a of groups.values()) a.explanation = msg.alertNativeExplanation(a.src!, a.dst!, a.ingress!, a.egress!, a.count, here);
      return [...groups.values()];
    },
  }),
};
