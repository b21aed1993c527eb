// icmp.error (warning): destination unreachable (fragmentation needed included), time
// exceeded and parameter problem, for ICMP and ICMPv6 (packet too big), each linked to the
// flow the error quotes (the ICMP dissector decodes the quoted packet as `quoted` layers).
import { rd16, rd32 } from '../../dissect/field-helpers.js';
import { msg } from '../../errors.js';
import { formatAddr, type Addr } from '../addr.js';
import { quotedTunnel } from '../encapsulation.js';
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP } from '../facts.js';
import { Groups, type Alert, type Rule } from './types.js';

export type IcmpErrorKind = 'unreachable' | 'frag-needed' | 'time-exceeded' | 'parameter-problem';

function kindOf(v6: boolean, type: number, code: number): IcmpErrorKind | undefined {
  if (v6) return type === 1 ? 'unreachable' : type === 2 ? 'frag-needed' : type === 3 ? 'time-exceeded' : type === 4 ? 'parameter-problem' : undefined;
  if (type === 3) return code === 4 ? 'frag-needed' : 'unreachable';
  return type === 11 ? 'time-exceeded' : type === 12 ? 'parameter-problem' : undefined;
}

interface G {
  kind: IcmpErrorKind;
  v6: boolean;
  code: number;
  reporter: string;
  mtu: number;
  quoted?: { src: Addr; dst: Addr; proto: number; sport: number; dport: number };
  frames: number[];
  count: number;
}

export const rule: Rule = {
  id: 'icmp.error',
  severity: 'warning',
  description: 'ICMP destination unreachable, fragmentation needed / packet too big, time exceeded',
  start(opts) {
    const groups = new Groups<G>(opts.evidenceFrames);
    return {
      observe(f, pkt) {
        const ip = f.inner;
        if (!ip.present || ip.icmpType < 0 || f.copyOf !== 0 || f.innerCopyOf !== 0) return;
        if (ip.proto !== (ip.v6 ? PROTO_ICMPV6 : PROTO_ICMP)) return;
        const kind = kindOf(ip.v6, ip.icmpType, ip.icmpCode);
        if (!kind) return;
        // Fragmentation needed for a tunnel packet is overlay.pmtu's, with the pod MTU that fits.
        if (kind === 'frag-needed' && quotedTunnel(f, pkt) !== undefined) return;
        const l = pkt.layers[ip.l4]!;
        const d = pkt.data;
        let mtu = 0;
        if (kind === 'frag-needed' && l.payload - l.start >= 8) mtu = ip.v6 ? rd32(d, l.start + 4) : rd16(d, l.start + 6);
        const q = f.quoted;
        let quoted: G['quoted'];
        let qkey = '';
        if (q.present) {
          const echo = q.icmpType === (q.v6 ? 128 : 8) || q.icmpType === (q.v6 ? 129 : 0);
          const ported = q.proto === PROTO_TCP || q.proto === PROTO_UDP;
          const sport = ported ? q.sport : echo ? q.icmpId : 0;
          const dport = ported ? q.dport : echo ? q.icmpId : 0;
          quoted = { src: q.src, dst: q.dst, proto: q.proto, sport, dport };
          qkey = `${String(q.src)}|${String(q.dst)}|${q.proto}|${sport}|${dport}`;
        }
        const key = `${kind}|${ip.icmpCode}|${String(ip.src)}|${qkey}|${mtu}`;
        groups.add(key, f.frame, () => {
          const g: G = { kind, v6: ip.v6, code: ip.icmpCode, reporter: formatAddr(ip.src), mtu, frames: [], count: 0 };
          if (quoted) g.quoted = quoted;
          return g;
        });
      },
      evaluate(m) {
        return groups.values().map((g): Alert => {
          const q = g.quoted;
          const flow = q ? m.flowLookup.find(q.src, q.dst, q.proto, q.sport, q.dport) : undefined;
          const about = q ? msg.quotedFlow(q.proto, formatAddr(q.src), formatAddr(q.dst), q.sport, q.dport) : undefined;
          const alert: Alert = {
            id: 'icmp.error',
            // Fragmentation needed is path MTU discovery doing its job (a tunnel packet's is
            // overlay.pmtu's); the others say a packet was lost.
            severity: g.kind === 'frag-needed' ? 'info' : 'warning',
            title: msg.alertIcmpTitle(g.kind, g.v6, g.code, g.reporter, about, g.mtu, flow?.id),
            explanation: msg.alertIcmpExplanation(g.kind, g.v6, g.code, g.reporter, about, g.mtu, g.count),
            fix: msg.alertIcmpFix(g.kind, g.v6, g.code, g.mtu),
            frames: g.frames,
            count: g.count,
            src: g.reporter,
            details: { type: g.kind, code: g.code },
          };
          if (q) {
            alert.dst = formatAddr(q.dst);
            alert.proto = msg.protoName(q.proto);
          }
          if (flow) alert.flow = flow.id;
          if (g.mtu) alert.details!.mtu = g.mtu;
          return alert;
        });
      },
    };
  },
};
