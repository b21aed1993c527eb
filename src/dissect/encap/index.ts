// The tunnel kinds vxshark knows, and the questions every consumer asks about a packet's tunnel.
import type { Packet } from '../types.js';
import { erspanEncap } from './erspan.js';
import { espEncap } from './esp.js';
import { geneveEncap } from './geneve.js';
import { greEncap } from './gre.js';
import { ipipEncap } from './ipip.js';
import type { EncapDescriptor } from './types.js';
import { vxlanEncap } from './vxlan.js';
import { vxlanGpeEncap } from './vxlan-gpe.js';
import { wireguardEncap } from './wireguard.js';

export type { EncapDescriptor } from './types.js';
export { udpPortBelow } from './common.js';

export const ENCAPS: readonly EncapDescriptor[] = [vxlanEncap, vxlanGpeEncap, geneveEncap, ipipEncap, greEncap, erspanEncap, wireguardEncap, espEncap];

const BY_KIND = new Map(ENCAPS.map((e) => [e.kind, e]));
const BY_NAME = new Map(ENCAPS.map((e) => [e.name, e]));
/** Per layer protocol, the descriptors whose tunnel header a layer of it can be: one lookup per layer. */
const CANDIDATES = new Map<string, EncapDescriptor[]>();
for (const e of ENCAPS) {
  const at = e.headerLayer !== undefined ? [e.headerLayer] : (e.startsAt ?? []);
  if (at.length === 0) throw new Error(`tunnel kind ${e.kind} names neither a header layer nor where it starts`);
  for (const proto of at) {
    const list = CANDIDATES.get(proto) ?? [];
    list.push(e);
    CANDIDATES.set(proto, list);
  }
}

export const encapByKind = (kind: string): EncapDescriptor | undefined => BY_KIND.get(kind);
export const encapByName = (name: string): EncapDescriptor | undefined => BY_NAME.get(name);

/** The descriptor whose tunnel header layer `i` is, if any. */
export function encapAt(pkt: Packet, i: number): EncapDescriptor | undefined {
  const l = pkt.layers[i]!;
  if (l.quoted) return undefined;
  const candidates = CANDIDATES.get(l.proto);
  if (candidates === undefined) return undefined;
  for (let k = 0; k < candidates.length; k++) if (candidates[k]!.isHeader(pkt, i)) return candidates[k];
  return undefined;
}

export interface TunnelAt {
  index: number;
  encap: EncapDescriptor;
}

/** The outermost tunnel of a packet (outside any ICMP quote). */
export function findTunnel(pkt: Packet): TunnelAt | undefined {
  for (let i = 1; i < pkt.layers.length; i++) {
    const encap = encapAt(pkt, i);
    if (encap) return { index: i, encap };
  }
  return undefined;
}

/** Whether a dissector's short name (the Protocol column, the statistics tree) is a tunnel header's. */
export const TUNNEL_SHORT_NAMES: ReadonlySet<string> = new Set(
  ENCAPS.flatMap((e) => e.dissectors.filter((d) => d.proto === e.headerLayer).map((d) => d.short)),
);

/** "VNI 5", "key 0x00000028", "SPI 0x00000003"; empty for a kind or packet without an id. */
export function idText(encap: EncapDescriptor | undefined, id: number | undefined): string {
  if (!encap?.id || id === undefined) return '';
  return `${encap.id.label} ${encap.id.format(id)}`;
}

/** "VXLAN VNI 5", "IPIP", "WireGuard receiver 0x1a2b3c4d": the one way a tunnel is named. */
export function tunnelLabel(encap: EncapDescriptor | undefined, kindName: string, id: number | undefined): string {
  const text = idText(encap, id);
  return text ? `${kindName} ${text}` : kindName;
}

/**
 * The first layer counted as overhead and the trailer bytes, for the tunnel at layer `at`;
 * `carriesFrame`: the tunnel carries a whole link-layer frame (VXLAN, GENEVE, GRE with
 * Ethernet inside), so the outer link header is overhead too.
 */
export function overheadSpan(pkt: Packet, at: number, encap: EncapDescriptor): { first: number; trailer: number; carriesFrame: boolean } {
  let first = 1;
  const carriesFrame = encap.overhead.fromLink || pkt.layers[at + 1]?.proto === 'eth';
  if (!carriesFrame) {
    // From the outer network header: the link layer stays when the tunnel carries IP.
    for (let i = at; i >= 1; i--) {
      const p = pkt.layers[i]!.proto;
      if (p === 'ip' || p === 'ipv6') first = i;
    }
  }
  return { first, trailer: encap.overhead.trailer?.(pkt, at) ?? 0, carriesFrame };
}
