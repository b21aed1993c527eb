// What vxshark knows about each tunnel encapsulation, in one place: the UDP ports it is
// usually found on and how many bytes it adds to the inner packet. Rules ask here instead of
// testing for VXLAN or GENEVE themselves.
import { encapByName } from '../dissect/encap/index.js';
import type { Packet } from '../dissect/types.js';
import { PROTO_UDP, type Facts } from './facts.js';

/** Well-known UDP ports of the tunnels: VXLAN (IANA 4789, Linux's default 8472), GENEVE 6081. */
const TUNNEL_PORTS: ReadonlySet<number> = new Set([4789, 8472, 6081, 4790]);

/** Whether a dissected layer name is a tunnel header (vxlan, geneve, vxlan-gpe). */
export function isTunnelKind(proto: string): boolean {
  return proto === 'vxlan' || proto === 'geneve' || proto === 'vxlan-gpe';
}

/** Whether a tunnel kind (the descriptor's name, Tunnel.kind) carries mirrored copies (ERSPAN), not the traffic's path. */
export function isMirror(kindName: string): boolean {
  return encapByName(kindName)?.mirror === true;
}

/** Whether a UDP destination port is one tunnels use by default. */
export function isTunnelPort(port: number): boolean {
  return TUNNEL_PORTS.has(port);
}

/**
 * Bytes the encapsulation adds to an inner IP packet: outer IP (20 or 40), UDP (8), the tunnel
 * header (8, plus GENEVE's options) and the inner Ethernet header (14): 50 for VXLAN over
 * IPv4, 70 over IPv6; GENEVE 50/70 plus its options.
 */
export function encapsulationOverhead(kind: string, outerV6: boolean, optionBytes = 0): number {
  const base = (outerV6 ? 40 : 20) + 8 + 8 + 14;
  return kind === 'geneve' ? base + optionBytes : base;
}

/** Kind and GENEVE option bytes of the tunnel packet an ICMP error quotes, when it quotes one. */
export function quotedTunnel(f: Facts, pkt: Packet): { kind: string; options: number } | undefined {
  const q = f.quoted;
  if (!q.present || q.proto !== PROTO_UDP) return undefined;
  if (f.quotedTunnelKind !== '') {
    let options = 0;
    if (f.quotedTunnelKind === 'geneve') {
      const l = pkt.layers.find((x) => x.quoted && x.proto === 'geneve');
      if (l && l.end - l.start >= 1) options = (pkt.data[l.start]! & 0x3f) * 4;
    }
    return { kind: f.quotedTunnelKind, options };
  }
  // An error may quote too little for the tunnel header: the UDP port still says tunnel.
  if (isTunnelPort(q.dport)) return { kind: q.dport === 6081 ? 'geneve' : 'vxlan', options: 0 };
  return undefined;
}
