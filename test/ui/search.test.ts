// Ctrl-F in the list, the tree and the bytes with n / N; marks with m and '.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS } from '../../src/ui/headless.js';
import { indexOfBytes, searchBytes } from '../../src/ui/search.js';
import { CILIUM, startUi, type Ui } from './helpers.js';

const CTRL_F = '\x06';

function selectedFrame(ui: Ui): number {
  return Number(/Details of frame (\d+)/.exec(ui.text())?.[1]);
}

async function search(ui: Ui, text: string): Promise<void> {
  await ui.press(CTRL_F);
  await ui.type(text);
  await ui.press(KEYS.enter);
}

describe('search and marks', () => {
  it('finds packets in the list, then the next and previous with n / N', async () => {
    const ui = await startUi(CILIUM, { cols: 120, rows: 40 });
    try {
      await ui.press(CTRL_F);
      assert.match(ui.lines().at(-1)!, /^Search packets: /);
      await ui.type('48312');
      await ui.press(KEYS.enter);
      // tshark: frame 15 is the first packet of TCP port 48312 (the SYN).
      assert.equal(selectedFrame(ui), 15);
      assert.match(ui.lines().at(-1)!, /"48312" found in frame 15/);
      await ui.press('n');
      assert.equal(selectedFrame(ui), 16);
      await ui.press('N', 'N');
      // Wraps around to the last match.
      assert.ok(selectedFrame(ui) > 16, `wrapped to ${selectedFrame(ui)}`);
      await search(ui, 'no such text anywhere');
      assert.match(ui.lines().at(-1)!, /not found in the packets shown/);
    } finally {
      await ui.quit();
    }
  });

  it('finds a node in the tree and bytes in the hex pane', async () => {
    const ui = await startUi(CILIUM, { cols: 120, rows: 40 });
    try {
      await ui.press(KEYS.tab);
      await search(ui, 'VNI');
      const y = ui.lines().findIndex((l) => /VNI/.test(l) && !l.startsWith(' Details'));
      assert.ok(y > 0);
      assert.equal(ui.attr(1, y).bg, 25, 'the matching node is selected');
      assert.match(ui.lines().at(-1)!, /found in the tree/);
      await ui.press(KEYS.tab);
      // The VXLAN header's flags and reserved bytes: 08 00 00 00 at offset 42 of frame 1.
      await search(ui, '08 00 00 00');
      assert.match(ui.lines().at(-1)!, /found at offset 42/);
    } finally {
      await ui.quit();
    }
  });

  it("marks a packet with m and jumps back with '", async () => {
    const ui = await startUi(CILIUM, { cols: 120, rows: 40 });
    try {
      await ui.press('j', 'j', 'j', 'j', 'm', 'a');
      assert.match(ui.lines().at(-1)!, /mark a set on frame 5/);
      await ui.press('G');
      assert.equal(selectedFrame(ui), 36);
      await ui.press("'", 'a');
      assert.equal(selectedFrame(ui), 5);
      await ui.press("'", 'b');
      assert.match(ui.lines().at(-1)!, /no mark b/);
    } finally {
      await ui.quit();
    }
  });

  it('reads hex digits as bytes and anything else as text', () => {
    assert.deepEqual([...searchBytes('de ad')], [0xde, 0xad]);
    assert.deepEqual([...searchBytes('GET')], [0x47, 0x45, 0x54]);
    assert.equal(indexOfBytes(Uint8Array.from([1, 2, 3, 2, 3]), Uint8Array.from([2, 3]), 2, 1), 3);
    assert.equal(indexOfBytes(Uint8Array.from([1, 2, 3, 2, 3]), Uint8Array.from([2, 3]), 2, -1), 1);
  });
});
