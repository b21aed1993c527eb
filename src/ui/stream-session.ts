// Following the selected packet's TCP or UDP conversation in the terminal UI: the
// conversation's packets are found by a background pass over the capture (the filter job's
// time-sliced scan, so keys keep working), and their bytes are put in order as they come.
// The user's display filter is left alone.
import {
  between,
  FollowStream,
  followedLayer,
  sameEndpoint,
  segmentAt,
  type FollowProto,
  type StreamEndpoint,
  type StreamSegment,
} from '../analysis/follow.js';
import { findTunnel } from '../dissect/encap/index.js';
import { formatIpv4, formatIpv6 } from '../dissect/format.js';
import { rd32 } from '../dissect/field-helpers.js';
import type { Packet } from '../dissect/types.js';
import { ConversationTracker } from '../dissect/conversations.js';
import { msg } from '../errors.js';
import { FilterJob } from './filter-job.js';
import type { PacketStore } from './store.js';

/** Bytes kept for the view: a long transfer shows its first 8 MB and says how much more there was. */
const STREAM_BYTES_SHOWN = 8 * 1024 * 1024;

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
  /** The tunnel each side's packets travelled in ("VXLAN 192.168.1.1 → 192.168.1.2, VNI 1"), when they did. */
  readonly tunnels: [string | undefined, string | undefined] = [undefined, undefined];
  /** The frame the user followed from. */
  readonly fromFrame: number;
  private readonly job: FilterJob;
  /** Stream numbers as tshark gives them: the same addresses and ports can carry one connection after another. */
  private readonly tracker = new ConversationTracker();
  /** The selected packet's stream number, known once the pass reaches it; segments of each candidate stream until then. */
  private target: number | undefined;
  private readonly before = new Map<number, { seg: StreamSegment; tunnel: string | undefined }[]>();

  private constructor(store: PacketStore, from: number, seg: StreamSegment, proto: FollowProto, onProgress: () => void) {
    this.proto = proto;
    this.ends = [seg.src, seg.dst];
    this.fromFrame = seg.frame;
    this.follow = new FollowStream(proto, STREAM_BYTES_SHOWN);
    const [a, b] = this.ends;
    // Every packet comes once, in capture order: stream numbers are counted on all of them, and the
    // one layer of the followed connection feeds the follower.
    const look = (pkt: Packet): boolean => {
      this.tracker.annotate(pkt);
      for (let i = 1; i < pkt.layers.length; i++) {
        const l = pkt.layers[i]!;
        if (l.proto !== proto || l.quoted) continue;
        const s = segmentAt(pkt, i);
        if (!s || !between(s, a, b)) continue;
        const stream = l.conv?.stream ?? -1;
        if (this.target === undefined && pkt.frame.number - 1 === from) {
          this.target = stream;
          for (const x of this.before.get(stream) ?? []) this.feed(x.seg, x.tunnel);
          this.before.clear();
        }
        if (this.target === undefined) {
          const list = this.before.get(stream) ?? [];
          list.push({ seg: s, tunnel: tunnelOf(pkt, i) });
          this.before.set(stream, list);
        } else if (stream === this.target) this.feed(s, tunnelOf(pkt, i));
        return false;
      }
      return false;
    };
    this.job = new FilterJob(`${proto} stream`, store, look, { onProgress: () => onProgress(), onDone: () => onProgress() }).start();
  }

  private feed(seg: StreamSegment, tunnel: string | undefined): void {
    this.follow.add(seg);
    const nodes = this.follow.nodes!;
    const node = sameEndpoint(seg.src, nodes[0]) ? 0 : 1;
    this.tunnels[node] ??= tunnel;
  }

  /** A session for the packet at `pos`, or why it has no TCP or UDP conversation to follow. */
  static open(store: PacketStore, pos: number, onProgress: () => void): StreamSession | string {
    const pkt = store.packet(pos);
    const at = followedLayer(pkt);
    const seg = at < 0 ? undefined : segmentAt(pkt, at);
    if (!seg) return msg.uiNoStream(pos + 1);
    // The innermost UDP header is the tunnel's own (ICMP or ARP inside VXLAN): there is no pod conversation to follow.
    const tunnel = findTunnel(pkt);
    if (tunnel && tunnel.index > at) return msg.uiStreamIsTunnel(pos + 1, tunnel.encap.name);
    return new StreamSession(store, pos, seg, pkt.layers[at]!.proto as FollowProto, onProgress);
  }

  /** Packets of the conversation found so far. */
  get packets(): number {
    return this.follow.packets;
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
