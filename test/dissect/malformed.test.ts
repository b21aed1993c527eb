// Headers that cannot be trusted are visible (issue 11): the summary line says
// "[Malformed Packet: why]" in tshark's words (or tcpdump's "[|tcp]" for a snaplen cut), the
// tree carries the expert note, and `_ws.malformed` / `_ws.expert` filter them. Every case is
// a small frame built here; the wording was checked against tshark 4.0 on the same bytes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { IpReassembler } from '../../src/dissect/reassembly/ipfrag.js';
import { summarize } from '../../src/dissect/summary.js';
import { buildTree, treeText } from '../../src/dissect/tree.js';
import type { FrameMeta, Packet } from '../../src/dissect/types.js';
import { fieldValues } from '../../src/dissect/values.js';
import { compileFilter } from '../../src/filter/index.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPcap } from '../fixtures/capture-writer.js';
import { vxshark } from '../helpers/cli.js';
import { tsharkPackets, values } from '../helpers/tshark-json.js';
import {
  be16,
  concat,
  ETH_IPV4,
  ethernet,
  filler,
  icmpEcho,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  ipv4,
  tcp,
  udp,
  vxlanFrame,
} from '../fixtures/packet-builder.js';
import { INNER, OUTER } from '../helpers/built-frames.js';

const registry = createRegistry();
const ip = { src: '10.0.0.1', dst: '10.0.0.2' };
const eth = (p: Uint8Array): Uint8Array => ethernet({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', type: ETH_IPV4 }, p);
const meta = (n: number, data: Uint8Array, origLen = data.length): FrameMeta => ({
  number: n,
  sec: n,
  nsec: 0,
  capLen: data.length,
  origLen,
  linkType: 1,
  interfaceId: 0,
  direction: 0,
});
const dis = (data: Uint8Array, origLen?: number, reassembler?: IpReassembler, n = 1): Packet =>
  dissect(data, meta(n, data, origLen), registry, reassembler ? { reassembler } : {});
const syn = (): Uint8Array => tcp({ srcPort: 1000, dstPort: 80, seq: 1, flags: 'S' }, filler(10), ip);
const tcpFrame = (seg: Uint8Array): Uint8Array => eth(ipv4({ ...ip, proto: IPPROTO_TCP }, seg));
const udpFrame = (length: number): Uint8Array => {
  const u = udp({ srcPort: 1000, dstPort: 9999 }, filler(10), ip);
  u[4] = length >> 8;
  u[5] = length & 0xff;
  return eth(ipv4({ ...ip, proto: IPPROTO_UDP }, u));
};
const matches = (filter: string, pkt: Packet): boolean => compileFilter(filter, registry)(pkt);

describe('malformed headers are marked', () => {
  const cases: [what: string, frame: () => Uint8Array, why: string][] = [
    [
      'TCP data offset 0',
      () => {
        const s = syn();
        s[12] = 0x00;
        return tcpFrame(s);
      },
      'Bogus TCP header length (0, must be at least 20)',
    ],
    [
      'TCP data offset 3',
      () => {
        const s = syn();
        s[12] = 0x30;
        return tcpFrame(s);
      },
      'Bogus TCP header length (12, must be at least 20)',
    ],
    [
      'IPv4 header length 12',
      () => {
        const f = tcpFrame(syn());
        f[14] = 0x43;
        return f;
      },
      'Bogus IP header length (12, must be at least 20)',
    ],
    [
      'IPv4 version 15',
      () => {
        const f = tcpFrame(syn());
        f[14] = 0xf5;
        return f;
      },
      'Bogus IPv4 version (15, must be 4)',
    ],
    ['UDP length past the IP payload', () => udpFrame(200), 'Bad length value 200 > IP payload length'],
    ['UDP length below 8', () => udpFrame(4), 'Bad length value 4 < 8'],
  ];
  for (const [what, frame, why] of cases) {
    it(`${what}: summary, tree, _ws.malformed and _ws.expert`, () => {
      const pkt = dis(frame());
      const s = summarize(pkt, registry);
      assert.ok(s.info.endsWith(`[Malformed Packet: ${why}]`), s.info);
      assert.ok(treeText(buildTree(pkt, registry)).some((l) => l.trim() === `[Malformed: ${why}]`));
      assert.deepEqual(fieldValues(pkt, registry, '_ws.malformed'), [why]);
      assert.ok(matches('_ws.malformed', pkt));
      assert.ok(matches('_ws.expert', pkt));
      assert.ok(matches(`_ws.expert.severity == "error"`, pkt));
    });
  }

  it('a healthy frame has no mark, no _ws.malformed and no _ws.expert', () => {
    const pkt = dis(tcpFrame(syn()));
    assert.equal(summarize(pkt, registry).info, '1000 → 80 [SYN] Seq=1 Win=64240 Len=10');
    assert.ok(!matches('_ws.malformed', pkt));
    assert.ok(!matches('_ws.expert', pkt));
    const okUdp = dis(udpFrame(18));
    assert.ok(!matches('_ws.malformed', okUdp), summarize(okUdp, registry).info);
  });

  it('a header the snaplen cut is "[|tcp]", counted as _ws.short, not _ws.malformed', () => {
    const full = tcpFrame(syn());
    const pkt = dis(full.subarray(0, 14 + 20 + 10), full.length);
    assert.equal(summarize(pkt, registry).info, 'IPv4 protocol 6 [|tcp]');
    assert.ok(matches('_ws.short', pkt));
    assert.ok(!matches('_ws.malformed', pkt));
    // The same bytes without a snaplen (the IP header promised more): malformed, as in tshark.
    const broken = dis(full.subarray(0, 14 + 20 + 10));
    assert.equal(summarize(broken, registry).info, 'IPv4 protocol 6 [Malformed Packet: TCP header truncated]');
    assert.ok(matches('_ws.malformed', broken));
  });

  it('a snaplen that ends exactly where the next header starts is "[|tcp]" too (tcpdump; tshark says the size was limited)', () => {
    const full = tcpFrame(syn());
    const cut = dis(full.subarray(0, 14 + 20), full.length);
    // Named on the packet, not a layer: there is nothing of the TCP header to read.
    assert.deepEqual([cut.layers.map((l) => l.proto), cut.missing], [['frame', 'eth', 'ip'], { proto: 'tcp', why: 'TCP header truncated', snaplen: true }]);
    assert.equal(summarize(cut, registry).info, 'IPv4 protocol 6 [|tcp]');
    assert.ok(matches('_ws.short', cut) && !matches('_ws.malformed', cut));
    assert.deepEqual(
      cut.notes.map((n) => [n.severity, n.message, n.layer]),
      [['warning', '[Packet size limited during capture: TCP truncated]', 2]],
    );
    // A tunnel cut after its own header: the inner frame is missing, and its addresses are not the outer ones.
    const tunnelled = vxlanFrame({ outer: OUTER, vni: 7, inner: INNER }, { proto: IPPROTO_ICMP, bytes: icmpEcho({ type: 8, id: 1, seq: 1 }) });
    const empty = dis(tunnelled.subarray(0, 50), tunnelled.length);
    const s = summarize(empty, registry);
    assert.deepEqual(
      [s.tunnel?.outerSource, s.tunnel?.outerDestination, s.source, s.destination, s.protocol, s.info],
      [OUTER.src, OUTER.dst, '', '', 'VXLAN', 'VNI 7 [|eth]'],
    );
    assert.equal(fieldValues(empty, registry, 'frame.protocols').join(), 'eth:ip:udp:vxlan:eth');
    // Cut right after the outer UDP header: the VXLAN header its port names is missing (tcpdump: [|vxlan]); Len= is the header's.
    const afterUdp = dis(tunnelled.subarray(0, 42), tunnelled.length);
    assert.deepEqual(
      [afterUdp.missing?.proto, summarize(afterUdp, registry).info.replace(/^\d+ → \d+ /, '')],
      ['vxlan', `Len=${tunnelled.length - 42} [|vxlan]`],
    );
    // GRE cut after its header: the IPv4 header its protocol type names is missing (tcpdump: [|ip]); a keepalive carries nothing.
    const inner = ipv4({ ...ip, proto: IPPROTO_UDP }, udp({ srcPort: 1, dstPort: 2 }, filler(20), ip));
    const greFrame = (type: number, payload: Uint8Array): Uint8Array => eth(ipv4({ ...ip, proto: 47 }, concat(be16(0, type), payload)));
    const gre = greFrame(0x0800, inner);
    assert.equal(summarize(dis(gre.subarray(0, 38), gre.length), registry).info, 'Encapsulated IPv4 [|ip]');
    assert.equal(dis(greFrame(0, new Uint8Array(0))).missing, undefined);
    // The datagram ends where the capture does, only the Ethernet trailer is missing: nothing is cut.
    const short = eth(ipv4({ ...ip, proto: IPPROTO_UDP }, udp({ srcPort: 1000, dstPort: 4789 }, new Uint8Array(0), ip)));
    assert.equal(dis(short, 60).missing, undefined);
    // Not cut (the capture kept the whole frame): an empty payload is no header.
    for (const whole of [tcpFrame(tcp({ srcPort: 1000, dstPort: 80, seq: 1, flags: 'A' }, new Uint8Array(0), ip)), full.subarray(0, 34)]) {
      const p = dis(whole);
      assert.equal(p.missing, undefined);
      assert.ok(!matches('_ws.short', p));
    }
  });

  it('fragments that overlap with different bytes: "Conflicting data in fragment overlap"', () => {
    const frag = (offset8: number, more: boolean, from: number): Uint8Array =>
      eth(ipv4({ ...ip, proto: IPPROTO_UDP, id: 7, mf: more, fragOffset: offset8 }, filler(16, from)));
    const r = new IpReassembler();
    dis(frag(0, true, 0), undefined, r, 1);
    const last = dis(frag(1, false, 100), undefined, r, 2);
    assert.ok(summarize(last, registry).info.endsWith('[Malformed Packet: Conflicting data in fragment overlap]'));
    // The filler bytes read as a UDP header claim 1029 bytes: tshark says "BAD UDP LENGTH 1029 > IP PAYLOAD LENGTH" too.
    assert.deepEqual(fieldValues(last, registry, '_ws.malformed'), ['Conflicting data in fragment overlap', 'Bad length value 1029 > IP payload length']);
    // The same overlap with the same bytes is fine.
    const same = new IpReassembler();
    dis(eth(ipv4({ ...ip, proto: IPPROTO_UDP, id: 8, mf: true }, filler(16, 0))), undefined, same, 1);
    const ok = dis(eth(ipv4({ ...ip, proto: IPPROTO_UDP, id: 8, fragOffset: 1 }, filler(16, 8))), undefined, same, 2);
    assert.ok(!matches('_ws.malformed contains "Conflicting"', ok), summarize(ok, registry).info);
  });
});

describe('capinfo counts them', () => {
  it('malformed and snaplen-cut packets in text and JSON', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vxshark-malformed-'));
    try {
      const good = tcpFrame(syn());
      const bad = tcpFrame(syn());
      bad[14] = 0xf5;
      const file = join(dir, 'mixed.pcap');
      const records = [good, bad, udpFrame(4)].map((data, i) => ({ tsSec: 1700000000 + i, tsFrac: 0, data }));
      records.push({ tsSec: 1700000009, tsFrac: 0, data: good.subarray(0, 40), origLen: good.length } as (typeof records)[number]);
      writeFileSync(file, buildPcap(records));
      const r = await vxshark(['capinfo', file]);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(r.stdout.includes('Malformed:        2 packets ([Malformed Packet]), 1 cut by the snaplen ([|proto])'), r.stdout);
      const j = JSON.parse((await vxshark(['capinfo', '--json', file])).stdout) as { malformedPackets: number; truncatedPackets: number };
      assert.deepEqual([j.malformedPackets, j.truncatedPackets], [2, 1]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a tunnel header that announces a frame it does not carry (zeek/geneve-truncated.pcapng)', () => {
  const CAPTURE = new URL('../../../shared/corpus/peers/zeek/geneve-truncated.pcapng', import.meta.url);
  const path = decodeURIComponent(CAPTURE.pathname);
  const skip = existsSync(path) ? false : `peer corpus not found at ${path}`;

  // The frame was cut (58 of 156 bytes) but the datagram is whole by its IP and UDP lengths:
  // GENEVE says Ethernet follows and nothing does, which tshark calls malformed.
  it("is malformed as in tshark, with tshark's protocols, counted so by capinfo", { skip, timeout: 60_000 }, async () => {
    const tshark = tsharkPackets(readFileSync(`${path}.tshark.json`, 'utf8'));
    // tshark lists its ethertype pseudo-protocol between a frame's protocols; vxshark does not.
    const want = tshark.map((p) => [values(p, 'frame.protocols')[0]!.replace(/:ethertype/g, ''), values(p, '_ws.malformed').length > 0]);
    const fields = await vxshark(['-r', path, '-T', 'fields', '-e', 'frame.protocols', '-e', '_ws.malformed']);
    assert.deepEqual(
      fields.stdout
        .trim()
        .split('\n')
        .map((l) => [l.split('\t')[0], l.split('\t')[1] !== '']),
      want,
    );
    const capinfo = JSON.parse((await vxshark(['capinfo', '--json', path])).stdout) as { malformedPackets: number; truncatedPackets: number };
    assert.deepEqual([capinfo.malformedPackets, capinfo.truncatedPackets], [1, 0]);
    // The snaplen took nothing the datagram had: no capture.snaplen alert.
    const alerts = JSON.parse((await vxshark(['alerts', '--json', path])).stdout) as { id: string }[];
    assert.deepEqual(
      alerts.map((a) => a.id),
      [],
    );
    const line = (await vxshark(['-r', path])).stdout;
    assert.match(line, /GENEVE VNI 0 │ Geneve 156 VNI 0x000000 \[Malformed Packet: Ethernet header truncated\]\n$/);
  });

  it('the same tunnel cut by the snaplen inside its datagram is [|eth] and a capture.snaplen alert', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vxshark-cut-'));
    try {
      const tunnelled = vxlanFrame({ outer: OUTER, vni: 7, inner: INNER }, { proto: IPPROTO_ICMP, bytes: icmpEcho({ type: 8, id: 1, seq: 1 }) });
      const file = join(dir, 'cut50.pcap');
      writeFileSync(file, buildPcap([0, 1].map((i) => ({ tsSec: 1700000000 + i, tsFrac: 0, data: tunnelled.subarray(0, 50), origLen: tunnelled.length }))));
      const capinfo = JSON.parse((await vxshark(['capinfo', '--json', file])).stdout) as { malformedPackets: number; truncatedPackets: number };
      assert.deepEqual([capinfo.malformedPackets, capinfo.truncatedPackets], [0, 2]);
      const alerts = JSON.parse((await vxshark(['alerts', '--json', file])).stdout) as { id: string; frames: number[] }[];
      assert.deepEqual(
        alerts.map((a) => [a.id, a.frames]),
        [['capture.snaplen', [1, 2]]],
      );
      assert.match((await vxshark(['-r', file])).stdout, /VXLAN 92 VNI 7 \[\|eth\]\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
