// Alerts from journeys: where packets were followed through several captures and died, the
// place is known, not guessed. Each (flow, place of death) becomes one alert with its words
// and fix here; the single-capture alerts that guessed about the same flows give way to it.
import type { Alert } from '../analysis/alerts/types.js';
import { formatAddr } from '../analysis/addr.js';
import type { IcmpEvidence, Journey } from './engine.js';

/** Lost journeys kept to build alerts from: a drop usually repeats, and the first ones say where. */
export const LOST_FOR_ALERTS = 100_000;

/** Which kind of end a verdict describes (the fix depends on it). */
type EndKind =
  | 'uplink'
  | 'dropped-tunnel'
  | 'dropped'
  | 'wrong-vtep'
  | 'pmtu-blackhole'
  | 'silent-too-big'
  | 'too-big'
  | 'icmp'
  | 'between'
  | 'not-delivered'
  | 'route-drop'
  | 'other-host'
  | 'after-encap'
  | 'loop'
  | 'some-dropped';

function endKind(j: Journey): EndKind {
  const v = j.verdict;
  if (v.startsWith('caught in a routing loop')) return 'loop';
  if (v.includes('while it forwarded other packets of this tunnel')) return 'some-dropped';
  if (v.includes('whose routes drop it')) return 'route-drop';
  if (v.includes('(the uplink')) return 'uplink';
  if (v.includes('no frag-needed came back')) return 'silent-too-big';
  if (v.includes('PMTU black hole')) return 'pmtu-blackhole';
  if (v.startsWith('too big')) return 'too-big';
  if (v.includes('wrong VTEP')) return 'wrong-vtep';
  if (v.includes('(OTHERHOST)')) return 'other-host';
  if (v.includes('dropped on') && v.includes('after encapsulation')) return 'after-encap';
  if (v.includes('lost between them')) return 'between';
  if (v.includes('was never delivered')) return 'not-delivered';
  if (v.includes('answered ICMP')) return 'icmp';
  return j.hops[j.hops.length - 1]?.encap || v.includes('never decapsulated') ? 'dropped-tunnel' : 'dropped';
}

/**
 * "1400 − 50 bytes of VXLAN over IPv4 = 1350": the path MTU less what the journey's tunnel adds
 * to the pod packet (UDP tunnels, VXLAN or GENEVE without options: 50 bytes over IPv4, 70 over
 * IPv6), or the MTU alone when the packet was not going into a tunnel. Dropped inside its
 * sender, the packet was never seen in its tunnel: the error's quote shows it was going into one.
 */
function mtuLess(text: string, mtu: number | undefined, j: Journey, error: IcmpEvidence | undefined): string {
  const encap = j.hops.find((h) => h.encap)?.encap;
  if (!encap && !error?.quotesTunnel && !error?.aboutTunnel) return text;
  if (encap && encap.type !== 'vxlan' && encap.type !== 'geneve') return `${text} − the ${encap.type.toUpperCase()} headers`;
  const v6 = encap ? typeof encap.outerSrc === 'string' : (error?.v6 ?? false);
  const bytes = v6 ? 70 : 50;
  const less = `${text} − ${bytes} bytes of ${encap ? encap.type.toUpperCase() : 'VXLAN or GENEVE'} over IPv${v6 ? 6 : 4}`;
  return mtu === undefined ? less : `${less} = ${mtu - bytes}`;
}

function fixFor(kind: EndKind, j: Journey, port: number | undefined): string {
  const last = j.lastSeen;
  switch (kind) {
    case 'uplink':
      return `give ${last.capture} a route for ${j.packet.dst}'s pod network towards the node that hosts it (BGP, or a static route per node), or run the CNI in tunnel mode so that only node addresses cross ${last.capture}`;
    case 'dropped-tunnel':
      return `allow the tunnel between the nodes on ${last.capture}: UDP ${port ?? 'port of the tunnel'} in its firewall (iptables/nft FORWARD or INPUT, a security group), and check rp_filter there`;
    case 'dropped':
      return `find what drops it on ${last.capture}: a firewall rule, rp_filter, a missing route or neighbour (capture there with -i any, or trace it with pwru/Retis)`;
    case 'wrong-vtep':
      return `fix the sender's tunnel entry for ${j.packet.dst}: it points at ${last.capture}, which does not host that pod; check the CNI's node and IPAM state (CiliumNode/Node podCIDRs) and the sender's routes or FDB`;
    case 'pmtu-blackhole':
    case 'too-big': {
      const error = j.errors.find((e) => e.mtu > 0);
      const mtu = error?.mtu ?? 0;
      return `make the pod MTU fit the path: ${mtuLess(`${mtu}`, mtu, j, error)} (the CNI's MTU setting), or let the nodes tell the pods (net.ipv4.ip_forward_use_pmtu=1)`;
    }
    case 'silent-too-big':
      return `find the smallest MTU on the path after ${last.capture} (ip link show on its egress and beyond) and let ICMP frag-needed (type 3 code 4) through there, or make the pod MTU fit it: ${mtuLess('that MTU', undefined, j, undefined)} (the CNI's MTU setting)`;
    case 'icmp':
      return `read the ICMP error's reason: the host that sent it refuses or cannot route this packet`;
    case 'between':
      return `look at the link between ${last.capture} and the next host: a switch, a cable, a cloud firewall or a MAC/ARP problem (capture on both ends of the link)`;
    case 'route-drop': {
      const route = /whose routes drop it \((\S+) (\S+) for (\S+)\)/.exec(j.verdict);
      const type = route?.[1] ?? 'dropping';
      return `${last.capture}'s route table sends it to ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type} route${route ? ` (${route[2]})` : ''}: remove it (ip route del ${type} ${route?.[2] ?? ''}) or give ${route?.[3] ?? j.packet.dst} a route to where it lives`;
    }
    case 'some-dropped':
      return `find what drops some of this tunnel's packets on ${last.capture}: the firewall's counters (iptables -L -v -n, nft list ruleset) for rate limits and nth or random matches, conntrack's INVALID drops (conntrack -S), and full queues (ip -s link, tc -s qdisc)`;
    case 'loop':
      return `fix the routes that send ${j.packet.dst} round: on each host of the loop, ip route get ${j.packet.dst} names the next hop, and one of them must deliver it or drop it (an address no node hosts needs a blackhole or unreachable route where the pod network is routed)`;
    case 'after-encap':
      return `let the tunnel's packets out of ${last.capture}: its firewall's OUTPUT chain (iptables/nft) must allow the tunnel's UDP port to the other nodes, and ${last.capture} needs a route to the remote VTEP (ip route get <VTEP>)`;
    case 'other-host':
      return `the host before ${last.capture} sends it to a MAC address that is not ${last.capture}'s: check that host's neighbour (ARP) entry for ${last.capture}'s address (ip neigh show; a static or stale entry, a MAC that changed) and any MAC rewriting on the way`;
    case 'not-delivered':
      return `the destination host received it and did not hand it to the pod: a network policy, the pod's veth, or its route on ${last.capture}`;
  }
}

/**
 * One alert per (flow, place of death), most packets first. `merged`: the hops' frames are
 * numbered as in the captures merged into one list (the terminal UI), not as in their own capture.
 */
export function journeyAlerts(lost: readonly Journey[], maxFrames = 10, opts: { merged?: boolean } = {}): Alert[] {
  const groups = new Map<string, { journeys: Journey[]; kind: EndKind }>();
  for (const j of lost) {
    if (j.fate !== 'lost') continue;
    const key = `${j.packet.src}|${j.packet.dst}|${j.verdict}`;
    const g = groups.get(key);
    if (g) g.journeys.push(j);
    else groups.set(key, { journeys: [j], kind: endKind(j) });
  }
  const alerts: Alert[] = [];
  for (const { journeys, kind } of groups.values()) {
    const j = journeys[0]!;
    const flows = [...new Set(journeys.map((x) => x.flow))];
    const lastHopFrames = journeys.map((x) => x.hops[x.hops.length - 1]!.frame);
    const captures = [...new Set(j.hops.map((h) => h.capture))].length;
    const port = j.hops.find((h) => h.encap?.port)?.encap?.port;
    const outer = j.hops.find((h) => h.encap)?.encap;
    alerts.push({
      id: 'journey.lost',
      severity: 'error',
      title: `${j.packet.src} → ${j.packet.dst}: ${j.verdict}`,
      explanation:
        `${journeys.length} packet${journeys.length === 1 ? '' : 's'} of ${flows.slice(0, 3).join(', ')}${flows.length > 3 ? ` and ${flows.length - 3} more flows` : ''} ` +
        `${journeys.length === 1 ? 'was' : 'were'} followed through ${captures} capture${captures === 1 ? '' : 's'} and last seen on ${j.lastSeen.capture}` +
        `${j.lastSeen.interface ? ` ${j.lastSeen.interface}` : ''} (${j.lastSeen.direction}); ${opts.merged ? 'the frames are the last copies seen' : `the frames are ${j.lastSeen.capture}'s`}.`,
      fix: fixFor(kind, j, port),
      frames: lastHopFrames.slice(0, maxFrames),
      count: journeys.length,
      // Located by following the packets through the captures, not inferred from one of them.
      confidence: 'certain',
      src: j.packet.src,
      dst: j.packet.dst,
      node: j.lastSeen.capture,
      details: {
        capture: j.lastSeen.capture,
        ...(j.lastSeen.interface ? { interface: j.lastSeen.interface } : {}),
        direction: j.lastSeen.direction,
        ...(outer ? { outerSrc: formatAddr(outer.outerSrc), outerDst: formatAddr(outer.outerDst) } : {}),
      },
    });
  }
  return alerts.sort((a, b) => b.count - a.count);
}

/** Single-capture alerts about the same pod pairs guessed at what the journeys located. */
const SUPERSEDED = new Set([
  'route.missing',
  'flow.unanswered',
  'misroute.default-route',
  'overlay.dropped',
  'overlay.undelivered',
  'overlay.wrong-vtep',
  'overlay.pmtu',
  'flow.stalled',
  'icmp.error',
  // A loop the journeys followed round; replies dropped after encapsulation look asymmetric.
  'misroute.hairpin',
  'overlay.asymmetric',
]);

/**
 * Guesses about both directions: a missing answer (a located drop of the answers explains it
 * too), and a pair's directions that look different.
 */
const BOTH_WAYS = new Set(['flow.unanswered', 'flow.stalled', 'overlay.asymmetric']);

export function supersededBy(journeyAlertList: readonly Alert[], single: Alert): boolean {
  if (!SUPERSEDED.has(single.id)) return false;
  // An ICMP error names its sender and the destination of the packet it quotes: a located drop
  // of packets to that destination that the same sender answered explains it.
  if (
    single.id === 'icmp.error' &&
    single.src !== undefined &&
    journeyAlertList.some((a) => a.dst === single.dst && a.title.includes(`${String(single.src)} answered ICMP`))
  )
    return true;
  const about = (a: Alert, src: unknown, dst: unknown): boolean =>
    (single.src === undefined || single.src === src) && (single.dst === undefined || single.dst === dst);
  if (single.src === undefined && single.dst === undefined) return false;
  // Pod pairs for routing guesses; the tunnel's node pair for guesses about dropped tunnel packets;
  // and a flow left unanswered because its replies were the ones that died.
  return journeyAlertList.some(
    (a) =>
      about(a, a.src, a.dst) ||
      (BOTH_WAYS.has(single.id) && single.src !== undefined && single.dst !== undefined && about(a, a.dst, a.src)) ||
      (a.details?.outerSrc !== undefined && about(a, a.details.outerSrc, a.details.outerDst)),
  );
}
