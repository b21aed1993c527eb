// Where a packet's journey ended, and what that means. The hops are put in the order the packet
// took (corrected time; topology where the clocks are too uncertain to tell), then the end is
// judged from how networks work: a packet that entered a host and never left was dropped
// there; one that left through the uplink went where nothing routes the pod network; one that
// arrived as OTHERHOST was addressed to another host's MAC and the kernel dropped it; one that
// an ICMP error quotes was refused where the error came from. The wording lives here.
import { Direction } from '../capture/types.js';
import { cidrText, type Addr } from '../analysis/addr.js';
import type { ClockEstimate } from './clock.js';
import type { Host } from './hosts.js';
import type { Hop, IcmpEvidence, Journey } from './engine.js';
import { directionText } from './sighting.js';
import { addrText } from './packet-info.js';

/** unknown: the packet left the captured hosts alive, towards one nobody captured. */
export type Fate = 'delivered' | 'answered' | 'lost' | 'unknown';

export interface LastSeen {
  capture: string;
  interface: string | null;
  direction: 'in' | 'out' | 'unknown';
}

/**
 * "Never left" needs the host's capture to have gone on after the arrival (a later frame):
 * forwarding takes microseconds, so only a capture cut right there (tcpdump -c) cannot tell.
 * "Never reached" the next host needs that host's capture to run a transit time longer.
 */
const LATER_FRAME = 1e-6;
const TRANSIT = 0.005;

export interface Judgement {
  hops: Hop[];
  fate: Fate;
  lastSeen: LastSeen;
  verdict: string;
}

/** How uncertain capture k's clock is: unbounded when no packet matched it to the reference. */
function uncertainty(clocks: readonly ClockEstimate[], k: number): number {
  return k === 0 || (clocks[k]?.matched ?? 0) > 0 ? (clocks[k]?.uncertainty ?? 0) : Infinity;
}

/** One capture's own order: its clock, then in before out at the same instant, then its frames. */
function inCapture(a: Hop, b: Hop): number {
  const inboundFirst = (a.direction === Direction.Inbound ? 0 : 1) - (b.direction === Direction.Inbound ? 0 : 1);
  return a.time - b.time || inboundFirst || a.frame - b.frame;
}

/**
 * Negative when what the packet carries (or the clocks, beyond their uncertainty) says hop a,
 * seen by another capture than b, came before b; positive for after; 0 when only the clocks'
 * estimate could tell.
 */
function ruled(a: Hop, b: Hop, clocks: readonly ClockEstimate[]): number {
  // Across hosts the clocks are estimates, the TTL is not: a routed packet's TTL only goes down
  // along its path; inside one tunnel the pod packet's stays put and the routers between the
  // nodes lower the outer one.
  if (a.ttl !== b.ttl) return b.ttl - a.ttl;
  const sameTunnel = a.encap && b.encap && a.encap.outerSrc === b.encap.outerSrc && a.encap.outerDst === b.encap.outerDst;
  if (sameTunnel && a.outerTtl !== b.outerTtl) return b.outerTtl - a.outerTtl;
  // The same TTL leaving one host and entering another: no router between them, it left first.
  if (a.direction !== b.direction && a.direction !== Direction.Unknown && b.direction !== Direction.Unknown) return a.direction === Direction.Outbound ? -1 : 1;
  const dt = a.time - b.time;
  return Math.abs(dt) > uncertainty(clocks, a.capture) + uncertainty(clocks, b.capture) ? dt : 0;
}

/** Negative when hop a came before hop b on the packet's way. */
function before(a: Hop, b: Hop, clocks: readonly ClockEstimate[]): number {
  if (a.capture === b.capture) return inCapture(a, b);
  return ruled(a, b, clocks) || a.time - b.time || a.frame - b.frame;
}

/** Hops in the order the packet took them: `hops` itself when that is already their order, else a new list. */
export function orderHops(hops: Hop[], clocks: readonly ClockEstimate[]): Hop[] {
  // Hops are gathered in merged time order, and mostly that is the order. Every pair is
  // looked at: a rule may relate hops that are not neighbours (few hops a journey).
  for (let i = 1; i < hops.length; i++) {
    for (let k = 0; k < i; k++) if (before(hops[i]!, hops[k]!, clocks) < 0) return mergeCaptures(hops, clocks);
  }
  return hops;
}

/**
 * Each capture's hops in its own order, merged: next comes the earliest of the captures' next
 * hops that no hop still to come of another capture must precede. (A sort cannot do it: across captures the rules above
 * relate only some pairs, and filling the rest in by estimated time can contradict them, so
 * that a capture's own frames would come out of order.)
 */
function mergeCaptures(hops: readonly Hop[], clocks: readonly ClockEstimate[]): Hop[] {
  const byCapture = new Map<number, Hop[]>();
  for (const h of hops) {
    const list = byCapture.get(h.capture);
    if (list) list.push(h);
    else byCapture.set(h.capture, [h]);
  }
  const lists = [...byCapture.values()].map((l) => l.sort(inCapture));
  const next = lists.map(() => 0);
  const head = (i: number): Hop | undefined => lists[i]![next[i]!];
  const out: Hop[] = [];
  while (out.length < hops.length) {
    let pick = -1;
    let earliest = -1;
    for (let i = 0; i < lists.length; i++) {
      const h = head(i);
      if (h === undefined) continue;
      if (earliest < 0 || h.time < head(earliest)!.time) earliest = i;
      // Preceded by any hop still to come of another capture, not only by its next one.
      let preceded = false;
      for (let k = 0; k < lists.length && !preceded; k++) {
        if (k === i) continue;
        const rest = lists[k]!;
        for (let n = next[k]!; n < rest.length && !preceded; n++) preceded = ruled(rest[n]!, h, clocks) < 0;
      }
      if (!preceded && (pick < 0 || h.time < head(pick)!.time)) pick = i;
    }
    // Rules that contradict each other (a capture's TTLs rewritten): the clocks decide.
    if (pick < 0) pick = earliest;
    out.push(head(pick)!);
    next[pick]!++;
  }
  return out;
}

const ICMP_NAMES: Record<number, string> = { 3: 'destination unreachable', 11: 'time exceeded', 12: 'parameter problem', 5: 'redirect' };
const ICMPV6_NAMES: Record<number, string> = { 1: 'destination unreachable', 2: 'packet too big', 3: 'time exceeded', 4: 'parameter problem' };

function icmpName(e: IcmpEvidence): string {
  return (e.v6 ? ICMPV6_NAMES : ICMP_NAMES)[e.type] ?? `type ${e.type}`;
}

function place(host: Host, hop: Hop): string {
  return hop.iface === undefined ? host.label : `${host.label} ${hop.iface}`;
}

function errorVerdict(e: IcmpEvidence, hosts: readonly Host[]): string {
  const where = hosts[e.capture]!;
  if (e.mtu > 0 && e.selfAddressed) {
    return `dropped inside ${where.label}: too big for the path (MTU ${e.mtu}), and the frag-needed was addressed to ${where.name} itself, so the pod was never told (a PMTU black hole)`;
  }
  if (e.mtu > 0) {
    return `too big: ${addrText(e.from)} answered ICMP ${e.v6 ? 'packet too big' : 'frag-needed'} (next-hop MTU ${e.mtu})${e.aboutTunnel ? ' for the tunnel packet' : ''}; dropped there`;
  }
  return `${icmpAnswer(e)}; dropped there`;
}

/** "172.20.2.30 answered ICMP destination unreachable (code 3)", "… ICMP frag-needed (next-hop MTU 1400)". */
export function icmpAnswer(e: IcmpEvidence): string {
  if (e.mtu > 0) return `${addrText(e.from)} answered ICMP ${e.v6 ? 'packet too big' : 'frag-needed'} (next-hop MTU ${e.mtu})`;
  return `${addrText(e.from)} answered ICMP ${icmpName(e)} (code ${e.code})`;
}

/** ", whose routes drop it (blackhole 172.20.2.30/32)" when the host's --ip-route sends `to` to a route that drops; else nothing. */
function routeDrops(host: Host, to: Addr | undefined): string {
  const route = to === undefined ? undefined : host.rejectingRoute(to);
  if (route === undefined) return '';
  return `, whose routes drop it (${route.reject} ${cidrText(route.prefix!)} for ${addrText(to!)})`;
}

/** Times through one place that make a loop: twice can be a path that comes back once (a relay). */
const LOOP_PASSES = 3;

/** The place a routing loop brought the packet round most often, the hosts it went round, and its TTL there first and last. */
function loopIn(
  hops: readonly Hop[],
  hosts: readonly Host[],
): { place: string; times: number; hosts: string[]; firstTtl: number; lastTtl: number } | undefined {
  if (hops.length < 2 * LOOP_PASSES) return undefined;
  const passes = new Map<string, Hop[]>();
  for (const h of hops) {
    const key = `${h.capture}|${h.iface ?? ''}|${h.direction}`;
    const list = passes.get(key);
    if (list) list.push(h);
    else passes.set(key, [h]);
  }
  let most: Hop[] | undefined;
  for (const list of passes.values()) if (list.length >= LOOP_PASSES && (!most || list.length > most.length)) most = list;
  if (!most) return undefined;
  const round = new Set<number>();
  for (const list of passes.values()) if (list.length >= 2) round.add(list[0]!.capture);
  const first = most[0]!;
  return {
    place: `${place(hosts[first.capture]!, first)} ${directionText(first.direction)}`,
    times: most.length,
    hosts: [...round].map((k) => hosts[k]!.name),
    firstTtl: Math.max(...most.map((h) => h.ttl)),
    lastTtl: Math.min(...most.map((h) => h.ttl)),
  };
}

/** The captured host that owns the address the packet travels to next from `from`, -1 for none. */
function nextHost(from: Host, hop: Hop, dst: Addr, hosts: readonly Host[]): number {
  const target = hop.encap ? hop.encap.outerDst : (from.routeVia(dst) ?? dst);
  for (let k = 0; k < hosts.length; k++) {
    if (hosts[k] === from) continue;
    if (hosts[k]!.isLocal(target) || hosts[k]!.hostsPod(target)) return k;
  }
  return -1;
}

/** A request: a TCP SYN or data, an ICMP echo request (an answer would have shown it arrived). */
function asksForAnswer(j: Journey): boolean {
  const p = j.packet;
  if (p.tcp) return (p.tcp.flags.includes('SYN') && !p.tcp.flags.includes('ACK')) || p.tcp.len > 0;
  return p.icmp !== undefined && (p.icmp.type === 8 || p.icmp.type === 128);
}

/** The first hop that handed the packet to a pod, or brought it into the host it was addressed to. */
function deliveryHop(hops: readonly Hop[], hosts: readonly Host[], dst: Addr | undefined): Hop | undefined {
  for (const h of hops) {
    const host = hosts[h.capture]!;
    if (h.direction === Direction.Outbound && host.role(h.iface) === 'pod') return h;
    if (h.direction === Direction.Inbound && h.encap === undefined && dst !== undefined && host.isLocal(dst)) return h;
  }
  return undefined;
}

function ended(hops: Hop[], lastSeen: LastSeen, fate: Fate, verdict: string): Judgement {
  return { hops, fate, lastSeen, verdict };
}

export function judge(j: Journey, hosts: readonly Host[], clocks: readonly ClockEstimate[]): Judgement {
  const hops = orderHops(j.hops, clocks);
  const last = hops[hops.length - 1]!;
  const lastHost = hosts[last.capture]!;
  const lastSeen: LastSeen = { capture: lastHost.name, interface: last.iface ?? null, direction: directionText(last.direction) };
  const dst = j.target;

  const deliveredAt = deliveryHop(hops, hosts, dst);
  if (j.answered) return ended(hops, lastSeen, 'answered', 'answered');
  if (deliveredAt) {
    const host = hosts[deliveredAt.capture]!;
    const toPod = host.role(deliveredAt.iface) === 'pod';
    return ended(hops, lastSeen, 'delivered', toPod ? `delivered to the pod on ${place(host, deliveredAt)}` : `delivered to ${host.label}`);
  }

  const loop = loopIn(hops, hosts);
  if (loop) {
    const timeExceeded = j.errors.find((e) => e.type === (e.v6 ? 3 : 11));
    const said = timeExceeded ? ` (${addrText(timeExceeded.from)} answered ICMP time exceeded)` : '';
    return ended(
      hops,
      lastSeen,
      'lost',
      `caught in a routing loop between ${loop.hosts.join(' and ')}: ${loop.times} times through ${loop.place}, TTL ${loop.firstTtl} down to ${loop.lastTtl}, until its TTL ran out${said}`,
    );
  }
  const error = j.errors.find((e) => e.mtu > 0) ?? j.errors[0];
  if (error) return ended(hops, lastSeen, 'lost', errorVerdict(error, hosts));

  if (last.otherHost) {
    return lastHost.role(last.iface) === 'tunnel'
      ? ended(
          hops,
          lastSeen,
          'lost',
          `reached ${place(lastHost, last)} as OTHERHOST: dropped at the wrong VTEP (${lastHost.name} does not host ${j.packet.dst})`,
        )
      : ended(hops, lastSeen, 'lost', `reached ${place(lastHost, last)} addressed to another host's MAC (OTHERHOST): dropped there`);
  }
  if (last.direction === Direction.Inbound) {
    if (!lastHost.capturing(last.time, LATER_FRAME)) return ended(hops, lastSeen, 'unknown', `entered ${place(lastHost, last)} as the capture there ended`);
    const atItsVtep = last.encap !== undefined && lastHost.isLocal(last.encap.outerDst);
    if (lastHost.seesOneInterface) {
      return atItsVtep
        ? ended(
            hops,
            lastSeen,
            'unknown',
            `reached its VTEP ${place(lastHost, last)}; this capture shows nothing after decapsulation (capture with -i any on ${lastHost.name})`,
          )
        : ended(
            hops,
            lastSeen,
            'unknown',
            `entered ${place(lastHost, last)}; this capture sees one interface, not where the packet went next (capture with -i any)`,
          );
    }
    // Still in its tunnel at its VTEP: whether or not that node hosts the pod, it never got out of
    // the tunnel; unless the capture there kept only UDP and so could not show it coming out.
    if (atItsVtep && !lastHost.capturesBeyondUdp)
      return ended(
        hops,
        lastSeen,
        'unknown',
        `reached its VTEP ${place(lastHost, last)}; the capture there holds nothing but UDP (a capture filter?), so it cannot show the packet out of the tunnel`,
      );
    if (atItsVtep)
      return ended(
        hops,
        lastSeen,
        'lost',
        `reached its VTEP ${place(lastHost, last)} and was never decapsulated: dropped on ${lastHost.name} (a firewall rule on the tunnel's UDP port, or rp_filter)`,
      );
    if (dst !== undefined && (lastHost.hostsPod(dst) || lastHost.isLocal(dst))) {
      // For its own pod, the absence of the hand-off means something only where hand-offs show,
      // or for a request that nothing answered.
      if (lastHost.hostsPod(dst) && !lastHost.handsToPodsVisibly && !asksForAnswer(j))
        return ended(
          hops,
          lastSeen,
          'unknown',
          `reached ${place(lastHost, last)}; this capture never shows a packet handed to a pod (a datapath may hand them over past the veth's host side), so whether it reached ${j.packet.dst} cannot be told`,
        );
      return ended(
        hops,
        lastSeen,
        'lost',
        `reached ${place(lastHost, last)} and was never delivered to ${j.packet.dst}: dropped on ${lastHost.name}${routeDrops(lastHost, dst)}`,
      );
    }
    // Smaller packets of the same tunnel went through, this one (DF set) did not, and no ICMP
    // error came back: too big for the next link, with the frag-needed lost or blocked.
    const largest = last.encap ? lastHost.largestSentInTunnel(last.encap.outerSrc, last.encap.outerDst) : undefined;
    if (last.encap && last.outerDf && largest !== undefined && largest < last.outerLength)
      return ended(
        hops,
        lastSeen,
        'lost',
        `entered ${place(lastHost, last)}, never left: dropped on ${lastHost.name}, a ${last.encap.type.toUpperCase()} packet of ${last.outerLength} bytes with DF set, while smaller ones of this tunnel (up to ${largest} bytes) got through and no frag-needed came back: too big for the next link, a PMTU black hole (ICMP blocked?)`,
      );
    const rejected = dst === undefined ? '' : routeDrops(lastHost, last.encap?.outerDst ?? dst);
    // The host forwarded other packets of the same tunnel: not a closed port, a rule or a queue
    // that drops some of them.
    const some =
      last.encap && largest !== undefined
        ? `, while it forwarded other packets of this tunnel (a rule that drops only some of them: a rate limit, an nth or random match, conntrack INVALID; or a full queue)`
        : '';
    const hint = rejected || some || (last.encap ? ` (a ${last.encap.type.toUpperCase()} packet: look for a firewall rule on its UDP port, or rp_filter)` : '');
    return ended(hops, lastSeen, 'lost', `entered ${place(lastHost, last)}, never left: dropped on ${lastHost.name}${hint}`);
  }
  if (last.direction === Direction.Outbound) {
    // Into its tunnel device and no further: the host's capture sees every interface, so the
    // encapsulated copy would show leaving; the host dropped it once wrapped.
    if (!last.encap && lastHost.role(last.iface) === 'tunnel' && !lastHost.seesOneInterface && lastHost.capturing(last.time, LATER_FRAME))
      return ended(
        hops,
        lastSeen,
        'lost',
        `went into ${place(lastHost, last)} and never left ${lastHost.name} encapsulated: dropped on ${lastHost.name} after encapsulation (a firewall rule on the tunnel's UDP port in OUTPUT, or no route to the remote VTEP)`,
      );
    if (lastHost.role(last.iface) === 'uplink')
      return ended(hops, lastSeen, 'lost', `left ${place(lastHost, last)} (the uplink, default route) and never came back`);
    const k = dst === undefined ? -1 : nextHost(lastHost, last, dst, hosts);
    if (k >= 0 && k !== last.capture) {
      const next = hosts[k]!;
      const why = last.encap ? `its VTEP ${addrText(last.encap.outerDst)}` : `which hosts ${j.packet.dst}`;
      if (next.startsAfter(last.time))
        return ended(
          hops,
          lastSeen,
          'unknown',
          `left ${place(lastHost, last)} for ${next.name} (${why}) before the capture on ${next.name} shows anything: whether it got there cannot be told`,
        );
      if (next.stoppedBefore(last.time, TRANSIT))
        return ended(
          hops,
          lastSeen,
          'unknown',
          `left ${place(lastHost, last)} for ${next.name} (${why}) after the capture on ${next.name} had stopped (its last frame is earlier, and packets from ${next.name} are still seen elsewhere): whether it got there cannot be told`,
        );
      if (!next.capturing(last.time, TRANSIT))
        return ended(
          hops,
          lastSeen,
          'unknown',
          `left ${place(lastHost, last)} for ${next.name} (${why}) as the captures end: whether it got there cannot be told`,
        );
      return ended(hops, lastSeen, 'lost', `left ${place(lastHost, last)} and never reached ${next.name} (${why}): lost between them`);
    }
    // Tunnelled to a node nobody captured, while a captured node hosts the pod and never saw it:
    // a wrong VTEP, or an address of that node its files do not list (NAT, a second address).
    const home =
      last.encap && dst !== undefined
        ? hosts.findIndex((h) => h !== lastHost && h.hostsPod(dst) && h.knowsOwnAddresses && !h.isLocal(last.encap!.outerDst))
        : -1;
    if (home >= 0 && hosts[home]!.capturing(last.time, TRANSIT)) {
      const owner = hosts[home]!;
      return ended(
        hops,
        lastSeen,
        'unknown',
        `left ${place(lastHost, last)} for VTEP ${addrText(last.encap!.outerDst)}, which none of the captures is, and ${owner.name}, where ${j.packet.dst} lives, never saw it: a wrong VTEP for ${j.packet.dst} on the sender, unless ${addrText(last.encap!.outerDst)} is ${owner.name} behind NAT or by an address its files do not list`,
      );
    }
    if (last.encap)
      return ended(
        hops,
        lastSeen,
        'unknown',
        `left ${place(lastHost, last)} for VTEP ${addrText(last.encap.outerDst)}, which none of the captures is: no capture shows where it went next (capture on that node)`,
      );
    return ended(hops, lastSeen, 'unknown', `left ${place(lastHost, last)}; no capture shows where it went next (capture on the next hop)`);
  }
  return ended(hops, lastSeen, 'unknown', `last seen on ${place(lastHost, last)}`);
}
