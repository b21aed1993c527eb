// Several captures in one list (`vxshark ctr=… router=… w0=…`): the Capture column, the copies of
// lost packets marked, and the Journey view, whose hops and lost packets must be the ones
// `vxshark journey --json` finds, numbered as in the merged list.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { KEYS } from '../../src/ui/headless.js';
import { mergeCaptures, type MergedCaptures } from '../../src/ui/multi-capture.js';
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
      assert.match(row!, new RegExp(` ${name}:\\S+ [▸◂B]`));
    }
  });

  it('the Journey view lists the lost packets the journey command finds, numbered as in the merged list', async () => {
    await ui.press('8');
    const lost = journeys.filter((j) => j.fate === 'lost');
    assert.ok(lost.length > 0);
    const text = ui.text();
    assert.match(text, new RegExp(`Journey of frame 1 \\(ctr #1\\): ${journeys.length} packets followed, ${lost.length} lost`));
    const listed = ui
      .lines()
      .map((l) => /^ {3}frame (\d+) {2}.*✗ (.*?)…?\s*$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    assert.deepEqual(
      listed.map((m) => Number(m[1])),
      lost.map((j) => mergedNumber(j.hops[0]!.capture, j.hops[0]!.frame)),
    );
    listed.forEach((m, i) => assert.ok(lost[i]!.verdict.startsWith(m[2]!.trim()), m[2]));
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
    const header = lines.findIndex((l) => /^ {3}Capture +Frame +Its No\. +Interface +Dir +After +TTL +Encapsulation/.test(l));
    assert.ok(header > title, ui.text());
    target.hops.forEach((h, i) => {
      const row = lines[header + 1 + i]!;
      const cells = row
        .trim()
        .replace(/^[▸✗] /, '')
        .split(/\s+/);
      assert.deepEqual(
        cells.slice(0, 5),
        [h.capture, String(mergedNumber(h.capture, h.frame)), String(h.frame), h.interface, h.direction === 'in' ? 'In' : 'Out'],
        row,
      );
    });
    assert.match(lines[header + target.hops.length]!, /^ ✗ /);
    // Down to the last hop, where the packet was last seen, and into the packet list.
    for (let i = 0; i < target.hops.length - 1; i++) await ui.press('j');
    await ui.press(KEYS.enter);
    const last = target.hops[target.hops.length - 1]!;
    const n = mergedNumber(last.capture, last.frame);
    const text = ui.text();
    assert.match(text, new RegExp(`Details of frame ${n}\\b`));
    assert.match(text, new RegExp(`^ *!${n} +${last.capture} #${last.frame} .*\\[lost: last seen`, 'm'));
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
});
