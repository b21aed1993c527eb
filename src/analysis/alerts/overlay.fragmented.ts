// overlay.fragmented (warning): tunnel packets fragmented by the underlay: the inner packet
// plus the encapsulation (50 bytes for VXLAN over IPv4, 70 over IPv6, GENEVE 50/70 plus its
// options) is larger than the underlay MTU, so every full-size pod packet becomes two outer
// fragments (or is dropped where DF is set or fragments are filtered). Only the IP fragment
// bits count: a GSO/GRO super-packet larger than the MTU in a capture is not fragmentation.
import { msg } from '../../errors.js';
import { formatAddr } from '../addr.js';
import { TUNNEL_KIND_NAMES } from '../tunnels.js';
import { Groups, type Alert, type Rule } from './types.js';

interface G {
  kind: string;
  src: string;
  dst: string;
  port: number;
  v6: boolean;
  tunnel: number;
  /** Largest inner IP packet, encapsulation overhead, and largest first fragment (the MTU). */
  inner: number;
  overhead: number;
  mtu: number;
  datagrams: number;
  frames: number[];
  count: number;
}

export const rule: Rule = {
  id: 'overlay.fragmented',
  severity: 'warning',
  description: 'outer IP fragments of VXLAN/GENEVE packets: pod MTU + encapsulation > underlay MTU',
  start(opts) {
    const groups = new Groups<G>(opts.evidenceFrames);
    const byTunnel = new Map<number, G>();
    return {
      observe(f, pkt) {
        const ip = f.outer;
        if (!ip.present || !ip.isFragment || f.copyOf !== 0 || f.tunnelId < 0) return;
        const key = String(f.tunnelId);
        const g = groups.add(key, f.frame, () => ({
          kind: TUNNEL_KIND_NAMES[f.tunnelKind] ?? '',
          src: formatAddr(ip.src),
          dst: formatAddr(ip.dst),
          port: f.tunnelPort,
          v6: ip.v6,
          tunnel: f.tunnelId,
          inner: 0,
          overhead: 0,
          mtu: 0,
          datagrams: 0,
          frames: [],
          count: 0,
        }));
        byTunnel.set(f.tunnelId, g);
        // The first fragment holds the tunnel and inner headers: it gives every size.
        if (ip.fragOffset === 0 && f.tunnel >= 0) {
          g.datagrams++;
          if (g.kind === '') {
            g.kind = TUNNEL_KIND_NAMES[f.tunnelKind] ?? f.tunnelKind;
            g.port = f.tunnelPort;
          }
          const fragmentSize = ip.length;
          if (fragmentSize > g.mtu) g.mtu = fragmentSize;
          const inner = f.inner !== f.outer && f.inner.present ? f.inner : undefined;
          if (inner) {
            const overhead = pkt.layers[inner.layer]!.start - pkt.layers[ip.layer]!.start - (ip.v6 ? 8 : 0);
            if (inner.length > g.inner) {
              g.inner = inner.length;
              g.overhead = overhead;
            }
          }
        }
      },
      evaluate(m) {
        return groups.values().map((g): Alert => {
          const t = m.tunnels[g.tunnel];
          const alert: Alert = {
            id: 'overlay.fragmented',
            severity: 'warning',
            title: msg.alertFragmentedTitle(g.kind, g.src, g.dst, g.inner, g.overhead, g.mtu),
            explanation: msg.alertFragmentedExplanation(g.kind, g.v6, g.inner, g.overhead, g.mtu, g.count, g.datagrams),
            fix: msg.alertFragmentedFix(g.kind, g.overhead, g.mtu),
            frames: g.frames,
            count: g.count,
            src: g.src,
            dst: g.dst,
            port: g.port,
            tunnel: g.tunnel,
            details: { innerSize: g.inner, overhead: g.overhead, underlayMtu: g.mtu, fragments: g.count, datagrams: g.datagrams },
          };
          if (t) alert.vni = t.vni;
          return alert;
        });
      },
    };
  },
};
