// overlay.pmtu (warning; error for a black hole): the underlay path is narrower than what the overlay sends with DF set.
// A router (or the sending node) answers a DF-set tunnel packet that does not fit with ICMP
// "fragmentation needed" (ICMPv6 "packet too big") quoting it, and names the path MTU. The pod
// MTU that fits is that MTU minus the real encapsulation overhead (50 bytes for VXLAN over
// IPv4, 70 over IPv6, GENEVE 50/70 plus its options), not the MTU itself.
//
// When the error is addressed by the node to itself (source = destination, or seen on lo),
// the tunnel device found out inside the sending node: the ICMP goes nowhere useful, the pod
// is never told to send smaller packets, and large transfers stall: a PMTU black hole.
import { rd16, rd32 } from '../../dissect/field-helpers.js';
import { formatAddr } from '../addr.js';
import { encapsulationOverhead, quotedTunnel } from '../encapsulation.js';
import { PROTO_ICMP, PROTO_ICMPV6 } from '../facts.js';
import { kindName } from '../tunnels.js';
import { hostWord } from '../vantage.js';
import { Groups, type Alert, type Rule } from './types.js';

interface G {
  reporter: string;
  /** The tunnel packet quoted: its outer endpoints and kind. */
  vtepSrc: string;
  vtepDst: string;
  kind: string;
  mtu: number;
  overhead: number;
  /** The ICMP never leaves the node: it is addressed to the node itself. */
  selfAddressed: boolean;
  iface: string;
  frames: number[];
  count: number;
}

/** The node found the tunnel too big for its route and then told the pod: PMTU discovery works, at a cost. */
function relayedToPod(g: G, told: { to: string; mtu: number; frame: number }, here: string): Alert {
  const kind = kindName(g.kind);
  const podMtu = g.mtu > g.overhead ? g.mtu - g.overhead : 0;
  return {
    id: 'overlay.pmtu',
    severity: 'warning',
    title: `${g.reporter} drops ${kind} packets to ${g.vtepDst} that exceed path MTU ${g.mtu} and tells the pod ${told.to} to use ${told.mtu}`,
    explanation:
      `${g.reporter} sent itself ${g.count} ICMP "fragmentation needed" for DF-set ${kind} packets (path MTU ${g.mtu}), and passed the news on: ${told.to} got ` +
      `"fragmentation needed, MTU ${told.mtu}" (frame ${told.frame}), so its TCP lowers the segment size and transfers recover. Every new connection still ` +
      `loses its first full-size packets and waits for a retransmission: the pod MTU is larger than the path allows. Seen from ${here}.`,
    fix: podMtu
      ? `Set the pod (overlay) MTU to ${podMtu} = ${g.mtu} − ${g.overhead} so nothing needs discovering, or raise the narrow link's MTU to at least your pod MTU + ${g.overhead}.`
      : `Set the pod MTU to the path MTU minus ${g.overhead}.`,
    frames: [...g.frames.slice(0, 5), told.frame],
    count: g.count,
    src: g.vtepSrc,
    dst: g.vtepDst,
    details: { reporter: g.reporter, pathMtu: g.mtu, overhead: g.overhead, podMtu, blackHole: 'no' },
  };
}

export const rule: Rule = {
  id: 'overlay.pmtu',
  severity: 'error',
  description: 'ICMP fragmentation needed / packet too big quoting DF-set tunnel packets: the pod MTU must be the path MTU minus the encapsulation',
  start(opts) {
    const groups = new Groups<G>(opts.evidenceFrames);
    /** Frag-needed passed on to the sender of an inner packet (PMTU discovery reaching the pod): its MTU and first frame. */
    let podTold: { to: string; mtu: number; frame: number } | undefined;
    return {
      observe(f, pkt) {
        const ip = f.inner;
        if (!ip.present || ip.icmpType < 0 || f.copyOf !== 0 || f.innerCopyOf !== 0) return;
        const frag = ip.v6 ? ip.proto === PROTO_ICMPV6 && ip.icmpType === 2 : ip.proto === PROTO_ICMP && ip.icmpType === 3 && ip.icmpCode === 4;
        if (!frag) return;
        const l = pkt.layers[ip.l4]!;
        if (l.payload - l.start < 8) return;
        const mtu = ip.v6 ? rd32(pkt.data, l.start + 4) : rd16(pkt.data, l.start + 6);
        const t = quotedTunnel(f, pkt);
        if (!t) {
          // The node telling the pod itself: the error goes to the sender of the quoted packet.
          if (podTold === undefined && f.quoted.present && f.quoted.src === ip.dst && ip.src !== ip.dst)
            podTold = { to: formatAddr(ip.dst), mtu, frame: f.frame };
          return;
        }
        const q = f.quoted;
        const selfAddressed = ip.src === ip.dst || f.iface === 'lo';
        const key = `${String(ip.src)}|${String(q.src)}|${String(q.dst)}|${mtu}|${selfAddressed}`;
        groups.add(key, f.frame, () => ({
          reporter: formatAddr(ip.src),
          vtepSrc: formatAddr(q.src),
          vtepDst: formatAddr(q.dst),
          kind: t.kind,
          mtu,
          overhead: encapsulationOverhead(t.kind, q.v6, t.options),
          selfAddressed,
          iface: f.iface ?? '',
          frames: [],
          count: 0,
        }));
      },
      evaluate(m) {
        const here = hostWord(m.vantage.host);
        return groups.values().map((g): Alert => {
          if (g.selfAddressed && podTold !== undefined) return relayedToPod(g, podTold, here);
          const kind = kindName(g.kind);
          const podMtu = g.mtu > g.overhead ? g.mtu - g.overhead : 0;
          const mtuText = g.mtu > 0 ? `path MTU ${g.mtu}` : 'a path MTU it does not name';
          const title = g.selfAddressed
            ? `PMTU black hole inside ${g.reporter}: it told itself${g.iface ? ` (on ${g.iface})` : ''} that ${kind} packets to ${g.vtepDst} do not fit (${mtuText}); the pod is never told`
            : `${g.reporter} reports ${mtuText} for DF-set ${kind} packets ${g.vtepSrc} → ${g.vtepDst}${podMtu ? `: the pod MTU must be at most ${g.mtu} − ${g.overhead} = ${podMtu}` : ''}`;
          const explanation = g.selfAddressed
            ? `${g.count === 1 ? 'An' : g.count} ICMP "fragmentation needed" ${g.count === 1 ? 'was' : 'were'} sent by ${g.reporter} to itself: the ${kind} packets it builds with DF set are larger ` +
              `than its own route towards ${g.vtepDst} allows, so it drops them before they leave. The error quotes the outer ${kind} packet, ` +
              `so it goes back to the node, not to the pod that sent the inner packet: the pod keeps sending full-size packets, small ones ` +
              `(handshakes, headers) get through and large ones vanish. Transfers stall (see flow.stalled).`
            : `${g.reporter} could not forward ${kind} packets from ${g.vtepSrc} to ${g.vtepDst}: they have DF set and are larger than the next link (${mtuText}), ` +
              `so it dropped them and said so ${g.count === 1 ? 'once' : `${g.count} times`}. Every inner packet grows by ${g.overhead} bytes of ${kind} ` +
              `encapsulation${g.kind === 'geneve' ? ' (with its options)' : ''}, so pods may send at most ${podMtu || 'the path MTU minus that'} bytes: ` +
              `the pods' MTU is too large for this path.`;
          const fix = podMtu
            ? `Set the pod (overlay) MTU to ${podMtu} = ${g.mtu} − ${g.overhead} (Cilium: --set MTU=${podMtu}; Calico: vxlanMTU; Flannel: the backend's MTU; then restart the pods), ` +
              `or raise the MTU of the narrow link to at least your pod MTU + ${g.overhead}.`
            : `Find the path MTU between the nodes (ping -M do -s SIZE), set the pod MTU to it minus ${g.overhead}, or raise the narrow link's MTU.`;
          const alert: Alert = {
            id: 'overlay.pmtu',
            // A router's report may still reach the pod (the node relays it as PMTU discovery):
            // when the capture shows the pod being told, it is only informational. A node's
            // report to itself never reaches the pod.
            severity: g.selfAddressed ? 'error' : podTold !== undefined ? 'info' : 'warning',
            title,
            explanation: `${explanation} Seen from ${here}.`,
            fix,
            frames: g.frames,
            count: g.count,
            src: g.vtepSrc,
            dst: g.vtepDst,
            details: { reporter: g.reporter, pathMtu: g.mtu, overhead: g.overhead, podMtu, blackHole: g.selfAddressed ? 'yes' : 'no' },
          };
          if (g.iface) alert.ingress = g.iface;
          return alert;
        });
      },
    };
  },
};
