// What the four analysis commands (flows, tunnels, hops, alerts) share: loading and analysing
// the capture once with their options (declared in options.ts).
import { analyzeFile, type AnalysisOptions, type AnalysisResult } from '../../analysis/index.js';
import { undecodedLinkTypeWarnings } from '../link-types.js';
import { createRegistry } from '../../dissect/default-registry.js';
import { parseDecodeAs } from '../../dissect/registry.js';
import { EXIT_INPUT, EXIT_OK, VxError, msg } from '../../errors.js';
import { compileFilter } from '../../filter/index.js';
import { contextFromArgs, type ContextArgs, type LoadedContext } from '../context-options.js';
import { shownNames, type ShownNames } from '../shown-names.js';
import { warn } from '../io.js';
import { hostOptions, type HostArgs } from './options.js';

export interface AnalysisArgs extends ContextArgs, HostArgs {
  file?: string;
  Y?: string;
  d: string[];
  heuristics: boolean;
  json: boolean;
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
