// analyze(capture, opts): every model and every alert from one sequential pass. Pure with
// respect to the capture: the same frames and options give the same result.
import { loadCapture, type Capture } from '../capture/capture.js';
import { createRegistry } from '../dissect/default-registry.js';
import { msg } from '../errors.js';
import { RULES, sortAlerts, type Alert, type AnalysisModels } from './alerts/index.js';
import { fingerprint, type CniHint } from './fingerprint.js';
import { FlowCollector, type Flow, type FlowViewer } from './flows.js';
import { HopCollector, type Hops } from './hops.js';
import { resolveOptions, type AnalysisOptions } from './options.js';
import type { Packet } from '../dissect/types.js';
import type { Facts } from './facts.js';
import { analysisNaming } from './naming.js';
import { Pass, type PassStats } from './pass.js';
import { TopologyCollector, type Topology } from './topology.js';
import { TunnelCollector, type Tunnel } from './tunnels.js';
import { decideVantage, VantageCollector, type Vantage } from './vantage.js';
import { VtepCollector } from './vteps.js';

export interface AnalysisResult {
  tunnels: Tunnel[];
  /** Every flow's view, made on first use and kept with the result. */
  flows: Flow[];
  /**
   * `flows.length`, and `flows[i]` for i below it, without making the list: while it is not made,
   * each view is made afresh and not kept, so going through half a million flows once leaves no
   * views behind (the UI's analysis worker, whose peak memory the UI pays for).
   */
  readonly flowCount: number;
  flowAt(i: number): Flow;
  hops: Hops;
  topology: Topology;
  fingerprint: CniHint[];
  /** What the capturing host is and what its interfaces are. */
  vantage: Vantage;
  alerts: Alert[];
  /** Frames, time span, and packets of flows beyond maxFlows (counted, not kept). */
  stats: PassStats & { untrackedFlowPackets: number };
}

/** Seconds of reordering tolerated from the start in multi-interface files. */
const BATCH_REORDER = 2;

export function analyze(capture: Capture, options: AnalysisOptions = {}): AnalysisResult {
  const run = new AnalysisRun(options, capture);
  capture.scan(0, capture.frameCount, (i, data) => run.frame(capture, i, data));
  return run.finish(capture);
}

/**
 * analyze() while the capture is read, in one pass over the file: no second read and no frame
 * index (the capture keeps only a rolling one). For the analysis commands, which never go
 * back to a frame; the capture returned has its warnings and error but no frames to read.
 */
export async function analyzeFile(name: string, options: AnalysisOptions = {}): Promise<{ result: AnalysisResult; capture: Capture }> {
  let run: AnalysisRun | undefined;
  const capture = await loadCapture(name, {
    streamOnly: true,
    onFrame: (i, data, c) => (run ??= new AnalysisRun(options, c)).frame(c, i, data),
  });
  return { result: (run ?? new AnalysisRun(options, capture)).finish(capture), capture };
}

/** One analysis: the collectors and rules fed frame by frame, then turned into the result. */
class AnalysisRun {
  private readonly opts: ReturnType<typeof resolveOptions>;
  private readonly hopCollector: HopCollector;
  private readonly tunnelCollector: TunnelCollector;
  private readonly flowCollector: FlowCollector;
  private readonly topologyCollector = new TopologyCollector();
  private readonly vantageCollector = new VantageCollector();
  private readonly vtepCollector = new VtepCollector();
  private readonly runs: ReturnType<(typeof RULES)[number]['start']>[];
  private readonly pass: Pass;
  private interfaces = 0;

  constructor(options: AnalysisOptions, capture: Capture) {
    const opts = (this.opts = resolveOptions(options));
    const registry = options.registry ?? createRegistry();
    this.hopCollector = new HopCollector(opts.hopWindow, opts.evidenceFrames, opts.maxHopPaths);
    this.noteInterfaces(capture);
    this.tunnelCollector = new TunnelCollector(opts.evidenceFrames);
    // A capture read already knows its frames; one being read is guessed from its size (a
    // frame and its record header take 80 bytes or more).
    const expectedFrames = capture.complete ? capture.frameCount : Math.ceil((capture.size ?? 0) / 80);
    this.flowCollector = new FlowCollector(opts.evidenceFrames, opts.maxFlows, this.tunnelCollector.rows, expectedFrames);
    const room = { flows: this.flowCollector.room };
    this.runs = RULES.map((r) => r.start(opts, room));
    // Order matters: hops marks forwarding copies and tunnels assigns tunnel ids before the
    // flows (and the rules) look at the same packet.
    const observers = this.runs.filter((r) => r.observe !== undefined);
    const nObservers = observers.length;
    const { hopCollector, tunnelCollector, flowCollector, topologyCollector, vantageCollector, vtepCollector } = this;
    const onPacket = (f: Facts, pkt: Packet): void => {
      hopCollector.packet(f);
      tunnelCollector.packet(f, pkt);
      flowCollector.packet(f, pkt);
      topologyCollector.packet(f, pkt);
      vantageCollector.packet(f, pkt);
      vtepCollector.packet(f, pkt);
      for (let i = 0; i < nObservers; i++) observers[i]!.observe!(f, pkt);
    };
    this.pass = new Pass({ registry, ifnames: options.ifnames, filter: options.filter }, onPacket);
  }

  /**
   * Several interfaces in one file (pcapng from dumpcap -i a -i b) may be written in batches:
   * tolerate that much reordering from the start (a streamed pcapng names them as it goes).
   */
  private noteInterfaces(capture: Capture): void {
    if (capture.interfaces.length === this.interfaces) return;
    this.interfaces = capture.interfaces.length;
    if (capture.interfaces.filter((i) => i.name !== 'any').length > 1) this.hopCollector.tolerateReorder(BATCH_REORDER);
  }

  frame(capture: Capture, i: number, data: Uint8Array): void {
    if (capture.interfaces.length !== this.interfaces) this.noteInterfaces(capture);
    this.pass.frame(capture, i, data);
  }

  finish(capture: Capture): AnalysisResult {
    const { opts, flowCollector } = this;
    const stats = this.pass.stats(capture);
    const hops = this.hopCollector.finish();
    flowCollector.finish(stats.end, opts.answerGrace);
    const tunnels = this.tunnelCollector.finish(flowCollector.innerPairs());
    const hints = fingerprint(tunnels);
    const { topology, view } = this.topologyCollector.finish(opts, hops, flowCollector);
    const vantage = decideVantage({ links: opts.links, routes: opts.routes, topology, hops, tunnels, traffic: this.vantageCollector, isPod: view.isPod });
    const vteps = this.vtepCollector.finish(opts, vantage);
    const models: AnalysisModels = {
      tunnels,
      flows: flowCollector,
      hops,
      topology,
      view,
      vantage,
      vteps,
      fingerprint: hints,
      options: opts,
      stats,
      flowLookup: flowCollector,
      names: analysisNaming(opts),
    };
    const alerts = sortAlerts(this.runs.flatMap((r) => capAlerts(r.evaluate(models), opts.maxAlertsPerRule)));
    for (const a of alerts) {
      a.vantage ??= vantage.host;
      a.confidence ??= 'certain';
    }
    const parts = { tunnels, hops, topology, fingerprint: hints, vantage, alerts, stats: { ...stats, untrackedFlowPackets: flowCollector.untracked } };
    return resultWithFlows(parts, flowCollector.viewer());
  }
}

/**
 * The result, its flows' views made when first asked for: the alert commands never ask. Made
 * outside finish() so that the getter holds on to nothing but the flows.
 */
function resultWithFlows(parts: Omit<AnalysisResult, 'flows' | 'flowCount' | 'flowAt'>, viewer: FlowViewer): AnalysisResult {
  const { tunnels, ...rest } = parts;
  let flows: Flow[] | undefined;
  return {
    tunnels,
    // Once a list is made or given, these follow it; before, each view is made and dropped.
    get flowCount(): number {
      return flows ? flows.length : viewer.count;
    },
    flowAt: (i) => (flows ? flows[i]! : viewer.at(i)),
    get flows(): Flow[] {
      return (flows ??= Array.from({ length: viewer.count }, (_, id) => viewer.at(id)));
    },
    set flows(list: Flow[]) {
      flows = list;
    },
    ...rest,
  };
}

/**
 * A rule that finds thousands of things (a port scan: a SYN to every port) lists the `max`
 * biggest and sums up the rest in one more alert, so the list stays readable and small.
 */
function capAlerts(list: Alert[], max: number): Alert[] {
  if (list.length <= max) return list;
  const sorted = [...list].sort((a, b) => b.count - a.count);
  const kept = sorted.slice(0, max);
  const rest = sorted.slice(max);
  const first = rest[0]!;
  kept.push({
    id: first.id,
    severity: first.severity,
    title: msg.alertsMoreTitle(
      first.id,
      rest.length,
      rest.reduce((n, a) => n + a.count, 0),
    ),
    explanation: msg.alertsMoreExplanation(max),
    fix: first.fix,
    frames: rest.flatMap((a) => a.frames.slice(0, 1)).slice(0, 10),
    count: rest.reduce((n, a) => n + a.count, 0),
    details: { alerts: rest.length },
  });
  return kept;
}
