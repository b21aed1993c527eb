// Which CNI probably made the tunnels: a hint from ports and VNIs, never a certainty (any of
// these can be configured to look like another).
//   - UDP 8472 with VNIs that look like security identities (several per tunnel pair, or above
//     255): Cilium, which puts the sender's identity in the VNI.
//   - UDP 8472 with VNI 1 only: Flannel's VXLAN backend defaults.
//   - UDP 4789 with VNI 4096: Calico's VXLAN defaults.
//   - GENEVE on 6081: Antrea or OVN-Kubernetes (OVS based); Cilium can use it too.
import { msg } from '../errors.js';
import type { Tunnel } from './tunnels.js';

export type Confidence = 'likely' | 'possible';

export interface CniHint {
  cni: string;
  kind: string;
  port: number;
  confidence: Confidence;
  reason: string;
  /** "identity" when the VNI is a Cilium security identity rather than a network id. */
  vniMeaning: 'identity' | 'network';
}

/** Cilium's reserved identities are below 256; cluster-scoped ones start there. */
const FIRST_CLUSTER_IDENTITY = 256;

export function fingerprint(tunnels: readonly Tunnel[]): CniHint[] {
  const groups = new Map<string, Tunnel[]>();
  for (const t of tunnels) {
    const k = `${t.kind}|${t.port}`;
    const list = groups.get(k) ?? [];
    list.push(t);
    groups.set(k, list);
  }
  const hints: CniHint[] = [];
  for (const list of groups.values()) {
    const { kind, port } = list[0]!;
    const vnis = [...new Set(list.map((t) => t.vni))].sort((a, b) => a - b);
    const hint = (cni: string, confidence: Confidence, reason: string, vniMeaning: CniHint['vniMeaning'] = 'network'): void => {
      hints.push({ cni, kind, port, confidence, reason, vniMeaning });
    };
    if (kind === 'VXLAN' && port === 8472) {
      if (vnis.length === 1 && vnis[0] === 1) hint('Flannel', 'likely', msg.hintFlannel());
      else if (vnis.some((v) => v >= FIRST_CLUSTER_IDENTITY) || vnis.length > 1) hint('Cilium', 'likely', msg.hintCilium(vnis), 'identity');
      else hint('Flannel or a Linux vxlan device', 'possible', msg.hintLinuxVxlan(vnis));
    } else if (kind === 'VXLAN' && port === 4789) {
      if (vnis.length === 1 && vnis[0] === 4096) hint('Calico', 'likely', msg.hintCalico());
      else hint('Calico, Antrea or another VXLAN overlay', 'possible', msg.hintIanaVxlan(vnis));
    } else if (kind === 'GENEVE') {
      hint('Antrea or OVN-Kubernetes', port === 6081 ? 'likely' : 'possible', msg.hintGeneve(port));
    }
  }
  return hints;
}

/** A VNI as the user should read it: "identity 32001" where the VNI is a Cilium identity. */
export function vniLabel(t: Pick<Tunnel, 'kind' | 'port' | 'vni'>, hints: readonly CniHint[]): string {
  const h = hints.find((x) => x.kind === t.kind && x.port === t.port);
  return h?.vniMeaning === 'identity' ? `identity ${t.vni}` : String(t.vni);
}

/** Whether the VNIs on this kind and port are per-sender identities (they differ by direction). */
export function vniIsIdentity(kind: string, port: number, hints: readonly CniHint[]): boolean {
  return hints.some((h) => h.kind === kind && h.port === port && h.vniMeaning === 'identity');
}
