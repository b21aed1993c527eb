// The committed samples (samples/*.pcap, *.pcapng, the ip-link file) are exactly what
// scripts/samples.ts builds, and each one contains what samples/README.md says it teaches, as
// vxshark's own reader and dissectors see it. Nothing here is skipped: a missing or stale sample
// fails (rebuild with `npm run samples`).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadCapture } from '../../src/capture/capture.js';
import { parseIpLink } from '../../src/capture/ip-link.js';
import type { CaptureInterface } from '../../src/capture/types.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { formatIpv4, formatIpv6, formatMac } from '../../src/dissect/format.js';
import { frameMeta } from '../../src/dissect/frame-meta.js';
import type { FieldValue, Packet } from '../../src/dissect/types.js';
import { fieldValues } from '../../src/dissect/values.js';
import { buildSamples, LAB } from '../../scripts/samples.js';
import { ROOT, runTsx, vxshark, type RunResult } from '../helpers/cli.js';

const SAMPLES = join(ROOT, 'samples');
const registry = createRegistry();

// ---------------------------------------------------------------------------------------------
// Loading and field helpers

interface Loaded {
  packets: Packet[];
  interfaces: CaptureInterface[];
}

async function load(name: string, ifnames: ReadonlyMap<number, string> = new Map()): Promise<Loaded> {
  const capture = await loadCapture(join(SAMPLES, name));
  try {
    assert.equal(capture.error, undefined, `${name}: ${capture.error}`);
    const packets: Packet[] = [];
    for (let i = 0; i < capture.frameCount; i++) {
      packets.push(dissect(Uint8Array.from(capture.frame(i)), frameMeta(capture, i, ifnames), registry));
    }
    return { packets, interfaces: [...capture.interfaces] };
  } finally {
    capture.close();
  }
}

const values = (p: Packet, field: string): FieldValue[] => fieldValues(p, registry, field);
const nums = (p: Packet, field: string): number[] => values(p, field).map(Number);
const one = (p: Packet, field: string): FieldValue => {
  const v = values(p, field);
  assert.equal(v.length, 1, `frame ${p.frame.number}: ${field} has ${v.length} values`);
  return v[0]!;
};
const v4 = (p: Packet, field: string): string[] => values(p, field).map((v) => formatIpv4(v as number));
const v6 = (p: Packet, field: string): string[] => values(p, field).map((v) => formatIpv6(v as Uint8Array));
const macs = (p: Packet, field: string): string[] => values(p, field).map((v) => formatMac(v as Uint8Array));
const protos = (p: Packet): string => p.layers.map((l) => l.proto).join(':');
const has = (p: Packet, proto: string): boolean => p.layers.some((l) => l.proto === proto);
const text = (b: FieldValue): string => new TextDecoder().decode(b as Uint8Array);

/** Index of the first layer inside the tunnel (the inner Ethernet header). */
function innerStart(p: Packet): number {
  const i = p.layers.findIndex((l) => l.depth > 0);
  assert.ok(i > 0, `frame ${p.frame.number} has no tunnelled layers: ${protos(p)}`);
  return p.layers[i]!.start;
}

const NODES: string[] = [LAB.ctr.eth1, LAB.w0.eth1];
const PODS = { curl: LAB.curlPod.ip, web: LAB.webPod.ip, dns: LAB.corednsPod.ip };

// ---------------------------------------------------------------------------------------------

describe('samples are reproducible', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'vxshark-samples-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const expected = [...buildSamples().keys()];
  let script: RunResult;
  before(async () => {
    script = await runTsx('scripts/samples.ts', ['--out', tmp]);
  });

  it('the generator writes every sample the README lists', () => {
    assert.equal(script.status, 0, script.stderr);
    assert.deepEqual(readdirSync(tmp).sort(), [...expected].sort());
    const readme = readFileSync(join(SAMPLES, 'README.md'), 'utf8');
    for (const name of expected) assert.ok(readme.includes(`\`${name}\``), `samples/README.md does not list ${name}`);
  });

  for (const name of expected) {
    it(`${name} is byte-for-byte what scripts/samples.ts builds`, () => {
      const committed = join(SAMPLES, name);
      assert.ok(existsSync(committed), `${committed} is missing: run npm run samples`);
      const want = readFileSync(join(tmp, name));
      const got = readFileSync(committed);
      assert.ok(got.equals(want), `${name} differs from a fresh build (${got.length} vs ${want.length} bytes): run npm run samples`);
    });
  }

  it('two builds in one process are identical (no clock, no randomness)', () => {
    const a = buildSamples();
    const b = buildSamples();
    for (const [name, bytes] of a) assert.ok(Buffer.from(bytes).equals(Buffer.from(b.get(name)!)), name);
  });
});

// ---------------------------------------------------------------------------------------------

describe('cilium-vxlan-8472.pcap: Act 2, Cilium VXLAN seen on the router', () => {
  let pk: Packet[];
  before(async () => {
    ({ packets: pk } = await load('cilium-vxlan-8472.pcap'));
  });

  it('has 30 to 60 packets, every one VXLAN on UDP 8472 between the two nodes', () => {
    assert.ok(pk.length >= 30 && pk.length <= 60, `${pk.length} packets`);
    for (const p of pk) {
      assert.ok(protos(p).startsWith('frame:eth:ip:udp:vxlan:eth:'), `frame ${p.frame.number}: ${protos(p)}`);
      assert.equal(nums(p, 'udp.dstport')[0], 8472);
      const [src, dst] = [v4(p, 'ip.src')[0]!, v4(p, 'ip.dst')[0]!];
      assert.deepEqual([src, dst].sort(), [...NODES].sort(), `frame ${p.frame.number}`);
    }
  });

  it('every tunnelled IP packet has two IP headers: nodes outside, pods inside', () => {
    const inner = pk.filter((p) => values(p, 'ip.src').length > 0 && protos(p).includes('vxlan:eth:ip'));
    assert.equal(inner.length, pk.length - 2, 'all but the two ARP frames');
    for (const p of inner) {
      const src = v4(p, 'ip.src');
      const dst = v4(p, 'ip.dst');
      assert.equal(src.length, 2, `frame ${p.frame.number}`);
      const pair = [src[1]!, dst[1]!].sort().join(' ');
      assert.ok(
        pair === [PODS.curl, PODS.web].sort().join(' ') || pair === [PODS.curl, PODS.dns].sort().join(' '),
        `frame ${p.frame.number}: inner ${src[1]} -> ${dst[1]}`,
      );
      // The outer direction follows the inner one: the curl-pod lives on k8s-ctr.
      assert.equal(src[0], src[1] === PODS.curl ? LAB.ctr.eth1 : LAB.w0.eth1);
    }
  });

  it('VNIs are the senders\' identities: 32001 from the curl-pod, 45678 from the webpod, 18322 from CoreDNS', () => {
    assert.deepEqual([...new Set(pk.map((p) => Number(one(p, 'vxlan.vni'))))].sort(), [18322, 32001, 45678]);
    for (const p of pk) {
      const vni = Number(one(p, 'vxlan.vni'));
      const outerSrc = v4(p, 'ip.src')[0];
      if (outerSrc === LAB.ctr.eth1) assert.equal(vni, 32001);
      else assert.ok(vni === 45678 || vni === 18322);
    }
  });

  it('the VXLAN overhead is 50 bytes: outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8', () => {
    for (const p of pk) {
      assert.equal(innerStart(p), 50, `frame ${p.frame.number}`);
      const [udpLen] = nums(p, 'udp.length');
      assert.equal(p.frame.origLen - udpLen!, 34);
    }
  });

  it('outer headers as Linux sends them: DF, TTL 64 before the router and 63 after, UDP checksum 0, per-direction IP IDs', () => {
    const ids = new Map<string, number[]>();
    for (const p of pk) {
      const src = v4(p, 'ip.src')[0]!;
      assert.equal(values(p, 'ip.flags.df')[0], true);
      assert.equal(nums(p, 'ip.ttl')[0], src === LAB.ctr.eth1 ? 64 : 63);
      assert.equal(nums(p, 'udp.checksum')[0], 0);
      ids.set(src, [...(ids.get(src) ?? []), nums(p, 'ip.id')[0]!]);
    }
    for (const [src, list] of ids) list.forEach((id, i) => assert.equal(id, (list[0]! + i) & 0xffff, `outer IP IDs from ${src}`));
  });

  it('the outer source port is a hash of the inner flow, in 32768-60999', () => {
    const portOf = new Map<string, Set<number>>();
    for (const p of pk) {
      const sport = nums(p, 'udp.srcport')[0]!;
      assert.ok(sport >= 32768 && sport <= 60999, `frame ${p.frame.number}: ${sport}`);
      if (v4(p, 'ip.src').length < 2) continue; // ARP: no inner IP flow
      const flow = [
        v4(p, 'ip.src')[1], v4(p, 'ip.dst')[1], nums(p, 'ip.proto')[1],
        ...nums(p, 'tcp.srcport'), ...nums(p, 'tcp.dstport'), ...nums(p, 'udp.srcport').slice(1), ...nums(p, 'udp.dstport').slice(1),
      ].join('/');
      portOf.set(flow, (portOf.get(flow) ?? new Set()).add(sport));
    }
    for (const [flow, ports] of portOf) assert.equal(ports.size, 1, `flow ${flow} uses ${[...ports].join(', ')}`);
    const tcpPorts = new Set(pk.filter((p) => has(p, 'tcp') && v4(p, 'ip.src')[1] === PODS.curl).map((p) => nums(p, 'udp.srcport')[0]));
    assert.equal(tcpPorts.size, 2, 'each curl connection rides its own outer source port');
  });

  it('carries ARP, ICMP echo pairs, DNS, and a TCP handshake + GET / 200 OK + FIN exchange to port 80', () => {
    const innerType = (p: Packet): number => nums(p, 'eth.type')[1]!;
    assert.deepEqual(pk.slice(0, 2).map(innerType), [0x0806, 0x0806]);
    const icmp = pk.filter((p) => nums(p, 'ip.proto')[1] === 1);
    assert.equal(icmp.length, 10);
    const dns = pk.filter((p) => nums(p, 'udp.dstport').includes(53) || nums(p, 'udp.srcport').includes(53));
    assert.equal(dns.length, 4);
    const tcpPk = pk.filter((p) => has(p, 'tcp'));
    assert.ok(tcpPk.every((p) => nums(p, 'tcp.port').includes(80)));
    const flags = (p: Packet): string =>
      (['syn', 'fin', 'reset'] as const).filter((f) => values(p, `tcp.flags.${f}`)[0] === true).join('+') || '-';
    assert.equal(tcpPk.filter((p) => flags(p) === 'syn').length, 4, 'two SYNs and two SYN-ACKs');
    assert.equal(tcpPk.filter((p) => flags(p) === 'fin').length, 4, 'both ends close, twice');
    const payloads = tcpPk.flatMap((p) => values(p, 'tcp.payload').map(text));
    assert.equal(payloads.filter((s) => s.startsWith('GET / HTTP/1.1\r\n')).length, 2);
    assert.equal(payloads.filter((s) => s.startsWith('HTTP/1.1 200 OK\r\n')).length, 2);
  });
});

describe('calico-vxlan-4789.pcap', () => {
  it('is VXLAN on 4789 with VNI 4096 and 10.244.x pods inside', async () => {
    const { packets } = await load('calico-vxlan-4789.pcap');
    assert.ok(packets.length > 0);
    for (const p of packets) {
      assert.ok(protos(p).startsWith('frame:eth:ip:udp:vxlan:eth:ip:'), protos(p));
      assert.equal(nums(p, 'udp.dstport')[0], 4789);
      assert.equal(Number(one(p, 'vxlan.vni')), 4096);
      const [, innerSrc] = v4(p, 'ip.src');
      const [, innerDst] = v4(p, 'ip.dst');
      assert.match(innerSrc!, /^10\.244\./);
      assert.match(innerDst!, /^10\.244\./);
      assert.deepEqual(macs(p, 'eth.src')[1]!.slice(0, 3), '66:');
    }
    assert.ok(packets.some((p) => nums(p, 'ip.proto')[1] === 1));
    assert.ok(packets.some((p) => has(p, 'tcp')));
  });
});

describe('antrea-geneve-6081.pcap', () => {
  it('is GENEVE on 6081 with a critical OVN (0x0102) option of 4 data bytes plus one more option', async () => {
    const { packets } = await load('antrea-geneve-6081.pcap');
    assert.ok(packets.length > 0);
    for (const p of packets) {
      assert.ok(protos(p).startsWith('frame:eth:ip:udp:geneve:eth:ip:'), protos(p));
      assert.equal(nums(p, 'udp.dstport')[0], 6081);
      assert.notEqual(nums(p, 'udp.checksum')[0], 0, 'OVN turns the outer UDP checksum on');
      assert.deepEqual(nums(p, 'geneve.option.class'), [0x0102, 0xffff]);
      assert.deepEqual(values(p, 'geneve.option.type.critical'), [true, false]);
      assert.deepEqual(values(p, 'geneve.option.data').map((d) => (d as Uint8Array).length), [4, 8]);
      assert.equal(values(p, 'geneve.flags.critical')[0], true);
    }
    const inner = new Set(packets.map((p) => nums(p, 'ip.proto')[1]));
    assert.deepEqual([...inner].sort(), [1, 6]);
  });
});

describe('vxlan-ipv6-underlay.pcap', () => {
  it('is VXLAN over IPv6 between fd00:10::100 and fd00:20::100 with IPv4 pods inside and 70 bytes of overhead', async () => {
    const { packets } = await load('vxlan-ipv6-underlay.pcap');
    assert.ok(packets.length > 0);
    for (const p of packets) {
      assert.ok(protos(p).startsWith('frame:eth:ipv6:udp:vxlan:eth:ip:'), protos(p));
      assert.deepEqual([v6(p, 'ipv6.src')[0], v6(p, 'ipv6.dst')[0]].sort(), ['fd00:10::100', 'fd00:20::100']);
      assert.equal(nums(p, 'udp.dstport')[0], 8472);
      assert.notEqual(nums(p, 'udp.checksum')[0], 0, 'UDP over IPv6 needs its checksum');
      assert.deepEqual([v4(p, 'ip.src')[0], v4(p, 'ip.dst')[0]].sort(), [PODS.curl, PODS.web].sort());
      assert.equal(innerStart(p), 70);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Act 1

/** The IP layer's bytes, for comparing the same packet across link layers. */
function ipBytes(p: Packet): string {
  const l = p.layers.find((x) => x.proto === 'ip')!;
  return Buffer.from(p.data.subarray(l.start, l.end)).toString('hex');
}

function checkMisroute(pk: Packet[], where: (p: Packet) => { ifname: string; dir: 'in' | 'out' }): void {
  const pods = pk.filter((p) => v4(p, 'ip.src')[0] === PODS.curl);
  assert.ok(pk.every((p) => v4(p, 'ip.src')[0] !== PODS.web), 'nothing ever comes back from the webpod');
  assert.equal(pods.length % 2, 0);
  for (let i = 0; i < pods.length; i += 2) {
    const [a, b] = [pods[i]!, pods[i + 1]!];
    assert.deepEqual(where(a), { ifname: 'eth1', dir: 'in' }, `frame ${a.frame.number}`);
    assert.deepEqual(where(b), { ifname: 'eth0', dir: 'out' }, `frame ${b.frame.number}`);
    assert.equal(one(a, 'ip.id'), one(b, 'ip.id'), 'the two copies of one forwarded packet share the IP ID');
    assert.equal(Number(one(b, 'ip.ttl')), Number(one(a, 'ip.ttl')) - 1);
    assert.deepEqual(v4(b, 'ip.dst'), [PODS.web]);
  }
  const syns = pods.filter((p) => values(p, 'tcp.flags.syn')[0] === true);
  assert.equal(syns.length, 10, 'a SYN and four retransmissions, each seen twice');
  const incoming = syns.filter((_, i) => i % 2 === 0);
  assert.equal(new Set(incoming.map((p) => one(p, 'tcp.seq_raw'))).size, 1, 'retransmissions repeat the sequence number');
  assert.equal(new Set(incoming.map((p) => one(p, 'ip.id'))).size, 5, 'but each is a new packet with its own IP ID');
  assert.deepEqual(incoming.map((p) => nums(p, 'tcp.dstport')[0]), [80, 80, 80, 80, 80]);
  const gaps = incoming.slice(1).map((p, i) => Math.round(p.frame.sec - incoming[i]!.frame.sec));
  assert.deepEqual(gaps, [1, 2, 4, 8]);
  assert.equal(pods.filter((p) => nums(p, 'ip.proto')[0] === 1).length, 6, 'three pings, each seen twice');

  const nodes = pk.filter((p) => NODES.includes(v4(p, 'ip.src')[0]!));
  assert.ok(nodes.length >= 4);
  for (const p of nodes) {
    const w = where(p);
    const fromCtr = v4(p, 'ip.src')[0] === LAB.ctr.eth1;
    assert.equal(w.ifname, fromCtr === (w.dir === 'in') ? 'eth1' : 'eth2', `frame ${p.frame.number}: healthy node traffic uses eth1 and eth2`);
  }
}

describe('router-interfaces.pcapng: Act 1 on named interfaces with direction flags', () => {
  let loaded: Loaded;
  before(async () => {
    loaded = await load('router-interfaces.pcapng');
  });

  it('names its interfaces eth0 (the uplink), eth1 and eth2', () => {
    assert.deepEqual(loaded.interfaces.map((i) => i.name), ['eth0', 'eth1', 'eth2']);
    assert.match(loaded.interfaces[0]!.description ?? '', /uplink/);
  });

  it('pod packets come in on eth1 and leave on eth0 with TTL one lower and new MACs; nodes use eth1/eth2', () => {
    const pk = loaded.packets;
    for (const p of pk) assert.ok(p.frame.direction === 1 || p.frame.direction === 2, `frame ${p.frame.number} has no direction`);
    checkMisroute(pk, (p) => ({ ifname: String(one(p, 'frame.interface_name')), dir: one(p, 'frame.packet_flags_direction') === 1 ? 'in' : 'out' }));
    const [a, b] = pk.filter((p) => v4(p, 'ip.src')[0] === PODS.curl);
    assert.deepEqual([macs(a!, 'eth.src')[0], macs(a!, 'eth.dst')[0]], [LAB.ctr.mac, LAB.router.eth1.mac]);
    assert.deepEqual([macs(b!, 'eth.src')[0], macs(b!, 'eth.dst')[0]], [LAB.router.eth0.mac, LAB.router.uplinkGateway]);
  });
});

describe('router-any-sll2.pcap: Act 1 as tcpdump -i any writes it', () => {
  let pk: Packet[];
  let ifnames: Map<number, string>;
  before(async () => {
    ifnames = parseIpLink(readFileSync(join(SAMPLES, 'router-any-sll2.ip-link.txt'), 'utf8'));
    ({ packets: pk } = await load('router-any-sll2.pcap', ifnames));
  });

  it('its ip-link file names ifindexes 2, 3, 4 eth0, eth1, eth2 with the MACs the capture shows', () => {
    assert.deepEqual([...ifnames], [[1, 'lo'], [2, 'eth0'], [3, 'eth1'], [4, 'eth2']]);
    for (const p of pk.filter((x) => one(x, 'sll.pkttype') === 4)) {
      const name = ifnames.get(Number(one(p, 'sll.ifindex'))) as 'eth0' | 'eth1' | 'eth2';
      assert.equal(macs(p, 'sll.src.eth')[0], LAB.router[name].mac, 'an Out copy carries the router\'s own MAC');
    }
  });

  it('has pkttype 0 on ifindex 3 and pkttype 4 on ifindex 2 for the same packet, TTL one lower', () => {
    checkMisroute(pk, (p) => ({ ifname: String(one(p, 'sll.ifname')), dir: one(p, 'sll.pkttype') === 0 ? 'in' : 'out' }));
    const pods = pk.filter((p) => v4(p, 'ip.src')[0] === PODS.curl);
    for (let i = 0; i < pods.length; i += 2) {
      assert.deepEqual([one(pods[i]!, 'sll.pkttype'), one(pods[i]!, 'sll.ifindex')], [0, 3]);
      assert.deepEqual([one(pods[i + 1]!, 'sll.pkttype'), one(pods[i + 1]!, 'sll.ifindex')], [4, 2]);
    }
  });

  it('holds the same IP packets, at the same times, as router-interfaces.pcapng', async () => {
    const ng = (await load('router-interfaces.pcapng')).packets;
    assert.deepEqual(pk.map(ipBytes), ng.map(ipBytes));
    assert.deepEqual(pk.map((p) => [p.frame.sec, p.frame.nsec]), ng.map((p) => [p.frame.sec, p.frame.nsec]));
  });
});

describe('nanosecond.pcap', () => {
  it('has nanosecond time stamps that use all nine digits, one reply 250 ns after its request', async () => {
    const { packets, interfaces } = await load('nanosecond.pcap');
    assert.deepEqual(interfaces[0]!.tsResolution, { base: 10, exponent: 9 });
    assert.ok(packets.length >= 4);
    for (const p of packets) {
      assert.notEqual(p.frame.nsec % 1000, 0, `frame ${p.frame.number}: ${p.frame.nsec} ns has no sub-microsecond digits`);
      assert.equal(Number(one(p, 'vxlan.vni')) > 0, true);
    }
    const gaps = packets.slice(1).map((p, i) => (p.frame.sec - packets[i]!.frame.sec) * 1e9 + p.frame.nsec - packets[i]!.frame.nsec);
    assert.ok(gaps.includes(250), `gaps: ${gaps.join(', ')}`);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the commands in samples/README.md work', () => {
  const readme = (): string => readFileSync(join(SAMPLES, 'README.md'), 'utf8');
  const commands = (): string[] => [...readme().matchAll(/`npx vxshark ([^`]+)`/g)].map((m) => m[1]!);

  it('there is one per capture', () => {
    const files = [...buildSamples().keys()].filter((f) => /\.pcap(ng)?$/.test(f));
    for (const f of files) assert.ok(commands().some((c) => c.includes(`samples/${f}`)), `no command opens ${f}`);
  });

  it('each prints one line per packet and nothing on stderr', async () => {
    // The one-line-per-packet commands; analysis commands print tables and -V prints trees.
    const printing = commands().filter((c) => !/^(tunnels|flows|hops|alerts|capinfo|journey) /.test(c) && !/(^| )(-V|-T fields)( |$)/.test(c));
    const results = await Promise.all(
      printing.map(async (c) => ({ c, r: await vxshark(c.split(/\s+/)), file: /samples\/\S+\.pcap(ng)?/.exec(c)![0] })),
    );
    for (const { c, r, file } of results) {
      assert.equal(r.status, 0, `vxshark ${c}: ${r.stderr}`);
      assert.equal(r.stderr, '', `vxshark ${c}`);
      const { packets } = await load(file.slice('samples/'.length));
      assert.equal(r.stdout.trimEnd().split('\n').length, packets.length, `vxshark ${c}`);
      if (c.includes('--ip-link')) {
        assert.match(r.stdout, / eth1 +In /);
        assert.match(r.stdout, / eth0 +Out /);
        assert.doesNotMatch(r.stdout, / if\d /);
      }
    }
  });
});
