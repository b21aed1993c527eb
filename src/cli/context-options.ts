// The options that load a Kubernetes/Cilium context, shared by reading, the analysis commands
// and the UI: --k8s FILE, --cilium FILE, --context DIR (each repeatable), --names on|off.
import type { Argv } from 'yargs';
import { loadContext, type LoadedContext } from '../context/load.js';
import { VxError, msg } from '../errors.js';

export interface ContextArgs {
  k8s: string[];
  cilium: string[];
  context: string[];
  names: string;
}

export function contextBuilder<T>(y: Argv<T>) {
  return y
    .option('k8s', {
      type: 'string',
      array: true,
      nargs: 1,
      default: [] as string[],
      describe: 'JSON of `kubectl get pods,nodes,services,endpointslices -A -o json` (file or directory; repeatable)',
    })
    .option('cilium', {
      type: 'string',
      array: true,
      nargs: 1,
      default: [] as string[],
      describe: 'JSON of `cilium-dbg endpoint list -o json` / `identity list -o json` / CiliumNodes (repeatable)',
    })
    .option('context', {
      type: 'string',
      array: true,
      nargs: 1,
      default: [] as string[],
      describe: 'a directory of context files, e.g. from `vxshark snapshot DIR`',
    })
    .option('names', { type: 'string', default: 'on', requiresArg: true, describe: 'show pod, node and service names for addresses (on|off)' });
}

export type { LoadedContext };

export function contextFromArgs(args: ContextArgs): LoadedContext {
  if (args.names !== 'on' && args.names !== 'off') throw new VxError('usage', msg.contextNamesValue(args.names));
  const paths = [...args.k8s, ...args.cilium, ...args.context];
  const names = args.names === 'on';
  if (paths.length === 0) return { names, paths };
  return { context: loadContext(paths), names, paths };
}
