// What an alert is and what a rule sees. Each rule lives in its own file named after its id;
// alerts/index.ts lists them. A rule may watch packets during the single pass (observe) and
// then judges the finished models (evaluate).
import type { Packet } from '../../dissect/types.js';
import type { Facts } from '../facts.js';
import type { CniHint } from '../fingerprint.js';
import type { FlowList, FlowLookup } from '../flows.js';
import type { Hops } from '../hops.js';
import type { AnalysisNaming } from '../naming.js';
import type { ResolvedOptions } from '../options.js';
import type { PassStats } from '../pass.js';
import type { Topology, TopologyView } from '../topology.js';
import type { Tunnel } from '../tunnels.js';
import type { Confidence, HostRole, Vantage } from '../vantage.js';
import type { VtepMap } from '../vteps.js';

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export interface Alert {
  id: string;
  severity: Severity;
  /** One line. */
  title: string;
  /** What happened and why it matters, in plain words. */
  explanation: string;
  /** What to do about it. */
  fix: string;
  /** Evidence: frame numbers (the first few). */
  frames: number[];
  /** How many packets (or flows, for flow rules) the alert covers. */
  count: number;
  /** What the capturing host is (router, node, pod, unknown): the alert's wording follows it. Filled by analyze() when a rule leaves it out. */
  vantage?: HostRole;
  /** certain: from what the capture and the host's saved tables show; inferred: rests on a guess (an inferred uplink, pod range or vantage). */
  confidence?: Confidence;
  // The rule's evidence, where it applies.
  ingress?: string;
  egress?: string;
  prefix?: string;
  src?: string;
  dst?: string;
  vni?: number;
  port?: number;
  proto?: string;
  node?: string;
  flow?: number;
  tunnel?: number;
  /** Numbers a rule wants to show besides (sizes, counts). */
  details?: Record<string, number | string>;
}

export interface AnalysisModels {
  tunnels: readonly Tunnel[];
  flows: FlowList;
  hops: Hops;
  topology: Topology;
  view: TopologyView;
  vantage: Vantage;
  vteps: VtepMap;
  fingerprint: readonly CniHint[];
  options: ResolvedOptions;
  stats: PassStats;
  flowLookup: FlowLookup;
  /** Addresses and prefixes as alert texts name them (with a context: pods, nodes). */
  names: AnalysisNaming;
}

/** One run of a rule over one capture. */
export interface RuleRun {
  /** Sees every packet of the pass, after the models' collectors. */
  observe?(f: Facts, pkt: Packet): void;
  evaluate(m: AnalysisModels): Alert[];
}

export interface Rule {
  id: string;
  severity: Severity;
  /** What the rule looks for, in one line (for documentation and --help). */
  description: string;
  /** `room`: how many flows the flow table made room for (rules with per-flow state size it so). */
  start(opts: ResolvedOptions, room: RuleRoom): RuleRun;
}

export interface RuleRoom {
  flows: number;
}

/** Alerts grouped by a key while packets stream by, with bounded evidence. */
export class Groups<G extends { frames: number[]; count: number }> {
  readonly map = new Map<string, G>();
  constructor(private readonly cap: number) {}

  add(key: string, frame: number, make: () => G): G {
    let g = this.map.get(key);
    if (!g) this.map.set(key, (g = make()));
    g.count++;
    if (g.frames.length < this.cap) g.frames.push(frame);
    return g;
  }

  values(): G[] {
    return [...this.map.values()];
  }
}
