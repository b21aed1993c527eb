import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { KEYS } from '../../src/ui/headless.js';
import { placeColumns, SideScroll } from '../../src/ui/list-columns.js';
import { fit, wrap } from '../../src/ui/text.js';
import { readIpLinkFile } from '../../src/capture/ip-link.js';
import { allFlowRows } from '../../src/ui/flow-rows.js';
import { Theme } from '../../src/ui/theme.js';
import { StatusBar } from '../../src/ui/views/status-bar.js';
import { FilterBar } from '../../src/ui/views/filter-bar.js';
import { MOUSE_HELP } from '../../src/ui/keymap.js';
import { CILIUM, SAMPLES, command, startUi, type Ui } from './helpers.js';
import { vxshark } from '../helpers/cli.js';

const LAB = SAMPLES + 'lab-recordings/';

describe('80x24', () => {
  it('shows a tunnel capture by priority: interface, outer pair, VNI, inner pair, protocol; → scrolls to the rest', async () => {
    const ui = await startUi(LAB + 'tunnel-router-any.pcap', { cols: 80, rows: 24, ifnames: readIpLinkFile(LAB + 'tunnel-router.ip-link.txt') });
    try {
      const header = ui.lines()[1]!;
      assert.match(header, /^ No\. If\/Dir\s+Outer src → dst\s+VNI\s+Source → Destination\s+Prot/);
      assert.ok(header.endsWith('»'), header);
      // Frame 4: in on eth1, VXLAN 10100 between the nodes, the pods' ping inside.
      assert.match(
        ui.lines().find((l) => /^ +4 /.test(l))!,
        // Both address columns compact (a→b) when one is too narrow for its widest pair.
        /^ +4 eth1 ▸ 192\.168\.10\.100→192\.168\.20\.100 +10100 172\.20\.0\.10→172\.20\.2\.30 +ICMP/,
      );
      // A broadcast keeps the blank between the interface and its mark: "eth1B" would read as a name.
      assert.match(
        ui.lines().find((l) => /^ +1 /.test(l))!,
        /^ +1 eth1 B +0a:55:1f:3b:de:eb/,
      );
      // The legend and the scroll hint are on screen.
      // Only the packet types this capture has are explained (its broadcasts, no multicast).
      assert.match(ui.text(), /▸ ?in +◂ ?out +B bcast +↪ ?copy +! ?alert/);
      assert.match(ui.text(), /← → columns»/);
      // The status bar keeps the view and help.
      assert.match(ui.lines()[23]!, /\[1 Packets: list\]  \? help$/);
      await ui.press(KEYS.right, KEYS.right);
      const scrolled = ui.lines()[1]!;
      assert.match(scrolled, /^ No\. « /);
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

  it('shows nanosecond times whole', async () => {
    const ui = await startUi(SAMPLES + 'nanosecond.pcap', { cols: 200, rows: 30 });
    try {
      // Frame 2's time since frame 1, from the record headers (nanosecond pcap, little-endian).
      const b = readFileSync(SAMPLES + 'nanosecond.pcap');
      const second = 24 + 16 + b.readUInt32LE(24 + 8);
      const ns = (b.readUInt32LE(second) - b.readUInt32LE(24)) * 1e9 + b.readUInt32LE(second + 4) - b.readUInt32LE(28);
      const expected = `${Math.floor(ns / 1e9)}.${String(ns % 1e9).padStart(9, '0')}`;
      assert.match(ui.text(), new RegExp(`^ +2 ${expected.replace('.', '\\.')} `, 'm'));
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
    // The stream pass's progress, long and short.
    const done = { ...model, loading: false, streamsFraction: 0.375 };
    assert.match(plain(bar.render(done, 140)), /12,345 packets │ stream numbers ([█▏▎▍▌▋▊▉ ░-]{10}|\S{10}) 37% │ ✖ 1/);
    assert.match(plain(bar.render(done, 80)), /│ streams 37% │/);
  });

  it("a node's long interface names are cut, not its endpoints and protocol", async () => {
    const hosts = LAB + 'hosts/';
    const ui = await startUi(hosts + 'tunnel-w0-any.pcap', { cols: 80, rows: 24, ifnames: readIpLinkFile(hosts + 'tunnel-w0.ip-link.txt') });
    try {
      assert.match(ui.lines()[1]!, /^ No\. If\/Dir +Outer src → dst +VNI +Source → Destination +Prot/);
      // Every row says who talks to whom and in what, whatever its interface.
      for (const n of [3, 4, 5, 7, 8]) {
        const s = ui.handle.app.store!.summary(n - 1);
        const line = ui.lines().find((l) => new RegExp(`^ +[↪!]?${n} `).test(l))!;
        assert.ok(line.includes(`${s.source}→${s.destination}`) && line.includes(s.protocol), `frame ${n}: ${line}`);
      }
      assert.match(
        ui.lines().find((l) => /^ +↪4 /.test(l))!,
        /^ +↪4 ci…xlan ▸ /,
      );
    } finally {
      await ui.quit();
    }
  });

  it('explains the packet types the capture has: P, a packet for another host, in the legend and in words in the tree', async () => {
    const hosts = LAB + 'hosts/';
    const ui = await startUi(hosts + 'wrong-vtep-w1-any.pcap', { cols: 80, rows: 24, ifnames: readIpLinkFile(hosts + 'wrong-vtep-w1.ip-link.txt') });
    try {
      const store = ui.handle.app.store!;
      let other = -1;
      for (let p = 0; p < ui.handle.app.capture!.frameCount && other < 0; p++) if (store.summary(p).direction === 'P') other = p;
      assert.ok(other >= 0, 'the capture has a packet for another host');
      await command(ui, `goto ${other + 1}`);
      assert.match(ui.text(), /P otherhost/);
      assert.doesNotMatch(ui.text(), /M mcast/);
      assert.match(ui.text(), /Linux cooked capture v2, Unicast to another host on cilium_vxlan/);
    } finally {
      await ui.quit();
    }
  });

  it('→ in Flows, Tunnels and Hops keeps what tells rows apart, in place, and « stands apart from the titles', async () => {
    const ui = await startUi(SAMPLES + 'gre-key-seq-gretap.pcap', { cols: 80, rows: 24 });
    try {
      await ui.press('5');
      const tunnels = ui.handle.app.analysis!.tunnels;
      const header = (): string => ui.lines().find((l) => /^ Kind /.test(l))!;
      for (let i = 0; i < 4; i++) {
        // Every tunnel's kind, endpoints and key stay on its line, at the start.
        for (const t of tunnels)
          assert.ok(
            ui.lines().some((l) => l.startsWith(` ${t.kind}`.padEnd(6) + `${t.src} → ${t.dst}`) && l.includes(t.idText)),
            `${t.idText} after ${i} →`,
          );
        assert.doesNotMatch(header(), /\S«|«\S/);
        await ui.press(KEYS.right);
      }
      await ui.press('4');
      const flowHeader = (): string => ui.lines().find((l) => /Proto/.test(l))!;
      assert.match(flowHeader(), /^ {3}Proto Source → Destination /);
      await ui.press(KEYS.right);
      assert.match(flowHeader(), /^ {3}Proto Source → Destination +« /);
    } finally {
      await ui.quit();
    }
  });

  it('→ brings every column of Flows, Tunnels and Hops into view, in display order', async () => {
    const reached = async (ui: Ui, view: string, header: RegExp, titles: RegExp[]): Promise<void> => {
      await ui.press(view);
      const seen = new Set<number>();
      for (let i = 0; i < 8; i++) {
        const h = ui.lines().find((l) => header.test(l))!;
        titles.forEach((t, k) => t.test(h) && seen.add(k));
        await ui.press(KEYS.right);
      }
      assert.deepEqual(
        [...seen].sort(),
        titles.map((_t, k) => k),
        `view ${view}: never shown ${titles.filter((_t, k) => !seen.has(k)).join(' ')}`,
      );
    };
    const mtu = await startUi(LAB + 'tunnel-mtu-router-any.pcap', { cols: 80, rows: 24, ifnames: readIpLinkFile(LAB + 'tunnel-mtu-router.ip-link.txt') });
    try {
      await reached(mtu, '5', /^ Kind /, [/ Port /, /Pa?c?ke?ts/, /Bytes/, /Frags/, /Inner/]);
      await reached(mtu, '6', /Ingress|In → Out/, [/Kind/, /Pa?c?ke?ts/, /TTL/, /Latency/, /MAC/, /Verdict/]);
    } finally {
      await mtu.quit();
    }
    const hosts = LAB + 'hosts/';
    const relay = await startUi(hosts + 'relay-w1-any.pcap', { cols: 80, rows: 24, ifnames: readIpLinkFile(hosts + 'relay-w1.ip-link.txt') });
    try {
      await reached(relay, '4', /Proto/, [/→/, /←/, /Bytes/, /State/, /Other/]);
    } finally {
      await relay.quit();
    }
  });

  it('keeps the same columns wherever the list is scrolled to', async () => {
    const ui = await startUi(LAB + 'tunnel-mtu-router-any.pcap', { cols: 80, rows: 24, ifnames: readIpLinkFile(LAB + 'tunnel-mtu-router.ip-link.txt') });
    try {
      const header = ui.lines()[1]!;
      for (const n of [56, 120, 182, 201, 1]) {
        await command(ui, `goto ${n}`);
        assert.equal(ui.lines()[1], header, `at frame ${n}`);
      }
    } finally {
      await ui.quit();
    }
  });

  it('scrolls → until the end of the longest Info on screen shows, and ← back', async () => {
    const ui = await startUi(SAMPLES + 'router-any-sll2.pcap', { cols: 80, rows: 24 });
    try {
      const row2 = (): string => ui.lines().find((l) => /^ +↪2 /.test(l))!;
      // Every column fits at its width, so only Info is cut.
      assert.match(row2(), /\[forwarded.*…$/);
      const full = ui.handle.app.store!.summary(1).info;
      for (let i = 0; i < 10 && !row2().trimEnd().endsWith(full.slice(-12)); i++) await ui.press(KEYS.right);
      assert.ok(row2().trimEnd().endsWith(full.slice(-12)), `${row2()} does not end like ${full}`);
      assert.doesNotMatch(ui.lines()[1]!, /»$/);
      for (let i = 0; i < 10; i++) await ui.press(KEYS.left);
      assert.match(ui.lines()[1]!, /^No\.\s+Time If\/Dir Source → Destination/);
    } finally {
      await ui.quit();
    }
  });

  it('keeps numbers whole in Flows, Tunnels and Hops, tells paths apart, and scrolls their columns', async () => {
    const lab = (name: string): string => LAB + name;
    const ui = await startUi(lab('tunnel-mtu-router-any.pcap'), { cols: 80, rows: 24, ifnames: readIpLinkFile(lab('tunnel-mtu-router.ip-link.txt')) });
    try {
      const a = ui.handle.app.analysis!;
      await ui.press('6');
      // Every path is its own line, and no two lines read the same.
      const hopLines = a.hops.map((h) =>
        ui
          .lines()
          .find(
            (l) =>
              l.includes(`${h.ingress} → ${h.egress}`) &&
              l.includes(h.encapsulated ? 'tunnel' : h.fragments ? 'fragments' : 'plain') &&
              new RegExp(`\\b${h.packets}\\b`).test(l),
          ),
      );
      assert.ok(hopLines.every(Boolean), ui.text());
      assert.equal(new Set(hopLines).size, a.hops.length);
      // The path of fragments is one: its first pair's frames are IP fragments.
      const frag = a.hops.find((h) => h.fragments);
      assert.ok(frag?.example, 'a path of fragments');
      const r = await vxshark([
        '-r',
        lab('tunnel-mtu-router-any.pcap'),
        '-T',
        'fields',
        '-e',
        'ip.flags.mf',
        '-e',
        'ip.frag_offset',
        '-Y',
        `frame.number == ${frag.example[0]}`,
      ]);
      const [mf, offset] = r.stdout
        .trim()
        .split('\t')
        .map((v) => Number(v.split(',')[0]));
      assert.ok(mf === 1 || offset! > 0, r.stdout);
      assert.match(ui.lines()[2]!, /»$/);
      await ui.press(KEYS.right, KEYS.right, KEYS.right);
      assert.match(ui.text(), /Latency|MAC/);
      await ui.press('4');
      const flows = allFlowRows(a.flowRows);
      for (const f of flows.slice(0, 5)) {
        const line = ui.lines().find((l) => l.includes(f.endpoints));
        assert.ok(line, `flow ${f.endpoints} on screen`);
        assert.match(line, new RegExp(`${f.proto} +${f.endpoints.replace(/\./g, '\\.')} +${f.packetsOut} +${f.packetsBack} `), line);
      }
    } finally {
      await ui.quit();
    }
  });

  it('shows a tunnel id as the packet list does, and no port or id where the tunnel has none', async () => {
    const gre = await startUi(SAMPLES + 'gre-key-seq-gretap.pcap', { cols: 80, rows: 24 });
    try {
      const key = gre.handle.app.store!.summary(0).tunnel!.short.split(' ')[1]!;
      assert.match(key, /^0x[0-9a-f]{8}$/);
      // The list's compact Tunnel column writes the id the same way.
      assert.match(
        gre.lines().find((l) => /^ +1 /.test(l))!,
        new RegExp(` ${key} `),
      );
      await gre.press('5');
      assert.match(gre.text(), new RegExp(`GRE +10\\.10\\.0\\.11 → 10\\.10\\.0\\.12 +key ${key} +2 `));
      assert.match(gre.text(), new RegExp(`^ 10\\.10\\.0\\.12 +2 \\(${key}\\)`, 'm'));
      // Enter filters in the same notation.
      await gre.press(KEYS.enter);
      assert.match(gre.filterText(), new RegExp(`gre\\.key == ${key}`));
      // The flow's other tunnels, by direction: the replies' is "back", a second key the same way is "also".
      await gre.press('4');
      const tunnels = gre.handle.app.analysis!.tunnels;
      const first = tunnels[0]!;
      const back = tunnels.find((t) => t.src === first.dst)!;
      const same = tunnels.find((t) => t !== first && t.src === first.src)!;
      const also = allFlowRows(gre.handle.app.analysis!.flowRows)[0]!.also;
      assert.equal(also, `back: GRE ${back.idText} ${back.src}→${back.dst}; also: GRE ${same.idText} ${same.src}→${same.dst}`);
      // At 80 columns → brings the rest of the column into view, to its end.
      const end = also.slice(-14);
      for (let i = 0; i < 10 && !gre.text().includes(end); i++) await gre.press(KEYS.right);
      assert.ok(gre.text().includes(end), gre.text());
    } finally {
      await gre.quit();
    }
    const ipip = await startUi(SAMPLES + 'calico-ipip.pcap', { cols: 80, rows: 24 });
    try {
      await ipip.press('5');
      assert.match(ipip.text(), /^ IPIP +10\.10\.0\.11 → 10\.10\.0\.12 +3 +354 B +0 10\.244\./m);
      // IPIP has no id: the list's compact tunnel column shows the kind, under "Tun", not "ID".
      await ipip.press('1');
      assert.match(ipip.lines()[1]!, /^No\. Outer src → dst +Tun +/);
      assert.match(ipip.lines()[2]!, / IPIP /);
    } finally {
      await ipip.quit();
    }
  });

  it('puts a message too long for the status line on lines of its own, whole', () => {
    const bar = new StatusBar(new Theme(0));
    const plain = (x: string): string => x.replace(/\x1b\[[0-9;]*m/g, '');
    const model = { file: '/srv/captures/router-any.pcap', loaded: 147, loading: false, shown: 147, filtered: false, view: '1 Packets: list' };
    const short = bar.lines({ ...model, message: { text: 'frame 12', role: 'good' } }, 80).map(plain);
    assert.equal(short.length, 1);
    assert.match(short[0]!, /│ frame 12 +│ \[1 Packets: list\]  \? help$/);
    const text = 'settings file /home/someone/.config/vxshark/config.json is not valid JSON (Unexpected token } in JSON at position 17): using the defaults';
    const long = bar.lines({ ...model, message: { text, role: 'warning' } }, 80).map(plain);
    assert.ok(long.length >= 2 && long.length <= 5, long.join('\n'));
    for (const l of long) assert.equal(l.length, 80);
    assert.equal(
      long
        .slice(0, -1)
        .map((l) => l.trim())
        .join(' '),
      text,
    );
    assert.match(long.at(-1)!, /\[1 Packets: list\]  \? help$/);
  });

  it('says why Flows is empty for encrypted tunnels, and Tunnels shows their receivers whole', async () => {
    const ui = await startUi(SAMPLES + 'calico-wireguard-51820.pcap', { cols: 80, rows: 24 });
    try {
      const tunnels = ui.handle.app.analysis!.tunnels;
      await ui.press('4');
      assert.match(ui.text(), new RegExp(`${tunnels.length} encrypted tunnels \\(WireGuard\\): the flows inside cannot be read`));
      assert.doesNotMatch(ui.text(), /No IP flows/);
      await ui.press('1');
      // A data packet's inner addresses are unreadable: the list says so instead of repeating the outer pair.
      assert.match(
        ui.lines().find((l) => /^ +3 /.test(l))!,
        /\(encrypted\)/,
      );
      await ui.press('5');
      for (const t of tunnels.filter((x) => x.idText)) assert.match(ui.text(), new RegExp(`${t.idText} +(${t.port} +)?${t.packets} encrypted`));
    } finally {
      await ui.quit();
    }
  });

  it('scrolls → in Tunnels to the end of the inner pairs before the columns after them', async () => {
    const ui = await startUi(CILIUM, { cols: 80, rows: 24 });
    try {
      const t = ui.handle.app.analysis!.tunnels.reduce((a, b) => (b.inner.length > a.inner.length ? b : a));
      await ui.press('5');
      const end = t.inner.slice(-12);
      for (let i = 0; i < 12 && !ui.text().includes(end); i++) await ui.press(KEYS.right);
      assert.ok(ui.text().includes(end), ui.text());
    } finally {
      await ui.quit();
    }
  });

  it('says the analysis views cover the whole capture while a filter is applied, and how many alerts do not fit', async () => {
    const ui = await startUi(SAMPLES + 'router-interfaces.pcapng', { cols: 80, rows: 24 });
    try {
      await ui.press('7');
      const alerts = ui.handle.app.analysis!.alerts;
      const listed = ui.lines().filter((l) => /^ [✖⚠ℹ] (error|warning|info) /.test(l)).length;
      assert.ok(listed < alerts.length, 'more alerts than rows at 80x24');
      assert.match(ui.text(), new RegExp(`─ ${alerts.length - listed} more \\(j/k\\) ─`));
      assert.doesNotMatch(ui.text(), /whole capture/);
      await command(ui, 'filter icmp');
      await ui.press('4');
      assert.match(ui.text(), /whole capture: the (display )?filter applies to the packet list/i);
    } finally {
      await ui.quit();
    }
  });

  it('shows the start of a long applied filter, and … where it is cut', () => {
    const plain = (x: string): string => x.replace(/\x1b\[[0-9;]*m/g, '');
    const bar = new FilterBar(new Theme(0), () => ({ kind: 'ok' }));
    const text = '((ip.src == 192.168.10.100 && ip.dst == 192.168.20.100) || (ip.src == 192.168.20.100 && ip.dst == 192.168.10.100)) && icmp.ident == 27394';
    bar.setApplied(text);
    const line = plain(bar.render(80, '8 shown'));
    assert.equal(line.length, 80);
    assert.match(line, /^ ✓ Filter: \(\(ip\.src == 192\.168\.10\.100 .*… +8 shown$/);
    assert.ok(text.startsWith(line.slice(11, line.indexOf('…'))));
  });

  it('draws the help inside its box', async () => {
    const ui = await startUi(CILIUM, { cols: 80, rows: 24 });
    try {
      await ui.press('4', '?');
      for (const l of ui.lines().slice(2, 22)) assert.match(l, /^[│└┌].*[│┘┐]$/, l);
      // G shows the end of the help (its last line is the last mouse action), g the start.
      const lastHelp = MOUSE_HELP.at(-1)!.help;
      assert.ok(!ui.text().includes(lastHelp));
      await ui.press('G');
      assert.ok(ui.text().includes(lastHelp), ui.text());
      await ui.press('g');
      assert.match(ui.text(), /vxshark keys/);
      await ui.press(' ');
      assert.doesNotMatch(ui.text(), /vxshark keys/);
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
  it('does not stretch a number across the room left when Info is scrolled away', () => {
    const nums = [
      { id: 'no', title: 'No.', min: 3, ideal: 3 },
      { id: 'len', title: 'Len', min: 4, ideal: 4, align: 'right' as const },
      { id: 'info', title: 'Info', min: 30, ideal: 30, grow: true },
    ];
    const p = placeColumns(nums, ['no', 'len', 'info'], 20, 0);
    assert.deepEqual(
      p.columns.map((c) => [c.id, c.width]),
      [
        ['no', 3],
        ['len', 4],
      ],
    );
  });
  it('SideScroll: → hides columns before Info, then scrolls its text; ← undoes both', () => {
    const side = new SideScroll();
    const place = (): ReturnType<typeof placeColumns> => placeColumns(cols, ['no', 'addr', 'info', 'time'], 70, side.columns);
    const want = 60;
    side.move(1, place(), want);
    assert.equal(side.columns, 1);
    assert.deepEqual(
      place().columns.map((c) => c.id),
      ['no', 'time', 'info'],
    );
    side.move(1, place(), want);
    assert.equal(side.columns, 1, 'Info is never scrolled away');
    assert.ok(side.text > 0);
    while (side.text + place().columns.find((c) => c.grow)!.width < want) side.move(1, place(), want);
    const end = side.text;
    side.move(1, place(), want);
    assert.equal(side.text, end, 'stops at the end of the text');
    assert.equal(side.shift('x'.repeat(want)).startsWith('…'), true);
    for (let i = 0; i < 10; i++) side.move(-1, place(), want);
    assert.deepEqual([side.columns, side.text], [0, 0]);
  });
  it('SideScroll: every character of a cut Info shows at some step, however narrow the column', () => {
    for (const width of [3, 5, 9, 14, 30]) {
      const text = Array.from({ length: 90 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
      const cols = [
        { id: 'no', title: 'No', min: 2, ideal: 2 },
        { id: 'info', title: 'Info', min: width, ideal: width, grow: true },
      ];
      const side = new SideScroll();
      const seen = new Set<number>();
      for (let i = 0; i < 200; i++) {
        const p = placeColumns(cols, ['no', 'info'], 3 + width, side.columns);
        const shown = fit(side.shift(text), p.columns.find((c) => c.grow)!.width);
        // Characters between the … marks are text[side.text + k] (the first cell is … once scrolled).
        for (let k = side.text > 0 ? 1 : 0; k < shown.length; k++) if (shown[k] !== '…') seen.add(side.text + k);
        const before = side.text;
        side.move(1, p, text.length);
        if (side.text === before) break;
      }
      for (let c = 0; c < text.length; c++) assert.ok(seen.has(c), `width ${width}: character ${c} never shown`);
    }
  });
});

describe('tiny terminals', () => {
  it('wraps and draws the status area at widths 0 to 3 without hanging', () => {
    for (const w of [0, 1, 2, 3]) assert.ok(wrap('hello world', w).length > 0);
    const bar = new StatusBar(new Theme(0));
    const model = {
      file: 'a.pcap',
      loaded: 1,
      loading: false,
      shown: 1,
      filtered: false,
      view: '1 Packets: list',
      message: { text: 'a long message that wraps', role: 'error' as const },
    };
    for (const w of [1, 2, 3]) assert.ok(bar.lines(model, w).length >= 1);
    // One line of room: the message stays in the bar, cut, rather than disappearing.
    assert.equal(bar.lines(model, 30, 1).length, 1);
    const two = bar.lines(model, 20, 2).map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));
    assert.equal(two.length, 2);
    assert.match(two[0]!, /^ a long message/);
  });
});
