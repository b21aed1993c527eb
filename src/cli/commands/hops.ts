// `vxshark hops FILE`: the packets the capturing host forwarded, paired in copy and out copy:
// interfaces, TTL change, MAC rewrite and latency per path; then what the topology says.
import { msg } from '../../errors.js';
import type { Output } from '../io.js';
import { humanDuration, outputWidth, table, tableWidth, wrap, type Column } from '../print/tables.js';
import { runAnalysis, type AnalysisArgs } from './analysis-common.js';

export async function hops(args: AnalysisArgs, out: Output): Promise<number> {
  const { result, status, names } = await runAnalysis(args);
  const { hops: h, topology } = result;
  if (args.json) {
    out.line(JSON.stringify({ paths: h.paths, forwardingCopies: h.copies.count, topology }, null, 2));
    return status;
  }
  const width = outputWidth();
  if (!h.placed) {
    for (const l of wrap(msg.hopsUnplaced(), width)) out.line(l);
    return status;
  }
  for (const l of wrap(msg.hopsHeading(h.paths.length, h.copies.count), width, '  ')) out.line(l);
  if (h.paths.length) {
    const columns: Column[] = [
      { header: 'ID', align: 'right' },
      { header: 'KIND' },
      { header: 'IN → OUT' },
      { header: 'SOURCE → DESTINATION', flex: 1, min: 20 },
      { header: 'TTL' },
      { header: 'MAC', flex: 2, min: 9 },
      { header: 'PKTS', align: 'right' },
      { header: 'LATENCY', align: 'right' },
      { header: 'FIRST' },
    ];
    const rows = h.paths.map((p) => [
      p.id,
      p.kind + (p.encapsulated ? '*' : p.fragments ? '+' : '') + (p.notForHost > 0 ? '!' : ''),
      `${p.ingress} → ${p.egress}`,
      `${names.show(p.src)} → ${names.show(p.dst)}`,
      `${p.ttlIn}→${p.ttlOut}`,
      p.macRewritten ? 'rewritten' : p.macIn.src ? 'unchanged' : '-',
      p.packets,
      humanDuration(p.latency.avg),
      p.examples[0] ? `${p.examples[0][0]}→${p.examples[0][1]}` : '',
    ]);
    const below = h.paths.map((p) => (p.macIn.src || p.macOut.src ? [msg.hopMacs(p.macIn, p.macOut)] : undefined));
    for (const l of table(columns, rows, tableWidth(), below)) out.line(l);
    if (h.paths.some((p) => p.encapsulated)) out.line(msg.hopsTunnelNote());
    if (h.paths.some((p) => p.fragments)) out.line(msg.hopsFragmentNote());
    if (h.paths.some((p) => p.notForHost > 0)) out.line(msg.hopsNotForHostNote());
  }
  out.line('');
  const up = topology.uplink;
  for (const l of wrap(up ? msg.uplinkLine(up.name, up.reason) : msg.uplinkUnknown(), width, '  ')) out.line(l);
  // wrap() also escapes: interface names come from the capture.
  if (topology.podCidrs.length)
    for (const l of wrap(msg.podCidrLine(topology.podCidrs.map((p) => `${p.prefix} (${names.prefixOwner(p.prefix) ?? p.source})`)), width, '  ')) out.line(l);
  for (const f of topology.interfaces) {
    if (f.attached.length)
      for (const l of wrap(
        msg.attachedLine(
          f.name,
          f.attached.map((a) => a.prefix),
        ),
        width,
        '  ',
      ))
        out.line(l);
  }
  return status;
}
