// The alert rules, in the order their alerts are listed when severities tie.
import { rule as captureSnaplen } from './capture.snaplen.js';
import { rule as flowStalled } from './flow.stalled.js';
import { rule as flowUnanswered } from './flow.unanswered.js';
import { rule as icmpError } from './icmp.error.js';
import { rule as misrouteDefaultRoute } from './misroute.default-route.js';
import { rule as misrouteHairpin } from './misroute.hairpin.js';
import { rule as overlayAsymmetric } from './overlay.asymmetric.js';
import { rule as overlayBadHeader } from './overlay.bad-header.js';
import { rule as overlayFragmented } from './overlay.fragmented.js';
import { rule as overlayDropped } from './overlay.dropped.js';
import { rule as overlayUndelivered } from './overlay.undelivered.js';
import { rule as overlayNativePodTraffic } from './overlay.native-pod-traffic.js';
import { rule as overlayPmtu } from './overlay.pmtu.js';
import { rule as overlayVtepAsymmetry } from './overlay.vtep-asymmetry.js';
import { rule as overlayWrongVtep } from './overlay.wrong-vtep.js';
import { rule as routeMissing } from './route.missing.js';
import { SEVERITY_RANK, type Alert, type Rule } from './types.js';

export const RULES: readonly Rule[] = [
  overlayDropped,
  overlayUndelivered,
  overlayWrongVtep,
  overlayPmtu,
  misrouteDefaultRoute,
  routeMissing,
  overlayFragmented,
  misrouteHairpin,
  overlayNativePodTraffic,
  overlayVtepAsymmetry,
  overlayAsymmetric,
  overlayBadHeader,
  flowStalled,
  flowUnanswered,
  icmpError,
  captureSnaplen,
];

/** Most severe first; within a severity, rule order, then the first evidence frame. */
export function sortAlerts(alerts: Alert[]): Alert[] {
  const order = new Map(RULES.map((r, i) => [r.id, i]));
  return alerts.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (order.get(a.id) ?? 99) - (order.get(b.id) ?? 99) || (a.frames[0] ?? 0) - (b.frames[0] ?? 0),
  );
}

export { SEVERITY_RANK, type Alert, type AnalysisModels, type Rule, type RuleRun, type Severity } from './types.js';
