// The addresses of a packet's IP headers, outermost and innermost, as the context indexes them.
// Layers an ICMP error quotes are not the packet's own and are skipped.
import { v4At, v6Key, type Addr } from '../analysis/addr.js';
import { rd24 } from '../dissect/field-helpers.js';
import type { Layer, Packet } from '../dissect/types.js';

export function ipAddrs(pkt: Packet, l: Layer): [Addr, Addr] | undefined {
  if (l.proto === 'ip' && l.payload - l.start >= 20) return [v4At(pkt.data, l.start + 12), v4At(pkt.data, l.start + 16)];
  if (l.proto === 'ipv6' && l.payload - l.start >= 40) return [v6Key(pkt.data, l.start + 8), v6Key(pkt.data, l.start + 24)];
  return undefined;
}

/** The packet's own IP layers' addresses, outermost first. */
export function ipLayers(pkt: Packet): [Addr, Addr][] {
  const out: [Addr, Addr][] = [];
  for (const l of pkt.layers) {
    if (l.quoted) break;
    const a = ipAddrs(pkt, l);
    if (a) out.push(a);
  }
  return out;
}

/**
 * The innermost IP header's addresses, only when it is at the packet's innermost tunnel level:
 * ARP carried in VXLAN has no pod addresses, and the node addresses around it are not the pod's.
 */
export function innermostAddrs(pkt: Packet): [Addr, Addr] | undefined {
  let deepest = 0;
  let found: [Addr, Addr] | undefined;
  let foundDepth = -1;
  for (const l of pkt.layers) {
    if (l.quoted) break;
    if (l.depth > deepest) deepest = l.depth;
    const a = ipAddrs(pkt, l);
    if (a) {
      found = a;
      foundDepth = l.depth;
    }
  }
  return found && foundDepth === deepest ? found : undefined;
}

/** The VNI of the packet's (outermost) VXLAN or GENEVE header. */
export function tunnelVni(pkt: Packet): number | undefined {
  for (const l of pkt.layers) {
    if (l.quoted) break;
    if ((l.proto === 'vxlan' || l.proto === 'geneve') && l.payload - l.start >= 8) return rd24(pkt.data, l.start + 4);
  }
  return undefined;
}
