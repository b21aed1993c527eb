// overlay.bad-header (warning): tunnel headers a receiver may drop or misread: VXLAN without
// the I flag (no valid VNI), reserved bits set, GENEVE critical options a receiver must
// understand or drop (flagged when their class is not one a known implementation registered,
// or when the C bit and the options disagree), an unknown GENEVE version, or an inner
// protocol the header announces that nothing decodes.
import { rd16 } from '../../dissect/field-helpers.js';
import { geneveOptions } from '../../dissect/layers/geneve.js';
import { msg } from '../../errors.js';
import { formatAddr } from '../addr.js';
import type { Facts } from '../facts.js';
import { TUNNEL_KIND_NAMES } from '../tunnels.js';
import { Groups, type Alert, type Rule } from './types.js';

/**
 * Option classes IANA has handed to implementations live low in the space (0x0100 Linux,
 * 0x0101 Open vSwitch, 0x0102 OVN, then VMware, Amazon, Cisco, Oracle, Google...). A critical
 * option from the experimental range (0xfff0-0xffff) or an unassigned class is one most
 * receivers will not understand, so they must drop the packet.
 */
function knownClass(cls: number): boolean {
  return cls < 0x0200;
}

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
    kind: TUNNEL_KIND_NAMES[f.tunnelKind] ?? f.tunnelKind,
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
  description: 'VXLAN/GENEVE headers with the I flag clear, reserved bits, unknown critical options or inner protocol',
  start(opts) {
    const groups = new Groups<G>(opts.evidenceFrames);
    return {
      observe(f, pkt) {
        if (f.tunnel < 0 || f.copyOf !== 0) return;
        const l = pkt.layers[f.tunnel]!;
        if (l.payload - l.start < 8) return;
        const d = pkt.data;
        const at = l.start;
        if (f.tunnelKind === 'vxlan') {
          const flags = rd16(d, at);
          // With the Group Policy extension (G), bits D and A and the group id are defined.
          const gbp = (flags & 0x8000) !== 0;
          const reserved = (flags & (gbp ? 0x77b7 : 0x77ff)) | (gbp ? 0 : rd16(d, at + 2)) | d[at + 7]!;
          if (flags & 0x0800 && reserved === 0 && !f.tunnelPayloadUnknown) return;
          if (!(flags & 0x0800)) add(groups, f, 'vxlan-i-flag', `0x${flags.toString(16).padStart(4, '0')}`);
          if (reserved) add(groups, f, 'vxlan-reserved', `flags 0x${flags.toString(16).padStart(4, '0')}, byte 7 0x${d[at + 7]!.toString(16).padStart(2, '0')}`);
        } else if (f.tunnelKind === 'geneve') {
          const version = d[at]! >> 6;
          if (version !== 0) add(groups, f, 'geneve-version', String(version));
          if ((d[at + 1]! & 0x3f) !== 0 || d[at + 7] !== 0) add(groups, f, 'geneve-reserved', `flags 0x${d[at + 1]!.toString(16).padStart(2, '0')}`);
          const cBit = (d[at + 1]! & 0x40) !== 0;
          if (cBit || l.payload - at > 8) {
            const critical = geneveOptions(pkt, l).filter((o) => (o.type & 0x80) !== 0);
            if (cBit !== critical.length > 0) add(groups, f, 'geneve-c-bit', cBit ? 'C set, no critical option' : 'critical option, C clear');
            for (const o of critical) if (!knownClass(o.cls)) add(groups, f, 'geneve-critical', `class 0x${o.cls.toString(16).padStart(4, '0')} type 0x${o.type.toString(16).padStart(2, '0')}`);
          }
        }
        if (f.tunnelPayloadUnknown) {
          const proto = f.tunnelKind === 'geneve' ? `0x${rd16(d, at + 2).toString(16).padStart(4, '0')}` : f.tunnelKind === 'vxlan-gpe' ? `next protocol ${d[at + 3]}` : '?';
          add(groups, f, 'inner-protocol', proto);
        }
      },
      evaluate() {
        return groups.values().map(
          (g): Alert => ({
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
          }),
        );
      },
    };
  },
};
