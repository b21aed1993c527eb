// `vxshark tunnels FILE`: one row per outer source, outer destination, encapsulation, port and
// VNI, with the inner address pairs it carried and its opposite direction; then the CNI hint.
import { vniLabel } from '../../analysis/index.js';
import { msg } from '../../errors.js';
import type { Output } from '../io.js';
import { humanBytes, outputWidth, table, tableWidth, wrap, type Column } from '../print/tables.js';
import { runAnalysis, type AnalysisArgs } from './analysis-common.js';
import { nameFields } from '../shown-names.js';

export async function tunnels(args: AnalysisArgs, out: Output): Promise<number> {
  const { result, status, names } = await runAnalysis(args);
  const hints = result.fingerprint;
  if (args.json) {
    const rows = result.tunnels.map((t) => {
      const identity = names.identity(t.vni);
      return {
        ...t,
        ...nameFields(names, t.src, t.dst),
        ...(identity !== undefined ? { identity } : {}),
        vniLabel: vniLabel(t, hints),
        cni: hints.find((h) => h.kind === t.kind && h.port === t.port) ?? null,
      };
    });
    out.line(JSON.stringify(rows, null, 2));
    return status;
  }
  const width = outputWidth();
  for (const l of wrap(msg.tunnelsHeading(result.tunnels.length, result.stats.analysed), width, '  ')) out.line(l);
  if (result.tunnels.length === 0) return status;
  const fragmented = result.tunnels.some((t) => t.fragments > 0);
  const columns: Column[] = [
    { header: 'ID', align: 'right' },
    { header: 'TYPE' },
    { header: 'PORT', align: 'right' },
    { header: 'VNI/ID' },
    { header: 'OUTER SOURCE → DESTINATION', flex: 1, min: 20 },
    { header: 'PKTS', align: 'right' },
    { header: 'BYTES', align: 'right' },
    ...(fragmented ? [{ header: 'FRAGS', align: 'right' } as Column] : []),
    { header: 'BACK' },
  ];
  const below = result.tunnels.map((t) => {
    if (t.encrypted) return [msg.tunnelEncrypted(t.kind)];
    const lines: string[] = [];
    const labels = t.vni === undefined ? undefined : names.identity(t.vni);
    if (labels !== undefined) lines.push(msg.tunnelIdentity(t.vni, labels));
    if (t.innerPairs.length)
      lines.push(
        msg.tunnelCarries(
          t.innerPairs.slice(0, 4).map((p) => `${names.show(p.src)} → ${names.show(p.dst)} (${p.packets})`),
          t.innerPairs.length,
        ),
      );
    return lines.length ? lines : undefined;
  });
  const rows = result.tunnels.map((t) => {
    return [
      t.id,
      t.kind,
      t.port || '-',
      vniLabel(t, hints),
      `${names.show(t.src)} → ${names.show(t.dst)}`,
      t.packets,
      humanBytes(t.bytes),
      ...(fragmented ? [t.fragments] : []),
      t.reverse.length ? t.reverse.map((r) => `#${r}`).join(' ') : '-',
    ];
  });
  for (const l of table(columns, rows, tableWidth(), below)) out.line(l);
  for (const h of hints) {
    out.line('');
    for (const l of wrap(msg.cniHintLine(h.cni, h.confidence, h.kind, h.port, h.reason), width, '  ')) out.line(l);
  }
  return status;
}
