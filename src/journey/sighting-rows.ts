// One frame as the journey's merge pass needs it, as a row of numbers: which packet it is
// (its keys), where it was seen, how it was wrapped, and the numbers a journey keeps. Reading
// and dissecting a frame is half of a large journey run; as rows it can be done in a worker
// thread (sighting-worker.ts) and handed over in batches while the main thread correlates.
// Strings (interface names, tunnel kinds, IPv6 addresses) travel as ids in a table.
import type { Packet } from '../dissect/types.js';
import { v4At, type Addr } from '../analysis/addr.js';
import { beyondUdp, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, type Facts } from '../analysis/facts.js';
import { announcedMtu, flowHashes, flowIds, PacketNumbers, tcpAck, tcpPayloadLength, tcpSeq } from './packet-info.js';
import { innerQuoteKey, isIcmpError, isOtherHost, isTooBig, outerQuoteKey, packetKey, quotedKeys } from './sighting.js';

// Fields of a row.
export const FLAGS = 0;
export const CAPTURE = 1;
export const POSITION = 2;
/** Corrected time (seconds on the reference clock). */
export const TIME = 3;
/** The frame's number as the facts give it. */
export const FRAME = 4;
/** The direction the capture records (Direction.Unknown when it records none). */
export const RAW_DIRECTION = 5;
export const SRC_MAC = 6;
export const DST_MAC = 7;
/** String id of the interface name (F_IFACE set). */
export const IFACE = 8;
// The innermost IP header and its transport, as the facts have them.
export const SRC = 9;
export const DST = 10;
export const PROTO = 11;
export const TTL = 12;
export const IP_ID = 13;
export const LENGTH = 14;
export const SPORT = 15;
export const DPORT = 16;
export const TCP_FLAGS = 17;
/** TCP only: sequence and acknowledgment numbers (| 0) and payload length. */
export const TCP_SEQ = 18;
export const TCP_ACK = 19;
export const TCP_LEN = 20;
export const ICMP_TYPE = 21;
export const ICMP_CODE = 22;
export const ICMP_ID = 23;
export const ICMP_SEQ = 24;
// Identity (a followed packet only; see sighting.ts).
export const KEY = 25;
export const QUOTE_KEY = 26;
export const OUTER_QUOTE_KEY = 27;
export const FLOW = 28;
export const REVERSE_FLOW = 29;
// The outermost header (its addresses also when F_DECAPSULATED), and the tunnel when F_TUNNELLED.
export const OUTER_SRC = 30;
export const OUTER_DST = 31;
export const OUTER_TTL = 32;
export const OUTER_LENGTH = 33;
export const VNI = 34;
export const TUNNEL_PORT = 35;
/** String id of the tunnel's kind. */
export const TUNNEL_KIND = 36;
// An ICMP error: the keys of what it quotes, and the MTU it announces.
export const QUOTED_KEY = 37;
export const QUOTED_INNER_KEY = 38;
export const MTU = 39;
/** ARP (F_ARP): the sender's and the target's IPv4 address. */
export const ARP_SENDER = 40;
export const ARP_TARGET = 41;
/** Numbers in a row. */
export const ROW = 42;

// FLAGS bits.
/** An IP packet is inside (the facts' inner header is present). */
export const F_INNER = 1;
/** It is an ICMP error that quotes a packet (F_QUOTED: the quote was read). */
export const F_ICMP_ERROR = 2;
export const F_QUOTED = 4;
/** The inner packet came out of a tunnel (an encapsulation was decoded around it). */
export const F_DECAPSULATED = 8;
/** A tunnel header and an outer IP header: the copy is a hop inside the tunnel. */
export const F_TUNNELLED = 0x10;
/** -Y accepts the packet (only tested with -Y). */
export const F_ACCEPTED = 0x20;
export const F_OTHER_HOST = 0x40;
/** The outermost packet may not be fragmented (IPv4 DF, or IPv6). */
export const F_OUTER_DF = 0x80;
/** The capture holds bytes past the UDP header (it was not cut to the headers). */
export const F_BEYOND_UDP = 0x100;
export const F_V6 = 0x200;
export const F_IFACE = 0x400;
// Which address fields hold a string id (IPv6) rather than an IPv4 number.
const F_SRC_TEXT = 0x800;
const F_DST_TEXT = 0x1000;
const F_OUTER_SRC_TEXT = 0x2000;
const F_OUTER_DST_TEXT = 0x4000;
/** An IPv4-over-Ethernet ARP message. */
export const F_ARP = 0x8000;

/** Strings of rows by id. A sender's table starts over when it grows large (`renew`); its reader then does too. */
export class SightingStrings {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();
  /** How many of `list` the reader on the other side has been sent. */
  sent = 0;
  /** The string asked for last and its id (none at first: '' is a string like any other). */
  private last: string | undefined = undefined;
  private lastId = -1;

  id(s: string): number {
    if (s === this.last) return this.lastId;
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.ids.set(s, i);
    }
    this.last = s;
    this.lastId = i;
    return i;
  }

  /** Starts over when the table holds more than `max` strings (between rows nobody still reads); true if it did. */
  renew(max = 100_000): boolean {
    if (this.list.length <= max) return false;
    this.list.length = 0;
    this.ids.clear();
    this.sent = 0;
    this.last = undefined;
    this.lastId = -1;
    return true;
  }

  /** The strings added since the last call. */
  unsent(): string[] {
    const out = this.list.slice(this.sent);
    this.sent = this.list.length;
    return out;
  }
}

function putAddr(out: Float64Array, at: number, field: number, a: Addr, textFlag: number, strings: SightingStrings): number {
  if (typeof a === 'number') {
    out[at + field] = a;
    return 0;
  }
  out[at + field] = strings.id(a);
  return textFlag;
}

/**
 * Which pass a row is for. The survey reads a packet's key and no other identity (no quote
 * keys, flow ids, TCP numbers, ICMP errors' quotes or -Y): a third of the time a row takes.
 */
export type Pass = 'survey' | 'merge';

/**
 * Writes frame `position` of capture `capture` (its facts `f` and packet `pkt`, seen at
 * corrected time `time`) as the row at `at`. `filter` is -Y's test, if any.
 */
export function writeSighting(
  out: Float64Array,
  at: number,
  strings: SightingStrings,
  capture: number,
  position: number,
  time: number,
  f: Facts,
  pkt: Packet,
  filter: ((pkt: Packet) => boolean) | undefined,
  pass: Pass,
): void {
  const ip = f.inner;
  let flags = 0;
  out[at + CAPTURE] = capture;
  out[at + POSITION] = position;
  out[at + TIME] = time;
  out[at + FRAME] = f.frame;
  out[at + RAW_DIRECTION] = f.direction;
  out[at + SRC_MAC] = f.srcMac;
  out[at + DST_MAC] = f.dstMac;
  if (f.iface !== undefined) {
    flags |= F_IFACE;
    out[at + IFACE] = strings.id(f.iface);
  }
  if (beyondUdp(f)) flags |= F_BEYOND_UDP;
  if (isOtherHost(f)) flags |= F_OTHER_HOST;
  if (f.tunnel >= 0 && f.inner !== f.outer) flags |= F_DECAPSULATED;
  const outer = f.outer;
  if (outer.df || outer.v6) flags |= F_OUTER_DF;
  out[at + OUTER_TTL] = outer.ttl;
  out[at + OUTER_LENGTH] = outer.length;
  flags |= putAddr(out, at, OUTER_SRC, outer.src, F_OUTER_SRC_TEXT, strings);
  flags |= putAddr(out, at, OUTER_DST, outer.dst, F_OUTER_DST_TEXT, strings);
  if (f.arp >= 0 && arpAddresses(out, at, pkt, f.arp)) flags |= F_ARP;
  if (f.tunnel >= 0 && outer.present) {
    flags |= F_TUNNELLED;
    out[at + VNI] = f.vni;
    out[at + TUNNEL_PORT] = f.tunnelPort;
    out[at + TUNNEL_KIND] = strings.id(f.tunnelKind);
  }
  if (ip.present) {
    flags |= F_INNER;
    if (ip.v6) flags |= F_V6;
    flags |= putAddr(out, at, SRC, ip.src, F_SRC_TEXT, strings);
    flags |= putAddr(out, at, DST, ip.dst, F_DST_TEXT, strings);
    out[at + PROTO] = ip.proto;
    out[at + TTL] = ip.ttl;
    out[at + IP_ID] = ip.id;
    out[at + LENGTH] = ip.length;
    out[at + SPORT] = ip.sport;
    out[at + DPORT] = ip.dport;
    out[at + TCP_FLAGS] = ip.tcpFlags;
    out[at + ICMP_TYPE] = ip.icmpType;
    out[at + ICMP_CODE] = ip.icmpCode;
    out[at + ICMP_ID] = ip.icmpId;
    out[at + ICMP_SEQ] = ip.icmpSeq;
    if (isIcmpError(ip)) {
      flags |= F_ICMP_ERROR;
      if (f.quoted.present && pass === 'merge') {
        flags |= F_QUOTED;
        const [quoted, quotedInner] = quotedKeys(f, pkt);
        out[at + QUOTED_KEY] = quoted;
        out[at + QUOTED_INNER_KEY] = quotedInner;
        out[at + MTU] = isTooBig(ip) ? announcedMtu(pkt, ip) : 0;
      }
    } else if (pass === 'survey') out[at + KEY] = packetKey(f, pkt);
    else {
      // Keys are read whatever -Y says (the survey samples every packet's for the clocks).
      if (filter !== undefined && filter(pkt)) flags |= F_ACCEPTED;
      const tcp = ip.proto === PROTO_TCP;
      out[at + TCP_SEQ] = tcp ? tcpSeq(pkt, ip) | 0 : 0;
      out[at + TCP_ACK] = tcp ? tcpAck(pkt, ip) | 0 : 0;
      out[at + TCP_LEN] = tcp ? tcpPayloadLength(pkt, ip) : 0;
      out[at + KEY] = packetKey(f, pkt);
      out[at + QUOTE_KEY] = innerQuoteKey(f, pkt);
      out[at + OUTER_QUOTE_KEY] = outerQuoteKey(f, pkt);
      flowHashes(ip);
      out[at + FLOW] = flowIds.forward;
      out[at + REVERSE_FLOW] = flowIds.reverse;
    }
  }
  out[at + FLAGS] = flags;
}

/** An ARP message's two IPv4 addresses (IPv4 over Ethernet: 28 bytes), into the row; false for another kind. */
function arpAddresses(out: Float64Array, at: number, pkt: Packet, layer: number): boolean {
  const l = pkt.layers[layer]!;
  const d = pkt.data;
  if (l.end - l.start < 28 || d[l.start + 4] !== 6 || d[l.start + 5] !== 4) return false;
  out[at + ARP_SENDER] = v4At(d, l.start + 14);
  out[at + ARP_TARGET] = v4At(d, l.start + 24);
  return true;
}

/** A row's address field: an IPv4 number, or the IPv6 text its id names. */
function addrOf(rows: Float64Array, at: number, field: number, textFlag: number, strings: readonly string[]): Addr {
  const v = rows[at + field]!;
  return (rows[at + FLAGS]! & textFlag) !== 0 ? strings[v]! : v;
}

export function srcOf(rows: Float64Array, at: number, strings: readonly string[]): Addr {
  return addrOf(rows, at, SRC, F_SRC_TEXT, strings);
}
export function dstOf(rows: Float64Array, at: number, strings: readonly string[]): Addr {
  return addrOf(rows, at, DST, F_DST_TEXT, strings);
}
export function outerSrcOf(rows: Float64Array, at: number, strings: readonly string[]): Addr {
  return addrOf(rows, at, OUTER_SRC, F_OUTER_SRC_TEXT, strings);
}
export function outerDstOf(rows: Float64Array, at: number, strings: readonly string[]): Addr {
  return addrOf(rows, at, OUTER_DST, F_OUTER_DST_TEXT, strings);
}
export function ifaceOf(rows: Float64Array, at: number, strings: readonly string[]): string | undefined {
  return (rows[at + FLAGS]! & F_IFACE) !== 0 ? strings[rows[at + IFACE]!] : undefined;
}

/** Fills `out` with a followed row's packet numbers (ICMP fields only for ICMP, TCP flags only for TCP). */
export function packetNumbersOfRow(out: PacketNumbers, rows: Float64Array, at: number, strings: readonly string[]): PacketNumbers {
  const proto = rows[at + PROTO]!;
  const tcp = proto === PROTO_TCP;
  const icmpType = rows[at + ICMP_TYPE]!;
  const icmp = (proto === PROTO_ICMP || proto === PROTO_ICMPV6) && icmpType >= 0;
  out.proto = proto;
  out.src = srcOf(rows, at, strings);
  out.dst = dstOf(rows, at, strings);
  out.sport = rows[at + SPORT]!;
  out.dport = rows[at + DPORT]!;
  out.ipId = rows[at + IP_ID]!;
  out.length = rows[at + LENGTH]!;
  out.seq = rows[at + TCP_SEQ]!;
  out.ack = rows[at + TCP_ACK]!;
  out.flags = tcp ? rows[at + TCP_FLAGS]! : 0;
  out.len = rows[at + TCP_LEN]!;
  out.icmpType = icmp ? icmpType : -1;
  out.icmpCode = icmp ? rows[at + ICMP_CODE]! : 0;
  out.icmpId = icmp ? rows[at + ICMP_ID]! : 0;
  out.icmpSeq = icmp ? rows[at + ICMP_SEQ]! : 0;
  return out;
}
