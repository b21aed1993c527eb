// The journeys open within one window, as a table addressed by slot. A large run keeps tens of
// thousands open at once, each for a window of capture time: as objects (the journey, its
// packet's numbers, its list of quoted keys) they all outlived the young generation and the
// collector copied and marked them again and again. A slot is taken when a journey starts and
// given back when it has been judged.
//
// A slot is one row of 144 bytes in a single buffer, not a value in each of thirty columns: the
// open journeys of a window are larger than the caches, and starting, answering or closing one
// then touches two or three cache lines instead of a line per column. What a packet's copies,
// its answers and its closing read (time, key, quoted keys, flags, hop and waiting-list links)
// comes first, in the row's first 64 bytes.
import type { Addr } from '../analysis/addr.js';
import type { IcmpEvidence } from './engine.js';
import { WaitEnds } from './wait-ends.js';
import type { PacketNumbers } from './packet-info.js';

const FIRST_SIZE = 4096;

/** A row in 8-byte words, and where each value sits: F_ in 8-byte words, I_ in 4-byte ones. */
const ROW = 18;
const I_ROW = ROW * 2;
const F_FIRST = 0;
const F_KEY = 1;
const F_ACK_NEEDED = 2;
const F_QUOTE = 3;
const F_TUNNEL_QUOTE = 4;
const I_FLAGS = 10;
const I_FLOW = 11;
const I_HOP_HEAD = 12;
const I_HOP_TAIL = 13;
const I_HOP_COUNT = 14;
const I_WAIT_NEXT = 15;
const F_IP_ID = 8;
const F_SRC = 9;
const F_DST = 10;
const I_WAIT_PREV = 22;
const I_ID = 23;
const I_PROTO = 24;
const I_SPORT = 25;
const I_DPORT = 26;
const I_LENGTH = 27;
const I_SEQ = 28;
const I_ACK = 29;
const I_TCP_FLAGS = 30;
const I_LEN = 31;
const I_ICMP_TYPE = 32;
const I_ICMP_CODE = 33;
const I_ICMP_ID = 34;
const I_ICMP_SEQ = 35;

const ANSWERED = 1;
const ICMP_ECHO = 2;
const CLOSED = 4;
const WAITING = 8;
/** The tunnel packet's quoted key is set (more are in moreQuotes). */
const TUNNEL_QUOTE = 16;

const NONE = -1;

export class OpenJourneys {
  private size = 0;
  private used = 0;
  private readonly released: number[] = [];
  private f = new Float64Array(0);
  private n = new Int32Array(0);
  private readonly moreQuotes = new Map<number, number[]>();
  private readonly errorLists = new Map<number, IcmpEvidence[]>();
  /** IPv6 addresses (strings) of the slots whose packet has them; IPv4 ones are numbers in the row. */
  private readonly v6Addrs = new Map<number, [Addr, Addr]>();
  /**
   * Journeys that asked for something and wait for the answer, a list per flow in order of
   * start (flow id -> first and last slot), linked through the slots.
   */
  private readonly waits = new WaitEnds();

  constructor() {
    this.grow(FIRST_SIZE);
  }

  /** A slot for a journey that starts now. */
  take(id: number, p: PacketNumbers, key: number, quote: number, flowHash: number, first: number, ackNeeded: number, icmpEcho: boolean): number {
    let s = this.released.pop();
    if (s === undefined) {
      if (this.used === this.size) this.grow(this.size * 2);
      s = this.used++;
    }
    const f = this.f;
    const n = this.n;
    const r = s * ROW;
    const q = s * I_ROW;
    f[r + F_FIRST] = first;
    f[r + F_KEY] = key;
    f[r + F_ACK_NEEDED] = ackNeeded;
    f[r + F_QUOTE] = quote;
    n[q + I_FLAGS] = icmpEcho ? ICMP_ECHO : 0;
    n[q + I_FLOW] = flowHash;
    n[q + I_HOP_HEAD] = 0;
    n[q + I_HOP_TAIL] = 0;
    n[q + I_HOP_COUNT] = 0;
    f[r + F_IP_ID] = p.ipId;
    if (typeof p.src === 'number' && typeof p.dst === 'number') {
      f[r + F_SRC] = p.src;
      f[r + F_DST] = p.dst;
    } else this.v6Addrs.set(s, [p.src, p.dst]);
    n[q + I_ID] = id;
    n[q + I_PROTO] = p.proto;
    n[q + I_SPORT] = p.sport;
    n[q + I_DPORT] = p.dport;
    n[q + I_LENGTH] = p.length;
    n[q + I_SEQ] = p.seq;
    n[q + I_ACK] = p.ack;
    n[q + I_TCP_FLAGS] = p.flags;
    n[q + I_LEN] = p.len;
    n[q + I_ICMP_TYPE] = p.icmpType;
    n[q + I_ICMP_CODE] = p.icmpCode;
    n[q + I_ICMP_ID] = p.icmpId;
    n[q + I_ICMP_SEQ] = p.icmpSeq;
    return s;
  }

  /** Gives the slot back (its journey has been judged). */
  release(s: number): void {
    if (this.moreQuotes.size > 0) this.moreQuotes.delete(s);
    if (this.errorLists.size > 0) this.errorLists.delete(s);
    if (this.v6Addrs.size > 0) this.v6Addrs.delete(s);
    this.released.push(s);
  }

  id(s: number): number {
    return this.n[s * I_ROW + I_ID]!;
  }

  /** Time of the first copy, on the reference clock. */
  first(s: number): number {
    return this.f[s * ROW + F_FIRST]!;
  }

  /** The packet's key (52 bits). */
  key(s: number): number {
    return this.f[s * ROW + F_KEY]!;
  }

  /** Sequence space an acknowledgement must cover, -1 when nothing can be acknowledged. */
  ackNeeded(s: number): number {
    return this.f[s * ROW + F_ACK_NEEDED]!;
  }

  icmpSeq(s: number): number {
    return this.n[s * I_ROW + I_ICMP_SEQ]!;
  }

  /** The key an ICMP error quoting the packet itself matches. */
  quote(s: number): number {
    return this.f[s * ROW + F_QUOTE]!;
  }

  /** The pool's first and last hop (hop-pool.ts; 0 for none), and how many. */
  hopHead(s: number): number {
    return this.n[s * I_ROW + I_HOP_HEAD]!;
  }

  hopTail(s: number): number {
    return this.n[s * I_ROW + I_HOP_TAIL]!;
  }

  hopCount(s: number): number {
    return this.n[s * I_ROW + I_HOP_COUNT]!;
  }

  /** Records that `hop` (the pool's new tail) was added to the journey. */
  addHop(s: number, hop: number): void {
    const q = s * I_ROW;
    const n = this.n;
    if (n[q + I_HOP_HEAD] === 0) n[q + I_HOP_HEAD] = hop;
    n[q + I_HOP_TAIL] = hop;
    n[q + I_HOP_COUNT]!++;
  }

  answered(s: number): boolean {
    return (this.n[s * I_ROW + I_FLAGS]! & ANSWERED) !== 0;
  }

  markAnswered(s: number): void {
    this.n[s * I_ROW + I_FLAGS]! |= ANSWERED;
  }

  icmpEcho(s: number): boolean {
    return (this.n[s * I_ROW + I_FLAGS]! & ICMP_ECHO) !== 0;
  }

  closed(s: number): boolean {
    return (this.n[s * I_ROW + I_FLAGS]! & CLOSED) !== 0;
  }

  markClosed(s: number): void {
    this.n[s * I_ROW + I_FLAGS]! |= CLOSED;
  }

  /** Puts the journey at the end of its flow's waiting list. */
  wait(s: number): void {
    const n = this.n;
    const q = s * I_ROW;
    const flow = n[q + I_FLOW]!;
    const tail = this.waits.append(flow, s);
    n[q + I_WAIT_PREV] = tail;
    n[q + I_WAIT_NEXT] = NONE;
    n[q + I_FLAGS]! |= WAITING;
    if (tail !== NONE) n[tail * I_ROW + I_WAIT_NEXT] = s;
  }

  /** The first journey waiting on this flow, -1 for none. */
  firstWaiting(flow: number): number {
    return this.waits.head(flow);
  }

  /** The next journey waiting on the same flow, -1 after the last. */
  nextWaiting(s: number): number {
    return this.n[s * I_ROW + I_WAIT_NEXT]!;
  }

  /** Takes the journey out of its flow's waiting list, if it is in it. */
  stopWaiting(s: number): void {
    const n = this.n;
    const q = s * I_ROW;
    if ((n[q + I_FLAGS]! & WAITING) === 0) return;
    n[q + I_FLAGS]! &= ~WAITING;
    const flow = n[q + I_FLOW]!;
    const prev = n[q + I_WAIT_PREV]!;
    const next = n[q + I_WAIT_NEXT]!;
    if (prev >= 0) n[prev * I_ROW + I_WAIT_NEXT] = next;
    if (next >= 0) n[next * I_ROW + I_WAIT_PREV] = prev;
    if (prev < 0 && next < 0) this.waits.remove(flow);
    else if (prev < 0) this.waits.setHead(flow, next);
    else if (next < 0) this.waits.setTail(flow, prev);
  }

  /** How many keys an ICMP error about this journey's packet may match, and the nth of them (its own first, then its tunnel packets'). */
  quoteTotal(s: number): number {
    return (this.n[s * I_ROW + I_FLAGS]! & TUNNEL_QUOTE) === 0 ? 1 : 2 + (this.moreQuotes.get(s)?.length ?? 0);
  }

  quoteAt(s: number, i: number): number {
    return i === 0 ? this.f[s * ROW + F_QUOTE]! : i === 1 ? this.f[s * ROW + F_TUNNEL_QUOTE]! : this.moreQuotes.get(s)![i - 2]!;
  }

  addQuote(s: number, key: number): void {
    const q = s * I_ROW;
    if ((this.n[q + I_FLAGS]! & TUNNEL_QUOTE) === 0) {
      this.f[s * ROW + F_TUNNEL_QUOTE] = key;
      this.n[q + I_FLAGS]! |= TUNNEL_QUOTE;
      return;
    }
    const more = this.moreQuotes.get(s);
    if (more) more.push(key);
    else this.moreQuotes.set(s, [key]);
  }

  errors(s: number): IcmpEvidence[] | undefined {
    return this.errorLists.get(s);
  }

  addError(s: number, e: IcmpEvidence): void {
    const list = this.errorLists.get(s);
    if (list) list.push(e);
    else this.errorLists.set(s, [e]);
  }

  /** The followed packet's destination. */
  target(s: number): Addr {
    return this.v6Addrs.get(s)?.[1] ?? this.f[s * ROW + F_DST]!;
  }

  /** Fills `out` with the packet's numbers, for judging and naming. */
  packetInto(s: number, out: PacketNumbers): PacketNumbers {
    const f = this.f;
    const n = this.n;
    const r = s * ROW;
    const q = s * I_ROW;
    const v6 = this.v6Addrs.size > 0 ? this.v6Addrs.get(s) : undefined;
    out.proto = n[q + I_PROTO]!;
    out.src = v6 ? v6[0] : f[r + F_SRC]!;
    out.dst = v6 ? v6[1] : f[r + F_DST]!;
    out.sport = n[q + I_SPORT]!;
    out.dport = n[q + I_DPORT]!;
    out.ipId = f[r + F_IP_ID]!;
    out.length = n[q + I_LENGTH]!;
    out.seq = n[q + I_SEQ]!;
    out.ack = n[q + I_ACK]!;
    out.flags = n[q + I_TCP_FLAGS]!;
    out.len = n[q + I_LEN]!;
    out.icmpType = n[q + I_ICMP_TYPE]!;
    out.icmpCode = n[q + I_ICMP_CODE]!;
    out.icmpId = n[q + I_ICMP_ID]!;
    out.icmpSeq = n[q + I_ICMP_SEQ]!;
    return out;
  }

  private grow(size: number): void {
    const buffer = new ArrayBuffer(size * ROW * 8);
    const f = new Float64Array(buffer);
    f.set(this.f);
    this.f = f;
    this.n = new Int32Array(buffer);
    this.size = size;
  }
}
