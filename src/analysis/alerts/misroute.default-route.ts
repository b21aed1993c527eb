// misroute.default-route (error): a forwarded packet for a pod destination came in on one
// interface and left through the uplink, the default route's interface: the router has no
// route for the pod prefix (Act 1 of the scenario: in on eth1, out on eth0).
import { msg } from '../../errors.js';
import { cidrText } from '../addr.js';
import { findMisroutes } from '../routing.js';
import { hostWord } from '../vantage.js';
import type { Alert, Rule } from './types.js';

export const rule: Rule = {
  id: 'misroute.default-route',
  severity: 'error',
  description: 'a forwarded packet for a pod destination left through the uplink (default route)',
  start: () => ({
    evaluate(m) {
      const here = hostWord(m.vantage.host);
      const guessed = m.view.uplinkSource === 'inferred';
      return findMisroutes(m).map((r): Alert => {
        const prefix = cidrText(r.prefix);
        const node = m.view.nodeFor(r.prefix);
        const alert: Alert = {
          id: 'misroute.default-route',
          // A guessed uplink alone is not enough for an error: the packets must also go unanswered.
          severity: guessed && r.answered ? 'warning' : 'error',
          confidence: guessed ? 'inferred' : 'certain',
          title: msg.alertMisrouteTitle(r.src, r.dst, r.ingress, r.egress, prefix, here),
          explanation: msg.alertMisrouteExplanation(r.dst, r.ingress, r.egress, prefix, r.packets, m.view.uplinkSource ?? 'inferred', r.confirmed, here),
          fix: msg.alertRouteFix(prefix, node),
          frames: r.frames,
          count: r.packets,
          ingress: r.ingress,
          egress: r.egress,
          prefix,
          src: r.src,
          dst: r.dst,
        };
        if (node !== undefined) alert.node = node;
        return alert;
      });
    },
  }),
};
