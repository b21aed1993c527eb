import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { parseDecodeAs } from '../dissect/registry.js';
import { EXIT_USAGE, VxError, msg } from '../errors.js';
import { analysisBuilder, decodeOptions, hostOptions, hostRouteOptions, journeyBuilder, multiCaptureBuilder } from './commands/options.js';
import { parseFieldsOptions } from './print/fields.js';
import { parseTimeFormat } from './print/time-format.js';
import { contextBuilder, contextFromArgs, type ContextArgs } from './context-options.js';
import { parseStatistic } from './stats/parse.js';
import { Output, reportFailure, warn } from './io.js';
import { explainUnknownArguments, rewriteCommandLine } from './command-line.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

// yargs drops a bare "-" from positional lists, so it travels under another name.
const STDIN_TOKEN = '\u0000stdin';
const fromToken = (v: string): string => (v === STDIN_TOKEN ? '-' : v);
/** An option given once (a string) or repeated (an array), as a list. */
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : ([] as string[]).concat(v));
const fileFor = (command: string, v: string | undefined): string => {
  if (v === undefined) throw new VxError('usage', msg.noInput(command));
  return fromToken(v);
};

/** Host-file options of an analysis command: one file each, or NAME=FILE as with several captures. */
interface OneCaptureArgs {
  file?: string;
  'ip-link'?: string | string[];
  'ip-route'?: string | string[];
}

/**
 * An analysis command's one capture, given as a path or as `NAME=PATH` (as several are), with
 * its host files given plainly or as `NAME=FILE`: the names are taken off.
 */
async function oneCapture<T extends OneCaptureArgs>(command: string, args: T): Promise<T & { file: string; 'ip-link'?: string; 'ip-route'?: string }> {
  const { parseCaptureSpecs, perCapture } = await import('../journey/inputs.js');
  const specs = parseCaptureSpecs([fileFor(command, args.file)]);
  const { name, file } = specs[0]!;
  const link = perCapture('ip-link', list(args['ip-link']), specs).get(name);
  const route = perCapture('ip-route', list(args['ip-route']), specs).get(name);
  const out = { ...args, file } as T & { file: string; 'ip-link'?: string; 'ip-route'?: string };
  if (link !== undefined) out['ip-link'] = link;
  else delete out['ip-link'];
  if (route !== undefined) out['ip-route'] = route;
  else delete out['ip-route'];
  return out;
}

/** Parses the command line and dispatches; returns the exit status. Only parsing lives here. */
export async function main(argv: string[]): Promise<number> {
  const out = new Output();
  // Handlers only choose the work; it runs after yargs has validated every argument.
  let work: (() => Promise<number>) | undefined;
  let usageError: string | undefined;
  let words: string[];
  try {
    words = rewriteCommandLine(argv);
  } catch (e) {
    return reportFailure(e);
  }
  const parser = yargs(words.map((a) => (a === '-' ? STDIN_TOKEN : a)))
    .scriptName('vxshark')
    .usage('vxshark: read captures of overlay networks (VXLAN, GENEVE) like tshark, with a terminal UI\n\nUsage: $0 <command> [options]')
    .command(
      'capinfo [files..]',
      'summarize capture files: format, link types, packets, time span, interfaces',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, describe: 'pcap or pcapng files ("-" for standard input)' })
          .option('json', { type: 'boolean', default: false, describe: 'one JSON object per file' }),
      (args) => {
        const files = (args.files as string[] | undefined) ?? [];
        work = async () => {
          if (files.length === 0) throw new VxError('usage', msg.noInput('capinfo'));
          const { capinfo } = await import('./commands/capinfo.js');
          return capinfo({ files: files.map(fromToken), json: args.json }, out);
        };
      },
    )
    .command(
      'snapshot <dir>',
      "save the cluster's pods, nodes, services and Cilium identities (kubectl) into DIR, for --context DIR",
      (y) => y.positional('dir', { type: 'string', demandOption: true, describe: 'directory to write (created if missing; files are never overwritten)' }),
      (args) => {
        work = async () => {
          const { snapshot } = await import('../context/snapshot.js');
          await snapshot(args.dir as string, { ...(process.env.KUBECTL ? { kubectl: process.env.KUBECTL } : {}), progress: warn });
          return 0;
        };
      },
    )
    .command('flows [file]', 'inner (pod-to-pod) and plain flows, each with the tunnels that carried it', analysisBuilder, (args) => {
      work = async () => (await import('./commands/flows.js')).flows(await oneCapture('flows', args), out);
    })
    .command('tunnels [file]', 'VXLAN/GENEVE tunnels: outer endpoints, port, VNI, inner pairs, CNI hint', analysisBuilder, (args) => {
      work = async () => (await import('./commands/tunnels.js')).tunnels(await oneCapture('tunnels', args), out);
    })
    .command(
      'fields [proto]',
      'list the display-filter fields (of one protocol) with their types and descriptions',
      (y) => y.positional('proto', { type: 'string', describe: 'a protocol, e.g. gre' }),
      (args) => {
        work = async () => (await import('./commands/fields.js')).fields({ ...(args.proto !== undefined ? { proto: args.proto } : {}) }, out);
      },
    )
    .command('hops [file]', 'forwarded packets paired in and out (tcpdump -i any, multi-interface pcapng)', analysisBuilder, (args) => {
      work = async () => (await import('./commands/hops.js')).hops(await oneCapture('hops', args), out);
    })
    .command(
      'alerts [file] [more..]',
      'what is wrong: misroutes, missing routes, fragmented tunnels, unanswered flows... (several captures: NAME=PATH each, combined)',
      (y) =>
        analysisBuilder(y)
          .positional('more', { type: 'string', array: true, describe: 'more captures of other hosts, to combine (NAME=PATH)' })
          .option('window', { type: 'string', requiresArg: true, describe: 'with several captures: seconds a packet may take through them all (default 2)' })
          .option('fail-on', { choices: ['warning', 'error'] as const, describe: 'exit with status 3 when an alert at or above this level is found' }),
      (args) => {
        const more = (args.more ?? []).map(fromToken);
        if (more.length > 0 && args.file !== undefined) {
          work = async () =>
            (await import('./commands/alerts-across.js')).alertsAcross(
              {
                ...args,
                captures: [fromToken(args.file!), ...more],
                'ip-link': list(args['ip-link']),
                'ip-route': list(args['ip-route']),
                summary: false,
              },
              out,
            );
        } else work = async () => (await import('./commands/alerts.js')).alerts(await oneCapture('alerts', args), out);
      },
    )
    .command('journey [captures..]', 'follow packets through several captures (node, router, node): where did each one end?', journeyBuilder, (args) => {
      work = async () => (await import('./commands/journey.js')).journey({ ...args, captures: (args.captures ?? []).map(fromToken) }, out);
    })
    .command(
      'merge [captures..]',
      'merge captures of several hosts into one pcapng: an interface per host and interface, clocks corrected',
      (y) =>
        multiCaptureBuilder(y)
          .option('w', { type: 'string', requiresArg: true, describe: 'the pcapng file to write ("-" for standard output; never overwrites)' })
          .option('clock-correction', {
            type: 'boolean',
            default: true,
            describe: "take off each capture's estimated clock offset (--no-clock-correction keeps the time stamps)",
          }),
      (args) => {
        work = async () =>
          (await import('./commands/merge.js')).merge({
            ...args,
            captures: (args.captures ?? []).map(fromToken),
            ...(args.w !== undefined ? { w: fromToken(args.w) } : {}),
          });
      },
    )
    .command(
      '$0 [file] [more..]',
      'print the packets of a capture like tshark (outer and inner headers, VXLAN on 8472/4789 and GENEVE on 6081 decoded by default)',
      (y) =>
        // --ip-route, --pod-cidr and --uplink feed the terminal UI's analysis views, as the analysis commands'.
        decodeOptions(
          hostRouteOptions(contextBuilder(y))
            .positional('file', { type: 'string', describe: 'pcap or pcapng file ("-" for standard input)' })
            .positional('more', {
              type: 'string',
              array: true,
              describe: 'captures of other hosts (NAME=PATH each): all in one list in the terminal UI, with the Journey view',
            })
            .option('r', { alias: 'read-file', type: 'string', requiresArg: true, describe: 'capture file to read ("-" for standard input)' })
            .option('V', { type: 'boolean', default: false, describe: 'print the full tree of every layer' })
            .option('x', { type: 'boolean', default: false, describe: 'print a hex and ASCII dump of each packet' })
            .option('P', { type: 'boolean', default: false, describe: 'print summary lines also with -x alone or while writing with -w' })
            .option('T', { choices: ['text', 'fields', 'json'] as const, default: 'text' as const, requiresArg: true, describe: 'output format' })
            .option('e', { type: 'string', array: true, nargs: 1, default: [] as string[], describe: 'field to print with -T fields (repeatable)' })
            .option('E', {
              type: 'string',
              array: true,
              nargs: 1,
              default: [] as string[],
              describe: 'fields option: header=y, separator=, occurrence=f|l|a, aggregator=',
            })
            .option('c', { type: 'string', requiresArg: true, describe: 'stop after N packets' }),
        )
          .option('ifname', {
            type: 'string',
            array: true,
            nargs: 1,
            default: [] as string[],
            describe: 'name an SLL2 interface index, e.g. 28=eth1 (repeatable)',
          })
          .option('ip-link', {
            type: 'string',
            requiresArg: true,
            describe: 'file with `ip -o link` output from the capturing host, to name interfaces (several captures: NAME=FILE, repeatable)',
          })
          .option('theme', {
            type: 'string',
            choices: ['dark', 'light'],
            describe: 'terminal UI colours for a dark or a light background (default: the saved setting, else dark)',
          })
          .option('Y', {
            alias: 'display-filter',
            type: 'string',
            requiresArg: true,
            describe: 'display filter, e.g. "inner.ip.dst == 172.20.2.30 && vxlan.vni == 32001"',
          })
          .option('i', {
            alias: 'interface',
            type: 'string',
            array: true,
            nargs: 1,
            describe: 'capture live from this interface with tcpdump or dumpcap (repeatable)',
          })
          .option('f', { type: 'string', requiresArg: true, describe: 'capture filter for live capture (BPF syntax, e.g. "udp port 8472")' })
          .option('color', {
            choices: ['auto', 'always', 'never'] as const,
            default: 'auto' as const,
            requiresArg: true,
            describe: 'colour output (auto: on a terminal, unless NO_COLOR is set)',
          })
          .option('w', { type: 'string', requiresArg: true, describe: 'write the packets to a new capture file (pcap or pcapng, like the input)' })
          .option('t', { type: 'string', default: 'r', requiresArg: true, describe: 'time format: r (relative), a, ad, u, ud, d, dd, e' })
          .option('G', {
            choices: ['fields'] as const,
            requiresArg: true,
            describe: 'print a glossary: -G fields lists every field (tab-separated, as tshark)',
          })
          .option('n', { type: 'boolean', default: false, describe: 'no name resolution (the only mode; accepted for tshark habits)' })
          .option('q', { type: 'boolean', default: false, describe: 'quiet: no packet lines (with -z, only the statistics)' })
          .option('l', { type: 'boolean', default: false, describe: 'flush standard output after each packet' })
          .option('z', {
            type: 'string',
            array: true,
            nargs: 1,
            default: [] as string[],
            describe: 'statistics: conv,ip|ipv6|tcp|udp  endpoints,ip|tcp|udp  io,phs  io,stat,N[,FILTER]  follow,tcp|udp,ascii|hex|raw|yaml,STREAM',
          })
          .option('2', { type: 'boolean', default: false, hidden: true }),
      (args) => {
        work = () => readCommand(args, out);
      },
    )
    .strict()
    .parserConfiguration({ 'camel-case-expansion': false })
    .version(packageVersion())
    .alias('h', 'help')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((message, err) => {
      // yargs reports its own parsing problems ("Not enough arguments following: r") as a YError:
      // a usage error like the others. Anything else is a real failure.
      if (err && err.name !== 'YError') throw err;
      usageError = explainUnknownArguments(message || err?.message || 'invalid command line', knownOptions(parser));
    });
  let status = 0;
  let reported = false;
  try {
    await parser.parseAsync();
    if (usageError !== undefined) {
      // yargs spreads some messages over lines ("Invalid values:\n  Argument: ..."); errors are one line.
      warn(usageError.trim().replace(/\s*\n\s*/g, ' '));
      return EXIT_USAGE;
    }
    if (work) status = await work();
  } catch (e) {
    status = reportFailure(e);
    reported = true;
  }
  await out.drain();
  if (out.failure && !reported) status = reportFailure(out.failure);
  return status;
}

/** The option names (and aliases) yargs knows at the moment it failed: the command's own. */
function knownOptions(parser: unknown): string[] {
  const opts = (parser as { getOptions?: () => { key?: Record<string, unknown> } }).getOptions?.();
  return Object.keys(opts?.key ?? {}).filter((k) => k !== '$0');
}

interface ReadArgs extends ContextArgs {
  file?: string;
  more?: string[];
  r?: string;
  V: boolean;
  x: boolean;
  P: boolean;
  T: 'text' | 'fields' | 'json';
  e: string[];
  E: string[];
  c?: string;
  d: string[];
  heuristics: boolean;
  ifname: string[];
  'ip-link'?: string;
  'ip-route'?: string;
  'pod-cidr': string[];
  uplink?: string;
  theme?: string;
  w?: string;
  t: string;
  Y?: string;
  i?: string[];
  f?: string;
  color: 'auto' | 'always' | 'never';
  G?: 'fields';
  n: boolean;
  q: boolean;
  l: boolean;
  z: string[];
  '2': boolean;
}

/** `vxshark FILE` and `vxshark -i IFACE` on a terminal open the UI (as termshark does); -r, a pipe, or any printing option (-P included) prints like tshark. */
function printing(args: ReadArgs): boolean {
  return (
    args.r !== undefined ||
    args.P ||
    args.V ||
    args.x ||
    args.T !== 'text' ||
    args.e.length > 0 ||
    args.w !== undefined ||
    args.c !== undefined ||
    args.Y !== undefined ||
    args.q ||
    args.z.length > 0
  );
}

/** `vxshark ctr=ctr.pcap router=router.pcap w0=w0.pcap`: every capture in one list in the terminal UI. */
async function severalCaptures(args: ReadArgs, print: boolean): Promise<number> {
  if (print) throw new VxError('usage', msg.uiSeveralCapturesPrint());
  // Per host, as NAME=FILE: the options that describe one capturing host have no NAME= form.
  if (args.ifname.length > 0) throw new VxError('usage', msg.severalCapturesOption('--ifname'));
  if (args.uplink !== undefined) throw new VxError('usage', msg.severalCapturesOption('--uplink'));
  const decodeAs = args.d.map(parseDecodeAs);
  const { checkMultiCapture, mergeCaptures } = await import('../ui/multi-capture.js');
  const what = {
    captures: [args.file!, ...args.more!].map(fromToken),
    'ip-link': list(args['ip-link']),
    'ip-route': list(args['ip-route']),
    'pod-cidr': args['pod-cidr'],
    decodeAs,
    heuristics: args.heuristics,
  };
  const files = checkMultiCapture(what);
  if (!process.stdout.isTTY) throw new VxError('usage', msg.uiSeveralCapturesPrint());
  const merged = await mergeCaptures(what, warn, files);
  const { runUi } = await import('../ui/index.js');
  const { defaultConfigPath } = await import('../ui/config.js');
  const status = await runUi({
    file: merged.path,
    merged,
    decodeAs,
    heuristics: args.heuristics,
    ifnames: new Map(),
    context: contextFromArgs(args),
    ...(args.theme === 'light' || args.theme === 'dark' ? { theme: args.theme } : {}),
    config: defaultConfigPath(),
  });
  return status || merged.status;
}

/** Turns the validated options of the default command into a read. */
async function readCommand(args: ReadArgs, out: Output): Promise<number> {
  if (args.G === 'fields') return (await import('./commands/fields.js')).fields({ tsv: true }, out);
  const file = args.r ?? args.file;
  const live = args.i?.length ? { interfaces: args.i, ...(args.f !== undefined ? { captureFilter: args.f } : {}) } : undefined;
  if (file !== undefined && live) throw new VxError('usage', msg.liveAndFile());
  if (file === undefined && !live) throw new VxError('usage', msg.noInput());
  if (args.w !== undefined && fromToken(args.w) === '-' && args.P) throw new VxError('usage', msg.writeStdoutAndPrint());
  if (args.e.length > 0 && args.T !== 'fields') throw new VxError('usage', msg.eNeedsFields());
  if (args['2']) throw new VxError('usage', msg.twoPassRefused());
  const context = contextFromArgs(args);
  if (args.more?.length) return severalCaptures(args, printing(args));
  const { ifnames, ...host } = hostOptions(args);
  // `vxshark FILE` and `vxshark -i IFACE` on a terminal open the UI (as termshark does); -r, a pipe,
  // or any printing option (-P included) prints like tshark.
  if ((file !== undefined || live) && !printing(args) && process.stdout.isTTY) {
    // The terminal UI (blessed) loads only when used: printing starts faster and smaller without it.
    const { runUi } = await import('../ui/index.js');
    const { defaultConfigPath } = await import('../ui/config.js');
    return runUi({
      file: file !== undefined ? fromToken(file) : '-',
      ...(live ? { live } : {}),
      decodeAs: args.d.map(parseDecodeAs),
      heuristics: args.heuristics,
      ifnames,
      host,
      context,
      ...(args.theme === 'light' || args.theme === 'dark' ? { theme: args.theme } : {}),
      config: defaultConfigPath(),
    });
  }
  let count: number | undefined;
  if (args.c !== undefined) {
    count = Number(args.c);
    if (!Number.isInteger(count) || count < 1) throw new VxError('usage', msg.badCount(args.c));
  }
  const { read } = await import('./commands/read.js');
  return read(
    {
      ...(file !== undefined ? { file: fromToken(file) } : {}),
      ...(live ? { live } : {}),
      ...(args.Y !== undefined ? { displayFilter: args.Y } : {}),
      color: args.color,
      verbose: args.V,
      hex: args.x,
      summaryLines: args.P,
      output: args.T,
      fields: args.e,
      fieldsOptions: parseFieldsOptions(args.E),
      ...(count !== undefined ? { count } : {}),
      decodeAs: args.d.map(parseDecodeAs),
      heuristics: args.heuristics,
      context,
      ifnames,
      timeFormat: parseTimeFormat(args.t),
      quiet: args.q,
      lineBuffered: args.l,
      statistics: args.z.map(parseStatistic),
      ...(args.w !== undefined ? { writeTo: fromToken(args.w) } : {}),
    },
    out,
  );
}
