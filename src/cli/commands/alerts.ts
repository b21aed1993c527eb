// `vxshark alerts FILE`: what is wrong, most severe first, each with its evidence frames, an
// explanation and a fix. --fail-on makes the exit status say whether any alert reached a level.
import { SEVERITY_RANK, type Alert, type Severity } from '../../analysis/index.js';
import { EXIT_ALERTS, msg } from '../../errors.js';
import type { Output } from '../io.js';
import { frameList, outputWidth, wrap } from '../print/tables.js';
import { runAnalysis, type AnalysisArgs } from './analysis-common.js';

export interface AlertsArgs extends AnalysisArgs {
  'fail-on'?: 'warning' | 'error';
}

export function printAlert(a: Alert, out: Output, width: number): void {
  out.line(`${a.severity.toUpperCase().padEnd(8)}${a.id}  ${msg.alertEvidence(frameList(a.frames), a.count)}`);
  for (const l of wrap(a.title, width - 2)) out.line(`  ${l}`);
  for (const l of wrap(`Why: ${a.explanation}`, width - 2, '     ')) out.line(`  ${l}`);
  for (const l of wrap(`Fix: ${a.fix}`, width - 2, '     ')) out.line(`  ${l}`);
}

/**
 * One alert as `alerts --json` prints it (docs/alerts.md): the contract's fields first, in a
 * fixed order, then the rule's own evidence fields.
 */
export function alertJson(a: Alert): Record<string, unknown> {
  const { id, severity, title, explanation, fix, frames, count, vantage, confidence, ...evidence } = a;
  return { id, severity, title, explanation, fix, frames, count, vantage: vantage ?? 'unknown', confidence: confidence ?? 'certain', ...evidence };
}

/** Prints the alerts (text or the JSON contract) and returns the exit status --fail-on asks for. */
export function printAlerts(
  list: readonly Alert[],
  packets: number,
  args: { json: boolean; 'fail-on'?: 'warning' | 'error' },
  out: Output,
  status: number,
): number {
  if (args.json) out.line(JSON.stringify(list.map(alertJson), null, 2));
  else {
    const width = outputWidth();
    list.forEach((a, i) => {
      if (i > 0) out.line('');
      printAlert(a, out, width);
    });
    if (list.length) out.line('');
    const count = (s: Severity): number => list.filter((a) => a.severity === s).length;
    out.line(list.length ? msg.alertsSummary(count('error'), count('warning'), count('info'), packets) : msg.noAlerts(packets));
  }
  const failOn = args['fail-on'];
  if (failOn !== undefined && list.some((a) => SEVERITY_RANK[a.severity] >= SEVERITY_RANK[failOn])) return EXIT_ALERTS;
  return status;
}

export async function alerts(args: AlertsArgs, out: Output): Promise<number> {
  const { result, status } = await runAnalysis(args);
  return printAlerts(result.alerts, result.stats.analysed, args, out, status);
}
