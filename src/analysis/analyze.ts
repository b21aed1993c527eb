// analyze(capture, opts): every model and every alert from one sequential pass. Pure with
// respect to the capture: the same frames and options give the same result.
import type { Capture } from '../capture/capture.js';
import { createRegistry } from '../dissect/default-registry.js';
import { msg } from '../errors.js';
import { RULES, sortAlerts, type Alert, type AnalysisModels } from './alerts/index.js';
import { fingerprint, type CniHint } from './fingerprint.js';
import { FlowCollector, type Flow } from './flows.js';
import { HopCollector, type Hops } from './hops.js';
import { resolveOptions, type AnalysisOptions } from './options.js';
import type { Packet } from '../dissect/types.js';
import type { Facts } from './facts.js';
import { analysisNaming } from './naming.js';
import { runPass, type PassStats } from './pass.js';
import { TopologyCollector, type Topology } from './topology.js';
import { TunnelCollector, type Tunnel } from './tunnels.js';
import { decideVantage, VantageCollector, type Vantage } from './vantage.js';
import { VtepCollector } from './vteps.js';

export interface AnalysisResult {
  tunnels: Tunnel[];
  flows: Flow[];
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
  const opts = resolveOptions(options);
  const registry = options.registry ?? createRegistry();
  // Several interfaces in one file (pcapng from dumpcap -i a -i b) may be written in batches.
  const reorder = capture.interfaces.filter((i) => i.name !== 'any').length > 1 ? BATCH_REORDER : 0;
  const hopCollector = new HopCollector(opts.hopWindow, opts.evidenceFrames, opts.maxHopPaths, reorder);
  const tunnelCollector = new TunnelCollector(opts.evidenceFrames);
  const flowCollector = new FlowCollector(opts.evidenceFrames, opts.maxFlows, tunnelCollector.rows);
  const topologyCollector = new TopologyCollector();
  const vantageCollector = new VantageCollector();
  const vtepCollector = new VtepCollector();
  const runs = RULES.map((r) => r.start(opts));
  // Order matters: hops marks forwarding copies and tunnels assigns tunnel ids before the
  // flows (and the rules) look at the same packet.
  const observers = runs.filter((r) => r.observe !== undefined);
  const nObservers = observers.length;
  const onPacket = (f: Facts, pkt: Packet): void => {
    hopCollector.packet(f);
    tunnelCollector.packet(f, pkt);
    flowCollector.packet(f, pkt);
    topologyCollector.packet(f, pkt);
    vantageCollector.packet(f, pkt);
    vtepCollector.packet(f, pkt);
    for (let i = 0; i < nObservers; i++) observers[i]!.observe!(f, pkt);
  };
  const stats = runPass({ capture, registry, ifnames: options.ifnames, filter: options.filter }, onPacket);

  const hops = hopCollector.finish();
  const flows = flowCollector.finish(stats.end, opts.answerGrace);
  const tunnels = tunnelCollector.finish(flowCollector.innerPairs());
  const hints = fingerprint(tunnels);
  const { topology, view } = topologyCollector.finish(opts, hops, flows);
  const vantage = decideVantage({ links: opts.links, routes: opts.routes, topology, hops, tunnels, traffic: vantageCollector, isPod: view.isPod });
  const vteps = vtepCollector.finish(opts, vantage);
  const models: AnalysisModels = {
    tunnels,
    flows,
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
  const alerts = sortAlerts(runs.flatMap((r) => capAlerts(r.evaluate(models), opts.maxAlertsPerRule)));
  for (const a of alerts) {
    a.vantage ??= vantage.host;
    a.confidence ??= 'certain';
  }
  return { tunnels, flows, hops, topology, fingerprint: hints, vantage, alerts, stats: { ...stats, untrackedFlowPackets: flowCollector.untracked } };
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
