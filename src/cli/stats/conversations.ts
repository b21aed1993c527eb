// `-z conv,PROTO` and `-z endpoints,PROTO` in tshark's table layout. Every IP (or IPv6, TCP,
// UDP) layer of a packet counts, outer and inner, not quoted ones; bytes are the frame length.
import { formatIpv4, formatIpv6 } from '../../dissect/format.js';
import { rd16, rd32 } from '../../dissect/field-helpers.js';
import type { Layer, Packet } from '../../dissect/types.js';

type Proto = 'ip' | 'ipv6' | 'tcp' | 'udp';

interface Side {
  addr: string;
  port: number | undefined;
}

interface Conversation {
  a: Side;
  b: Side;
  framesAB: number;
  bytesAB: number;
  framesBA: number;
  bytesBA: number;
  start: number;
  end: number;
}

interface Endpoint {
  side: Side;
  txFrames: number;
  txBytes: number;
  rxFrames: number;
  rxBytes: number;
}

const TITLES: Record<Proto, string> = { ip: 'IPv4', ipv6: 'IPv6', tcp: 'TCP', udp: 'UDP' };
const RULE = '='.repeat(80);

/** tshark's sizes: bytes below 10 kB, then kB, MB, GB in whole units of 1000. */
export function formatSize(n: number): string {
  if (n >= 1e10) return `${Math.floor(n / 1e9)} GB`;
  if (n >= 1e7) return `${Math.floor(n / 1e6)} MB`;
  if (n >= 1e4) return `${Math.floor(n / 1e3)} kB`;
  return `${n} bytes`;
}

function ipOf(pkt: Packet, ip: Layer): [string, string] | undefined {
  const d = pkt.data;
  if (ip.proto === 'ip' && ip.payload - ip.start >= 20) return [formatIpv4(rd32(d, ip.start + 12)), formatIpv4(rd32(d, ip.start + 16))];
  if (ip.proto === 'ipv6' && ip.payload - ip.start >= 40)
    return [formatIpv6(d.subarray(ip.start + 8, ip.start + 24)), formatIpv6(d.subarray(ip.start + 24, ip.start + 40))];
  return undefined;
}

/** Each (source, destination) this packet contributes for the protocol, outermost first. */
function pairs(pkt: Packet, proto: Proto): [Side, Side][] {
  const out: [Side, Side][] = [];
  let addrs: [string, string] | undefined;
  for (const l of pkt.layers) {
    if (l.quoted) continue;
    if (l.proto === 'ip' || l.proto === 'ipv6') {
      addrs = ipOf(pkt, l);
      if (addrs && l.proto === proto)
        out.push([
          { addr: addrs[0], port: undefined },
          { addr: addrs[1], port: undefined },
        ]);
    } else if (addrs && l.proto === proto && l.payload - l.start >= 4) {
      out.push([
        { addr: addrs[0], port: rd16(pkt.data, l.start) },
        { addr: addrs[1], port: rd16(pkt.data, l.start + 2) },
      ]);
    }
  }
  return out;
}

const sideKey = (s: Side): string => (s.port === undefined ? s.addr : `${s.addr}:${s.port}`);

export class ConversationTable {
  private readonly convs = new Map<string, Conversation>();
  private readonly endpoints = new Map<string, Endpoint>();
  private firstSec: number | undefined;
  private firstNsec = 0;

  constructor(
    readonly proto: Proto,
    readonly kind: 'conv' | 'endpoints',
  ) {}

  add(pkt: Packet): void {
    if (this.firstSec === undefined) {
      this.firstSec = pkt.frame.sec;
      this.firstNsec = pkt.frame.nsec;
    }
    // Seconds since the first packet, from whole seconds and nanoseconds apart (no float drift in the 9 digits).
    const t = pkt.frame.sec - this.firstSec + (pkt.frame.nsec - this.firstNsec) / 1e9;
    const bytes = pkt.frame.origLen;
    for (const [src, dst] of pairs(pkt, this.proto)) {
      if (this.kind === 'endpoints') {
        this.endpoint(src).txFrames++;
        this.endpoint(src).txBytes += bytes;
        this.endpoint(dst).rxFrames++;
        this.endpoint(dst).rxBytes += bytes;
        continue;
      }
      const ks = sideKey(src);
      const kd = sideKey(dst);
      let c = this.convs.get(`${ks}|${kd}`) ?? this.convs.get(`${kd}|${ks}`);
      if (!c) {
        c = { a: src, b: dst, framesAB: 0, bytesAB: 0, framesBA: 0, bytesBA: 0, start: t, end: t };
        this.convs.set(`${ks}|${kd}`, c);
      }
      if (sideKey(c.a) === ks) {
        c.framesAB++;
        c.bytesAB += bytes;
      } else {
        c.framesBA++;
        c.bytesBA += bytes;
      }
      // Merged captures can be out of order: the span is from the earliest to the latest packet, as in tshark.
      if (t > c.end) c.end = t;
      else if (t < c.start) c.start = t;
    }
  }

  private endpoint(s: Side): Endpoint {
    const k = sideKey(s);
    let e = this.endpoints.get(k);
    if (!e) this.endpoints.set(k, (e = { side: s, txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0 }));
    return e;
  }

  lines(filter: string | undefined): string[] {
    return this.kind === 'conv' ? this.convLines(filter) : this.endpointLines(filter);
  }

  private convLines(filter: string | undefined): string[] {
    const width = this.proto === 'ip' || this.proto === 'ipv6' ? 20 : 26;
    const lead = ' '.repeat(2 * width + 7);
    const out = [
      RULE,
      `${TITLES[this.proto]} Conversations`,
      `Filter:${filter ?? '<No Filter>'}`,
      `${lead}|       <-      | |       ->      | |     Total     |    Relative    |   Duration   |`,
      `${lead}| Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |`,
    ];
    // Most frames first; ties keep the order they were first seen (a stable sort).
    const rows = [...this.convs.values()].sort((x, y) => y.framesAB + y.framesBA - (x.framesAB + x.framesBA));
    for (const c of rows) {
      out.push(
        `${sideKey(c.a).padEnd(width)} <-> ${sideKey(c.b).padEnd(width)}` +
          `  ${String(c.framesBA).padStart(6)} ${formatSize(c.bytesBA).padEnd(9)}` +
          `  ${String(c.framesAB).padStart(6)} ${formatSize(c.bytesAB).padEnd(9)}` +
          `  ${String(c.framesAB + c.framesBA).padStart(6)} ${formatSize(c.bytesAB + c.bytesBA).padEnd(9)}` +
          `  ${c.start.toFixed(9).padStart(14)} ${(c.end - c.start).toFixed(4).padStart(14)}`,
      );
    }
    out.push(RULE);
    return out;
  }

  private endpointLines(filter: string | undefined): string[] {
    const ports = this.proto === 'tcp' || this.proto === 'udp';
    const out = [
      RULE,
      `${TITLES[this.proto]} Endpoints`,
      `Filter:${filter ?? '<No Filter>'}`,
      `                       |${ports ? '  Port  ||' : ''}  Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |`,
    ];
    const rows = [...this.endpoints.values()].sort((x, y) => y.txFrames + y.rxFrames - (x.txFrames + x.rxFrames));
    for (const e of rows) {
      out.push(
        // tshark: the address in 20 columns (longer ones push the row right), then right-aligned numbers.
        `${e.side.addr.padEnd(20)}${ports ? String(e.side.port).padStart(11) : ''}` +
          `${String(e.txFrames + e.rxFrames).padStart(ports ? 11 : 12)}${String(e.txBytes + e.rxBytes).padStart(14)}` +
          `${String(e.txFrames).padStart(11)}${String(e.txBytes).padStart(16)}${String(e.rxFrames).padStart(12)}${String(e.rxBytes).padStart(16)}   `,
      );
    }
    out.push(RULE);
    return out;
  }
}
