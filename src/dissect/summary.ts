import { safeText } from '../text/escape.js';
import { rd16 } from './field-helpers.js';
import { findTunnel, tunnelLabel, udpPortBelow, type TunnelAt } from './encap/index.js';
import type { Registry } from './registry.js';
import type { AddressNaming, Layer, Packet } from './types.js';
import { PKTTYPE_SHORT } from './layers/sll.js';

const NETWORK_PROTOS = new Set(['ip', 'ipv6', 'arp']);

export interface TunnelSummary {
  /** The descriptor's name: "VXLAN", "GENEVE", "IPIP", "ESP". */
  kind: string;
  outerSource: string;
  outerDestination: string;
  /** The tunnel id (VNI, GRE key, SPI...), 0 when the header has none. */
  vni: number;
  port: number;
  /** Kind and id in their one spelling: "VXLAN VNI 32001", "GRE key 0x00000028", "IPIP". */
  label: string;
  /** The same without the id's label, for the packet list's Tunnel/ID column: "VXLAN 32001". */
  short: string;
  encrypted: boolean;
}

/** One packet-list row: the innermost packet's view, plus the tunnel and interface it came through. */
export interface PacketSummary {
  source: string;
  destination: string;
  protocol: string;
  length: number;
  info: string;
  tunnel: TunnelSummary | undefined;
  interfaceName: string | undefined;
  direction: string | undefined;
  expert: string | undefined;
}

function endpointsBefore(pkt: Packet, registry: Registry, before: number, after = 0): [string, string] | undefined {
  for (let i = before - 1; i > after; i--) {
    const l = pkt.layers[i]!;
    if (!NETWORK_PROTOS.has(l.proto)) continue;
    const e = registry.dissector(l.proto)?.endpoints?.(pkt, l);
    if (e) return e;
  }
  return undefined;
}

/** Layers before this index describe the packet; from it on they are what an ICMP error quotes. */
function unquoted(pkt: Packet): number {
  const i = pkt.layers.findIndex((l) => l.quoted);
  return i < 0 ? pkt.layers.length : i;
}

/** Without a network layer, the innermost link layer's addresses (as Wireshark shows for LLDP, say). */
function linkEndpoints(pkt: Packet, registry: Registry, after = 0): [string, string] | undefined {
  for (let i = unquoted(pkt) - 1; i > after; i--) {
    const l = pkt.layers[i]!;
    const e = registry.dissector(l.proto)?.endpoints?.(pkt, l);
    if (e) return e;
  }
  return undefined;
}

function tunnelOf(pkt: Packet, registry: Registry, t: TunnelAt | undefined): TunnelSummary | undefined {
  if (!t) return undefined;
  // IP in IP: the tunnel header is the outer IP header itself.
  const outer = (t.encap.headerLayer ? endpointsBefore(pkt, registry, t.index) : endpointsBefore(pkt, registry, t.index + 1)) ?? ['?', '?'];
  const id = t.encap.id?.read(pkt, t.index);
  return {
    kind: t.encap.name,
    outerSource: outer[0],
    outerDestination: outer[1],
    vni: id ?? 0,
    port: udpPortBelow(pkt, t.index),
    label: tunnelLabel(t.encap, t.encap.name, id),
    short: id !== undefined && t.encap.id ? `${t.encap.name} ${t.encap.id.format(id)}` : t.encap.name,
    encrypted: t.encap.encrypted,
  };
}

function directionText(pkt: Packet): string | undefined {
  const link = pkt.layers[1];
  if (link?.proto === 'sll' && link.payload - link.start >= 16) return PKTTYPE_SHORT[rd16(pkt.data, link.start)];
  if (link?.proto === 'sll2' && link.payload - link.start >= 20) return PKTTYPE_SHORT[pkt.data[link.start + 10]!];
  const d = pkt.frame.direction;
  return d === 1 ? 'In' : d === 2 ? 'Out' : undefined;
}

/** The top layer that says something (a trailing "data" layer is described by what carries it). */
function topLayer(pkt: Packet): Layer {
  const layers = pkt.layers;
  for (let i = unquoted(pkt) - 1; i > 0; i--) {
    if (layers[i]!.proto !== 'data') return layers[i]!;
  }
  return layers[layers.length - 1]!;
}

/** A name from the context, escaped (context files are outside input too), or the address. */
function nameOf(naming: AddressNaming, address: string): string {
  const name = naming.label(address);
  return name === undefined ? address : safeText(name);
}

/**
 * How the summary line marks a packet whose headers cannot be trusted: tcpdump's "[|tcp]"
 * when the snaplen cut a header, Wireshark's "[Malformed Packet: why]" otherwise. Layers an
 * ICMP error quotes are partial by design and mark nothing.
 */
export function malformedMark(pkt: Packet): string {
  for (const l of pkt.layers) {
    if (l.malformed === undefined || l.quoted) continue;
    return l.truncated ? `[|${l.proto}]` : `[Malformed Packet: ${l.malformed}]`;
  }
  const m = pkt.missing;
  if (m) return m.snaplen ? `[|${m.proto}]` : `[Malformed Packet: ${m.why}]`;
  return pkt.notes.some((n) => n.severity === 'error' && n.message.startsWith('[Malformed')) ? '[Malformed Packet]' : '';
}

export function summarize(pkt: Packet, registry: Registry): PacketSummary {
  const layers = pkt.layers;
  const top = topLayer(pkt);
  const dis = registry.dissector(top.proto);
  const found = findTunnel(pkt);
  // Inside a tunnel, the addresses are the inner headers' only: a tunnel that carries nothing
  // (the snaplen cut it after its own header) has none, rather than the outer ones again.
  const inside = found ? found.index : 0;
  const ends = endpointsBefore(pkt, registry, unquoted(pkt), inside) ?? linkEndpoints(pkt, registry, inside);
  let info = '';
  for (let i = layers.indexOf(top); i >= 0 && !info; i--) {
    const l = layers[i]!;
    info = registry.dissector(l.proto)?.info?.(pkt, l) ?? '';
  }
  const mark = malformedMark(pkt);
  if (mark) info = info ? `${info} ${mark}` : mark;
  const worst = pkt.notes.find((n) => n.severity === 'error') ?? pkt.notes.find((n) => n.severity === 'warning');
  // Endpoints are addresses formatted from numbers, safe by construction; info and interface
  // names can carry capture text. Every property is set, so all summaries share one shape.
  const dir = directionText(pkt);
  const naming = registry.naming;
  const tunnel = tunnelOf(pkt, registry, found);
  if (naming && tunnel) {
    tunnel.outerSource = nameOf(naming, tunnel.outerSource);
    tunnel.outerDestination = nameOf(naming, tunnel.outerDestination);
  }
  const summary: PacketSummary = {
    source: ends ? (naming ? nameOf(naming, ends[0]) : ends[0]) : '',
    destination: ends ? (naming ? nameOf(naming, ends[1]) : ends[1]) : '',
    protocol: dis?.short ?? top.proto,
    length: pkt.frame.origLen,
    info: safeText(info),
    tunnel,
    interfaceName: pkt.frame.interfaceName === undefined ? undefined : safeText(pkt.frame.interfaceName),
    direction: dir,
    expert: worst?.message,
  };
  return summary;
}
