import { markMalformed, truncatedHeader } from '../dissect.js';
import { bits, fieldsOf, protocolField, rd16, rd32, u16, u32 } from '../field-helpers.js';
import type { TcpConv } from '../conversations.js';
import type { TextBytes } from '../text-bytes.js';
import type { BytesTitle, Dissector, FieldValue, Layer, Packet } from '../types.js';
import { protoByPorts } from './ports.js';

/** In the order tshark lists them: lowest bit first ("SYN, ACK", "FIN, ACK"). */
const FLAG_NAMES: [number, string][] = [
  [0x001, 'FIN'],
  [0x002, 'SYN'],
  [0x004, 'RST'],
  [0x008, 'PSH'],
  [0x010, 'ACK'],
  [0x020, 'URG'],
  [0x040, 'ECE'],
  [0x080, 'CWR'],
  [0x100, 'AE'],
];

export function tcpFlagText(flags: number): string {
  // A plain loop: this runs for every TCP packet in the packet list.
  let s = '';
  for (let k = 0; k < FLAG_NAMES.length; k++) {
    const [bit, name] = FLAG_NAMES[k]!;
    if (flags & bit) s = s ? `${s}, ${name}` : name;
  }
  return s;
}

/** Walks the option list and returns what `pick` finds for the option of this kind. */
function option(p: Packet, l: Layer, kind: number, pick: (d: Uint8Array, at: number, len: number) => FieldValue | undefined): FieldValue | undefined {
  const d = p.data;
  let i = l.start + 20;
  while (i < l.payload) {
    const k = d[i]!;
    if (k === 0) return undefined;
    if (k === 1) {
      i++;
      continue;
    }
    if (i + 1 >= l.payload) return undefined;
    const len = d[i + 1]!;
    if (len < 2 || i + len > l.payload) return undefined;
    if (k === kind) return pick(d, i, len);
    i += len;
  }
  return undefined;
}

const mssValue = (d: Uint8Array, at: number, len: number): number | undefined => (len === 4 ? rd16(d, at + 2) : undefined);
const flagBit = (mask: number) => ({ ...bits(12, 2, mask, true), parent: 'tcp.flags' });
const payloadLen = (_p: Packet, l: Layer): number => Math.max(0, l.end - l.payload);

const TITLE = 'Transmission Control Protocol';
const encode = (s: string): Uint8Array => new TextEncoder().encode(s);
const TITLE_BYTES = encode(TITLE);
const SRC_PORT = encode(`${TITLE}, Src Port: `);
const DST_PORT = encode(', Dst Port: ');
const SEQ = encode(', Seq: ');
const ACK = encode(', Ack: ');
const LEN = encode(', Len: ');

// As tshark titles it: the sequence number (relative where the stream state is known), the
// acknowledgment number only when the ACK flag is set, and the segment's length.
const title: BytesTitle = Object.assign(
  (p: Packet, l: Layer): string => {
    if (l.payload - l.start < 20) return TITLE;
    const ack = hasAck(p, l) ? `, Ack: ${relative(p, l, 8, tcpConv(l)?.ackBase)!}` : '';
    return `${TITLE}, Src Port: ${rd16(p.data, l.start)}, Dst Port: ${rd16(p.data, l.start + 2)}, Seq: ${relative(p, l, 4, tcpConv(l)?.seqBase)!}${ack}, Len: ${payloadLen(p, l)}`;
  },
  {
    into(out: TextBytes, p: Packet, l: Layer): void {
      if (l.payload - l.start < 20) {
        out.bytes(TITLE_BYTES);
        return;
      }
      out.bytes(SRC_PORT);
      out.decimal(rd16(p.data, l.start));
      out.bytes(DST_PORT);
      out.decimal(rd16(p.data, l.start + 2));
      out.bytes(SEQ);
      out.decimal(relative(p, l, 4, tcpConv(l)?.seqBase)!);
      if (hasAck(p, l)) {
        out.bytes(ACK);
        out.decimal(relative(p, l, 8, tcpConv(l)?.ackBase)!);
      }
      out.bytes(LEN);
      out.decimal(payloadLen(p, l));
    },
  },
);
const tcpConv = (l: Layer): TcpConv | undefined => (l.conv?.kind === 'tcp' ? l.conv : undefined);
const hasAck = (p: Packet, l: Layer): boolean => l.start + 14 <= l.payload && (p.data[l.start + 13]! & 0x10) !== 0;
function relative(p: Packet, l: Layer, offset: number, base: number | undefined): number | undefined {
  if (l.start + offset + 4 > l.payload) return undefined;
  const raw = rd32(p.data, l.start + offset);
  return base === undefined ? raw : (raw - base) >>> 0;
}
function scaledWindow(p: Packet, l: Layer): number | undefined {
  if (l.start + 16 > l.payload) return undefined;
  const scale = tcpConv(l)?.windowScale ?? -1;
  return rd16(p.data, l.start + 14) * (scale > 0 ? scale : 1);
}

export const tcp: Dissector = {
  proto: 'tcp',
  name: 'Transmission Control Protocol',
  short: 'TCP',
  fields: [
    protocolField('tcp', 'Transmission Control Protocol'),
    ...fieldsOf('tcp', [
      ['tcp.srcport', 'Source Port', 'uint', u16(0)],
      ['tcp.dstport', 'Destination Port', 'uint', u16(2)],
      [
        'tcp.port',
        'Source or Destination Port',
        'uint',
        { hidden: true, get: (p, l) => (l.start + 4 <= l.payload ? [rd16(p.data, l.start), rd16(p.data, l.start + 2)] : undefined) },
      ],
      ['tcp.stream', 'Stream index', 'uint', { stream: true, get: (_p, l) => tcpConv(l)?.stream }],
      // Relative to the stream's first sequence number on sequential passes (as tshark); raw where a frame is dissected alone.
      ['tcp.seq', 'Sequence Number', 'uint', { ...u32(4), stream: true, get: (p, l) => relative(p, l, 4, tcpConv(l)?.seqBase) }],
      ['tcp.seq_raw', 'Sequence Number (raw)', 'uint', u32(4)],
      [
        'tcp.ack',
        'Acknowledgment Number',
        'uint',
        { ...u32(8), stream: true, get: (p, l) => relative(p, l, 8, hasAck(p, l) ? tcpConv(l)?.ackBase : undefined) },
      ],
      ['tcp.ack_raw', 'Acknowledgment Number (raw)', 'uint', u32(8)],
      [
        'tcp.hdr_len',
        'Header Length',
        'uint',
        {
          get: (p, l) => (l.start + 13 <= l.payload ? (p.data[l.start + 12]! >> 4) * 4 : undefined),
          range: (_p, l) => (l.start + 13 <= l.payload ? [l.start + 12, 1] : undefined),
        },
      ],
      ['tcp.flags', 'Flags', 'uint', { ...bits(12, 2, 0x0fff), hexDigits: 4, treeHexDigits: 3 }],
      ['tcp.flags.ae', 'Accurate ECN', 'bool', flagBit(0x100)],
      ['tcp.flags.cwr', 'Congestion Window Reduced', 'bool', flagBit(0x080)],
      ['tcp.flags.ece', 'ECN-Echo', 'bool', flagBit(0x040)],
      ['tcp.flags.urg', 'Urgent', 'bool', flagBit(0x020)],
      ['tcp.flags.ack', 'Acknowledgment', 'bool', flagBit(0x010)],
      ['tcp.flags.push', 'Push', 'bool', flagBit(0x008)],
      ['tcp.flags.reset', 'Reset', 'bool', flagBit(0x004)],
      ['tcp.flags.rst', 'Reset', 'bool', { ...flagBit(0x004), hidden: true }],
      ['tcp.flags.syn', 'Syn', 'bool', flagBit(0x002)],
      ['tcp.flags.fin', 'Fin', 'bool', flagBit(0x001)],
      ['tcp.window_size_value', 'Window', 'uint', u16(14)],
      ['tcp.window_size', 'Calculated window size', 'uint', { stream: true, get: (p, l) => scaledWindow(p, l) }],
      ['tcp.window_size_scalefactor', 'Window size scaling factor', 'int', { stream: true, get: (_p, l) => tcpConv(l)?.windowScale }],
      ['tcp.checksum', 'Checksum', 'uint', { ...u16(16), hexDigits: 4 }],
      ['tcp.urgent_pointer', 'Urgent Pointer', 'uint', u16(18)],
      ['tcp.options.mss_val', 'MSS Value', 'uint', { get: (p, l) => option(p, l, 2, mssValue) }],
      ['tcp.options.wscale.shift', 'Window scale shift', 'uint', { get: (p, l) => option(p, l, 3, (d, at, len) => (len === 3 ? d[at + 2] : undefined)) }],
      ['tcp.options.sack_perm', 'SACK permitted', 'bool', { get: (p, l) => option(p, l, 4, () => true) }],
      [
        'tcp.options.timestamp.tsval',
        'Timestamp value',
        'uint',
        { get: (p, l) => option(p, l, 8, (d, at, len) => (len === 10 ? rd32(d, at + 2) : undefined)) },
      ],
      [
        'tcp.options.timestamp.tsecr',
        'Timestamp echo reply',
        'uint',
        { get: (p, l) => option(p, l, 8, (d, at, len) => (len === 10 ? rd32(d, at + 6) : undefined)) },
      ],
      ['tcp.len', 'TCP Segment Len', 'uint', { get: (p, l) => (l.payload - l.start >= 20 ? payloadLen(p, l) : undefined) }],
      [
        'tcp.analysis.retransmission',
        'This frame is a (suspected) retransmission',
        'bool',
        { stream: true, get: (_p, l) => (tcpConv(l)?.retransmission ? true : undefined) },
      ],
      ['tcp.analysis.duplicate_ack', 'This is a TCP duplicate ack', 'bool', { stream: true, get: (_p, l) => (tcpConv(l)?.duplicateAck ? true : undefined) }],
      [
        'tcp.analysis.forwarding_copy',
        "A router's copy of a segment seen on another interface (not a retransmission)",
        'bool',
        { stream: true, get: (_p, l) => (tcpConv(l)?.forwardingCopy ? true : undefined) },
      ],
      [
        'tcp.payload',
        'TCP payload',
        'bytes',
        { hidden: true, get: (p, l) => (l.end > l.payload ? p.data.subarray(l.payload, l.end) : undefined), range: (_p, l) => [l.payload, l.end - l.payload] },
      ],
    ]),
  ],
  decode(ctx, start, end) {
    const d = ctx.pkt.data;
    const off = end - start > 12 ? (d[start + 12]! >> 4) * 4 : 20;
    const layer = ctx.push('tcp', start, start + Math.max(off, 20), end);
    if (end - start < 20 || end - start < off) return truncatedHeader(ctx, 'TCP', layer);
    if (off < 20) return markMalformed(ctx, layer, `Bogus TCP header length (${off}, must be at least 20)`);
    if (start + off >= end) return undefined;
    const proto = protoByPorts(ctx, 'tcp.port', rd16(d, start), rd16(d, start + 2));
    return { proto: proto ?? 'data', start: start + off, end };
  },
  title,
  info(p, l) {
    if (l.payload - l.start < 20) return '';
    const d = p.data;
    const flags = rd16(d, l.start + 12) & 0x0fff;
    // Relative numbers and the scaled window where the stream state is known (a sequential pass:
    // -Y on stream fields, -T json, the UI once its stream pass got here), as tshark shows them.
    const conv = tcpConv(l);
    let s = `${rd16(d, l.start)} → ${rd16(d, l.start + 2)} [${tcpFlagText(flags) || '<None>'}] Seq=${relative(p, l, 4, conv?.seqBase)!}`;
    if (flags & 0x010) s += ` Ack=${relative(p, l, 8, conv?.ackBase)!}`;
    s += ` Win=${scaledWindow(p, l)!} Len=${payloadLen(p, l)}`;
    const mss = option(p, l, 2, mssValue);
    if (mss !== undefined) s += ` MSS=${mss}`;
    return s;
  },
};
