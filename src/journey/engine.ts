// Following packets through several captures. Two streaming passes:
// 1. each capture alone: which addresses are pods, which packets to follow, a bounded sample
//    of packet keys with their times (for the clocks), how far its time stamps run backwards;
// 2. all captures merged by corrected time (k-way merge of their frame indexes): every copy
//    of a followed packet joins that packet's journey while it is open; a journey closes once
//    the merged time has moved a window past its first copy, is judged, and handed on.
// Memory: the frame indexes plus the journeys open within one window and a bounded table of
// flows; nothing grows with the number of packets.
import { Direction } from '../capture/types.js';
import type { Addr } from '../analysis/addr.js';
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, TCP_ACK, TCP_FIN, TCP_SYN } from '../analysis/facts.js';
import { estimateClocks, type ClockEstimate } from './clock.js';
import { Capturing, PodAddresses } from './readers.js';
import { CaptureSurvey } from './survey.js';
import { frameTime, mergeByTime } from './kway.js';
import type { ParallelSightings } from './parallel-sightings.js';
import { judge } from './fate.js';
import type { Host } from './hosts.js';
import { HopPool, HopScratch } from './hop-pool.js';
import { CountedJourney } from './counted-journey.js';
import { FlowSummaries } from './flow-summaries.js';
import { KeySlots } from './key-slots.js';
import { OpenJourneys } from './open-journeys.js';
import { PacketNumbers } from './packet-info.js';
import {
  CAPTURE,
  DST_MAC,
  FLAGS,
  FLOW,
  FRAME,
  F_ACCEPTED,
  F_BEYOND_UDP,
  F_DECAPSULATED,
  F_ICMP_ERROR,
  F_INNER,
  F_QUOTED,
  F_TUNNELLED,
  F_V6,
  ICMP_CODE,
  ICMP_SEQ,
  ICMP_TYPE,
  KEY,
  MTU,
  OUTER_LENGTH,
  OUTER_QUOTE_KEY,
  PROTO,
  QUOTED_INNER_KEY,
  QUOTED_KEY,
  QUOTE_KEY,
  RAW_DIRECTION,
  REVERSE_FLOW,
  ROW,
  SRC_MAC,
  SightingStrings,
  TCP_ACK as ROW_TCP_ACK,
  TCP_FLAGS,
  TIME,
  TTL,
  dstOf,
  ifaceOf,
  outerDstOf,
  outerSrcOf,
  packetNumbersOfRow,
  srcOf,
  writeSighting,
} from './sighting-rows.js';

export type { CaptureClock, FlowSummary, Hop, IcmpEvidence, Journey, JourneyCapture, JourneyOptions, JourneyRun } from './journey-types.js';
import type { CaptureClock, Journey, JourneyCapture, JourneyOptions, JourneyRun } from './journey-types.js';

/** Frames the main thread surveys between looks at the worker's batches. */
const SURVEY_SLICE = 16_384;

/** How long after a host's last frame (seconds) a packet from it, seen elsewhere, shows its capture had stopped: transit and clock error. */
const LATE_SENDER = 0.01;

/** No open journey (KeySlots' answer for a key it does not hold). */
const NONE = -1;

/** Whether a is at or after b in TCP's 32-bit sequence space. */
function seqAtOrAfter(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

export class JourneyEngine {
  private readonly window: number;
  private readonly readers: Capturing[];
  private readonly hosts: Host[];
  private readonly pods: PodAddresses;
  private clocks: ClockEstimate[] = [];
  private backwards: number[] = [];
  private followed: number[] = [];
  // Open journeys are slots of `table` (open-journeys.ts): by packet key, by the keys an ICMP
  // error would quote, and per flow while they wait for an answer; `queue` in order of start.
  private readonly table = new OpenJourneys();
  private readonly open = new KeySlots();
  private readonly byQuote = new KeySlots();
  private readonly hops = new HopPool();
  /** The numbers of the packet being started or judged (one object, reused). */
  private readonly numbers = new PacketNumbers();
  private queue: number[] = [];
  private head = 0;
  private nextId = 1;
  private readonly flows: FlowSummaries;
  private journeys = 0;
  /** Past this time (reference clock) some host's capture has no more frames: packets from it are looked out for. */
  private quietAfter = Infinity;
  /** Where every journey is judged; those kept are copied out of it. */
  private readonly counted = new CountedJourney();
  private readonly countedHops = new HopScratch();

  constructor(
    private readonly inputs: readonly JourneyCapture[],
    private readonly opts: JourneyOptions,
  ) {
    this.window = opts.window ?? 2;
    this.readers = inputs.map((c) => new Capturing(c, opts.registry, opts.filter !== undefined));
    this.hosts = inputs.map((c) => c.host);
    this.pods = new PodAddresses(opts.podCidrs ?? []);
    this.flows = new FlowSummaries(opts.maxFlows ?? 100_000);
  }

  /**
   * Runs both passes. `ready` gets the captures and their clocks between the passes (followed
   * counts are not known yet); each judged journey goes to `emit` as soon as it closes.
   */
  run(emit: (j: Journey) => void, ready?: (captures: CaptureClock[]) => void): JourneyRun {
    this.estimateClocks();
    ready?.(this.captureClocks());
    this.merge(emit);
    return this.result();
  }

  /**
   * The same run, with the second pass's reading and dissecting done by a worker thread while
   * this one correlates (`sightings` is started before, so it gets ready during the first pass).
   */
  async runInParallel(sightings: ParallelSightings, emit: (j: Journey) => void, ready?: (captures: CaptureClock[]) => void): Promise<JourneyRun> {
    sightings.use(this.inputs);
    this.clocksFrom(await this.surveyInParallel(sightings));
    ready?.(this.captureClocks());
    const lateness = this.lateness();
    const stopped = this.opts.stopped;
    await sightings.merge(
      this.clocks.map((c) => c.offset),
      (rows, count, strings) => {
        if (stopped?.()) return false;
        for (let at = 0, end = count * ROW; at < end; at += ROW) this.step(rows, at, strings, lateness, emit);
      },
    );
    if (!stopped?.()) this.closeBefore(Infinity, emit);
    return this.result();
  }

  private result(): JourneyRun {
    const flows = this.flows;
    return {
      captures: this.captureClocks(),
      get flows() {
        return flows.list;
      },
      eachFlow: () => flows.summaries(),
      journeys: this.journeys,
      untrackedPackets: flows.untracked,
    };
  }

  private captureClocks(): CaptureClock[] {
    return this.inputs.map((c, i) => ({
      name: c.name,
      file: c.capture.name,
      packets: c.capture.frameCount,
      followed: this.followed[i] ?? 0,
      clock: this.clocks[i]!,
      backwards: this.backwards[i] ?? 0,
    }));
  }

  /** Frames of capture ci the first pass reads. */
  private surveyed(ci: number): number {
    return Math.min(this.inputs[ci]!.capture.frameCount, this.opts.surveyFrames ?? 300_000);
  }

  private surveys(): CaptureSurvey[] {
    return this.readers.map((r) => {
      r.learnMacs();
      return new CaptureSurvey(r, this.pods, this.opts.clockSamples ?? 20_000);
    });
  }

  /** Pass 1, each frame read here. */
  private survey(): CaptureSurvey[] {
    const surveys = this.surveys();
    this.readers.forEach((_, ci) => this.surveyHere(surveys[ci]!, ci, 0, this.surveyed(ci)));
    return surveys;
  }

  private readonly surveyRow = new Float64Array(ROW);
  private readonly surveyStrings = new SightingStrings();

  /** Frames [from, to) of capture ci into its survey, read here. */
  private surveyHere(survey: CaptureSurvey, ci: number, from: number, to: number): void {
    const r = this.readers[ci]!;
    const row = this.surveyRow;
    const strings = this.surveyStrings;
    r.input.capture.scan(from, to, (i, data) => {
      const pkt = r.read(i, data);
      strings.renew();
      writeSighting(row, 0, strings, ci, i, r.time(i), r.facts, pkt, undefined, 'survey');
      survey.see(row, 0, strings.list);
    });
  }

  /**
   * Pass 1 on both threads: the first captures read here, the others by the worker. Each
   * capture's frames are seen in order; the captures' surveys share only
   * the set of pod addresses, so whose frames come first does not matter.
   */
  private async surveyInParallel(sightings: ParallelSightings): Promise<CaptureSurvey[]> {
    const surveys = this.surveys();
    const frames = this.inputs.map((_, ci) => this.surveyed(ci));
    const total = frames.reduce((a, b) => a + b, 0);
    // This thread reads the first `here` captures and also sees the worker's rows of the others:
    // as many captures as keep the two threads' times closest. In units of a frame read and seen
    // here, a row from the worker costs SEE here and a frame read there THERE (measured on the
    // benchmark's captures: 0.87, 0.21 and 0.83 µs).
    const SEE = 0.24;
    const THERE = 0.95;
    const longer = (mine: number): number => Math.max(mine + SEE * (total - mine), THERE * (total - mine));
    let here = 0;
    let mine = 0;
    while (here < frames.length && longer(mine + frames[here]!) < longer(mine)) mine += frames[here++]!;
    const there = sightings.survey(
      frames.map((n, ci) => (ci < here ? 0 : n)),
      (rows, count, strings) => {
        for (let at = 0, end = count * ROW; at < end; at += ROW) surveys[rows[at + CAPTURE]!]!.see(rows, at, strings);
      },
    );
    // The worker may fail while this thread reads: its error is kept (not left unhandled) and
    // ends the reading here.
    let failed = false;
    there.catch(() => (failed = true));
    // In slices, so that the worker's batches are taken (and its buffers given back) meanwhile.
    for (let ci = 0; ci < here && !failed; ci++) {
      for (let from = 0; from < frames[ci]! && !failed; from += SURVEY_SLICE) {
        this.surveyHere(surveys[ci]!, ci, from, Math.min(frames[ci]!, from + SURVEY_SLICE));
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await there;
    return surveys;
  }

  /** Whether the merge follows a packet (not an ICMP error) with these flags and addresses. */
  private follows(flags: number, decapsulated: boolean, src: Addr, dst: Addr): boolean {
    if (this.opts.filter) return (flags & F_ACCEPTED) !== 0;
    if (this.pods.empty) return true;
    return decapsulated || this.pods.has(src) || this.pods.has(dst);
  }

  /** Pass 2: all captures in corrected-time order, each frame read here. */
  private merge(emit: (j: Journey) => void): void {
    const lateness = this.lateness();
    const row = new Float64Array(ROW);
    const strings = new SightingStrings();
    const stopped = this.opts.stopped;
    mergeByTime(
      this.inputs.map((c) => c.capture),
      this.clocks.map((c) => c.offset),
      (f) => {
        if (stopped?.()) return false;
        const r = this.readers[f.capture]!;
        const pkt = r.read(f.position, f.data);
        strings.renew();
        writeSighting(row, 0, strings, f.capture, f.position, f.time, r.facts, pkt, this.opts.filter, 'merge');
        this.step(row, 0, strings.list, lateness, emit);
      },
    );
    if (!stopped?.()) this.closeBefore(Infinity, emit);
  }

  /** How far back in time a capture's frames may step (batched multi-interface pcapng): journeys stay open that much longer. */
  private lateness(): number {
    return this.backwards.reduce((m, b) => Math.max(m, b), 0);
  }

  /** One frame of the merge: the journeys its time leaves behind are closed, then it is followed. */
  private step(rows: Float64Array, at: number, strings: readonly string[], lateness: number, emit: (j: Journey) => void): void {
    this.closeBefore(rows[at + TIME]! - this.window - lateness, emit);
    this.observe(rows, at, strings);
  }

  /** The first pass alone: each capture's clock offset (for merge). */
  estimateClocks(): ClockEstimate[] {
    return this.clocksFrom(this.survey());
  }

  private clocksFrom(surveys: CaptureSurvey[]): ClockEstimate[] {
    for (const s of surveys) s.finish();
    this.backwards = surveys.map((s) => s.backwards);
    this.followed = surveys.map(() => 0);
    const samples = surveys.map((s) => s.sample);
    // Every capture keeps the same packets: the largest modulus any capture needed.
    const modulus = samples.reduce((m, s) => Math.max(m, s.modulus), 1);
    for (const s of samples) s.thin(modulus);
    this.clocks = estimateClocks(samples.map((s) => s.times));
    this.inputs.forEach((c, i) => (c.host.clockOffset = this.clocks[i]!.offset));
    const end = this.inputs.reduce(
      (m, c, i) => (c.capture.frameCount ? Math.max(m, frameTime(c.capture, c.capture.frameCount - 1) - this.clocks[i]!.offset) : m),
      -Infinity,
    );
    this.quietAfter = this.quietTime();
    for (const c of this.inputs) c.host.runsUntil(end);
    return this.clocks;
  }

  /** One frame of the merge: the sighting row at `at` of `rows` (sighting-rows.ts). */
  private observe(rows: Float64Array, at: number, strings: readonly string[]): void {
    const flags = rows[at + FLAGS]!;
    const k = rows[at + CAPTURE]!;
    const r = this.readers[k]!;
    const host = r.input.host;
    if ((flags & F_BEYOND_UDP) !== 0 && !host.capturesBeyondUdp) host.capturesBeyondUdp = true;
    if ((flags & F_INNER) === 0) return;
    if (rows[at + TIME]! > this.quietAfter) this.noteLateSender(rows, at, strings, k, flags);
    const icmpError = (flags & F_ICMP_ERROR) !== 0;
    if (icmpError && (flags & F_QUOTED) !== 0) {
      this.attachError(rows, at, strings);
      return;
    }
    const decapsulated = (flags & F_DECAPSULATED) !== 0;
    const src = srcOf(rows, at, strings);
    const dst = dstOf(rows, at, strings);
    if (decapsulated) {
      this.pods.add(src);
      this.pods.add(dst);
    }
    if (icmpError || !this.follows(flags, decapsulated, src, dst)) return;
    this.followed[k]!++;
    const t = rows[at + TIME]!;
    const key = rows[at + KEY]!;
    const iface = ifaceOf(rows, at, strings);
    const dir = r.directionOf(rows[at + RAW_DIRECTION]! as Direction, iface, rows[at + SRC_MAC]!, rows[at + DST_MAC]!);
    const table = this.table;
    let o = this.open.get(key);
    this.answer(rows, at, t, k, o === NONE);
    if (dir === Direction.Outbound && !host.handsToPodsVisibly && host.role(iface) === 'pod') host.handsToPodsVisibly = true;
    if (o !== NONE) {
      // A packet passes one interface one way once, unless a routing loop brings it round again
      // (in the same form, its TTL lower). Another copy there is another packet alike in every
      // identifying byte (a repeated datagram): it starts its own journey.
      const expired = t - table.first(o) > this.window;
      const there = expired ? 0 : this.hops.ttlThere(table.hopHead(o), k, dir, iface, rows, at, strings);
      if (expired || (there >= 0 && !(rows[at + TTL]! < there))) {
        this.close(o);
        o = NONE;
      }
    }
    if (o === NONE) o = this.start(rows, at, strings, key, t);
    // The tunnel packet an ICMP error may quote: each new outer header once (a relay re-wraps it).
    const tunnelled = (flags & F_TUNNELLED) !== 0;
    if (tunnelled) {
      const outerSrc = outerSrcOf(rows, at, strings);
      const outerDst = outerDstOf(rows, at, strings);
      if (!this.hops.inTunnel(table.hopHead(o), outerSrc, outerDst)) {
        const q = rows[at + OUTER_QUOTE_KEY]!;
        table.addQuote(o, q);
        this.byQuote.set(q, o);
      }
      table.addHop(o, this.hops.add(table.hopTail(o), rows, at, strings, iface, dir));
      if (dir === Direction.Outbound) host.sentInTunnel(outerSrc, outerDst, rows[at + OUTER_LENGTH]!);
    } else table.addHop(o, this.hops.add(table.hopTail(o), rows, at, strings, iface, dir));
  }

  /**
   * A packet from a host whose capture has no frame this late (seen by capture k): that capture
   * stopped early, and a packet sent to the host from then on cannot be said to be lost.
   */
  private noteLateSender(rows: Float64Array, at: number, strings: readonly string[], k: number, flags: number): void {
    const t = rows[at + TIME]!;
    const src = srcOf(rows, at, strings);
    const outerSrc = (flags & F_TUNNELLED) !== 0 ? outerSrcOf(rows, at, strings) : undefined;
    for (let h = 0; h < this.hosts.length; h++) {
      const host = this.hosts[h]!;
      // A capture of one interface would not show what the host sends out of another.
      if (h === k || host.stoppedCapturing || host.seesOneInterface || t <= host.lastFrameReference + LATE_SENDER) continue;
      if (host.isLocal(src) || host.hostsPod(src) || (outerSrc !== undefined && host.isLocal(outerSrc))) {
        host.sentAfterLastFrame();
        this.quietAfter = this.quietTime();
      }
    }
  }

  /** When the first capture not yet known to have stopped early has no more frames (reference clock). */
  private quietTime(): number {
    return this.hosts.reduce((m, host) => (host.stoppedCapturing ? m : Math.min(m, host.lastFrameReference + LATE_SENDER)), Infinity);
  }

  /** A new journey's slot, for the packet of the row at `at`. */
  private start(rows: Float64Array, at: number, strings: readonly string[], key: number, t: number): number {
    const packet = packetNumbersOfRow(this.numbers, rows, at, strings);
    const proto = packet.proto;
    let ackNeeded = -1;
    if (proto === PROTO_TCP) {
      const len = packet.len + (packet.flags & TCP_SYN ? 1 : 0) + (packet.flags & TCP_FIN ? 1 : 0);
      if (len > 0) ackNeeded = ((packet.seq >>> 0) + len) >>> 0;
    }
    const icmpType = rows[at + ICMP_TYPE]!;
    const icmpEcho = (proto === PROTO_ICMP && icmpType === 8) || (proto === PROTO_ICMPV6 && icmpType === 128);
    const quoteInner = rows[at + QUOTE_KEY]!;
    const o = this.table.take(this.nextId++, packet, key, quoteInner, rows[at + FLOW]!, t, ackNeeded, icmpEcho);
    this.byQuote.set(quoteInner, o);
    this.open.set(key, o);
    this.queue.push(o);
    // Only packets that ask for something can be answered; replies and pure ACKs cannot.
    const asks = proto === PROTO_TCP ? ackNeeded >= 0 : proto === PROTO_ICMP || proto === PROTO_ICMPV6 ? icmpEcho : true;
    // The flow's list holds open, unanswered journeys only: answer() and close() take them out.
    if (asks) this.table.wait(o);
    return o;
  }

  /**
   * A packet of the reverse direction answers the open journeys it acknowledges or replies to.
   * (It is capture k's copy, the first of that packet when `firstCopy`.)
   */
  private answer(rows: Float64Array, at: number, t: number, k: number, firstCopy: boolean): void {
    const table = this.table;
    let o = table.firstWaiting(rows[at + REVERSE_FLOW]!);
    if (o === NONE) return;
    const proto = rows[at + PROTO]!;
    let ack = -1;
    if (proto === PROTO_TCP) {
      if (!(rows[at + TCP_FLAGS]! & TCP_ACK)) return;
      ack = rows[at + ROW_TCP_ACK]!;
    }
    const icmpType = rows[at + ICMP_TYPE]!;
    const icmpSeq = rows[at + ICMP_SEQ]!;
    const echoReply = (proto === PROTO_ICMP && icmpType === 0) || (proto === PROTO_ICMPV6 && icmpType === 129);
    for (; o !== NONE;) {
      const next = table.nextWaiting(o);
      if (!table.closed(o) && !table.answered(o) && t >= table.first(o)) {
        if (proto === PROTO_TCP) {
          if (seqAtOrAfter(ack, table.ackNeeded(o))) table.markAnswered(o);
        } else if (table.icmpEcho(o)) {
          if (echoReply && icmpSeq === table.icmpSeq(o)) table.markAnswered(o);
        } else if (proto !== PROTO_ICMP && proto !== PROTO_ICMPV6 && firstCopy && this.hops.sawOn(table.hopHead(o), k)) {
          // Any packet back answers UDP and the like, if it starts where the packet got to: the
          // client's next query is no answer to a reply that went astray on its way there.
          table.markAnswered(o);
        }
      }
      if (table.closed(o) || table.answered(o)) table.stopWaiting(o);
      o = next;
    }
  }

  /** An ICMP error (the row at `at`) joins the open journey whose packet or tunnel packet it quotes. */
  private attachError(rows: Float64Array, at: number, strings: readonly string[]): void {
    const outer = rows[at + QUOTED_KEY]!;
    const inner = rows[at + QUOTED_INNER_KEY]!;
    const q = inner !== 0 && this.byQuote.has(inner) ? inner : outer;
    const o = q === 0 ? NONE : this.byQuote.get(q);
    if (o === NONE || this.table.closed(o)) return;
    const from = srcOf(rows, at, strings);
    const to = dstOf(rows, at, strings);
    const type = rows[at + ICMP_TYPE]!;
    const code = rows[at + ICMP_CODE]!;
    // One error is often seen twice (out of one interface and into another, or both ways on lo).
    if (this.table.errors(o)?.some((e) => e.from === from && e.type === type && e.code === code)) return;
    const iface = ifaceOf(rows, at, strings);
    this.table.addError(o, {
      capture: rows[at + CAPTURE]!,
      frame: rows[at + FRAME]!,
      time: rows[at + TIME]!,
      iface,
      from,
      to,
      type,
      code,
      v6: (rows[at + FLAGS]! & F_V6) !== 0,
      mtu: rows[at + MTU]!,
      aboutTunnel: q !== this.table.quote(o),
      quotesTunnel: inner !== 0,
      selfAddressed: from === to || iface === 'lo',
    });
  }

  private closeBefore(t: number, emit: (j: Journey) => void): void {
    while (this.head < this.queue.length) {
      const o = this.queue[this.head]!;
      if (!this.table.closed(o) && this.table.first(o) >= t) break;
      this.head++;
      if (!this.table.closed(o)) this.close(o);
      this.finish(o, emit);
      this.table.release(o);
    }
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private close(o: number): void {
    const table = this.table;
    table.markClosed(o);
    const key = table.key(o);
    this.open.deleteIf(key, o);
    for (let n = table.quoteTotal(o) - 1; n >= 0; n--) this.byQuote.deleteIf(table.quoteAt(o, n), o);
    // A closed journey can no longer be answered, and its slot will be another journey's: it
    // leaves the flow's list (one-way flows' lists never shrink otherwise).
    table.stopWaiting(o);
  }

  /** Judges a closed journey (once, from the queue), counts it in its flow and hands it on if kept. */
  private finish(o: number, emit: (j: Journey) => void): void {
    const table = this.table;
    if (table.hopCount(o) === 0) return;
    const numbers = table.packetInto(o, this.numbers);
    const hops = this.hops.takeInto(table.hopHead(o), this.countedHops);
    const j = this.counted.refill(table.id(o), numbers, table.target(o), hops, table.answered(o), table.errors(o));
    const judged = judge(j, this.hosts, this.clocks);
    this.journeys++;
    this.flows.count(judged.fate, judged.verdict, numbers);
    if (this.opts.keep?.(judged.fate) ?? true) emit(j.kept(judged));
  }
}
