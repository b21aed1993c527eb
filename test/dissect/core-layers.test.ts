// Per-layer tests of the core dissectors with frames made by the packet builder: the layer
// stack, concrete field values, notes, the packet-list summary and the detail tree text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { formatValue } from '../../src/dissect/format.js';
import { parseDecodeAs, type Registry } from '../../src/dissect/registry.js';
import { summarize } from '../../src/dissect/summary.js';
import { buildTree, treeText } from '../../src/dissect/tree.js';
import type { FieldValue, FrameMeta, Packet } from '../../src/dissect/types.js';
import { fieldOccurrences } from '../../src/dissect/values.js';
import { VxError } from '../../src/errors.js';
import {
  be16,
  concat,
  ETH_ARP,
  ETH_IPV4,
  ETH_IPV6,
  ethernet,
  filler,
  geneve,
  geneveFrame,
  icmpEcho,
  innerFrame,
  ipv4,
  ipv6,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  PORT_GENEVE,
  PORT_VXLAN,
  PORT_VXLAN_LINUX,
  sll,
  sll2,
  tcp,
  udp,
  udpTunnel,
  vxlan,
  vxlanFrame,
} from '../fixtures/packet-builder.js';
import { INNER, OUTER } from '../helpers/built-frames.js';

const registry = createRegistry();

function meta(data: Uint8Array, o: Partial<FrameMeta> = {}): FrameMeta {
  return { number: 1, sec: 1_700_000_000, nsec: 0, capLen: data.length, origLen: data.length, linkType: LINKTYPE_ETHERNET, interfaceId: 0, direction: 0, ...o };
}

function dis(data: Uint8Array, o: Partial<FrameMeta> = {}, r: Registry = registry): Packet {
  return dissect(data, meta(data, o), r);
}

const stack = (p: Packet): string => p.layers.map((l) => l.proto).join(':');

/** A field's values as -T fields prints them. */
function val(p: Packet, name: string, r: Registry = registry): string[] {
  const defs = r.field(name);
  assert.ok(defs, `field ${name} is not registered`);
  return fieldOccurrences(p, defs).map((o) => formatValue(o.def, o.value));
}

function raw(p: Packet, name: string): FieldValue[] {
  return fieldOccurrences(p, registry.field(name)!).map((o) => o.value);
}

const notes = (p: Packet): string[] => p.notes.map((n) => `${n.severity}: ${n.message}`);
const tree = (p: Packet): string[] => treeText(buildTree(p, registry));

function hasLines(text: string[], expected: string[]): void {
  for (const line of expected) assert.ok(text.includes(line), `tree lacks ${JSON.stringify(line)}:\n${text.join('\n')}`);
}

const IP4 = { src: INNER.src, dst: INNER.dst };
const ETH = { src: INNER.srcMac, dst: INNER.dstMac };
const udpIn = (payload = filler(12), ports = { srcPort: 40000, dstPort: 9000 }): Uint8Array => udp(ports, payload, IP4);
const ip4udp = (payload = filler(12), o: Partial<Parameters<typeof ipv4>[0]> = {}): Uint8Array => ipv4({ ...IP4, proto: IPPROTO_UDP, ...o }, udpIn(payload));
const syn = (): Uint8Array =>
  tcp({ srcPort: 43512, dstPort: 80, seq: 1000, flags: 'S', mss: 1410, sackPerm: true, timestamps: [123456, 0], wscale: 7 }, new Uint8Array(0), IP4);
const vxlanTcp = (): Uint8Array => vxlanFrame({ outer: OUTER, vni: 42, inner: INNER }, { proto: IPPROTO_TCP, bytes: syn() });

describe('frame', () => {
  it('keeps the frame layer for a 0-byte record', () => {
    const p = dis(new Uint8Array(0), { origLen: 60 });
    assert.equal(stack(p), 'frame');
    const s = summarize(p, registry);
    assert.deepEqual([s.protocol, s.source, s.info, s.length], ['Frame', '', '', 60]);
    assert.equal(tree(p)[0], 'Frame 1: 60 bytes on wire, 0 bytes captured');
  });
});

describe('Ethernet and VLAN', () => {
  it('decodes Ethernet II', () => {
    const p = dis(ethernet({ ...ETH, type: ETH_IPV4 }, ip4udp()));
    assert.equal(stack(p), 'frame:eth:ip:udp:data');
    assert.deepEqual(val(p, 'eth.src'), ['0a:58:ac:14:00:0a']);
    assert.deepEqual(val(p, 'eth.dst'), ['0a:58:ac:14:02:1e']);
    assert.deepEqual(val(p, 'eth.type'), ['0x0800']);
    assert.deepEqual(val(p, 'eth.addr'), ['0a:58:ac:14:02:1e', '0a:58:ac:14:00:0a']);
    assert.deepEqual(p.notes, []);
    hasLines(tree(p), ['Ethernet II, Src: 0a:58:ac:14:00:0a, Dst: 0a:58:ac:14:02:1e', '    Type: IPv4 (0x0800)']);
  });

  it('decodes an 802.1Q tag', () => {
    const p = dis(ethernet({ ...ETH, type: ETH_IPV4, vlan: [(3 << 13) | 0x1000 | 100] }, ip4udp()));
    assert.equal(stack(p), 'frame:eth:vlan:ip:udp:data');
    assert.deepEqual(val(p, 'eth.type'), ['0x8100']);
    assert.deepEqual(val(p, 'vlan.id'), ['100']);
    assert.deepEqual(val(p, 'vlan.priority'), ['3']);
    assert.deepEqual(val(p, 'vlan.dei'), ['1']);
    assert.deepEqual(val(p, 'vlan.etype'), ['0x0800']);
    assert.deepEqual([p.layers[2]!.start, p.layers[2]!.payload, p.layers[3]!.start], [14, 18, 18]);
    hasLines(tree(p), ['802.1Q Virtual LAN, PRI: 3, ID: 100', '    ID: 100', '    Type: IPv4 (0x0800)']);
  });

  it('decodes stacked QinQ tags, outer first', () => {
    const p = dis(ethernet({ ...ETH, type: ETH_IPV6, vlan: [10, 20], qinq: true }, ipv6({ src: 'fd00::1', dst: 'fd00::2', next: IPPROTO_UDP }, udpIn())));
    assert.equal(stack(p), 'frame:eth:vlan:vlan:ipv6:udp:data');
    assert.deepEqual(val(p, 'eth.type'), ['0x88a8']);
    assert.deepEqual(val(p, 'vlan.id'), ['10', '20']);
    assert.deepEqual(val(p, 'vlan.etype'), ['0x8100', '0x86dd']);
    assert.deepEqual(val(p, 'ipv6.src'), ['fd00::1']);
  });

  it('leaves an 802.3 length frame as data of that length', () => {
    const p = dis(ethernet({ ...ETH, type: 46 }, filler(50)));
    assert.equal(stack(p), 'frame:eth:data');
    assert.deepEqual([p.layers[2]!.start, p.layers[2]!.end], [14, 60]);
  });

  it('reports a truncated header as malformed, or as cut by the snaplen', () => {
    const short = ethernet({ ...ETH, type: ETH_IPV4 }, new Uint8Array(0)).subarray(0, 10);
    const p = dis(short);
    assert.equal(stack(p), 'frame:eth');
    assert.equal(p.layers[1]!.malformed, 'Ethernet header truncated');
    assert.deepEqual(notes(p), ['error: [Malformed: Ethernet header truncated]']);
    assert.deepEqual(val(p, 'eth.src'), [], 'no value from bytes that are not there');
    const snapped = dis(short, { origLen: 100 });
    assert.deepEqual(notes(snapped), ['warning: [Packet size limited during capture: Ethernet truncated]']);
    // Only what the 10 bytes hold: the destination, not the source or the type.
    const text = tree(p);
    hasLines(text, ['Ethernet II', '    Destination: 0a:58:ac:14:02:1e', '    [Malformed: Ethernet header truncated]']);
    assert.ok(!text.some((l) => l.includes('Source') || l.includes('Type')), text.join('\n'));
  });
});

describe('Linux cooked captures', () => {
  it('decodes SLL (v1)', () => {
    const p = dis(sll({ pktType: 4, addr: '02:00:00:00:00:01', protocol: ETH_IPV4 }, ip4udp()), { linkType: LINKTYPE_LINUX_SLL });
    assert.equal(stack(p), 'frame:sll:ip:udp:data');
    assert.deepEqual(val(p, 'sll.pkttype'), ['4']);
    assert.deepEqual(val(p, 'sll.hatype'), ['1']);
    assert.deepEqual(val(p, 'sll.halen'), ['6']);
    assert.deepEqual(val(p, 'sll.src.eth'), ['02:00:00:00:00:01']);
    assert.deepEqual(val(p, 'sll.etype'), ['0x0800']);
    assert.deepEqual(val(p, 'sll.ifindex'), [], 'SLL v1 records no interface index');
    assert.equal(summarize(p, registry).direction, 'Out');
    hasLines(tree(p), ['Linux cooked capture v1, Out', '    Packet type: Sent by us (4)']);
  });

  it('follows the ARPHRD type: GRE tunnels carry an ethertype, netlink does not', () => {
    const gre = dis(sll({ pktType: 0, arphrd: 778, protocol: ETH_IPV6 }, ipv6({ src: 'fe80::1', dst: 'ff02::1', next: IPPROTO_UDP }, udpIn())), {
      linkType: LINKTYPE_LINUX_SLL,
    });
    assert.equal(stack(gre), 'frame:sll:ipv6:udp:data');
    assert.deepEqual(val(gre, 'sll.halen'), ['0']);
    assert.deepEqual(val(gre, 'sll.src.eth'), []);
    const netlink = dis(sll({ pktType: 4, arphrd: 824, protocol: ETH_IPV4 }, ip4udp()), { linkType: LINKTYPE_LINUX_SLL });
    assert.equal(stack(netlink), 'frame:sll:data');
  });

  it('decodes SLL2 with its interface index', () => {
    const bytes = sll2({ protocol: ETH_IPV4, ifindex: 3, pktType: 0, addr: '02:00:00:00:00:02' }, ip4udp());
    const p = dis(bytes, { linkType: LINKTYPE_LINUX_SLL2 });
    assert.equal(stack(p), 'frame:sll2:ip:udp:data');
    assert.deepEqual(val(p, 'sll.etype'), ['0x0800']);
    assert.deepEqual(val(p, 'sll.ifindex'), ['3']);
    assert.deepEqual(val(p, 'sll.hatype'), ['1']);
    assert.deepEqual(val(p, 'sll.pkttype'), ['0']);
    assert.deepEqual(val(p, 'sll.halen'), ['6']);
    assert.deepEqual(val(p, 'sll.src.eth'), ['02:00:00:00:00:02']);
    assert.equal(summarize(p, registry).direction, 'In');
    hasLines(tree(p), ['Linux cooked capture v2, In on if3', '    Interface index: 3']);
    const named = dis(bytes, { linkType: LINKTYPE_LINUX_SLL2, interfaceName: 'eth1' });
    hasLines(tree(named), ['Linux cooked capture v2, In on eth1']);
    assert.equal(summarize(named, registry).interfaceName, 'eth1');
  });
});

describe('IPv4', () => {
  it('decodes the header fields and a good checksum', () => {
    const p = dis(ethernet({ ...ETH, type: ETH_IPV4 }, ip4udp(filler(12), { ttl: 63, id: 0x1234, df: true, tos: 0xb9 })));
    assert.deepEqual(val(p, 'ip.version'), ['4']);
    assert.deepEqual(val(p, 'ip.hdr_len'), ['20']);
    assert.deepEqual(val(p, 'ip.dsfield'), ['0xb9']);
    assert.deepEqual(val(p, 'ip.dsfield.dscp'), ['46']);
    assert.deepEqual(val(p, 'ip.dsfield.ecn'), ['1']);
    assert.deepEqual(val(p, 'ip.len'), ['40']);
    assert.deepEqual(val(p, 'ip.id'), ['0x1234']);
    assert.deepEqual(val(p, 'ip.flags'), ['0x02']);
    assert.deepEqual(raw(p, 'ip.flags.df'), [true]);
    assert.deepEqual(raw(p, 'ip.flags.mf'), [false]);
    assert.deepEqual(val(p, 'ip.frag_offset'), ['0']);
    assert.deepEqual(val(p, 'ip.ttl'), ['63']);
    assert.deepEqual(val(p, 'ip.proto'), ['17']);
    assert.deepEqual(val(p, 'ip.checksum.status'), ['1']);
    assert.deepEqual(val(p, 'ip.src'), ['172.20.0.10']);
    assert.deepEqual(val(p, 'ip.dst'), ['172.20.2.30']);
    assert.deepEqual(val(p, 'ip.addr'), ['172.20.0.10', '172.20.2.30']);
    hasLines(tree(p), [
      'Internet Protocol Version 4, Src: 172.20.0.10, Dst: 172.20.2.30',
      '    Flags: 0x02',
      "        Don't fragment: Set",
      '        More fragments: Not set',
      '    Protocol: UDP (17)',
      '        Header checksum status: Good (1)',
    ]);
  });

  it('reports a bad checksum', () => {
    const bytes = ethernet({ ...ETH, type: ETH_IPV4 }, ip4udp());
    bytes[14 + 11]! ^= 0xff;
    const p = dis(bytes);
    assert.deepEqual(val(p, 'ip.checksum.status'), ['0']);
    hasLines(tree(p), ['        Header checksum status: Bad (0)']);
    assert.equal(stack(p), 'frame:eth:ip:udp:data', 'a bad checksum does not stop dissection');
  });

  it('skips options to find the payload', () => {
    const p = dis(ethernet({ ...ETH, type: ETH_IPV4 }, ip4udp(filler(4), { options: Uint8Array.of(0x94, 0x04, 0x00, 0x00) })));
    assert.deepEqual(val(p, 'ip.hdr_len'), ['24']);
    assert.deepEqual(val(p, 'ip.options'), ['94:04:00:00']);
    assert.deepEqual(val(p, 'ip.checksum.status'), ['1']);
    assert.equal(stack(p), 'frame:eth:ip:udp:data');
    assert.equal(p.layers[3]!.start, 14 + 24);
    assert.deepEqual(val(p, 'udp.dstport'), ['9000']);
  });

  it('decodes the first fragment and leaves later ones as data', () => {
    const first = dis(ethernet({ ...ETH, type: ETH_IPV4 }, ip4udp(filler(12), { mf: true, id: 0x4242 })));
    assert.equal(stack(first), 'frame:eth:ip:udp:data');
    assert.deepEqual(notes(first), ['note: [IPv4 fragment: first of a fragmented datagram, ID 0x4242]']);
    const later = dis(ethernet({ ...ETH, type: ETH_IPV4 }, ipv4({ ...IP4, proto: IPPROTO_UDP, fragOffset: 185, id: 0x4242 }, filler(64))));
    assert.equal(stack(later), 'frame:eth:ip:data');
    assert.deepEqual(val(later, 'ip.frag_offset'), ['1480']);
    assert.deepEqual(val(later, 'ip.flags'), ['0x00']);
    assert.equal(summarize(later, registry).info, 'Fragmented IP protocol (proto=UDP 17, off=1480, ID=4242)');
  });

  it('takes the captured length when the total length is 0 (segmentation offload)', () => {
    const bytes = ethernet({ ...ETH, type: ETH_IPV4 }, ip4udp(filler(12), { totalLength: 0 }));
    const p = dis(bytes);
    assert.deepEqual(val(p, 'ip.len'), ['0']);
    assert.deepEqual(notes(p), ['note: [IPv4 total length 0: assumed segmentation offload (TSO/BIG TCP)]']);
    assert.equal(stack(p), 'frame:eth:ip:udp:data');
    assert.equal(p.layers[2]!.end, bytes.length);
    assert.equal(summarize(p, registry).expert, undefined, 'a note is not an expert warning');
  });

  it('ends the datagram at its total length (Ethernet padding is not payload)', () => {
    const bytes = ethernet({ ...ETH, type: ETH_IPV4, pad: true }, ip4udp(filler(2)));
    assert.equal(bytes.length, 60);
    const p = dis(bytes);
    assert.deepEqual([p.layers[2]!.end, p.layers[3]!.end], [14 + 30, 14 + 30]);
    assert.deepEqual(val(p, 'udp.length'), ['10']);
  });

  it('rejects impossible lengths', () => {
    const smallIhl = ethernet({ ...ETH, type: ETH_IPV4 }, ip4udp());
    smallIhl[14] = 0x44;
    const p = dis(smallIhl);
    assert.equal(stack(p), 'frame:eth:ip');
    assert.deepEqual(notes(p), ['error: [Malformed: Bogus IP header length (16, must be at least 20)]']);
    const smallTotal = dis(ethernet({ ...ETH, type: ETH_IPV4 }, ip4udp(filler(12), { totalLength: 12 })));
    assert.deepEqual(notes(smallTotal), ['error: [Malformed: Bogus IP length (12, less than header length 20)]']);
    assert.equal(summarize(smallTotal, registry).expert, '[Malformed: Bogus IP length (12, less than header length 20)]');
  });

  it('shows no value for fields of a truncated header', () => {
    const p = dis(ethernet({ ...ETH, type: ETH_IPV4 }, ip4udp()).subarray(0, 14 + 10));
    assert.equal(p.layers[2]!.malformed, 'IPv4 header truncated');
    // Bytes 0-9 are there (up to the protocol); the checksum and the addresses are not.
    assert.deepEqual(val(p, 'ip.len'), ['40']);
    assert.deepEqual(val(p, 'ip.frag_offset'), ['0']);
    assert.deepEqual(val(p, 'ip.ttl'), ['64']);
    assert.deepEqual(val(p, 'ip.proto'), ['17']);
    assert.deepEqual(val(p, 'ip.checksum'), []);
    assert.deepEqual(val(p, 'ip.checksum.status'), []);
    assert.deepEqual(val(p, 'ip.src'), []);
    assert.deepEqual(val(p, 'ip.addr'), []);
    const cut = dis(ethernet({ ...ETH, type: ETH_IPV4 }, ip4udp()).subarray(0, 14 + 7));
    assert.deepEqual(val(cut, 'ip.frag_offset'), [], 'the fragment word is only half there');
    assert.deepEqual(val(cut, 'ip.ttl'), []);
    assert.deepEqual(
      tree(p).filter((l) => l.startsWith('Internet')),
      ['Internet Protocol Version 4'],
    );
  });
});

describe('IPv6', () => {
  it('decodes the header', () => {
    const bytes = ethernet(
      { ...ETH, type: ETH_IPV6 },
      ipv6({ src: 'fd00:172:20::a', dst: 'fd00:172:20:2::1e', next: IPPROTO_UDP, hopLimit: 63, trafficClass: 0xb8, flowLabel: 0x12345 }, udpIn(filler(4))),
    );
    const p = dis(bytes);
    assert.equal(stack(p), 'frame:eth:ipv6:udp:data');
    assert.deepEqual(val(p, 'ipv6.version'), ['6']);
    assert.deepEqual(val(p, 'ipv6.tclass'), ['0x000000b8']);
    assert.deepEqual(val(p, 'ipv6.flow'), ['0x012345']);
    assert.deepEqual(val(p, 'ipv6.plen'), ['12']);
    assert.deepEqual(val(p, 'ipv6.nxt'), ['17']);
    assert.deepEqual(val(p, 'ipv6.hlim'), ['63']);
    assert.deepEqual(val(p, 'ipv6.src'), ['fd00:172:20::a']);
    assert.deepEqual(val(p, 'ipv6.dst'), ['fd00:172:20:2::1e']);
    assert.deepEqual(val(p, 'ipv6.addr'), ['fd00:172:20::a', 'fd00:172:20:2::1e']);
    hasLines(tree(p), ['Internet Protocol Version 6, Src: fd00:172:20::a, Dst: fd00:172:20:2::1e', '    Next Header: UDP (17)']);
    assert.deepEqual([summarize(p, registry).source, summarize(p, registry).destination], ['fd00:172:20::a', 'fd00:172:20:2::1e']);
  });

  it('shows no addresses from a truncated header', () => {
    const bytes = ethernet({ ...ETH, type: ETH_IPV6 }, ipv6({ src: 'fd00::1', dst: 'fd00::2', next: IPPROTO_UDP }, udpIn()));
    const p = dis(bytes.subarray(0, 14 + 30));
    assert.equal(p.layers[2]!.malformed, 'IPv6 header truncated');
    assert.deepEqual(val(p, 'ipv6.src'), ['fd00::1'], 'bytes 8-23 are there');
    assert.deepEqual(val(p, 'ipv6.dst'), []);
    assert.deepEqual(val(p, 'ipv6.addr'), [], 'not "::" from missing bytes');
    assert.deepEqual(val(p, 'ipv6.hlim'), ['64']);
  });

  it('notes a payload length of 0 and trims to a shorter one', () => {
    const zero = dis(ethernet({ ...ETH, type: ETH_IPV6 }, ipv6({ src: 'fd00::1', dst: 'fd00::2', next: IPPROTO_UDP, payloadLength: 0 }, udpIn())));
    assert.deepEqual(notes(zero), ['note: [IPv6 payload length 0: jumbogram or segmentation offload (BIG TCP)]']);
    assert.equal(stack(zero), 'frame:eth:ipv6:udp:data');
    const padded = concat(ethernet({ ...ETH, type: ETH_IPV6 }, ipv6({ src: 'fd00::1', dst: 'fd00::2', next: IPPROTO_UDP }, udpIn(filler(2)))), filler(6));
    const p = dis(padded);
    assert.equal(p.layers[2]!.end, 14 + 40 + 10);
  });
});

describe('UDP', () => {
  it('decodes ports, length, checksum and payload', () => {
    const p = dis(ethernet({ ...ETH, type: ETH_IPV4 }, ip4udp(filler(5))));
    assert.deepEqual(val(p, 'udp.srcport'), ['40000']);
    assert.deepEqual(val(p, 'udp.dstport'), ['9000']);
    assert.deepEqual(val(p, 'udp.port'), ['40000', '9000']);
    assert.deepEqual(val(p, 'udp.length'), ['13']);
    assert.match(val(p, 'udp.checksum')[0]!, /^0x[0-9a-f]{4}$/);
    assert.deepEqual(val(p, 'udp.payload'), ['00:01:02:03:04']);
    assert.equal(summarize(p, registry).info, '40000 → 9000 Len=5');
    assert.equal(summarize(p, registry).protocol, 'UDP');
    hasLines(tree(p), ['User Datagram Protocol, Src Port: 40000, Dst Port: 9000', '    Length: 13']);
  });

  it('flags a length below 8', () => {
    const bytes = ethernet({ ...ETH, type: ETH_IPV4 }, ip4udp(filler(4)));
    bytes[14 + 20 + 4] = 0;
    bytes[14 + 20 + 5] = 5;
    assert.deepEqual(notes(dis(bytes)), ['error: [Malformed: Bad length value 5 < 8]']);
  });
});

describe('TCP', () => {
  it('says [<None>] in Info for a segment without flags, as tshark does', () => {
    const none = tcp({ srcPort: 43512, dstPort: 80, seq: 7, flags: '' }, new Uint8Array(0), IP4);
    const p = dis(ethernet({ ...ETH, type: ETH_IPV4 }, ipv4({ ...IP4, proto: IPPROTO_TCP }, none)));
    assert.deepEqual(val(p, 'tcp.flags'), ['0x0000']);
    assert.match(summarize(p, registry).info, /^43512 → 80 \[<None>\] Seq=7 /);
  });

  it('decodes flags and SYN options', () => {
    const p = dis(ethernet({ ...ETH, type: ETH_IPV4 }, ipv4({ ...IP4, proto: IPPROTO_TCP }, syn())));
    assert.equal(stack(p), 'frame:eth:ip:tcp');
    assert.deepEqual(val(p, 'tcp.srcport'), ['43512']);
    assert.deepEqual(val(p, 'tcp.dstport'), ['80']);
    assert.deepEqual(val(p, 'tcp.seq'), ['1000']);
    assert.deepEqual(val(p, 'tcp.hdr_len'), ['40']);
    assert.deepEqual(val(p, 'tcp.flags'), ['0x0002']);
    assert.deepEqual(raw(p, 'tcp.flags.syn'), [true]);
    assert.deepEqual(raw(p, 'tcp.flags.ack'), [false]);
    assert.deepEqual(val(p, 'tcp.options.mss_val'), ['1410']);
    assert.deepEqual(val(p, 'tcp.options.wscale.shift'), ['7']);
    assert.deepEqual(raw(p, 'tcp.options.sack_perm'), [true]);
    assert.deepEqual(val(p, 'tcp.options.timestamp.tsval'), ['123456']);
    assert.deepEqual(val(p, 'tcp.options.timestamp.tsecr'), ['0']);
    assert.deepEqual(val(p, 'tcp.len'), ['0']);
    assert.equal(summarize(p, registry).info, '43512 → 80 [SYN] Seq=1000 Win=64240 Len=0 MSS=1410');
    hasLines(tree(p), [
      'Transmission Control Protocol, Src Port: 43512, Dst Port: 80, Seq: 1000, Len: 0',
      '    Flags: 0x002',
      '        Syn: Set',
      '        Acknowledgment: Not set',
      '    MSS Value: 1410',
    ]);
  });

  it('counts the segment length and shows every flag set', () => {
    const seg = tcp({ srcPort: 80, dstPort: 43512, seq: 7, ack: 1001, flags: 'FPAU', window: 500, urgent: 3 }, filler(5), IP4);
    const p = dis(ethernet({ ...ETH, type: ETH_IPV4 }, ipv4({ ...IP4, proto: IPPROTO_TCP }, seg)));
    assert.deepEqual(val(p, 'tcp.flags'), ['0x0039']);
    assert.deepEqual(
      ['fin', 'push', 'ack', 'urg', 'syn', 'reset'].map((f) => raw(p, `tcp.flags.${f}`)[0]),
      [true, true, true, true, false, false],
    );
    assert.deepEqual(val(p, 'tcp.len'), ['5']);
    assert.deepEqual(val(p, 'tcp.hdr_len'), ['20']);
    assert.deepEqual(val(p, 'tcp.options.mss_val'), []);
    assert.deepEqual(val(p, 'tcp.urgent_pointer'), ['3']);
    assert.equal(summarize(p, registry).info, '80 → 43512 [FIN, PSH, ACK, URG] Seq=7 Ack=1001 Win=500 Len=5');
  });

  it('shows only what a truncated header holds', () => {
    const full = ethernet({ ...ETH, type: ETH_IPV4 }, ipv4({ ...IP4, proto: IPPROTO_TCP, totalLength: 60 }, syn()));
    const p = dis(full.subarray(0, 14 + 20 + 10), { origLen: full.length });
    assert.equal(stack(p), 'frame:eth:ip:tcp');
    assert.deepEqual(notes(p), ['warning: [Packet size limited during capture: TCP truncated]']);
    assert.deepEqual(val(p, 'tcp.srcport'), ['43512']);
    assert.deepEqual(val(p, 'tcp.port'), ['43512', '80']);
    assert.deepEqual(val(p, 'tcp.seq'), ['1000']);
    assert.deepEqual(val(p, 'tcp.hdr_len'), []);
    assert.deepEqual(val(p, 'tcp.flags'), []);
    assert.deepEqual(val(p, 'tcp.options.mss_val'), []);
    assert.equal(tree(p).filter((l) => l.startsWith('Transmission'))[0], 'Transmission Control Protocol');
    const two = dis(full.subarray(0, 14 + 20 + 2), { origLen: full.length });
    assert.deepEqual(val(two, 'tcp.port'), []);
    assert.equal(summarize(two, registry).info, 'IPv4 protocol 6 [|tcp]');
  });

  it('rejects a header length below 20', () => {
    const bytes = ethernet({ ...ETH, type: ETH_IPV4 }, ipv4({ ...IP4, proto: IPPROTO_TCP }, syn()));
    bytes[14 + 20 + 12] = 0x40;
    const p = dis(bytes);
    assert.deepEqual(notes(p), ['error: [Malformed: Bogus TCP header length (16, must be at least 20)]']);
  });
});

describe('VXLAN', () => {
  it('decodes UDP 8472 as VXLAN by default, with the inner frame one tunnel deep', () => {
    const p = dis(vxlanTcp());
    assert.equal(stack(p), 'frame:eth:ip:udp:vxlan:eth:ip:tcp');
    assert.deepEqual(
      p.layers.map((l) => l.depth),
      [0, 0, 0, 0, 0, 1, 1, 1],
    );
    assert.deepEqual(val(p, 'udp.dstport'), ['8472']);
    assert.deepEqual(val(p, 'vxlan.flags'), ['0x0800']);
    assert.deepEqual(raw(p, 'vxlan.flag_i'), [true]);
    assert.deepEqual(raw(p, 'vxlan.flag_g'), [false]);
    assert.deepEqual(val(p, 'vxlan.flags_reserved'), ['0x0000']);
    assert.deepEqual(val(p, 'vxlan.gbp'), ['0']);
    assert.deepEqual(val(p, 'vxlan.vni'), ['42']);
    assert.deepEqual(val(p, 'vxlan.reserved8'), ['0']);
    assert.deepEqual(val(p, 'ip.src'), ['192.168.10.100', '172.20.0.10']);
    assert.deepEqual(val(p, 'eth.src'), ['02:00:c0:a8:0a:64', '0a:58:ac:14:00:0a']);
    assert.deepEqual(p.notes, []);
  });

  it('decodes the Group Policy extension', () => {
    const frame = udpTunnel(
      OUTER,
      PORT_VXLAN,
      50000,
      vxlan({ vni: 5, gbp: { groupId: 0x1234, dontLearn: true, policyApplied: true } }, innerFrame(INNER, { proto: IPPROTO_UDP, bytes: udpIn() })),
    );
    const p = dis(frame);
    assert.equal(stack(p), 'frame:eth:ip:udp:vxlan:eth:ip:udp:data');
    assert.deepEqual(val(p, 'vxlan.flags'), ['0x8848']);
    assert.deepEqual(
      ['flag_g', 'flag_i', 'flag_d', 'flag_a'].map((f) => raw(p, `vxlan.${f}`)[0]),
      [true, true, true, true],
    );
    assert.deepEqual(val(p, 'vxlan.gbp'), ['4660']);
    assert.deepEqual(val(p, 'vxlan.flags_reserved'), ['0x0000']);
    assert.deepEqual(p.notes, []);
  });

  it('warns when the I flag is clear and notes reserved bits', () => {
    const inner = innerFrame(INNER, { proto: IPPROTO_UDP, bytes: udpIn() });
    const noI = dis(udpTunnel(OUTER, PORT_VXLAN_LINUX, 50000, vxlan({ vni: 5, flags: 0x00 }, inner)));
    assert.deepEqual(notes(noI), ['warning: [VXLAN I flag not set: the VNI is not valid]']);
    assert.equal(summarize(noI, registry).expert, '[VXLAN I flag not set: the VNI is not valid]');
    assert.equal(stack(noI), 'frame:eth:ip:udp:vxlan:eth:ip:udp:data', 'the payload is still decoded');
    const reserved = dis(udpTunnel(OUTER, PORT_VXLAN_LINUX, 50000, vxlan({ vni: 5, flags: 0x0c }, inner)));
    assert.deepEqual(val(reserved, 'vxlan.flags_reserved'), ['0x0400']);
    assert.deepEqual(notes(reserved), ['note: [VXLAN reserved flag bits set: 0x0400]']);
  });

  it('decodes UDP 4789 as VXLAN too, and a tunnel port on either side', () => {
    const inner = innerFrame(INNER, { proto: IPPROTO_UDP, bytes: udpIn() });
    assert.equal(stack(dis(udpTunnel(OUTER, PORT_VXLAN, 50000, vxlan({ vni: 1 }, inner)))), 'frame:eth:ip:udp:vxlan:eth:ip:udp:data');
    const reply = udpTunnel({ ...OUTER, srcPort: PORT_VXLAN_LINUX, dstPort: 51000 }, 0, 0, vxlan({ vni: 1, flags: 0x0c }, inner));
    assert.equal(stack(dis(reply, {}, createRegistry({ heuristics: false }))), 'frame:eth:ip:udp:vxlan:eth:ip:udp:data');
  });
});

describe('GENEVE', () => {
  const options = [
    { cls: 0x0104, type: 0x80, data: filler(8) },
    { cls: 0x0132, type: 0x01, data: filler(4, 0xa0) },
  ];

  it('decodes UDP 6081 as GENEVE with options and the critical flag', () => {
    const p = dis(geneveFrame({ outer: OUTER, vni: 0x1389, inner: INNER, options }, { proto: IPPROTO_TCP, bytes: syn() }));
    assert.equal(stack(p), 'frame:eth:ip:udp:geneve:eth:ip:tcp');
    assert.deepEqual(val(p, 'geneve.version'), ['0']);
    assert.deepEqual(val(p, 'geneve.vni'), ['0x001389']);
    assert.deepEqual(val(p, 'geneve.proto_type'), ['0x6558']);
    assert.deepEqual(val(p, 'geneve.flags'), ['0x40']);
    assert.deepEqual(raw(p, 'geneve.flags.critical'), [true]);
    assert.deepEqual(raw(p, 'geneve.flags.oam'), [false]);
    assert.deepEqual(val(p, 'geneve.option.length'), ['20', '12', '8']);
    assert.equal(val(p, 'geneve.option').length, 2);
    assert.deepEqual(val(p, 'geneve.option.class'), ['0x0104', '0x0132']);
    assert.deepEqual(val(p, 'geneve.option.type'), ['0x80', '0x01']);
    assert.deepEqual(raw(p, 'geneve.option.type.critical'), [true, false]);
    assert.deepEqual(val(p, 'geneve.option.data'), ['00:01:02:03:04:05:06:07', 'a0:a1:a2:a3']);
    assert.deepEqual(val(p, 'geneve.options_count'), ['2']);
    assert.equal(p.layers[4]!.payload - p.layers[4]!.start, 8 + 20);
    assert.deepEqual(notes(p), ['note: [Geneve critical options present]']);
    hasLines(tree(p), ['Generic Network Virtualization Encapsulation, VNI: 0x001389', '    Protocol Type: Transparent Ethernet Bridging (0x6558)']);
  });

  it('carries IPv4 without an inner Ethernet header (protocol type 0x0800)', () => {
    const p = dis(udpTunnel(OUTER, PORT_GENEVE, 50001, geneve({ vni: 3, protocol: ETH_IPV4 }, ip4udp())));
    assert.equal(stack(p), 'frame:eth:ip:udp:geneve:ip:udp:data');
    assert.deepEqual(val(p, 'ip.src'), ['192.168.10.100', '172.20.0.10']);
    assert.deepEqual(
      p.layers.map((l) => l.depth),
      [0, 0, 0, 0, 0, 1, 1, 1],
    );
    const s = summarize(p, registry);
    assert.deepEqual([s.source, s.destination], ['172.20.0.10', '172.20.2.30']);
  });

  it('leaves unknown versions and protocol types undecoded, with a warning', () => {
    const v1 = geneve({ vni: 3, protocol: ETH_IPV4 }, ip4udp());
    v1[0] = 0x40;
    const p = dis(udpTunnel(OUTER, PORT_GENEVE, 50001, v1));
    assert.equal(stack(p), 'frame:eth:ip:udp:geneve:data');
    assert.deepEqual(notes(p), ['warning: [Geneve version 1 is unknown; payload not decoded]']);
    const other = dis(udpTunnel(OUTER, PORT_GENEVE, 50001, geneve({ vni: 3, protocol: 0x1234 }, filler(20))));
    assert.equal(stack(other), 'frame:eth:ip:udp:geneve:data');
    assert.deepEqual(notes(other), ['warning: [Geneve protocol type 0x1234 not decoded]']);
  });

  it('marks options that run past the captured bytes as truncated', () => {
    const bytes = geneveFrame({ outer: OUTER, vni: 1, inner: INNER, options }, { proto: IPPROTO_UDP, bytes: udpIn() });
    const cut = bytes.subarray(0, 14 + 20 + 8 + 8 + 10);
    const p = dis(cut, { origLen: bytes.length });
    assert.equal(stack(p), 'frame:eth:ip:udp:geneve');
    assert.deepEqual(notes(p), ['warning: [Packet size limited during capture: Geneve truncated]']);
    assert.equal(val(p, 'geneve.option').length, 0);
  });
});

describe('nested tunnels', () => {
  it('decodes VXLAN inside GENEVE, each tunnel one level deeper', () => {
    const inner = vxlanTcp();
    const p = dis(udpTunnel({ ...OUTER, src: '10.0.0.1', dst: '10.0.0.2' }, PORT_GENEVE, 50003, geneve({ vni: 7 }, inner)));
    assert.equal(stack(p), 'frame:eth:ip:udp:geneve:eth:ip:udp:vxlan:eth:ip:tcp');
    assert.deepEqual(
      p.layers.map((l) => l.depth),
      [0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2],
    );
    assert.deepEqual(val(p, 'ip.src'), ['10.0.0.1', '192.168.10.100', '172.20.0.10']);
    assert.deepEqual(val(p, 'geneve.vni'), ['0x000007']);
    assert.deepEqual(val(p, 'vxlan.vni'), ['42']);
    const s = summarize(p, registry);
    assert.deepEqual([s.source, s.destination, s.protocol], ['172.20.0.10', '172.20.2.30', 'TCP']);
    assert.deepEqual(s.tunnel, {
      kind: 'GENEVE',
      outerSource: '10.0.0.1',
      outerDestination: '10.0.0.2',
      vni: 7,
      port: PORT_GENEVE,
      label: 'GENEVE VNI 7',
      short: 'GENEVE 7',
      encrypted: false,
    });
  });

  it('stops at the nesting limit with a warning', () => {
    let frame = innerFrame(INNER, { proto: IPPROTO_UDP, bytes: udpIn() });
    for (let i = 0; i < 12; i++) frame = udpTunnel(OUTER, PORT_VXLAN, 50000, vxlan({ vni: i }, frame));
    const p = dis(frame);
    assert.ok(p.layers.length <= 48);
    assert.ok(
      notes(p).some((n) => n.startsWith('warning: [Dissection stopped')),
      notes(p).join('\n'),
    );
  });
});

describe('ports, decode-as and heuristics', () => {
  // A VXLAN header with a reserved flag set: the heuristic refuses it, a port rule does not.
  const innerUdp = (): Uint8Array => innerFrame(INNER, { proto: IPPROTO_UDP, bytes: udpIn(filler(12), { srcPort: 40000, dstPort: 5000 }) });
  const oddVxlan = (port: number): Uint8Array => udpTunnel(OUTER, port, 50000, vxlan({ vni: 9, flags: 0x0c }, innerUdp()));
  const plainVxlan = (port: number): Uint8Array => udpTunnel(OUTER, port, 50000, vxlan({ vni: 9 }, innerUdp()));

  it('maps 8472 and 4789 to VXLAN and 6081 to GENEVE by default', () => {
    assert.equal(registry.lookup('udp.port', 8472), 'vxlan');
    assert.equal(registry.lookup('udp.port', 4789), 'vxlan');
    assert.equal(registry.lookup('udp.port', 6081), 'geneve');
    assert.equal(stack(dis(oddVxlan(PORT_VXLAN_LINUX))).split(':')[4], 'vxlan');
    assert.equal(stack(dis(oddVxlan(PORT_VXLAN))).split(':')[4], 'vxlan');
    assert.equal(
      stack(dis(udpTunnel(OUTER, PORT_GENEVE, 50000, geneve({ vni: 1 }, innerFrame(INNER, { proto: IPPROTO_UDP, bytes: udpIn() }))))).split(':')[4],
      'geneve',
    );
  });

  it('parses decode-as rules', () => {
    assert.deepEqual(parseDecodeAs('udp.port==9000,vxlan'), { table: 'udp.port', from: 9000, to: 9000, proto: 'vxlan' });
    assert.deepEqual(parseDecodeAs(' udp.port == 9000-9002 , GENEVE '), { table: 'udp.port', from: 9000, to: 9002, proto: 'geneve' });
    for (const bad of ['udp.port=9000,vxlan', 'udp.port==70000,vxlan', 'udp.port==9002-9000,vxlan', 'vxlan']) {
      assert.throws(() => parseDecodeAs(bad), VxError, bad);
    }
    assert.throws(() => createRegistry({ decodeAs: [parseDecodeAs('udp.port==9000,nosuchproto')] }), VxError);
  });

  it('decodes a port as VXLAN when told to', () => {
    assert.equal(stack(dis(oddVxlan(9000))), 'frame:eth:ip:udp:data', 'not VXLAN by default or by heuristic');
    const r = createRegistry({ decodeAs: [parseDecodeAs('udp.port==9000,vxlan')] });
    const p = dis(oddVxlan(9000), {}, r);
    assert.equal(stack(p), 'frame:eth:ip:udp:vxlan:eth:ip:udp:data');
    assert.deepEqual(val(p, 'vxlan.vni', r), ['9']);
    const g = createRegistry({ decodeAs: [parseDecodeAs('udp.port==9000,geneve')] });
    const inner = ipv4({ ...IP4, proto: IPPROTO_UDP }, udpIn(filler(12), { srcPort: 40000, dstPort: 5000 }));
    assert.equal(stack(dis(udpTunnel(OUTER, 9000, 50000, geneve({ vni: 1, protocol: ETH_IPV4 }, inner)), {}, g)), 'frame:eth:ip:udp:geneve:ip:udp:data');
  });

  it('recognises well-formed VXLAN on another port unless heuristics are off', () => {
    const p = dis(plainVxlan(9999));
    assert.equal(stack(p), 'frame:eth:ip:udp:vxlan:eth:ip:udp:data');
    assert.deepEqual(val(p, 'vxlan.vni'), ['9']);
    assert.equal(stack(dis(plainVxlan(9999), {}, createRegistry({ heuristics: false }))), 'frame:eth:ip:udp:data');
    // Payload that merely starts like a VXLAN header but carries no plausible Ethernet frame.
    const junk = udpTunnel(OUTER, 9999, 50000, concat(Uint8Array.of(0x08, 0, 0, 0, 0, 0, 9, 0), filler(14), be16(0x4444), filler(20)));
    assert.equal(stack(dis(junk)), 'frame:eth:ip:udp:data');
  });
});

describe('packet summary and detail tree', () => {
  it('shows the inner packet with the tunnel it rode', () => {
    const bytes = vxlanTcp();
    const p = dis(bytes, { interfaceName: 'eth1', origLen: bytes.length });
    const s = summarize(p, registry);
    assert.deepEqual(s, {
      source: '172.20.0.10',
      destination: '172.20.2.30',
      protocol: 'TCP',
      length: bytes.length,
      info: '43512 → 80 [SYN] Seq=1000 Win=64240 Len=0 MSS=1410',
      tunnel: {
        kind: 'VXLAN',
        outerSource: '192.168.10.100',
        outerDestination: '192.168.20.100',
        vni: 42,
        port: PORT_VXLAN_LINUX,
        label: 'VXLAN VNI 42',
        short: 'VXLAN 42',
        encrypted: false,
      },
      interfaceName: 'eth1',
      direction: undefined,
      expert: undefined,
    });
  });

  it('describes a packet without a tunnel from its own addresses', () => {
    const p = dis(ethernet({ ...ETH, type: ETH_IPV4 }, ip4udp()), { direction: 2 });
    const s = summarize(p, registry);
    assert.deepEqual([s.source, s.destination, s.protocol, s.tunnel, s.direction], ['172.20.0.10', '172.20.2.30', 'UDP', undefined, 'Out']);
  });

  it('prints the tree as -V does, outer layers first', () => {
    const bytes = vxlanTcp();
    const text = tree(dis(bytes, { interfaceName: 'eth1' }));
    const headers = text.filter((l) => !l.startsWith(' '));
    assert.deepEqual(headers, [
      `Frame 1: ${bytes.length} bytes on wire, ${bytes.length} bytes captured on interface eth1`,
      'Ethernet II, Src: 02:00:c0:a8:0a:64, Dst: 02:00:c0:a8:14:64',
      'Internet Protocol Version 4, Src: 192.168.10.100, Dst: 192.168.20.100',
      `User Datagram Protocol, Src Port: ${val(dis(bytes), 'udp.srcport')[0]}, Dst Port: 8472`,
      'Virtual eXtensible Local Area Network, VNI: 42',
      'Ethernet II, Src: 0a:58:ac:14:00:0a, Dst: 0a:58:ac:14:02:1e',
      'Internet Protocol Version 4, Src: 172.20.0.10, Dst: 172.20.2.30',
      'Transmission Control Protocol, Src Port: 43512, Dst Port: 80, Seq: 1000, Len: 0',
    ]);
    hasLines(text, [
      '    Frame Number: 1',
      '    Interface name: eth1',
      '    Flags: 0x0800',
      '        VXLAN Network ID (VNI): Set',
      '        GBP Extension: Not set',
      '    VXLAN Network Identifier (VNI): 42',
      '    Destination Port: 8472',
      '    Protocol: TCP (6)',
      '    Window: 64240',
    ]);
    // Sub-fields sit under their parent: the flag bits come right after "Flags" and are indented once more.
    const i = text.indexOf('    Flags: 0x0800');
    assert.ok(text[i + 1]!.startsWith('        '));
  });

  it('keeps tree byte ranges inside the frame', () => {
    const bytes = vxlanTcp();
    const walk = (nodes: ReturnType<typeof buildTree>): void => {
      for (const n of nodes) {
        assert.ok(n.start >= 0 && n.length >= 0 && n.start + n.length <= bytes.length, `${n.label} [${n.start}, +${n.length})`);
        if (n.children) walk(n.children);
      }
    };
    const nodes = buildTree(dis(bytes), registry);
    walk(nodes);
    const vx = nodes[4]!;
    assert.deepEqual([vx.start, vx.length], [14 + 20 + 8, 8]);
    const vni = vx.children!.find((c) => c.field === 'vxlan.vni')!;
    assert.deepEqual([vni.start, vni.length], [14 + 20 + 8 + 4, 3]);
  });
});

describe('ARP through the tunnel (ethertype dispatch)', () => {
  it('hands 0x0806 to the ARP dissector when one is registered', { skip: registry.dissector('arp') ? false : 'no ARP dissector' }, () => {
    const bytes = udpTunnel(OUTER, PORT_VXLAN_LINUX, 50000, vxlan({ vni: 3 }, ethernet({ ...ETH, type: ETH_ARP }, filler(28))));
    assert.equal(stack(dis(bytes)).split(':').slice(5, 7).join(':'), 'eth:arp');
  });

  it('decodes ICMP echo inside VXLAN when an ICMP dissector is registered', { skip: registry.dissector('icmp') ? false : 'no ICMP dissector' }, () => {
    const p = dis(vxlanFrame({ outer: OUTER, vni: 1, inner: INNER }, { proto: IPPROTO_ICMP, bytes: icmpEcho({ type: 8, id: 7, seq: 1 }, filler(8)) }));
    assert.deepEqual(stack(p).split(':').slice(5, 8), ['eth', 'ip', 'icmp']);
  });
});
