// What the four analysis commands (flows, tunnels, hops, alerts) share: their options, and
// loading + analysing the capture once with them.
import type { Argv } from 'yargs';
import { parseIfnameOption, readIpLinkEntries } from '../../capture/ip-link.js';
import { analyzeFile, parsePodCidrArg, readIpRouteFile, type AnalysisOptions, type AnalysisResult } from '../../analysis/index.js';
import type { HostOptions } from '../../analysis/options.js';
import { undecodedLinkTypeWarnings } from '../link-types.js';
import { createRegistry } from '../../dissect/default-registry.js';
import { parseDecodeAs } from '../../dissect/registry.js';
import { EXIT_INPUT, EXIT_OK, VxError, msg } from '../../errors.js';
import { compileFilter } from '../../filter/index.js';
import { contextBuilder, contextFromArgs, type ContextArgs, type LoadedContext } from '../context-options.js';
import { shownNames, type ShownNames } from '../shown-names.js';
import { warn } from '../io.js';

/** What the user says about the capturing host: its links, routes, pod ranges and uplink. */
export interface HostArgs {
  ifname: string[];
  'ip-link'?: string;
  'ip-route'?: string;
  'pod-cidr': string[];
  uplink?: string;
}

export interface AnalysisArgs extends ContextArgs, HostArgs {
  file?: string;
  Y?: string;
  d: string[];
  heuristics: boolean;
  json: boolean;
}

/** Reads --ip-link, --ifname, --ip-route, --pod-cidr and --uplink; a bad file or value is a one-line error. */
export function hostOptions(args: HostArgs): HostOptions & { ifnames: Map<number, string> } {
  const links = args['ip-link'] ? readIpLinkEntries(args['ip-link']) : [];
  const ifnames = new Map<number, string>(links.map((l) => [l.index, l.name]));
  for (const item of args.ifname) {
    const [index, name] = parseIfnameOption(item);
    ifnames.set(index, name);
  }
  const out: HostOptions & { ifnames: Map<number, string> } = { links, ifnames };
  if (args['ip-route'] !== undefined) out.routes = readIpRouteFile(args['ip-route']);
  const podCidrs = args['pod-cidr'].map(parsePodCidrArg);
  if (podCidrs.some((p) => p.node === undefined)) out.podCidrs = podCidrs.filter((p) => p.node === undefined).map((p) => p.prefix);
  const owners = podCidrs.flatMap((p) => (p.node !== undefined ? [{ node: p.node, prefix: p.prefix }] : []));
  if (owners.length) out.podCidrOwners = owners;
  if (args.uplink !== undefined) out.uplink = args.uplink;
  return out;
}

/** --ip-route, --pod-cidr and --uplink (--ip-link and --ifname are every command's). */
export function hostRouteOptions<T>(y: Argv<T>) {
  return y
    .option('ip-route', {
      type: 'string',
      requiresArg: true,
      describe: 'file with `ip route` output from the capturing host (finds the uplink and missing routes)',
    })
    .option('pod-cidr', {
      type: 'string',
      array: true,
      nargs: 1,
      default: [] as string[],
      describe: "the cluster's pod range, e.g. 172.20.0.0/16, or one node's, e.g. 192.168.20.100=172.20.2.0/24 (repeatable; inferred when absent)",
    })
    .option('uplink', { type: 'string', requiresArg: true, describe: 'the interface of the default route, e.g. eth0 (inferred when absent)' });
}

/** The options every analysis command takes. */
export function analysisBuilder<T>(y: Argv<T>) {
  const common = contextBuilder(y)
    .positional('file', { type: 'string', describe: 'pcap or pcapng file ("-" for standard input)' })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON for scripts instead of a table' })
    .option('Y', {
      alias: 'display-filter',
      type: 'string',
      requiresArg: true,
      describe: 'display filter: only matching packets feed the analysis, e.g. -Y "vxlan"',
    })
    .option('d', { type: 'string', array: true, nargs: 1, default: [] as string[], describe: 'decode as, e.g. udp.port==9000,vxlan (repeatable)' })
    .option('heuristics', { type: 'boolean', default: true, describe: 'recognise VXLAN on other UDP ports (--no-heuristics to turn off)' })
    .option('ifname', { type: 'string', array: true, nargs: 1, default: [] as string[], describe: 'name an SLL2 interface index, e.g. 3=eth1 (repeatable)' })
    .option('ip-link', { type: 'string', requiresArg: true, describe: 'file with `ip -o link` output from the capturing host, to name interfaces' });
  return hostRouteOptions(common);
}

export interface Analysed {
  result: AnalysisResult;
  /** The context given with --k8s/--cilium/--context, and whether names are shown. */
  context: LoadedContext;
  names: ShownNames;
  /** EXIT_INPUT when the capture was damaged (what was before the damage is analysed). */
  status: number;
}

/** Loads the capture, analyses it with the options, reports the capture's warnings. */
export async function runAnalysis(args: AnalysisArgs): Promise<Analysed> {
  if (args.file === undefined) throw new VxError('usage', msg.noInput());
  const context = contextFromArgs(args);
  const registry = createRegistry({ decodeAs: args.d.map(parseDecodeAs), heuristics: args.heuristics, context: context.context, names: context.names });
  const opts: AnalysisOptions = { registry, names: context.names };
  if (context.context) opts.context = context.context;
  if (args.Y !== undefined && args.Y.trim() !== '') opts.filter = compileFilter(args.Y, registry);
  Object.assign(opts, hostOptions(args));
  const file = args.file;
  // One pass while the file is read: the analysis commands never go back to a frame.
  const { result, capture } = await analyzeFile(file, opts);
  try {
    for (const w of [...undecodedLinkTypeWarnings(capture, registry), ...capture.warnings]) warn(msg.inInput(file, w));
    let status = EXIT_OK;
    if (capture.error) {
      warn(msg.inInput(file, capture.error));
      status = EXIT_INPUT;
    }
    if (opts.filter && result.stats.analysed === 0 && result.stats.frames > 0) warn(msg.filterNoMatch(args.Y!));
    if (result.stats.untrackedFlowPackets > 0) warn(msg.flowsUntracked(result.stats.untrackedFlowPackets));
    return { result, status, context, names: shownNames(context) };
  } finally {
    capture.close();
  }
}
