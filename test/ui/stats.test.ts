// The Statistics view at 80x24: a protocol tree (the numbers tshark -z io,phs gives for the
// same capture), conversations and endpoints on both sides of the tunnel, sortable, and the
// I/O graph; all over the packets the display filter shows, saying "N of M".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS } from '../../src/ui/headless.js';
import { readIpLinkFile } from '../../src/capture/ip-link.js';
import { CILIUM, SAMPLES, startUi } from './helpers.js';
import { timeAxis } from '../../src/ui/views/stats.js';

const LAB = SAMPLES + 'lab-recordings/';

describe('Statistics view', () => {
  it('draws the protocol hierarchy as a tree with packet and byte shares', async () => {
    const ui = await startUi(LAB + 'native-router-any.pcap', { cols: 80, rows: 24, ifnames: readIpLinkFile(LAB + 'native-router.ip-link.txt') });
    try {
      await ui.press('3');
      const text = ui.text();
      assert.match(text, /Statistics \[Protocol hierarchy\] Conversations/);
      assert.match(text, /all 15 packets \(no display filter\)/);
      // tshark -z io,phs: sll 15/1184, arp 5/240, ip 10/944, icmp 6/624, tcp 4/320.
      assert.match(text, /^ SLL2 +15 100\.0% +1,184 100\.0%/m);
      assert.match(text, /^ {3}IPv4 +10 +66\.7% +944 +79\.7%/m);
      assert.match(text, /^ {5}ICMP +6 +40\.0% +624 +52\.7%/m);
      assert.match(text, /^ {5}TCP +4 +26\.7% +320 +27\.0%/m);
      assert.match(text, /^ {3}ARP +5 +33\.3% +240 +20\.3%/m);
      for (const l of ui.lines()) assert.equal(l.length, 80);
    } finally {
      await ui.quit();
    }
  });

  it('follows the display filter and says how many of the capture it counts', async () => {
    const ui = await startUi(CILIUM, { cols: 80, rows: 24 });
    try {
      await ui.press('/');
      await ui.type('icmp');
      await ui.press(KEYS.enter, '3');
      const text = ui.text();
      assert.match(text, /10 of 36 packets, display filter: icmp/);
      // Outer and inner layers in one tree, the inner ones under VXLAN.
      assert.match(text, /^ {7}VXLAN +10 100\.0%/m);
      assert.match(text, /^ {11}IPv4 +10 100\.0%/m);
      assert.match(text, /^ {13}ICMP +10 100\.0%/m);
      assert.doesNotMatch(text, /ARP/);
    } finally {
      await ui.quit();
    }
  });

  it('lists conversations and endpoints outside and inside the tunnels, sortable', async () => {
    const ui = await startUi(CILIUM, { cols: 80, rows: 24 });
    try {
      await ui.press('3', KEYS.tab);
      assert.match(ui.text(), /conversation\(s\), outer: on the wire/);
      assert.match(ui.text(), /^ 192\.168\.10\.100 +192\.168\.20\.100 +36 /m);
      await ui.press('i');
      assert.match(ui.text(), /inner: inside the tunnels/);
      assert.match(ui.text(), /^ 172\.20\.0\.10 +172\.20\.2\.30 +\d+ /m);
      await ui.press('s');
      assert.match(ui.text(), /s: sort \(by bytes\)/);
      assert.match(ui.text(), /Bytes▾/);
      await ui.press(KEYS.tab);
      assert.match(ui.text(), /endpoint\(s\), inner: inside the tunnels/);
      assert.match(ui.text(), /^ 172\.20\.0\.10 +\d+ /m);
    } finally {
      await ui.quit();
    }
  });

  it('draws the I/O graph with both series and visible axes', async () => {
    const ui = await startUi(CILIUM, { cols: 80, rows: 24, colors: 16 });
    try {
      await ui.press('/');
      await ui.type('icmp');
      await ui.press(KEYS.enter, '3', KEYS.shiftTab);
      const text = ui.text();
      assert.match(text, /░ every packet {2}█ shown by the display filter/);
      assert.match(text, /packets\/s/);
      assert.match(text, /bytes\/s/);
      const axis = ui.lines().findIndex((l) => /^ +0 │/.test(l));
      assert.ok(axis > 0);
      // The axis is drawn in a colour of its own, not the default (black on black before).
      const a = ui.attr(7, axis);
      assert.notEqual(a.fg, 0x1ff);
      assert.notEqual(a.fg, a.bg);
      assert.match(text, /└─+/);
      assert.match(text, / 0s +\S+s/);
    } finally {
      await ui.quit();
    }
  });
});

describe('I/O graph time axis', () => {
  const seconds = (label: string): number => {
    const m = /^([\d.]+)([smhd])$/.exec(label)!;
    return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
  };
  for (const bucket of [0.001, 0.02, 0.5, 1, 5, 30, 300, 3600]) {
    it(`labels buckets of ${bucket} s at even steps, each over the bucket it names`, () => {
      const axis = timeAxis(bucket, 71);
      const labels = [...axis.matchAll(/\S+/g)].map((m) => ({ at: m.index, t: seconds(m[0]) }));
      assert.ok(labels.length >= 3, axis);
      for (const l of labels) assert.ok(Math.abs(l.t - l.at * bucket) < bucket * 1e-6, `${axis}: ${l.t}s at column ${l.at}`);
      const steps = new Set(labels.slice(1).map((l, i) => Math.round((l.t - labels[i]!.t) * 1e6)));
      assert.equal(steps.size, 1, axis);
    });
  }
});

describe('Statistics at 200 columns', () => {
  it('keeps the numbers next to their names instead of across the screen', async () => {
    const ui = await startUi(CILIUM, { cols: 200, rows: 40 });
    try {
      await ui.press('3');
      const eth = ui.lines().find((l) => /^ Ethernet /.test(l))!;
      assert.ok(eth.indexOf('100.0%') < 60, eth);
      await ui.press(KEYS.tab);
      const pair = ui.lines().find((l) => /^ 192\.168\.10\.100 /.test(l))!;
      assert.ok(pair.trimEnd().length < 70, pair);
    } finally {
      await ui.quit();
    }
  });
});
