// `-z follow,tcp|udp,MODE,STREAM[,RANGE]`: the bytes of one TCP or UDP conversation, in
// tshark 4.0's layout for each mode (ascii, hex, raw, yaml), so that scripts written against
// tshark's output read ours. STREAM is a tcp.stream / udp.stream number or two endpoints
// (`10.0.0.1:80,10.0.0.2:4000`, IPv6 in brackets). Where vxshark differs: the conversation is
// followed at its own layer (an inner stream shows pod-to-pod bytes, an outer UDP stream its
// tunnel's bytes, where tshark mixes the innermost addresses with the outer payload), and a
// router's second copy of a UDP datagram (received and sent, on two interfaces) counts once.
import { between, endpointText, FollowStream, segmentAt, type FollowProto, type StreamChunk, type StreamEndpoint } from '../../analysis/follow.js';
import { formatIpv4, formatIpv6 } from '../../dissect/format.js';
import type { Packet } from '../../dissect/types.js';
import { VxError, msg } from '../../errors.js';
import { parseIpv4, parseIpv6 } from '../../filter/values.js';
import type { StatisticTable } from './index.js';

export type FollowMode = 'ascii' | 'hex' | 'raw' | 'yaml';

export interface FollowSpec {
  kind: 'follow';
  proto: FollowProto;
  mode: FollowMode;
  /** A stream number, or the two endpoints as given. */
  stream: number | [StreamEndpoint, StreamEndpoint];
  /** 1-based chunk numbers to print, inclusive; undefined prints them all. */
  range?: [number, number];
}

const MODES: readonly FollowMode[] = ['ascii', 'hex', 'raw', 'yaml'];
const RULE = '===================================================================';

/** Parses `follow,...` (the whole -z text). */
export function parseFollow(text: string): FollowSpec {
  const parts = text.split(',');
  const [, proto, mode, ...rest] = parts;
  if ((proto !== 'tcp' && proto !== 'udp') || mode === undefined) throw new VxError('usage', msg.badFollow(text));
  if (!MODES.includes(mode as FollowMode)) throw new VxError('usage', msg.followMode(mode, MODES));
  let stream: FollowSpec['stream'];
  let rangeText: string | undefined;
  if (rest.length >= 1 && /^\d+$/.test(rest[0]!)) {
    stream = Number(rest[0]);
    if (!Number.isSafeInteger(stream)) throw new VxError('usage', msg.badFollow(text));
    rangeText = rest[1];
    if (rest.length > 2) throw new VxError('usage', msg.badFollow(text));
  } else if (rest.length === 2 || rest.length === 3) {
    const a = parseEndpoint(rest[0]!);
    const b = parseEndpoint(rest[1]!);
    if (!a || !b) throw new VxError('usage', msg.followAddress(text));
    stream = [a, b];
    rangeText = rest[2];
  } else throw new VxError('usage', msg.badFollow(text));
  const spec: FollowSpec = { kind: 'follow', proto, mode: mode as FollowMode, stream };
  if (rangeText !== undefined) spec.range = parseRange(text, rangeText);
  return spec;
}

function parseEndpoint(text: string): StreamEndpoint | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|(\d+\.\d+\.\d+\.\d+)):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port > 65535) return undefined;
  if (m[2] !== undefined) {
    const v4 = parseIpv4(m[2]);
    return v4 === undefined ? undefined : { address: formatIpv4(v4), port };
  }
  const v6 = parseIpv6(m[1]!);
  return v6 === undefined ? undefined : { address: formatIpv6(v6), port };
}

function parseRange(text: string, range: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(range);
  if (!m) throw new VxError('usage', msg.followRange(text));
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 1 || to < from) throw new VxError('usage', msg.followRange(text));
  return [from, to];
}

const isV6 = (address: string): boolean => address.includes(':');
/** tshark names an empty stream's nodes ":0". */
const hostPort = (e: StreamEndpoint | undefined): string => (e === undefined ? ':0' : endpointText(e));

export class FollowTable implements StatisticTable {
  private readonly follow: FollowStream;

  /** @param terminal the output is a terminal: a carriage return in ascii mode is shown as '.' (it could overwrite what was printed). */
  constructor(
    private readonly spec: FollowSpec,
    private readonly terminal: boolean,
  ) {
    this.follow = new FollowStream(spec.proto);
  }

  add(pkt: Packet): void {
    const { proto, stream } = this.spec;
    for (let i = 1; i < pkt.layers.length; i++) {
      const l = pkt.layers[i]!;
      if (l.proto !== proto || l.quoted) continue;
      if (typeof stream === 'number') {
        if (l.conv?.stream !== stream) continue;
        const seg = segmentAt(pkt, i);
        if (seg) this.follow.add(seg);
        return;
      }
      const seg = segmentAt(pkt, i);
      if (!seg) continue;
      if (between(seg, ...stream)) {
        this.follow.add(seg);
        return;
      }
    }
  }

  *lines(): Generator<string> {
    if (this.spec.mode === 'yaml') {
      yield* this.yaml();
      return;
    }
    const { proto, mode } = this.spec;
    const nodes = this.follow.nodes;
    yield '';
    yield RULE;
    yield `Follow: ${proto},${mode}`;
    yield `Filter: ${this.filterText()}`;
    yield `Node 0: ${hostPort(nodes?.[0])}`;
    yield `Node 1: ${hostPort(nodes?.[1])}`;
    const offsets = [0, 0];
    let n = 0;
    for (const chunk of this.follow.chunks) {
      n++;
      const data = chunkBytes(chunk);
      const inRange = this.inRange(n);
      const prefix = chunk.node === 1 ? '\t' : '';
      if (mode === 'hex') {
        if (inRange) yield* hexLines(prefix, data, offsets[chunk.node]!);
        offsets[chunk.node]! += data.length;
      } else if (!inRange) continue;
      else if (mode === 'raw') yield prefix + Buffer.from(data).toString('hex');
      else yield `${prefix}${data.length}\n${asciiText(data, this.terminal)}`;
    }
    yield RULE;
  }

  private *yaml(): Generator<string> {
    const nodes = this.follow.nodes;
    yield 'peers:';
    for (const peer of [0, 1] as const) {
      const e = nodes?.[peer];
      yield `  - peer: ${peer}`;
      yield `    host: ${e?.address ?? ''}`;
      yield `    port: ${e?.port ?? 0}`;
    }
    yield 'packets:';
    let n = 0;
    for (const chunk of this.follow.chunks) {
      if (!this.inRange(++n)) continue;
      yield `  - packet: ${chunk.frame}`;
      yield `    peer: ${chunk.node}`;
      // tshark's marker for missing bytes has no time of its own.
      yield `    timestamp: ${chunk.missing !== undefined ? '0.000000000' : (chunk.sec + chunk.nsec / 1e9).toFixed(9)}`;
      yield '    data: !!binary |';
      const b64 = Buffer.from(chunkBytes(chunk)).toString('base64');
      for (let k = 0; k < b64.length; k += 76) yield `      ${b64.slice(k, k + 76)}`;
    }
  }

  private inRange(n: number): boolean {
    const r = this.spec.range;
    return r === undefined || (n >= r[0] && n <= r[1]);
  }

  private filterText(): string {
    const { proto, stream } = this.spec;
    if (typeof stream === 'number') return `${proto}.stream eq ${stream}`;
    const [a, b] = stream;
    const ip = isV6(a.address) ? 'ipv6' : 'ip';
    const way = (x: StreamEndpoint, y: StreamEndpoint): string =>
      `((${ip}.src eq ${x.address} and ${proto}.srcport eq ${x.port}) and (${ip}.dst eq ${y.address} and ${proto}.dstport eq ${y.port}))`;
    return `${way(a, b)} or ${way(b, a)}`;
  }
}

/** A chunk's bytes as tshark prints them; its missing-bytes marker is a C string, terminator included. */
function chunkBytes(chunk: StreamChunk): Uint8Array {
  if (chunk.missing === undefined) return chunk.data;
  return Buffer.from(`[${chunk.missing} bytes missing in capture file]\0`, 'latin1');
}

/** tshark's ascii mode: printable bytes, newlines and carriage returns as they are, the rest '.'. */
function asciiText(data: Uint8Array, terminal: boolean): string {
  let s = '';
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    s += (c >= 0x20 && c < 0x7f) || c === 0x0a || (c === 0x0d && !terminal) ? String.fromCharCode(c) : '.';
  }
  return s;
}

function* hexLines(prefix: string, data: Uint8Array, start: number): Generator<string> {
  for (let at = 0; at < data.length; at += 16) {
    let hex = '';
    let text = '';
    for (let k = 0; k < 16; k++) {
      const c = data[at + k];
      hex += c === undefined ? '   ' : `${c.toString(16).padStart(2, '0')} `;
      if (c !== undefined) text += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
      if (k === 7) {
        hex += ' ';
        if (c !== undefined) text += ' ';
      }
    }
    // tshark's ascii column has a blank after its eighth character, and one blank that ends a line is dropped.
    if (text.endsWith(' ')) text = text.slice(0, -1);
    yield `${prefix}${(start + at).toString(16).toUpperCase().padStart(8, '0')}  ${hex} ${text}`;
  }
}
