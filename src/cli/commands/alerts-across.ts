// `vxshark alerts ctr=ctr.pcap router=router.pcap w0=w0.pcap`: the evidence of several captures
// combined. Packets followed through them that died somewhere are located exactly (journey.lost);
// each capture's own alerts follow, less those that only guessed at the same flows' fate.
import { analyze, sortAlerts, type Alert } from '../../analysis/index.js';
import { createRegistry } from '../../dissect/default-registry.js';
import { parseDecodeAs } from '../../dissect/registry.js';
import { compileFilter } from '../../filter/index.js';
import { LOST_FOR_ALERTS, journeyAlerts, supersededBy } from '../../journey/alerts.js';
import type { Journey } from '../../journey/engine.js';
import type { Output } from '../io.js';
import { printAlerts } from './alerts.js';
import { loadCaptures, runJourneys, type JourneyArgs } from './journey.js';

export interface AcrossArgs extends JourneyArgs {
  'fail-on'?: 'warning' | 'error';
}

export async function alertsAcross(args: AcrossArgs, out: Output): Promise<number> {
  const loaded = await loadCaptures(args, 'alerts', args);
  try {
    const lost: Journey[] = [];
    await runJourneys(loaded, args, {
      keep: (fate) => fate === 'lost' && lost.length < LOST_FOR_ALERTS,
      emit: (j) => lost.push(j),
    });
    const located = journeyAlerts(lost);
    const registry = createRegistry({ decodeAs: args.d.map(parseDecodeAs), heuristics: args.heuristics });
    const filter = args.Y !== undefined && args.Y.trim() !== '' ? compileFilter(args.Y, registry) : undefined;
    const perCapture: Alert[] = [];
    for (const input of loaded.inputs) {
      const result = analyze(input.capture, {
        registry,
        ifnames: input.ifnames,
        routes: input.host.routes,
        ...(input.links ? { links: input.links } : {}),
        ...(filter ? { filter } : {}),
      });
      for (const a of result.alerts) {
        if (supersededBy(located, a)) continue;
        perCapture.push({ ...a, title: `[${input.name}] ${a.title}`, node: a.node ?? input.name });
      }
    }
    const list = [...located, ...sortAlerts(perCapture)];
    const packets = loaded.inputs.reduce((n, i) => n + i.capture.frameCount, 0);
    return printAlerts(list, packets, args, out, loaded.status);
  } finally {
    loaded.close();
  }
}
