import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS } from '../../src/ui/headless.js';
import { ensureCapture } from '../../scripts/bench/make-capture.js';
import { CILIUM, startUi, type Ui } from './helpers.js';

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
