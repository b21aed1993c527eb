// Semantics of compiled filters over packets built byte by byte and dissected with the
// default registry: occurrence rules, layer selection, literals, operators and errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import type { FrameMeta, Packet } from '../../src/dissect/types.js';
import { VxError } from '../../src/errors.js';
import { checkFilter, compileFilter } from '../../src/filter/index.js';
import {
  arp,
  ascii,
  ethernet,
  geneveFrame,
  ipv4,
  sll2,
  tcp,
  udp,
  udpTunnel,
  vxlan,
  vxlanFrame,
  ETH_ARP,
  ETH_IPV4,
  IPPROTO_TCP,
  IPPROTO_UDP,
} from '../fixtures/packet-builder.js';

const registry = createRegistry();

const OUTER = { srcMac: '0a:00:00:00:00:01', dstMac: '0a:00:00:00:00:02', src: '192.168.1.1', dst: '192.168.1.2' };
const INNER = { srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', src: '172.20.1.10', dst: '172.20.2.30' };
const MID = { srcMac: '06:00:00:00:00:01', dstMac: '06:00:00:00:00:02', src: '10.10.0.1', dst: '10.10.0.2' };

const httpGet = ascii('GET /index.html HTTP/1.1\r\nHost: web\r\n\r\n');

/** Each packet by name, with the link type and interface its frame came from. */
const FRAMES: Record<string, { bytes: Uint8Array; linkType?: number; ifname?: string }> = {
  // eth/ip/udp(8472)/vxlan(100)/eth/ip/tcp(40000 → 80, SYN) carrying an HTTP request
  vx: {
    bytes: vxlanFrame(
      { outer: OUTER, vni: 100, inner: INNER },
      { proto: IPPROTO_TCP, bytes: tcp({ srcPort: 40000, dstPort: 80, seq: 1, flags: 'S' }, httpGet, INNER) },
    ),
  },
  // VXLAN(100) in VXLAN(200): three IPv4 headers, outer, middle and inner; the inner TCP is an ACK to 443
  nested: {
    bytes: udpTunnel(
      OUTER,
      8472,
      50000,
      vxlan(
        { vni: 100 },
        vxlanFrame(
          { outer: MID, vni: 200, inner: INNER },
          { proto: IPPROTO_TCP, bytes: tcp({ srcPort: 40001, dstPort: 443, seq: 9, flags: 'A' }, new Uint8Array(0), INNER) },
        ),
      ),
    ),
  },
  // plain UDP
  udp: {
    bytes: ethernet(
      { src: '0a:00:00:00:00:03', dst: '0a:00:00:00:00:04', type: ETH_IPV4 },
      ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IPPROTO_UDP, ttl: 3 }, udp({ srcPort: 5000, dstPort: 9999 }, new Uint8Array(16))),
    ),
  },
  // GENEVE over IPv6, inner IPv4/UDP
  v6: {
    bytes: geneveFrame(
      {
        outer: { srcMac: 'aa:bb:cc:00:00:01', dstMac: 'aa:bb:cc:00:00:02', src: 'fd00::1', dst: 'fd00::2' },
        vni: 0x123,
        inner: { srcMac: '02:00:00:00:01:01', dstMac: '02:00:00:00:01:02', src: '10.1.0.1', dst: '10.2.0.2' },
      },
      { proto: IPPROTO_UDP, bytes: udp({ srcPort: 1000, dstPort: 2000 }, new Uint8Array(8), { src: '10.1.0.1', dst: '10.2.0.2' }) },
    ),
  },
  // `tcpdump -i any` (SLL2): sent on eth0, received on eth1
  out0: {
    bytes: sll2(
      { protocol: ETH_IPV4, ifindex: 2, pktType: 4 },
      ipv4({ src: '10.0.0.5', dst: '10.0.0.6', proto: IPPROTO_UDP }, udp({ srcPort: 6000, dstPort: 6001 }, new Uint8Array(4))),
    ),
    linkType: 276,
    ifname: 'eth0',
  },
  in1: {
    bytes: sll2(
      { protocol: ETH_IPV4, ifindex: 3, pktType: 0 },
      ipv4({ src: '10.0.0.6', dst: '10.0.0.5', proto: IPPROTO_UDP }, udp({ srcPort: 7000, dstPort: 7000 }, new Uint8Array(4))),
    ),
    linkType: 276,
    ifname: 'eth1',
  },
  // no IP at all
  arp: {
    bytes: ethernet(
      { src: '0a:00:00:00:00:05', dst: 'ff:ff:ff:ff:ff:ff', type: ETH_ARP },
      arp({ op: 1, senderMac: '0a:00:00:00:00:05', senderIp: '10.0.0.9', targetMac: '00:00:00:00:00:00', targetIp: '10.0.0.1' }),
    ),
  },
};

const NAMES = Object.keys(FRAMES);
const PACKETS: [string, Packet][] = NAMES.map((name, i) => {
  const f = FRAMES[name]!;
  const meta: FrameMeta = {
    number: i + 1,
    sec: 1700000000 + i,
    nsec: i % 2 ? 500000000 : 0,
    capLen: f.bytes.length,
    origLen: f.bytes.length,
    linkType: f.linkType ?? 1,
    interfaceId: 0,
    direction: 0,
  };
  if (f.ifname) meta.interfaceName = f.ifname;
  return [name, dissect(f.bytes, meta, registry)];
});

/** Names of the packets the filter matches, in FRAMES order. */
function match(filter: string): string[] {
  const pred = compileFilter(filter, registry);
  return PACKETS.filter(([, p]) => pred(p)).map(([n]) => n);
}

const ALL = NAMES;
const WITH_IP = NAMES.filter((n) => n !== 'arp');
const except = (...names: string[]): string[] => ALL.filter((n) => !names.includes(n));

function compileError(filter: string): { message: string; column: number } {
  const c = checkFilter(filter, registry);
  assert.equal(c.ok, false, `expected ${JSON.stringify(filter)} to be rejected`);
  assert.throws(
    () => compileFilter(filter, registry),
    (e: unknown) => e instanceof VxError && e.kind === 'usage' && e.message === (c as { message: string }).message,
  );
  const { message, column } = c as { message: string; column: number };
  return { message, column };
}

describe('filter semantics', () => {
  it('dissects the test packets as expected', () => {
    const layers = Object.fromEntries(PACKETS.map(([n, p]) => [n, p.layers.map((l) => l.proto).join(' ')]));
    assert.match(layers.vx!, /^frame eth ip udp vxlan eth ip tcp/);
    assert.match(layers.nested!, /^frame eth ip udp vxlan eth ip udp vxlan eth ip tcp$/);
    assert.match(layers.v6!, /^frame eth ipv6 udp geneve eth ip udp/);
    assert.match(layers.out0!, /^frame sll2 ip udp/);
  });

  it('an empty filter matches everything', () => {
    assert.deepEqual(match(''), ALL);
    assert.deepEqual(match('  '), ALL);
  });

  it('== is true when any occurrence equals, outer or inner', () => {
    assert.deepEqual(match('ip.src == 192.168.1.1'), ['vx', 'nested']);
    assert.deepEqual(match('ip.src == 172.20.1.10'), ['vx', 'nested']);
    assert.deepEqual(match('ip.src eq 10.10.0.1'), ['nested']);
    assert.deepEqual(match('ip.addr == 10.0.0.5'), ['out0', 'in1']);
  });

  it('!= is true when the field is present and no occurrence equals (Wireshark 4, tshark 4.0)', () => {
    assert.deepEqual(match('ip.src != 192.168.1.1'), ['udp', 'v6', 'out0', 'in1']);
    assert.deepEqual(match('ip.src != 172.20.1.10'), ['udp', 'v6', 'out0', 'in1']);
    assert.deepEqual(match('ip.src ne 1.2.3.4'), WITH_IP);
    assert.deepEqual(match('ip.src all_ne 1.2.3.4'), WITH_IP);
    // The negated equality also keeps packets without the field.
    assert.deepEqual(match('!(ip.src == 192.168.1.1)'), ['udp', 'v6', 'out0', 'in1', 'arp']);
    assert.deepEqual(match('not ip.src == 1.2.3.4'), ALL);
  });

  it('=== needs every occurrence equal, !== any occurrence different', () => {
    assert.deepEqual(match('ip.src === 192.168.1.1'), []);
    assert.deepEqual(match('ip.src === 10.0.0.5'), ['out0']);
    assert.deepEqual(match('ip.src all_eq 10.0.0.1'), ['udp']);
    assert.deepEqual(match('ip.src !== 192.168.1.1'), WITH_IP);
    assert.deepEqual(match('ip.src any_ne 10.0.0.5'), except('out0', 'arp'));
    assert.deepEqual(match('udp.port === 7000'), ['in1']);
  });

  it('#N counts protocol layers from the outermost, #-N from the innermost', () => {
    assert.deepEqual(match('ip.dst#1 == 192.168.1.2'), ['vx', 'nested']);
    assert.deepEqual(match('ip.dst#1 == 172.20.2.30'), []);
    assert.deepEqual(match('ip.dst#2 == 172.20.2.30'), ['vx']);
    assert.deepEqual(match('ip.dst#2 == 10.10.0.2'), ['nested']);
    assert.deepEqual(match('ip.dst#3 == 172.20.2.30'), ['nested']);
    assert.deepEqual(match('ip.dst#-1 == 172.20.2.30'), ['vx', 'nested']);
    assert.deepEqual(match('ip.dst#-2 == 10.10.0.2'), ['nested']);
    assert.deepEqual(match('ip#3'), ['nested']);
    assert.deepEqual(match('ip.src#2'), ['vx', 'nested']);
    assert.deepEqual(match('vxlan.vni#2 == 200'), ['nested']);
    assert.deepEqual(match('eth.dst#2 == 06:00:00:00:00:02'), ['nested']);
  });

  it('#N selects every value of that layer (ip.addr#2 is source and destination)', () => {
    assert.deepEqual(match('ip.addr#2 == 10.10.0.1'), ['nested']);
    assert.deepEqual(match('ip.addr#2 == 10.10.0.2'), ['nested']);
    assert.deepEqual(match('ip.addr#2 == 172.20.1.10'), ['vx']);
    assert.deepEqual(match('udp.port#1 == 8472'), ['vx', 'nested']);
  });

  it('reads layer ranges', () => {
    assert.deepEqual(match('ip.addr#[2-3] == 172.20.2.30'), ['vx', 'nested']);
    assert.deepEqual(match('ip.addr#[1-2] == 172.20.2.30'), ['vx']);
    assert.deepEqual(match('ip.addr#1-2 == 172.20.2.30'), ['vx']);
    assert.deepEqual(match('ip.addr#[2:1] == 10.10.0.1'), ['nested']);
    assert.deepEqual(match('ip.addr#[2--1] == 192.168.1.1'), []);
    assert.deepEqual(match('ip.addr#[2--1] == 172.20.1.10'), ['vx', 'nested']);
    assert.deepEqual(match('ip.addr#[-2--1] == 10.10.0.1'), ['nested']);
  });

  it('inner. and outer. read the innermost and outermost occurrence', () => {
    assert.deepEqual(match('inner.ip.dst == 172.20.2.30'), ['vx', 'nested']);
    assert.deepEqual(match('outer.ip.dst == 172.20.2.30'), []);
    assert.deepEqual(match('outer.ip.dst == 192.168.1.2'), ['vx', 'nested']);
    assert.deepEqual(match('outer.udp.dstport == 8472'), ['vx', 'nested']);
    assert.deepEqual(match('inner.vxlan.vni == 200'), ['nested']);
    assert.deepEqual(match('inner.vxlan.vni == 100'), ['vx']);
    assert.deepEqual(match('inner.eth.src == 02:00:00:00:01:01'), ['v6']);
    // Without a tunnel the only layer is both the innermost and the outermost.
    assert.deepEqual(match('inner.ip.dst == 10.0.0.2'), ['udp']);
    assert.deepEqual(match('outer.ip.dst == 10.0.0.2'), ['udp']);
    // inner.ip is the innermost IPv4 header even when the outer header is IPv6.
    assert.deepEqual(match('inner.ip.src == 10.1.0.1 && outer.ipv6.src == fd00::1'), ['v6']);
    assert.deepEqual(match('inner.ip.dst == 172.20.2.30 && vxlan.vni == 100'), ['vx', 'nested']);
  });

  it('matches IPv4 CIDR prefixes with masks', () => {
    assert.deepEqual(match('ip.addr == 172.20.0.0/16'), ['vx', 'nested']);
    assert.deepEqual(match('ip.src == 10.0.0.0/8'), ['nested', 'udp', 'v6', 'out0', 'in1']);
    assert.deepEqual(match('ip.src == 10.0.0.0/30'), ['udp']);
    assert.deepEqual(match('ip.dst == 0.0.0.0/0'), WITH_IP);
    assert.deepEqual(match('ip.dst == 192.168.1.2/32'), ['vx', 'nested']);
    assert.deepEqual(match('ip.src != 10.0.0.0/8'), ['vx']);
    assert.deepEqual(match('ip.addr == 192.168.1.3/31'), ['vx', 'nested']);
    assert.deepEqual(match('inner.ip.src == 172.20.1.0/24'), ['vx', 'nested']);
    assert.deepEqual(match('ip.dst == 255.255.255.255/1'), ['vx', 'nested']);
  });

  it('matches IPv6 addresses and prefixes', () => {
    assert.deepEqual(match('ipv6.addr == fd00::/8'), ['v6']);
    assert.deepEqual(match('ipv6.src == fd00::1'), ['v6']);
    assert.deepEqual(match('ipv6.dst == fd00:0:0:0:0:0:0:2/128'), ['v6']);
    assert.deepEqual(match('ipv6.dst == fd00::3/127'), ['v6']);
    assert.deepEqual(match('ipv6.addr == fe80::/10'), []);
    assert.deepEqual(match('ipv6.src == ::ffff:10.0.0.1'), []);
    assert.deepEqual(match('ipv6.src > fd00::'), ['v6']);
  });

  it('matches MAC addresses in every notation', () => {
    assert.deepEqual(match('eth.src == 02:00:00:00:00:01'), ['vx', 'nested']);
    assert.deepEqual(match('eth.dst == 02-00-00-00-00-02'), ['vx', 'nested']);
    assert.deepEqual(match('eth.addr == 0200.0000.0002'), ['vx', 'nested']);
    assert.deepEqual(match('eth.src == 0A:00:00:00:00:05'), ['arp']);
    assert.deepEqual(match('eth.dst == ff:ff:ff:ff:ff:ff'), ['arp']);
    assert.deepEqual(match('eth.src#1 == 0a:00:00:00:00:01'), ['vx', 'nested']);
    assert.deepEqual(match('eth.addr in {aa:bb:cc:00:00:02, 0a:00:00:00:00:04}'), ['udp', 'v6']);
  });

  it('contains searches strings, byte strings, MAC addresses and protocols', () => {
    assert.deepEqual(match('frame contains "GET /index"'), ['vx']);
    assert.deepEqual(match('tcp.payload contains "index"'), ['vx']);
    assert.deepEqual(match('tcp.payload contains 47:45:54'), ['vx']);
    assert.deepEqual(match('tcp.payload contains 47.45.54'), ['vx']);
    assert.deepEqual(match('tcp.payload contains 0x47'), ['vx']);
    assert.deepEqual(match('tcp contains "HTTP/1.1"'), ['vx']);
    assert.deepEqual(match('eth.src contains 00:00:05'), ['arp']);
    assert.deepEqual(match('sll.ifname contains "eth"'), ['out0', 'in1']);
    assert.deepEqual(match('frame.interface_name contains th1'), ['in1']);
    assert.deepEqual(match('udp contains 1b:58:1b:58'), ['in1']);
  });

  it('matches uses regular expressions, case-insensitive unless (?-i)', () => {
    assert.deepEqual(match('sll.ifname matches "^ETH0$"'), ['out0']);
    assert.deepEqual(match('sll.ifname matches "(?-i)^ETH0$"'), []);
    assert.deepEqual(match('sll.ifname matches "(?i)eth[01]"'), ['out0', 'in1']);
    assert.deepEqual(match('sll.ifname ~ "1$"'), ['in1']);
    assert.deepEqual(match('frame matches "get /index\\\\.html"'), ['vx']);
    assert.deepEqual(match('frame.protocols matches "vxlan.*vxlan"'), ['nested']);
    assert.deepEqual(match(String.raw`frame.protocols matches r"^eth:ip(v6)?:udp:geneve\b"`), ['v6']);
  });

  it('in tests membership in sets and ranges', () => {
    assert.deepEqual(match('tcp.port in {80 443}'), ['vx', 'nested']);
    assert.deepEqual(match('tcp.port in {80, 22}'), ['vx']);
    assert.deepEqual(match('tcp.dstport in {440..450}'), ['nested']);
    assert.deepEqual(match('udp.dstport in {9999, 2000..2100}'), ['udp', 'v6']);
    assert.deepEqual(match('udp.port in {8000 .. 9000}'), ['vx', 'nested']);
    assert.deepEqual(match('ip.addr in {10.0.0.5, 172.20.0.0/16}'), ['vx', 'nested', 'out0', 'in1']);
    assert.deepEqual(match('ip.addr in {10.0.0.1..10.0.0.2}'), ['udp']);
    assert.deepEqual(match('sll.ifname in {"eth0" "lo"}'), ['out0']);
    assert.deepEqual(match('vxlan.vni in {100}'), ['vx', 'nested']);
    assert.deepEqual(match('frame.time_epoch in {1700000001 .. 1700000002}'), ['nested', 'udp']);
    // As tshark 4.0 reads it (checked with tshark): not (tcp.port in {80}), packets without TCP included.
    assert.deepEqual(match('tcp.port not in {80}'), except('vx'));
    assert.deepEqual(match('!(tcp.port in {80})'), except('vx'));
  });

  it('!, &&, || and xor combine tests with the usual precedence', () => {
    assert.deepEqual(match('!vxlan'), ['udp', 'v6', 'out0', 'in1', 'arp']);
    assert.deepEqual(match('not vxlan && !arp'), ['udp', 'v6', 'out0', 'in1']);
    assert.deepEqual(match('udp || tcp && geneve'), WITH_IP);
    assert.deepEqual(match('(udp || tcp) && geneve'), ['v6']);
    assert.deepEqual(match('arp || vxlan && tcp.flags.syn == 1'), ['vx', 'arp']);
    assert.deepEqual(match('(arp || vxlan) && tcp.flags.syn == 1'), ['vx']);
    assert.deepEqual(match('udp xor vxlan'), ['udp', 'v6', 'out0', 'in1']);
    assert.deepEqual(match('udp ^^ ip'), []);
    assert.deepEqual(match('!!vxlan'), ['vx', 'nested']);
  });

  it('a bare name tests presence', () => {
    assert.deepEqual(match('vxlan'), ['vx', 'nested']);
    assert.deepEqual(match('geneve'), ['v6']);
    assert.deepEqual(match('arp'), ['arp']);
    assert.deepEqual(match('sll2'), ['out0', 'in1']);
    assert.deepEqual(match('ipv6'), ['v6']);
    assert.deepEqual(match('ip.options'), []);
    // Presence, not value: every TCP header has the SYN bit field.
    assert.deepEqual(match('tcp.flags.syn'), ['vx', 'nested']);
  });

  it('compares booleans with 1/0 and true/false', () => {
    assert.deepEqual(match('tcp.flags.syn == 1'), ['vx']);
    assert.deepEqual(match('tcp.flags.syn == true'), ['vx']);
    assert.deepEqual(match('tcp.flags.syn == TRUE'), ['vx']);
    assert.deepEqual(match('tcp.flags.syn == 0'), ['nested']);
    assert.deepEqual(match('tcp.flags.syn == False'), ['nested']);
    assert.deepEqual(match('tcp.flags.ack != 1'), ['vx']);
    assert.deepEqual(match('tcp.flags & 0x02'), ['vx']);
    assert.deepEqual(match('tcp.flags bitwise_and 0x12'), ['vx', 'nested']);
  });

  it('compares numbers in decimal, hex, binary and by value name', () => {
    assert.deepEqual(match('vxlan.vni == 0x64'), ['vx', 'nested']);
    assert.deepEqual(match('vxlan.vni == 0b11001000'), ['nested']);
    assert.deepEqual(match('geneve.vni == 291'), ['v6']);
    assert.deepEqual(match('ip.ttl < 10'), ['udp']);
    assert.deepEqual(match('ip.ttl le 3'), ['udp']);
    assert.deepEqual(match('frame.number >= 6'), ['in1', 'arp']);
    assert.deepEqual(match('frame.len gt 130'), ['vx', 'nested']);
    assert.deepEqual(match('sll.pkttype == "Sent by us"'), ['out0']);
    assert.deepEqual(match('ip.proto == UDP && !vxlan && !geneve'), ['udp', 'out0', 'in1']);
    assert.deepEqual(match("frame.number == '\\x01'"), ['vx']);
  });

  it('compares times as seconds with a fraction', () => {
    assert.deepEqual(match('frame.time_epoch == 1700000001.5'), ['nested']);
    assert.deepEqual(match('frame.time_epoch > 1700000004'), ['in1', 'arp']);
    assert.deepEqual(match('frame.time_epoch >= 1700000004'), ['out0', 'in1', 'arp']);
    assert.deepEqual(match('frame.time_epoch < 1700000000.000000001'), ['vx']);
    assert.deepEqual(match('frame.time_epoch <= 1700000001.500000000'), ['vx', 'nested']);
  });

  it('selects what left through an interface (SLL2 -i any captures)', () => {
    assert.deepEqual(match('sll.ifname == "eth0" && sll.pkttype == 4'), ['out0']);
    assert.deepEqual(match('frame.interface_name == eth1'), ['in1']);
    assert.deepEqual(match('sll.pkttype == 0'), ['in1']);
  });

  it('compares a field with another field of the same type', () => {
    assert.deepEqual(match('udp.srcport == udp.dstport'), ['in1']);
    assert.deepEqual(match('udp.srcport > udp.dstport'), ['vx', 'nested', 'v6']);
    assert.deepEqual(match('ip.src#1 != ip.src#2'), ['vx', 'nested']);
    assert.deepEqual(match('inner.ip.dst == ip.dst#2'), ['vx']);
    assert.deepEqual(match('inner.eth.src === eth.src#2'), ['vx', 'v6']);
    assert.deepEqual(match('sll.ifname == frame.interface_name'), ['out0', 'in1']);
    // A word that names a field of another type is a literal where it can be one.
    assert.deepEqual(match('frame.interface_name == eth'), []);
  });

  it('checkFilter accepts valid filters', () => {
    assert.deepEqual(checkFilter('inner.ip.dst == 172.20.2.30 && vxlan.vni == 100', registry), { ok: true });
    assert.deepEqual(checkFilter('', registry), { ok: true });
  });

  it('rejects values of the wrong kind, naming the field and the expected type', () => {
    assert.deepEqual(compileError('ip.src == "foo"'), { message: 'ip.src is an IPv4 address; "foo" is not (column 11)', column: 11 });
    assert.deepEqual(compileError('ip.src == foo'), { message: 'ip.src is an IPv4 address; "foo" is not (column 11)', column: 11 });
    assert.deepEqual(compileError('ip.src == 10'), { message: 'ip.src is an IPv4 address; "10" is not (column 11)', column: 11 });
    assert.deepEqual(compileError('vxlan.vni == 1.5'), { message: 'vxlan.vni is an unsigned integer; "1.5" is not (column 14)', column: 14 });
    assert.deepEqual(compileError('vxlan.vni == -1'), { message: 'vxlan.vni is an unsigned integer; "-1" is not (column 14)', column: 14 });
    assert.deepEqual(compileError('tcp.flags.syn == maybe'), { message: 'tcp.flags.syn is a boolean; "maybe" is not (column 18)', column: 18 });
    assert.deepEqual(compileError('ipv6.src == 10.0.0.1'), { message: 'ipv6.src is an IPv6 address; "10.0.0.1" is not (column 13)', column: 13 });
    assert.deepEqual(compileError('tcp.payload contains GET'), { message: 'tcp.payload is a byte string; "GET" is not (column 22)', column: 22 });
    assert.deepEqual(compileError('frame.time_epoch > yesterday'), { message: 'frame.time_epoch is a time; "yesterday" is not (column 20)', column: 20 });
    assert.deepEqual(compileError('tcp.port in {80, 1..x}'), { message: 'tcp.port is an unsigned integer; "x" is not (column 21)', column: 21 });
    assert.deepEqual(compileError('ip.src == ipv6.src'), {
      message: 'cannot compare ip.src (an IPv4 address) with ipv6.src (an IPv6 address) at column 11',
      column: 11,
    });
  });

  it('rejects malformed addresses and byte strings', () => {
    assert.deepEqual(compileError('ip.src == 1.2.3.256'), { message: 'invalid IPv4 address "1.2.3.256" at column 11', column: 11 });
    assert.deepEqual(compileError('ip.src == 1.2.3'), { message: 'invalid IPv4 address "1.2.3" at column 11', column: 11 });
    assert.deepEqual(compileError('ip.addr == 10.0.0.0/33'), {
      message: 'invalid prefix length in "10.0.0.0/33" at column 12; expected /0 to /32',
      column: 12,
    });
    assert.deepEqual(compileError('ip.addr == 10.0.0.0/'), { message: 'invalid prefix length in "10.0.0.0/" at column 12; expected /0 to /32', column: 12 });
    assert.deepEqual(compileError('ip.addr == 10.0.0/8'), { message: 'invalid IPv4 address "10.0.0/8" at column 12', column: 12 });
    assert.deepEqual(compileError('ipv6.addr == fd00::/129'), {
      message: 'invalid prefix length in "fd00::/129" at column 14; expected /0 to /128',
      column: 14,
    });
    assert.deepEqual(compileError('ipv6.addr == 1:2:3:4:5:6:7:8:9'), { message: 'invalid IPv6 address "1:2:3:4:5:6:7:8:9" at column 14', column: 14 });
    assert.deepEqual(compileError('ipv6.addr == fd00:::1'), { message: 'invalid IPv6 address "fd00:::1" at column 14', column: 14 });
    assert.deepEqual(compileError('eth.src == aa:bb:cc:dd:ee'), {
      message: 'invalid MAC address "aa:bb:cc:dd:ee" at column 12; expected 6 bytes such as aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or aabb.ccdd.eeff',
      column: 12,
    });
    assert.deepEqual(compileError('eth.dst == aa:bb:cc:dd:ee:ff:00'), {
      message: 'invalid MAC address "aa:bb:cc:dd:ee:ff:00" at column 12; expected 6 bytes such as aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or aabb.ccdd.eeff',
      column: 12,
    });
    assert.deepEqual(compileError('tcp.payload == 4745:54'), {
      message: 'invalid byte string "4745:54" at column 16; expected hex bytes such as 0a:1b:2c',
      column: 16,
    });
  });

  it('rejects bad regular expressions', () => {
    assert.deepEqual(compileError('sll.ifname matches "eth("'), { message: 'invalid regular expression "eth(" at column 20: Unterminated group', column: 20 });
    assert.deepEqual(compileError('sll.ifname matches "[a-"'), {
      message: 'invalid regular expression "[a-" at column 20: Unterminated character class',
      column: 20,
    });
    assert.deepEqual(compileError('sll.ifname ~ "(?x)a b"'), {
      message: 'invalid regular expression "(?x)a b" at column 14: unsupported option "x" in "(?x)"',
      column: 14,
    });
  });

  it('slices only what has bytes', () => {
    assert.deepEqual(compileError('ip.len[0] == 00'), { message: 'ip.len is an unsigned integer and cannot be sliced into bytes (column 1)', column: 1 });
    assert.deepEqual(compileError('tcp.flags.syn[0] == 01'), { message: 'tcp.flags.syn is a boolean and cannot be sliced into bytes (column 1)', column: 1 });
    assert.deepEqual(compileError('eth.src[0:3] == xyz'), { message: 'eth.src[0:3] is a byte string; "xyz" is not (column 17)', column: 17 });
    assert.deepEqual(compileError('eth.src[0:3] == ip.src'), {
      message: 'cannot compare eth.src[0:3] (a byte string) with ip.src (an IPv4 address) at column 17',
      column: 17,
    });
  });

  it('rejects operators the field type does not support', () => {
    assert.deepEqual(compileError('ip.src contains 1'), { message: '"contains" cannot be used with ip.src, which is an IPv4 address (column 8)', column: 8 });
    assert.deepEqual(compileError('tcp.flags.syn > 0'), { message: '">" cannot be used with tcp.flags.syn, which is a boolean (column 15)', column: 15 });
    assert.deepEqual(compileError('vxlan.vni matches "1"'), {
      message: '"matches" cannot be used with vxlan.vni, which is an unsigned integer (column 11)',
      column: 11,
    });
    assert.deepEqual(compileError('sll.ifname & 1'), { message: '"&" cannot be used with sll.ifname, which is a string (column 12)', column: 12 });
    assert.deepEqual(compileError('tcp.flags.syn in {0..1}'), {
      message: '".." cannot be used with tcp.flags.syn, which is a boolean (column 19)',
      column: 19,
    });
    assert.deepEqual(compileError('ip.src > 10.0.0.0/8'), {
      message: 'the prefix "10.0.0.0/8" at column 10 can only be compared with == or != or used in a set',
      column: 10,
    });
  });

  it('reports parse errors through checkFilter and compileFilter alike', () => {
    assert.deepEqual(compileError('vxlan.vid == 100'), { message: 'unknown field "vxlan.vid" at column 1; did you mean vxlan.vni?', column: 1 });
    assert.deepEqual(compileError('ip.src =='), { message: 'expected a value after "==" at column 10', column: 10 });
    assert.deepEqual(compileError('(vxlan'), { message: 'unbalanced parentheses: "(" at column 1 is never closed', column: 1 });
    assert.deepEqual(compileError('tcp.port in 80'), {
      message: 'expected "{" after "in" at column 13; write a set as {80, 443} or {8000..8080}',
      column: 13,
    });
  });
});
