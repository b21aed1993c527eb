// y copies what is selected (summary, field, bytes, stream) to the terminal's clipboard with
// OSC 52, cleaned of control characters; `:copy FILE` writes it to a new file.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { cleanForPaste, osc52 } from '../../src/ui/clipboard.js';
import { KEYS } from '../../src/ui/headless.js';
import { TempDir } from '../capture/helpers.js';
import { CILIUM, command, startUi, type Ui } from './helpers.js';

const dir = new TempDir();
after(() => dir.cleanup());

/** The texts the UI sent to the clipboard so far. */
function clipboard(ui: Ui): string[] {
  return [...ui.output.text().matchAll(/\x1b\]52;c;([A-Za-z0-9+/=]*)\x07/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'));
}

describe('copy', () => {
  it('copies the summary, the field, the bytes and a followed stream', async () => {
    const ui = await startUi(CILIUM, { cols: 120, rows: 40, record: true });
    try {
      await command(ui, 'goto 3');
      await ui.press('y');
      // The packet list's own row for frame 3, as text.
      assert.match(
        clipboard(ui).at(-1)!,
        /^3 [0-9.]+ 172\.20\.0\.10 → 172\.20\.2\.30 ICMP 148 Echo \(ping\) request .*\[VXLAN VNI 32001 192\.168\.10\.100 → 192\.168\.20\.100\]$/,
      );
      assert.match(ui.bottom(), /copied the summary of frame 3: \d+ characters/);
      // The tree: the frame's first node.
      await ui.press(KEYS.tab, 'y');
      assert.match(clipboard(ui).at(-1)!, /^Frame 3: 148 bytes on wire/);
      // The hex pane: the selected node's bytes (the whole frame) as a hex stream.
      await ui.press(KEYS.tab, 'y');
      const hex = clipboard(ui).at(-1)!;
      assert.equal(hex.length, 148 * 2);
      assert.match(hex, /^[0-9a-f]+$/);
      await ui.press(KEYS.tab, ':');
      await ui.type('goto 18');
      await ui.press(KEYS.enter, 'f', 'y');
      assert.match(clipboard(ui).at(-1)!, /^GET \/ HTTP\/1\.1\nHost: webpod\n[^]*\nHTTP\/1\.1 200 OK\n/);
    } finally {
      await ui.quit();
    }
  });

  it('writes the copy to a new file with :copy, never over an existing one', async () => {
    const ui = await startUi(CILIUM, { cols: 120, rows: 40 });
    const file = `${dir.path}/frame3.txt`;
    try {
      await command(ui, 'goto 3');
      await command(ui, `copy ${file}`);
      assert.match(ui.bottom(), /wrote the summary of frame 3 to /);
      assert.match(readFileSync(file, 'utf8'), /^3 [0-9.]+ 172\.20\.0\.10 → 172\.20\.2\.30 ICMP 148 /);
      await command(ui, `copy ${file}`);
      assert.match(ui.bottom(), /not overwritten: /);
      await command(ui, 'copy');
      assert.match(ui.bottom(), /usage: copy FILE/);
      assert.ok(!existsSync(`${dir.path}/other.txt`));
    } finally {
      await ui.quit();
    }
  });

  it('never lets a control character reach the clipboard', () => {
    assert.equal(cleanForPaste('a\x1b]0;x\x07b\r\nc\td\x9be'), 'a.]0;x.b.\nc\td.e');
    assert.equal(osc52('hé'), '\x1b]52;c;aMOp\x07');
  });
});
