// `vxshark flows FILE`: the inner (pod-to-pod) flows and plain flows, each with the tunnels
// that carried it, packets and bytes each way, and what the flow did.
import type { Flow } from '../../analysis/index.js';
import { msg } from '../../errors.js';
import type { Output } from '../io.js';
import { humanBytes, outputWidth, tableWidth, wrap, writeJsonArray, writeTable, type Column } from '../print/tables.js';
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
  // Rows are made as they are printed, each flow's view with its row: a table or JSON of half a
  // million flows is never held whole, nor are the flows' views.
  const count = result.flowCount;
  if (args.json) {
    writeJsonArray(
      count,
      (i) => {
        const f = result.flowAt(i);
        return { ...f.toJSON(), ...nameFields(names, f.src, f.dst) };
      },
      (text) => out.line(text),
    );
    return status;
  }
  const cellsOf = (i: number): (string | number)[] => {
    const f = result.flowAt(i);
    const state = f.state;
    return [
      f.id,
      f.proto,
      endpoint(names.show(f.src), f.srcPort, f),
      endpoint(names.show(f.dst), f.dstPort, f),
      `${f.packetsOf(0)}/${f.packetsOf(1)}`,
      humanBytes(f.bytes),
      carried(f),
      f.unanswered ? `${state} (!)` : state,
    ];
  };
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
  let tunnelled = 0;
  for (let i = 0; i < count; i++) if (result.flowAt(i).tunnelled) tunnelled++;
  const width = outputWidth();
  for (const l of wrap(msg.flowsHeading(count, tunnelled, result.stats.analysed), width, '  ')) out.line(l);
  if (count) writeTable(columns, count, cellsOf, (l) => out.line(l), tableWidth());
  return status;
}
