// How printers show addresses: names from the Kubernetes/Cilium context (--k8s, --cilium,
// --context), escaped like capture text, or the bare addresses with --names off or no context.
import { ContextNaming } from '../context/naming.js';
import { safeText } from '../text/escape.js';
import type { LoadedContext } from './context-options.js';

/** How the analysis printers show addresses: names from the context, or the addresses. */
export interface ShownNames {
  /** An address (or the text around none) as the table shows it. */
  show(address: string): string;
  /** The labels of the identity a VNI carries, when known. */
  identity(vni: number): string | undefined;
  /** The node owning a pod prefix written as text. */
  prefixOwner(prefix: string): string | undefined;
}

export const BARE: ShownNames = { show: (a) => a, identity: () => undefined, prefixOwner: () => undefined };

export function shownNames(loaded: LoadedContext): ShownNames {
  if (!loaded.context || !loaded.names) return BARE;
  const n = new ContextNaming(loaded.context);
  // Names come from files outside vxshark: escaped like capture text.
  return {
    show: (a) => safeText(n.show(a)),
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
