// Several captures in one list (`vxshark ctr=… router=… w0=…`): the Capture column, the copies of
// lost packets marked, and the Journey view, whose hops and lost packets must be the ones
// `vxshark journey --json` finds, numbered as in the merged list.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KEYS } from '../../src/ui/headless.js';
import { mergeCaptures, type MergedCaptures } from '../../src/ui/multi-capture.js';
import { JourneyViewBuilder, NOT_KEPT, journeyOfFrame } from '../../src/ui/journey-model.js';
import { captureFiles, openCaptureFiles } from '../../src/journey/inputs.js';
import { JourneyEngine, type Journey } from '../../src/journey/engine.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { LAB } from '../analysis/helpers.js';
import { vxshark } from '../helpers/cli.js';
import { CILIUM, startUi, type Ui } from './helpers.js';

const H = `${LAB}hosts/`;
const HOSTS = ['ctr', 'router', 'w0'];
const skip = existsSync(`${H}tunnel-blocked-ctr-any.pcap`) ? false : 'the lab recordings are not in this checkout';

function args(scenario: string): { captures: string[]; 'ip-link': string[]; 'ip-route': string[] } {
  return {
    captures: HOSTS.map((h) => `${h}=${H}${scenario}-${h}-any.pcap`),
    'ip-link': HOSTS.map((h) => `${h}=${H}${scenario}-${h}.ip-link.txt`),
    'ip-route': HOSTS.map((h) => `${h}=${H}${scenario}-${h}.ip-route.txt`),
  };
}

interface JsonHop {
  capture: string;
  frame: number;
  interface: string | null;
  direction: string;
}
interface JsonJourney {
  hops: JsonHop[];
  fate: string;
  verdict: string;
}

describe('several captures in the terminal UI', { skip }, () => {
  let merged: MergedCaptures;
  let journeys: JsonJourney[];
  let ui: Ui;
  /** The merged list's number of a capture's frame. */
  const mergedNumber = (capture: string, frame: number): number => {
    const k = merged.names.indexOf(capture);
    for (let i = 0; i < merged.origins.frame.length; i++) if (merged.origins.capture[i] === k && merged.origins.frame[i] === frame) return i + 1;
    return -1;
  };

  before(async () => {
    const a = args('tunnel-blocked');
    const cli = await vxshark([
      'journey',
      '--json',
      ...a.captures,
      ...a['ip-link'].flatMap((v) => ['--ip-link', v]),
      ...a['ip-route'].flatMap((v) => ['--ip-route', v]),
    ]);
    assert.equal(cli.status, 0, cli.stderr);
    journeys = (JSON.parse(cli.stdout) as { journeys: JsonJourney[] }).journeys;
    merged = await mergeCaptures({ ...a, 'pod-cidr': [], decodeAs: [], heuristics: true }, (w) => assert.fail(w));
    ui = await startUi(merged.path, { merged, cols: 150, rows: 45 });
  });
  after(async () => {
    await ui?.quit();
    merged?.remove();
  });

  it('lists every capture’s frames in corrected-time order with a Capture column', () => {
    const total = merged.origins.frame.length;
    assert.equal(total, 78 + 8 + 2);
    const lines = ui.lines();
    assert.match(lines[1]!, /^No\. Capture +Time If\/Dir/);
    // Each row names its capture and its frame number there, and the interface as "host:name".
    for (let n = 1; n <= 17; n++) {
      const name = merged.names[merged.origins.capture[n - 1]!]!;
      const row = lines.find((l) => new RegExp(`^ *[↪!]?${n} `).test(l));
      assert.ok(row?.includes(`${name} #${merged.origins.frame[n - 1]}`), `row ${n}: ${row}`);
      // The interface column shows the interface; the Capture column already names the host.
      assert.match(row!, new RegExp(`${name} #${merged.origins.frame[n - 1]} +[\\d.]+ [a-z][\\w.]* [▸◂B]`));
    }
  });

  it('the Journey view lists the lost packets the journey command finds, numbered as in the merged list', async () => {
    await ui.press('8');
    const lost = journeys.filter((j) => j.fate === 'lost');
    assert.ok(lost.length > 0);
    const text = ui.text();
    assert.match(text, new RegExp(`Journey of frame 1 \\(ctr #1\\): ${journeys.length} packets followed, ${lost.length} lost`));
    // Each lost packet by its last copy seen, where that was, and the verdict.
    const listed = ui
      .lines()
      .map((l) => /^ {3}(\d+) {2}(\S+) (\S+) (In|Out) {2}.*✗ (.*?)…?\s*$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    const lastHops = lost.map((j) => j.hops[j.hops.length - 1]!);
    assert.deepEqual(
      listed.map((m) => [Number(m[1]), m[2], m[3], m[4]]),
      lastHops.map((h) => [mergedNumber(h.capture, h.frame), h.capture, h.interface, h.direction === 'in' ? 'In' : 'Out']),
    );
    listed.forEach((m, i) => assert.ok(lost[i]!.verdict.startsWith(m[5]!.trim()), m[5]));
  });

  it('Enter opens a lost packet’s journey hop by hop; Enter on a hop shows that copy in the packet list', async () => {
    const lost = journeys.filter((j) => j.fate === 'lost');
    const target = lost[lost.length - 1]!;
    // The cursor starts on the first lost packet: go to the last one.
    for (let i = 0; i < lost.length - 1; i++) await ui.press('j');
    await ui.press(KEYS.enter);
    const first = mergedNumber(target.hops[0]!.capture, target.hops[0]!.frame);
    const lines = ui.lines();
    const title = lines.findIndex((l) => l.includes(`Journey of frame ${first} (${target.hops[0]!.capture} #${target.hops[0]!.frame})`));
    assert.ok(title >= 0, ui.text());
    assert.ok(lines[title + 2]!.includes(`✗ lost: ${target.verdict.slice(0, 60)}`), lines[title + 2]);
    const header = lines.findIndex((l) => /^ {4}No\. Capture +Interface +Dir +Delay +TTL +Encapsulation/.test(l));
    assert.ok(header > title, ui.text());
    target.hops.forEach((h, i) => {
      const row = lines[header + 1 + i]!;
      const m = /^ [▸✗ ] +(\d+) (\S+) #(\d+) +(\S+) +(In|Out)\b/.exec(row);
      assert.ok(m, row);
      assert.deepEqual(
        m.slice(1, 6),
        [String(mergedNumber(h.capture, h.frame)), h.capture, String(h.frame), h.interface, h.direction === 'in' ? 'In' : 'Out'],
        row,
      );
    });
    assert.match(lines[header + target.hops.length]!, /^ ✗ /);
    // The selection stayed on the lost packet just opened; up to the first hop, down to the last
    // one (where the packet was last seen), and into the packet list.
    await ui.press('g');
    for (let i = 0; i < target.hops.length - 1; i++) await ui.press('j');
    await ui.press(KEYS.enter);
    const last = target.hops[target.hops.length - 1]!;
    const n = mergedNumber(last.capture, last.frame);
    const text = ui.text();
    assert.match(text, new RegExp(`Details of frame ${n}\\b`));
    assert.match(text, new RegExp(`^ *!${n} +${last.capture} #${last.frame} +[\\d.]+ ${last.interface} ▸ .*\\[lost: last seen`, 'm'));
  });

  it('the Alerts view puts the located drop first, its evidence the merged frames where each packet was last seen', async () => {
    await ui.press('7');
    const text = ui.text();
    const lost = journeys.filter((j) => j.fate === 'lost');
    assert.match(text, /✖ error +172\.20\.0\.10 → 172\.20\.2\.30: entered router eth1, never left: dropped on router/);
    const evidence = /Evidence: \d+ seen, \d+ frames? \(n \/ N\): ([\d, ]+)/.exec(text)?.[1]?.split(', ').map(Number);
    const lastCopies = lost.map((j) => j.hops[j.hops.length - 1]!).map((h) => mergedNumber(h.capture, h.frame));
    assert.deepEqual(evidence, lastCopies);
  });
});

describe('one capture in the terminal UI', () => {
  it('has no Journey view and no Capture column', async () => {
    const ui = await startUi(CILIUM);
    try {
      assert.doesNotMatch(ui.lines()[1]!, /Capture/);
      await ui.press('8');
      assert.match(ui.bottom(), /1 Packets/);
      await ui.press('?');
      assert.doesNotMatch(ui.text(), /Journey view/);
    } finally {
      await ui.quit();
    }
  });
});

describe('several captures on the command line', { skip }, () => {
  it('printing them is refused with a one-line message that says what to do instead', async () => {
    const a = args('tunnel-blocked');
    const r = await vxshark([...a.captures]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /^vxshark: several captures open together only in the terminal UI; to print them, merge them first \(vxshark merge -w all\.pcapng A B C\)/,
    );
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  it('options that cannot work are refused before anything is read: standard input as one of them, one-host options, a bad --pod-cidr', async () => {
    const [ctr, router] = args('tunnel-blocked').captures;
    const cases: [string[], RegExp][] = [
      [[ctr!, 'router=-'], /each must be a file \("-" cannot be read twice/],
      [[ctr!, router!, '--ifname', '3=eth1'], /--ifname describes one capturing host; with several captures, name their interfaces with --ip-link NAME=FILE/],
      [[ctr!, router!, '--uplink', 'eth0'], /--uplink describes one capturing host/],
      [[ctr!, router!, '--pod-cidr', 'bogus'], /pod-cidr/],
    ];
    for (const [argv, message] of cases) {
      const r = await vxshark(argv);
      assert.equal(r.status, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});

describe('several captures: a path with "=" in it', { skip }, () => {
  it('is opened as the path it is, by the merge and by the analysis that follows packets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vxshark-test-'));
    let merged: MergedCaptures | undefined;
    let ui: Ui | undefined;
    try {
      const odd = join(dir, 'ctr=1.pcap');
      copyFileSync(`${H}tunnel-blocked-ctr-any.pcap`, odd);
      merged = await mergeCaptures(
        {
          captures: [odd, `router=${H}tunnel-blocked-router-any.pcap`],
          'ip-link': [`router=${H}tunnel-blocked-router.ip-link.txt`],
          'ip-route': [],
          'pod-cidr': [],
          decodeAs: [],
          heuristics: true,
        },
        (w) => assert.fail(w),
      );
      assert.deepEqual(merged.names, ['ctr=1', 'router']);
      ui = await startUi(merged.path, { merged, cols: 150, rows: 45 });
      await ui.press('8');
      assert.ok(ui.handle.app.analysis?.journeys, ui.bottom());
      assert.match(ui.text(), /Journey of frame 1 \(ctr=1 #1\): \d+ packets followed, [1-9]\d* lost/);
    } finally {
      await ui?.quit();
      merged?.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the Journey view keeps every lost journey', { skip }, () => {
  it('past its limit: the other journeys are counted, their frames marked as followed, not kept', async () => {
    const files = captureFiles(args('tunnel-blocked'), 'vxshark');
    const loaded = await openCaptureFiles(files, () => {});
    try {
      const builder = new JourneyViewBuilder(
        1000,
        HOSTS,
        (c, f) => c * 100 + f,
        (a) => a,
        { journeys: 2, lost: 1000 },
      );
      const all: Journey[] = [];
      new JourneyEngine(loaded.inputs, { registry: createRegistry() }).run((j) => {
        all.push(j);
        builder.add(j);
      });
      const view = builder.finish([]);
      const lost = all.filter((j) => j.fate === 'lost');
      assert.ok(lost.length > 0 && all.length - lost.length > 2);
      assert.equal(view.lostTotal, lost.length);
      assert.equal(view.lost.length, lost.length);
      assert.equal(view.rows.length, lost.length + 2);
      assert.equal(view.notKept, all.length - lost.length - 2);
      const dropped = all.filter((j) => j.fate !== 'lost').slice(2);
      for (const j of dropped) for (const h of j.hops) assert.equal(view.byFrame[h.capture * 100 + h.frame - 1], NOT_KEPT);
      for (const j of lost) assert.equal(journeyOfFrame(view, j.hops[0]!.capture * 100 + j.hops[0]!.frame)?.id, j.id);
    } finally {
      loaded.close();
    }
  });
});
