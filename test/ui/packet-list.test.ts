import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS, mouse } from '../../src/ui/headless.js';
import { layoutColumns } from '../../src/ui/text.js';
import { CILIUM, SAMPLES, command, startUi } from './helpers.js';

describe('packet list', () => {
  it('shows outer and inner headers side by side for the Cilium VXLAN sample', async () => {
    const ui = await startUi(CILIUM);
    try {
      const lines = ui.lines();
      const header = lines[1]!;
      for (const title of ['No.', 'Time', 'Outer src → dst', 'Tunnel', 'Source → Destination', 'Protocol', 'Length', 'Info']) {
        assert.ok(header.includes(title), `header has ${title}: ${header}`);
      }
      // Frame 3 is the first ping: outer node to node, VNI = the curl-pod's identity, inner pod to pod.
      const row = lines.find((l) => /^\s+3 /.test(l))!;
      assert.match(row, /192\.168\.10\.100 → 192\.168\.20\.100\s+VXLAN 32001\s+172\.20\.0\.10\s+→ 172\.20\.2\.30\s+ICMP\s+148 Echo \(ping\) request/);
      // Port 8472 is decoded as VXLAN without being told.
      assert.ok(!lines.some((l) => /\bUDP\b/.test(l.slice(40, 100))), 'no opaque UDP rows');
      assert.match(ui.text(), /36 packets/);
    } finally {
      await ui.quit();
    }
  });

  it('shows the interface and direction when the capture records them', async () => {
    const ui = await startUi(SAMPLES + 'router-interfaces.pcapng');
    try {
      const text = ui.text();
      assert.ok(ui.lines()[1]!.includes('If/Dir'));
      assert.match(text, /\s[!↪]?9 +\S+ eth1 ▸ +172\.20\.0\.10 +→ 172\.20\.2\.30 +TCP/);
      assert.match(text, /[\s!↪]10 +\S+ eth0 ◂ +172\.20\.0\.10 +→ 172\.20\.2\.30 +TCP/);
      // No tunnels in this capture: no outer columns, plain Source/Destination titles.
      assert.ok(!ui.lines()[1]!.includes('Outer'));
      assert.ok(ui.lines()[1]!.includes('Source'));
    } finally {
      await ui.quit();
    }
  });

  it('moves with arrows and vim keys, pages, and jumps to the ends', async () => {
    const ui = await startUi(CILIUM, { rows: 30 });
    try {
      const selectedNo = (): number => Number(/^\s*(\d+)/.exec(ui.lines().find((_l, y) => y > 1 && y < 13 && ui.attr(0, y).bg === 25) ?? '')?.[1]);
      assert.equal(selectedNo(), 1);
      await ui.press('j', 'j', KEYS.down);
      assert.equal(selectedNo(), 4);
      await ui.press('k');
      assert.equal(selectedNo(), 3);
      await ui.press('G');
      assert.equal(selectedNo(), 36);
      assert.match(ui.text(), /Details of frame 36/);
      await ui.press('g');
      assert.equal(selectedNo(), 1);
      await ui.press(KEYS.pageDown);
      assert.ok(selectedNo() > 5);
      await ui.press(KEYS.pageUp);
      assert.equal(selectedNo(), 1);
      await ui.press(KEYS.ctrlD);
      assert.ok(selectedNo() > 2);
      await ui.press(KEYS.ctrlU);
      assert.equal(selectedNo(), 1);
      await ui.press(KEYS.end);
      assert.equal(selectedNo(), 36);
    } finally {
      await ui.quit();
    }
  });

  it('selects with a click and scrolls with the wheel', async () => {
    const ui = await startUi(CILIUM, { rows: 30 });
    try {
      const y = ui.row('  5 1.00');
      assert.ok(y > 0);
      await ui.press(...mouse('click', 10, y));
      assert.match(ui.text(), /Details of frame 5/);
      await ui.press(...mouse('wheeldown', 10, 4), ...mouse('wheeldown', 10, 4));
      assert.ok(!/^\s+1 0\.000000/m.test(ui.text()), 'first row scrolled away');
    } finally {
      await ui.quit();
    }
  });

  it('lays the columns out again when the terminal is resized', async () => {
    const ui = await startUi(CILIUM, { cols: 160 });
    try {
      assert.equal(ui.lines()[2]!.length, 160);
      ui.output.resize(90, 30);
      await new Promise((r) => setTimeout(r, 80));
      await ui.settle();
      const lines = ui.lines();
      assert.equal(lines.length, 30);
      assert.equal(lines[2]!.length, 90);
      // Narrow: addresses still there, less room for Info.
      assert.match(
        lines.find((l) => /^\s+3 /.test(l))!,
        /172\.20\.0\.10/,
      );
    } finally {
      await ui.quit();
    }
  });

  it('draws only the visible rows (one box, content per render)', async () => {
    const ui = await startUi(CILIUM, { rows: 20 });
    try {
      const box = ui.handle.screen.children.find((c) => (c as unknown as { content: string }).content?.includes('Outer src'))!;
      const content = (box as unknown as { content: string }).content;
      assert.ok(content.split('\n').length <= 20, `${content.split('\n').length} lines`);
    } finally {
      await ui.quit();
    }
  });
});

describe('packet list numbers', () => {
  it('the No. column fits the largest frame number shown, not the count of rows', async () => {
    // 216 frames; a filter leaving 16 of them, numbered 201 to 216.
    const ui = await startUi(`${SAMPLES}lab-recordings/hosts/tunnel-ctr-any.pcap`, { cols: 100 });
    try {
      await command(ui, 'filter frame.number > 200');
      const lines = ui.lines();
      const rows = lines.slice(
        2,
        lines.findIndex((l) => l.startsWith(' Details')),
      );
      assert.ok(rows.length > 5, ui.text());
      for (const r of rows) assert.match(r, /^ *[↪!]?2(0[1-9]|1[0-6]) /, r);
    } finally {
      await ui.quit();
    }
  });
});

describe('column layout', () => {
  const specs = [
    { id: 'a', title: 'A', min: 3, ideal: 10, keep: 9 },
    { id: 'b', title: 'B', min: 5, ideal: 20, grow: 1, keep: 5 },
    { id: 'info', title: 'I', min: 10, ideal: 30, grow: 3, keep: 8, shrinkFirst: true },
  ];
  for (const width of [200, 62, 50, 40, 30, 20]) {
    it(`fills exactly ${width} cells or drops columns`, () => {
      const placed = layoutColumns(specs, width);
      const used = placed.reduce((s, c) => s + c.width, 0) + placed.length - 1;
      if (placed.length === 3 && width >= 62) assert.equal(used, width);
      assert.ok(used <= width || placed.length === 1, `${used} <= ${width}`);
      for (const c of placed) assert.ok(c.width >= c.min);
    });
  }
  it('gives up the Info column first', () => {
    const placed = layoutColumns(specs, 50);
    assert.equal(placed.find((c) => c.id === 'a')!.width, 10);
    assert.equal(placed.find((c) => c.id === 'info')!.width, 18);
  });
});
