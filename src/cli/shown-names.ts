// How printers show addresses: names from the Kubernetes/Cilium context (--k8s, --cilium,
// --context), escaped like capture text, or the bare addresses with --names off or no context.
import { ContextNaming } from '../context/naming.js';
import { safeText } from '../text/escape.js';
import type { LoadedContext } from './context-options.js';

/** How the analysis printers show addresses: names from the context, or the addresses. */
export interface ShownNames {
  /** An address (or the text around none) as the table shows it. */
  show(address: string): string;
  /** The name alone, when the context knows the address (for --json's srcName/dstName). */
  nameOf(address: string): string | undefined;
  /** The labels of the identity a VNI carries, when known. */
  identity(vni: number): string | undefined;
  /** The node owning a pod prefix written as text. */
  prefixOwner(prefix: string): string | undefined;
}

export const BARE: ShownNames = { show: (a) => a, nameOf: () => undefined, identity: () => undefined, prefixOwner: () => undefined };

export function shownNames(loaded: LoadedContext): ShownNames {
  if (!loaded.context || !loaded.names) return BARE;
  const n = new ContextNaming(loaded.context);
  // Names come from files outside vxshark: escaped like capture text.
  return {
    show: (a) => safeText(n.show(a)),
    nameOf: (a) => {
      const l = n.label(a);
      return l === undefined ? undefined : safeText(l);
    },
    identity: (v) => {
      const l = n.identityLabels(v);
      return l === undefined ? undefined : safeText(l);
    },
    prefixOwner: (p) => {
      const o = n.prefixOwner(p);
      return o === undefined ? undefined : safeText(o);
    },
  };
}

/** `srcName` and `dstName` for a JSON row, where the context names its addresses. */
export function nameFields(names: ShownNames, src: string, dst: string): { srcName?: string; dstName?: string } {
  const out: { srcName?: string; dstName?: string } = {};
  const s = names.nameOf(src);
  const d = names.nameOf(dst);
  if (s !== undefined) out.srcName = s;
  if (d !== undefined) out.dstName = d;
  return out;
}
