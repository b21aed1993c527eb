// Jumps between the views: every evidence frame of an alert, the exact packets of a flow, a
// hop added to the user's filter, and :decode that can be undone and refuses nonsense.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS } from '../../src/ui/headless.js';
import { SAMPLES, command, startUi, type Ui } from './helpers.js';
import { Files, vxlanOnPort9000 } from './fixtures.js';

const ROUTER = SAMPLES + 'router-interfaces.pcapng';
const files = new Files();
after(() => files.cleanup());

function selectedFrame(ui: Ui): number {
  return Number(/Details of frame (\d+)/.exec(ui.text())?.[1]);
}

describe('navigation', () => {
  it('walks every evidence frame of an alert, past the ten the CLI prints', async () => {
    const ui = await startUi(ROUTER, { rows: 44 });
    try {
      await ui.press('7');
      const m = /Evidence: \d+ seen, (\d+) frames \(n \/ N\): ([\d, …]+)/.exec(ui.text());
      assert.ok(m, ui.text());
      const n = Number(m[1]);
      assert.ok(n > 10, `${n} evidence frames`);
      await ui.press(KEYS.enter);
      const seen = [selectedFrame(ui)];
      for (let k = 1; k < n; k++) {
        await ui.press('n');
        seen.push(selectedFrame(ui));
      }
      assert.match(ui.text(), new RegExp(`evidence frame ${n} of ${n}`));
      assert.equal(new Set(seen).size, n, `distinct frames ${seen}`);
      await ui.press('n');
      assert.equal(selectedFrame(ui), seen[0]);
    } finally {
      await ui.quit();
    }
  });

  it('Enter on an ICMP flow filters exactly that flow (by echo identifier), not every packet of its hosts', async () => {
    const ui = await startUi(ROUTER, { rows: 44, cols: 160 });
    try {
      await ui.press('4');
      // The second ping of 172.20.0.10 → 172.20.2.30 (id 0x6b02) goes unanswered through the uplink.
      const y = ui.lines().findIndex((l) => /ICMP +172\.20\.0\.10 → 172\.20\.2\.30/.test(l));
      assert.ok(y > 0, ui.text());
      const firstRow = ui.lines().findIndex((l) => /^ {3}\S/.test(l) && !/Proto/.test(l));
      for (let k = firstRow; k < y; k++) await ui.press('j');
      await ui.press(KEYS.enter);
      assert.match(ui.filterText(), /icmp\.ident == 27394$/);
      // The three requests of id 0x6b02, each seen in on eth1 and out on eth0; no other ping, no TCP.
      const rows = ui
        .lines()
        .slice(2)
        .filter((l) => /^ *[!↪]?\d+ +\d+\.\d{6} /.test(l));
      assert.equal(rows.length, 6);
      for (const r of rows) assert.match(r, /id=0x6b02/);
      assert.match(ui.lines()[0]!, /\b6 shown/);
    } finally {
      await ui.quit();
    }
  });

  it('Enter on a hop adds the path to the filter the user typed', async () => {
    const ui = await startUi(ROUTER, { rows: 44, cols: 160 });
    try {
      await ui.press('/');
      await ui.type('icmp');
      await ui.press(KEYS.enter, '6');
      const y = ui.row('eth1 → eth0');
      const first = ui.lines().findIndex((l) => /→/.test(l) && /routed|hairpin|bridged/.test(l));
      for (let k = first; k < y; k++) await ui.press('j');
      await ui.press(KEYS.enter);
      assert.match(
        ui.filterText(),
        /^\(icmp\) && \(\(frame\.interface_name == "eth1" \|\| frame\.interface_name == "eth0"\) && ip\.src == 172\.20\.0\.10 && ip\.dst == 172\.20\.2\.30\)/,
      );
      // The path's ICMP packets only: the TCP SYNs on the same path are not shown.
      assert.match(ui.lines()[0]!, /\b6 shown/);
      assert.doesNotMatch(ui.text(), /\bTCP\b +\d+ /);
      assert.match(ui.text(), /eth0 ◂ 172\.20\.0\.10 +→ 172\.20\.2\.30 +ICMP/);
    } finally {
      await ui.quit();
    }
  });

  it(':decode … none undoes a decode, and a TCP port as VXLAN is refused with the reason', async () => {
    const file = files.write('port9000.pcap', vxlanOnPort9000());
    const ui = await startUi(file, { heuristics: false });
    try {
      await command(ui, 'decode udp.port==9000 vxlan');
      assert.match(ui.lines()[2]!, /VXLAN 4242/);
      await command(ui, 'decode udp.port==9000 none');
      assert.match(ui.lines().at(-1)!, /udp\.port==9000 is decoded by the default rules again/);
      assert.doesNotMatch(ui.text(), /VXLAN 4242/);
      assert.match(ui.lines()[2]!, /\bUDP\b/);
      await command(ui, 'decode udp.port==9000 none');
      assert.match(ui.lines().at(-1)!, /no decode rule of yours covers udp\.port==9000/);
      await command(ui, 'decode tcp.port==80 vxlan');
      assert.match(ui.lines().at(-1)!, /decode refused: VXLAN runs over udp\.port, not tcp\.port/);
      await command(ui, 'decode udp.port==80 http');
      assert.match(ui.lines().at(-1)!, /decode refused: HTTP runs over tcp\.port, not udp\.port/);
      assert.match(ui.lines()[2]!, /\bUDP\b/);
    } finally {
      await ui.quit();
    }
  });

  it('sorts the Flows and Tunnels tables with s', async () => {
    const ui = await startUi(SAMPLES + 'lab-recordings/tunnel-router-any.pcap', { cols: 120, rows: 30 });
    try {
      await ui.press('4', 's', 's');
      assert.match(ui.text(), /s: sort \(by bytes\)/);
      const flows = ui.lines().filter((l) => /^ {3}(TCP|UDP|ICMP) /.test(l));
      const bytes = flows.map((l) => /([\d.]+) (kB|B|MB)\s/.exec(l)!).map(([, n, u]) => Number(n) * (u === 'kB' ? 1e3 : u === 'MB' ? 1e6 : 1));
      assert.ok(bytes.length > 1);
      assert.deepEqual(
        bytes,
        [...bytes].sort((a, b) => b - a),
      );
      await ui.press('5', 's');
      assert.match(ui.text(), /s: sort \(by packets\)/);
    } finally {
      await ui.quit();
    }
  });
});
