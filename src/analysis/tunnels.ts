// Tunnels: one row per (outer source, outer destination, encapsulation, UDP port, VNI), the
// way the underlay sees the overlay. Forwarding copies count once. Later fragments of a
// tunnel packet (which carry no UDP header) are attributed through the first fragment's IP ID.
import { ENCAPS, encapByKind } from '../dissect/encap/index.js';
import type { Packet } from '../dissect/types.js';
import { AddrPairSet, formatAddr, mixAddr, type Addr } from './addr.js';
import { HASH_SEED, mix } from '../util/hash.js';
import type { Facts } from './facts.js';
import type { FlowList } from './flows.js';
import { pushCapped, roundTime, type Collector } from './pass.js';

/** The descriptor's name for a kind key ("vxlan" -> "VXLAN"). */
export const kindName = (kind: string): string => encapByKind(kind)?.name ?? kind;

export interface InnerPair {
  readonly src: string;
  readonly dst: string;
  /** src and dst as the analysis keys addresses: what rules compare. */
  readonly srcAddr: Addr;
  readonly dstAddr: Addr;
  readonly packets: number;
}

/** An inner pair as the flows build it; the text is made only when shown (a tunnel can carry a million pairs). */
export class InnerPairRecord implements InnerPair {
  packets = 0;
  constructor(
    readonly srcAddr: Addr,
    readonly dstAddr: Addr,
  ) {}
  get src(): string {
    return formatAddr(this.srcAddr);
  }
  get dst(): string {
    return formatAddr(this.dstAddr);
  }
  toJSON(): { src: string; dst: string; packets: number } {
    return { src: this.src, dst: this.dst, packets: this.packets };
  }
}

export interface Tunnel {
  id: number;
  /** The descriptor's name: VXLAN, GENEVE, VXLAN-GPE, IPIP, GRE, ERSPAN, WireGuard, ESP. */
  kind: string;
  /** UDP destination port; 0 for kinds carried straight in IP (IPIP, GRE, ESP). */
  port: number;
  /** The tunnel id (VNI, GRE key, ERSPAN session, SPI, WireGuard receiver), 0 without one. */
  vni: number;
  hasId: boolean;
  /** Encrypted (WireGuard, ESP): outer endpoints and an id, no inner packets to see. */
  encrypted: boolean;
  src: string;
  dst: string;
  family: 4 | 6;
  packets: number;
  bytes: number;
  /** Outer IP fragments that belonged to this tunnel's packets (first fragments included). */
  fragments: number;
  firstTime: number;
  lastTime: number;
  firstFrame: number;
  frames: number[];
  /** Inner IP address pairs carried, most packets first (filled from the flows). */
  innerPairs: InnerPair[];
  /** Rows of the opposite direction (same endpoints swapped, same kind and port). */
  reverse: number[];
  /** Interfaces the tunnel packets were captured on. */
  interfaces: string[];
}

const pairSets = new WeakMap<Tunnel, AddrPairSet>();

/** The tunnel's inner pairs as a set, built once per tunnel (rules compare tunnels' pairs). */
export function innerPairKeys(t: Tunnel): AddrPairSet {
  let keys = pairSets.get(t);
  if (!keys) {
    keys = new AddrPairSet();
    for (const p of t.innerPairs) keys.add(p.srcAddr, p.dstAddr);
    pairSets.set(t, keys);
  }
  return keys;
}

/**
 * Frames of tunnel t's packets between the given inner pairs (src -> dst, as t carries them),
 * the evidence of a problem with those pairs only: all of t's frames when it carries nothing
 * else; otherwise the frames of the flows of those pairs that rode t that way, since t's own
 * frames would show its healthy traffic between other pairs too.
 */
export function innerPairFrames(t: Tunnel, pairs: AddrPairSet, flows: FlowList, cap: number): number[] {
  if (t.innerPairs.every((p) => pairs.has(p.srcAddr, p.dstAddr))) return t.frames.slice(0, cap);
  const out: number[] = [];
  for (let id = 0; id < flows.length; id++) {
    const f = flows.flow(id);
    const dir = pairs.has(f.srcAddr, f.dstAddr) ? 0 : pairs.has(f.dstAddr, f.srcAddr) ? 1 : undefined;
    if (dir === undefined || !f.tunnelsOf(dir).includes(t.id)) continue;
    for (const frame of f.frames) if (out.length < cap) out.push(frame);
    if (out.length >= cap) break;
  }
  return out;
}

/** Evidence frames from several lists, in capture order, each once, at most cap. */
export function evidenceFrames(lists: readonly (readonly number[])[], cap: number): number[] {
  return [...new Set(lists.flat())].sort((a, b) => a - b).slice(0, cap);
}

interface State {
  next: State | undefined;
  src: Addr;
  dst: Addr;
  kindCode: number;
  port: number;
  vni: number;
  row: Tunnel;
}

const KIND_CODE: Record<string, number> = Object.fromEntries(ENCAPS.map((e, i) => [e.kind, i + 1]));
/** Open fragment groups remembered at most (a bound on memory, not on correctness). */
const MAX_FRAGMENT_GROUPS = 4096;

export class TunnelCollector implements Collector {
  private readonly table = new Map<number, State>();
  readonly rows: Tunnel[] = [];
  /** "src|dst|id" of fragmented tunnel packets -> tunnel id. */
  private readonly fragments = new Map<string, number>();

  constructor(private readonly evidence: number) {}

  packet(f: Facts, _pkt: Packet): void {
    const ip = f.outer;
    if (f.tunnel < 0) {
      if (ip.present && ip.fragOffset !== 0 && this.fragments.size > 0) {
        const id = this.fragments.get(`${String(ip.src)}|${String(ip.dst)}|${ip.id}`);
        if (id !== undefined && f.copyOf === 0) {
          const row = this.rows[id]!;
          row.bytes += f.wireLength;
          row.fragments++;
          f.tunnelId = id;
        }
      }
      return;
    }
    if (!ip.present) return;
    const kindCode = KIND_CODE[f.tunnelKind] ?? 0;
    let h = mixAddr(mixAddr(HASH_SEED, ip.src), ip.dst);
    h = mix(mix(h, kindCode * 65536 + f.tunnelPort), f.vni);
    let s = this.table.get(h);
    // A packet without the id (a WireGuard initiation) counts apart from those with id 0.
    const vni = f.hasId ? f.vni : -1;
    while (s !== undefined && !(s.src === ip.src && s.dst === ip.dst && s.kindCode === kindCode && s.port === f.tunnelPort && s.vni === vni)) s = s.next;
    if (s === undefined) {
      const row: Tunnel = {
        id: this.rows.length,
        kind: kindName(f.tunnelKind),
        port: f.tunnelPort,
        vni: f.vni,
        hasId: f.hasId,
        encrypted: f.encrypted,
        src: formatAddr(ip.src),
        dst: formatAddr(ip.dst),
        family: ip.v6 ? 6 : 4,
        packets: 0,
        bytes: 0,
        fragments: 0,
        firstTime: f.time,
        lastTime: f.time,
        firstFrame: f.frame,
        frames: [],
        innerPairs: [],
        reverse: [],
        interfaces: [],
      };
      s = { next: this.table.get(h), src: ip.src, dst: ip.dst, kindCode, port: f.tunnelPort, vni, row };
      this.table.set(h, s);
      this.rows.push(row);
    }
    const row = s.row;
    f.tunnelId = row.id;
    if (f.iface !== undefined && row.interfaces.length < 8 && !row.interfaces.includes(f.iface)) row.interfaces.push(f.iface);
    if (f.copyOf !== 0) return;
    row.packets++;
    row.bytes += f.wireLength;
    row.lastTime = f.time;
    pushCapped(row.frames, f.frame, this.evidence);
    if (ip.moreFragments) {
      row.fragments++;
      if (this.fragments.size >= MAX_FRAGMENT_GROUPS) this.fragments.clear();
      this.fragments.set(`${String(ip.src)}|${String(ip.dst)}|${ip.id}`, row.id);
    }
  }

  /** Pairs each row with the rows of the opposite direction and rounds the times. */
  finish(pairs: ReadonlyMap<number, readonly InnerPair[]>): Tunnel[] {
    const byEnds = new Map<string, Tunnel[]>();
    for (const t of this.rows) {
      const k = `${t.src}|${t.dst}|${t.kind}|${t.port}`;
      const list = byEnds.get(k) ?? [];
      list.push(t);
      byEnds.set(k, list);
    }
    for (const t of this.rows) {
      t.firstTime = roundTime(t.firstTime);
      t.lastTime = roundTime(t.lastTime);
      const back = byEnds.get(`${t.dst}|${t.src}|${t.kind}|${t.port}`) ?? [];
      // The same VNI first (a classic VNI is per network), then the others (Cilium's is per sender).
      t.reverse = [...back.filter((b) => b.vni === t.vni), ...back.filter((b) => b.vni !== t.vni)].map((b) => b.id);
      const inner = pairs.get(t.id);
      if (inner) t.innerPairs = [...inner].sort((a, b) => b.packets - a.packets);
    }
    return this.rows;
  }
}
