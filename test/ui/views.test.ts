import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS } from '../../src/ui/headless.js';
import { vxshark } from '../helpers/cli.js';
import { Keymap, VIEWS } from '../../src/ui/keymap.js';
import { CILIUM, SAMPLES, command, startUi } from './helpers.js';
import { Files, vxlanOnPort9000 } from './fixtures.js';
import { buildPcap } from '../fixtures/capture-writer.js';
import { ethernet, filler, icmpEcho, ipv4, udp, vxlan } from '../fixtures/packet-builder.js';

const files = new Files();
after(() => files.cleanup());

describe('Layers view', () => {
  it('keeps the SLL2 pseudo-header of a tcpdump -i any capture apart from the encapsulation overhead', async () => {
    const ui = await startUi(SAMPLES + 'lab-recordings/tunnel-router-any.pcap', { cols: 100, rows: 30 });
    try {
      // Frame 4: the pods' ping in VXLAN, recorded on the router with an SLL2 header.
      await ui.press('j', 'j', 'j', '2');
      const text = ui.text();
      assert.match(text, /Layers of frame 4: 134 bytes from the wire \+ 20 of SLL2/);
      assert.match(text, /Encapsulation overhead: IPv4 20 \+ UDP 8 \+ VXLAN 8 = 36 bytes/);
      assert.match(text, /The 98-byte inner frame travels as 134 bytes on the underlay \(\+37%\)/);
      assert.match(text, /SLL2 20 is the capture tool's pseudo-header/);
      assert.match(text, /Linux cooked capture v2 \(SLL2\) — offset 0, header 20 bytes \[capture pseudo-header\]/);
    } finally {
      await ui.quit();
    }
  });

  it('draws fragments as fragments: the first with the tunnel it starts, a later one as the rest of its datagram', async () => {
    // Frames 56 and 58: a VXLAN datagram over a 1500-byte path, cut in two on the router (SLL2).
    const ui = await startUi(SAMPLES + 'lab-recordings/tunnel-mtu-router-any.pcap', { cols: 120, rows: 40 });
    try {
      await ui.press(':', '5', '6', KEYS.enter, '2');
      let text = ui.text();
      assert.match(text, /Layers of frame 56: 1500 bytes from the wire \+ 20 of SLL2/);
      assert.match(text, /Fragment 1 of datagram 0x7b16: 1464 bytes of the inner frame here, the rest in later fragments\./);
      assert.match(text, /Internet Protocol Version 4 \(IPv4\) — offset 20, header 20 bytes \[fragment 1, more follow\]/);
      assert.doesNotMatch(text, /travels as/);
      await ui.press('j', 'j');
      text = ui.text();
      assert.match(text, /Layers of frame 58: 70 bytes from the wire \+ 20 of SLL2/);
      assert.match(text, / SLL2 20 │ IPv4 20 │ fragment 50/);
      assert.match(text, /Datagram 0x7b16, fragment at offset 1480 \(last\): its headers and tunnel are in fragment 1\./);
      assert.match(text, /\[fragment at offset 1480, the last\]/);
      assert.match(text, /fragment data \(fragment\) — offset 40, 50 bytes \[rest of the datagram, no header\]/);
      assert.doesNotMatch(text, /Not tunnelled/);
    } finally {
      await ui.quit();
    }
  });

  it('an inner fragment inside a whole tunnel packet is a whole inner frame', async () => {
    const inner = ethernet(
      { src: '0a:58:0a:f4:00:01', dst: '0a:58:0a:f4:01:01', type: 0x0800 },
      ipv4({ src: '10.244.0.5', dst: '10.244.1.7', proto: 1, id: 0x1234, mf: true }, icmpEcho({ type: 8, id: 1, seq: 1 }, filler(64))),
    );
    const outerUdp = udp({ srcPort: 40000, dstPort: 8472 }, vxlan({ vni: 7 }, inner));
    const frame = ethernet(
      { src: '02:00:0a:00:00:01', dst: '02:00:0a:00:00:02', type: 0x0800 },
      ipv4({ src: '10.0.0.10', dst: '10.0.0.11', proto: 17 }, outerUdp),
    );
    const file = files.write('inner-fragment.pcap', buildPcap([{ tsSec: 1_700_000_000, tsFrac: 0, data: frame }]));
    const ui = await startUi(file, { cols: 120, rows: 40 });
    try {
      assert.match(ui.bottom(), /inner-fragment\.pcap │ 1 packet │/);
      assert.doesNotMatch(ui.bottom(), /1 packets/);
      await ui.press('2');
      const text = ui.text();
      assert.ok(text.includes(`The ${inner.length}-byte inner frame travels as ${frame.length} bytes on the underlay`), text);
      assert.match(text, /IPv4\) — offset 64, header 20 bytes \[fragment 1, more follow\]/);
      assert.doesNotMatch(text, /Fragment 1 of datagram/);
    } finally {
      await ui.quit();
    }
  });

  it('draws the packet as nested boxes with offsets, sizes and the 50 bytes of VXLAN overhead', async () => {
    const ui = await startUi(CILIUM, { cols: 120, rows: 40 });
    try {
      await ui.press('j', 'j', '2');
      const text = ui.text();
      assert.match(text, /Layers of frame 3: 148 bytes on the wire/);
      assert.match(text, / Ethernet 14 │ IPv4 20 │ UDP 8 │ VXLAN 8 ║ Ethernet 14 │ IPv4 20 │ ICMP 8 │ data 56/);
      assert.match(text, /Encapsulation overhead: Ethernet 14 \+ IPv4 20 \+ UDP 8 \+ VXLAN 8 = 50 bytes/);
      assert.match(text, /The 98-byte inner frame travels as 148 bytes on the underlay \(\+51%\)/);
      // Nested: each box starts two cells further in than the one around it.
      const lines = ui.lines();
      const eth = lines.findIndex((l) => l.startsWith('┌─ Ethernet II (Ethernet) — offset 0, header 14 bytes'));
      assert.ok(eth > 0);
      assert.match(lines[eth + 1]!, /^│ ┌─ Internet Protocol Version 4 \(IPv4\) — offset 14, header 20 bytes/);
      assert.match(lines[eth + 3]!, /^│ │ │ ┌─ Virtual eXtensible Local Area Network \(VXLAN\) — offset 42, header 8 bytes/);
      assert.match(lines[eth + 6]!, /^│ │ │ │ │ │ ┌─ Internet Control Message Protocol \(ICMP\) — offset 84, header 8 bytes/);
      assert.match(lines[eth + 7]!, /^│ │ │ │ │ │ │  payload \(data\) — offset 92, 56 bytes/);
      assert.match(lines[eth + 8]!, /^│ │ │ │ │ │ └─+┘ │ │ │ │ │ │$/);
      assert.match(lines[eth + 14]!, /^└─+┘$/);
      // j moves to the next packet without leaving the view.
      await ui.press('j');
      assert.match(ui.text(), /Layers of frame 4/);
    } finally {
      await ui.quit();
    }
  });

  it('counts an IP-in-IP or GRE packet as the inner IP packet plus the outer IP header, not the link header', async () => {
    for (const name of ['calico-ipip.pcap', 'gre-key-seq-gretap.pcap']) {
      // ip.len, outermost first: the outer datagram and the inner one.
      const r = await vxshark(['-r', SAMPLES + name, '-T', 'fields', '-e', 'ip.len', '-c', '1']);
      const [outer, inner] = r.stdout.trim().split(',').map(Number);
      const ui = await startUi(SAMPLES + name, { cols: 100, rows: 30 });
      try {
        await ui.press('2');
        assert.match(ui.text(), new RegExp(`The ${inner}-byte inner packet travels as ${outer} bytes on the underlay`));
        assert.match(ui.text(), new RegExp(`= ${outer! - inner!} bytes`));
      } finally {
        await ui.quit();
      }
    }
  });

  it('counts GRE carrying Ethernet like VXLAN: the outer Ethernet header is overhead, the inner frame keeps its own', async () => {
    // The frames whose GRE payload is an Ethernet frame: two Ethernet types in the packet.
    const r = await vxshark([
      '-r',
      SAMPLES + 'gre-key-seq-gretap.pcap',
      '-T',
      'fields',
      '-e',
      'frame.number',
      '-e',
      'frame.len',
      '-e',
      'ip.len',
      '-e',
      'eth.type',
    ]);
    const row = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'))
      .find((c) => c[3]!.includes(','))!;
    const [frame, wire, ipLens] = [Number(row[0]), Number(row[1]), row[2]!.split(',').map(Number)];
    const innerFrame = ipLens[1]! + 14;
    const ui = await startUi(SAMPLES + 'gre-key-seq-gretap.pcap', { cols: 100, rows: 30 });
    try {
      await command(ui, `goto ${frame}`);
      await ui.press('2');
      assert.match(ui.text(), new RegExp(`Encapsulation overhead: Ethernet 14 \\+ .* = ${wire - innerFrame} bytes`));
      assert.match(ui.text(), new RegExp(`The ${innerFrame}-byte inner frame travels as ${wire} bytes`));
    } finally {
      await ui.quit();
    }
  });

  it("calls a WireGuard handshake the tunnel's own message, not encapsulation overhead", async () => {
    const ui = await startUi(SAMPLES + 'calico-wireguard-51820.pcap', { cols: 100, rows: 30 });
    try {
      const first = ui.handle.app.store!.summary(0);
      assert.match(first.info, /Handshake Initiation/);
      await ui.press('2');
      assert.doesNotMatch(ui.text(), /Encapsulation overhead/);
      const said = ui
        .lines()
        .map((l) => l.trim())
        .join(' ');
      assert.match(
        said,
        new RegExp(
          `No inner packet: the tunnel's own message \\(a handshake or keepalive\\), IPv4 20 \\+ UDP 8 \\+ WireGuard 148 = ${first.length - 14} bytes`,
        ),
      );
      assert.match(said, /nothing is encapsulated, so nothing is overhead/);
    } finally {
      await ui.quit();
    }
  });

  it('counts 70 bytes over an IPv6 underlay and none without a tunnel', async () => {
    const ui = await startUi(SAMPLES + 'vxlan-ipv6-underlay.pcap');
    try {
      await ui.press('2');
      assert.match(ui.text(), /Ethernet 14 \+ IPv6 40 \+ UDP 8 \+ VXLAN 8 = 70 bytes/);
    } finally {
      await ui.quit();
    }
    const plain = await startUi(SAMPLES + 'router-interfaces.pcapng');
    try {
      await plain.press('2');
      assert.match(plain.text(), /Not tunnelled: no encapsulation overhead/);
    } finally {
      await plain.quit();
    }
  });
});

describe('Statistics view at 140 columns', () => {
  it('shows the whole tree and the node-to-node conversation with its bytes', async () => {
    const ui = await startUi(CILIUM, { cols: 140, rows: 44 });
    try {
      await ui.press('3');
      const text = ui.text();
      assert.match(text, /^ Ethernet +36 100\.0% +5,404 100\.0%/m);
      assert.match(text, /\[3 Statistics\]/);
      await ui.press(KEYS.tab);
      assert.match(ui.text(), /^ 192\.168\.10\.100 +192\.168\.20\.100 +36 +5\.4 kB/m);
      await ui.press('1');
      assert.match(ui.text(), /Details of frame 1/);
    } finally {
      await ui.quit();
    }
  });
});

describe('help and keymap', () => {
  it('lists every key of the keymap in the ? overlay', async () => {
    const ui = await startUi(CILIUM, { rows: 80 });
    try {
      await ui.press('?');
      const text = ui.text();
      for (const needle of [
        'vxshark keys',
        'j',
        'Ctrl-D',
        'Ctrl-U',
        'PgUp',
        'Shift-Tab',
        'Tab',
        'Enter Space',
        'command line',
        'Packets view',
        'Layers view',
        'Statistics view',
        'Flows view',
        'Tunnels view',
        'Hops view',
        'Alerts view',
        'next frame of the selected alert',
        'click',
        'wheel',
        'Commands (after :)',
        'column add FIELD',
        'follow the packet',
      ]) {
        assert.ok(text.includes(needle), `help mentions ${needle}`);
      }
      await ui.press(KEYS.escape);
      assert.doesNotMatch(ui.text(), /vxshark keys/);
    } finally {
      await ui.quit();
    }
  });

  it('has one binding per key and a help line for each action', () => {
    const km = new Keymap(VIEWS);
    const seen = new Set<string>();
    for (const b of km.bindings)
      for (const k of b.keys) {
        assert.ok(!seen.has(k), `${k} bound twice`);
        seen.add(k);
      }
    for (const k of [
      'j',
      'k',
      'g',
      'G',
      'C-d',
      'C-u',
      'pageup',
      'pagedown',
      'tab',
      'S-tab',
      '/',
      ':',
      'enter',
      'space',
      'q',
      '?',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      'n',
      'N',
    ]) {
      assert.ok(km.action(k), `${k} is bound`);
    }
  });
});

describe('command line', () => {
  it('goes to a frame with :goto N', async () => {
    const ui = await startUi(CILIUM);
    try {
      await ui.press(':');
      await ui.type('goto 20');
      assert.match(ui.lines().at(-1)!, /^:goto 20/);
      await ui.press(KEYS.enter);
      assert.match(ui.text(), /Details of frame 20/);
      await ui.press(':');
      await ui.type('goto 99');
      await ui.press(KEYS.enter);
      assert.match(ui.bottom(), /frame 99 does not exist \(the capture has 36 so far\)/);
      await ui.press(':');
      await ui.type('frobnicate');
      await ui.press(KEYS.enter);
      assert.match(ui.bottom(), /unknown command "frobnicate"; try goto N, filter TEXT, decode .*, column add FIELD, copy FILE, help or quit/);
    } finally {
      await ui.quit();
    }
  });

  it('re-dissects with :decode udp.port==9000 vxlan', async () => {
    const file = files.write('port9000.pcap', vxlanOnPort9000());
    const ui = await startUi(file, { heuristics: false });
    try {
      assert.doesNotMatch(ui.text(), /VXLAN 4242/);
      assert.match(ui.lines()[2]!, /\bUDP\b/);
      await ui.press(':');
      await ui.type('decode udp.port==9000 vxlan');
      await ui.press(KEYS.enter);
      assert.match(ui.text(), /udp\.port==9000 is now decoded as VXLAN/);
      assert.match(ui.lines()[2]!, /192\.168\.10\.100 → 192\.168\.20\.100\s+VXLAN 4242\s+172\.20\.0\.10\s+→ 172\.20\.2\.30\s+ICMP/);
      // A wrong rule is reported, not applied.
      await ui.press(':');
      await ui.type('decode udp.port==9000 nosuchproto');
      await ui.press(KEYS.enter);
      assert.match(ui.bottom(), /unknown protocol "nosuchproto"/);
    } finally {
      await ui.quit();
    }
  });
});
