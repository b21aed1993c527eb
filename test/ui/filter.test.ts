import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS } from '../../src/ui/headless.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCapture } from '../../scripts/bench/make-capture.js';
import { ROOT, vxshark } from '../helpers/cli.js';
import { tsharkPackets, values } from '../helpers/tshark-json.js';
import { CILIUM, startUi, type Ui } from './helpers.js';

const CORPUS = join(ROOT, '..', 'shared', 'corpus', 'peers');

const OK_BG = 114;
const BAD_BG = 124;

function listedFrames(ui: Ui): number[] {
  const lines = ui.lines();
  const end = lines.findIndex((l) => l.startsWith(' Details'));
  return lines
    .slice(2, end)
    .map((l) => /^\s*[↪!]?(\d+) /.exec(l)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
}

describe('filter bar', () => {
  it('is green while the filter compiles and applies it with Enter', async () => {
    const ui = await startUi(CILIUM);
    try {
      await ui.press('/');
      await ui.type('vxlan.vni == 32001');
      const bar = ui.lines()[0]!;
      assert.match(bar, /✓ Filter: vxlan\.vni == 32001/);
      assert.equal(ui.attr(2, 0).bg, OK_BG);
      await ui.press(KEYS.enter);
      const frames = listedFrames(ui);
      assert.ok(frames.length > 5);
      assert.deepEqual(frames.slice(0, 4), [1, 3, 5, 7]);
      for (const l of ui.lines().slice(2, 2 + frames.length)) assert.match(l, /VXLAN 32001/);
      const m = /filter matched (\d+) of 36 packets/.exec(ui.text());
      assert.ok(m, 'the status bar reports the result');
      assert.match(ui.lines()[0]!, new RegExp(`${m[1]} shown`));
      // Keys go back to the list: j moves the selection.
      await ui.press('j');
      assert.match(ui.text(), /Details of frame 3\b/);
    } finally {
      await ui.quit();
    }
  });

  it('shows the whole compiler message when Enter is pressed on a wrong filter at 80 columns', async () => {
    const ui = await startUi(CILIUM, { cols: 80, rows: 24 });
    try {
      await ui.press('/');
      await ui.type('vxlan.vnii == 5');
      assert.match(ui.lines()[0]!, /✗ Filter: vxlan\.vnii == 5 +unknown field "vxlan\.vnii" at column 1; di…/);
      await ui.press(KEYS.enter);
      assert.match(ui.bottom(), /unknown field "vxlan\.vnii" at column 1; did you mean vxlan\.vni\?/);
      // The bar stays open on the text, to be corrected.
      assert.match(ui.lines()[0]!, /✗ Filter: vxlan\.vnii == 5/);
      assert.equal(ui.filterText(), '');
      await ui.press(KEYS.escape);
      assert.doesNotMatch(ui.bottom(), /unknown field/);
    } finally {
      await ui.quit();
    }
  });

  it('completes field names with Tab and lists the choices at 80 columns', async () => {
    const ui = await startUi(CILIUM, { cols: 80, rows: 24 });
    try {
      await ui.press('/');
      await ui.type('vxlan.v');
      await ui.press(KEYS.tab);
      assert.match(ui.lines()[0]!, /Filter: vxlan\.v +2 choices: vxlan\.ver {2}vxlan\.vni/);
      await ui.type('n');
      await ui.press(KEYS.tab);
      assert.match(ui.lines()[0]!, /✓ Filter: vxlan\.vni {2}/);
      await ui.type(' == 32001 && inner.ic');
      await ui.press(KEYS.tab);
      // The editor scrolls to keep the cursor in view; the choices fold deeper names.
      assert.match(ui.lines()[0]!, /== 32001 && inner\.icmp +\d+ choices: inner\.icmp {2}inner\.icmp\./);
      await ui.press(KEYS.enter);
      assert.equal(ui.filterText(), 'vxlan.vni == 32001 && inner.icmp');
      await ui.press('/');
      await ui.type(' || zzz');
      await ui.press(KEYS.tab);
      assert.match(ui.lines()[0]!, /no field starts so/);
    } finally {
      await ui.quit();
    }
  });

  it('is red with the compiler message while the filter is wrong, and Esc cancels', async () => {
    const ui = await startUi(CILIUM);
    try {
      await ui.press('/');
      await ui.type('vxlan.vnx == 1');
      const bar = ui.lines()[0]!;
      assert.match(bar, /✗ Filter: vxlan\.vnx == 1/);
      assert.match(bar, /unknown field "vxlan\.vnx" at column 1; did you mean vxlan\.vni\?/);
      assert.equal(ui.attr(2, 0).bg, BAD_BG);
      // The offending column is underlined.
      const col = bar.indexOf('vxlan.vnx');
      assert.equal(ui.attr(col, 0).flags & 2, 2);
      // Enter does not apply a broken filter.
      await ui.press(KEYS.enter);
      assert.match(ui.lines()[0]!, /✗ Filter/);
      assert.equal(listedFrames(ui).length, ui.lines().findIndex((l) => l.startsWith(' Details')) - 2);
      await ui.press(KEYS.escape);
      assert.match(ui.lines()[0]!, /press \/ to filter/);
      assert.equal(listedFrames(ui)[0], 1);
    } finally {
      await ui.quit();
    }
  });

  it('clears the filter with an empty text, and keeps the selected packet', async () => {
    const ui = await startUi(CILIUM);
    try {
      await ui.press('/');
      await ui.type('inner.ip.dst == 172.20.2.53');
      await ui.press(KEYS.enter);
      const frames = listedFrames(ui);
      assert.equal(frames.length, 2);
      for (const l of ui.lines().slice(2, 4)) assert.match(l, /172\.20\.0\.10\s+→ 172\.20\.2\.53\s+DNS/);
      await ui.press('j');
      assert.match(ui.text(), new RegExp(`Details of frame ${frames[1]}\\b`));
      await ui.press('/', KEYS.ctrlU, KEYS.enter);
      assert.ok(listedFrames(ui).length > 2);
      assert.match(ui.text(), new RegExp(`Details of frame ${frames[1]}\\b`));
      assert.match(ui.text(), /filter cleared/);
    } finally {
      await ui.quit();
    }
  });

  it('runs over a large capture in the background: progress, a responsive list, Esc stops it', async () => {
    const big = ensureCapture(200_000);
    const ui = await startUi(big.path);
    try {
      await ui.press('/');
      await ui.type('tcp.dstport == 443 && vxlan.vni == 4');
      ui.input.write('\r');
      await new Promise((r) => setTimeout(r, 60));
      assert.match(ui.text(), /filtering [█░]+ \d+%/);
      // The list answers keys while the filter runs: the key's render comes before the filter ends.
      const rendered = ui.handle.nextRender();
      ui.input.write('j');
      await rendered;
      assert.match(ui.text(), /filtering [█░]+ \d+%/);
      ui.input.write('\x1b');
      await ui.settle();
      assert.match(ui.text(), /filter stopped/);
      assert.match(ui.lines()[0]!, /press \/ to filter/);
      assert.equal(listedFrames(ui)[0], 1);
    } finally {
      await ui.quit();
    }
  });
});

describe('filter bar on the stream state', () => {
  /** Once `filter` has run over the capture: how many packets it matched, and the frames on the screen. */
  async function filtered(file: string, filter: string): Promise<{ matched: number; listed: number[] }> {
    const ui = await startUi(file);
    try {
      await ui.press('/');
      await ui.type(filter);
      await ui.press(KEYS.enter);
      const m = /filter matched (\d+) of \d+ packets/.exec(ui.text());
      assert.ok(m, filter);
      return { matched: Number(m[1]), listed: listedFrames(ui) };
    } finally {
      await ui.quit();
    }
  }

  /** The UI's result is tshark's or -Y's: the same count, and the frames on the screen are the first ones. */
  async function assertMatches(file: string, filter: string, expected: number[]): Promise<void> {
    assert.ok(expected.length > 1, filter);
    const { matched, listed } = await filtered(file, filter);
    assert.equal(matched, expected.length, filter);
    assert.ok(listed.length >= Math.min(expected.length, 10), filter);
    assert.deepEqual(listed, expected.slice(0, listed.length), filter);
  }

  // The list dissects one packet at a time, without the stream state; the filter's run sees
  // every packet in order and keeps it, so these fields match as they do with -Y.
  it('matches tcp.stream and udp.stream as -Y does', async () => {
    for (const filter of ['tcp.stream == 1', 'udp.stream == 2', 'tcp.stream == 1 && tcp.len > 0']) {
      const cli = await vxshark(['-r', CILIUM, '-Y', filter, '-T', 'fields', '-e', 'frame.number']);
      assert.equal(cli.status, 0, cli.stderr);
      await assertMatches(CILIUM, filter, cli.stdout.trim().split('\n').map(Number));
    }
  });

  it("matches relative sequence and acknowledgment numbers as tshark's reference does", async (t) => {
    const rel = 'tcpdump/geneve.pcap';
    if (!existsSync(join(CORPUS, rel))) return t.skip(`peer corpus not found at ${CORPUS}`);
    const packets = tsharkPackets(readFileSync(join(CORPUS, `${rel}.tshark.json`), 'utf8'));
    for (const [field, value] of [
      ['tcp.seq', '1'],
      ['tcp.ack', '40'],
      ['tcp.stream', '0'],
    ] as const) {
      const expected = packets.flatMap((p, i) => (values(p, field).includes(value) ? [i + 1] : []));
      await assertMatches(join(CORPUS, rel), `${field} == ${value}`, expected);
    }
  });
});
