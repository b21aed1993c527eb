// The built samples of the tunnel kinds beyond VXLAN and GENEVE: their fields as tshark prints
// them (when tshark is installed: it is the oracle, never a run-time dependency), and what the
// analysis makes of them: tunnels with the kind's id, inner flows except through encryption,
// the CNI hint, no false alerts on healthy traffic.
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { formatValue } from '../../src/dissect/format.js';
import { fieldOccurrences } from '../../src/dissect/values.js';
import { analyzeFile, serious } from '../analysis/helpers.js';
import { ROOT, vxshark } from '../helpers/cli.js';
import { loadPackets } from '../helpers/frames.js';

const SAMPLES = join(ROOT, 'samples');
const registry = createRegistry();

function tsharkAvailable(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const NO_TSHARK = tsharkAvailable() ? false : 'tshark is not installed (it is the oracle for these fields)';

/** Each field's values per frame, comma-joined, as `tshark -T fields -E occurrence=a` prints them. */
function tsharkFields(file: string, names: string[]): string[][] {
  const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-E', 'aggregator=,', ...names.flatMap((n) => ['-e', n])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.trimEnd().split('\n').map((l) => l.split('\t'));
}

async function ourFields(file: string, names: string[]): Promise<string[][]> {
  const { packets } = await loadPackets(file, registry);
  return packets.map((p) => names.map((n) => fieldOccurrences(p, registry.field(n) ?? []).map((o) => formatValue(o.def, o.value)).join(',')));
}

const CASES: [sample: string, fields: string[]][] = [
  ['calico-ipip.pcap', ['ip.src', 'ip.dst', 'ip.proto', 'icmp.type', 'icmp.seq']],
  [
    'gre-key-seq-gretap.pcap',
    ['ip.src', 'gre.flags_and_version', 'gre.flags.checksum', 'gre.flags.key', 'gre.flags.sequence_number', 'gre.proto', 'gre.checksum', 'gre.key', 'gre.sequence_number', 'eth.src', 'eth.type', 'icmp.seq'],
  ],
  ['cilium-ipsec-esp.pcap', ['ip.src', 'ip.proto', 'esp.spi', 'esp.sequence']],
  ['esp-in-udp-4500.pcap', ['udp.srcport', 'esp.spi', 'esp.sequence', 'udpencap.non_esp_marker', 'udpencap.nat_keepalive']],
  [
    'esp-in-udp-4500.pcap',
    ['isakmp.ispi', 'isakmp.rspi', 'isakmp.nextpayload', 'isakmp.typepayload', 'isakmp.criticalpayload', 'isakmp.payloadlength', 'isakmp.version', 'isakmp.mjver', 'isakmp.mnver', 'isakmp.exchangetype', 'isakmp.flags', 'isakmp.messageid', 'isakmp.length', '_ws.col.Protocol', '_ws.col.Info'],
  ],
  ['calico-wireguard-51820.pcap', ['wg.type', 'wg.sender', 'wg.receiver', 'wg.counter', 'wg.ephemeral', 'wg.encrypted_static', 'wg.encrypted_empty', 'wg.encrypted_packet']],
];

describe('tunnel samples against tshark', { skip: NO_TSHARK }, () => {
  for (const [sample, names] of CASES) {
    it(`${sample}: ${names.join(', ')}`, async () => {
      const file = join(SAMPLES, sample);
      assert.deepEqual(await ourFields(file, names), tsharkFields(file, names));
    });
  }
});

describe('tunnel samples in the analysis', () => {
  it('Calico IPIP: one tunnel each way without an id, the pod flow inside, Calico hinted', async () => {
    const r = await analyzeFile(join(SAMPLES, 'calico-ipip.pcap'));
    assert.deepEqual(
      r.tunnels.map((t) => [t.kind, t.src, t.dst, t.port, t.hasId, t.encrypted, t.packets]),
      [
        ['IPIP', '10.10.0.11', '10.10.0.12', 0, false, false, 3],
        ['IPIP', '10.10.0.12', '10.10.0.11', 0, false, false, 3],
      ],
    );
    assert.deepEqual(r.flows.map((f) => [f.proto, f.src, f.dst, f.tunnels.length]), [['ICMP', '10.244.140.65', '10.244.79.130', 2]]);
    assert.deepEqual(r.fingerprint.map((h) => [h.cni, h.kind]), [['Calico', 'IPIP']]);
    assert.deepEqual(serious(r), []);
  });

  it('GRE: the key is the id, gretap frames are their own tunnel row', async () => {
    const r = await analyzeFile(join(SAMPLES, 'gre-key-seq-gretap.pcap'));
    assert.deepEqual(
      r.tunnels.map((t) => [t.kind, t.src, t.dst, t.vni, t.packets]),
      [
        ['GRE', '10.10.0.11', '10.10.0.12', 1001, 2],
        ['GRE', '10.10.0.12', '10.10.0.11', 1001, 2],
        ['GRE', '10.10.0.11', '10.10.0.12', 42, 2],
      ],
    );
    assert.deepEqual(serious(r), []);
  });

  it('Cilium IPsec: ESP tunnels with SPI 3, encrypted, no inner flows, Cilium hinted', async () => {
    const r = await analyzeFile(join(SAMPLES, 'cilium-ipsec-esp.pcap'));
    assert.deepEqual(r.tunnels.map((t) => [t.kind, t.vni, t.encrypted, t.innerPairs.length]), [
      ['ESP', 3, true, 0],
      ['ESP', 3, true, 0],
    ]);
    assert.deepEqual(r.flows, []);
    assert.deepEqual(r.fingerprint.map((h) => [h.cni, h.confidence]), [['Cilium (IPsec)', 'likely']]);
    assert.deepEqual(serious(r), []);
  });

  it('Calico WireGuard: rows by receiver index, encrypted, no inner flows, Calico hinted', async () => {
    const r = await analyzeFile(join(SAMPLES, 'calico-wireguard-51820.pcap'));
    assert.deepEqual(
      r.tunnels.map((t) => [t.kind, t.src, t.dst, t.port, t.hasId ? t.vni.toString(16) : '-', t.encrypted, t.packets]),
      [
        ['WireGuard', '10.10.0.11', '10.10.0.12', 51820, '-', true, 1],
        ['WireGuard', '10.10.0.12', '10.10.0.11', 51820, '1d3c5a01', true, 4],
        ['WireGuard', '10.10.0.11', '10.10.0.12', 51820, '7e2f9b44', true, 4],
      ],
    );
    assert.deepEqual(r.flows, []);
    assert.deepEqual(r.fingerprint.map((h) => [h.cni, h.port]), [['Calico (WireGuard)', 51820]]);
    assert.deepEqual(serious(r), []);
  });

  it('WireGuard summary lines: the type, indexes and counter as tshark writes them', async () => {
    const r = await vxshark(['-r', join(SAMPLES, 'calico-wireguard-51820.pcap'), '-Y', 'wg.counter == 3']);
    assert.match(r.stdout, /^ +9 +26\.000000 10\.10\.0\.11 → 10\.10\.0\.12 WireGuard receiver 0x7e2f9b44 │ \(encrypted\) WireGuard 74 Keepalive, receiver=0x7E2F9B44, counter=3$/m);
  });

  it('vxshark tunnels says an encrypted tunnel has no visible inner packets', async () => {
    const r = await vxshark(['tunnels', join(SAMPLES, 'esp-in-udp-4500.pcap')]);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /ESP +4500 +0xc3a5f00d +10\.10\.0\.11 → 10\.10\.0\.12/);
    assert.match(r.stdout, /encrypted \(ESP\): the inner packets, and so the pod flows, cannot be seen without the keys/);
  });

  it('the summary line names the kind and id once, and says when the rest is encrypted', async () => {
    const r = await vxshark(['-r', join(SAMPLES, 'gre-key-seq-gretap.pcap'), '-c', '1']);
    assert.match(r.stdout, /^ +1 +0\.000000 10\.10\.0\.11 → 10\.10\.0\.12 GRE key 0x000003e9 │ 172\.16\.1\.10 → 172\.16\.2\.20 ICMP 134 Echo \(ping\) request/);
    const esp = await vxshark(['-r', join(SAMPLES, 'cilium-ipsec-esp.pcap'), '-c', '1']);
    assert.match(esp.stdout, /10\.10\.0\.11 → 10\.10\.0\.12 ESP SPI 0x00000003 │ \(encrypted\) ESP 154 ESP \(SPI=0x00000003\)/);
  });
});
