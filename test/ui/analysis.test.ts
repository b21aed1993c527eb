// The views fed by src/analysis (run in a worker thread): flows under their tunnels, the VTEP
// matrix, hops with the misroute in the alert colour, alerts with the jump to their evidence.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS } from '../../src/ui/headless.js';
import { CILIUM, SAMPLES, command, startUi, type Ui } from './helpers.js';
import { hostOptions } from '../../src/cli/commands/options.js';
import { analyze } from '../../src/analysis/index.js';
import { loadCapture } from '../../src/capture/capture.js';
import { readIpLinkFile } from '../../src/capture/ip-link.js';
import { allFlowRows } from '../../src/ui/flow-rows.js';

const ROUTER = SAMPLES + 'router-interfaces.pcapng';
const MISROUTE_FG = 203;

function selectedFrame(ui: Ui): number {
  return Number(/Details of frame (\d+)/.exec(ui.text())?.[1]);
}

function listedFrames(ui: Ui): number[] {
  const lines = ui.lines();
  const end = lines.findIndex((l) => l.startsWith(' Details'));
  return lines
    .slice(2, end)
    .map((l) => /^\s*[↪!]?(\d+) /.exec(l)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
}

describe('analysis views', () => {
  it('marks forwarding copies in the list and counts alerts in the status bar', async () => {
    const ui = await startUi(ROUTER);
    try {
      assert.ok(ui.handle.app.analysis, 'analysis finished');
      const text = ui.text();
      assert.match(text, /^ ↪2 .*eth2 ◂ .*\[forwarded copy of 1\] Echo \(ping\) request/m);
      // Frame 9 is evidence of the misroute: marked !; its forwarded copy 10 keeps its ↪, in the alert colour.
      assert.match(text, /^ +!9 .*eth1 ▸ /m);
      assert.match(text, /^ *↪10 .*eth0 ◂ .*\[forwarded copy of 9\]/m);
      assert.equal(ui.attr(2, ui.row('[forwarded copy of 9]')).fg, MISROUTE_FG);
      assert.match(text, /✖ 2 ⚠ 3 ℹ 0/);
    } finally {
      await ui.quit();
    }
  });

  it('counts the bytes of every fragment of a tunnel packet in its flow, as Tunnels does', async () => {
    for (const name of ['tunnel-mtu-router-any.pcap', 'tunnel-mtu-ctr-eth1.pcap']) {
      const ui = await startUi(SAMPLES + 'lab-recordings/' + name);
      try {
        const a = ui.handle.app.analysis!;
        assert.ok(
          a.tunnels.some((t) => t.fragments > 0),
          `${name} has fragmented tunnel packets`,
        );
        const rows = allFlowRows(a.flowRows);
        const flowBytes = a.flowGroups
          .filter((g) => g.tunnel !== undefined)
          .flatMap((g) => rows.slice(g.start, g.start + g.count))
          .reduce((n, f) => n + f.bytes, 0);
        assert.equal(
          flowBytes,
          a.tunnels.reduce((n, t) => n + t.bytes, 0),
        );
      } finally {
        await ui.quit();
      }
    }
  });

  it("marks a warning's evidence frames with ! too", async () => {
    const ui = await startUi(SAMPLES + 'lab-recordings/tunnel-mtu-router-any.pcap', { rows: 50 });
    try {
      const warning = ui.handle.app.analysis!.alerts.find((a) => a.severity === 'warning')!;
      assert.ok(warning, 'the capture has a warning');
      const first = warning.frames[0]!;
      await command(ui, `goto ${first}`);
      assert.match(ui.text(), new RegExp(`^ *!${first} `, 'm'));
    } finally {
      await ui.quit();
    }
  });

  it('Hops: ingress → egress, the misroute through the uplink in the alert colour', async () => {
    const ui = await startUi(ROUTER);
    try {
      await ui.press('6');
      const y = ui.row('eth1 → eth0');
      assert.ok(y > 0);
      assert.match(ui.lines()[y]!, /eth1 → eth0\s+172\.20\.0\.10 → 172\.20\.2\.30\s+plain\s+routed\s+8\s+63 → 62 .*misroute/);
      assert.equal(ui.attr(2, y).fg, MISROUTE_FG);
      const ok = ui.row('eth1 → eth2');
      assert.notEqual(ui.attr(2, ok).fg, MISROUTE_FG);
      assert.doesNotMatch(ui.lines()[ok]!, /misroute/);
      // Enter shows the first pair's ingress copy.
      await ui.press('j', 'j', KEYS.enter);
      assert.equal(selectedFrame(ui), 9);
    } finally {
      await ui.quit();
    }
  });

  it('Alerts: by severity with explanation and fix; Enter jumps to the evidence, n / N walk it', async () => {
    const ui = await startUi(ROUTER, { rows: 44 });
    try {
      await ui.press('7');
      const text = ui.text();
      assert.match(text, /Alerts: 2 error\(s\), 3 warning\(s\), 0 info/);
      const first = ui.lines().findIndex((l) => l.includes('✖ error'));
      const warn = ui.lines().findIndex((l) => l.includes('⚠ warning'));
      assert.ok(first > 0 && warn > first, 'errors come first');
      assert.match(text, /entered eth1 and left eth0 \(default route\)/);
      assert.match(text, /not a retransmission/);
      assert.match(text, /Fix: .*routingMode=tunnel/);
      assert.match(text, /Evidence: .*frames \(n \/ N\): 9, 10, 11/);
      await ui.press(KEYS.enter);
      assert.match(ui.text(), /\[1 Packets: list\]/);
      assert.equal(selectedFrame(ui), 9);
      await ui.press('n');
      assert.equal(selectedFrame(ui), 10);
      assert.match(ui.text(), /evidence frame 2 of \d+/);
      await ui.press('n', 'N', 'N');
      assert.equal(selectedFrame(ui), 9);
      // The evidence is shown even when the filter hides it.
      await ui.press('/');
      await ui.type('icmp');
      await ui.press(KEYS.enter, 'n');
      assert.equal(selectedFrame(ui), 10);
      assert.match(ui.lines()[0]!, /press \/ to filter/);
    } finally {
      await ui.quit();
    }
  });

  it('Flows: grouped under their tunnel; Enter filters the list to the flow', async () => {
    const ui = await startUi(CILIUM);
    try {
      await ui.press('4');
      const text = ui.text();
      assert.match(text, /▾ VXLAN 192\.168\.10\.100 → 192\.168\.20\.100 {2}udp\/8472 {2}VNI 32001 {2}\(5 flows\)/);
      assert.match(text, /ICMP +172\.20\.0\.10 → 172\.20\.2\.30 +5 +5 .*back: VXLAN VNI 45678 192\.168\.20\.100→192\.168\.10\.100/);
      assert.match(text, /TCP +172\.20\.0\.10:48312 → 172\.20\.2\.30:80/);
      await ui.press(KEYS.enter);
      assert.match(
        ui.filterText(),
        /^\(\(inner\.ip\.src == 172\.20\.0\.10 && inner\.ip\.dst == 172\.20\.2\.30\) \|\| \(inner\.ip\.src == 172\.20\.2\.30 && inner\.ip\.dst == 172\.20\.0\.10\)\) && inner\.icmp\.ident == \d+ && \(\(outer\.ip\.src == 192\.168\.10\.100 && outer\.ip\.dst == 192\.168\.20\.100 && vxlan\.vni == 32001\) \|\| /,
      );
      const frames = listedFrames(ui);
      assert.equal(frames.length, 10);
      for (const l of ui.lines().slice(2, 12)) assert.match(l, /ICMP/);
      // The TCP flow.
      await ui.press('4', 'j', 'j', KEYS.enter);
      assert.match(ui.filterText(), /inner\.tcp\.srcport == 48312 && inner\.tcp\.dstport == 80/);
      assert.equal(listedFrames(ui).length, 10);
    } finally {
      await ui.quit();
    }
  });

  it('Tunnels: the VTEP matrix and the tunnel list; Enter filters to the tunnel', async () => {
    const ui = await startUi(CILIUM);
    try {
      await ui.press('5');
      const text = ui.text();
      assert.match(text, /from \\ to +192\.168\.10\.100 +192\.168\.20\.100/);
      assert.match(text, /^ 192\.168\.10\.100 +· +20 \(32001\)/m);
      assert.match(text, /^ 192\.168\.20\.100 +16 \(45678,18322\) +·/m);
      assert.match(text, /CNI hint: Cilium/);
      assert.match(text, /VXLAN +192\.168\.10\.100 → 192\.168\.20\.100 +VNI 32001 +8472 +20/);
      await ui.press(KEYS.enter);
      assert.match(ui.lines()[0]!, /outer\.ip\.src == 192\.168\.10\.100 && outer\.ip\.dst == 192\.168\.20\.100 && vxlan\.vni == 32001/);
      assert.match(ui.lines()[0]!, /20 shown/);
    } finally {
      await ui.quit();
    }
  });

  it('takes --ip-link, --ip-route and --uplink as the alerts command does: the same alerts', async () => {
    const hosts = SAMPLES + 'lab-recordings/hosts/';
    const { ifnames, ...host } = hostOptions({
      ifname: [],
      'ip-link': hosts + 'tunnel-blocked-router.ip-link.txt',
      'ip-route': hosts + 'tunnel-blocked-router.ip-route.txt',
      'pod-cidr': [],
    });
    const file = hosts + 'tunnel-blocked-router-any.pcap';
    const capture = await loadCapture(file);
    const expected = analyze(capture, { ...host, ifnames });
    capture.close();
    const dropped = expected.alerts.find((a) => a.id === 'overlay.dropped');
    assert.equal(dropped?.severity, 'error', 'the route table makes the drop certain');
    const count = (sev: string): number => expected.alerts.filter((a) => a.severity === sev).length;
    const ui = await startUi(file, { ifnames, host, cols: 120, rows: 40 });
    try {
      assert.match(ui.bottom(), new RegExp(`✖ ${count('error')} ⚠ ${count('warning')} ℹ ${count('info')}`));
      await ui.press('7');
      assert.ok(ui.text().includes(dropped.title.slice(0, 60)), ui.text());
    } finally {
      await ui.quit();
    }
  });

  it("Flows: a relayed flow's replies come back in another tunnel, an asymmetric one's plain", async () => {
    const hosts = SAMPLES + 'lab-recordings/hosts/';
    for (const [scenario, host] of [
      ['relay', 'w0'],
      ['asym-encap', 'router'],
    ] as const) {
      const file = `${hosts}${scenario}-${host}-any.pcap`;
      const { ifnames, ...hostOpts } = hostOptions({ ifname: [], 'ip-link': `${hosts}${scenario}-${host}.ip-link.txt`, 'pod-cidr': [] });
      const capture = await loadCapture(file);
      const r = analyze(capture, { ...hostOpts, ifnames });
      capture.close();
      const ui = await startUi(file, { ifnames, host: hostOpts, cols: 200, rows: 40 });
      try {
        await ui.press('4');
        for (const f of r.flows.filter((x) => x.tunnelled && x.packetsOf(1) > 0)) {
          const line = ui.lines().find((l) => l.includes(`${f.src}`) && l.includes(f.proto.toUpperCase()))!;
          const back = f.tunnelsOf(1).filter((id) => !f.tunnelsOf(0).includes(id));
          if (back.length) {
            const t = r.tunnels.find((x) => x.id === back[0])!;
            assert.ok(line.includes(`back: VXLAN VNI ${t.vni} ${t.src}→${t.dst}`), `${scenario}: ${line}`);
          } else {
            assert.equal(f.carriedOf(1), 'plain', scenario);
            assert.match(line, /back: plain\s*$/, scenario);
          }
        }
      } finally {
        await ui.quit();
      }
    }
  });

  it('Hops: a node relaying through its tunnel device is a relay, not a hairpin misroute, as the alert says', async () => {
    const hosts = SAMPLES + 'lab-recordings/hosts/';
    const ui = await startUi(hosts + 'relay-w1-any.pcap', { ifnames: readIpLinkFile(hosts + 'relay-w1.ip-link.txt'), cols: 140, rows: 40 });
    try {
      assert.ok(ui.handle.app.analysis!.alerts.some((a) => a.id === 'overlay.vtep-asymmetry'));
      await ui.press('6');
      const line = ui.lines().find((l) => l.includes('cilium_vxlan → cilium_vxlan'))!;
      assert.match(line, /plain +relay +\d+ .*relayed/);
      assert.doesNotMatch(ui.text(), /hairpin|misroute/);
    } finally {
      await ui.quit();
    }
  });

  it('Alerts: a wide screen lists every evidence frame it has room for', async () => {
    const hosts = SAMPLES + 'lab-recordings/hosts/';
    const opts = { ifnames: readIpLinkFile(hosts + 'pmtu-blackhole-ctr.ip-link.txt') };
    const evidence = async (cols: number): Promise<string> => {
      const ui = await startUi(hosts + 'pmtu-blackhole-ctr-any.pcap', { ...opts, cols, rows: 40 });
      try {
        await ui.press('7');
        return ui
          .lines()
          .map((l) => l.trim())
          .join(' ')
          .replace(/.*Evidence: /, '');
      } finally {
        await ui.quit();
      }
    };
    const narrow = await evidence(80);
    const wide = await evidence(200);
    const listed = (t: string): number => (/frames[^:]*: ([\d, …]+)/.exec(t)?.[1] ?? '').split(',').filter((x) => /\d/.test(x)).length;
    const kept = Number(/(\d+) frames/.exec(wide)?.[1]);
    assert.ok(kept > 12, wide);
    assert.ok(listed(narrow) >= 12 && listed(narrow) <= kept, narrow);
    assert.equal(listed(wide), kept, wide);
  });

  it('says why Hops is empty for a capture without interfaces', async () => {
    const ui = await startUi(CILIUM);
    try {
      await ui.press('6');
      assert.match(ui.text(), /does not record interfaces or directions/);
    } finally {
      await ui.quit();
    }
  });
});
