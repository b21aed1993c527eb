// overlay.bad-header (warning): tunnel headers a receiver may drop or misread. What counts as
// a problem is each kind's own check in its descriptor (dissect/encap): VXLAN without the I
// flag or with reserved bits set, GENEVE critical options of unknown classes, a C bit that
// disagrees, an unknown version; and, for kinds that name their payload, an inner protocol
// that nothing decodes.
import type { HeaderFinding } from '../../dissect/encap/types.js';
import { msg } from '../../errors.js';
import { formatAddr } from '../addr.js';
import type { Facts } from '../facts.js';
import { kindName } from '../tunnels.js';
import { Groups, type Alert, type Rule } from './types.js';

export type HeaderProblem = 'vxlan-i-flag' | 'vxlan-reserved' | 'geneve-version' | 'geneve-reserved' | 'geneve-critical' | 'geneve-c-bit' | 'inner-protocol';

interface G {
  problem: HeaderProblem;
  kind: string;
  src: string;
  dst: string;
  port: number;
  vni: number;
  detail: string;
  frames: number[];
  count: number;
}

function add(groups: Groups<G>, f: Facts, problem: HeaderProblem, detail: string): void {
  const key = `${problem}|${String(f.outer.src)}|${String(f.outer.dst)}|${f.tunnelPort}|${detail}`;
  groups.add(key, f.frame, () => ({
    problem,
    kind: kindName(f.tunnelKind),
    src: formatAddr(f.outer.src),
    dst: formatAddr(f.outer.dst),
    port: f.tunnelPort,
    vni: f.vni,
    detail,
    frames: [],
    count: 0,
  }));
}

export const rule: Rule = {
  id: 'overlay.bad-header',
  severity: 'warning',
  description: 'tunnel headers with the I flag clear, reserved bits, unknown critical options or inner protocol',
  start(opts) {
    const groups = new Groups<G>(opts.evidenceFrames);
    return {
      observe(f, pkt) {
        if (f.tunnel < 0 || f.copyOf !== 0) return;
        const encap = f.encap;
        if (!encap || f.tunnelMalformed) return;
        // Most headers are clean: tell from the bytes before asking for the dissected layers.
        if (!f.tunnelPayloadUnknown && encap.clean?.(f.data, f.tunnelAt, f.tunnelEnd)) return;
        const findings: HeaderFinding[] = encap.check?.(pkt, f.tunnel) ?? [];
        if (f.tunnelPayloadUnknown && encap.innerProtocol) findings.push({ problem: 'inner-protocol', detail: encap.innerProtocol(pkt, f.tunnel) });
        for (const x of findings) add(groups, f, x.problem as HeaderProblem, x.detail);
      },
      evaluate() {
        return groups.values().map((g): Alert => ({
          id: 'overlay.bad-header',
          severity: 'warning',
          title: msg.alertBadHeaderTitle(g.problem, g.kind, g.src, g.dst, g.detail, g.count),
          explanation: msg.alertBadHeaderExplanation(g.problem, g.kind, g.detail),
          fix: msg.alertBadHeaderFix(g.problem),
          frames: g.frames,
          count: g.count,
          src: g.src,
          dst: g.dst,
          port: g.port,
          vni: g.vni,
          details: { problem: g.problem, header: g.detail },
        }));
      },
    };
  },
};
