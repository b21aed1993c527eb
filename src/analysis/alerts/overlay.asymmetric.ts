// overlay.asymmetric (warning): the two directions of one inner flow travel differently: one
// encapsulated and the other plain, or through tunnels of different kinds, UDP ports or VNIs.
//
// Careful with VNIs: Cilium puts the *sender's* security identity in the VNI, so A -> B and
// B -> A legitimately carry different VNIs on 8472 (32001 one way, 45678 the other). When
// the fingerprint says the VNIs on that kind and port are identities, differing VNIs are
// expected and not reported; kinds and ports must still match. A direction seen both plain
// and encapsulated (a node capture with -i any sees the pod's packet on its veth and again
// in the tunnel) is not asymmetric: only "tunnel one way, plain only the other way" is.
import { msg } from '../../errors.js';
import { vniIsIdentity } from '../fingerprint.js';
import type { Flow } from '../flows.js';
import type { Tunnel } from '../tunnels.js';
import type { Alert, Rule } from './types.js';

type Why = 'plain' | 'kind' | 'port' | 'vni';

function reason(f: Flow, tunnels: readonly Tunnel[], identity: (kind: string, port: number) => boolean): { why: Why; a: string; b: string } | undefined {
  if (f.packetsOf(0) === 0 || f.packetsOf(1) === 0) return undefined;
  // A node's -i any sees a direction both plain (on the pod's veth) and in the tunnel: what
  // counts is whether a direction used a tunnel at all.
  const carried0 = f.carriedOf(0);
  const carried1 = f.carriedOf(1);
  const tunnelled0 = carried0 === 'tunnel' || carried0 === 'both';
  const tunnelled1 = carried1 === 'tunnel' || carried1 === 'both';
  if (tunnelled0 && carried1 === 'plain') return { why: 'plain', a: 'tunnel', b: 'plain' };
  if (carried0 === 'plain' && tunnelled1) return { why: 'plain', a: 'plain', b: 'tunnel' };
  const ids0 = f.tunnelsOf(0);
  const ids1 = f.tunnelsOf(1);
  if (ids0.length === 0 || ids1.length === 0) return undefined;
  // Every flow through the same tunnels both ways: the common case, decided without building sets.
  if (ids0.length === 1 && ids1.length === 1 && sameCarriage(tunnels[ids0[0]!]!, tunnels[ids1[0]!]!)) return undefined;
  const t0 = ids0.map((id) => tunnels[id]!);
  const t1 = ids1.map((id) => tunnels[id]!);
  const kinds0 = new Set(t0.map((t) => t.kind));
  const kinds1 = new Set(t1.map((t) => t.kind));
  if (![...kinds0].some((k) => kinds1.has(k))) return { why: 'kind', a: [...kinds0].join('/'), b: [...kinds1].join('/') };
  const ports0 = new Set(t0.map((t) => t.port));
  const ports1 = new Set(t1.map((t) => t.port));
  if (![...ports0].some((p) => ports1.has(p))) return { why: 'port', a: [...ports0].join('/'), b: [...ports1].join('/') };
  const first = t0[0]!;
  if (identity(first.kind, first.port)) return undefined;
  // Different VNIs matter only when the receiver drops the other VNI. A conversation that goes
  // on after the first answer shows both ends accepted both VNIs (many CNIs put the sender's
  // identity in the VNI, on any port).
  if (!answersRejected(f)) return undefined;
  const vnis0 = new Set(t0.map((t) => t.vni));
  const vnis1 = new Set(t1.map((t) => t.vni));
  if (![...vnis0].some((v) => vnis1.has(v))) return { why: 'vni', a: [...vnis0].join('/'), b: [...vnis1].join('/') };
  return undefined;
}

/** Same kind, port and VNI: nothing for reason() to report. */
const sameCarriage = (a: Tunnel, b: Tunnel): boolean => a.kind === b.kind && a.port === b.port && a.vni === b.vni;

/** The initiator acted as if no answer arrived: it answered a SYN/ACK with nothing but more SYNs. */
function answersRejected(f: Flow): boolean {
  const tcp = f.tcp;
  return tcp !== undefined && tcp.synAck > 0 && f.packetsOf(0) <= tcp.syn;
}

export const rule: Rule = {
  id: 'overlay.asymmetric',
  severity: 'warning',
  description: 'the two directions of a flow are carried differently (plain vs tunnel, other port or VNI)',
  start: () => ({
    evaluate(m) {
      const identity = (kind: string, port: number): boolean => vniIsIdentity(kind, port, m.fingerprint);
      const groups = new Map<string, Alert>();
      for (let id = 0; id < m.flows.length; id++) {
        const f = m.flows.flow(id);
        const r = reason(f, m.tunnels, identity);
        if (!r) continue;
        const key = `${r.why}|${f.src}|${f.dst}`;
        let a = groups.get(key);
        if (!a) {
          a = {
            id: 'overlay.asymmetric',
            severity: 'warning',
            title: msg.alertAsymmetricTitle(r.why, f.src, f.dst, r.a, r.b),
            explanation: msg.alertAsymmetricExplanation(r.why, f.src, f.dst, r.a, r.b),
            fix: msg.alertAsymmetricFix(r.why),
            frames: [],
            count: 0,
            src: f.src,
            dst: f.dst,
            flow: f.id,
            proto: f.proto,
          };
          const vni = f.directions[0].vnis[0];
          if (r.why === 'vni' && vni !== undefined) a.vni = vni;
          groups.set(key, a);
        }
        a.count++;
        for (const fr of f.frames) if (a.frames.length < m.options.evidenceFrames) a.frames.push(fr);
      }
      return [...groups.values()];
    },
  }),
};
