// The journeys open within one window, as a table of typed columns addressed by slot. A large
// run keeps tens of thousands open at once, each for a window of capture time: as objects
// (the journey, its packet's numbers, its list of quoted keys) they all outlived the young
// generation and the collector copied and marked them again and again. A slot is taken when a
// journey starts and given back when it has been judged.
import type { Addr } from '../analysis/addr.js';
import type { IcmpEvidence } from './engine.js';
import type { PacketNumbers } from './packet-info.js';
import { grown, type GrowableColumn } from '../util/grown.js';

const FIRST_SIZE = 4096;

const ANSWERED = 1;
const ICMP_ECHO = 2;
const CLOSED = 4;

export class OpenJourneys {
  private size = 0;
  private used = 0;
  private readonly released: number[] = [];
  id = new Int32Array(0);
  /** Time of the first copy, on the reference clock. */
  first = new Float64Array(0);
  /** The packet's key (52 bits) and its flow's id. */
  key = new Float64Array(0);
  flowHash = new Int32Array(0);
  /** Sequence space an acknowledgement must cover, -1 when nothing can be acknowledged. */
  ackNeeded = new Float64Array(0);
  private flags = new Uint8Array(0);
  /** The pool's first and last hop (hop-pool.ts), and how many. */
  hopHead = new Int32Array(0);
  hopTail = new Int32Array(0);
  hopCount = new Int32Array(0);
  /**
   * The key an ICMP error quoting the packet itself matches, then its tunnel packet's (most
   * journeys in a tunnel have one), then any more (a relay re-wraps it) in `moreQuotes`.
   */
  quote = new Float64Array(0);
  private tunnelQuote = new Float64Array(0);
  private quoteCount = new Uint8Array(0);
  private readonly moreQuotes = new Map<number, number[]>();
  private readonly errorLists = new Map<number, IcmpEvidence[]>();
  /**
   * Journeys that asked for something and wait for the answer, a list per flow in order of
   * start (flow id -> first and last slot), linked through the slots.
   */
  private readonly waitHead = new Map<number, number>();
  private readonly waitTail = new Map<number, number>();
  private waitNext = new Int32Array(0);
  private waitPrev = new Int32Array(0);
  private waiting = new Uint8Array(0);
  // The packet's numbers (PacketNumbers), a column each; addresses are numbers or IPv6 strings that exist anyway.
  private proto = new Int32Array(0);
  private src: Addr[] = [];
  private dst: Addr[] = [];
  private sport = new Int32Array(0);
  private dport = new Int32Array(0);
  private ipId = new Float64Array(0);
  private length = new Int32Array(0);
  private seq = new Int32Array(0);
  private ack = new Int32Array(0);
  private tcpFlags = new Int32Array(0);
  private len = new Int32Array(0);
  private icmpType = new Int32Array(0);
  private icmpCode = new Int32Array(0);
  private icmpId = new Int32Array(0);
  icmpSeq = new Int32Array(0);

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
    this.id[s] = id;
    this.first[s] = first;
    this.key[s] = key;
    this.flowHash[s] = flowHash;
    this.ackNeeded[s] = ackNeeded;
    this.flags[s] = icmpEcho ? ICMP_ECHO : 0;
    this.hopHead[s] = 0;
    this.hopTail[s] = 0;
    this.hopCount[s] = 0;
    this.quote[s] = quote;
    this.quoteCount[s] = 1;
    this.waiting[s] = 0;
    this.proto[s] = p.proto;
    this.src[s] = p.src;
    this.dst[s] = p.dst;
    this.sport[s] = p.sport;
    this.dport[s] = p.dport;
    this.ipId[s] = p.ipId;
    this.length[s] = p.length;
    this.seq[s] = p.seq;
    this.ack[s] = p.ack;
    this.tcpFlags[s] = p.flags;
    this.len[s] = p.len;
    this.icmpType[s] = p.icmpType;
    this.icmpCode[s] = p.icmpCode;
    this.icmpId[s] = p.icmpId;
    this.icmpSeq[s] = p.icmpSeq;
    return s;
  }

  /** Gives the slot back (its journey has been judged). */
  release(s: number): void {
    this.moreQuotes.delete(s);
    this.errorLists.delete(s);
    this.released.push(s);
  }

  answered(s: number): boolean {
    return (this.flags[s]! & ANSWERED) !== 0;
  }

  markAnswered(s: number): void {
    this.flags[s]! |= ANSWERED;
  }

  icmpEcho(s: number): boolean {
    return (this.flags[s]! & ICMP_ECHO) !== 0;
  }

  closed(s: number): boolean {
    return (this.flags[s]! & CLOSED) !== 0;
  }

  markClosed(s: number): void {
    this.flags[s]! |= CLOSED;
  }

  /** Puts the journey at the end of its flow's waiting list. */
  wait(s: number): void {
    const flow = this.flowHash[s]!;
    const tail = this.waitTail.get(flow);
    this.waitPrev[s] = tail ?? -1;
    this.waitNext[s] = -1;
    this.waiting[s] = 1;
    if (tail === undefined) this.waitHead.set(flow, s);
    else this.waitNext[tail] = s;
    this.waitTail.set(flow, s);
  }

  /** The first journey waiting on this flow, -1 for none. */
  firstWaiting(flow: number): number {
    return this.waitHead.get(flow) ?? -1;
  }

  /** The next journey waiting on the same flow, -1 after the last. */
  nextWaiting(s: number): number {
    return this.waitNext[s]!;
  }

  /** Takes the journey out of its flow's waiting list, if it is in it. */
  stopWaiting(s: number): void {
    if (this.waiting[s] === 0) return;
    this.waiting[s] = 0;
    const flow = this.flowHash[s]!;
    const prev = this.waitPrev[s]!;
    const next = this.waitNext[s]!;
    if (prev >= 0) this.waitNext[prev] = next;
    else if (next >= 0) this.waitHead.set(flow, next);
    else this.waitHead.delete(flow);
    if (next >= 0) this.waitPrev[next] = prev;
    else if (prev >= 0) this.waitTail.set(flow, prev);
    else this.waitTail.delete(flow);
  }

  /** How many keys an ICMP error about this journey's packet may match, and the nth of them (its own first, then its tunnel packets'). */
  quoteTotal(s: number): number {
    return this.quoteCount[s] === 1 ? 1 : 2 + (this.moreQuotes.get(s)?.length ?? 0);
  }

  quoteAt(s: number, n: number): number {
    return n === 0 ? this.quote[s]! : n === 1 ? this.tunnelQuote[s]! : this.moreQuotes.get(s)![n - 2]!;
  }

  addQuote(s: number, q: number): void {
    if (this.quoteCount[s] === 1) {
      this.tunnelQuote[s] = q;
      this.quoteCount[s] = 2;
      return;
    }
    const more = this.moreQuotes.get(s);
    if (more) more.push(q);
    else this.moreQuotes.set(s, [q]);
  }

  errors(s: number): IcmpEvidence[] | undefined {
    return this.errorLists.get(s);
  }

  addError(s: number, e: IcmpEvidence): void {
    const list = this.errorLists.get(s);
    if (list) list.push(e);
    else this.errorLists.set(s, [e]);
  }

  target(s: number): Addr {
    return this.dst[s]!;
  }

  /** The packet's numbers as PacketNumbers, for judging and naming. */
  packet(s: number): PacketNumbers {
    return {
      proto: this.proto[s]!,
      src: this.src[s]!,
      dst: this.dst[s]!,
      sport: this.sport[s]!,
      dport: this.dport[s]!,
      ipId: this.ipId[s]!,
      length: this.length[s]!,
      seq: this.seq[s]!,
      ack: this.ack[s]!,
      flags: this.tcpFlags[s]!,
      len: this.len[s]!,
      icmpType: this.icmpType[s]!,
      icmpCode: this.icmpCode[s]!,
      icmpId: this.icmpId[s]!,
      icmpSeq: this.icmpSeq[s]!,
    };
  }

  private grow(size: number): void {
    const copy = <T extends GrowableColumn>(old: T): T => grown(old, size);
    this.id = copy(this.id);
    this.first = copy(this.first);
    this.key = copy(this.key);
    this.flowHash = copy(this.flowHash);
    this.ackNeeded = copy(this.ackNeeded);
    this.flags = copy(this.flags);
    this.hopHead = copy(this.hopHead);
    this.hopTail = copy(this.hopTail);
    this.hopCount = copy(this.hopCount);
    this.quote = copy(this.quote);
    this.tunnelQuote = copy(this.tunnelQuote);
    this.quoteCount = copy(this.quoteCount);
    this.waitNext = copy(this.waitNext);
    this.waitPrev = copy(this.waitPrev);
    this.waiting = copy(this.waiting);
    this.proto = copy(this.proto);
    this.sport = copy(this.sport);
    this.dport = copy(this.dport);
    this.ipId = copy(this.ipId);
    this.length = copy(this.length);
    this.seq = copy(this.seq);
    this.ack = copy(this.ack);
    this.tcpFlags = copy(this.tcpFlags);
    this.len = copy(this.len);
    this.icmpType = copy(this.icmpType);
    this.icmpCode = copy(this.icmpCode);
    this.icmpId = copy(this.icmpId);
    this.icmpSeq = copy(this.icmpSeq);
    this.size = size;
  }
}
