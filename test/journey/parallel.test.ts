// The journey's second pass with its frames read in a worker thread gives what reading them on
// the main thread gives: every journey, hop by hop, every flow and clock, on the committed lab
// recordings (four hosts each, a clock shifted by 3.2 s among them) and on the samples (IPv6
// tunnels, GRE, ESP, one capture each). Batches of a few rows and a string table that starts
// over at every batch exercise the hand-over that large runs use.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TempDir } from '../capture/helpers.js';
import { Direction } from '../../src/capture/types.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { VxError } from '../../src/errors.js';
import { compileFilter } from '../../src/filter/index.js';
import { JourneyEngine, type Journey, type JourneyOptions } from '../../src/journey/engine.js';
import { openCaptureFiles, type CaptureFiles } from '../../src/journey/inputs.js';
import { ParallelSightings, type SightingTuning } from '../../src/journey/parallel-sightings.js';

const tmp = new TempDir();
after(() => tmp.cleanup());

const HOSTS_DIR = 'samples/lab-recordings/hosts';
const SAMPLES_DIR = 'samples';

/** A lab scenario's captures with each host's ip-link and ip-route files. */
function scenario(name: string, capture = (host: string) => `${name}-${host}-any.pcap`): CaptureFiles {
  const files = new Set(readdirSync(HOSTS_DIR));
  const hosts = ['ctr', 'router', 'w1', 'w0'].filter((h) => files.has(capture(h)));
  return {
    specs: hosts.map((h) => ({ name: h, file: join(HOSTS_DIR, capture(h)) })),
    links: hosts.filter((h) => files.has(`${name}-${h}.ip-link.txt`)).map((h) => [h, join(HOSTS_DIR, `${name}-${h}.ip-link.txt`)]),
    routes: hosts.filter((h) => files.has(`${name}-${h}.ip-route.txt`)).map((h) => [h, join(HOSTS_DIR, `${name}-${h}.ip-route.txt`)]),
  };
}

interface Outcome {
  journeys: Journey[];
  rest: unknown;
}

async function follow(files: CaptureFiles, filter: string | undefined, tuning?: SightingTuning): Promise<Outcome> {
  // With a worker, it loads the later captures too (openCaptureFiles gives it about half the bytes).
  const helper = tuning ? new ParallelSightings({ decodeAs: [], heuristics: false, ...(filter !== undefined ? { filter } : {}) }, tuning) : undefined;
  const reports: string[] = [];
  const loaded = await openCaptureFiles(files, (text) => reports.push(text), true, helper);
  try {
    const registry = createRegistry();
    const opts: JourneyOptions = { registry, ...(filter !== undefined ? { filter: compileFilter(filter, registry) } : {}) };
    const engine = new JourneyEngine(loaded.inputs, opts);
    const journeys: Journey[] = [];
    const run = helper ? await engine.runInParallel(helper, (j) => journeys.push(j)) : engine.run((j) => journeys.push(j));
    const hosts = loaded.inputs.map((i) => ({ kind: i.host.kind, beyondUdp: i.host.capturesBeyondUdp, visibly: i.host.handsToPodsVisibly }));
    return {
      journeys,
      rest: { captures: run.captures, flows: run.flows, journeys: run.journeys, untracked: run.untrackedPackets, hosts, reports, status: loaded.status },
    };
  } finally {
    loaded.close();
  }
}

/** An Ethernet pcap's frames between its two busiest MACs (and their broadcasts) only. */
function twoHostFrames(pcap: Buffer): Buffer {
  const records: Buffer[] = [];
  const macs = new Map<string, number>();
  const frames: { header: Buffer; data: Buffer; src: string; dst: string }[] = [];
  for (let at = 24; at + 16 <= pcap.length;) {
    const len = pcap.readUInt32LE(at + 8);
    const data = pcap.subarray(at + 16, at + 16 + len);
    const dst = data.subarray(0, 6).toString('hex');
    const src = data.subarray(6, 12).toString('hex');
    frames.push({ header: pcap.subarray(at, at + 16), data, src, dst });
    for (const m of new Set([src, dst])) macs.set(m, (macs.get(m) ?? 0) + 1);
    at += 16 + len;
  }
  const [a, b] = [...macs]
    .filter(([m]) => m !== 'ffffffffffff')
    .sort((x, y) => y[1] - x[1])
    .map(([m]) => m);
  const ends = new Set([a, b, 'ffffffffffff']);
  for (const f of frames) if (ends.has(f.src) && ends.has(f.dst)) records.push(f.header, f.data);
  return Buffer.concat([pcap.subarray(0, 24), ...records]);
}

/** How many journeys a run with this window judges. */
async function journeysWithin(files: CaptureFiles, window: number): Promise<number> {
  const loaded = await openCaptureFiles(files, () => {}, true);
  try {
    return new JourneyEngine(loaded.inputs, { registry: createRegistry(), window }).run(() => {}).journeys;
  } finally {
    loaded.close();
  }
}

async function assertSame(files: CaptureFiles, filter?: string): Promise<number> {
  const here = await follow(files, filter);
  const there = await follow(files, filter, { rowsPerBatch: 7, buffers: 2, maxStrings: 1 });
  assert.deepEqual(there.rest, here.rest);
  assert.equal(there.journeys.length, here.journeys.length);
  for (let n = 0; n < here.journeys.length; n++) assert.deepEqual(there.journeys[n], here.journeys[n], `journey ${n + 1}`);
  return here.journeys.length;
}

describe('journey: frames read in a worker thread', () => {
  for (const name of ['tunnel', 'native', 'wrong-vtep', 'pmtu-blackhole', 'policy-drop', 'relay', 'nat-vtep']) {
    it(`follows the ${name} recordings as the main thread does`, async () => {
      assert.ok((await assertSame(scenario(name))) > 0);
    });
  }

  it('with a node clock 3.2 s ahead, and with -Y', async () => {
    const skewed = scenario('tunnel', (h) => (h === 'w0' ? 'tunnel-w0-any.skew+3.2s.pcap' : `tunnel-${h}-any.pcap`));
    assert.ok((await assertSame(skewed)) > 0);
    assert.ok((await assertSame(scenario('policy-drop'), 'tcp')) > 0);
  });

  it("learns the own MAC of an Ethernet capture the worker loaded (it records no directions), from its frames or the host's ip link", async () => {
    for (const name of ['tunnel', 'native', 'pmtu-blackhole']) {
      // ctr's eth1 is on the node subnet with the router and w1: its own MAC is on most frames.
      const files: CaptureFiles = {
        specs: [
          { name: 'router', file: join(HOSTS_DIR, `${name}-router-any.pcap`) },
          { name: 'ctr', file: join(HOSTS_DIR, `${name}-ctr-eth1.pcap`) },
        ],
        links: [],
        routes: [],
      };
      for (const links of [[], [['ctr', join(HOSTS_DIR, `${name}-ctr.ip-link.txt`)]]] as [string, string][][]) {
        const withLinks = { ...files, links };
        assert.ok((await assertSame(withLinks)) > 0);
        const { journeys } = await follow(withLinks, undefined, { rowsPerBatch: 7, buffers: 2, maxStrings: 1 });
        const ctrHops = journeys.flatMap((j) => j.hops.filter((h) => h.capture === 1));
        assert.ok(ctrHops.some((h) => h.direction === Direction.Outbound) && ctrHops.some((h) => h.direction === Direction.Inbound));
      }
    }
  });

  it("on a link between two hosts, takes the own MAC from the host's ip link, or says that it cannot tell, in either thread", async () => {
    // ctr's eth1 frames with the router alone (w1's left out): both ends are on nearly every frame.
    const file = tmp.write(twoHostFrames(readFileSync(join(HOSTS_DIR, 'tunnel-ctr-eth1.pcap'))), 'ctr-router-link.pcap');
    const files: CaptureFiles = {
      specs: [
        { name: 'router', file: join(HOSTS_DIR, 'tunnel-router-any.pcap') },
        { name: 'ctr', file },
      ],
      links: [],
      routes: [],
    };
    assert.ok((await assertSame(files)) > 0);
    const bare = await follow(files, undefined, { rowsPerBatch: 7, buffers: 2, maxStrings: 1 });
    assert.deepEqual((bare.rest as { reports: string[] }).reports, [
      `${file}: two MACs are on most frames (a link between two hosts): which frames ctr sent cannot be told, and the journeys there have no direction; give --ip-link ctr=FILE or --ip-route ctr=FILE`,
    ]);
    assert.ok(bare.journeys.flatMap((j) => j.hops.filter((h) => h.capture === 1)).every((h) => h.direction === Direction.Unknown));
    for (const hint of [
      { links: [['ctr', join(HOSTS_DIR, 'tunnel-ctr.ip-link.txt')]] as [string, string][] },
      { routes: [['ctr', join(HOSTS_DIR, 'tunnel-ctr.ip-route.txt')]] as [string, string][] },
    ]) {
      const hinted = { ...files, ...hint };
      assert.ok((await assertSame(hinted)) > 0);
      const { journeys, rest } = await follow(hinted, undefined, { rowsPerBatch: 7, buffers: 2, maxStrings: 1 });
      assert.deepEqual((rest as { reports: string[] }).reports, []);
      const ctrHops = journeys.flatMap((j) => j.hops.filter((h) => h.capture === 1));
      assert.ok(ctrHops.some((h) => h.direction === Direction.Outbound) && ctrHops.some((h) => h.direction === Direction.Inbound));
    }
  });

  it('loads a damaged capture in the worker as here: the same warnings, error and frames', async () => {
    const files = scenario('tunnel');
    const last = files.specs[files.specs.length - 1]!;
    const bytes = readFileSync(last.file);
    last.file = tmp.write(bytes.subarray(0, bytes.length - 30), 'cut.pcap');
    assert.ok((await assertSame(files)) > 0);
    const { rest } = await follow(files, undefined, { rowsPerBatch: 7, buffers: 2, maxStrings: 1 });
    assert.match((rest as { reports: string[] }).reports.join('\n'), /cut\.pcap/);
  });

  it('ends early when asked (the reader of the output went away), on both paths', async () => {
    // A window of a millisecond: journeys close while the merge goes on, not all at its end.
    const files = scenario('policy-drop');
    const window = 0.001;
    const all = await journeysWithin(files, window);
    for (const tuning of [undefined, { rowsPerBatch: 7, buffers: 2, maxStrings: 1 }]) {
      const helper = tuning ? new ParallelSightings({ decodeAs: [], heuristics: false }, tuning) : undefined;
      const loaded = await openCaptureFiles(files, () => {}, true, helper);
      try {
        let emitted = 0;
        const engine = new JourneyEngine(loaded.inputs, { registry: createRegistry(), window, stopped: () => emitted > 0 });
        const emit = (): void => void emitted++;
        const run = helper ? await engine.runInParallel(helper, emit) : engine.run(emit);
        assert.ok(emitted >= 1 && emitted < all / 2, `${emitted} of ${all} journeys judged`);
        assert.equal(run.journeys, emitted);
      } finally {
        loaded.close();
      }
    }
  });

  it('fails with a one-line input error when a capture disappears before the worker reads it', async () => {
    const files = scenario('tunnel');
    for (const spec of files.specs) spec.file = tmp.write(readFileSync(spec.file), `${spec.name}.pcap`);
    const helper = new ParallelSightings({ decodeAs: [], heuristics: false }, { rowsPerBatch: 7, buffers: 2, maxStrings: 1 });
    const loaded = await openCaptureFiles(files, () => {}, true, helper);
    try {
      rmSync(files.specs[files.specs.length - 1]!.file);
      const engine = new JourneyEngine(loaded.inputs, { registry: createRegistry() });
      await assert.rejects(
        engine.runInParallel(helper, () => {}),
        (e: Error) => e instanceof VxError && /w0\.pcap: .*no such file/.test(e.message),
      );
    } finally {
      loaded.close();
    }
  });

  it('on every sample capture alone (IPv6 underlay, GRE, ESP, GENEVE...)', async () => {
    const samples = readdirSync(SAMPLES_DIR).filter((f) => /\.pcapn?g?$/.test(f));
    assert.ok(samples.length >= 10);
    for (const f of samples) await assertSame({ specs: [{ name: 'one', file: join(SAMPLES_DIR, f) }], links: [], routes: [] });
  });
});
