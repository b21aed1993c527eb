// `vxshark journey ctr=ctr.pcap router=router.pcap w0=w0.pcap`: every followed packet's path
// through the captures, and where it ended. Text lists the captures with their clocks, a
// summary per flow, then the journeys; --json streams the documented shape.
import { parsePodCidrOption } from '../../analysis/index.js';
import { createRegistry } from '../../dissect/default-registry.js';
import { parseDecodeAs } from '../../dissect/registry.js';
import { VxError, msg } from '../../errors.js';
import { compileFilter } from '../../filter/index.js';
import { JourneyEngine, type CaptureClock, type Journey, type JourneyRun } from '../../journey/engine.js';
import type { Fate } from '../../journey/fate.js';
import { openCaptures, type LoadedCaptures } from '../../journey/inputs.js';
import type { Output } from '../io.js';
import { warn } from '../io.js';
import { contextFromArgs, type ContextArgs } from '../context-options.js';
import { shownNames } from '../shown-names.js';
import { captureJson, captureLines, flowLines, journeyJson, journeyLines } from '../print/journey.js';
import { keepShortLivedObjectsYoung } from '../../util/young-objects.js';

export interface JourneyArgs extends ContextArgs {
  captures: string[];
  Y?: string;
  d: string[];
  heuristics: boolean;
  'ip-link': string[];
  'ip-route': string[];
  'pod-cidr': string[];
  window?: string;
  json: boolean;
  summary: boolean;
}

export type { LoadedCaptures } from '../../journey/inputs.js';

/** Journeys listed in text (each one a few hundred bytes); the rest are counted and said. */
const TEXT_JOURNEYS = 20_000;

/**
 * Opens every capture with its context; warnings and damage are reported per capture on
 * standard error. For a journey run (`journeys`: its options), large captures are loaded by two
 * threads, and the second one then reads frames for the journey as the options say.
 */
export function loadCaptures(args: Pick<JourneyArgs, 'captures' | 'ip-link' | 'ip-route'>, command: string, journeys?: JourneyArgs): Promise<LoadedCaptures> {
  if (journeys === undefined) return openCaptures(args, command, warn);
  const filter = journeys.Y !== undefined && journeys.Y.trim() !== '' ? journeys.Y : undefined;
  const decodeAs = journeys.d.map(parseDecodeAs);
  // Bad -d or -Y is said before anything is read (and before a worker thread would meet it).
  const registry = createRegistry({ decodeAs, heuristics: journeys.heuristics });
  if (filter !== undefined) compileFilter(filter, registry);
  return openCaptures(args, command, warn, { decodeAs, heuristics: journeys.heuristics, ...(filter !== undefined ? { filter } : {}) });
}

export function parseWindow(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const w = Number(text);
  if (!Number.isFinite(w) || w <= 0) throw new VxError('usage', msg.badWindow(text));
  return w;
}

/** What a journey run gives its caller as it goes (JourneyOptions' keep and stopped). */
export interface JourneyConsumer {
  /** Each judged journey that `keep` lets through, as it closes. */
  emit: (j: Journey) => void;
  keep?: (fate: Fate) => boolean;
  /** The captures and their clocks, between the two passes. */
  ready?: (c: CaptureClock[]) => void;
  stopped?: () => boolean;
}

/** Runs the journey engine over loaded captures with the command's options. */
export async function runJourneys(loaded: LoadedCaptures, args: JourneyArgs, consumer: JourneyConsumer): Promise<JourneyRun> {
  const registry = createRegistry({ decodeAs: args.d.map(parseDecodeAs), heuristics: args.heuristics });
  const filter = args.Y !== undefined && args.Y.trim() !== '' ? compileFilter(args.Y, registry) : undefined;
  const window = parseWindow(args.window);
  keepShortLivedObjectsYoung();
  const engine = new JourneyEngine(loaded.inputs, {
    registry,
    ...(filter ? { filter } : {}),
    ...(args['pod-cidr'].length ? { podCidrs: args['pod-cidr'].map(parsePodCidrOption) } : {}),
    ...(window !== undefined ? { window } : {}),
    ...(consumer.keep ? { keep: consumer.keep } : {}),
    ...(consumer.stopped ? { stopped: consumer.stopped } : {}),
  });
  const { emit, ready } = consumer;
  if (!loaded.sightings) return engine.run(emit, ready);
  try {
    return await engine.runInParallel(loaded.sightings, emit, ready);
  } finally {
    // Its work is done: it should not idle through what the command does next (alerts' analyses).
    loaded.sightings.close();
  }
}

export async function journey(args: JourneyArgs, out: Output): Promise<number> {
  // Options are checked before any capture is read.
  parseWindow(args.window);
  args['pod-cidr'].forEach(parsePodCidrOption);
  const shown = shownNames(contextFromArgs(args));
  const loaded = await loadCaptures(args, 'journey', args);
  try {
    const names = loaded.specs.map((s) => s.name);
    if (args.json) {
      // Streamed: the captures and their clocks once the first pass knows them, then each
      // journey as it closes, then the per-flow summary.
      let first = true;
      const run = await runJourneys(loaded, args, {
        emit: (j) => {
          out.line((first ? '' : ',') + JSON.stringify(journeyJson(j, names)));
          first = false;
        },
        ready: (captures) => out.line(`{"captures":${JSON.stringify(captures.map(captureJson))},"journeys":[`),
        stopped: () => out.closed,
      });
      out.line(
        `],"flows":${JSON.stringify(run.flows)},"followed":${JSON.stringify(Object.fromEntries(run.captures.map((c) => [c.name, c.followed])))},"untrackedPackets":${run.untrackedPackets}}`,
      );
      return loaded.status;
    }
    // Journeys past those listed (all of them with --summary) are only counted.
    const listed: string[] = [];
    let listedJourneys = 0;
    const run = await runJourneys(loaded, args, {
      keep: () => !args.summary && listedJourneys < TEXT_JOURNEYS,
      emit: (j) => {
        listed.push(...journeyLines(j, names, shown));
        listedJourneys++;
      },
    });
    const notListed = run.journeys - listedJourneys;
    out.line('Captures');
    for (const l of captureLines(run.captures)) out.line(l);
    out.line('');
    out.line(`Flows (${run.journeys} packet${run.journeys === 1 ? '' : 's'} followed)`);
    for (const l of flowLines(run.eachFlow(), shown)) out.line(l);
    if (run.untrackedPackets > 0) warn(msg.flowsUntracked(run.untrackedPackets));
    if (!args.summary && listed.length) {
      out.line('');
      out.line('Journeys');
      for (const l of listed) out.line(l);
      if (notListed > 0) warn(msg.journeysNotListed(notListed));
    }
    return loaded.status;
  } finally {
    loaded.close();
  }
}
