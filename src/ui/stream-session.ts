// Following the selected packet's TCP or UDP conversation in the terminal UI: the
// conversation's packets are found by a background pass over the capture (the filter job's
// time-sliced scan, so keys keep working), and their bytes are put in order as they come.
// The user's display filter is left alone.
import { FollowStream, segmentAt, type FollowProto, type StreamEndpoint, type StreamSegment } from '../analysis/follow.js';
import { findTunnel } from '../dissect/encap/index.js';
import { formatIpv4, formatIpv6 } from '../dissect/format.js';
import { rd32 } from '../dissect/field-helpers.js';
import type { Packet } from '../dissect/types.js';
import { FilterJob } from './filter-job.js';
import type { PacketStore } from './store.js';

/** Bytes kept for the view: a long transfer shows its first 8 MB and says how much more there was. */
export const STREAM_BYTES_SHOWN = 8 * 1024 * 1024;

const same = (a: StreamEndpoint, b: StreamEndpoint): boolean => a.address === b.address && a.port === b.port;
export const endpointText = (e: StreamEndpoint): string => (e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`);

/** The conversation layer to follow in a packet: its innermost TCP or UDP header outside an ICMP quote. */
function followedIndex(pkt: Packet): number {
  for (let i = pkt.layers.length - 1; i > 0; i--) {
    const l = pkt.layers[i]!;
    if ((l.proto === 'tcp' || l.proto === 'udp') && !l.quoted) return i;
  }
  return -1;
}

/** "VXLAN 192.168.1.1 → 192.168.1.2, VNI 1" when the followed layer is inside a tunnel. */
function tunnelOf(pkt: Packet, at: number): string | undefined {
  const t = findTunnel(pkt);
  if (!t || t.index >= at) return undefined;
  let ip: Packet['layers'][number] | undefined;
  for (let i = t.index; i > 0 && !ip; i--) {
    const l = pkt.layers[i]!;
    if ((l.proto === 'ip' || l.proto === 'ipv6') && l.payload - l.start >= (l.proto === 'ip' ? 20 : 40)) ip = l;
  }
  const d = pkt.data;
  const addr = (off: number): string =>
    ip!.proto === 'ip' ? formatIpv4(rd32(d, ip!.start + off)) : formatIpv6(d.subarray(ip!.start + off, ip!.start + off + 16));
  const ends = ip ? ` ${addr(ip.proto === 'ip' ? 12 : 8)} → ${addr(ip.proto === 'ip' ? 16 : 24)}` : '';
  const id = t.encap.id?.read(pkt, t.index);
  return `${t.encap.name}${ends}${id !== undefined && t.encap.id ? `, ${t.encap.id.label} ${t.encap.id.format(id)}` : ''}`;
}

export class StreamSession {
  readonly follow: FollowStream;
  readonly proto: FollowProto;
  /** The two ends as the selected packet names them (source first). */
  readonly ends: [StreamEndpoint, StreamEndpoint];
  /** The tunnel the selected packet carried the conversation in, if any. */
  readonly tunnel: string | undefined;
  /** The frame the user followed from. */
  readonly fromFrame: number;
  private readonly job: FilterJob;

  private constructor(store: PacketStore, seg: StreamSegment, proto: FollowProto, tunnel: string | undefined, onProgress: () => void) {
    this.proto = proto;
    this.ends = [seg.src, seg.dst];
    this.tunnel = tunnel;
    this.fromFrame = seg.frame;
    this.follow = new FollowStream(proto, STREAM_BYTES_SHOWN);
    const [a, b] = this.ends;
    // Each packet comes once, in capture order; the one layer of this conversation feeds the follower.
    const matches = (pkt: Packet): boolean => {
      for (let i = 1; i < pkt.layers.length; i++) {
        const l = pkt.layers[i]!;
        if (l.proto !== proto || l.quoted) continue;
        const s = segmentAt(pkt, i);
        if (s && ((same(s.src, a) && same(s.dst, b)) || (same(s.src, b) && same(s.dst, a)))) {
          this.follow.add(s);
          return true;
        }
      }
      return false;
    };
    this.job = new FilterJob(`${proto} stream`, store, matches, { onProgress: () => onProgress(), onDone: () => onProgress() }).start();
  }

  /** A session for the packet at `pos`, or undefined when it carries no TCP or UDP header to follow. */
  static open(store: PacketStore, pos: number, onProgress: () => void): StreamSession | undefined {
    const pkt = store.packet(pos);
    const at = followedIndex(pkt);
    if (at < 0) return undefined;
    const seg = segmentAt(pkt, at);
    if (!seg) return undefined;
    return new StreamSession(store, seg, pkt.layers[at]!.proto as FollowProto, tunnelOf(pkt, at), onProgress);
  }

  /** Capture positions of the conversation's packets found so far. */
  get packets(): number {
    return this.job.rows.length;
  }

  /** Share of the capture searched; 1 once done. */
  get fraction(): number {
    return this.job.state === 'done' ? 1 : this.job.fraction;
  }

  get searching(): boolean {
    return this.job.state === 'running';
  }

  /** The capture grew (live input): the search goes on into the new packets. */
  grew(): void {
    this.job.notifyGrowth();
  }

  close(): void {
    this.job.cancel();
  }
}
