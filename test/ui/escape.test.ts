// Capture bytes never reach the terminal raw: an interface name, a DNS name or an HTTP request
// line carrying ESC [ 2 J (clear screen) is drawn as visible text.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS } from '../../src/ui/headless.js';
import { startUi, type Ui } from './helpers.js';
import { ESC_CLEAR, Files, hostileCapture } from './fixtures.js';

const files = new Files();
after(() => files.cleanup());

function assertNoControlCells(ui: Ui): void {
  ui.handle.screen.lines.forEach((row, y) =>
    row.forEach(([, ch], x) => {
      assert.ok(!/[\x00-\x1f\x7f-\x9f]/.test(ch), `control character ${JSON.stringify(ch)} at ${x},${y}`);
    }),
  );
}

describe('escaping capture text', () => {
  it('shows escape sequences in names and payloads as visible text, in every pane', async () => {
    const file = files.write('hostile.pcapng', hostileCapture());
    const ui = await startUi(file, { cols: 160, record: true });
    try {
      const text = ui.text();
      // Interface name in the If/Dir column, DNS name and HTTP line in Info.
      assert.match(text, /eth\\x1b\[2J0 ▸/);
      assert.match(text, /evil\\x1b\[2J\.example\.com/);
      assert.match(text, /GET \/x\\x1b\[2Jy HTTP\/1\.1/);
      assertNoControlCells(ui);
      // The detail tree, fully expanded, for both packets.
      await ui.press(KEYS.tab, 'e');
      assert.match(ui.text(), /\\x1b\[2J/);
      assertNoControlCells(ui);
      await ui.press(KEYS.shiftTab, 'j', KEYS.tab, 'e', 'G');
      assertNoControlCells(ui);
      await ui.press('2');
      assertNoControlCells(ui);
      await ui.press('3');
      assertNoControlCells(ui);
      // Nothing the capture holds was written to the terminal: every ESC [ 2 J in the output
      // is blessed's own screen clear (preceded by its cursor-home), never capture text.
      const out = ui.output.text();
      const clears = out.split(ESC_CLEAR).length - 1;
      const own = out.split('\x1b[H' + ESC_CLEAR).length - 1;
      assert.equal(clears, own);
    } finally {
      await ui.quit();
    }
  });
});
