// flow.stalled (warning): a TCP transfer that stops. Two shapes, both from how TCP behaves
// when packets vanish on the way:
//   - a sender retransmits one and the same data segment again and again (same sequence
//     number, same length) and never gets past it: what it sends does not arrive;
//   - an HTTP response announces a Content-Length, fewer bytes arrive, the server falls silent
//     and the client gives up (FIN or RST after a second or more of silence).
// Small packets working while large ones vanish is the signature of an MTU problem (a PMTU
// black hole): the explanation names the largest segment that did get through.
//
// Per-direction state lives in typed columns, in rows made for the TCP directions only;
// nothing is allocated per packet.
import { PROTO_TCP, TCP_ACK, TCP_FIN, TCP_RST, type Facts } from '../facts.js';
import type { Flow } from '../flows.js';
import { hostWord } from '../vantage.js';
import type { Alert, Rule } from './types.js';

/** Transmissions of one segment (the first and its retransmissions) that make a stall. */
const STUCK_TRANSMISSIONS = 3;
/** Seconds of silence from the server before the client's close that count as giving up. */
const GIVE_UP_SILENCE = 1;

const CLOSED = 1;
const LOOKED = 2;
const HAS_ACK = 4;

/**
 * Per-direction state of the TCP directions that sent anything, in compact rows: `rowOf` maps
 * a flow direction (flowId * 2 + dir) to its row plus one, so the half a million flows of a
 * busy capture cost 4 bytes each and only TCP directions pay for the full row (65 bytes).
 * Room is made at once for as many rows as the flow table expects flows: a page of it costs
 * memory only once a row is written there, and no column is copied (twice its size) to grow.
 */
class StallColumns {
  rowOf = new Int32Array(0);
  rows = 0;
  private capacity = 0;
  seq = new Uint32Array(0);
  len = new Int32Array(0);
  sends = new Int32Array(0);
  stuckFrame = new Int32Array(0);
  firstFrame = new Int32Array(0);
  maxSegment = new Int32Array(0);
  dataBytes = new Float64Array(0);
  /** HTTP response: header bytes + Content-Length; 0 when not known. */
  expected = new Float64Array(0);
  lastData = new Float64Array(0);
  closedAt = new Float64Array(0);
  closeFrame = new Int32Array(0);
  /** The latest acknowledgment number this direction sent (when flags has HAS_ACK). */
  ack = new Uint32Array(0);
  /** CLOSED: sent FIN or RST (closedAt, closeFrame); LOOKED: expected already looked for; HAS_ACK. */
  flags = new Uint8Array(0);

  constructor(room: number) {
    if (room > 0) {
      this.rowOf = new Int32Array(room * 2);
      this.grow(room);
    }
  }

  /** The latest acknowledgment number the direction in `row` sent (-1 none, or no row). */
  ackOf(row: number): number {
    return row >= 0 && (this.flags[row]! & HAS_ACK) !== 0 ? this.ack[row]! : -1;
  }

  /** The row of a flow direction, or -1 when it sent nothing over TCP. */
  find(slot: number): number {
    return slot < this.rowOf.length ? this.rowOf[slot]! - 1 : -1;
  }

  /** Makes the row of a flow direction that has none (find() said -1). */
  claim(slot: number): number {
    if (slot >= this.rowOf.length) {
      let n = Math.max(1024, this.rowOf.length * 2);
      while (n <= slot) n *= 2;
      const bigger = new Int32Array(n);
      bigger.set(this.rowOf);
      this.rowOf = bigger;
    }
    if (this.rows === this.capacity) this.grow(Math.max(64, this.capacity * 2));
    this.rowOf[slot] = this.rows + 1;
    return this.rows++;
  }

  private grow(n: number): void {
    const grow = <T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(a: T, make: (k: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.seq = grow(this.seq, (k) => new Uint32Array(k));
    this.len = grow(this.len, (k) => new Int32Array(k));
    this.sends = grow(this.sends, (k) => new Int32Array(k));
    this.stuckFrame = grow(this.stuckFrame, (k) => new Int32Array(k));
    this.firstFrame = grow(this.firstFrame, (k) => new Int32Array(k));
    this.maxSegment = grow(this.maxSegment, (k) => new Int32Array(k));
    this.dataBytes = grow(this.dataBytes, (k) => new Float64Array(k));
    this.expected = grow(this.expected, (k) => new Float64Array(k));
    this.lastData = grow(this.lastData, (k) => new Float64Array(k));
    this.closedAt = grow(this.closedAt, (k) => new Float64Array(k));
    this.closeFrame = grow(this.closeFrame, (k) => new Int32Array(k));
    this.ack = grow(this.ack, (k) => new Uint32Array(k));
    this.flags = grow(this.flags, (k) => new Uint8Array(k));
    this.capacity = n;
  }
}

const CONTENT_LENGTH = Array.from('content-length:', (c) => c.charCodeAt(0));

/** Whether the header line starting at `at` is Content-Length (letters in any case). */
function isContentLength(d: Uint8Array, at: number, stop: number): boolean {
  if (at + CONTENT_LENGTH.length > stop) return false;
  for (let k = 0; k < CONTENT_LENGTH.length; k++) {
    const want = CONTENT_LENGTH[k]!;
    const c = d[at + k]!;
    if (c !== want && !(want >= 0x61 && want <= 0x7a && c === want - 0x20)) return false;
  }
  return true;
}

/** White space as a regular expression's \s sees a Latin-1 byte: tab to carriage return, space, no-break space. */
const isSpace = (c: number): boolean => (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0xa0;

/**
 * Header bytes + Content-Length of an HTTP/1.x response starting at `at`, or 0. Read in bytes:
 * it runs for the first data segment of every TCP direction.
 */
function httpExpected(d: Uint8Array, at: number, end: number): number {
  if (end - at < 12 || d[at] !== 0x48 || d[at + 1] !== 0x54 || d[at + 2] !== 0x54 || d[at + 3] !== 0x50 || d[at + 4] !== 0x2f) return 0;
  const stop = Math.min(end, at + 2048);
  let headEnd = -1;
  for (let i = at; i + 3 < stop; i++) {
    if (d[i] === 0x0d && d[i + 1] === 0x0a && d[i + 2] === 0x0d && d[i + 3] === 0x0a) {
      headEnd = i;
      break;
    }
  }
  if (headEnd < 0) return 0;
  // The first "\r\nContent-Length:" before the blank line, with digits after optional white space.
  for (let i = at; i + 1 < headEnd; i++) {
    if (d[i] !== 0x0d || d[i + 1] !== 0x0a || !isContentLength(d, i + 2, headEnd)) continue;
    let k = i + 2 + CONTENT_LENGTH.length;
    while (k < headEnd && isSpace(d[k]!)) k++;
    let n = -1;
    while (k < headEnd && d[k]! >= 0x30 && d[k]! <= 0x39) n = (n < 0 ? 0 : n * 10) + d[k++]! - 0x30;
    if (n >= 0) return headEnd - at + 4 + n;
  }
  return 0;
}

/** Whether acknowledgment number `ack` covers sequence number `end` (modulo 2^32). */
function acked(ack: number, end: number): boolean {
  if (ack < 0) return false;
  return (ack - end) >>> 0 < 0x80000000;
}

export const rule: Rule = {
  id: 'flow.stalled',
  severity: 'warning',
  description: 'a TCP transfer that stops: one segment retransmitted again and again, or a response cut short until the client gives up',
  start(_opts, room) {
    const c = new StallColumns(room.flows);
    return {
      observe(f: Facts) {
        const ip = f.inner;
        if (f.flowId < 0 || ip.proto !== PROTO_TCP || f.copyOf !== 0 || f.innerCopyOf !== 0 || ip.l4 < 0) return;
        const me = f.flowId * 2 + f.flowDir;
        const len = ip.tcpPayload;
        const acks = (ip.tcpFlags & TCP_ACK) !== 0;
        const closes = (ip.tcpFlags & (TCP_FIN | TCP_RST)) !== 0;
        let slot = c.find(me);
        if (slot < 0) {
          // A row only where it can matter: this direction sends data or closes, or it
          // acknowledges data the other direction sent (a handshake alone needs none).
          if (len === 0 && !closes && !(acks && c.find(me ^ 1) >= 0)) return;
          slot = c.claim(me);
        }
        if (acks) {
          c.ack[slot] = ip.tcpAck;
          c.flags[slot]! |= HAS_ACK;
        }
        if (closes && (c.flags[slot]! & CLOSED) === 0) {
          c.flags[slot]! |= CLOSED;
          c.closedAt[slot] = f.time;
          c.closeFrame[slot] = f.frame;
        }
        if (len === 0) return;
        if (c.firstFrame[slot] === 0) c.firstFrame[slot] = f.frame;
        if (ip.tcpSeq === c.seq[slot] && len === c.len[slot]) {
          c.sends[slot]!++;
          if (c.sends[slot] === STUCK_TRANSMISSIONS) c.stuckFrame[slot] = f.frame;
          return;
        }
        // New data (or other data): progress; the sender is not stuck on the earlier segment.
        if (c.sends[slot]! >= STUCK_TRANSMISSIONS) c.stuckFrame[slot] = 0;
        c.seq[slot] = ip.tcpSeq;
        c.len[slot] = len;
        c.sends[slot] = 1;
        c.dataBytes[slot]! += len;
        c.lastData[slot] = f.time;
        if (len > c.maxSegment[slot]!) c.maxSegment[slot] = len;
        if ((c.flags[slot]! & LOOKED) === 0) {
          c.flags[slot]! |= LOOKED;
          c.expected[slot] = httpExpected(f.data, ip.l4Data, ip.l4End);
        }
      },
      evaluate(m) {
        const here = hostWord(m.vantage.host);
        const out: Alert[] = [];
        const flows = m.flows;
        let finished: Map<string, number> | undefined;
        const finishedBetween = (f: Flow): number => {
          if (!finished) {
            finished = new Map();
            for (let id = 0; id < flows.length; id++) {
              const g = flows.flow(id);
              if (g.protoNumber === PROTO_TCP && g.tcp?.fin)
                for (const k of [`${g.src}|${g.dst}`, `${g.dst}|${g.src}`]) finished.set(k, (finished.get(k) ?? 0) + 1);
            }
          }
          return finished.get(`${f.src}|${f.dst}`) ?? 0;
        };
        const n = Math.min(flows.length, c.rowOf.length >> 1);
        for (let id = 0; id < n; id++) {
          for (let dir = 0; dir < 2; dir++) {
            const slot = c.find(id * 2 + dir);
            if (slot < 0) continue;
            const other = c.find((id * 2 + dir) ^ 1);
            // Stuck: retransmitted again and again and never acknowledged. (A FIN says nothing:
            // the sender queues it behind the data it cannot deliver.)
            const stuck = c.sends[slot]! >= STUCK_TRANSMISSIONS && c.stuckFrame[slot] !== 0 && !acked(c.ackOf(other), c.seq[slot]! + c.len[slot]!);
            const cut =
              other >= 0 &&
              c.expected[slot]! > 0 &&
              c.dataBytes[slot]! < c.expected[slot]! &&
              (c.flags[other]! & CLOSED) !== 0 &&
              c.closedAt[other]! - c.lastData[slot]! >= GIVE_UP_SILENCE;
            if (!stuck && !cut) continue;
            const f = flows.flow(id);
            out.push(stalled(f, dir, slot, other, stuck, here, c, finishedBetween(f)));
          }
        }
        return out;
      },
    };
  },
};

function stalled(f: Flow, dir: number, slot: number, other: number, stuck: boolean, here: string, c: StallColumns, done: number): Alert {
  const [from, to, fromPort, toPort] = dir === 0 ? [f.src, f.dst, f.srcPort, f.dstPort] : [f.dst, f.src, f.dstPort, f.srcPort];
  const largest = c.maxSegment[slot]!;
  const title = stuck
    ? `${from}:${fromPort} → ${to}:${toPort}: one ${c.len[slot]}-byte segment sent ${c.sends[slot]} times in a row, the transfer never gets past it`
    : `${from}:${fromPort} → ${to}:${toPort}: the response stops after ${c.dataBytes[slot]} of ${c.expected[slot]} bytes; ${to} gives up ${(c.closedAt[other]! - c.lastData[slot]!).toFixed(1)} s later`;
  const why = stuck
    ? `TCP retransmits a segment until it is acknowledged: ${from} sent the segment at sequence ${c.seq[slot]} (${c.len[slot]} bytes) ${c.sends[slot]} times and nothing it sent after it was acknowledged, so the segment does not reach ${to} (or its ACKs do not come back).`
    : `The response's headers announced ${c.expected[slot]} bytes; ${c.dataBytes[slot]} arrived here, then nothing more from ${from}, and ${to} closed the connection: the rest was lost on the way.`;
  const mtu = ` The largest segment from ${from} seen in this connection carried ${largest} bytes${done ? `; ${done} other connection${done === 1 ? '' : 's'} between these hosts finished` : ''}. Small packets (handshake, headers) passing while full-size ones vanish points at the MTU: a path narrower than the pods' MTU plus the encapsulation, with the ICMP that would say so lost (a PMTU black hole). Seen from ${here}.`;
  return {
    id: 'flow.stalled',
    severity: 'warning',
    title,
    explanation: why + mtu,
    fix: `Compare the pod MTU with the path: ping -M do -s SIZE between the nodes finds the path MTU; the pod MTU must be at most that minus the encapsulation (50 bytes for VXLAN over IPv4). Look for ICMP "fragmentation needed" (overlay.pmtu) on the sending node, including on lo. Capture on the next hop to see where the large segments stop.`,
    frames: [c.firstFrame[slot]!, ...(stuck ? [c.stuckFrame[slot]!] : other >= 0 ? [c.closeFrame[other]!] : [])].filter((x) => x > 0),
    count: stuck ? c.sends[slot]! : 1,
    src: from,
    dst: to,
    port: toPort,
    proto: 'TCP',
    flow: f.id,
    details: { largestSegment: largest, bytes: c.dataBytes[slot]! },
  };
}
