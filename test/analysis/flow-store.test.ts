// The flow table's storage (typed columns, src/analysis/flow-store.ts) past the sizes and
// shapes the samples reach: growth and rehashing beyond a few thousand flows, IPv6 addresses
// next to IPv4 ones, a direction carried by more tunnels than are kept, evidence frames capped.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ETH_IPV4, ETH_IPV6, ethernet, icmpv6Echo, IPPROTO_ICMPV6, IPPROTO_UDP, ipv4, ipv6, udp, vxlanFrame, type Mac } from '../fixtures/packet-builder.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vxshark } from '../helpers/cli.js';
import { analyzeBytes, ethCapture, type Frame } from './helpers.js';

const A: Mac = '02:00:00:00:00:0a';
const B: Mac = '02:00:00:00:00:0b';

/** A UDP datagram from src:sport to dst:dport in Ethernet. */
function udpFrame(src: string, dst: string, sport: number, dport: number): Uint8Array {
  return ethernet({ src: A, dst: B, type: ETH_IPV4 }, ipv4({ src, dst, proto: IPPROTO_UDP }, udp({ srcPort: sport, dstPort: dport }, new Uint8Array(8))));
}

const podOf = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

describe('flow table storage', () => {
  it('5,000 flows, both ways: every flow keeps its own counters, whether the table was sized at once or grew', async () => {
    const frames: Frame[] = [];
    const N = 5000;
    // Every request first, then every answer: each answer must find its flow after all the growth.
    for (let i = 0; i < N; i++) frames.push({ t: i, data: udpFrame(podOf(i + 1), '172.16.0.1', 20000 + (i % 30000), 5000) });
    for (let i = 0; i < N; i++) frames.push({ t: N + i, data: udpFrame('172.16.0.1', podOf(i + 1), 5000, 20000 + (i % 30000)) });
    // Every tenth flow sends a second datagram at the end.
    for (let i = 0; i < N; i += 10) frames.push({ t: 2 * N + i, data: udpFrame(podOf(i + 1), '172.16.0.1', 20000 + (i % 30000), 5000) });
    const bytes = ethCapture(frames);
    const r = await analyzeBytes(bytes);
    assert.equal(r.flows.length, N);
    // A capture read whole makes room for all its flows at once; one read from a pipe (size
    // unknown) starts at 1,024 and grows its columns and rehashes several times: both must give the same flows.
    const dir = mkdtempSync(join(tmpdir(), 'vxshark-flows-'));
    try {
      writeFileSync(join(dir, 'flows.pcap'), bytes);
      const fromFile = await vxshark(['flows', '--json', join(dir, 'flows.pcap')]);
      const fromPipe = await vxshark(['flows', '--json', '-'], { stdin: bytes });
      assert.equal(fromPipe.status, 0, fromPipe.stderr);
      assert.equal(JSON.parse(fromPipe.stdout).length, N);
      assert.equal(fromPipe.stdout, fromFile.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    for (let i = 0; i < N; i++) {
      const f = r.flows[i]!;
      assert.equal(f.src, podOf(i + 1));
      assert.equal(f.dst, '172.16.0.1');
      assert.equal(f.srcPort, 20000 + (i % 30000));
      assert.equal(f.dstPort, 5000);
      assert.equal(f.packetsOf(0), i % 10 === 0 ? 2 : 1, `flow ${i} forward`);
      assert.equal(f.packetsOf(1), 1, `flow ${i} back`);
      assert.equal(f.firstFrame, i + 1);
      assert.deepEqual(f.frames, i % 10 === 0 ? [i + 1, N + i + 1, 2 * N + i / 10 + 1] : [i + 1, N + i + 1]);
      assert.equal(f.state, 'both ways');
    }
  });

  it('IPv6 flows beside IPv4 ones: addresses come back as written, directions meet', async () => {
    const frames: Frame[] = [];
    for (let i = 0; i < 40; i++) {
      const pod = `fd00:10:244::${(i + 1).toString(16)}`;
      const ipPair = { src: pod, dst: 'fd00:10:96::a' };
      const back = { src: 'fd00:10:96::a', dst: pod };
      frames.push({
        t: i * 100,
        data: ethernet(
          { src: A, dst: B, type: ETH_IPV6 },
          ipv6({ ...ipPair, next: IPPROTO_ICMPV6 }, icmpv6Echo({ type: 128, id: i + 1, seq: 1 }, new Uint8Array(8), ipPair)),
        ),
      });
      frames.push({
        t: i * 100 + 1,
        data: ethernet(
          { src: B, dst: A, type: ETH_IPV6 },
          ipv6({ ...back, next: IPPROTO_ICMPV6 }, icmpv6Echo({ type: 129, id: i + 1, seq: 1 }, new Uint8Array(8), back)),
        ),
      });
      frames.push({ t: i * 100 + 2, data: udpFrame(podOf(i), '10.96.0.10', 40000 + i, 53) });
    }
    const r = await analyzeBytes(ethCapture(frames));
    const v6 = r.flows.filter((f) => f.family === 6);
    assert.equal(v6.length, 40);
    v6.forEach((f, i) => {
      assert.equal(f.src, `fd00:10:244::${(i + 1).toString(16)}`);
      assert.equal(f.dst, 'fd00:10:96::a');
      assert.equal(f.proto, 'ICMPv6');
      assert.deepEqual(f.icmp, { requests: 1, replies: 1 });
    });
    assert.equal(r.flows.filter((f) => f.family === 4).length, 40);
  });

  it('one direction through ten tunnels keeps the first eight, in order, with their packets', async () => {
    const frames: Frame[] = [];
    const inner = { srcMac: A, dstMac: B, src: '10.244.1.5', dst: '10.244.2.6' };
    for (let k = 0; k < 10; k++) {
      for (let n = 0; n <= k % 3; n++) {
        const outer = { srcMac: A, dstMac: B, src: '192.168.1.1', dst: '192.168.1.2' };
        frames.push({
          t: k * 10 + n,
          data: vxlanFrame({ outer, vni: 100 + k, inner }, { proto: IPPROTO_UDP, bytes: udp({ srcPort: 7000, dstPort: 8000 }, new Uint8Array(4), inner) }),
        });
      }
    }
    const r = await analyzeBytes(ethCapture(frames));
    assert.equal(r.flows.length, 1);
    const f = r.flows[0]!;
    const byVni = new Map(r.tunnels.map((t) => [t.vni, t]));
    assert.deepEqual(
      f.tunnelsOf(0),
      [0, 1, 2, 3, 4, 5, 6, 7].map((k) => byVni.get(100 + k)!.id),
    );
    assert.equal(f.packetsOf(0), frames.length);
    for (let k = 0; k < 8; k++) {
      const pairs = byVni.get(100 + k)!.innerPairs;
      assert.deepEqual(
        pairs.map((p) => [p.src, p.dst, p.packets]),
        [['10.244.1.5', '10.244.2.6', (k % 3) + 1]],
      );
    }
    for (const k of [8, 9]) assert.deepEqual(byVni.get(100 + k)!.innerPairs, []);
  });

  it('thousands of inner pairs per tunnel: each counted once per tunnel and direction, IPv6 and IPv4 apart', async () => {
    // Past the pair table's first size (512 pairs) several times, with several flows per pair,
    // replies through another tunnel, and IPv6 pairs whose interned indexes (0, 1) equal the
    // IPv4 addresses 0.0.0.0 and 0.0.0.1 of a pair in the same tunnel: all must stay apart.
    const frames: Frame[] = [];
    const expected = new Map<string, number>();
    const outer = (back: boolean) =>
      back ? { srcMac: B, dstMac: A, src: '192.168.1.2', dst: '192.168.1.1' } : { srcMac: A, dstMac: B, src: '192.168.1.1', dst: '192.168.1.2' };
    const send = (vni: number, src: string, dst: string, sport: number, dport: number, back: boolean): void => {
      const inner = { srcMac: A, dstMac: B, src, dst };
      frames.push({
        t: frames.length,
        data: vxlanFrame({ outer: outer(back), vni, inner }, { proto: IPPROTO_UDP, bytes: udp({ srcPort: sport, dstPort: dport }, new Uint8Array(4), inner) }),
      });
      const key = `${vni}|${src}|${dst}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    };
    send(7, 'fd00::', 'fd00::1', 40000, 5000, false);
    send(7, '0.0.0.0', '0.0.0.1', 40000, 5000, false);
    for (let i = 0; i < 1500; i++) {
      const src = `10.1.${i >> 8}.${i & 255}`;
      const dst = `10.2.${i >> 8}.${i & 255}`;
      for (let k = 0; k <= i % 3; k++) {
        send(1 + (i % 2), src, dst, 40000 + k, 5000, false);
        send(3, dst, src, 5000, 40000 + k, true);
      }
    }
    const r = await analyzeBytes(ethCapture(frames));
    const got = new Map<string, number>();
    for (const t of r.tunnels) for (const p of t.innerPairs) got.set(`${t.vni}|${p.src}|${p.dst}`, p.packets);
    assert.equal(got.size, expected.size);
    // Each tunnel's pairs busiest first, pairs as busy in the order they first appeared.
    for (const t of r.tunnels) {
      const mine = [...expected].filter(([k]) => k.startsWith(`${t.vni}|`)).sort((x, y) => y[1] - x[1]);
      assert.deepEqual(
        t.innerPairs.map((p) => [`${t.vni}|${p.src}|${p.dst}`, p.packets]),
        mine,
        `tunnel vni ${t.vni}`,
      );
    }
  });

  it("a result's flows are made on first use and can be replaced; the tunnel list flows share cannot be changed", async () => {
    const frames: Frame[] = [];
    const inner = { srcMac: A, dstMac: B, src: '10.244.1.5', dst: '10.244.2.6' };
    const outer = { srcMac: A, dstMac: B, src: '192.168.1.1', dst: '192.168.1.2' };
    for (let port = 7000; port < 7003; port++)
      frames.push({
        t: port,
        data: vxlanFrame({ outer, vni: 5, inner }, { proto: IPPROTO_UDP, bytes: udp({ srcPort: port, dstPort: 8000 }, new Uint8Array(4), inner) }),
      });
    const r = await analyzeBytes(ethCapture(frames));
    const flows = r.flows;
    assert.equal(flows.length, 3);
    assert.equal(r.flows, flows, 'made once');
    const [a, b] = flows;
    assert.deepEqual(a!.tunnelsOf(0), [r.tunnels[0]!.id]);
    assert.throws(() => (a!.tunnelsOf(0) as number[]).push(9));
    assert.deepEqual(b!.tunnelsOf(0), [r.tunnels[0]!.id]);
    r.flows = flows.slice(1);
    assert.deepEqual(
      r.flows.map((f) => f.srcPort),
      [7001, 7002],
    );
    // flowCount and flowAt follow the list given.
    assert.equal(r.flowCount, 2);
    assert.deepEqual(
      [0, 1].map((i) => r.flowAt(i).srcPort),
      [7001, 7002],
    );
  });

  it('255.255.255.255 (stored as -1) is an address like any other: broadcasts stay one flow', async () => {
    const frames: Frame[] = [];
    for (let i = 0; i < 5; i++) frames.push({ t: i, data: udpFrame('0.0.0.0', '255.255.255.255', 68, 67) });
    for (let i = 0; i < 3; i++) frames.push({ t: 10 + i, data: udpFrame('10.0.0.5', '255.255.255.255', 5353, 5353) });
    const r = await analyzeBytes(ethCapture(frames));
    assert.deepEqual(
      r.flows.map((f) => [f.src, f.dst, f.packetsOf(0), f.packetsOf(1)]),
      [
        ['0.0.0.0', '255.255.255.255', 5, 0],
        ['10.0.0.5', '255.255.255.255', 3, 0],
      ],
    );
  });

  it('evidence frames stop at the cap, the first ones in order', async () => {
    const frames: Frame[] = Array.from({ length: 30 }, (_, i) => ({ t: i, data: udpFrame('10.0.0.1', '10.0.0.2', 1234, 4321) }));
    const r = await analyzeBytes(ethCapture(frames), { evidenceFrames: 7 });
    assert.deepEqual(r.flows[0]!.frames, [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(r.flows[0]!.packets, 30);
  });
});
