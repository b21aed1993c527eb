// The analysis pass's fast path: the common packet read straight into Facts, without building
// its layers. It takes Ethernet or Linux cooked (v1, v2) frames of IPv4 carrying TCP, UDP or
// ICMP, plain or inside one VXLAN tunnel: nearly every packet of a pod-traffic capture. For
// anything else (IPv6, IP options, fragments, ICMP errors, other tunnels, a header cut short or
// inconsistent, a frame cut by the snaplen, a port the registry decodes as something else) it
// returns false and the pass dissects the packet as usual.
//
// Whatever it accepts must give exactly what Facts.read(dissect(...)) gives, layer indexes
// included, because a collector may still ask the packet for its layers (they are dissected
// then). test/analysis/fast-facts.test.ts compares the two on every frame of every capture.
import { vxlanEncap } from '../dissect/encap/vxlan.js';
import { rd16, rd24, rd32 } from '../dissect/field-helpers.js';
import { cookedEthertype } from '../dissect/layers/sll.js';
import { icmpHeaderLength, isIcmpError } from '../dissect/layers/icmp.js';
import { emptyTable, protoAt, type DispatchTable, type Registry } from '../dissect/registry.js';
import type { FrameMeta } from '../dissect/types.js';
import { macNumber } from './addr.js';
import { type Facts, type IpFacts, PROTO_ICMP, PROTO_TCP, PROTO_UDP, readIp } from './facts.js';

const ETHERTYPE_IPV4 = 0x0800;
const VXLAN_HEADER = 8;

/** What a frame's link type decodes as, by link-layer kind. */
const enum Link {
  None,
  Eth,
  Sll,
  Sll2,
}

/** What the payload of a UDP or TCP header decodes as, for the fast path's purpose. */
const enum Payload {
  /** Nothing the facts look at (data, HTTP, ...). */
  Other,
  Vxlan,
  Dns,
  /** Something that may change the facts (another tunnel, a heuristic match): dissect it. */
  Refuse,
}

export class FastFacts {
  private readonly linktypes: DispatchTable;
  private readonly ethertypeIsIp: boolean;
  private readonly ipProtos: DispatchTable;
  private readonly udpPorts: DispatchTable;
  private readonly tcpPorts: DispatchTable;
  private readonly udpHeuristics: ((d: Uint8Array, start: number, end: number) => boolean)[];

  constructor(registry: Registry) {
    const table = (name: string): DispatchTable => registry.dispatchTable(name) ?? emptyTable();
    this.linktypes = table('linktype');
    this.ethertypeIsIp = protoAt(table('ethertype'), ETHERTYPE_IPV4) === 'ip';
    this.ipProtos = table('ip.proto');
    this.udpPorts = table('udp.port');
    this.tcpPorts = table('tcp.port');
    this.udpHeuristics = [];
    for (const proto of registry.heuristicsFor('udp.port')) {
      const looksLike = registry.dissector(proto)?.looksLike;
      if (looksLike) this.udpHeuristics.push(looksLike);
    }
    // Only the protocols these layers are dissected by can be read here.
    if (registry.dissector('vxlan') === undefined || registry.dissector('ip') === undefined) this.ethertypeIsIp = false;
  }

  /**
   * Fills `f` for the frame and returns true, or returns false (f is then half-filled: the
   * caller reads the dissected packet into it).
   */
  read(f: Facts, d: Uint8Array, meta: FrameMeta, position: number, time: number): boolean {
    if (!this.ethertypeIsIp || meta.capLen < meta.origLen) return false;
    const end = d.length;
    let at: number;
    switch (this.linkOf(meta.linkType)) {
      case Link.Eth:
        if (end < 14 || rd16(d, 12) !== ETHERTYPE_IPV4) return false;
        f.begin(d, meta, position, time);
        f.dstMac = macNumber(d, 0);
        f.srcMac = macNumber(d, 6);
        at = 14;
        break;
      case Link.Sll:
        if (end < 16 || cookedEthertype(rd16(d, 2), rd16(d, 14)) !== ETHERTYPE_IPV4) return false;
        f.begin(d, meta, position, time);
        f.pktType = rd16(d, 0);
        if (rd16(d, 4) === 6) f.srcMac = macNumber(d, 6);
        at = 16;
        break;
      case Link.Sll2:
        if (end < 20 || cookedEthertype(rd16(d, 8), rd16(d, 0)) !== ETHERTYPE_IPV4) return false;
        f.begin(d, meta, position, time);
        f.pktType = d[10]!;
        if (d[11] === 6) f.srcMac = macNumber(d, 12);
        at = 20;
        break;
      default:
        return false;
    }
    // Layers: 0 frame, 1 link, 2 IP, 3 transport; in a tunnel 4 VXLAN, 5 Ethernet, 6 IP, 7 transport.
    const outer = f.outer;
    const payload = this.ip(outer, d, at, end, 2);
    if (payload < 0) return false;
    const kind = this.transport(outer, d, payload, outer.end, 3);
    if (kind === Payload.Refuse) return false;
    if (kind === Payload.Dns) return this.dns(outer, d, outer.l4Data, outer.l4End);
    if (kind !== Payload.Vxlan) return true;

    const vx = outer.l4Data;
    const vxEnd = outer.l4End;
    if (vxEnd - vx < VXLAN_HEADER) return false;
    f.tunnel = 4;
    f.tunnelKind = vxlanEncap.kind;
    f.encap = vxlanEncap;
    f.tunnelPort = outer.dport;
    f.tunnelAt = vx;
    f.tunnelEnd = vxEnd;
    f.vni = rd24(d, vx + 4);
    f.hasId = true;
    const eth = vx + VXLAN_HEADER;
    // An empty VXLAN payload is a complete packet; a short inner Ethernet header is not for here.
    if (eth >= vxEnd) return true;
    if (vxEnd - eth < 14 || rd16(d, eth + 12) !== ETHERTYPE_IPV4) return false;
    const inner = f.innerSlot;
    const innerPayload = this.ip(inner, d, eth + 14, vxEnd, 6);
    if (innerPayload < 0) return false;
    f.inner = inner;
    const innerKind = this.transport(inner, d, innerPayload, inner.end, 7);
    if (innerKind === Payload.Refuse || innerKind === Payload.Vxlan) return false;
    if (innerKind === Payload.Dns) return this.dns(inner, d, inner.l4Data, inner.l4End);
    return true;
  }

  private linkOf(linkType: number): Link {
    switch (protoAt(this.linktypes, linkType)) {
      case 'eth':
        return Link.Eth;
      case 'sll':
        return Link.Sll;
      case 'sll2':
        return Link.Sll2;
      default:
        return Link.None;
    }
  }

  /** An IPv4 header without options, not a fragment, whole in the bytes: fills `ip`, returns where its payload starts (-1: not for here). */
  private ip(ip: IpFacts, d: Uint8Array, at: number, end: number, layer: number): number {
    if (end - at < 20 || d[at] !== 0x45) return -1;
    const total = rd16(d, at + 2);
    if (total < 20 || at + total > end) return -1;
    if ((rd16(d, at + 6) & 0x3fff) !== 0) return -1;
    const proto = d[at + 9]!;
    const next = protoAt(this.ipProtos, proto);
    if (!((proto === PROTO_UDP && next === 'udp') || (proto === PROTO_TCP && next === 'tcp') || (proto === PROTO_ICMP && next === 'icmp'))) return -1;
    ip.reset();
    readIp(ip, d, at, false, layer);
    ip.end = at + total;
    return at + 20;
  }

  /** The transport header at `at` (IP layer ends at `end`); fills the transport facts, says what its payload is. */
  private transport(ip: IpFacts, d: Uint8Array, at: number, end: number, layer: number): Payload {
    switch (ip.proto) {
      case PROTO_UDP: {
        if (end - at < 8) return Payload.Refuse;
        const len = rd16(d, at + 4);
        // A length below 8 or past the IP payload is malformed (or a first fragment): dissect it.
        if (len < 8 || at + len > end) return Payload.Refuse;
        const stop = at + len;
        ip.l4 = layer;
        ip.l4Start = at;
        ip.l4Data = at + 8;
        ip.l4End = stop;
        ip.sport = rd16(d, at);
        ip.dport = rd16(d, at + 2);
        if (at + 8 >= stop) return Payload.Other;
        return this.udpPayload(d, ip.sport, ip.dport, at + 8, stop);
      }
      case PROTO_TCP: {
        if (end - at < 20) return Payload.Refuse;
        const off = (d[at + 12]! >> 4) * 4;
        if (off < 20 || end - at < off) return Payload.Refuse;
        ip.l4 = layer;
        ip.l4Start = at;
        ip.l4Data = at + off;
        ip.l4End = end;
        ip.sport = rd16(d, at);
        ip.dport = rd16(d, at + 2);
        ip.tcpFlags = rd16(d, at + 12) & 0x0fff;
        ip.tcpSeq = rd32(d, at + 4);
        ip.tcpAck = rd32(d, at + 8);
        const payload = ip.length - ip.headerLength - off;
        ip.tcpPayload = payload > 0 ? payload : 0;
        if (at + off >= end) return Payload.Other;
        const lo = Math.min(ip.sport, ip.dport);
        const hi = Math.max(ip.sport, ip.dport);
        const app = protoAt(this.tcpPorts, lo) ?? protoAt(this.tcpPorts, hi);
        return app === 'dns' ? Payload.Refuse : Payload.Other;
      }
      default: {
        if (end - at < 1) return Payload.Refuse;
        const type = d[at]!;
        if (isIcmpError(type)) return Payload.Refuse;
        const hdr = icmpHeaderLength(type);
        if (end - at < hdr) return Payload.Refuse;
        ip.l4 = layer;
        ip.l4Start = at;
        ip.l4Data = at + hdr;
        ip.l4End = end;
        ip.icmpType = type;
        ip.icmpCode = d[at + 1]!;
        ip.icmpId = rd16(d, at + 4);
        ip.icmpSeq = rd16(d, at + 6);
        return Payload.Other;
      }
    }
  }

  /** What UDP between these ports carries, as the UDP dissector decides it (lower port first, then heuristics). */
  private udpPayload(d: Uint8Array, sport: number, dport: number, from: number, end: number): Payload {
    const lo = Math.min(sport, dport);
    const hi = Math.max(sport, dport);
    const app = protoAt(this.udpPorts, lo) ?? protoAt(this.udpPorts, hi);
    if (app === 'vxlan') return Payload.Vxlan;
    if (app === 'dns') return Payload.Dns;
    if (app !== undefined) return Payload.Refuse;
    for (let k = 0; k < this.udpHeuristics.length; k++) if (this.udpHeuristics[k]!(d, from, end)) return Payload.Refuse;
    return Payload.Other;
  }

  /** A DNS message over UDP at `at`: its id and whether it is a response. */
  private dns(ip: IpFacts, d: Uint8Array, at: number, end: number): true {
    if (at + 4 <= end) {
      ip.dnsId = rd16(d, at);
      ip.dns = d[at + 2]! & 0x80 ? 1 : 0;
    }
    return true;
  }
}
