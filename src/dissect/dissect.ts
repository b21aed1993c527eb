import { ipDatagramEnd } from './ip-length.js';
import type { IpReassembler } from './reassembly/ipfrag.js';
import type { Registry } from './registry.js';
import type { DecodeContext, Dissector, FrameMeta, Layer, Next, NoteSeverity, Packet, Reassembly } from './types.js';

/** Enough for three nested tunnels with VLAN tags; more is either an attack or a loop. */
const MAX_LAYERS = 48;
const MAX_TUNNEL_DEPTH = 8;

class Context implements DecodeContext {
  depth = 0;
  /** The protocol a tunnel-entering table entry led to in the current decode step. */
  crossing: string | undefined = undefined;
  /** The protocol the last table lookup of this step led to, and its dissector (saves a name lookup). */
  routedProto: string | undefined = undefined;
  routed: Dissector | undefined = undefined;
  private quoted = false;
  constructor(
    readonly pkt: Packet,
    private readonly registry: Registry,
    private readonly reassembler: IpReassembler | undefined,
  ) {}

  reassemble(key: string, offset: number, start: number, end: number, more: boolean): Reassembly | null | undefined {
    if (!this.reassembler) return null;
    const { frame } = this.pkt;
    // A router's `-i any` capture holds each fragment twice (in and out): the copies seen on
    // one interface in one direction are reassembled together.
    const where = `${frame.interfaceName ?? frame.interfaceId}|${frame.direction}|${key}`;
    const done = this.reassembler.add(where, offset, this.pkt.data.subarray(start, end), more, frame.number, frame.sec + frame.nsec / 1e9);
    if (!done) return undefined;
    // The datagram is appended after the frame's own bytes, so layer offsets keep working.
    const old = this.pkt.data;
    const merged = new Uint8Array(old.length + done.payload.length);
    merged.set(old);
    merged.set(done.payload, old.length);
    this.pkt.data = merged;
    return { start: old.length, end: merged.length, frames: done.frames, ...(done.conflict ? { conflict: true } : {}) };
  }

  push(proto: string, start: number, payload: number, end: number): Layer {
    const layer: Layer = { proto, start, payload: Math.min(payload, end), end, depth: this.depth };
    if (this.quoted) layer.quoted = true;
    this.pkt.layers.push(layer);
    return layer;
  }

  note(severity: NoteSeverity, message: string): void {
    this.pkt.notes.push({ severity, message, layer: this.pkt.layers.length - 1 });
  }

  lookup(table: string, key: number): string | undefined {
    const t = this.registry.dispatchTable(table);
    if (t === undefined) return undefined;
    const k = key & 0xffff;
    const position = t.entry[k]!;
    if (position === 0) return undefined;
    const proto = t.protos[position]!;
    if (t.entersTunnel[k] === 1) this.crossing = proto;
    this.routedProto = proto;
    this.routed = t.dissectors[position] ??= this.registry.dissector(proto);
    return proto;
  }

  heuristic(table: string, start: number, end: number): string | undefined {
    for (const proto of this.registry.heuristicsFor(table)) {
      if (this.registry.dissector(proto)?.looksLike?.(this.pkt.data, start, end)) return proto;
    }
    return undefined;
  }

  enterTunnel(): void {
    this.depth++;
  }

  enterQuote(): void {
    this.quoted = true;
  }
}

export interface DissectOptions {
  /** Given on sequential passes: IP fragments are collected and the datagram decoded on the last one. */
  reassembler?: IpReassembler;
}

/** Decodes one frame from its link type to the innermost payload. Never throws on bad bytes. */
export function dissect(data: Uint8Array, frame: FrameMeta, registry: Registry, opts: DissectOptions = {}): Packet {
  const pkt: Packet = { data, frame, layers: [], notes: [] };
  const ctx = new Context(pkt, registry, opts.reassembler);
  let next: Next | undefined = { proto: 'frame', start: 0, end: data.length };
  while (next) {
    if (pkt.layers.length >= MAX_LAYERS || ctx.depth > MAX_TUNNEL_DEPTH) {
      ctx.note('warning', `[Dissection stopped: more than ${MAX_TUNNEL_DEPTH} nested tunnels or ${MAX_LAYERS} layers]`);
      break;
    }
    const routed = next.proto === ctx.routedProto ? ctx.routed : registry.dissector(next.proto);
    const dissector: Dissector = routed ?? registry.dissector('data')!;
    // The frame pseudo-layer is always there, even for a 0-byte record (summary and tree rely on it).
    if (next.start >= next.end && pkt.layers.length > 0) {
      if (routed && next.proto !== 'data') missingHeader(ctx, next, dissector);
      break;
    }
    try {
      ctx.crossing = undefined;
      ctx.routedProto = undefined;
      next = dissector.decode(ctx, next.start, next.end);
      if (next && ctx.crossing === next.proto) ctx.enterTunnel();
    } catch (e) {
      // Dissectors check their bounds; this is the last line of defence, and it is reported.
      ctx.note('error', `[Malformed: ${dissector.short} dissector failed: ${(e as Error).message}]`);
      next = undefined;
    }
  }
  return pkt;
}

/**
 * The bytes end exactly where the next header begins. Where the capture's snaplen cut them (a
 * tunnel packet kept up to its GENEVE header) the packet says which header is missing, as
 * tcpdump's `[|eth]` does; where the datagram is whole but its tunnel header announces a frame it
 * does not carry, that is malformed, as in tshark. A layer that is simply empty (a TCP segment
 * without data, a GRE keepalive) is neither.
 */
function missingHeader(ctx: Context, next: Next, dissector: Dissector): void {
  const { pkt } = ctx;
  if (pkt.layers.length < 2 || pkt.layers[pkt.layers.length - 1]!.quoted) return;
  const why = `${dissector.short} header truncated`;
  if (next.start >= pkt.data.length && pkt.frame.capLen < pkt.frame.origLen && datagramCut(pkt)) {
    pkt.missing = { proto: next.proto, why, snaplen: true };
    ctx.note('warning', `[Packet size limited during capture: ${dissector.short} truncated]`);
  } else if (ctx.depth > pkt.layers[pkt.layers.length - 1]!.depth) {
    // The whole datagram is there, and the tunnel header announces a frame or packet it does not carry.
    pkt.missing = { proto: next.proto, why, snaplen: false };
    ctx.note('error', `[Malformed: ${why}]`);
  }
}

/** Whether the innermost IP header says its datagram goes on past the bytes captured (true without one: the frame was cut, and nothing says where it ended). */
function datagramCut(pkt: Packet): boolean {
  const { layers, data } = pkt;
  for (let i = layers.length - 1; i >= 1; i--) {
    const end = ipDatagramEnd(data, layers[i]!);
    if (end !== undefined) return end > data.length;
  }
  return true;
}

// Expert information. A dissector that finds a header it cannot trust calls markMalformed
// (inconsistent values: a TCP data offset below 5, a UDP length past the IP payload) or
// truncatedHeader (the bytes end inside the header). Both set Layer.malformed and add an
// 'error' note ('warning' when the capture's snaplen cut the header); from those the summary
// line gets "[Malformed Packet: why]" or tcpdump's "[|tcp]", the tree and the UI show the
// note under the layer, capinfo counts the packet, and `_ws.malformed` / `_ws.expert` match.
// In the packet an ICMP error quotes, a short header is expected and only noted.

/** Marks the layer malformed (an inconsistent header) with the reason, in tshark's words where it has them. */
export function markMalformed(ctx: DecodeContext, layer: Layer, why: string): undefined {
  if (layer.quoted) {
    ctx.note('note', `[${why}, in the packet the ICMP error quotes]`);
    return undefined;
  }
  layer.malformed ??= why;
  ctx.note('error', `[Malformed: ${why}]`);
  return undefined;
}

/**
 * Marks a header that does not fit in the bytes available. When the capture's snaplen cut
 * the frame this is expected and only noted; otherwise it is "[Malformed]" as in Wireshark.
 */
export function truncatedHeader(ctx: DecodeContext, short: string, layer: Layer): undefined {
  const { frame, data } = ctx.pkt;
  if (layer.quoted) {
    // An ICMP error quotes the IP header and only 8 bytes after it: a cut header is normal there.
    ctx.note('note', `[${short} header cut short in the packet the ICMP error quotes]`);
    return undefined;
  }
  layer.malformed = `${short} header truncated`;
  if (frame.capLen < frame.origLen && layer.end >= data.length) {
    layer.truncated = true;
    ctx.note('warning', `[Packet size limited during capture: ${short} truncated]`);
  } else {
    ctx.note('error', `[Malformed: ${short} header truncated]`);
  }
  return undefined;
}
