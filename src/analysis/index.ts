// The analysis API a UI or a script calls: analyze(capture, opts) and the types of its models.
export { analyze, analyzeFile, type AnalysisResult } from './analyze.js';
export { RULES, SEVERITY_RANK, sortAlerts, type Alert, type Rule, type Severity } from './alerts/index.js';
export { fingerprint, vniLabel, type CniHint } from './fingerprint.js';
export type { Flow, FlowDirection, Unanswered } from './flows.js';
export type { CopyIndex, HopKind, HopPath, Hops } from './hops.js';
export { parseIpRoute, parsePodCidrArg, parsePodCidrOption, readIpRouteFile, type AnalysisOptions, type Route } from './options.js';
export type { PassStats } from './pass.js';
export type { Neighbor, PodSubnet, Topology } from './topology.js';
export type { InnerPair, Tunnel } from './tunnels.js';
export {
  classifyInterfaces,
  decideVantage,
  hostWord,
  interfaceRoleFromName,
  roleOf,
  type Confidence,
  type HostRole,
  type InterfaceRole,
  type InterfaceVantage,
  type Vantage,
} from './vantage.js';
