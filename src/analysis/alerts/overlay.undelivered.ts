// overlay.undelivered (error): packets a node decapsulated for one of its own pods and never
// handed to the pod. In a capture of every interface (tcpdump -i any), a packet that comes out
// of the tunnel shows on the tunnel device (In) and then on the pod's veth (Out); when the
// second copy never comes, the node dropped it in between: a network policy, a firewall rule
// in FORWARD, rp_filter, or a missing route to the pod. The pod being this node's comes from
// the node's routing table (--ip-route: the pod's address goes to a veth, a bridge or the CNI's
// host device), so that packets for the node itself, which end there, are not taken for drops.
// A pod that answers was reached: some datapaths hand packets to the pod past the host side of
// its veth (Cilium's redirect to the peer), where no capture on the node sees them.
// Not this rule's: frames addressed to another host's MAC (OTHERHOST), overlay.wrong-vtep's.
import { Direction } from '../../capture/types.js';
import { AddrPairSet, formatAddr, type Addr } from '../addr.js';
import { lookupRoute } from '../options.js';
import { hostWord, roleOf } from '../vantage.js';
import type { Alert, Rule } from './types.js';

const PACKET_OTHERHOST = 3;
/** Decapsulated packets waiting for their next copy, at most (packets for the node itself never get one). */
const MAX_WAITING = 20_000;
/** A packet counts as dropped only if the capture went on this long after it. */
const AFTER = 0.01;
/** Packets that must be dropped before the silence means anything. */
const MIN_PACKETS = 2;
/** Source and destination pairs watched for an answer, at most. */
const MAX_PAIRS = 4096;

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
  dev: string;
  frames: number[];
  count: number;
}

export const rule: Rule = {
  id: 'overlay.undelivered',
  severity: 'error',
  description: 'packets a node took out of the tunnel for its own pod and never handed to the pod (a network policy, FORWARD, rp_filter)',
  start(opts) {
    const waiting = new Map<number, Waiting>();
    const watched = new AddrPairSet();
    const answered = new AddrPairSet();
    let pairs = 0;
    let last = -Infinity;
    return {
      observe(f) {
        if (f.time > last) last = f.time;
        if (f.copyOf !== 0) waiting.delete(f.copyOf);
        if (pairs > 0 && f.inner.present && watched.has(f.inner.dst, f.inner.src)) answered.add(f.inner.dst, f.inner.src);
        // A decapsulated copy: in, plain, and itself a copy of the tunnel packet that carried it.
        if (f.copyOf === 0 || f.direction !== Direction.Inbound || f.tunnel >= 0 || !f.inner.present || f.iface === undefined) return;
        if (f.pktType === PACKET_OTHERHOST || waiting.size >= MAX_WAITING) return;
        waiting.set(f.frame, { iface: f.iface, src: f.inner.src, dst: f.inner.dst, time: f.time, frame: f.frame });
        if (pairs < MAX_PAIRS && !watched.has(f.inner.src, f.inner.dst)) {
          watched.add(f.inner.src, f.inner.dst);
          pairs++;
        }
      },
      evaluate(m) {
        const v = m.vantage;
        const routes = m.options.routes;
        if (v.host !== 'node' || !m.hops.placed || !v.interfacesKnown || routes.length === 0) return [];
        const own = new Set(v.own);
        const groups = new Map<string, Group>();
        for (const w of waiting.values()) {
          if (w.time > last - AFTER || roleOf(v, w.iface) !== 'tunnel' || own.has(formatAddr(w.dst)) || answered.has(w.src, w.dst)) continue;
          const route = lookupRoute(routes, w.dst);
          const role = route?.dev === undefined ? undefined : roleOf(v, route.dev);
          if (route === undefined || route.reject || route.via !== undefined || (role !== 'pod-veth' && role !== 'pod-bridge' && role !== 'host-internal'))
            continue;
          const key = `${w.iface}|${w.src}|${w.dst}`;
          let g = groups.get(key);
          if (!g) groups.set(key, (g = { iface: w.iface, src: w.src, dst: w.dst, dev: route.dev!, frames: [], count: 0 }));
          g.count++;
          if (g.frames.length < opts.evidenceFrames) g.frames.push(w.frame);
        }
        const here = hostWord(v.host);
        const out: Alert[] = [];
        for (const g of groups.values()) {
          if (g.count < MIN_PACKETS) continue;
          const src = formatAddr(g.src);
          const dst = formatAddr(g.dst);
          out.push({
            id: 'overlay.undelivered',
            severity: 'error',
            confidence: 'certain',
            title: `${m.names.who(src)} → ${m.names.who(dst)}: taken out of the tunnel on ${g.iface} and never delivered to the pod (${g.dev}): dropped on ${here}`,
            explanation:
              `${g.count} packets from ${src} to ${dst} came out of the tunnel on ${g.iface}, and not one went on towards ${dst}, which ${here} routes to ${g.dev} ` +
              `(a pod of its own). The tunnel did its job: ${here} dropped them between the tunnel device and the pod. The usual causes are a network policy ` +
              `(Cilium, Calico), a firewall rule in FORWARD, reverse-path filtering on ${g.iface}, or the pod's veth being down.`,
            fix:
              `On ${here}: look for what drops packets to ${dst} (cilium monitor --type drop, hubble observe --verdict DROPPED, kubectl get networkpolicy -A, ` +
              `iptables -S FORWARD, nft list ruleset), check sysctl net.ipv4.conf.${g.iface}.rp_filter, and that ${g.dev} is up.`,
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
