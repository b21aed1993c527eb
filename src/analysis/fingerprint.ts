// Which CNI probably made the tunnels: a hint from the kind, port and ids, never a certainty
// (any of these can be configured to look like another). Each kind's rules live in its
// descriptor (dissect/encap): Cilium identities as VNIs on 8472, Flannel's VNI 1, Calico's
// 4096 on 4789, GENEVE on 6081 for OVS-based CNIs, Calico IPIP, Calico/Cilium WireGuard ports,
// Cilium's 4-bit IPsec SPIs.
import { encapByName } from '../dissect/encap/index.js';
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
    const ids = [...new Set(list.filter((t) => t.hasId).map((t) => t.vni))].sort((a, b) => a - b);
    const guess = encapByName(kind)?.cni?.({ port, ids, rows: list.length });
    if (guess) hints.push({ cni: guess.cni, kind, port, confidence: guess.confidence, reason: guess.reason, vniMeaning: guess.idMeaning ?? 'network' });
  }
  return hints;
}

/**
 * A tunnel id as the user should read it: "identity 32001" where the VNI is a Cilium identity,
 * otherwise in its kind's spelling ("4096", "0x00000028"); "-" for a kind without ids (IPIP).
 */
export function vniLabel(t: Pick<Tunnel, 'kind' | 'port' | 'vni'> & { hasId?: boolean }, hints: readonly CniHint[]): string {
  if (t.hasId === false) return '-';
  const h = hints.find((x) => x.kind === t.kind && x.port === t.port);
  if (h?.vniMeaning === 'identity') return `identity ${t.vni}`;
  return encapByName(t.kind)?.id?.format(t.vni) ?? String(t.vni);
}

/** Whether the VNIs on this kind and port are per-sender identities (they differ by direction). */
export function vniIsIdentity(kind: string, port: number, hints: readonly CniHint[]): boolean {
  return hints.some((h) => h.kind === kind && h.port === port && h.vniMeaning === 'identity');
}
