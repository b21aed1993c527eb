// overlay.undelivered (error): requests a node took out of the tunnel for one of its own pods
// and never handed to the pod, from a pod that never sent anything. In a capture of every
// interface (tcpdump -i any), a packet that comes out of the tunnel shows on the tunnel device
// (In) and then on the pod's veth (Out); when the second copy never comes, the node dropped it
// in between: a network policy, a firewall rule in FORWARD, rp_filter, or the pod's veth down.
// The pod being this node's comes from the node's routing table (--ip-route: the pod's address
// goes to a veth, a bridge or the CNI's host device), so that packets for the node itself,
// which end there, are not taken for drops. Only requests (TCP SYNs, echo requests) to a pod
// that sent nothing at all count: some datapaths hand packets to the pod past the host side
// of its veth (Cilium's BPF host routing, Calico's eBPF), where no capture on the node sees
// them, and there the pod's answers, which leave through its veth, show it was reached.
// Not this rule's: frames addressed to another host's MAC (OTHERHOST), overlay.wrong-vtep's.
import { RecentNumbers } from '../../util/recent-numbers.js';
import { Direction } from '../../capture/types.js';
import { PACKET_OTHERHOST, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP, TCP_ACK, TCP_SYN, type IpFacts } from '../facts.js';
import { formatAddr, type Addr } from '../addr.js';
import { lookupRoute } from '../options.js';
import { hostWord, roleOf } from '../vantage.js';
import type { Alert, Rule } from './types.js';

/** Decapsulated requests waiting for their next copy, at most; older ones are then settled. */
const MAX_WAITING = 20_000;
/** A copy comes within microseconds: after this long a waiting request is settled as not handed on. */
const SETTLE = 1;
/** A request counts as dropped only if the capture went on this long after it. */
const AFTER = 0.01;
/** Requests that must be dropped before the silence means anything. */
const MIN_PACKETS = 2;
/** Addresses remembered as having sent something; past this the rule says nothing. */
const MAX_SPEAKERS = 65_536;
/** Source, destination and device triples counted, at most. */
const MAX_GROUPS = 4096;

interface Waiting {
  iface: string;
  src: Addr;
  dst: Addr;
  time: number;
  frame: number;
}

interface Group {
  iface: string;
  src: Addr;
  dst: Addr;
  frames: number[];
  count: number;
}

function isRequest(ip: IpFacts): boolean {
  if (ip.proto === PROTO_TCP) return (ip.tcpFlags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
  return (ip.proto === PROTO_ICMP && ip.icmpType === 8) || (ip.proto === PROTO_ICMPV6 && ip.icmpType === 128);
}

export const rule: Rule = {
  id: 'overlay.undelivered',
  severity: 'error',
  description:
    'requests a node took out of the tunnel for its own pod and never handed to it, from a pod that never sent anything (a network policy, FORWARD, rp_filter)',
  start(opts) {
    const waiting = new Map<number, Waiting>();
    const settled = new Map<string, Group>();
    const speakers = new Set<Addr>();
    // Nearly every packet's source spoke before: most are answered here, not by the set.
    const recentSpeakers = new RecentNumbers();
    let tooMany = false;
    let last = -Infinity;
    const settle = (w: Waiting): void => {
      const key = `${w.iface}|${w.src}|${w.dst}`;
      let g = settled.get(key);
      if (!g) {
        if (settled.size >= MAX_GROUPS) return;
        settled.set(key, (g = { iface: w.iface, src: w.src, dst: w.dst, frames: [], count: 0 }));
      }
      g.count++;
      if (g.frames.length < opts.evidenceFrames) g.frames.push(w.frame);
    };
    return {
      observe(f) {
        if (f.time > last) last = f.time;
        const src = f.inner.src;
        if (f.inner.present && !(typeof src === 'number' && recentSpeakers.seenBefore(src)) && !speakers.has(src)) {
          if (speakers.size >= MAX_SPEAKERS) tooMany = true;
          else speakers.add(src);
        }
        if (f.copyOf !== 0) waiting.delete(f.copyOf);
        // A decapsulated copy: in, plain, and itself a copy of the tunnel packet that carried it.
        if (f.copyOf === 0 || f.direction !== Direction.Inbound || f.tunnel >= 0 || !f.inner.present || f.iface === undefined) return;
        if (f.pktType === PACKET_OTHERHOST || !isRequest(f.inner)) return;
        if (waiting.size >= MAX_WAITING) {
          for (const [frame, w] of waiting) {
            if (w.time > f.time - SETTLE) break;
            settle(w);
            waiting.delete(frame);
          }
          if (waiting.size >= MAX_WAITING) return;
        }
        waiting.set(f.frame, { iface: f.iface, src: f.inner.src, dst: f.inner.dst, time: f.time, frame: f.frame });
      },
      evaluate(m) {
        const v = m.vantage;
        const routes = m.options.routes;
        if (tooMany || v.host !== 'node' || !m.hops.placed || !v.interfacesKnown || routes.length === 0) return [];
        for (const w of waiting.values()) if (w.time <= last - AFTER) settle(w);
        const own = new Set(v.own);
        const here = hostWord(v.host);
        const out: Alert[] = [];
        for (const g of settled.values()) {
          if (g.count < MIN_PACKETS || speakers.has(g.dst) || roleOf(v, g.iface) !== 'tunnel' || own.has(formatAddr(g.dst))) continue;
          const route = lookupRoute(routes, g.dst);
          const dev = route?.dev;
          const role = dev === undefined ? undefined : roleOf(v, dev);
          if (!route || route.reject || route.via !== undefined || (role !== 'pod-veth' && role !== 'pod-bridge' && role !== 'host-internal')) continue;
          const src = formatAddr(g.src);
          const dst = formatAddr(g.dst);
          out.push({
            id: 'overlay.undelivered',
            severity: 'error',
            confidence: 'certain',
            title: `${m.names.who(src)} → ${m.names.who(dst)}: taken out of the tunnel on ${g.iface} and never delivered to the pod (${dev}): dropped on ${here}`,
            explanation:
              `${g.count} requests from ${src} to ${dst} came out of the tunnel on ${g.iface}, and not one went on towards ${dst}, which ${here} routes to ${dev} ` +
              `(a pod of its own); ${dst} sent nothing at all. The tunnel did its job: ${here} dropped them between the tunnel device and the pod. The usual causes ` +
              `are a network policy (Cilium, Calico), a firewall rule in FORWARD, reverse-path filtering on ${g.iface}, or the pod's veth being down.`,
            fix:
              `On ${here}: look for what drops packets to ${dst} (cilium monitor --type drop, hubble observe --verdict DROPPED, kubectl get networkpolicy -A, ` +
              `iptables -S FORWARD, nft list ruleset), check sysctl net.ipv4.conf.${g.iface}.rp_filter, and that ${dev} is up.`,
            frames: g.frames,
            count: g.count,
            ingress: g.iface,
            src,
            dst,
          });
        }
        return out;
      },
    };
  },
};
