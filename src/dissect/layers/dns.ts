import { formatIpv4, formatIpv6 } from '../format.js';
import { rd16, rd32, protocolField, fieldsOf } from '../field-helpers.js';
import type { DecodeContext, Dissector, FieldValue, Layer, Packet } from '../types.js';
import { safeText } from '../../text/escape.js';

// DNS (RFC 1035) on UDP and TCP port 53. Over TCP each message has a 2-byte length prefix
// (kept in the layer, `aux` = 2). Names are decompressed with a bound on pointer jumps, so a
// pointer loop ends as Wireshark's "<Name contains a pointer that loops>" instead of hanging.

const TYPE_NAMES: Record<number, string> = {
  1: 'A',
  2: 'NS',
  5: 'CNAME',
  6: 'SOA',
  12: 'PTR',
  13: 'HINFO',
  15: 'MX',
  16: 'TXT',
  17: 'RP',
  24: 'SIG',
  25: 'KEY',
  28: 'AAAA',
  29: 'LOC',
  33: 'SRV',
  35: 'NAPTR',
  39: 'DNAME',
  41: 'OPT',
  43: 'DS',
  44: 'SSHFP',
  46: 'RRSIG',
  47: 'NSEC',
  48: 'DNSKEY',
  50: 'NSEC3',
  51: 'NSEC3PARAM',
  52: 'TLSA',
  64: 'SVCB',
  65: 'HTTPS',
  99: 'SPF',
  249: 'TKEY',
  250: 'TSIG',
  251: 'IXFR',
  252: 'AXFR',
  255: 'ANY',
  256: 'URI',
  257: 'CAA',
};
const CLASS_NAMES: Record<number, string> = { 1: 'IN', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };
const OPCODE_NAMES: Record<number, string> = {
  0: 'Standard query',
  1: 'Inverse query',
  2: 'Server status request',
  4: 'Zone change notification',
  5: 'Dynamic update',
};
const RCODE_NAMES: Record<number, string> = {
  0: 'No error',
  1: 'Format error',
  2: 'Server failure',
  3: 'No such name',
  4: 'Not implemented',
  5: 'Refused',
  6: 'Name exists',
  7: 'RRset exists',
  8: 'RRset does not exist',
  9: 'Not authoritative',
  10: 'Name out of zone',
};

const LOOPS = '<Name contains a pointer that loops>';
const MAX_JUMPS = 32;
/** Text longer than this is no DNS name (RFC 1035 allows 255 octets). */
const MAX_NAME = 1024;

interface Name {
  text: string;
  labels: number;
  /** First byte after the name where it is written (after its first pointer). */
  next: number;
}

type Problem = string;

/**
 * Reads a possibly compressed name; a string says why it could not (cut short or malformed).
 * Without `wantText` the name is only checked (dissection's pass), and its text is left empty.
 */
function readName(d: Uint8Array, msg: number, at: number, end: number, wantText = true): Name | Problem {
  // The text's bytes are gathered here and decoded once: a string per label, joined, cost more
  // than the rest of a DNS layer's -V lines.
  let length = 0;
  let labels = 0;
  let next = -1;
  let jumps = 0;
  let high = 0;
  for (let p = at; ;) {
    if (p >= end) return 'truncated';
    const len = d[p]!;
    if (len === 0) return { text: wantText ? nameText(length, high) : '', labels, next: next < 0 ? p + 1 : next };
    if ((len & 0xc0) === 0xc0) {
      if (p + 2 > end) return 'truncated';
      if (next < 0) next = p + 2;
      if (++jumps > MAX_JUMPS) return { text: LOOPS, labels, next };
      const target = msg + (((len & 0x3f) << 8) | d[p + 1]!);
      if (target >= end) return 'name pointer beyond the message';
      p = target;
      continue;
    }
    if (len & 0xc0) return `unsupported label type 0x${(len & 0xc0).toString(16)}`;
    if (p + 1 + len > end) return 'truncated';
    if (length + (labels ? 1 : 0) + len > MAX_NAME) return 'name too long';
    if (labels) NAME_BYTES[length++] = 0x2e;
    if (wantText) {
      for (let k = 1; k <= len; k++) {
        const b = d[p + k]!;
        high |= b;
        NAME_BYTES[length++] = b;
      }
    } else length += len;
    labels++;
    p += 1 + len;
  }
}

/** A name's text as its bytes, at most MAX_NAME of them. */
const NAME_BYTES = Buffer.alloc(MAX_NAME);
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The gathered name as text: its labels' bytes as UTF-8 where they are UTF-8 (as tshark shows
 * "café.local"), else a character per byte. `high`: every byte ORed together (0x80 set: not ASCII).
 */
function nameText(length: number, high: number): string {
  if (length === 0) return '<Root>';
  if (high & 0x80) {
    try {
      return UTF8.decode(NAME_BYTES.subarray(0, length));
    } catch {
      // Not UTF-8: the bytes as they are, for safeText to show.
    }
  }
  return NAME_BYTES.toString('latin1', 0, length);
}

interface Question {
  name: Name;
  type: number;
  cls: number;
}

interface Rr extends Question {
  ttl: number;
  rdlen: number;
  rdata: number;
}

interface Parsed {
  questions: Question[];
  records: Rr[];
  problem?: Problem;
}

/** The last few layers parsed, newest first: -V asks every field of one layer in turn, a filter or the UI a few layers' at most. */
const RECENT = 4;
const recentLayers: (Layer | undefined)[] = new Array<Layer | undefined>(RECENT).fill(undefined);
const recentParsed: (Parsed | undefined)[] = new Array<Parsed | undefined>(RECENT).fill(undefined);
const msgStart = (l: Layer): number => l.start + (l.aux ?? 0);

function parse(p: Packet, l: Layer): Parsed {
  if (l === recentLayers[0]) return recentParsed[0]!;
  for (let k = 1; k < RECENT; k++) if (recentLayers[k] === l) return recentParsed[k]!;
  const out: Parsed = { questions: [], records: [] };
  recentLayers.pop();
  recentLayers.unshift(l);
  recentParsed.pop();
  recentParsed.unshift(out);
  const problem = walk(p.data, msgStart(l), l.end, out);
  if (problem) out.problem = problem;
  return out;
}

/**
 * Walks the questions and records, into `into` when given; returns what is wrong, if anything.
 * Dissection only checks (no names as text, nothing cached): fields parse again when asked.
 */
function walk(d: Uint8Array, msg: number, end: number, into: Parsed | undefined): Problem | undefined {
  if (msg + 12 > end) return undefined;
  const questions = rd16(d, msg + 4);
  const total = questions + rd16(d, msg + 6) + rd16(d, msg + 8) + rd16(d, msg + 10);
  let at = msg + 12;
  for (let i = 0; i < total; i++) {
    const name = readName(d, msg, at, end, into !== undefined);
    if (typeof name === 'string') return name;
    at = name.next;
    const isQuestion = i < questions;
    const fixed = isQuestion ? 4 : 10;
    if (at + fixed > end) return 'truncated';
    const rdlen = isQuestion ? 0 : rd16(d, at + 8);
    if (!isQuestion && at + 10 + rdlen > end) return 'truncated';
    if (into) {
      if (isQuestion) into.questions.push({ name, type: rd16(d, at), cls: rd16(d, at + 2) });
      else into.records.push({ name, type: rd16(d, at), cls: rd16(d, at + 2), ttl: rd32(d, at + 4), rdlen, rdata: at + 10 });
    }
    at += fixed + rdlen;
  }
  return undefined;
}

/** A name inside record data (CNAME, NS, PTR, MX, SOA), decompressed against the whole message. */
function rdataName(p: Packet, l: Layer, rr: Rr, skip = 0): string | undefined {
  const n = readName(p.data, msgStart(l), rr.rdata + skip, l.end);
  return typeof n === 'string' ? undefined : n.text;
}

const header = (offset: number, read: (v: number) => FieldValue | undefined) => ({
  get: (p: Packet, l: Layer) => (msgStart(l) + 12 <= l.end ? read(rd16(p.data, msgStart(l) + offset)) : undefined),
  range: (_p: Packet, l: Layer): [number, number] => [msgStart(l) + offset, 2],
});
const flag = (mask: number, responseOnly = false) => ({
  ...header(2, (v) => (responseOnly && !(v & 0x8000) ? undefined : (v & mask) !== 0)),
  parent: 'dns.flags',
});
const perQuestion = (pick: (q: Question) => FieldValue) => ({
  get: (p: Packet, l: Layer) => {
    const out: FieldValue[] = [];
    for (const q of parse(p, l).questions) out.push(pick(q));
    return out;
  },
});
const perRecord = (pick: (rr: Rr, p: Packet, l: Layer) => FieldValue | undefined) => ({
  get: (p: Packet, l: Layer) => {
    const out: FieldValue[] = [];
    for (const rr of parse(p, l).records) {
      const v = pick(rr, p, l);
      if (v !== undefined) out.push(v);
    }
    return out;
  },
});
const ofType = (type: number, size: number, pick: (rr: Rr, p: Packet, l: Layer) => FieldValue | undefined) =>
  perRecord((rr, p, l) => (rr.type === type && rr.rdlen >= size ? pick(rr, p, l) : undefined));

/** What the Info column shows after a record's type. */
function recordText(p: Packet, l: Layer, rr: Rr): string {
  const d = p.data;
  switch (rr.type) {
    case 1:
      return rr.rdlen === 4 ? ` ${formatIpv4(rd32(d, rr.rdata))}` : '';
    case 28:
      return rr.rdlen === 16 ? ` ${formatIpv6(d.subarray(rr.rdata, rr.rdata + 16))}` : '';
    case 2:
    case 5:
    case 6:
    case 12:
      return ` ${rdataName(p, l, rr) ?? ''}`;
    case 15:
      return rr.rdlen > 2 ? ` ${rd16(d, rr.rdata)} ${rdataName(p, l, rr, 2) ?? ''}` : '';
    default:
      return '';
  }
}

const typeName = (t: number): string => TYPE_NAMES[t] ?? `Unknown (${t})`;

function noteProblem(ctx: DecodeContext, layer: Layer, problem: Problem): void {
  const { frame, data } = ctx.pkt;
  if (layer.quoted) ctx.note('note', `[DNS ${problem} in the packet the ICMP error quotes]`);
  else if (problem === 'truncated' && frame.capLen < frame.origLen && layer.end >= data.length) {
    ctx.note('warning', '[Packet size limited during capture: DNS truncated]');
  } else {
    layer.malformed = problem;
    ctx.note('error', `[Malformed: DNS ${problem}]`);
  }
}

export const dns: Dissector = {
  proto: 'dns',
  name: 'Domain Name System',
  short: 'DNS',
  fields: [
    protocolField('dns', 'Domain Name System'),
    ...fieldsOf('dns', [
      [
        'dns.length',
        'Length',
        'uint',
        { get: (p, l) => (l.aux === 2 && l.start + 2 <= l.end ? rd16(p.data, l.start) : undefined), range: (_p, l) => [l.start, 2] },
      ],
      ['dns.id', 'Transaction ID', 'uint', { ...header(0, (v) => v), hexDigits: 4 }],
      ['dns.flags', 'Flags', 'uint', { ...header(2, (v) => v), hexDigits: 4 }],
      ['dns.flags.response', 'Response', 'bool', flag(0x8000)],
      ['dns.flags.opcode', 'Opcode', 'uint', { ...header(2, (v) => (v >> 11) & 0xf), names: OPCODE_NAMES, parent: 'dns.flags' }],
      ['dns.flags.authoritative', 'Authoritative', 'bool', flag(0x0400, true)],
      ['dns.flags.truncated', 'Truncated', 'bool', flag(0x0200)],
      ['dns.flags.recdesired', 'Recursion desired', 'bool', flag(0x0100)],
      ['dns.flags.recavail', 'Recursion available', 'bool', flag(0x0080, true)],
      ['dns.flags.z', 'Z', 'bool', flag(0x0040)],
      ['dns.flags.authenticated', 'Answer authenticated', 'bool', flag(0x0020, true)],
      ['dns.flags.checkdisable', 'Non-authenticated data', 'bool', flag(0x0010)],
      ['dns.flags.rcode', 'Reply code', 'uint', { ...header(2, (v) => (v & 0x8000 ? v & 0xf : undefined)), names: RCODE_NAMES, parent: 'dns.flags' }],
      ['dns.count.queries', 'Questions', 'uint', header(4, (v) => v)],
      ['dns.count.answers', 'Answer RRs', 'uint', header(6, (v) => v)],
      ['dns.count.auth_rr', 'Authority RRs', 'uint', header(8, (v) => v)],
      ['dns.count.add_rr', 'Additional RRs', 'uint', header(10, (v) => v)],
      ['dns.qry.name', 'Name', 'string', perQuestion((q) => q.name.text)],
      ['dns.qry.name.len', 'Name Length', 'uint', perQuestion((q) => q.name.text.length)],
      ['dns.count.labels', 'Label Count', 'uint', perQuestion((q) => q.name.labels)],
      ['dns.qry.type', 'Type', 'uint', { ...perQuestion((q) => q.type), names: TYPE_NAMES }],
      ['dns.qry.class', 'Class', 'uint', { ...perQuestion((q) => q.cls), hexDigits: 4, names: CLASS_NAMES }],
      ['dns.resp.name', 'Name', 'string', perRecord((rr) => rr.name.text)],
      ['dns.resp.type', 'Type', 'uint', { ...perRecord((rr) => rr.type), names: TYPE_NAMES }],
      ['dns.resp.class', 'Class', 'uint', { ...perRecord((rr) => (rr.type === 41 ? undefined : rr.cls)), hexDigits: 4, names: CLASS_NAMES }],
      ['dns.resp.ttl', 'Time to live', 'uint', perRecord((rr) => (rr.type === 41 ? undefined : rr.ttl))],
      ['dns.resp.len', 'Data length', 'uint', perRecord((rr) => rr.rdlen)],
      ['dns.a', 'Address', 'ipv4', ofType(1, 4, (rr, p) => rd32(p.data, rr.rdata))],
      ['dns.aaaa', 'AAAA Address', 'ipv6', ofType(28, 16, (rr, p) => p.data.subarray(rr.rdata, rr.rdata + 16))],
      ['dns.cname', 'CNAME', 'string', ofType(5, 1, (rr, p, l) => rdataName(p, l, rr))],
      ['dns.ns', 'Name Server', 'string', ofType(2, 1, (rr, p, l) => rdataName(p, l, rr))],
      ['dns.ptr.domain_name', 'Domain Name', 'string', ofType(12, 1, (rr, p, l) => rdataName(p, l, rr))],
      ['dns.mx.preference', 'Preference', 'uint', ofType(15, 3, (rr, p) => rd16(p.data, rr.rdata))],
      ['dns.mx.mail_exchange', 'Mail Exchange', 'string', ofType(15, 3, (rr, p, l) => rdataName(p, l, rr, 2))],
    ]),
  ],
  decode(ctx, start, end) {
    const d = ctx.pkt.data;
    const overTcp = ctx.pkt.layers[ctx.pkt.layers.length - 1]?.proto === 'tcp';
    const prefix = overTcp ? 2 : 0;
    let stop = end;
    if (overTcp && end - start >= 2 && start + 2 + rd16(d, start) < end) stop = start + 2 + rd16(d, start);
    const layer = ctx.push('dns', start, stop, stop);
    if (prefix) layer.aux = prefix;
    if (stop - start < prefix + 12) {
      noteProblem(ctx, layer, 'truncated');
      return undefined;
    }
    const problem = walk(d, start + prefix, stop, undefined);
    if (problem) noteProblem(ctx, layer, problem);
    // A second message in the same TCP segment is left undecoded.
    return stop < end ? { proto: 'data', start: stop, end } : undefined;
  },
  title(p, l) {
    if (msgStart(l) + 4 > l.end) return 'Domain Name System';
    return `Domain Name System (${p.data[msgStart(l) + 2]! & 0x80 ? 'response' : 'query'})`;
  },
  info(p, l) {
    const m = msgStart(l);
    if (m + 12 > l.end) return 'DNS (truncated)';
    const d = p.data;
    const flags = rd16(d, m + 2);
    const opcode = (flags >> 11) & 0xf;
    let s = `${OPCODE_NAMES[opcode] ?? `Unknown operation (${opcode})`}${flags & 0x8000 ? ' response' : ''} 0x${rd16(d, m).toString(16).padStart(4, '0')}`;
    if (flags & 0x8000 && flags & 0xf) s += ` ${RCODE_NAMES[flags & 0xf] ?? `Unknown error (${flags & 0xf})`}`;
    const parsed = parse(p, l);
    for (const q of parsed.questions) s += ` ${typeName(q.type)} ${q.name.text}`;
    for (const rr of parsed.records) s += ` ${typeName(rr.type)}${recordText(p, l, rr)}`;
    // Names come from the packet: control characters must not reach the terminal.
    return safeText(s);
  },
};
