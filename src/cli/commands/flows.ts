// `vxshark flows FILE`: the inner (pod-to-pod) flows and plain flows, each with the tunnels
// that carried it, packets and bytes each way, and what the flow did.
import type { Flow } from '../../analysis/index.js';
import { msg } from '../../errors.js';
import type { Output } from '../io.js';
import { humanBytes, outputWidth, table, wrap, type Column } from '../print/tables.js';
import { runAnalysis, type AnalysisArgs } from './analysis-common.js';
import { nameFields } from '../shown-names.js';

const endpoint = (addr: string, port: number, f: Flow): string =>
  f.proto === 'TCP' || f.proto === 'UDP' ? (addr.includes(':') && !addr.includes('/') ? `[${addr}]:${port}` : `${addr}:${port}`) : addr;

function carried(f: Flow): string {
  if (f.tunnels.length === 0) return '-';
  const plain = f.directions.some((d) => d.carried === 'plain' || d.carried === 'both');
  return `${plain ? 'plain + ' : ''}${f.tunnels.map((t) => `#${t}`).join(' ')}`;
}

export async function flows(args: AnalysisArgs, out: Output): Promise<number> {
  const { result, status, names } = await runAnalysis(args);
  if (args.json) {
    const rows = result.flows.map((f) => ({ ...f.toJSON(), ...nameFields(names, f.src, f.dst) }));
    out.line(JSON.stringify(rows, null, 2));
    return status;
  }
  const rows = result.flows.map((f) => [
    f.id,
    f.proto,
    endpoint(names.show(f.src), f.srcPort, f),
    endpoint(names.show(f.dst), f.dstPort, f),
    `${f.directions[0].packets}/${f.directions[1].packets}`,
    humanBytes(f.bytes),
    carried(f),
    f.unanswered ? `${f.state} (!)` : f.state,
  ]);
  const columns: Column[] = [
    { header: 'ID', align: 'right' },
    { header: 'PROTO' },
    { header: 'SOURCE', flex: 1, min: 15 },
    { header: 'DESTINATION', flex: 1, min: 15 },
    { header: 'PKTS →/←', align: 'right' },
    { header: 'BYTES', align: 'right' },
    { header: 'TUNNELS', flex: 2, min: 7 },
    { header: 'STATE', flex: 3, min: 12 },
  ];
  const tunnelled = result.flows.filter((f) => f.tunnels.length > 0).length;
  const width = outputWidth();
  for (const l of wrap(msg.flowsHeading(result.flows.length, tunnelled, result.stats.analysed), width, '  ')) out.line(l);
  if (result.flows.length) for (const l of table(columns, rows, width)) out.line(l);
  return status;
}
