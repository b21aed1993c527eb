import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS, mouse } from '../../src/ui/headless.js';
import { CILIUM, startUi, type Ui } from './helpers.js';

// Hex line layout: "0020  " then 16 bytes of "hh " with one extra space after the 8th, a space, the ASCII.
const hexX = (k: number): number => 6 + k * 3 + (k >= 8 ? 1 : 0);
const asciiX = (k: number): number => 56 + k;
const HIGHLIGHT_BG = 179;

function hexRow(ui: Ui, offset: number): number {
  return ui.row(offset.toString(16).padStart(4, '0') + '  ');
}

/** Frame 3, details focused, VXLAN expanded and its VNI selected. */
async function selectVni(ui: Ui): Promise<void> {
  await ui.press('j', 'j', KEYS.tab, 'j', 'j', 'j', 'j', KEYS.enter, 'j', 'j', 'j');
}

describe('detail tree', () => {
  it('expands and collapses with Enter, Space and the arrows', async () => {
    const ui = await startUi(CILIUM);
    try {
      await ui.press('j', 'j', KEYS.tab);
      assert.match(ui.text(), /Details of frame 3/);
      assert.match(ui.text(), /▸ Virtual eXtensible Local Area Network, VNI: 32001/);
      assert.doesNotMatch(ui.text(), /VXLAN Network Identifier/);
      await ui.press('j', 'j', 'j', 'j', KEYS.enter);
      assert.match(ui.text(), /▾ Virtual eXtensible Local Area Network, VNI: 32001/);
      assert.match(ui.text(), /^ +▸ Flags: 0x0800/m);
      assert.match(ui.text(), /^ +VXLAN Network Identifier \(VNI\): 32001/m);
      await ui.press(' ');
      assert.doesNotMatch(ui.text(), /VXLAN Network Identifier/);
      await ui.press(KEYS.right);
      assert.match(ui.text(), /VXLAN Network Identifier/);
      await ui.press(KEYS.right, KEYS.right); // into Flags, then expand it
      assert.match(ui.text(), /VXLAN Network ID \(VNI\): Set|Network ID/);
      await ui.press(KEYS.left, KEYS.left); // collapse Flags, then up to VXLAN
      assert.match(ui.text(), /▸ Flags/);
      await ui.press('e');
      assert.match(ui.text(), /▾ User Datagram Protocol/);
      assert.match(ui.text(), /▾ Header Checksum/);
      await ui.press('c');
      assert.doesNotMatch(ui.text(), /▾/);
    } finally {
      await ui.quit();
    }
  });

  it('keeps what is expanded and selected, by field path, while moving between packets', async () => {
    const ui = await startUi(CILIUM);
    try {
      await selectVni(ui);
      assert.match(ui.text(), /Bytes: vxlan\.vni at offset 46, 3 bytes/);
      await ui.press(KEYS.shiftTab, 'j');
      assert.match(ui.text(), /Details of frame 4/);
      assert.match(ui.text(), /VXLAN Network Identifier \(VNI\): 45678/);
      assert.match(ui.text(), /Bytes: vxlan\.vni at offset 46, 3 bytes/);
      // An ARP frame has a VXLAN header too; frame 13 (DNS) keeps it expanded.
      await ui.press('g');
      assert.match(ui.text(), /VXLAN Network Identifier \(VNI\): 32001/);
    } finally {
      await ui.quit();
    }
  });
});

describe('hex view', () => {
  it('highlights the bytes of the selected field, in hex and ASCII', async () => {
    const ui = await startUi(CILIUM);
    try {
      await selectVni(ui);
      // vxlan.vni is bytes 46..48: the last two of line 0x20 and the first of line 0x30.
      const y20 = hexRow(ui, 0x20);
      const y30 = hexRow(ui, 0x30);
      assert.ok(y20 > 0 && y30 === y20 + 1);
      for (const [y, k] of [
        [y20, 14],
        [y20, 15],
        [y30, 0],
      ] as const) {
        assert.equal(ui.attr(hexX(k), y).bg, HIGHLIGHT_BG, `hex byte ${k} of line ${y}`);
        assert.equal(ui.attr(hexX(k) + 1, y).bg, HIGHLIGHT_BG);
        assert.equal(ui.attr(asciiX(k), y).bg, HIGHLIGHT_BG, `ascii ${k}`);
      }
      assert.notEqual(ui.attr(hexX(13), y20).bg, HIGHLIGHT_BG);
      assert.notEqual(ui.attr(hexX(1), y30).bg, HIGHLIGHT_BG);
      assert.notEqual(ui.attr(asciiX(13), y20).bg, HIGHLIGHT_BG);
      // And the bytes are the VNI: 00 7d 01 = 32001.
      assert.equal(ui.lines()[y20]!.slice(hexX(14), hexX(14) + 5), '00 7d');
      assert.equal(ui.lines()[y30]!.slice(hexX(0), hexX(0) + 2), '01');
    } finally {
      await ui.quit();
    }
  });

  it('selects the field covering the byte under the cursor', async () => {
    const ui = await startUi(CILIUM);
    try {
      await ui.press('j', 'j', KEYS.tab, KEYS.tab);
      assert.match(ui.text(), /\[1 Packets: bytes\]/);
      await ui.press('g');
      assert.match(ui.text(), /Bytes: eth\.dst at offset 0, 6 bytes/);
      await ui.press('j', 'j', 'l', 'l'); // byte 34: the outer UDP source port
      assert.match(ui.text(), /Bytes: udp\.srcport at offset 34, 2 bytes/);
      assert.match(ui.text(), /▾ User Datagram Protocol/);
      const y = ui.row('0020  ');
      assert.equal(ui.attr(hexX(2), y).bg, 45, 'the cursor cell');
      // Clicking a byte selects its field too.
      await ui.press(...mouse('click', hexX(14), y));
      assert.match(ui.text(), /Bytes: vxlan\.vni at offset 46/);
    } finally {
      await ui.quit();
    }
  });
});
