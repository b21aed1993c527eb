// What every model needs from one dissected packet, read straight from the layer offsets
// (no field lookups, no strings for IPv4). One Facts object is reused for the whole pass:
// collectors copy the numbers they keep and never hold on to it.
import { Direction } from '../capture/types.js';
import { encapAt, udpPortBelow, type EncapDescriptor } from '../dissect/encap/index.js';
import { rd16, rd32 } from '../dissect/field-helpers.js';
import type { FrameMeta, Packet } from '../dissect/types.js';
import { macNumber, v4At, v6Key, type Addr } from './addr.js';

const EMPTY = new Uint8Array(0);

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMPV6 = 58;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

/** One IP header and what rides directly on it. */
export class IpFacts {
  present = false;
  layer = -1;
  /** Where the IP header starts in the packet's bytes and where its layer ends (the datagram, as captured). */
  at = 0;
  end = 0;
  v6 = false;
  src: Addr = 0;
  dst: Addr = 0;
  /** The upper protocol (after IPv6 extension headers). */
  proto = 0;
  ttl = 0;
  /** IPv4 identification; for IPv6 the fragment header's identification or 0. */
  id = 0;
  /** Bytes of the IP packet as its header says (header included). */
  length = 0;
  headerLength = 0;
  /** Fragment offset in bytes and the more-fragments flag. */
  fragOffset = 0;
  moreFragments = false;
  /** Index of the transport layer (tcp, udp, icmp, icmpv6), -1 when none. */
  l4 = -1;
  /** Where that layer starts, where its payload starts and where it ends, in the packet's bytes. */
  l4Start = 0;
  l4Data = 0;
  l4End = 0;
  sport = 0;
  dport = 0;
  tcpFlags = 0;
  /** TCP sequence number and payload bytes (0 when the segment carries none). */
  tcpSeq = 0;
  tcpAck = 0;
  tcpPayload = 0;
  /** IPv4 don't-fragment flag (IPv6 never fragments on the way: always true). */
  df = false;
  icmpType = -1;
  icmpCode = -1;
  /** ICMP echo identifier and sequence. */
  icmpId = 0;
  icmpSeq = 0;
  /** DNS: -1 none, 0 query, 1 response; and the message id. */
  dns = -1;
  dnsId = 0;

  reset(): void {
    this.present = false;
    this.layer = -1;
    this.at = 0;
    this.end = 0;
    this.v6 = false;
    this.src = 0;
    this.dst = 0;
    this.proto = 0;
    this.ttl = 0;
    this.id = 0;
    this.length = 0;
    this.headerLength = 0;
    this.fragOffset = 0;
    this.moreFragments = false;
    this.l4 = -1;
    this.l4Start = 0;
    this.l4Data = 0;
    this.l4End = 0;
    this.sport = 0;
    this.dport = 0;
    this.tcpFlags = 0;
    this.tcpSeq = 0;
    this.tcpAck = 0;
    this.tcpPayload = 0;
    this.df = false;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.icmpId = 0;
    this.icmpSeq = 0;
    this.dns = -1;
    this.dnsId = 0;
  }

  get isFragment(): boolean {
    return this.fragOffset !== 0 || this.moreFragments;
  }
}

/**
 * The frame carries something besides UDP (ARP, or a plain IP packet of another protocol):
 * whatever filtered the capture (`udp`, `port 8472`) did not keep only tunnel packets.
 */
export function beyondUdp(f: Facts): boolean {
  return f.arp >= 0 || (f.outer.present && f.outer.proto !== PROTO_UDP);
}

/** The Linux packet type (cooked captures) of a frame addressed to another host's MAC. */
export const PACKET_OTHERHOST = 3;

export class Facts {
  /** The packet's bytes (offsets in IpFacts point into them); valid during the packet's turn only. */
  data: Uint8Array = EMPTY;
  /** 0-based position in the capture and the frame number users see. */
  position = 0;
  frame = 0;
  time = 0;
  wireLength = 0;
  capturedLength = 0;
  /** Interface name when the capture records one (pcapng IDB, SLL2 index, --ifname). */
  iface: string | undefined = undefined;
  direction: Direction = Direction.Unknown;
  /** Linux packet type of a cooked capture (0 host, 1 broadcast, 2 multicast, 3 otherhost, 4 outgoing); -1 when unknown. */
  pktType = -1;
  /** Link-layer source and destination MAC as numbers; 0 when the link layer does not say. */
  srcMac = 0;
  dstMac = 0;
  /** The first IP header (the underlay for tunnelled packets). */
  readonly outer = new IpFacts();
  /** The innermost IP header outside any ICMP quote (the same object as outer without a tunnel). */
  inner: IpFacts = this.outer;
  /** Where an inner IP header is read into (inner points here when there is one). */
  readonly innerSlot = new IpFacts();
  /** The IP header an ICMP error quotes. */
  readonly quoted = new IpFacts();
  /** The innermost IP header inside that quote (the pod packet of a quoted tunnel packet). */
  readonly quotedInner = new IpFacts();
  /** Index of the first tunnel header layer (see dissect/encap), -1 when none. */
  tunnel = -1;
  /** The descriptor's kind ("vxlan", "ipip", "esp"), and the descriptor. */
  tunnelKind = '';
  encap: EncapDescriptor | undefined = undefined;
  tunnelPort = 0;
  /** The tunnel header layer's first byte and end, and whether it is malformed (cut short). */
  tunnelAt = 0;
  tunnelEnd = 0;
  tunnelMalformed = false;
  /** The tunnel id (VNI, GRE key, SPI, WireGuard receiver); 0 when hasId is false. */
  vni = 0;
  hasId = false;
  /** The tunnel's payload is encrypted: there is no inner packet. */
  encrypted = false;
  /** Whether the layer after the tunnel header is one vxshark could not decode. */
  tunnelPayloadUnknown = false;
  /** Index of the ARP layer and whether it is inside a tunnel. */
  arp = -1;
  /** Set by the hop collector when this packet is a forwarding copy of an earlier frame. */
  copyOf = 0;
  /**
   * Set by the hop collector when this tunnel packet carries, as its inner packet, a packet the
   * capture already holds plain (the host encapsulated it): the inner flow counts it once.
   */
  innerCopyOf = 0;
  /** The tunnel kind of the packet an ICMP error quotes ('' when it quotes no tunnel packet). */
  quotedTunnelKind = '';
  /** Set by the tunnel collector: the id of the tunnel row this packet counts in, -1 for none. */
  tunnelId = -1;
  /** Set by the flow collector: the flow this packet counts in (-1 for none) and its direction (0 from the initiator, 1 back). */
  flowId = -1;
  flowDir = 0;
  /** Some layer was cut short by the snaplen. */
  truncated = false;

  /** Fills the facts for one dissected packet. */
  read(pkt: Packet, position: number, time: number): void {
    this.begin(pkt.data, pkt.frame, position, time);
    this.readLayers(pkt);
  }

  /** The frame's own facts, and every other fact cleared; the layers fill them in. */
  begin(data: Uint8Array, frame: FrameMeta, position: number, time: number): void {
    this.data = data;
    this.position = position;
    this.frame = frame.number;
    this.time = time;
    this.wireLength = frame.origLen;
    this.capturedLength = frame.capLen;
    this.iface = frame.interfaceName;
    this.direction = frame.direction;
    this.srcMac = 0;
    this.dstMac = 0;
    // The IP slots are cleared when a header claims them; until then "present" says enough.
    this.outer.present = false;
    this.innerSlot.present = false;
    this.quoted.present = false;
    this.quotedInner.present = false;
    this.inner = this.outer;
    this.tunnel = -1;
    this.tunnelKind = '';
    this.encap = undefined;
    this.tunnelPort = 0;
    this.tunnelAt = 0;
    this.tunnelEnd = 0;
    this.tunnelMalformed = false;
    this.vni = 0;
    this.hasId = false;
    this.encrypted = false;
    this.tunnelPayloadUnknown = false;
    this.arp = -1;
    this.copyOf = 0;
    this.innerCopyOf = 0;
    this.quotedTunnelKind = '';
    this.pktType = -1;
    this.tunnelId = -1;
    this.flowId = -1;
    this.flowDir = 0;
    this.truncated = false;
  }

  private readLayers(pkt: Packet): void {
    const d = pkt.data;
    const layers = pkt.layers;
    const cut = pkt.frame.capLen < pkt.frame.origLen;
    // A header the snaplen cut before its first byte (dissect.ts) is no layer, but cut all the same.
    if (cut && pkt.missing?.snaplen) this.truncated = true;
    let ip: IpFacts | undefined;
    for (let i = 1; i < layers.length; i++) {
      const l = layers[i]!;
      if (cut && l.malformed !== undefined) this.truncated = true;
      const hdr = l.payload - l.start;
      switch (l.proto) {
        case 'eth':
          if (l.depth === 0 && this.srcMac === 0 && hdr >= 14) {
            this.dstMac = macNumber(d, l.start);
            this.srcMac = macNumber(d, l.start + 6);
          }
          break;
        case 'sll':
          if (hdr >= 16) {
            // The index already turned the packet type into a direction.
            this.pktType = rd16(d, l.start);
            if (rd16(d, l.start + 4) === 6) this.srcMac = macNumber(d, l.start + 6);
          }
          break;
        case 'sll2':
          if (hdr >= 20) {
            this.pktType = d[l.start + 10]!;
            if (d[l.start + 11] === 6) this.srcMac = macNumber(d, l.start + 12);
          }
          break;
        case 'ip':
        case 'ipv6': {
          if (l.quoted) ip = this.quoted.present ? this.quotedInner : this.quoted;
          else if (!this.outer.present) ip = this.outer;
          else {
            ip = this.innerSlot;
            this.inner = ip;
          }
          ip.reset();
          if (l.proto === 'ip' ? hdr < 20 : hdr < 40) {
            ip = undefined;
            break;
          }
          readIp(ip, d, l.start, l.proto === 'ipv6', i);
          ip.end = l.end;
          break;
        }
        case 'ipv6.fraghdr':
          if (ip && hdr >= 8) {
            const w = rd16(d, l.start + 2);
            ip.fragOffset = w & 0xfff8;
            ip.moreFragments = (w & 1) !== 0;
            ip.id = rd32(d, l.start + 4);
            ip.proto = d[l.start]!;
          }
          break;
        case 'ipv6.hopopts':
        case 'ipv6.routing':
        case 'ipv6.dstopts':
          if (ip && hdr >= 2) ip.proto = d[l.start]!;
          break;
        case 'tcp':
          if (ip && ip.l4 < 0 && hdr >= 20) {
            ip.l4 = i;
            ip.l4Start = l.start;
            ip.l4Data = l.payload;
            ip.l4End = l.end;
            ip.sport = rd16(d, l.start);
            ip.dport = rd16(d, l.start + 2);
            ip.tcpFlags = rd16(d, l.start + 12) & 0x0fff;
            ip.tcpSeq = rd32(d, l.start + 4);
            ip.tcpAck = rd32(d, l.start + 8);
            const payload = ip.length - ip.headerLength - hdr;
            ip.tcpPayload = payload > 0 ? payload : 0;
          } else if (ip && ip.l4 < 0 && l.end - l.start >= 4) {
            // A quoted or cut segment still names its ports.
            ip.l4 = i;
            ip.l4Start = l.start;
            ip.l4Data = l.payload;
            ip.l4End = l.end;
            ip.sport = rd16(d, l.start);
            ip.dport = rd16(d, l.start + 2);
          }
          break;
        case 'udp':
          if (ip && ip.l4 < 0 && l.end - l.start >= 4) {
            ip.l4 = i;
            ip.l4Start = l.start;
            ip.l4Data = l.payload;
            ip.l4End = l.end;
            ip.sport = rd16(d, l.start);
            ip.dport = rd16(d, l.start + 2);
          }
          break;
        case 'icmp':
        case 'icmpv6':
          if (ip && ip.l4 < 0 && hdr >= 4) {
            ip.l4 = i;
            ip.l4Start = l.start;
            ip.l4Data = l.payload;
            ip.l4End = l.end;
            ip.icmpType = d[l.start]!;
            ip.icmpCode = d[l.start + 1]!;
            if (hdr >= 8) {
              ip.icmpId = rd16(d, l.start + 4);
              ip.icmpSeq = rd16(d, l.start + 6);
            }
          }
          break;
        case 'dns':
          if (ip && ip.dns < 0) {
            const m = l.start + (l.aux ?? 0);
            if (m + 4 <= l.end) {
              ip.dnsId = rd16(d, m);
              ip.dns = d[m + 2]! & 0x80 ? 1 : 0;
            }
          }
          break;
        case 'vxlan':
        case 'geneve':
        case 'vxlan-gpe':
          // The tunnel an ICMP error's quote carries (the outer tunnel is found after the switch).
          if (l.quoted && this.quotedTunnelKind === '') this.quotedTunnelKind = l.proto;
          break;
        case 'arp':
          if (this.arp < 0) this.arp = i;
          break;
      }
      if (this.tunnel < 0 && !l.quoted) {
        const encap = encapAt(pkt, i);
        if (encap) {
          this.tunnel = i;
          this.tunnelKind = encap.kind;
          this.encap = encap;
          this.tunnelPort = udpPortBelow(pkt, i);
          this.tunnelAt = l.start;
          this.tunnelEnd = l.end;
          this.tunnelMalformed = l.malformed !== undefined;
          const id = encap.id?.read(pkt, i);
          this.hasId = id !== undefined;
          this.vni = id ?? 0;
          this.encrypted = encap.encrypted;
          const next = layers[i + 1];
          this.tunnelPayloadUnknown = !encap.encrypted && l.malformed === undefined && next !== undefined && next.proto === 'data';
          ip = undefined;
        }
      }
    }
  }
}

export function readIp(ip: IpFacts, d: Uint8Array, at: number, v6: boolean, layer: number): void {
  ip.present = true;
  ip.layer = layer;
  ip.at = at;
  ip.v6 = v6;
  if (v6) {
    ip.src = v6Key(d, at + 8);
    ip.dst = v6Key(d, at + 24);
    ip.proto = d[at + 6]!;
    ip.ttl = d[at + 7]!;
    ip.length = 40 + rd16(d, at + 4);
    ip.headerLength = 40;
    ip.df = true;
    return;
  }
  ip.src = v4At(d, at + 12);
  ip.dst = v4At(d, at + 16);
  ip.proto = d[at + 9]!;
  ip.ttl = d[at + 8]!;
  ip.id = rd16(d, at + 4);
  ip.length = rd16(d, at + 2);
  ip.headerLength = (d[at]! & 0x0f) * 4;
  const w = rd16(d, at + 6);
  ip.fragOffset = (w & 0x1fff) * 8;
  ip.moreFragments = (w & 0x2000) !== 0;
  ip.df = (w & 0x4000) !== 0;
}

/** A 32-bit hash of up to 24 bytes from `at`: tells copies of one packet from other packets. */
export function payloadHash(d: Uint8Array, at: number, end: number): number {
  let h = 0x811c9dc5;
  const stop = Math.min(end, at + 24);
  for (let i = at; i < stop; i++) h = Math.imul(h ^ d[i]!, 0x01000193);
  return h;
}
