// The Layers view, for teaching: one packet drawn as nested boxes from the outermost header
// to the innermost, each with its byte offset and header size, and the encapsulation
// overhead added up (50 bytes for VXLAN over IPv4 with an outer Ethernet header).
import type { Registry } from '../../dissect/registry.js';
import { encapAt, findTunnel, overheadSpan } from '../../dissect/encap/index.js';
import { ipFragmentOf, type IpFragment } from '../../dissect/fragment.js';
import type { Packet } from '../../dissect/types.js';
import { clip, fit, fitFirst, wrap } from '../text.js';
import type { Role, Theme } from '../theme.js';
import { maxOf } from '../../util/max.js';

export interface LayerBox {
  /** Short name, e.g. "IPv4". */
  name: string;
  /** Long name, e.g. "Internet Protocol Version 4". */
  title: string;
  offset: number;
  /** Bytes of this layer's own header (for payload boxes, of the payload). */
  size: number;
  /** 0 outside any tunnel, then one more per tunnel crossed. */
  depth: number;
  /** Tunnel headers (VXLAN, GENEVE) end the outer part. */
  tunnel: boolean;
  /** Part of a packet an ICMP error quotes. */
  quoted: boolean;
  /** A payload no dissector decoded (or the application data). */
  payload: boolean;
  /** A header the capture added (Linux cooked capture): not on the wire, not overhead. */
  pseudo?: boolean;
  /** An IP header (or IPv6 fragment header) of one fragment of a datagram. */
  fragment?: IpFragment;
  /** The bytes of a fragment after the first: the middle or end of a datagram, not a protocol. */
  fragmentData?: boolean;
}

/** Headers a capture tool writes in place of the link header. */
const PSEUDO_HEADERS = new Set(['sll', 'sll2']);

export interface LayersModel {
  frame: number;
  /** Bytes captured. */
  captured: number;
  /** Bytes on the wire. */
  wire: number;
  layers: LayerBox[];
  /** Present when the packet is tunnelled: the headers the tunnel adds. */
  overhead?: {
    bytes: number;
    parts: LayerBox[];
    /** Bytes of the inner frame (or packet) the tunnel carries. */
    inner: number;
    /** What it takes on the underlay: the inner bytes and the overhead (not the outer link header of a tunnel carrying IP). */
    onWire: number;
    encrypted: boolean;
    /** The tunnel carries a whole link-layer frame (VXLAN, GENEVE), not an IP packet. */
    carriesFrame: boolean;
    /** The outer link header a tunnel carrying IP travels in (not counted as overhead). */
    link: number;
  };
  /** The capture's own pseudo-header, kept apart from the encapsulation. */
  pseudo?: LayerBox;
  /** Present when the packet is one fragment of an IP datagram (the outermost fragmentation). */
  fragment?: IpFragment;
}

const PRETTY: Record<string, string> = { eth: 'Ethernet', ip: 'IPv4', data: 'data' };

/** The layer boxes of a dissected packet. */
export function layersModel(pkt: Packet, registry: Registry): LayersModel {
  const layers: LayerBox[] = [];
  const found = findTunnel(pkt);
  /** Box index of each layer index (boxes skip the frame pseudo-layer). */
  const boxOf = new Map<number, number>();
  let fragment: IpFragment | undefined;
  for (const [index, l] of pkt.layers.entries()) {
    if (l.proto === 'frame') continue;
    boxOf.set(index, layers.length);
    const dis = registry.dissector(l.proto);
    const isData = l.proto === 'data';
    const frag = l.quoted ? undefined : ipFragmentOf(pkt, l);
    // Data right after a later fragment's header is the middle or end of a datagram, not a payload of its own.
    const rest = isData && fragment !== undefined && fragment.offset > 0 && layers.at(-1)?.fragment === fragment;
    if (frag && !fragment) fragment = frag;
    layers.push({
      name: rest ? 'fragment' : isData ? 'data' : (dis?.short ?? PRETTY[l.proto] ?? l.proto),
      title: rest ? 'fragment data' : isData ? 'payload' : (dis?.name ?? l.proto),
      offset: l.start,
      size: isData ? l.end - l.start : l.payload - l.start,
      depth: l.depth,
      tunnel: encapAt(pkt, index) !== undefined,
      quoted: l.quoted === true,
      payload: isData,
      ...(PSEUDO_HEADERS.has(l.proto) ? { pseudo: true } : {}),
      ...(frag ? { fragment: frag } : {}),
      ...(rest ? { fragmentData: true } : {}),
    });
  }
  // Bytes after the last header that no layer describes (an unknown payload).
  const last = pkt.layers[pkt.layers.length - 1];
  if (last && last.proto !== 'data' && last.proto !== 'frame' && last.end > last.payload) {
    layers.push({
      name: 'payload',
      title: 'payload',
      offset: last.payload,
      size: last.end - last.payload,
      depth: last.depth,
      tunnel: false,
      quoted: last.quoted === true,
      payload: true,
    });
  }
  const model: LayersModel = { frame: pkt.frame.number, captured: pkt.data.length, wire: pkt.frame.origLen, layers };
  const pseudo = layers.find((l) => l.pseudo);
  if (pseudo) model.pseudo = pseudo;
  if (fragment) model.fragment = fragment;
  if (found) {
    // What the descriptor counts as overhead: from the outer link or IP header to the tunnel
    // header, and a trailer; the capture's pseudo-header (SLL/SLL2) is not on the wire.
    const span = overheadSpan(pkt, found.index, found.encap);
    const parts = layers.slice(boxOf.get(span.first) ?? 0, (boxOf.get(found.index) ?? 0) + 1).filter((l) => !l.pseudo);
    if (span.trailer)
      parts.push({
        name: 'trailer',
        title: `${found.encap.name} trailer`,
        offset: -1,
        size: span.trailer,
        depth: 0,
        tunnel: false,
        quoted: false,
        payload: false,
      });
    const bytes = parts.reduce((s, l) => s + l.size, 0);
    // A tunnel carrying IP keeps the outer link header for itself (the inner packet would need
    // one too), so that header is neither overhead nor part of the inner packet.
    const link = layers
      .slice(0, boxOf.get(span.first) ?? 0)
      .filter((l) => !l.pseudo)
      .reduce((s, l) => s + l.size, 0);
    const onWire = pkt.frame.origLen - (pseudo?.size ?? 0) - link;
    model.overhead = {
      bytes,
      parts,
      inner: Math.max(0, onWire - bytes),
      onWire,
      encrypted: found.encap.encrypted,
      carriesFrame: span.carriesFrame,
      link,
    };
  }
  return model;
}

/** Cells joined with blanks into lines of at most `width`, a line broken only between cells. */
function joinWrapped(cells: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const c of cells) {
    if (line && line.length + 1 + c.length > width) {
      lines.push(line);
      line = c.replace(/^[│║] /, '');
    } else line = line ? `${line} ${c}` : c;
  }
  if (line) lines.push(line);
  return lines;
}

const DEPTH_ROLES: Role[] = ['layer0', 'layer1', 'layer2', 'layer3'];
const EDGE_ROLES: Role[] = ['edge0', 'edge1', 'edge2', 'edge3'];

export class LayersView {
  constructor(private readonly theme: Theme) {}

  render(m: LayersModel | undefined, width: number, height: number): string[] {
    const th = this.theme;
    const size = !m ? '' : m.pseudo ? `${m.wire - m.pseudo.size} bytes from the wire + ${m.pseudo.size} of ${m.pseudo.name}` : `${m.wire} bytes on the wire`;
    const cut = m && m.captured < m.wire ? `, ${m.captured} captured` : '';
    const out: string[] = [
      th.paint(
        'titleFocused',
        m
          ? fitFirst([` Layers of frame ${m.frame}: ${size}${cut}   (j/k: other packets)`, ` Layers of frame ${m.frame}: ${size}${cut}`], width)
          : fit(' Layers', width),
      ),
    ];
    if (!m) return out;
    // The headers in a row (two when they do not fit in one), the tunnel boundary marked.
    const cells = m.layers.map((l, i) => `${i === 0 ? '' : m.layers[i - 1]!.tunnel ? '║ ' : '│ '}${l.name} ${l.size}`);
    for (const line of joinWrapped(cells, width - 1)) out.push(fit(` ${line}`, width));
    out.push(this.proportional(m, width));
    // Sentences wrap rather than lose their end.
    const say = (text: string, role?: Role): void => {
      for (const line of wrap(text, width - 1)) out.push(role ? th.paint(role, fit(` ${line}`, width)) : fit(` ${line}`, width));
    };
    const f = m.fragment;
    if (m.overhead) {
      const o = m.overhead;
      const sum = o.parts
        .filter((p) => p.size > 0)
        .map((p) => `${p.name} ${p.size}`)
        .join(' + ');
      const pct = o.inner > 0 ? ` (+${Math.round((o.bytes / o.inner) * 100)}%)` : '';
      // A handshake or keepalive carries nothing: its headers are the message, not overhead.
      if (o.inner > 0) say(`Encapsulation overhead: ${sum} = ${o.bytes} bytes`, 'key');
      // Without the keys the encrypted part's padding and integrity check cannot be told from the
      // inner packet (WireGuard's 16-byte tag is counted as a trailer; ESP's depends on the cipher).
      const sealed = o.encrypted && !o.parts.some((p) => p.name === 'trailer');
      const what = sealed
        ? 'encrypted part (the inner packet with its padding and integrity check)'
        : `inner ${o.carriesFrame ? 'frame' : 'packet'}${o.encrypted ? ' (encrypted)' : ''}`;
      const linkNote = m.pseudo
        ? o.carriesFrame
          ? ', plus the outer link header, not recorded (14 bytes of Ethernet)'
          : ', plus the link header, not recorded'
        : o.link
          ? `, plus the ${o.link}-byte link header any packet needs`
          : '';
      say(
        o.inner === 0
          ? `No inner ${o.carriesFrame ? 'frame' : 'packet'}: the tunnel's own message (a handshake or keepalive), ${sum} = ${o.onWire} bytes on the underlay${linkNote}; nothing is encapsulated, so nothing is overhead.`
          : // Only a cut outer datagram holds part of the inner frame; an inner fragment is a whole inner frame.
            f && f.depth === 0 && f.offset === 0 && f.more
            ? `Fragment 1 of datagram ${f.id}: ${o.inner} bytes of the ${what} here, the rest in later fragments.`
            : `The ${o.inner}-byte ${what} travels as ${o.onWire} bytes on the underlay${pct}${linkNote}.`,
      );
    } else if (f && f.offset === 0) {
      say(`Fragment 1 of datagram ${f.id}, not tunnelled: the rest follows in later fragments.`);
    } else if (f) {
      say(`Datagram ${f.id}, fragment at offset ${f.offset}${f.more ? '' : ' (last)'}: its headers and tunnel are in fragment 1.`, 'key');
    } else say('Not tunnelled: no encapsulation overhead.');
    if (m.pseudo) say(`${m.pseudo.name} ${m.pseudo.size} is the capture tool's pseudo-header (interface, direction), not sent on the wire.`, 'dim');
    out.push('');
    const room = height - out.length;
    if (room >= m.layers.length * 2 + 1 && width >= 20 + m.layers.length * 4) out.push(...this.nested(m, width));
    else out.push(...this.compact(m, width));
    return out.slice(0, height);
  }

  /**
   * One segment per layer, as wide as its share of the bytes; when the row has room, every
   * segment first gets its name and a blank so that names never run together.
   */
  private proportional(m: LayersModel, width: number): string {
    const th = this.theme;
    const inner = width - 2;
    const total = m.layers.reduce((s, l) => s + l.size, 0) || 1;
    const named = m.layers.reduce((s, l) => s + l.name.length + 1, 0) <= inner;
    const floor = m.layers.map((l) => (named ? l.name.length + 1 : 2));
    const share = Math.max(0, inner - floor.reduce((s, w) => s + w, 0));
    const widths = m.layers.map((l, i) => floor[i]! + Math.floor((l.size / total) * share));
    let over = widths.reduce((s, w) => s + w, 0) - inner;
    while (over > 0) {
      const i = widths.indexOf(maxOf(widths));
      if (widths[i]! <= 1) break;
      widths[i]!--;
      over--;
    }
    if (over < 0) widths[widths.length - 1]! -= over;
    let line = ' ';
    m.layers.forEach((l, i) => {
      const w = Math.max(0, widths[i]!);
      const role = l.payload ? 'dim' : DEPTH_ROLES[(l.depth * 2 + (i % 2)) % DEPTH_ROLES.length]!;
      const seg = (l.name.length < w ? l.name : l.name.slice(0, Math.max(0, w - 1))).padEnd(w);
      line += l.payload && !th.mono ? th.paint('dim', seg.replace(/ /g, '·')) : th.paint(role, seg);
    });
    return line;
  }

  /** A layer's line, its long name dropped and then its wording shortened when `room` is short. */
  private label(l: LayerBox, room: number): string {
    const where = l.payload ? `offset ${l.offset}, ${l.size} bytes` : `offset ${l.offset}, header ${l.size} bytes`;
    // Each note in a long and a short wording.
    const [side, short] = l.pseudo
      ? [' [capture pseudo-header]', ' [pseudo-header]']
      : l.fragment
        ? l.fragment.offset === 0
          ? [' [fragment 1, more follow]', ' [fragment 1]']
          : [` [fragment at offset ${l.fragment.offset}${l.fragment.more ? ', more follow' : ', the last'}]`, ` [fragment @${l.fragment.offset}]`]
        : l.fragmentData
          ? [' [rest of the datagram, no header]', ' [rest of datagram]']
          : l.quoted
            ? [' [quoted by ICMP]', ' [quoted]']
            : l.tunnel
              ? [' [tunnel header; the inner packet follows]', ' [tunnel header]']
              : l.depth > 0
                ? [' [inner]', ' [inner]']
                : ['', ''];
    const brief = l.payload ? `@${l.offset}, ${l.size} bytes` : `@${l.offset}, ${l.size}-byte header`;
    const long = `${l.title} (${l.name}) — ${where}`;
    const variants = [long + side, long + short, `${l.name} — ${where}${side}`, `${l.name} — ${where}${short}`, `${l.name} ${brief}${short}`];
    return variants.find((v) => v.length <= room) ?? variants[variants.length - 1]!;
  }

  private nested(m: LayersModel, width: number): string[] {
    const th = this.theme;
    const n = m.layers.length;
    const lines: string[] = [];
    const edgeOf = (i: number): Role => EDGE_ROLES[(m.layers[i]!.depth * 2 + (i % 2)) % EDGE_ROLES.length]!;
    // The borders of the enclosing boxes on both sides of a line at nesting level k.
    const sides = (k: number): [string, string] => {
      let left = '';
      let right = '';
      for (let j = 0; j < k; j++) {
        left += th.paint(edgeOf(j), '│') + ' ';
        right = ' ' + th.paint(edgeOf(j), '│') + right;
      }
      return [left, right];
    };
    const boxWidth = (i: number): number => Math.max(4, width - 4 * i);
    for (let i = 0; i < n; i++) {
      const l = m.layers[i]!;
      const [left, right] = sides(i);
      const w = boxWidth(i);
      if (l.payload) {
        lines.push(left + th.paint('dim', fit(` ${this.label(l, w - 1)}`, w)) + right);
        continue;
      }
      const title = clip(` ${this.label(l, w - 5)} `, w - 3);
      lines.push(left + th.paint(edgeOf(i), '┌─' + title + '─'.repeat(Math.max(0, w - 3 - title.length)) + '┐') + right);
    }
    for (let i = n - 1; i >= 0; i--) {
      if (m.layers[i]!.payload) continue;
      const [left, right] = sides(i);
      lines.push(left + th.paint(edgeOf(i), '└' + '─'.repeat(Math.max(0, boxWidth(i) - 2)) + '┘') + right);
    }
    return lines;
  }

  private compact(m: LayersModel, width: number): string[] {
    return m.layers.map((l) => fit(`${'  '.repeat(l.depth)}${l.payload ? '·' : '▪'} ${this.label(l, width - 2 - 2 * l.depth)}`, width));
  }
}
