// The packet list's own columns (`:column add FIELD`, remove, move) and the settings file that
// keeps them with the theme and the recent filters ($XDG_CONFIG_HOME/vxshark/config.json).
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { defaultConfigPath } from '../../src/ui/config.js';
import { KEYS } from '../../src/ui/headless.js';
import { TempDir } from '../capture/helpers.js';
import { vxshark } from '../helpers/cli.js';
import { CILIUM, command, startUi, type Ui } from './helpers.js';

const dir = new TempDir();
after(() => dir.cleanup());
let n = 0;
const freshConfig = (): string => {
  const d = join(dir.path, `settings-${n++}`);
  mkdirSync(d);
  return join(d, 'config.json');
};

/** The cells of one column, by its title's position in the header, for the rows on screen. */
function columnCells(ui: Ui, title: string): Map<number, string> {
  const lines = ui.lines();
  const header = lines[1]!;
  const start = header.indexOf(title);
  assert.ok(start >= 0, `no ${title} column in: ${header}`);
  let end = start + title.length;
  while (header[end] === ' ' && header[end + 1] === ' ') end++;
  const out = new Map<number, string>();
  for (const line of lines.slice(2)) {
    const m = /^\s*(\d+) /.exec(line);
    if (!m) break;
    out.set(Number(m[1]), line.slice(start, end + 1).trim());
  }
  return out;
}

describe('custom columns and saved settings', () => {
  it('adds any field as a column, moves and removes it, and refuses an unknown field', async () => {
    // The expected cells: the last tcp.dstport (the inner header) and the VNI, as -T fields prints them.
    const r = await vxshark(['-r', CILIUM, '-T', 'fields', '-E', 'occurrence=l', '-e', 'frame.number', '-e', 'tcp.dstport', '-e', 'vxlan.vni']);
    const want = new Map(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t'))
        .map(([f, port, vni]) => [Number(f), { port: port!, vni: vni! }]),
    );
    const ui = await startUi(CILIUM, { cols: 200, rows: 50, config: freshConfig() });
    try {
      await command(ui, 'column add inner.tcp.dstport');
      await command(ui, 'column add vxlan.vni');
      assert.match(ui.bottom(), /columns added: inner\.tcp\.dstport, vxlan\.vni/);
      const ports = columnCells(ui, 'inner.tcp.dstport');
      const vnis = columnCells(ui, 'vxlan.vni');
      assert.ok(ports.size >= 15, `${ports.size} rows`);
      for (const [frame, cell] of ports) assert.equal(cell, want.get(frame)!.port, `frame ${frame}`);
      for (const [frame, cell] of vnis) assert.equal(cell, want.get(frame)!.vni, `frame ${frame}`);
      assert.ok([...ports.values()].includes('80'));

      await command(ui, 'column move vxlan.vni 1');
      const header = ui.lines()[1]!;
      assert.ok(header.indexOf('vxlan.vni') < header.indexOf('inner.tcp.dstport'), header);
      await command(ui, 'column remove 2');
      assert.doesNotMatch(ui.lines()[1]!, /dstport/);
      await command(ui, 'column add vxlan.vnx');
      assert.match(ui.bottom(), /unknown field "vxlan\.vnx"; did you mean vxlan\.vni\?/);
      await command(ui, 'column add vxlan.vni');
      assert.match(ui.bottom(), /already has a vxlan\.vni column/);
      await command(ui, 'column frobnicate');
      assert.match(ui.bottom(), /usage: column add FIELD/);
      await command(ui, 'column remove 7');
      assert.match(ui.bottom(), /there is no column 7 among those added; column lists them/);
      await command(ui, 'column remove ip.ttl');
      assert.match(ui.bottom(), /no ip\.ttl column; column lists the ones added/);
    } finally {
      await ui.quit();
    }
  });

  it('saves the columns and the filters applied, and the next start has them back', async () => {
    const config = freshConfig();
    let ui = await startUi(CILIUM, { cols: 160, rows: 30, config });
    try {
      await command(ui, 'column add ip.ttl');
      await ui.press('/');
      await ui.type('icmp');
      await ui.press(KEYS.enter);
    } finally {
      await ui.quit();
    }
    const saved = JSON.parse(readFileSync(config, 'utf8')) as { columns: string[]; recentFilters: string[] };
    assert.deepEqual(saved.columns, ['ip.ttl']);
    assert.deepEqual(saved.recentFilters, ['icmp']);
    ui = await startUi(CILIUM, { cols: 160, rows: 30, config });
    try {
      assert.match(ui.lines()[1]!, /ip\.ttl/);
      // ↑ in the filter bar recalls the filter applied last time.
      await ui.press('/', KEYS.up);
      assert.match(ui.lines()[0]!, /Filter: icmp/);
    } finally {
      await ui.quit();
    }
  });

  it('takes the theme from the settings unless --theme says otherwise', async () => {
    const config = freshConfig();
    writeFileSync(config, JSON.stringify({ theme: 'light', columns: [], recentFilters: [] }));
    for (const [theme, fg] of [
      [undefined, 130],
      ['dark', 179],
    ] as const) {
      const ui = await startUi(CILIUM, { cols: 120, rows: 40, config, ...(theme ? { theme } : {}) });
      try {
        await ui.press('?');
        const y = ui.row(' General');
        assert.equal(ui.attr(ui.lines()[y]!.indexOf('General'), y).fg, fg, `theme ${theme ?? 'from the settings'}`);
      } finally {
        await ui.quit();
      }
    }
  });

  it('reports a broken settings file once, uses the defaults, and leaves the file alone', async () => {
    const config = freshConfig();
    writeFileSync(config, '{"columns": ["ip.ttl"');
    const ui = await startUi(CILIUM, { cols: 160, rows: 30, config });
    try {
      assert.match(ui.bottom(), /is not valid settings/);
      assert.doesNotMatch(ui.lines()[1]!, /ip\.ttl/);
      await ui.press('/');
      await ui.type('icmp');
      await ui.press(KEYS.enter);
      await command(ui, 'column add ip.ttl');
    } finally {
      await ui.quit();
    }
    assert.equal(readFileSync(config, 'utf8'), '{"columns": ["ip.ttl"');
  });

  it('keeps what another window saved meanwhile, writes through a symlink, and skips a bad saved column', async () => {
    const config = freshConfig();
    const real = join(dir.path, 'real-settings.json');
    writeFileSync(real, JSON.stringify({ columns: ['  ', 'ip.ttl\nx', 'vxlan.vni'], recentFilters: [] }));
    symlinkSync(real, config);
    const a = await startUi(CILIUM, { cols: 160, rows: 30, config });
    const b = await startUi(CILIUM, { cols: 160, rows: 30, config });
    try {
      assert.match(a.bottom(), /saved column/);
      assert.match(a.lines()[1]!, /vxlan\.vni/);
      await command(a, 'column add ip.ttl');
      await a.press('/');
      await a.type('icmp');
      await a.press(KEYS.enter);
      // The other window, opened before, applies a filter: the first one's column and filter stay.
      await b.press('/');
      await b.type('arp');
      await b.press(KEYS.enter);
    } finally {
      await a.quit();
      await b.quit();
    }
    assert.ok(lstatSync(config).isSymbolicLink(), 'still a symlink');
    const saved = JSON.parse(readFileSync(real, 'utf8')) as { columns: string[]; recentFilters: string[] };
    assert.deepEqual(saved.columns, ['vxlan.vni', 'ip.ttl']);
    assert.deepEqual(saved.recentFilters, ['icmp', 'arp']);
  });

  it('finds the settings under XDG_CONFIG_HOME, else ~/.config', () => {
    assert.equal(defaultConfigPath({ XDG_CONFIG_HOME: '/x/conf' }), '/x/conf/vxshark/config.json');
    assert.match(defaultConfigPath({}), /\/\.config\/vxshark\/config\.json$/);
    // A relative XDG_CONFIG_HOME is invalid by the XDG spec and ignored.
    assert.match(defaultConfigPath({ XDG_CONFIG_HOME: 'rel' }), /\/\.config\/vxshark\/config\.json$/);
  });
});
