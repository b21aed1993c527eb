// Journeys as people read them (one line group per packet, hop by hop) and as scripts read
// them (the documented JSON shape of docs/journey.md).
import { Direction } from '../../capture/types.js';
import { formatAddr } from '../../analysis/addr.js';
import type { CaptureClock, FlowSummary, Hop, Journey } from '../../journey/engine.js';
import { describePacket } from '../../journey/packet-info.js';
import { icmpAnswer } from '../../journey/fate.js';
import { delayText, msText } from '../../text/duration.js';
import { safeText } from '../../text/escape.js';
import { BARE, type ShownNames } from '../shown-names.js';

const DIR_TEXT: Record<number, string> = { [Direction.Inbound]: 'In', [Direction.Outbound]: 'Out' };

function encapText(h: Hop, shown: ShownNames): string {
  const e = h.encap!;
  return `[${e.type.toUpperCase()} ${shown.show(formatAddr(e.outerSrc))}→${shown.show(formatAddr(e.outerDst))} VNI ${e.vni}]`;
}

/** `addr` in `text` where it stands alone (after a space, before a port's colon, a space or the end) as `name`. */
function nameIn(text: string, addr: string, name: string): string {
  if (name === addr) return text;
  let out = '';
  let from = 0;
  for (let at = text.indexOf(addr); at >= 0; at = text.indexOf(addr, at + 1)) {
    const after = text[at + addr.length];
    if (text[at - 1] !== ' ' || (after !== undefined && after !== ':' && after !== ' ')) continue;
    out += text.slice(from, at) + name;
    from = at + addr.length;
  }
  return out + text.slice(from);
}

function hopText(h: Hop, names: readonly string[]): string {
  const where = [names[h.capture]!, h.iface === undefined ? undefined : safeText(h.iface), DIR_TEXT[h.direction]].filter((x) => x !== undefined);
  return where.join(' ') + (h.otherHost ? ' OTHERHOST' : '');
}

const FATE_MARK: Record<Journey['fate'], string> = { delivered: '✓ delivered', answered: '✓ answered', lost: '✗ lost:', unknown: '? unknown:' };

/** The chain of hops with each hop's delay after the previous one, and where the journey ended. */
export function journeyLines(j: Journey, names: readonly string[], shown: ShownNames = BARE): string[] {
  const p = j.packet;
  const head = `#${j.id} ${describePacket(p)}  ${shown.show(p.src)} → ${shown.show(p.dst)}`;
  const parts: string[] = [];
  let encap = '';
  j.hops.forEach((h, i) => {
    let text = hopText(h, names);
    if (i > 0) text += ` ${delayText(h.time - j.hops[i - 1]!.time)}`;
    const e = h.encap ? encapText(h, shown) : '';
    if (e !== encap && e !== '') text += ` ${e}`;
    encap = e;
    parts.push(text);
  });
  const first = j.hops[0]!;
  const last = j.hops[j.hops.length - 1]!;
  const span = j.hops.length > 1 ? ` ${msText(last.time - first.time)}` : '';
  // An ICMP error about a packet that got there (a port nobody listens on) is said after it.
  const errors = j.fate === 'delivered' || j.fate === 'answered' ? j.errors.map((e) => `; ${icmpAnswer(e)}`).join('') : '';
  const end = j.fate === 'delivered' || j.fate === 'answered' ? `${FATE_MARK[j.fate]}${span}${errors}` : `${FATE_MARK[j.fate]} ${safeText(j.verdict)}`;
  return [head, `   ${parts.join(' → ')}  ${end}`];
}

export function captureLines(captures: readonly CaptureClock[]): string[] {
  const w = Math.max(...captures.map((c) => c.name.length), 4);
  return captures.map((c, i) => {
    const clock =
      i === 0
        ? 'reference clock'
        : c.clock.matched > 0
          ? `clock ${c.clock.offset >= 0 ? '+' : ''}${c.clock.offset.toFixed(6)} s (±${msText(c.clock.uncertainty)}, from ${c.clock.matched} shared packets)`
          : 'clock unknown (no packet shared with the other captures)';
    return `  ${safeText(c.name).padEnd(w)}  ${safeText(c.file)}: ${c.packets} packets, ${c.followed} of them followed, ${clock}`;
  });
}

const FATES = ['answered', 'delivered', 'lost', 'unknown'] as const;

/** The per-flow summary, line by line (a large run has a hundred thousand flows: no array of them all). */
export function* flowLines(flows: Iterable<FlowSummary>, shown: ShownNames = BARE): Generator<string> {
  for (const f of flows) {
    let parts = '';
    for (const k of FATES) if (f[k] > 0) parts += `${parts ? ', ' : ''}${f[k]} ${k === 'unknown' ? 'fate unknown' : k}`;
    const flow = nameIn(nameIn(f.flow, f.src, shown.show(f.src)), f.dst, shown.show(f.dst));
    yield `  ${flow}: ${f.packets} packet${f.packets === 1 ? '' : 's'}, ${parts}`;
    for (const e of f.ends) yield `      ${e.packets} × ${safeText(e.verdict)}`;
  }
}

function round6(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}

/** A journey in the JSON contract's shape. */
export function journeyJson(j: Journey, names: readonly string[]): object {
  return {
    id: j.id,
    flow: j.flow,
    packet: j.packet,
    hops: j.hops.map((h) => ({
      capture: names[h.capture],
      frame: h.frame,
      interface: h.iface ?? null,
      direction: h.direction === Direction.Inbound ? 'in' : h.direction === Direction.Outbound ? 'out' : 'unknown',
      time: round6(h.time),
      otherHost: h.otherHost,
      encap: h.encap
        ? {
            type: h.encap.type,
            outerSrc: formatAddr(h.encap.outerSrc),
            outerDst: formatAddr(h.encap.outerDst),
            vni: h.encap.vni,
            ...(h.encap.port ? { port: h.encap.port } : {}),
          }
        : null,
    })),
    fate: j.fate,
    lastSeen: j.lastSeen,
    verdict: j.verdict,
    icmpErrors: j.errors.map((e) => ({
      capture: names[e.capture],
      frame: e.frame,
      from: formatAddr(e.from),
      to: formatAddr(e.to),
      type: e.type,
      code: e.code,
      mtu: e.mtu,
    })),
  };
}

export function captureJson(c: CaptureClock): object {
  return {
    name: c.name,
    file: c.file,
    packets: c.packets,
    clockOffset: round6(c.clock.offset),
    clockUncertainty: Number.isFinite(c.clock.uncertainty) ? round6(c.clock.uncertainty) : null,
    clockMatched: Number.isFinite(c.clock.matched) ? c.clock.matched : null,
  };
}
