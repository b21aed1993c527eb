// Journeys only counted (JourneyOptions.keep) are judged on reused objects: the flows they are
// counted in, and the journeys a consumer keeps, must be what judging each one as an object of
// its own gives. On every committed lab recording (four hosts each, every fate among them) and
// the clock shifted by 3.2 s.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { JourneyEngine, type Journey, type JourneyOptions } from '../../src/journey/engine.js';
import type { Fate } from '../../src/journey/fate.js';
import { openCaptureFiles, type CaptureFiles } from '../../src/journey/inputs.js';

const HOSTS_DIR = 'samples/lab-recordings/hosts';
const FILES = readdirSync(HOSTS_DIR);

function scenario(name: string, capture = (host: string) => `${name}-${host}-any.pcap`): CaptureFiles {
  const files = new Set(FILES);
  const hosts = ['ctr', 'router', 'w1', 'w0'].filter((h) => files.has(capture(h)));
  return {
    specs: hosts.map((h) => ({ name: h, file: join(HOSTS_DIR, capture(h)) })),
    links: hosts.filter((h) => files.has(`${name}-${h}.ip-link.txt`)).map((h) => [h, join(HOSTS_DIR, `${name}-${h}.ip-link.txt`)]),
    routes: hosts.filter((h) => files.has(`${name}-${h}.ip-route.txt`)).map((h) => [h, join(HOSTS_DIR, `${name}-${h}.ip-route.txt`)]),
  };
}

async function follow(files: CaptureFiles, keep?: (fate: Fate) => boolean): Promise<{ journeys: Journey[]; flows: unknown; count: number }> {
  const loaded = await openCaptureFiles(files, () => {}, true);
  try {
    const opts: JourneyOptions = { registry: createRegistry(), ...(keep ? { keep } : {}) };
    const journeys: Journey[] = [];
    const run = new JourneyEngine(loaded.inputs, opts).run((j) => journeys.push(j));
    return { journeys, flows: run.flows, count: run.journeys };
  } finally {
    loaded.close();
  }
}

const SCENARIOS = [...new Set(FILES.filter((f) => f.endsWith('-ctr-any.pcap')).map((f) => f.slice(0, -'-ctr-any.pcap'.length)))].sort();

describe('journey: journeys judged only to be counted', () => {
  it('finds the lab scenarios', () => {
    assert.ok(SCENARIOS.length >= 10, SCENARIOS.join(' '));
  });

  const cases: [string, CaptureFiles][] = SCENARIOS.map((s) => [s, scenario(s)]);
  cases.push(['tunnel, w0 3.2 s ahead', scenario('tunnel', (h) => (h === 'w0' ? 'tunnel-w0-any.skew+3.2s.pcap' : `tunnel-${h}-any.pcap`))]);
  for (const [name, files] of cases) {
    it(`${name}: the same flows, and the kept journeys as they are when every one is emitted`, async () => {
      const all = await follow(files);
      assert.ok(all.count > 0 && all.journeys.length === all.count);
      const none = await follow(files, () => false);
      assert.equal(none.journeys.length, 0);
      assert.equal(none.count, all.count);
      assert.deepEqual(none.flows, all.flows);
      // Every other fate kept, so that kept and counted journeys alternate on the reused objects.
      const fates: Fate[] = ['lost', 'unknown'];
      const some = await follow(files, (fate) => fates.includes(fate));
      assert.deepEqual(some.flows, all.flows);
      assert.deepEqual(
        some.journeys,
        all.journeys.filter((j) => fates.includes(j.fate)),
      );
      const every = await follow(files, () => true);
      assert.deepEqual(every.journeys, all.journeys);
    });
  }
});
