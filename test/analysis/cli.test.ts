// `vxshark flows|tunnels|hops|alerts` end to end: the real entry point through tsx, on the
// samples and on built captures; stdout, stderr and the exit status.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildPcapng } from '../fixtures/capture-writer.js';
import { LINKTYPE_ETHERNET } from '../fixtures/packet-builder.js';
import { vxshark } from '../helpers/cli.js';
import { CTR, echo, eth, IPPROTO_ICMP, LAB, labFile, W0 } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'vxshark-analysis-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const SLL2 = 'samples/router-any-sll2.pcap';
const LINK = 'samples/router-any-sll2.ip-link.txt';
const CILIUM = 'samples/cilium-vxlan-8472.pcap';

describe('vxshark alerts', () => {
  it('prints the misroute for people, within 100 columns, and exits 0 without --fail-on', async () => {
    const r = await vxshark(['alerts', SLL2, '--ip-link', LINK]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^ERROR {3}misroute\.default-route {2}frames 9, 10/m);
    assert.match(r.stdout, /172\.20\.0\.10 → 172\.20\.2\.30 entered eth1 and left eth0 \(default route\): no route for 172\.20\.2\.0\/24/);
    assert.match(r.stdout, /^ {2}Fix: /m);
    assert.match(r.stdout, /5 alerts: 2 errors, 3 warnings, 0 info, in 24 packets/);
    for (const line of r.stdout.split('\n')) assert.ok([...line].length <= 100, `too wide: ${line}`);
  });

  it('takes one capture as NAME=PATH, and its host files as NAME=FILE, as with several captures', async () => {
    const dir = `${LAB}hosts/`;
    const plain = await vxshark([
      'alerts',
      `${dir}native-router-any.pcap`,
      '--ip-link',
      `${dir}native-router.ip-link.txt`,
      '--ip-route',
      `${dir}native-router.ip-route.txt`,
    ]);
    assert.equal(plain.status, 0, plain.stderr);
    assert.match(plain.stdout, /misroute\.default-route/);
    for (const cmd of ['alerts', 'flows', 'tunnels', 'hops']) {
      const plainRun = cmd === 'alerts' ? plain : await vxshark([cmd, `${dir}native-router-any.pcap`, '--ip-link', `${dir}native-router.ip-link.txt`]);
      const named = await vxshark([
        cmd,
        `router=${dir}native-router-any.pcap`,
        '--ip-link',
        `router=${dir}native-router.ip-link.txt`,
        ...(cmd === 'alerts' ? ['--ip-route', `router=${dir}native-router.ip-route.txt`] : []),
      ]);
      assert.deepEqual([named.status, named.stdout, named.stderr], [plainRun.status, plainRun.stdout, plainRun.stderr], cmd);
    }
    const wrong = await vxshark(['alerts', `router=${dir}native-router-any.pcap`, '--ip-link', `w0=${dir}native-router.ip-link.txt`]);
    assert.deepEqual([wrong.status, wrong.stderr], [2, 'vxshark: --ip-link names capture "w0", but the captures are "router"\n']);
  });

  it('--fail-on warning exits 3 when a warning or worse is found; --json is an array with the evidence', async () => {
    const r = await vxshark(['alerts', SLL2, '--ip-link', LINK, '--json', '--fail-on', 'warning']);
    assert.equal(r.status, 3);
    const alerts = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.ok(Array.isArray(alerts));
    const m = alerts.find((a) => a.id === 'misroute.default-route')!;
    for (const k of ['id', 'severity', 'title', 'explanation', 'fix', 'frames', 'ingress', 'egress', 'prefix', 'src', 'dst']) assert.ok(k in m, k);
    assert.deepEqual([m.ingress, m.egress, m.prefix], ['eth1', 'eth0', '172.20.2.0/24']);
  });

  it('--fail-on error exits 0 on a healthy capture', async () => {
    const r = await vxshark(['alerts', CILIUM, '--fail-on', 'error']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^no alerts in 36 packets$/m);
  });

  it(
    'the lab MTU recording: overlay.fragmented with the sizes, exit 3 with --fail-on warning',
    { skip: labFile('tunnel-mtu-router-any.pcap') ? false : 'no lab recording' },
    async () => {
      const r = await vxshark(['alerts', `${LAB}tunnel-mtu-router-any.pcap`, '--ip-link', `${LAB}tunnel-mtu-router.ip-link.txt`, '--fail-on', 'warning']);
      assert.equal(r.status, 3);
      assert.match(r.stdout.replace(/\s+/g, ' '), /inner 1500 \+ 50 bytes of VXLAN = 1550 > underlay MTU 1500/);
    },
  );

  it('-Y restricts the packets that feed the analysis; --pod-cidr and --uplink are taken', async () => {
    const r = await vxshark(['alerts', SLL2, '--ip-link', LINK, '-Y', 'icmp', '--pod-cidr', '172.20.0.0/16', '--uplink', 'eth0', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const alerts = JSON.parse(r.stdout) as { id: string; title: string }[];
    assert.ok(alerts.some((a) => a.id === 'misroute.default-route'));
    assert.ok(!alerts.some((a) => /TCP SYN/.test(a.title)), 'the SYNs were filtered out');
  });

  it('usage errors: a bad --pod-cidr, a bad filter, no file', async () => {
    const bad = await vxshark(['alerts', SLL2, '--pod-cidr', '172.20.0.0']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^vxshark: invalid --pod-cidr "172\.20\.0\.0": expected a prefix such as 172\.20\.0\.0\/16$/m);
    const filter = await vxshark(['flows', SLL2, '-Y', 'ip.src ==']);
    assert.equal(filter.status, 2);
    assert.match(filter.stderr, /^vxshark: /);
    const none = await vxshark(['hops']);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no capture file given/);
    const route = await vxshark(['tunnels', CILIUM, '--ip-route', join(tmp, 'missing.txt')]);
    assert.equal(route.status, 1);
    assert.match(route.stderr, /missing\.txt: cannot read/);
  });
});

describe('vxshark flows, tunnels, hops', () => {
  it('flows: a table, and --json rows', async () => {
    const r = await vxshark(['flows', CILIUM]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ID +PROTO +SOURCE +DESTINATION +PKTS →\/← +BYTES +TUNNELS +STATE$/m);
    assert.match(r.stdout, /ICMP +172\.20\.0\.10 +172\.20\.2\.30 +5\/5 .* #0 #1 +5 echo, 5 replies/);
    const j = await vxshark(['flows', CILIUM, '--json']);
    const flows = JSON.parse(j.stdout) as { proto: string; tunnels: number[] }[];
    assert.equal(flows.length, 5);
    assert.ok(flows.every((f) => f.tunnels.length > 0));
  });

  it('tunnels: VNIs shown as identities, the CNI hint, inner pairs', async () => {
    const r = await vxshark(['tunnels', CILIUM]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /VXLAN +8472 +identity 32001 +192\.168\.10\.100 → 192\.168\.20\.100/);
    assert.match(r.stdout, /carries 172\.20\.0\.10 → 172\.20\.2\.30 \(17\)/);
    assert.match(r.stdout, /^CNI hint for VXLAN on 8472: probably Cilium/m);
    assert.match(r.stdout, /not a certainty/);
    // IPIP, GRE and plain ESP have no port to name.
    const ipip = await vxshark(['tunnels', 'samples/calico-ipip.pcap']);
    assert.match(ipip.stdout, /^CNI hint for IPIP: probably Calico/m);
    const j = JSON.parse((await vxshark(['tunnels', CILIUM, '--json'])).stdout) as { vniLabel: string; cni: { cni: string } }[];
    assert.equal(j[0]!.vniLabel, 'identity 32001');
    assert.equal(j[0]!.cni.cni, 'Cilium');
  });

  it('hops: the forwarded pairs, the uplink and its reason; none for a one-interface capture', async () => {
    const r = await vxshark(['hops', SLL2, '--ip-link', LINK]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^12 forwarded packets on 3 paths: each second copy is the forwarding, not a retransmission/m);
    assert.match(r.stdout, /routed +eth1 → eth0 +172\.20\.0\.10 → 172\.20\.2\.30 +63→62 +rewritten +8 +\d+ µs +9→10/);
    assert.match(r.stdout, /^Uplink: eth0 \(inferred/m);
    const flat = await vxshark(['hops', CILIUM]);
    assert.match(flat.stdout, /^no hops: this capture does not record interfaces or directions/);
    const j = JSON.parse((await vxshark(['hops', SLL2, '--json', '--ifname', '2=eth0', '--ifname', '3=eth1'])).stdout) as {
      paths: { egress: string }[];
      forwardingCopies: number;
      topology: unknown;
    };
    assert.equal(j.forwardingCopies, 12);
    assert.ok(j.paths.some((p) => p.egress === 'eth0'));
  });

  it('interface names from a capture are escaped in the tables', async () => {
    const ping = (ttl: number): Uint8Array => eth({ src: CTR, dst: W0, proto: IPPROTO_ICMP, ttl, id: 7 }, echo(8, 1, 1));
    const file = join(tmp, 'evil.pcapng');
    writeFileSync(
      file,
      buildPcapng([
        {
          blocks: [
            { type: 'idb', linkType: LINKTYPE_ETHERNET, name: 'eth1\u001b[31m' },
            { type: 'idb', linkType: LINKTYPE_ETHERNET, name: 'eth2' },
            { type: 'epb', interfaceId: 0, timestamp: 1_000_000n, data: ping(64) },
            { type: 'epb', interfaceId: 1, timestamp: 1_000_030n, data: ping(63) },
          ],
        },
      ]),
    );
    const r = await vxshark(['hops', file]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!r.stdout.includes('\u001b'), 'no raw escape reaches the terminal');
    assert.match(r.stdout, /eth1\\x1b\[31m → eth2/);
  });
});
