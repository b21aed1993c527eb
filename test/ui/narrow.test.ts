import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS } from '../../src/ui/headless.js';
import { placeColumns } from '../../src/ui/list-columns.js';
import { readIpLinkFile } from '../../src/capture/ip-link.js';
import { Theme } from '../../src/ui/theme.js';
import { StatusBar } from '../../src/ui/views/status-bar.js';
import { CILIUM, SAMPLES, startUi } from './helpers.js';

const LAB = SAMPLES + 'lab-recordings/';

describe('80x24', () => {
  it('shows a tunnel capture by priority: interface, outer pair, VNI, inner pair, protocol; → scrolls to the rest', async () => {
    const ui = await startUi(LAB + 'tunnel-router-any.pcap', { cols: 80, rows: 24, ifnames: readIpLinkFile(LAB + 'tunnel-router.ip-link.txt') });
    try {
      const header = ui.lines()[1]!;
      assert.match(header, /^ No\. If\s+Outer src → dst\s+VNI\s+Source → Destination\s+Prot/);
      assert.ok(header.endsWith('»'), header);
      // Frame 4: in on eth1, VXLAN 10100 between the nodes, the pods' ping inside.
      assert.match(
        ui.lines().find((l) => /^ +4 /.test(l))!,
        /^ +4 eth1▸ 192\.168\.10\.100 → 192\.168\.20\.100 10100 172\.20\.0\.10 → 172\.20\.2\.30 ICMP/,
      );
      // The legend and the scroll hint are on screen.
      assert.match(ui.text(), /▸in ◂out B bcast M mcast ↪copy !alert/);
      assert.match(ui.text(), /← → columns»/);
      // The status bar keeps the view and help.
      assert.match(ui.lines()[23]!, /\[1 Packets: list\]  \? help$/);
      await ui.press(KEYS.right, KEYS.right);
      const scrolled = ui.lines()[1]!;
      assert.match(scrolled, /^ No\.«/);
      assert.ok(!scrolled.includes('Outer'), scrolled);
      assert.match(scrolled, /Info/);
      assert.match(
        ui.lines().find((l) => /^ +4 /.test(l))!,
        /VXLAN 10100 172\.20\.0\.10 → 172\.20\.2\.30 ICMP +154 Echo \(ping\)/,
      );
      await ui.press(KEYS.left, KEYS.left);
      assert.match(ui.lines()[1]!, /Outer src → dst/);
    } finally {
      await ui.quit();
    }
  });

  it('puts a plain capture’s addresses in a neutral column and keeps view and help in the status bar', async () => {
    const ui = await startUi(LAB + 'native-router-any.pcap', { cols: 80, rows: 24, ifnames: readIpLinkFile(LAB + 'native-router.ip-link.txt') });
    try {
      assert.match(ui.lines()[1]!, /No\.\s+Time If\/Dir Source → Destination\s+Protocol\s+Length Info/);
      assert.doesNotMatch(ui.text(), /Inner Source/);
      assert.match(ui.text(), /!4 0\.478014 eth1 ▸ 172\.20\.0\.10 → 172\.20\.2\.30 ICMP/);
      assert.match(ui.lines()[23]!, /native-router-any\.pcap │ 15 packets │ ✖ 2 ⚠ 3 ℹ 0 +│ \[1 Packets: list\]  \? help$/);
    } finally {
      await ui.quit();
    }
  });

  it('shows the whole IPv6 outer pair when there is room', async () => {
    const ui = await startUi(SAMPLES + 'vxlan-ipv6-underlay.pcap', { cols: 200, rows: 30 });
    try {
      assert.match(ui.text(), / 1 0\.000000 fd00:10::100 → fd00:20::100 +VXLAN 32001 172\.20\.0\.10 → 172\.20\.2\.30 ICMP +168 Echo \(ping\) request/);
    } finally {
      await ui.quit();
    }
  });

  it('keeps the live state, the counts and the view in the status bar of a live capture', () => {
    const bar = new StatusBar(new Theme(0));
    const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');
    const model = {
      file: 'live: eth0',
      loaded: 12_345,
      loading: true,
      shown: 12_345,
      filtered: false,
      view: '1 Packets: list',
      alerts: { error: 1, warning: 2, info: 0 },
    };
    const following = plain(bar.render({ ...model, live: 'following' }, 80));
    assert.equal(following.length, 80);
    assert.match(following, /^ live: eth0 │ 12,345 pkts… │ ✖ 1 ⚠ 2 ℹ 0 │ following +│ \[1 Packets: list\] {2}\? help$/);
    assert.match(plain(bar.render({ ...model, live: 'paused' }, 80)), /│ paused: F +│ \[1 Packets: list\]/);
    // With room, the long forms.
    assert.match(plain(bar.render({ ...model, live: 'following' }, 120)), /reading… 12,345 packets │ ✖ 1 ⚠ 2 ℹ 0 │ following/);
  });

  it('draws the help inside its box', async () => {
    const ui = await startUi(CILIUM, { cols: 80, rows: 24 });
    try {
      await ui.press('4', '?');
      for (const l of ui.lines().slice(2, 22)) assert.match(l, /^[│└┌].*[│┘┐]$/, l);
    } finally {
      await ui.quit();
    }
  });
});

describe('placeColumns', () => {
  const cols = [
    { id: 'no', title: 'No.', min: 3, ideal: 3 },
    { id: 'time', title: 'Time', min: 8, ideal: 8 },
    { id: 'addr', title: 'Addr', min: 20, ideal: 30 },
    { id: 'info', title: 'Info', min: 12, ideal: 30, grow: true },
  ];
  it('keeps natural order when everything fits and gives the rest to Info', () => {
    const p = placeColumns(cols, ['no', 'addr', 'info', 'time'], 70, 0);
    assert.deepEqual(
      p.columns.map((c) => [c.id, c.width]),
      [
        ['no', 3],
        ['time', 8],
        ['addr', 30],
        ['info', 26],
      ],
    );
    assert.equal(p.hiddenRight, 0);
  });
  it('drops the lowest priority first, compact widths first, and scrolls', () => {
    const p = placeColumns(cols, ['no', 'addr', 'info', 'time'], 40, 0);
    assert.deepEqual(
      p.columns.map((c) => [c.id, c.width]),
      [
        ['no', 3],
        ['addr', 23],
        ['info', 12],
      ],
    );
    assert.equal(p.hiddenRight, 1);
    const q = placeColumns(cols, ['no', 'addr', 'info', 'time'], 40, 1);
    assert.deepEqual(
      q.columns.map((c) => c.id),
      ['no', 'time', 'info'],
    );
    assert.equal(q.hiddenLeft, 1);
  });
});
