// `vxshark journey` and `vxshark merge` end to end: text, the JSON contract, the merged pcapng,
// and the one-line errors.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { loadCapture } from '../../src/capture/capture.js';
import { TempDir } from '../capture/helpers.js';
import { vxshark } from '../helpers/cli.js';
import { LAB } from '../analysis/helpers.js';

const H = `${LAB}hosts/`;
const tmp = new TempDir();
after(() => tmp.cleanup());

function captures(scenario: string, hosts: string[], w0File?: string): string[] {
  const args: string[] = [];
  for (const h of hosts) {
    args.push(`${h}=${h === 'w0' && w0File ? w0File : `${H}${scenario}-${h}-any.pcap`}`);
    args.push('--ip-link', `${h}=${H}${scenario}-${h}.ip-link.txt`, '--ip-route', `${h}=${H}${scenario}-${h}.ip-route.txt`);
  }
  return args;
}

const skip = existsSync(`${H}tunnel-ctr-any.pcap`) ? false : 'the lab recordings are not in this checkout';

describe('vxshark journey', { skip }, () => {
  it('prints the captures with their clocks, a summary per flow, then each journey hop by hop', async () => {
    const r = await vxshark(['journey', ...captures('tunnel-blocked', ['ctr', 'router', 'w0'])]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'Captures');
    assert.match(lines[1]!, /^ {2}ctr {5}\S+tunnel-blocked-ctr-any\.pcap: 78 packets, \d+ of them followed, reference clock$/);
    assert.match(lines[2]!, /^ {2}router {2}\S+: 8 packets, \d+ of them followed, clock [+-]0\.0000\d\d s \(±[\d.]+ ms, from \d+ shared packets\)$/);
    assert.ok(lines.includes('  ICMP 172.20.0.10 → 172.20.2.30 id 519: 3 packets, 3 lost'), r.stdout);
    assert.ok(
      lines.includes('      3 × entered router eth1, never left: dropped on router (a VXLAN packet: look for a firewall rule on its UDP port, or rp_filter)'),
    );
    const i = lines.findIndex((l) => /^#\d+ ICMP echo request id 519 seq 1 {2}172\.20\.0\.10 → 172\.20\.2\.30$/.test(l));
    assert.ok(i > 0, r.stdout);
    assert.match(
      lines[i + 1]!,
      /^ {3}ctr lxc0 In → ctr cilium_vxlan Out \+[\d.]+ ms → ctr eth1 Out \+[\d.]+ ms \[VXLAN 192\.168\.10\.100→192\.168\.20\.100 VNI 10100\] → router eth1 In \+[\d.]+ ms {2}✗ lost: entered router eth1, never left/,
    );
  });

  it('--context names the pods in journeys and flows and the VTEPs in the encapsulation; --names off keeps the addresses', async () => {
    const args = ['journey', '-Y', 'icmp', '--context', 'samples/context', ...captures('tunnel-blocked', ['ctr', 'router', 'w0'])];
    const r = await vxshark(args);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    // samples/context: webpod-697b545f57-hc6qk is 172.20.2.30 on k8s-w0, the pod the blocked tunnel leads to.
    assert.ok(
      lines.some((l) => /^ {2}ICMP default\/curl-pod → default\/webpod-697b545f57-hc6qk id \d+: 3 packets, 3 lost$/.test(l)),
      r.stdout,
    );
    assert.ok(
      lines.some((l) => /^ {2}ICMP default\/curl-pod → default\/webpod-697b545f57-8rw2x id \d+: 3 packets, 3 answered$/.test(l)),
      r.stdout,
    );
    const i = lines.findIndex((l) => /^#\d+ ICMP echo request id \d+ seq 1 {2}default\/curl-pod → default\/webpod-697b545f57-hc6qk$/.test(l));
    assert.ok(i > 0, r.stdout);
    assert.match(lines[i + 1]!, /\[VXLAN k8s-ctr→k8s-w0 VNI 10100\]/);
    const bare = await vxshark([...args, '--names', 'off']);
    assert.doesNotMatch(bare.stdout, /curl-pod|k8s-ctr/);
    assert.match(bare.stdout, /ICMP 172\.20\.0\.10 → 172\.20\.2\.30 id \d+: 3 packets, 3 lost/);
  });

  it('without ip link files, a node is told from what it does (encapsulates, decapsulates): the same fates as with them', async () => {
    const flows = (out: string): string[] => out.split('\n').filter((l) => /^ {2}(ICMP|TCP|UDP) /.test(l));
    const plain = ['tunnel', 'tunnel-blocked'].map((s) => ['ctr', 'router', 'w0'].map((h) => `${h}=${H}${s}-${h}-any.pcap`));
    for (const [i, scenario] of ['tunnel', 'tunnel-blocked'].entries()) {
      const bare = await vxshark(['journey', '--summary', ...plain[i]!]);
      const told = await vxshark(['journey', '--summary', ...captures(scenario, ['ctr', 'router', 'w0'])]);
      assert.equal(bare.status, 0, bare.stderr);
      assert.ok(flows(told.stdout).length > 4);
      assert.deepEqual(flows(bare.stdout), flows(told.stdout), scenario);
    }
  });

  it('--json follows the documented shape', async () => {
    const r = await vxshark(['journey', '--json', '-Y', 'icmp', ...captures('wrong-vtep', ['ctr', 'router', 'w0', 'w1'])]);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      captures: { name: string; file: string; packets: number; clockOffset: number }[];
      journeys: {
        flow: string;
        packet: { src: string; dst: string };
        hops: { capture: string; frame: number; interface: string | null; direction: string; time: number; encap: unknown }[];
        fate: string;
        lastSeen: unknown;
        verdict: string;
      }[];
      flows: unknown[];
    };
    assert.deepEqual(
      doc.captures.map((c) => c.name),
      ['ctr', 'router', 'w0', 'w1'],
    );
    assert.equal(doc.captures[0]!.clockOffset, 0);
    const lost = doc.journeys.filter((j) => j.packet.dst === '172.20.2.30');
    assert.equal(lost.length, 3);
    for (const j of lost) {
      assert.equal(j.fate, 'lost');
      assert.deepEqual(j.lastSeen, { capture: 'w1', interface: 'cilium_vxlan', direction: 'in' });
      const first = j.hops[0]!;
      assert.deepEqual([first.capture, first.interface, first.direction, first.encap], ['ctr', 'lxc0', 'in', null]);
      const wire = j.hops.find((h) => h.capture === 'ctr' && h.interface === 'eth1')!;
      assert.deepEqual(wire.encap, { type: 'vxlan', outerSrc: '192.168.10.100', outerDst: '192.168.10.101', vni: 10100, port: 8472 });
    }
    assert.ok(doc.flows.length >= 2);
  });

  it('says what is wrong with its arguments in one line', async () => {
    const none = await vxshark(['journey']);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /^vxshark: no capture file given \(try: vxshark journey ctr=ctr\.pcap/);
    const dup = await vxshark(['journey', `a=${H}tunnel-ctr-any.pcap`, `a=${H}tunnel-w0-any.pcap`]);
    assert.equal(dup.stderr, 'vxshark: two captures are named "a"; name them: NAME=PATH\n');
    const unknown = await vxshark(['journey', `a=${H}tunnel-ctr-any.pcap`, `b=${H}tunnel-w0-any.pcap`, '--ip-link', `c=${H}tunnel-w0.ip-link.txt`]);
    assert.equal(unknown.status, 2);
    assert.equal(unknown.stderr, 'vxshark: --ip-link names capture "c", but the captures are "a", "b"\n');
    const window = await vxshark(['journey', `${H}tunnel-ctr-any.pcap`, '--window', '0']);
    assert.equal(window.stderr, 'vxshark: invalid --window "0": expected seconds greater than 0, e.g. 2\n');
    const missing = await vxshark(['journey', `a=${H}nope.pcap`]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nope\.pcap: no such file\n$/);
  });
});

describe('vxshark alerts across captures', { skip }, () => {
  it('a drop the journeys located replaces what each capture guessed about the same packets', async () => {
    const r = await vxshark(['alerts', '--json', ...captures('tunnel-blocked', ['ctr', 'router', 'w0'])]);
    assert.equal(r.status, 0, r.stderr);
    const list = JSON.parse(r.stdout) as {
      id: string;
      severity: string;
      count: number;
      node: string;
      src: string;
      dst: string;
      confidence: string;
      fix: string;
    }[];
    assert.deepEqual(
      list.map((a) => [a.id, a.severity, a.count, a.node, a.src, a.dst, a.confidence]),
      [['journey.lost', 'error', 5, 'router', '172.20.0.10', '172.20.2.30', 'certain']],
    );
    assert.match(list[0]!.fix, /UDP 8472/);
  });
});

describe('vxshark alerts across captures: the answers die', { skip }, () => {
  it("the replies' drop on the router explains k8s-ctr's unanswered requests: one alert, as many packets as the journeys lost", async () => {
    const hosts = ['ctr', 'router', 'w0', 'w1'];
    const [alerts, journeys] = await Promise.all([
      vxshark(['alerts', '--json', ...captures('reply-blocked', hosts)]),
      vxshark(['journey', '--json', ...captures('reply-blocked', hosts)]),
    ]);
    assert.equal(alerts.status, 0, alerts.stderr);
    const lost = (JSON.parse(journeys.stdout) as { journeys: { fate: string; packet: { src: string; dst: string } }[] }).journeys.filter(
      (j) => j.fate === 'lost',
    );
    assert.ok(lost.length > 0 && lost.every((j) => j.packet.src === '172.20.2.30' && j.packet.dst === '172.20.0.10'));
    const list = JSON.parse(alerts.stdout) as { id: string; count: number; node: string; src: string; dst: string; title: string }[];
    assert.deepEqual(
      list.map((a) => [a.id, a.count, a.node, a.src, a.dst]),
      [['journey.lost', lost.length, 'router', '172.20.2.30', '172.20.0.10']],
    );
    assert.match(list[0]!.title, /entered router eth2, never left: dropped on router/);
  });
});

describe('vxshark merge', { skip }, () => {
  it('writes one pcapng: an interface per host and interface, clocks corrected, the offsets in the comment', async () => {
    const out = `${tmp.path}/merged.pcapng`;
    const r = await vxshark(['merge', '-w', out, ...captures('tunnel', ['ctr', 'router', 'w0'], `${H}tunnel-w0-any.skew+3.2s.pcap`)]);
    assert.equal(r.status, 0, r.stderr);
    const merged = await loadCapture(out);
    const parts = await Promise.all(['tunnel-ctr-any.pcap', 'tunnel-router-any.pcap', 'tunnel-w0-any.pcap'].map((f) => loadCapture(H + f)));
    try {
      assert.equal(
        merged.frameCount,
        parts.reduce((n, p) => n + p.frameCount, 0),
      );
      const names = merged.interfaces.map((i) => i.name);
      for (const n of ['ctr:lxc0', 'ctr:cilium_vxlan', 'ctr:eth1', 'router:eth1', 'router:eth2', 'w0:eth1', 'w0:lxc0'])
        assert.ok(names.includes(n), names.join(' '));
      // In time order, and k8s-w0's frames back on the others' clock (the unskewed file's times).
      const t = (i: number): number => merged.index.secondsOf(i) + merged.index.nanosOf(i) / 1e9;
      for (let i = 1; i < merged.frameCount; i++) assert.ok(t(i) >= t(i - 1), `frame ${i + 1}`);
      const w0 = parts[2]!;
      const w0First = w0.index.secondsOf(0) + w0.index.nanosOf(0) / 1e9;
      const firstW0 = [...Array(merged.frameCount).keys()].find((i) => merged.interfaces[merged.index.interfaceOf(i)]!.name!.startsWith('w0:'))!;
      assert.ok(Math.abs(t(firstW0) - w0First) < 1e-4, `${t(firstW0)} vs ${w0First}`);
    } finally {
      merged.close();
      for (const p of parts) p.close();
    }
    // Its SLL2 packets are read back on their host's interface ("router:eth1"), not on an index
    // that every host numbers its own way ("if3").
    const fields = await vxshark(['-r', out, '-T', 'fields', '-e', 'frame.interface_name']);
    assert.equal(fields.status, 0, fields.stderr);
    const reopened = await loadCapture(out);
    try {
      const expected = [...Array(reopened.frameCount).keys()].map((i) => reopened.interfaces[reopened.index.interfaceOf(i)]!.name);
      assert.deepEqual(fields.stdout.trimEnd().split('\n'), expected);
      assert.ok(expected.includes('router:eth1'));
    } finally {
      reopened.close();
    }
    const again = await vxshark(['merge', '-w', out, `${H}tunnel-ctr-any.pcap`]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /merged\.pcapng: .*exists/);
  });
});

describe('vxshark journey with a worker thread (as for large captures)', { skip }, () => {
  const parallel = { env: { VXSHARK_PARALLEL_MIN_BYTES: '0' } };

  it('prints what the single-thread run prints, for journeys and alerts across captures', async () => {
    for (const scenario of ['tunnel-blocked', 'policy-drop', 'wrong-vtep']) {
      const args = captures(scenario, ['ctr', 'router', 'w0']);
      for (const command of [['journey', '--json'], ['journey'], ['alerts'], ['journey', '-Y', 'icmp', '--summary']]) {
        const here = await vxshark([...command, ...args]);
        const there = await vxshark([...command, ...args], parallel);
        assert.equal(there.status, here.status, there.stderr);
        assert.equal(there.stdout, here.stdout, `${command.join(' ')} over ${scenario}`);
        assert.equal(there.stderr, here.stderr);
      }
    }
  });

  it('says a bad -Y or -d in one line (exit 2), and a missing or damaged capture in one line (exit 1)', async () => {
    const args = captures('tunnel', ['ctr', 'router', 'w0']);
    const badFilter = await vxshark(['journey', '-Y', 'ip.src ==', ...args], parallel);
    assert.equal(badFilter.status, 2);
    assert.match(badFilter.stderr, /^vxshark: expected a value after "==" at column \d+\n$/);
    const badDecode = await vxshark(['alerts', '-d', 'udp.port==9999,nosuch', ...args], parallel);
    assert.equal(badDecode.status, 2);
    assert.match(badDecode.stderr, /^vxshark: unknown protocol "nosuch" in decode-as; known: [^\n]+\n$/);
    const missing = await vxshark(['journey', ...args, `w1=${tmp.path}/none.pcap`], parallel);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^vxshark: \S+none\.pcap: no such file\n$/);
    const bytes = (await loadCapture(`${H}tunnel-w0-any.pcap`)).path;
    const cut = tmp.write(new Uint8Array((await import('node:fs')).readFileSync(bytes).subarray(0, 5000)), 'cut.pcap');
    const damaged = await vxshark(['journey', '--summary', ...args, `w1=${cut}`], parallel);
    assert.equal(damaged.status, 1, damaged.stderr);
    assert.match(damaged.stderr, /cut\.pcap: truncated at byte \d+/);
    assert.match(damaged.stdout, /^Captures\n/);
  });
});
