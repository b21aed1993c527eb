// How analysis texts name things: the bare address and prefix, or with a context the pod, node
// or service ("default/curl-pod on k8s-ctr", "k8s-w0's pod CIDR 172.20.2.0/24"). Rules word
// their alerts through this helper, so names never change a rule's logic.
import { ContextNaming } from '../context/naming.js';
import { cidrText, type Cidr } from './addr.js';
import type { ResolvedOptions } from './options.js';

export interface AnalysisNaming {
  /** An address as text, for a sentence. */
  who(address: string): string;
  /** A pod prefix, with the node that owns it when known. */
  prefix(p: Cidr): string;
  /** The node that owns a pod prefix, by name, when known. */
  nodeName(p: Cidr): string | undefined;
  /** An address and a port: "172.20.2.30:80", or with a name "default/web on k8s-w0 port 80". */
  endpoint(address: string, port: number): string;
}

export const BARE_NAMES: AnalysisNaming = {
  who: (a) => a,
  prefix: (p) => cidrText(p),
  nodeName: () => undefined,
  endpoint: (a, port) => `${a}:${port}`,
};

export function analysisNaming(opts: ResolvedOptions): AnalysisNaming {
  if (!opts.context || !opts.names) return BARE_NAMES;
  const n = new ContextNaming(opts.context);
  return {
    who: (a) => n.phrase(a),
    prefix: (p) => n.prefix(p),
    nodeName: (p) => n.nodeForPrefix(p),
    endpoint: (a, port) => {
      const named = n.phrase(a);
      return named === a ? `${a}:${port}` : `${named} port ${port}`;
    },
  };
}
