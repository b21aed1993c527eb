import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chooseDepth } from '../../src/ui/theme.js';
import { CILIUM, startUi, type Ui } from './helpers.js';

const DEFAULT = 0x1ff;

function colouredCells(ui: Ui): number {
  let n = 0;
  for (const row of ui.handle.screen.lines) {
    for (const [attr] of row) {
      if ((attr & 0x1ff) !== DEFAULT || ((attr >> 9) & 0x1ff) !== DEFAULT) n++;
    }
  }
  return n;
}

async function withEnv<T>(name: string, value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const before = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

describe('themes', () => {
  it('picks the palette: NO_COLOR wins, then an explicit depth, then the terminal', () => {
    assert.equal(chooseDepth({ NO_COLOR: '1' }, 256, 256), 0);
    assert.equal(chooseDepth({ NO_COLOR: '' }, 256), 256);
    assert.equal(chooseDepth({}, 8), 16);
    assert.equal(chooseDepth({}, 8, 256), 256);
    assert.equal(chooseDepth({ COLORTERM: 'truecolor' }, 8), 256);
    assert.equal(chooseDepth({ TERM: 'dumb' }, 8), 0);
    assert.equal(chooseDepth({}, 2), 0);
  });

  it('draws no colour at all on a dumb terminal', async () => {
    const ui = await startUi(CILIUM, { cols: 80, rows: 24, terminal: 'dumb' });
    try {
      assert.match(ui.text(), /Details of frame 1/);
      assert.equal(colouredCells(ui), 0);
      await ui.press('3');
      assert.equal(colouredCells(ui), 0);
    } finally {
      await ui.quit();
    }
  });

  it('has a light theme whose text colours differ from the dark one where they would vanish', async () => {
    const fgOf = async (theme: 'dark' | 'light'): Promise<number> => {
      const ui = await startUi(CILIUM, { cols: 140, rows: 44, theme });
      try {
        // Frame 17 is a plain TCP ACK (the default role for TCP is light grey on the dark theme).
        await ui.press(':');
        await ui.type('goto 18');
        await ui.press('\r');
        const y = ui.row(' 17 6.00');
        return ui.attr(20, y).fg;
      } finally {
        await ui.quit();
      }
    };
    const dark = await fgOf('dark');
    const light = await fgOf('light');
    assert.equal(dark, 252);
    assert.equal(light, 236);
  });

  it('keeps the unfocused tree selection visible under NO_COLOR', async () => {
    await withEnv('NO_COLOR', '1', async () => {
      const ui = await startUi(CILIUM, { cols: 140, rows: 44 });
      try {
        // Focus the tree, select its second top-level node, then focus the bytes pane.
        await ui.press('\t', 'j', '\t');
        const y = ui.row('▸ Ethernet II');
        assert.equal(ui.attr(3, y).flags & 2, 2, 'underlined');
        assert.equal(ui.attr(3, y).flags & 1, 1, 'bold');
        const other = ui.row('▸ Internet Protocol');
        assert.notEqual(ui.attr(3, other).flags & 2, 2);
      } finally {
        await ui.quit();
      }
    });
  });

  it('with NO_COLOR draws no colour at all, yet the selection and the highlight stay visible', async () => {
    await withEnv('NO_COLOR', '1', async () => {
      const ui = await startUi(CILIUM, { cols: 140, rows: 44 });
      try {
        // Select vxlan.vni of frame 3 so the hex view highlights it.
        await ui.press('j', 'j', '\t', 'j', 'j', 'j', 'j', '\r', 'j', 'j', 'j');
        assert.equal(colouredCells(ui), 0);
        const sel = ui.row('  3 0.001137');
        assert.equal(ui.attr(5, sel).flags & 8, 0, 'list selection is shown unfocused (underline)');
        assert.equal(ui.attr(5, sel).flags & 2, 2);
        const vni = ui.row('VXLAN Network Identifier');
        assert.equal(ui.attr(5, vni).flags & 8, 8, 'focused selection in inverse');
        const y = ui.row('0020  ');
        assert.equal(ui.attr(6 + 14 * 3 + 1, y).flags & 8, 8, 'highlighted byte in inverse');
        assert.equal(ui.attr(6, y).flags & 8, 0);
        // Every view, including the I/O graph.
        for (const view of ['2', '3', '\t', '\t', '\t', '?']) {
          await ui.press(view);
          assert.equal(colouredCells(ui), 0, `view ${view}`);
        }
      } finally {
        await ui.quit();
      }
    });
  });

  it('uses the 16 ANSI colours when the terminal has no more', async () => {
    const ui = await startUi(CILIUM, { colors: 16 });
    try {
      const sel = ui.row('  1 0.000000');
      assert.equal(ui.attr(5, sel).bg, 4);
      for (const row of ui.handle.screen.lines)
        for (const [attr] of row) {
          const fg = (attr >> 9) & 0x1ff;
          const bg = attr & 0x1ff;
          assert.ok(fg === DEFAULT || fg < 16, `fg ${fg}`);
          assert.ok(bg === DEFAULT || bg < 16, `bg ${bg}`);
        }
    } finally {
      await ui.quit();
    }
  });
});
