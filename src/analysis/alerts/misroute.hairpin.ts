// misroute.hairpin (warning): a packet left through the interface it came in on. A router
// doing this sends traffic back where it came from (usually with an ICMP redirect): the
// sender's route for the destination points at the wrong next hop.
//
// A node that takes a packet from its tunnel device and sends it back into it (decapsulated
// and encapsulated again towards another VTEP) is relaying, not hairpinning: that is
// overlay.vtep-asymmetry's business. Copies on unknown interfaces (dumpcap -i any) never
// reach here: the hop pairing does not call them hairpins.
import { msg } from '../../errors.js';
import { roleOf } from '../vantage.js';
import type { Alert, Rule } from './types.js';

export const rule: Rule = {
  id: 'misroute.hairpin',
  severity: 'warning',
  description: 'a forwarded packet left through the interface it came in on',
  start: () => ({
    evaluate(m) {
      return m.hops.paths
        .filter((p) => p.kind === 'hairpin' && roleOf(m.vantage, p.ingress) !== 'tunnel')
        .map((p): Alert => ({
          id: 'misroute.hairpin',
          severity: 'warning',
          title: msg.alertHairpinTitle(p.src, p.dst, p.ingress),
          explanation: msg.alertHairpinExplanation(p.src, p.dst, p.ingress, p.packets, p.ttlIn - p.ttlOut),
          fix: msg.alertHairpinFix(p.dst, p.ingress),
          frames: p.examples.flat().slice(0, m.options.evidenceFrames),
          count: p.packets,
          ingress: p.ingress,
          egress: p.egress,
          src: p.src,
          dst: p.dst,
        }));
    },
  }),
};
