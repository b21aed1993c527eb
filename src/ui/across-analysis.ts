// The analysis views when the UI shows several captures merged into one list (`vxshark A B C`).
// Flows and tunnels come from the merged file (every copy counts); forwarding hops, copies and
// alerts come from each capture alone, since pairing copies across hosts would invent hops;
// packets are followed through the captures by the journey engine, whose located drops beat
// the single-capture guesses as on the command line (`vxshark alerts A B C`). Every frame
// number is turned into the merged list's.
import { analyze, analyzeFile, parsePodCidrOption, sortAlerts, type Alert, type AnalysisOptions } from '../analysis/index.js';
import type { Registry } from '../dissect/registry.js';
import { LOST_FOR_ALERTS, journeyAlerts, supersededBy } from '../journey/alerts.js';
import { JourneyEngine, type CaptureClock, type Journey } from '../journey/engine.js';
import type { MergedOrigins } from '../journey/merge-writer.js';
import { openCaptureFiles, type CaptureFiles } from '../journey/inputs.js';
import { safeText } from '../text/escape.js';
import { buildAnalysisView, hopFilter, type AlertRow, type AnalysisView, type ShowAddress } from './analysis-model.js';
import { JourneyViewBuilder } from './journey-model.js';
import { thousands } from './text.js';
import { keepShortLivedObjectsYoung } from '../util/young-objects.js';

export interface AcrossJob {
  /** The captures and their --ip-link / --ip-route files. */
  files: CaptureFiles;
  podCidrs: string[];
  origins: MergedOrigins;
}

/** merged[c][frame - 1]: the merged frame number of capture c's frame. */
function mergedNumbers(origins: MergedOrigins, frameCounts: readonly number[]): Uint32Array[] {
  const out = frameCounts.map((n) => new Uint32Array(n));
  for (let i = 0; i < origins.frame.length; i++) out[origins.capture[i]!]![origins.frame[i]! - 1] = i + 1;
  return out;
}

function clockLine(c: CaptureClock, i: number): string {
  const clock =
    i === 0 ? 'reference clock' : c.clock.matched > 0 ? `clock ${c.clock.offset >= 0 ? '+' : ''}${c.clock.offset.toFixed(6)} s` : 'clock unknown (0 applied)';
  return safeText(`${c.name}: ${thousands(c.packets)} packets, ${thousands(c.followed)} followed, ${clock}`);
}

export async function analyzeAcross(
  job: AcrossJob,
  mergedPath: string,
  registry: Registry,
  options: AnalysisOptions,
  show: ShowAddress | undefined,
): Promise<AnalysisView> {
  // The UI thread opened them to merge them and reported their problems then.
  const loaded = await openCaptureFiles(job.files, () => {}, true);
  try {
    const inputs = loaded.inputs;
    const names = inputs.map((c) => c.name);
    const merged = mergedNumbers(
      job.origins,
      inputs.map((c) => c.capture.frameCount),
    );
    const mergedFrame = (capture: number, frame: number): number => merged[capture]?.[frame - 1] ?? 0;
    const journeys = new JourneyViewBuilder(job.origins.frame.length, names, mergedFrame, show);
    const lost: Journey[] = [];
    keepShortLivedObjectsYoung();
    const engine = new JourneyEngine(inputs, { registry, ...(job.podCidrs.length ? { podCidrs: job.podCidrs.map(parsePodCidrOption) } : {}) });
    const run = engine.run((j) => {
      journeys.add(j);
      if (j.fate === 'lost' && lost.length < LOST_FOR_ALERTS) lost.push({ ...j, hops: j.hops.map((h) => ({ ...h, frame: mergedFrame(h.capture, h.frame) })) });
    });
    const located = journeyAlerts(lost, 200, { merged: true });

    const perCapture: Alert[] = [];
    const hops: AnalysisView['hops'] = [];
    const copies: [number, number][] = [];
    let placed = false;
    for (const [k, input] of inputs.entries()) {
      const r = analyze(input.capture, { ...options, ifnames: input.ifnames, routes: input.host.routes, ...(input.links ? { links: input.links } : {}) });
      for (const a of r.alerts) {
        if (supersededBy(located, a)) continue;
        perCapture.push({ ...a, title: `[${input.name}] ${a.title}`, frames: a.frames.map((f) => mergedFrame(k, f)).filter((f) => f > 0) });
      }
      const own = buildAnalysisView(r, input.capture.frameCount, show);
      placed ||= own.placed;
      for (const h of own.hops) {
        const row = { ...h, ingress: `${input.name}:${h.ingress}`, egress: `${input.name}:${h.egress}` };
        row.example = h.example ? [mergedFrame(k, h.example[0]), mergedFrame(k, h.example[1])] : undefined;
        row.filter = hopFilter(row);
        hops.push(row);
      }
      for (let i = 0; i < own.copies.length; i++) copies.push([mergedFrame(k, own.copies[i]!), mergedFrame(k, own.origins[i]!)]);
    }
    // As `vxshark alerts A B C` lists them: the located drops, then each capture's own alerts.
    const alerts = [...located, ...sortAlerts(perCapture)].map(alertRow);
    copies.sort((a, b) => a[0] - b[0]);

    const { result, capture } = await analyzeFile(mergedPath, options);
    capture.close();
    const view = buildAnalysisView(result, job.origins.frame.length, show);
    return {
      ...view,
      hops,
      placed,
      alerts,
      copies: Uint32Array.from(copies, (c) => c[0]),
      origins: Uint32Array.from(copies, (c) => c[1]),
      journeys: journeys.finish(run.captures.map(clockLine)),
    };
  } finally {
    loaded.close();
  }
}

function alertRow(a: Alert): AlertRow {
  return {
    id: a.id,
    severity: a.severity,
    title: safeText(a.title),
    explanation: safeText(a.explanation),
    fix: safeText(a.fix),
    frames: a.frames,
    count: a.count,
  };
}
