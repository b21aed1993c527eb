// What one frame tells a journey: which packet it is, where it was seen and how it was wrapped.
// A packet keeps its identity across hosts, interfaces and encapsulation only in the fields
// that forwarding never rewrites: the innermost IP addresses, protocol, identification and
// length, the transport header without its checksum, and the first payload bytes. TTL, MACs,
// checksums (offloaded on the sending host) and outer headers change and are left out.
import { Direction } from '../capture/types.js';
import type { Packet } from '../dissect/types.js';
import { mixAddr, type Addr } from '../analysis/addr.js';
import { HASH_SEED, mix } from '../util/hash.js';
import { PACKET_OTHERHOST, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, PROTO_UDP, type Facts, type IpFacts } from '../analysis/facts.js';

/** SLL packet type 3: the frame was addressed to another host's MAC (the kernel drops it). */
const PAYLOAD_DIGEST_BYTES = 16;

export interface Encap {
  type: string;
  outerSrc: Addr;
  outerDst: Addr;
  vni: number;
  /** The UDP destination port of a UDP tunnel, 0 otherwise. */
  port: number;
}

/** Combines two 32-bit hashes into one exact double (52 bits). */
function join(a: number, b: number): number {
  return (a >>> 0) * 0x100000 + (b >>> 12);
}

// transportBytes' two hashes: the same bytes go into both, one loop for the pair.
let hashA = 0;
let hashB = 0;

/** Hashes the transport bytes that identify the packet into hashA and hashB (from seeds a and b). */
function transportBytes(a: number, b: number, pkt: Packet, ip: IpFacts, quoteOnly: boolean): void {
  hashA = a;
  hashB = b;
  if (ip.l4 < 0) return;
  const d = pkt.data;
  const at = ip.l4Start;
  const have = ip.l4End - at;
  // The bytes an ICMP error quotes (8 of the transport header), checksums skipped: the sending
  // host's capture often holds a partial checksum that the NIC completes later.
  let skipFrom = -1;
  let skipTo = -1;
  if (ip.proto === PROTO_UDP) {
    skipFrom = 6;
    skipTo = 8;
  } else if (ip.proto === PROTO_ICMP || ip.proto === PROTO_ICMPV6) {
    skipFrom = 2;
    skipTo = 4;
  }
  const quoteEnd = Math.min(have, 8);
  for (let i = 0; i < quoteEnd; i++) {
    if (i >= skipFrom && i < skipTo) continue;
    a = Math.imul(a ^ d[at + i]!, 0x01000193);
    b = Math.imul(b ^ d[at + i]!, 0x01000193);
  }
  if (!quoteOnly) {
    if (ip.proto === PROTO_TCP) {
      // Acknowledgement, data offset and flags identify the segment; window and checksum may not.
      const end = Math.min(have, 14);
      for (let i = 8; i < end; i++) {
        a = Math.imul(a ^ d[at + i]!, 0x01000193);
        b = Math.imul(b ^ d[at + i]!, 0x01000193);
      }
    }
    const stop = Math.min(ip.l4End, ip.l4Data + PAYLOAD_DIGEST_BYTES);
    for (let i = ip.l4Data; i < stop; i++) {
      a = Math.imul(a ^ d[i]!, 0x01000193);
      b = Math.imul(b ^ d[i]!, 0x01000193);
    }
  }
  hashA = a;
  hashB = b;
}

function headerHash(seed: number, ip: IpFacts): number {
  let h = mixAddr(seed, ip.src);
  h = mixAddr(h, ip.dst);
  h = mix(h, ip.proto);
  h = mix(h, ip.id);
  h = mix(h, ip.fragOffset | (ip.moreFragments ? 1 : 0));
  return h;
}

/** Hashes one IP header and what follows it, with two seeds for 52 bits of key. */
function keyOf(pkt: Packet, ip: IpFacts, quoteOnly: boolean): number {
  let a = headerHash(HASH_SEED, ip);
  let b = headerHash(0x2545f491, ip);
  if (!quoteOnly) {
    // The quote of a long packet keeps its original length, so length joins only the full key.
    a = mix(a, ip.length);
    b = mix(b, ip.length);
  }
  transportBytes(a, b ^ 0x5bd1e995, pkt, ip, quoteOnly);
  return join(hashA, hashB);
}

/** The key of the innermost packet: equal on every copy of it, inside or outside a tunnel. */
export function packetKey(f: Facts, pkt: Packet): number {
  return keyOf(pkt, f.inner, false);
}

/** The innermost header as an ICMP error would quote it (IP header and 8 bytes of transport). */
export function innerQuoteKey(f: Facts, pkt: Packet): number {
  return keyOf(pkt, f.inner, true);
}

/** The outer header as an ICMP error about the tunnel packet would quote it; 0 without a tunnel. */
export function outerQuoteKey(f: Facts, pkt: Packet): number {
  return f.tunnel >= 0 && f.outer.present && f.inner !== f.outer ? keyOf(pkt, f.outer, true) : 0;
}

/**
 * The keys an ICMP error's quote matches: its outer header, and the pod packet inside when the
 * quote is of a tunnel packet (Linux quotes far more than 8 bytes); 0 where absent.
 */
export function quotedKeys(f: Facts, pkt: Packet): [outer: number, inner: number] {
  return [f.quoted.present ? keyOf(pkt, f.quoted, true) : 0, f.quotedInner.present ? keyOf(pkt, f.quotedInner, true) : 0];
}

/** Whether the link layer says the frame was addressed to another host (SLL/SLL2 OTHERHOST). */
export function isOtherHost(f: Facts): boolean {
  return f.pktType === PACKET_OTHERHOST;
}

export function directionText(d: number): 'in' | 'out' | 'unknown' {
  return d === Direction.Inbound ? 'in' : d === Direction.Outbound ? 'out' : 'unknown';
}

/** ICMP "fragmentation needed" (v4 type 3 code 4) or ICMPv6 "packet too big" (type 2). */
export function isTooBig(ip: IpFacts): boolean {
  return (ip.proto === PROTO_ICMP && ip.icmpType === 3 && ip.icmpCode === 4) || (ip.proto === PROTO_ICMPV6 && ip.icmpType === 2);
}

/** Any ICMP/ICMPv6 error (it quotes a packet rather than being one of the flow's). */
export function isIcmpError(ip: IpFacts): boolean {
  if (ip.proto === PROTO_ICMP) return ip.icmpType === 3 || ip.icmpType === 11 || ip.icmpType === 12 || ip.icmpType === 5;
  if (ip.proto === PROTO_ICMPV6) return ip.icmpType >= 1 && ip.icmpType <= 4;
  return false;
}
