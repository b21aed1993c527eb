// The options of the commands, as yargs declares them, and reading the host options: what the
// command line needs before it knows which command runs. The commands themselves load only
// when chosen, so printing does not pay for loading the analysis or the journey engine.
import type { Argv } from 'yargs';
import { parseIfnameOption, readIpLinkEntries } from '../../capture/ip-link.js';
import { parsePodCidrArg, readIpRouteFile, type HostOptions } from '../../analysis/options.js';
import { contextBuilder } from '../context-options.js';

/** What the user says about the capturing host: its links, routes, pod ranges and uplink. */
export interface HostArgs {
  ifname: string[];
  'ip-link'?: string;
  'ip-route'?: string;
  'pod-cidr': string[];
  uplink?: string;
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

/** -d and --heuristics: how packets are decoded, for every command that dissects them. */
export function decodeOptions<T>(y: Argv<T>) {
  return y
    .option('d', { type: 'string', array: true, nargs: 1, default: [] as string[], describe: 'decode as, e.g. udp.port==9000,vxlan (repeatable)' })
    .option('heuristics', { type: 'boolean', default: true, describe: 'recognise VXLAN on other UDP ports (--no-heuristics to turn off)' });
}

/** The options every analysis command takes. */
export function analysisBuilder<T>(y: Argv<T>) {
  const common = decodeOptions(
    contextBuilder(y)
      .positional('file', { type: 'string', describe: 'pcap or pcapng file ("-" for standard input)' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON for scripts instead of a table' })
      .option('Y', {
        alias: 'display-filter',
        type: 'string',
        requiresArg: true,
        describe: 'display filter: only matching packets feed the analysis, e.g. -Y "vxlan"',
      }),
  )
    .option('ifname', { type: 'string', array: true, nargs: 1, default: [] as string[], describe: 'name an SLL2 interface index, e.g. 3=eth1 (repeatable)' })
    .option('ip-link', { type: 'string', requiresArg: true, describe: 'file with `ip -o link` output from the capturing host, to name interfaces' });
  return hostRouteOptions(common);
}

export function multiCaptureBuilder<T>(y: Argv<T>) {
  const common = contextBuilder(y)
    .positional('captures', { type: 'string', array: true, describe: 'captures as NAME=PATH or PATH (the name is then the file name)' })
    .option('ip-link', {
      type: 'string',
      array: true,
      nargs: 1,
      default: [] as string[],
      describe: "`ip -o link` output of a capture's host: NAME=FILE (repeatable)",
    })
    .option('ip-route', {
      type: 'string',
      array: true,
      nargs: 1,
      default: [] as string[],
      describe: "`ip route` output of a capture's host: NAME=FILE (repeatable)",
    })
    .option('Y', {
      alias: 'display-filter',
      type: 'string',
      requiresArg: true,
      describe: 'follow only the packets this display filter matches (default: pod traffic)',
    });
  return decodeOptions(common)
    .option('pod-cidr', {
      type: 'string',
      array: true,
      nargs: 1,
      default: [] as string[],
      describe: "the cluster's pod range, e.g. 172.20.0.0/16 (repeatable; learnt from the captures when absent)",
    })
    .option('window', { type: 'string', requiresArg: true, describe: 'seconds a packet may take through all captures, and its answer to come (default 2)' });
}

export function journeyBuilder<T>(y: Argv<T>) {
  return multiCaptureBuilder(y)
    .option('json', { type: 'boolean', default: false, describe: 'print JSON for scripts (see docs/journey.md)' })
    .option('summary', { type: 'boolean', default: false, describe: 'list the captures and flows only, not every journey' });
}
