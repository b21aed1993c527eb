// The analysis module's results turned into what the Flows, Tunnels, Hops and Alerts views
// draw: plain arrays of rows (structured-clone safe, so a worker thread can build them), with
// the display filter that shows each flow or tunnel in the packet list.
import type { Alert, AnalysisResult, Flow, Severity, Tunnel } from '../analysis/index.js';
import type { HopPath } from '../analysis/hops.js';
import { roleOf } from '../analysis/vantage.js';
import { encapByName, idText } from '../dissect/encap/index.js';
import { safeText } from '../text/escape.js';
import type { JourneyView } from './journey-model.js';
import { FlowRowsBuilder, type FlowGroup, type FlowMatch, type FlowRow, type FlowRows } from './flow-rows.js';

export type { FlowGroup, FlowMatch, FlowRow, FlowRows } from './flow-rows.js';

export interface TunnelRow {
  id: number;
  kind: string;
  src: string;
  dst: string;
  port: number;
  /** The tunnel id as a number (for sorting) and as the packet list shows it: "VNI 32001", "key 0x000003e9"; "" without one (IPIP). */
  vni: number;
  idText: string;
  packets: number;
  bytes: number;
  fragments: number;
  inner: string;
  firstFrame: number;
  filter: string;
}

export interface TunnelMatrix {
  /** Tunnel endpoints (VTEPs), sources and destinations together, sorted. */
  vteps: string[];
  /** cells[i][j]: packets from vteps[i] to vteps[j] and the tunnel ids used (formatted, without their label). */
  cells: { packets: number; ids: string[] }[][];
}

export interface HopRow {
  kind: string;
  ingress: string;
  egress: string;
  src: string;
  dst: string;
  packets: number;
  ttl: string;
  latencyUs: number;
  macRewritten: boolean;
  encapsulated: boolean;
  /** IP fragments not put back together: no header says what they carry. */
  fragments: boolean;
  /** Left through the uplink (the default route), or an alert names this path. */
  misroute: boolean;
  /** The later copies were addressed to another host (OTHERHOST): this host dropped them. */
  dropped: boolean;
  /** Frame numbers of the first pair [ingress copy, egress copy]. */
  example: [number, number] | undefined;
  /** Display filter for this path's packets. */
  filter: string;
}

/** What the Alerts view shows of an alert (it crosses from the analysis worker as plain data). */
export type AlertRow = Pick<Alert, 'id' | 'severity' | 'title' | 'explanation' | 'fix' | 'frames' | 'count'>;

export interface AnalysisView {
  /** Every flow, grouped by the tunnel that carried it first (plain flows last). */
  flowRows: FlowRows;
  flowGroups: FlowGroup[];
  flowCount: number;
  tunnels: TunnelRow[];
  matrix: TunnelMatrix;
  hops: HopRow[];
  /** Whether the capture records interfaces or directions (hops are possible at all). */
  placed: boolean;
  alerts: AlertRow[];
  /** Forwarding copies: copies[k] (a frame number) is a copy of origins[k]; sorted by copy. */
  copies: Uint32Array;
  origins: Uint32Array;
  /** CNI hints, one line each. */
  hints: string[];
  /** Several captures merged into one list: each followed packet's journey through them. */
  journeys?: JourneyView;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** How the views show an address: a name from the Kubernetes context, or the address itself. */
export type ShowAddress = (address: string) => string;
const BARE: ShowAddress = (a) => a;

/** "VNI 32001", "key 0x00000028"; empty for a tunnel without an id (IPIP). */
function tunnelId(t: Pick<Tunnel, 'kind' | 'vni' | 'hasId'>): string {
  return t.hasId ? idText(encapByName(t.kind), t.vni) : '';
}

function tunnelTitle(t: Tunnel, show: ShowAddress): string {
  const id = tunnelId(t);
  return `${t.kind} ${show(t.src)} → ${show(t.dst)}${t.port ? `  udp/${t.port}` : ''}${id ? `  ${id}` : ''}${t.encrypted ? '  (encrypted)' : ''}`;
}

/**
 * A display filter matching exactly one flow's packets: its addresses and ports in either
 * direction (an echo's identifier for ICMP), inside the tunnels it used when it was tunnelled
 * (the tunnel rows' own filters).
 */
export function flowRowFilter(row: FlowRow, tunnels: readonly Pick<TunnelRow, 'id' | 'filter'>[]): string {
  const byId = new Map(tunnels.map((t) => [t.id, t.filter]));
  return flowFilter(
    row.match,
    row.match.tunnels.map((id) => byId.get(id)).filter((f): f is string => f !== undefined),
  );
}

function flowFilter(f: FlowMatch, tunnelFilters: readonly string[]): string {
  const inner = f.tunnels.length ? 'inner.' : '';
  const ip = f.family === 6 ? 'ipv6' : 'ip';
  const l4 = f.proto.toLowerCase();
  const way = (a: string, b: string, pa: number, pb: number): string => {
    const parts = [`${inner}${ip}.src == ${a}`, `${inner}${ip}.dst == ${b}`];
    if (f.proto === 'TCP' || f.proto === 'UDP') parts.push(`${inner}${l4}.srcport == ${pa}`, `${inner}${l4}.dstport == ${pb}`);
    return parts.join(' && ');
  };
  let text = `((${way(f.src, f.dst, f.srcPort, f.dstPort)}) || (${way(f.dst, f.src, f.dstPort, f.srcPort)}))`;
  // Echo requests and replies share an identifier (the flow's "port"); other ICMP has none.
  if (f.proto === 'ICMP') text += f.srcPort ? ` && ${inner}icmp.ident == ${f.srcPort}` : ` && ${inner}icmp && !${inner}icmp.ident`;
  else if (f.proto === 'ICMPv6')
    text += f.srcPort ? ` && ${inner}icmpv6.echo.identifier == ${f.srcPort}` : ` && ${inner}icmpv6 && !${inner}icmpv6.echo.identifier`;
  else if (f.proto !== 'TCP' && f.proto !== 'UDP') text += ` && ${inner}${ip}.proto == ${protoNumber(f.proto)}`;
  if (tunnelFilters.length) text += ` && (${tunnelFilters.map((t) => `(${t})`).join(' || ')})`;
  return text;
}

const PROTO_NUMBERS: Record<string, number> = { TCP: 6, UDP: 17, ICMP: 1, ICMPv6: 58, SCTP: 132, GRE: 47, ESP: 50, IGMP: 2 };

function protoNumber(name: string): number | string {
  return PROTO_NUMBERS[name] ?? (/^\d+$/.test(name) ? name : (/(\d+)/.exec(name)?.[1] ?? name));
}

/** A display filter for one forwarding path: the packets of that pair on either interface. */
export function hopFilter(h: Pick<HopRow, 'ingress' | 'egress' | 'src' | 'dst'>): string {
  const ip = h.src.includes(':') ? 'ipv6' : 'ip';
  const ifs = [...new Set([h.ingress, h.egress])].map((i) => `frame.interface_name == "${i.replace(/["\\]/g, '')}"`);
  return `${ifs.length > 1 ? `(${ifs.join(' || ')})` : ifs[0]} && ${ip}.src == ${h.src} && ${ip}.dst == ${h.dst}`;
}

/** A display filter matching one tunnel row's packets: outer endpoints, and the id (or else the port or kind). */
export function tunnelFilter(t: Pick<Tunnel, 'kind' | 'src' | 'dst' | 'vni' | 'hasId' | 'family' | 'port'>): string {
  const encap = encapByName(t.kind);
  const ip = t.family === 6 ? 'ipv6' : 'ip';
  const parts = [`outer.${ip}.src == ${t.src}`, `outer.${ip}.dst == ${t.dst}`];
  // The id field names the kind too; without an id, the port or the kind's own filter does.
  // In the id's own notation (gre.key == 0x000003e9), as the views show it.
  if (encap?.id && t.hasId) parts.push(`${encap.id.field} == ${encap.id.format(t.vni)}`);
  else {
    if (t.port) parts.push(`udp.port == ${t.port}`);
    else if (encap) parts.push(encap.filter);
    // The packets of this kind without an id (a WireGuard handshake), not those with one.
    if (encap?.id) parts.push(`!${encap.id.field}`);
  }
  return parts.join(' && ');
}

/**
 * "back: VXLAN VNI 45678 10.0.0.2→10.0.0.1; also: GRE key 0x0000002a 10.0.0.1→10.0.0.2": the
 * flow's other tunnels with their endpoints (a relay or a wrong VTEP shows there), by the way
 * the inner packets they carried went (a tunnel that carried the replies is "back"); "back:
 * plain" when the replies of a tunnelled flow were never tunnelled (asymmetric routing).
 * `name` gives a tunnel's text (made once per tunnel, not per flow).
 */
function otherTunnels(f: Flow, tunnels: readonly number[], group: number | undefined, name: (id: number) => string | undefined): string {
  let back = '';
  let same = '';
  if (tunnels.length > (group === undefined ? 0 : 1)) {
    const forwardIds = f.tunnelsOf(0);
    for (const id of tunnels) {
      const text = id === group ? undefined : name(id);
      if (text === undefined) continue;
      if (forwardIds.includes(id)) same += same ? `, ${text}` : text;
      else back += back ? `, ${text}` : text;
    }
  }
  if (f.carriedOf(0) !== 'plain' && f.carriedOf(0) !== '' && f.carriedOf(1) === 'plain') back += back ? ', plain' : 'plain';
  if (!back) return same ? `also: ${same}` : '';
  return same ? `back: ${back}; also: ${same}` : `back: ${back}`;
}

/** Builds every view model from one analysis result. */
export function buildAnalysisView(r: AnalysisResult, frameCount: number, show: ShowAddress = BARE): AnalysisView {
  const byId = new Map(r.tunnels.map((t) => [t.id, t]));
  // Flows under the tunnel that carried their first direction; plain flows last.
  const members = new Map<number, number[]>();
  const plainFlows: number[] = [];
  // Flows by id, each view made and dropped in turn: the result's list of every view would be
  // half a million objects more at the worker's peak.
  for (let k = 0; k < r.flowCount; k++) {
    const f = r.flowAt(k);
    const tid = f.tunnelsOf(0)[0] ?? f.tunnels[0];
    if (tid === undefined || !byId.has(tid)) plainFlows.push(k);
    else {
      const list = members.get(tid);
      if (list) list.push(k);
      else members.set(tid, [k]);
    }
  }
  const rows = new FlowRowsBuilder(r.flowCount);
  const names = new Map<number, string>();
  const tunnelName = (id: number): string | undefined => {
    let text = names.get(id);
    const t = byId.get(id);
    if (text === undefined && t) names.set(id, (text = [t.kind, tunnelId(t), `${show(t.src)}→${show(t.dst)}`].filter(Boolean).join(' ')));
    return text;
  };
  const named = show === BARE ? undefined : show;
  const addRows = (flows: readonly number[], group: number | undefined): void => {
    for (const k of flows) {
      const f = r.flowAt(k);
      const tunnels = f.tunnels;
      const known = tunnels.every((id) => byId.has(id)) ? tunnels : tunnels.filter((id) => byId.has(id));
      rows.addFlow(f, otherTunnels(f, known, group, tunnelName), known, named);
    }
  };
  const flowGroups: FlowGroup[] = [];
  for (const tid of [...members.keys()].sort((a, b) => a - b)) {
    const start = rows.count;
    addRows(members.get(tid)!, tid);
    flowGroups.push({ title: safeText(tunnelTitle(byId.get(tid)!, show)), tunnel: tid, start, count: rows.count - start });
  }
  if (plainFlows.length) {
    const start = rows.count;
    addRows(plainFlows, undefined);
    flowGroups.push({ title: 'not tunnelled', start, count: rows.count - start });
  }

  const tunnels: TunnelRow[] = r.tunnels.map((t) => ({
    id: t.id,
    kind: t.kind,
    src: safeText(show(t.src)),
    dst: safeText(show(t.dst)),
    port: t.port,
    vni: t.vni,
    idText: tunnelId(t),
    packets: t.packets,
    bytes: t.bytes,
    fragments: t.fragments,
    inner: t.encrypted
      ? 'encrypted'
      : safeText(
          t.innerPairs
            .slice(0, 3)
            .map((p) => `${show(p.src)} → ${show(p.dst)}`)
            .join(', '),
        ),
    firstFrame: t.firstFrame,
    filter: tunnelFilter(t),
  }));
  const vteps = [...new Set(r.tunnels.flatMap((t) => [t.src, t.dst]))].sort();
  const at = new Map(vteps.map((v, i) => [v, i]));
  const cells = vteps.map(() => vteps.map(() => ({ packets: 0, ids: [] as string[] })));
  for (const t of r.tunnels) {
    const c = cells[at.get(t.src)!]![at.get(t.dst)!]!;
    c.packets += t.packets;
    const id = t.hasId ? (encapByName(t.kind)?.id?.format(t.vni) ?? String(t.vni)) : '';
    if (id && !c.ids.includes(id)) c.ids.push(id);
  }

  const uplink = r.topology.uplink?.name;
  const alertPaths = new Set(
    r.alerts.filter((a) => a.severity !== 'info' && a.ingress !== undefined && a.egress !== undefined).map((a) => `${a.ingress}|${a.egress}`),
  );
  // In and out of a tunnel device is a node relaying (decapsulated, then encapsulated again
  // towards another VTEP), which the alerts say; not a hairpin.
  const relay = (p: HopPath): boolean => p.kind === 'hairpin' && p.ingress === p.egress && roleOf(r.vantage, p.ingress) === 'tunnel';
  const hops: HopRow[] = r.hops.paths.map((p) => ({
    kind: relay(p) ? 'relay' : p.kind,
    ingress: safeText(p.ingress),
    egress: safeText(p.egress),
    src: safeText(show(p.src)),
    dst: safeText(show(p.dst)),
    packets: p.packets,
    ttl: `${p.ttlIn} → ${p.ttlOut}`,
    latencyUs: Math.round(p.latency.avg * 1e6),
    macRewritten: p.macRewritten,
    encapsulated: p.encapsulated,
    fragments: p.fragments,
    misroute: (p.kind === 'hairpin' && !relay(p)) || (uplink !== undefined && p.egress === uplink) || alertPaths.has(`${p.ingress}|${p.egress}`),
    dropped: p.notForHost > 0,
    example: p.examples[0],
    filter: '',
  }));
  for (const h of hops) h.filter = hopFilter(h);

  const alerts: AlertRow[] = r.alerts
    .map((a) => ({
      id: a.id,
      severity: a.severity,
      title: safeText(a.title),
      explanation: safeText(a.explanation),
      fix: safeText(a.fix),
      frames: [...a.frames],
      count: a.count,
    }))
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);

  // The copy index only answers "is frame N a copy?": ask it for every frame once.
  const copyList: number[] = [];
  const originList: number[] = [];
  if (r.hops.copies.count > 0) {
    for (let n = 1; n <= frameCount; n++) {
      const o = r.hops.copies.of(n);
      if (o !== undefined) {
        copyList.push(n);
        originList.push(o);
      }
    }
  }
  return {
    flowRows: rows.finish(),
    flowGroups,
    flowCount: r.flowCount,
    tunnels,
    matrix: { vteps: vteps.map((v) => safeText(show(v))), cells },
    hops,
    placed: r.hops.placed,
    alerts,
    copies: Uint32Array.from(copyList),
    origins: Uint32Array.from(originList),
    hints: r.fingerprint.map((h) => safeText(`${h.cni} (${h.confidence}): ${h.reason}`)),
  };
}

/** The frame a forwarding copy repeats, or undefined (binary search in the sorted copies). */
export function copyOrigin(view: AnalysisView, frame: number): number | undefined {
  const c = view.copies;
  let lo = 0;
  let hi = c.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = c[mid]!;
    if (v === frame) return view.origins[mid];
    if (v < frame) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

export function alertCounts(view: AnalysisView): { error: number; warning: number; info: number } {
  const n = { error: 0, warning: 0, info: 0 };
  for (const a of view.alerts) n[a.severity]++;
  return n;
}
