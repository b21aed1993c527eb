// The analysis views when the UI shows several captures merged into one list (`vxshark A B C`).
// Flows and tunnels come from the merged file (every copy counts); forwarding hops, copies and
// alerts come from each capture alone, since pairing copies across hosts would invent hops;
// packets are followed through the captures by the journey engine, whose located drops beat
// the single-capture guesses as on the command line (`vxshark alerts A B C`). Every frame
// number is turned into the merged list's.
import { analyze, analyzeFile, parsePodCidrOption, type Alert, type AnalysisOptions } from '../analysis/index.js';
import type { Registry } from '../dissect/registry.js';
import { journeyAlerts, supersededBy } from '../journey/alerts.js';
import { JourneyEngine, type CaptureClock, type Journey } from '../journey/engine.js';
import type { MergedOrigins } from '../journey/merge-writer.js';
import { openCaptures, type CaptureSpec } from '../journey/inputs.js';
import { safeText } from '../text/escape.js';
import { buildAnalysisView, hopFilter, type AlertRow, type AnalysisView, type ShowAddress } from './analysis-model.js';
import { JourneyViewBuilder } from './journey-model.js';

export interface AcrossJob {
  captures: CaptureSpec[];
  /** `NAME=FILE` values of --ip-link and --ip-route. */
  ipLink: string[];
  ipRoute: string[];
  podCidrs: string[];
  origins: MergedOrigins;
}

/** Lost journeys kept to build alerts from, as `vxshark alerts A B C` keeps. */
const MAX_LOST = 100_000;

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** merged[c][frame - 1]: the merged frame number of capture c's frame. */
function mergedNumbers(origins: MergedOrigins, frameCounts: readonly number[]): Uint32Array[] {
  const out = frameCounts.map((n) => new Uint32Array(n));
  for (let i = 0; i < origins.frame.length; i++) out[origins.capture[i]!]![origins.frame[i]! - 1] = i + 1;
  return out;
}

function clockLine(c: CaptureClock, i: number): string {
  const clock =
    i === 0 ? 'reference clock' : c.clock.matched > 0 ? `clock ${c.clock.offset >= 0 ? '+' : ''}${c.clock.offset.toFixed(6)} s` : 'clock unknown (0 applied)';
  return safeText(`${c.name}: ${c.packets} packets, ${c.followed} followed, ${clock}`);
}

export async function analyzeAcross(
  job: AcrossJob,
  mergedPath: string,
  registry: Registry,
  options: AnalysisOptions,
  show: ShowAddress | undefined,
): Promise<AnalysisView> {
  // The UI thread opened them to merge them and reported their problems then.
  const loaded = await openCaptures(
    { captures: job.captures.map((c) => `${c.name}=${c.file}`), 'ip-link': job.ipLink, 'ip-route': job.ipRoute },
    'vxshark',
    () => {},
  );
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
    const engine = new JourneyEngine(inputs, { registry, ...(job.podCidrs.length ? { podCidrs: job.podCidrs.map(parsePodCidrOption) } : {}) });
    const run = engine.run((j) => {
      journeys.add(j);
      if (j.fate === 'lost' && lost.length < MAX_LOST) lost.push({ ...j, hops: j.hops.map((h) => ({ ...h, frame: mergedFrame(h.capture, h.frame) })) });
    });
    const located = journeyAlerts(lost, 200, { merged: true });

    const alerts: AlertRow[] = located.map((a) => alertRow(a, a.title, a.frames));
    const hops: AnalysisView['hops'] = [];
    const copies: [number, number][] = [];
    let placed = false;
    for (const [k, input] of inputs.entries()) {
      const r = analyze(input.capture, { ...options, ifnames: input.ifnames, routes: input.host.routes });
      for (const a of r.alerts) {
        if (supersededBy(located, a)) continue;
        alerts.push(
          alertRow(
            a,
            `[${input.name}] ${a.title}`,
            a.frames.map((f) => mergedFrame(k, f)),
          ),
        );
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
    alerts.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
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

function alertRow(a: Alert, title: string, frames: readonly number[]): AlertRow {
  return {
    id: a.id,
    severity: a.severity,
    title: safeText(title),
    explanation: safeText(a.explanation),
    fix: safeText(a.fix),
    frames: frames.filter((f) => f > 0),
    count: a.count,
  };
}
