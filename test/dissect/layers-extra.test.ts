// ARP, ICMP, ICMPv6, IPv6 extension headers, VXLAN-GPE/NSH, NULL/LOOP/raw link types, DNS and
// HTTP: built packets check layer stacks, field values, Info strings and that damaged input
// gives notes rather than exceptions; the peer corpus checks values against TShark 4.0's JSON.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCapture } from '../../src/capture/capture.js';
import { LinkType } from '../../src/capture/types.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { formatValue } from '../../src/dissect/format.js';
import { parseDecodeAs } from '../../src/dissect/registry.js';
import { summarize } from '../../src/dissect/summary.js';
import { buildTree } from '../../src/dissect/tree.js';
import type { FrameMeta, Packet } from '../../src/dissect/types.js';
import { fieldOccurrences, fieldValues } from '../../src/dissect/values.js';
import { compileFilter } from '../../src/filter/index.js';
import * as B from '../fixtures/packet-builder.js';

const registry = createRegistry();

function decode(data: Uint8Array, meta: Partial<FrameMeta> = {}, r = registry): Packet {
  const frame: FrameMeta = { number: 1, sec: 0, nsec: 0, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0, ...meta };
  return dissect(data, frame, r);
}

const stack = (p: Packet): string => p.layers.map((l) => l.proto).join(':');
/** A field's values as tshark prints them (-T fields / JSON). */
const text = (p: Packet, name: string): string[] => fieldOccurrences(p, registry.field(name) ?? []).map((o) => formatValue(o.def, o.value));
const info = (p: Packet): string => summarize(p, registry).info;
const errors = (p: Packet): string[] => p.notes.filter((n) => n.severity === 'error').map((n) => n.message);

const M1 = '02:00:00:00:00:01';
const M2 = '02:00:00:00:00:02';
const BCAST = 'ff:ff:ff:ff:ff:ff';
const ZERO = '00:00:00:00:00:00';
const ip4 = { src: '10.0.0.1', dst: '10.0.0.2' };
const ip6 = { src: 'fe80::1', dst: 'fe80::2' };
const eth4 = (proto: number, payload: Uint8Array, ttl = 64): Uint8Array =>
  B.ethernet({ src: M1, dst: M2, type: B.ETH_IPV4 }, B.ipv4({ ...ip4, proto, ttl }, payload));
const eth6 = (next: number, payload: Uint8Array): Uint8Array => B.ethernet({ src: M1, dst: M2, type: B.ETH_IPV6 }, B.ipv6({ ...ip6, next }, payload));
const arpFrame = (o: Parameters<typeof B.arp>[0], dst = BCAST): Uint8Array => B.ethernet({ src: o.senderMac, dst, type: B.ETH_ARP }, B.arp(o));
/** The bytes behind a Proxy that records every read past the end (a Uint8Array gives undefined there). */
function watched(data: Uint8Array, past: Set<number>): Uint8Array {
  return new Proxy(data, {
    get(target, prop) {
      if (typeof prop === 'string' && /^-?\d+$/.test(prop)) {
        const i = Number(prop);
        if (i < 0 || i >= target.length) past.add(i);
        return target[i];
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * Every prefix of the frame, cut by a snaplen or not, must dissect without the last-resort
 * catch, and nothing that reads the packet (summary, tree, every field) may read past its end.
 */
function survivesTruncation(data: Uint8Array, linkType = 1): void {
  for (let n = 0; n < data.length; n++) {
    for (const origLen of [n, data.length]) {
      const past = new Set<number>();
      const p = decode(watched(Uint8Array.from(data.subarray(0, n)), past), { capLen: n, origLen, linkType });
      assert.ok(!p.notes.some((x) => x.message.includes('dissector failed')), `prefix ${n}: ${JSON.stringify(p.notes)}`);
      summarize(p, registry);
      buildTree(p, registry);
      for (const name of registry.fieldNames()) fieldValues(p, registry, name);
      assert.deepEqual([...past], [], `prefix ${n} of ${stack(decode(data, { linkType }))}: read past the end`);
    }
  }
}

describe('ARP', () => {
  const request = arpFrame({ op: 1, senderMac: M1, senderIp: '10.0.0.1', targetMac: ZERO, targetIp: '10.0.0.2' });

  it('decodes a request with tshark field names and Info', () => {
    const p = decode(request);
    assert.equal(stack(p), 'frame:eth:arp');
    assert.deepEqual(text(p, 'arp.hw.type'), ['1']);
    assert.deepEqual(text(p, 'arp.proto.type'), ['0x0800']);
    assert.deepEqual(text(p, 'arp.hw.size'), ['6']);
    assert.deepEqual(text(p, 'arp.proto.size'), ['4']);
    assert.deepEqual(text(p, 'arp.opcode'), ['1']);
    assert.deepEqual(text(p, 'arp.src.hw_mac'), [M1]);
    assert.deepEqual(text(p, 'arp.src.proto_ipv4'), ['10.0.0.1']);
    assert.deepEqual(text(p, 'arp.dst.hw_mac'), [ZERO]);
    assert.deepEqual(text(p, 'arp.dst.proto_ipv4'), ['10.0.0.2']);
    const s = summarize(p, registry);
    assert.deepEqual([s.source, s.destination, s.protocol, s.info], [M1, BCAST, 'ARP', 'Who has 10.0.0.2? Tell 10.0.0.1']);
  });

  it('words replies, announcements, probes and RARP as Wireshark does', () => {
    const reply = arpFrame({ op: 2, senderMac: M2, senderIp: '10.0.0.2', targetMac: M1, targetIp: '10.0.0.1' }, M1);
    assert.equal(info(decode(reply)), `10.0.0.2 is at ${M2}`);
    assert.equal(
      info(decode(arpFrame({ op: 1, senderMac: M1, senderIp: '10.0.0.1', targetMac: ZERO, targetIp: '10.0.0.1' }))),
      'ARP Announcement for 10.0.0.1',
    );
    assert.equal(info(decode(arpFrame({ op: 1, senderMac: M1, senderIp: '0.0.0.0', targetMac: ZERO, targetIp: '10.0.0.9' }))), 'Who has 10.0.0.9? (ARP Probe)');
    assert.equal(
      info(decode(arpFrame({ op: 2, senderMac: M1, senderIp: '10.0.0.1', targetMac: BCAST, targetIp: '10.0.0.1' }))),
      'Gratuitous ARP for 10.0.0.1 (Reply)',
    );
    const rarp = B.ethernet(
      { src: M1, dst: BCAST, type: 0x8035 },
      B.concat(B.be16(1, 0x0800), Uint8Array.of(6, 4), B.be16(3), B.mac(M1), new Uint8Array(4), B.mac(M1), new Uint8Array(4)),
    );
    const p = decode(rarp);
    assert.equal(stack(p), 'frame:eth:arp');
    assert.equal(info(p), `Who is ${M1}? Tell ${M1}`);
  });

  it('shows the inner Ethernet addresses for ARP inside a VXLAN tunnel', () => {
    const outer = { srcMac: 'aa:00:00:00:00:01', dstMac: 'aa:00:00:00:00:02', src: '192.168.1.1', dst: '192.168.1.2' };
    const frame = B.udpTunnel(outer, B.PORT_VXLAN_LINUX, 50000, B.vxlan({ vni: 7 }, request));
    const p = decode(frame);
    assert.equal(stack(p), 'frame:eth:ip:udp:vxlan:eth:arp');
    const s = summarize(p, registry);
    assert.deepEqual([s.source, s.destination, s.info], [M1, BCAST, 'Who has 10.0.0.2? Tell 10.0.0.1']);
    assert.equal(s.tunnel?.vni, 7);
  });

  it('shows only the sender MAC over a cooked capture, and ignores the Ethernet padding', () => {
    const body = B.arp({ op: 1, senderMac: M1, senderIp: '10.0.0.1', targetMac: ZERO, targetIp: '10.0.0.2' });
    const p = decode(B.sll({ pktType: 1, addr: M1, protocol: B.ETH_ARP }, B.concat(body, new Uint8Array(18))), { linkType: LinkType.LINUX_SLL });
    const s = summarize(p, registry);
    assert.deepEqual([s.source, s.destination], [M1, '']);
    const l = p.layers.at(-1)!;
    assert.equal(l.end - l.start, 28);
  });

  it('notes a truncated header instead of throwing', () => {
    const p = decode(request.subarray(0, 14 + 20));
    assert.equal(stack(p), 'frame:eth:arp');
    assert.equal(errors(p).length, 1);
    assert.deepEqual(text(p, 'arp.src.hw_mac'), []);
    survivesTruncation(request);
  });
});

describe('ICMP', () => {
  const quotedUdp = B.ipv4({ src: '10.0.0.2', dst: '10.0.0.9', proto: B.IPPROTO_UDP }, B.udp({ srcPort: 1234, dstPort: 53 }, B.filler(40)));
  const quotedTcp = B.ipv4(
    { src: '10.0.0.2', dst: '10.0.0.9', proto: B.IPPROTO_TCP },
    B.tcp({ srcPort: 40000, dstPort: 443, seq: 7, flags: 'S' }, new Uint8Array(0)),
  );

  it('decodes an echo request with both byte orders of id and seq and the IP TTL', () => {
    const frame = eth4(B.IPPROTO_ICMP, B.icmpEcho({ type: 8, id: 1, seq: 1 }, B.filler(16)), 63);
    survivesTruncation(frame);
    const p = decode(frame);
    assert.equal(stack(p), 'frame:eth:ip:icmp:data');
    assert.deepEqual(text(p, 'icmp.type'), ['8']);
    assert.deepEqual(text(p, 'icmp.code'), ['0']);
    assert.match(text(p, 'icmp.checksum')[0]!, /^0x[0-9a-f]{4}$/);
    assert.deepEqual(text(p, 'icmp.checksum.status'), ['1']);
    assert.deepEqual([...text(p, 'icmp.ident'), ...text(p, 'icmp.ident_le'), ...text(p, 'icmp.seq'), ...text(p, 'icmp.seq_le')], ['1', '256', '1', '256']);
    assert.equal(info(p), 'Echo (ping) request  id=0x0001, seq=1/256, ttl=63');
    assert.equal(info(decode(eth4(B.IPPROTO_ICMP, B.icmpEcho({ type: 0, id: 0x50c, seq: 2 })))), 'Echo (ping) reply    id=0x050c, seq=2/512, ttl=64');
  });

  it('decodes the quoted packet of a "fragmentation needed" error without a Malformed note', () => {
    const p = decode(eth4(B.IPPROTO_ICMP, B.icmpError({ type: 3, code: 4, mtu: 1400 }, quotedTcp.subarray(0, 28))));
    assert.equal(stack(p), 'frame:eth:ip:icmp:ip:tcp');
    assert.deepEqual(text(p, 'icmp.mtu'), ['1400']);
    assert.deepEqual(text(p, 'icmp.unused'), ['00:00']);
    assert.deepEqual(text(p, 'ip.src'), ['10.0.0.1', '10.0.0.2']);
    assert.deepEqual(text(p, 'tcp.srcport'), ['40000']);
    assert.deepEqual(errors(p), []);
    assert.deepEqual(
      p.layers.map((l) => l.quoted === true),
      [false, false, false, false, true, true],
    );
    // The outer header's checksum is verified; the quoted one may have been rewritten by the router.
    assert.deepEqual(text(p, 'ip.checksum.status'), ['1', '2']);
    const s = summarize(p, registry);
    // The row describes the ICMP message, not the packet it quotes.
    assert.deepEqual([s.source, s.destination, s.protocol, s.info], ['10.0.0.1', '10.0.0.2', 'ICMP', 'Destination unreachable (Fragmentation needed)']);
    assert.equal(s.expert, undefined);
  });

  it('names error types and codes, padding short type names like tshark', () => {
    const q = quotedUdp.subarray(0, 28);
    assert.equal(info(decode(eth4(1, B.icmpError({ type: 3, code: 3 }, q)))), 'Destination unreachable (Port unreachable)');
    assert.equal(info(decode(eth4(1, B.icmpError({ type: 11, code: 0 }, q)))), 'Time-to-live exceeded (Time to live exceeded in transit)');
    assert.equal(info(decode(eth4(1, B.icmpError({ type: 5, code: 1 }, q)))), 'Redirect             (Redirect for host)');
    const pp = decode(eth4(1, B.icmpError({ type: 12, code: 0, pointer: 4 }, q)));
    assert.equal(info(pp), 'Parameter problem    (Pointer indicates the error)');
    assert.deepEqual(text(pp, 'icmp.pointer'), ['4']);
    assert.equal(stack(pp), 'frame:eth:ip:icmp:ip:udp');
  });

  it('does not decode an error quoted inside another error', () => {
    const inner = B.ipv4({ src: '10.0.0.2', dst: '10.0.0.9', proto: 1 }, B.icmpError({ type: 3, code: 3 }, quotedUdp.subarray(0, 28)));
    const p = decode(eth4(1, B.icmpError({ type: 11, code: 0 }, inner)));
    assert.equal(stack(p), 'frame:eth:ip:icmp:ip:icmp:data');
  });

  it('notes truncation instead of throwing', () => {
    const frame = eth4(1, B.icmpError({ type: 3, code: 3 }, quotedUdp.subarray(0, 28)));
    const p = decode(frame.subarray(0, 14 + 20 + 5));
    assert.equal(errors(p).length, 1);
    survivesTruncation(frame);
  });
});

describe('ICMPv6', () => {
  it('decodes an echo request with the hop limit', () => {
    const frame = eth6(B.IPPROTO_ICMPV6, B.icmpv6Echo({ type: 128, id: 9, seq: 1 }, B.filler(8), ip6));
    survivesTruncation(frame);
    const p = decode(frame);
    assert.equal(stack(p), 'frame:eth:ipv6:icmpv6:data');
    assert.deepEqual(text(p, 'icmpv6.echo.identifier'), ['0x0009']);
    assert.deepEqual(text(p, 'icmpv6.echo.sequence_number'), ['1']);
    assert.deepEqual(text(p, 'icmpv6.checksum.status'), ['1']);
    assert.equal(info(p), 'Echo (ping) request id=0x0009, seq=1, hop limit=64');
  });

  it('decodes neighbor discovery with the target address and link-layer options', () => {
    const ns = decode(
      eth6(58, B.icmpv6({ type: 135, code: 0, body: B.concat(new Uint8Array(4), B.ipv6Bytes('fe80::2'), Uint8Array.of(1, 1), B.mac(M1)) }, ip6)),
    );
    assert.deepEqual(text(ns, 'icmpv6.nd.ns.target_address'), ['fe80::2']);
    assert.deepEqual(text(ns, 'icmpv6.opt.src_linkaddr'), [M1]);
    assert.equal(info(ns), `Neighbor Solicitation for fe80::2 from ${M1}`);
    const naFrame = eth6(
      58,
      B.icmpv6({ type: 136, code: 0, body: B.concat(Uint8Array.of(0x60, 0, 0, 0), B.ipv6Bytes('fe80::2'), Uint8Array.of(2, 1), B.mac(M2)) }, ip6),
    );
    survivesTruncation(naFrame);
    const na = decode(naFrame);
    assert.deepEqual(text(na, 'icmpv6.nd.na.flag.s'), ['1']);
    assert.equal(info(na), `Neighbor Advertisement fe80::2 (sol, ovr) is at ${M2}`);
    const rs = decode(eth6(58, B.icmpv6({ type: 133, code: 0, body: B.concat(new Uint8Array(4), Uint8Array.of(1, 1), B.mac(M1)) }, ip6)));
    assert.equal(info(rs), `Router Solicitation from ${M1}`);
  });

  it('decodes Packet Too Big and quotes the IPv6 packet without a Malformed note', () => {
    const big = B.ipv6({ src: 'fe80::2', dst: 'fe80::9', next: 17 }, B.udp({ srcPort: 1, dstPort: 2 }, B.filler(1400)));
    const p = decode(eth6(58, B.icmpv6({ type: 2, code: 0, body: B.concat(B.be32(1280), big.subarray(0, 1232)) }, ip6)));
    assert.equal(stack(p), 'frame:eth:ipv6:icmpv6:ipv6:udp:data');
    assert.deepEqual(text(p, 'icmpv6.mtu'), ['1280']);
    assert.deepEqual(text(p, 'ipv6.dst'), ['fe80::2', 'fe80::9']);
    assert.deepEqual(errors(p), []);
    const s = summarize(p, registry);
    assert.deepEqual([s.source, s.destination, s.protocol, s.info], ['fe80::1', 'fe80::2', 'ICMPv6', 'Packet Too Big']);
    const du = decode(eth6(58, B.icmpv6({ type: 1, code: 4, body: B.concat(B.be32(0), big.subarray(0, 48)) }, ip6)));
    assert.equal(info(du), 'Destination Unreachable (Port unreachable)');
  });

  it('notes truncation instead of throwing', () => {
    const frame = eth6(58, B.icmpv6({ type: 135, code: 0, body: B.concat(new Uint8Array(4), B.ipv6Bytes('fe80::2')) }, ip6));
    const p = decode(frame.subarray(0, frame.length - 4));
    assert.equal(errors(p).length, 1);
    survivesTruncation(frame);
  });
});

describe('IPv6 extension headers', () => {
  const echo = B.icmpv6Echo({ type: 129, id: 9, seq: 2 }, B.filler(4), ip6);

  it('decodes hop-by-hop, destination options and routing headers as their own layers', () => {
    const hop = decode(eth6(0, B.concat(Uint8Array.of(58, 0, 5, 2, 0, 0, 1, 0), echo)));
    assert.equal(stack(hop), 'frame:eth:ipv6:ipv6.hopopts:icmpv6:data');
    assert.deepEqual([...text(hop, 'ipv6.hopopts.nxt'), ...text(hop, 'ipv6.hopopts.len'), ...text(hop, 'ipv6.hopopts.len_oct')], ['58', '0', '8']);
    assert.equal(info(hop), 'Echo (ping) reply id=0x0009, seq=2, hop limit=64');
    const chain = decode(eth6(60, B.concat(Uint8Array.of(43, 0, 1, 4, 0, 0, 0, 0), Uint8Array.of(58, 0, 0, 0, 0, 0, 0, 0), echo)));
    assert.equal(stack(chain), 'frame:eth:ipv6:ipv6.dstopts:ipv6.routing:icmpv6:data');
    assert.deepEqual([...text(chain, 'ipv6.routing.type'), ...text(chain, 'ipv6.routing.segleft')], ['0', '0']);
  });

  it('decodes a first fragment, and leaves later fragments as data', () => {
    const first = decode(eth6(44, B.ipv6FragmentHeader({ next: 17, offset: 0, more: true, id: 0x1234 }, B.udp({ srcPort: 1, dstPort: 2 }, B.filler(16)))));
    assert.equal(stack(first), 'frame:eth:ipv6:ipv6.fraghdr:udp:data');
    assert.deepEqual(
      [...text(first, 'ipv6.fraghdr.offset'), ...text(first, 'ipv6.fraghdr.more'), ...text(first, 'ipv6.fraghdr.ident')],
      ['0', '1', '0x00001234'],
    );
    const laterFrame = eth6(44, B.ipv6FragmentHeader({ next: 17, offset: 2, more: false, id: 0x1234 }, B.filler(16)));
    survivesTruncation(laterFrame);
    const later = decode(laterFrame);
    assert.equal(stack(later), 'frame:eth:ipv6:ipv6.fraghdr:data');
    assert.deepEqual(text(later, 'ipv6.fraghdr.offset'), ['2']);
    const s = summarize(later, registry);
    assert.deepEqual([s.protocol, s.info], ['IPv6', 'IPv6 fragment (off=16 more=n ident=0x00001234 nxt=17)']);
  });

  it('stops a crafted chain of extension headers with a warning', () => {
    const hdr = Uint8Array.of(60, 0, 0, 0, 0, 0, 0, 0);
    const p = decode(eth6(60, B.concat(...Array.from({ length: 40 }, () => hdr))));
    assert.ok(p.layers.length < 20, stack(p));
    assert.equal(p.layers.at(-1)!.proto, 'data');
    assert.ok(p.notes.some((n) => n.severity === 'warning' && n.message.includes('extension headers')));
  });

  it('notes truncation instead of throwing', () => {
    const frame = eth6(0, B.concat(Uint8Array.of(58, 1, 5, 2, 0, 0, 1, 0), new Uint8Array(8), echo));
    assert.equal(errors(decode(frame.subarray(0, 14 + 40 + 10))).length, 1);
    survivesTruncation(frame);
  });
});

describe('VXLAN-GPE and NSH', () => {
  const outer = { srcMac: 'aa:00:00:00:00:01', dstMac: 'aa:00:00:00:00:02', src: '192.168.1.1', dst: '192.168.1.2' };
  const innerIp = B.ipv4({ ...ip4, proto: 1 }, B.icmpEcho({ type: 8, id: 1, seq: 1 }));
  const gpe = (nextProtocol: number, inner: Uint8Array): Uint8Array =>
    B.udpTunnel(outer, B.PORT_VXLAN_GPE, 50000, B.vxlanGpe({ vni: 0x123456, nextProtocol }, inner));
  /** RFC 8300 NSH, MD type 1 (16 bytes of context headers). */
  const nshHeader = (next: number): Uint8Array => B.concat(B.be16(0x0006), Uint8Array.of(1, next), B.be32((42 << 8) | 255), new Uint8Array(16));

  it("decodes IPv4 inside VXLAN-GPE as a tunnel, under tshark's vxlan.* names", () => {
    const p = decode(gpe(1, innerIp));
    assert.equal(stack(p), 'frame:eth:ip:udp:vxlan-gpe:ip:icmp');
    assert.deepEqual(text(p, 'vxlan.flags'), ['0x0c']);
    assert.deepEqual(
      [...text(p, 'vxlan.i_bit'), ...text(p, 'vxlan.p_bit'), ...text(p, 'vxlan.next_proto'), ...text(p, 'vxlan.vni')],
      ['1', '1', '1', String(0x123456)],
    );
    assert.deepEqual(fieldValues(p, registry, 'vxlan'), [true]);
    assert.deepEqual(
      p.layers.map((l) => l.depth),
      [0, 0, 0, 0, 0, 1, 1],
    );
    const s = summarize(p, registry);
    assert.deepEqual(
      [s.tunnel?.kind, s.tunnel?.vni, s.source, s.info],
      ['VXLAN-GPE', 0x123456, '10.0.0.1', 'Echo (ping) request  id=0x0001, seq=1/256, ttl=64'],
    );
  });

  it('follows the next protocol to Ethernet and to NSH', () => {
    assert.equal(stack(decode(gpe(3, B.ethernet({ src: M1, dst: M2, type: B.ETH_IPV4 }, innerIp)))), 'frame:eth:ip:udp:vxlan-gpe:eth:ip:icmp');
    const p = decode(gpe(4, B.concat(nshHeader(1), innerIp)));
    assert.equal(stack(p), 'frame:eth:ip:udp:vxlan-gpe:nsh:ip:icmp');
    assert.deepEqual([...text(p, 'nsh.length'), ...text(p, 'nsh.mdtype'), ...text(p, 'nsh.spi'), ...text(p, 'nsh.si')], ['6', '1', '42', '255']);
    assert.equal(text(p, 'nsh.contextheader').length, 4);
    const unknown = decode(gpe(9, innerIp));
    assert.equal(stack(unknown), 'frame:eth:ip:udp:vxlan-gpe:data');
    assert.ok(unknown.notes.some((n) => n.severity === 'warning'));
  });

  it('is a decode-as target', () => {
    const r = createRegistry({ decodeAs: [parseDecodeAs('udp.port==5000,vxlan_gpe')] });
    const frame = B.udpTunnel(outer, 5000, 50000, B.vxlanGpe({ vni: 1, nextProtocol: 1 }, innerIp));
    assert.equal(stack(decode(frame, {}, r)), 'frame:eth:ip:udp:vxlan-gpe:ip:icmp');
  });

  it('notes truncation instead of throwing', () => {
    const frame = gpe(4, B.concat(nshHeader(1), innerIp));
    assert.equal(errors(decode(frame.subarray(0, frame.length - innerIp.length - 4))).length, 1);
    survivesTruncation(frame);
  });
});

describe('NULL, LOOP and raw IP link types', () => {
  const v4 = B.ipv4({ ...ip4, proto: 1 }, B.icmpEcho({ type: 8, id: 1, seq: 1 }));
  const v6 = B.ipv6({ ...ip6, next: 58 }, B.icmpv6Echo({ type: 128, id: 1, seq: 1 }, new Uint8Array(0), ip6));

  it('reads the NULL family in either byte order, and LOOP in network order', () => {
    const le = decode(B.concat(Uint8Array.of(2, 0, 0, 0), v4), { linkType: LinkType.NULL });
    assert.equal(stack(le), 'frame:null:ip:icmp');
    assert.deepEqual(text(le, 'null.family'), ['2']);
    assert.equal(stack(decode(B.concat(Uint8Array.of(0, 0, 0, 2), v4), { linkType: LinkType.NULL })), 'frame:null:ip:icmp');
    for (const fam of [24, 28, 30])
      assert.equal(stack(decode(B.concat(Uint8Array.of(fam, 0, 0, 0), v6), { linkType: LinkType.NULL })), 'frame:null:ipv6:icmpv6');
    const loop = decode(B.concat(Uint8Array.of(0, 0, 0, 2), v4), { linkType: LinkType.LOOP });
    assert.equal(stack(loop), 'frame:null:ip:icmp');
    assert.deepEqual(text(loop, 'null.family'), ['2']);
  });

  it('picks IPv4 or IPv6 by the version nibble for raw IP', () => {
    assert.equal(stack(decode(v4, { linkType: LinkType.RAW })), 'frame:raw:ip:icmp');
    assert.equal(stack(decode(v6, { linkType: LinkType.RAW })), 'frame:raw:ipv6:icmpv6');
    // DLT_RAW as OpenBSD (12) and BSD/OS (14) number it, as tshark reads them (raw:ip, encapsulation 7).
    for (const linkType of [LinkType.RAW_OPENBSD, LinkType.RAW_BSDOS]) {
      const p = decode(v6, { linkType });
      assert.deepEqual([stack(p), text(p, 'frame.encap_type')], ['frame:raw:ipv6:icmpv6', ['7']]);
    }
    assert.equal(stack(decode(v4, { linkType: LinkType.IPV4 })), 'frame:ip:icmp');
    assert.equal(stack(decode(v6, { linkType: LinkType.IPV6 })), 'frame:ipv6:icmpv6');
    const junk = decode(Uint8Array.of(0x10, 1, 2, 3), { linkType: LinkType.RAW });
    assert.equal(stack(junk), 'frame:raw:data');
    assert.equal(junk.notes.length, 1);
  });

  it('notes a short loopback header', () => {
    const p = decode(Uint8Array.of(2, 0), { linkType: LinkType.NULL });
    assert.equal(stack(p), 'frame:null');
    assert.equal(errors(p).length, 1);
    survivesTruncation(B.concat(Uint8Array.of(2, 0, 0, 0), v4), LinkType.NULL);
    survivesTruncation(B.concat(Uint8Array.of(0, 0, 0, 30), v6), LinkType.LOOP);
    survivesTruncation(v6, LinkType.RAW);
  });
});

describe('DNS', () => {
  const overUdp = (payload: Uint8Array, query = true): Uint8Array =>
    eth4(17, B.udp(query ? { srcPort: 5000, dstPort: 53 } : { srcPort: 53, dstPort: 5000 }, payload));

  it('decodes a query', () => {
    const p = decode(overUdp(B.dnsQuery({ id: 0x1234, name: 'example.com' })));
    assert.equal(stack(p), 'frame:eth:ip:udp:dns');
    assert.deepEqual(text(p, 'dns.id'), ['0x1234']);
    assert.deepEqual(text(p, 'dns.flags'), ['0x0100']);
    assert.deepEqual(text(p, 'dns.flags.response'), ['0']);
    assert.deepEqual(text(p, 'dns.flags.rcode'), []);
    assert.deepEqual(
      [...text(p, 'dns.qry.name'), ...text(p, 'dns.qry.type'), ...text(p, 'dns.qry.class'), ...text(p, 'dns.count.queries')],
      ['example.com', '1', '0x0001', '1'],
    );
    assert.equal(info(p), 'Standard query 0x1234 A example.com');
  });

  it('shows a name whose labels are UTF-8 as UTF-8, as tshark does, and other bytes a character each', () => {
    const query = (label: number[]): Uint8Array =>
      B.concat(B.be16(0x77, 0x0100, 1, 0, 0, 0), Uint8Array.of(label.length, ...label, 5, ...B.ascii('local'), 0), B.be16(1, 1));
    const cafe = decode(overUdp(query([...new TextEncoder().encode('café')])));
    assert.deepEqual(text(cafe, 'dns.qry.name'), ['café.local']);
    assert.equal(info(cafe), 'Standard query 0x0077 A café.local');
    assert.equal(compileFilter('dns.qry.name == "café.local"', registry)(cafe), true);
    // 0xe9 alone is no UTF-8: the byte is the character of that code, as before.
    const latin = decode(overUdp(query([0x63, 0x61, 0x66, 0xe9])));
    assert.deepEqual(text(latin, 'dns.qry.name'), ['caf\u00e9.local']);
  });

  it('decodes responses with compressed names', () => {
    const a = decode(overUdp(B.dnsResponse({ id: 0x1234, name: 'example.com', addresses: ['1.2.3.4', '5.6.7.8'] }), false));
    assert.deepEqual(text(a, 'dns.a'), ['1.2.3.4', '5.6.7.8']);
    assert.deepEqual(text(a, 'dns.resp.name'), ['example.com', 'example.com']);
    assert.deepEqual([...text(a, 'dns.count.answers'), ...text(a, 'dns.flags.response'), ...text(a, 'dns.resp.ttl')], ['2', '1', '30', '30']);
    assert.equal(info(a), 'Standard query response 0x1234 A example.com A 1.2.3.4 A 5.6.7.8');
    const aaaa = decode(overUdp(B.dnsResponse({ id: 0x1234, name: 'example.com', addresses: ['2001:db8::1'] }), false));
    assert.deepEqual(text(aaaa, 'dns.aaaa'), ['2001:db8::1']);
    assert.equal(info(aaaa), 'Standard query response 0x1234 AAAA example.com AAAA 2001:db8::1');
    const nx = decode(overUdp(B.concat(B.be16(0x77, 0x8183, 1, 0, 0, 0), Uint8Array.of(3, 0x66, 0x6f, 0x6f, 0), B.be16(28, 1)), false));
    assert.equal(info(nx), 'Standard query response 0x0077 No such name AAAA foo');
  });

  it('stops at a compression pointer loop', () => {
    const p = decode(overUdp(B.concat(B.be16(0x44, 0x0100, 1, 0, 0, 0), Uint8Array.of(0xc0, 12), B.be16(1, 1))));
    assert.deepEqual(text(p, 'dns.qry.name'), ['<Name contains a pointer that loops>']);
    assert.equal(info(p), 'Standard query 0x0044 A <Name contains a pointer that loops>');
  });

  it('keeps raw names in fields but escapes them for display', () => {
    const p = decode(overUdp(B.concat(B.be16(0x45, 0x0100, 1, 0, 0, 0), Uint8Array.of(3, 0x61, 0x1b, 0x5b, 0), B.be16(1, 1))));
    assert.deepEqual(text(p, 'dns.qry.name'), ['a\u001b[']);
    assert.equal(info(p), 'Standard query 0x0045 A a\\x1b[');
  });

  it('reads names of every length, the root, Latin-1 bytes and names compressed into the middle of others', () => {
    const label = (t: string): Uint8Array => B.concat(Uint8Array.of(t.length), B.ascii(t));
    const query = (name: Uint8Array): Packet => decode(overUdp(B.concat(B.be16(0x47, 0x0100, 1, 0, 0, 0), name, B.be16(1, 1))));
    assert.deepEqual(text(query(Uint8Array.of(0)), 'dns.qry.name'), ['<Root>']);
    // Bytes past ASCII are Latin-1 characters, as tshark shows them (UTF-8 bytes are not decoded).
    const latin = query(Uint8Array.of(4, 0x63, 0xe9, 0x80, 0xff, 3, 0x63, 0x6f, 0x6d, 0));
    assert.deepEqual(text(latin, 'dns.qry.name'), ['c\u00e9\u0080\u00ff.com']);
    assert.deepEqual(text(latin, 'dns.count.labels'), ['2']);
    // A name of 16 labels of 63 bytes: 1,023 characters with the dots, the most a name may have.
    const long = Array.from({ length: 16 }, (_, k) => String.fromCharCode(0x61 + k).repeat(63));
    const longest = query(B.concat(...long.map(label), Uint8Array.of(0)));
    assert.deepEqual(text(longest, 'dns.qry.name'), [long.join('.')]);
    assert.deepEqual(text(longest, 'dns.qry.name.len'), ['1023']);
    // One byte more is malformed.
    const tooLong = query(B.concat(...long.map(label), label('z'), Uint8Array.of(0)));
    assert.deepEqual(text(tooLong, 'dns.qry.name'), []);
    // The answer's name points into the middle of the question's: its labels from there on.
    const question = B.concat(label('www'), label('example'), label('com'), Uint8Array.of(0), B.be16(1, 1));
    const answer = B.concat(label('mail'), Uint8Array.of(0xc0, 12 + 4), B.be16(1, 1, 0, 30, 4), Uint8Array.of(10, 0, 0, 1));
    const r = decode(overUdp(B.concat(B.be16(0x48, 0x8180, 1, 1, 0, 0), question, answer), false));
    assert.deepEqual(text(r, 'dns.resp.name'), ['mail.example.com']);
    assert.deepEqual(text(r, 'dns.qry.name'), ['www.example.com']);
    assert.deepEqual(text(r, 'dns.a'), ['10.0.0.1']);
  });

  it('decodes DNS over TCP after its length prefix', () => {
    const q = B.dnsQuery({ id: 0x46, name: 'tcp.example' });
    const frame = eth4(6, B.tcp({ srcPort: 40000, dstPort: 53, seq: 1, ack: 1, flags: 'PA' }, B.concat(B.be16(q.length), q)));
    survivesTruncation(frame);
    const p = decode(frame);
    assert.equal(stack(p), 'frame:eth:ip:tcp:dns');
    assert.deepEqual([...text(p, 'dns.length'), ...text(p, 'dns.qry.name')], [String(q.length), 'tcp.example']);
  });

  it('tells a snaplen cut from a malformed message', () => {
    const frame = overUdp(B.dnsResponse({ id: 1, name: 'example.com', addresses: ['1.2.3.4'] }), false);
    const cut = frame.subarray(0, frame.length - 6);
    const snap = decode(cut, { capLen: cut.length, origLen: frame.length });
    assert.deepEqual(errors(snap), []);
    assert.ok(snap.notes.some((n) => n.severity === 'warning' && n.message.includes('DNS')));
    assert.equal(errors(decode(cut)).length, 1);
    survivesTruncation(frame);
  });
});

describe('HTTP', () => {
  const overTcp = (payload: Uint8Array, dstPort = 80): Uint8Array => eth4(6, B.tcp({ srcPort: 40000, dstPort, seq: 1, ack: 1, flags: 'PA' }, payload));

  it('decodes the request line and Host header', () => {
    const p = decode(overTcp(B.httpRequest('GET', '/index.html?a=1', 'example.com')));
    assert.equal(stack(p), 'frame:eth:ip:tcp:http');
    assert.deepEqual(
      ['http.request.method', 'http.request.uri', 'http.request.version', 'http.host'].flatMap((f) => text(p, f)),
      ['GET', '/index.html?a=1', 'HTTP/1.1', 'example.com'],
    );
    assert.deepEqual(text(p, 'http.response.code'), []);
    assert.equal(info(p), 'GET /index.html?a=1 HTTP/1.1');
  });

  it('decodes the status line; the body is data', () => {
    const p = decode(eth4(6, B.tcp({ srcPort: 8080, dstPort: 40000, seq: 1, ack: 1, flags: 'PA' }, B.httpResponse(404, 'Not Found', 'nope'))));
    assert.equal(stack(p), 'frame:eth:ip:tcp:http:data');
    assert.deepEqual(
      ['http.response.version', 'http.response.code', 'http.response.phrase'].flatMap((f) => text(p, f)),
      ['HTTP/1.1', '404', 'Not Found'],
    );
    assert.equal(info(p), 'HTTP/1.1 404 Not Found');
  });

  it('finds Host and Content-Length in any case, skipping lines that only look like them', () => {
    const head = (text: string): Packet => decode(overTcp(Uint8Array.from(text, (c) => c.charCodeAt(0))));
    const fields = (p: Packet): string[] => ['http.host', 'http.content_length'].map((f) => text(p, f).join(','));
    assert.deepEqual(fields(head('POST / HTTP/1.1\r\nX-Host: no\r\nHOST:\t  a.example \t\r\ncontent-LENGTH: 12\r\n\r\n')), ['a.example', '12']);
    // A carriage return inside a line is not a line's end: that Host line does not count.
    assert.deepEqual(fields(head('GET / HTTP/1.1\r\nHost: a\rb\r\nhost: c\r\n\r\n')), ['c', '']);
    assert.deepEqual(fields(head('GET / HTTP/1.1\r\nHostname: x\r\nHost: y\r\nContent-Length: 1e3\r\n\r\n')), ['y', '']);
    // Bytes past ASCII are Latin-1; lines may end in a bare line feed; nothing after the empty line is a header.
    assert.deepEqual(fields(head('GET / HTTP/1.0\nHost: caf\xe9\n\n')), ['caf\u00e9', '']);
    assert.deepEqual(fields(head('GET / HTTP/1.1\r\n\r\nHost: body')), ['', '']);
  });

  it('leaves other payloads as data and escapes the Info line', () => {
    assert.equal(stack(decode(overTcp(B.ascii('hello world\r\n')))), 'frame:eth:ip:tcp:data');
    const p = decode(overTcp(B.ascii('GET /\x1b[31m\\ HTTP/1.0\r\n\r\n')));
    assert.equal(info(p), 'GET /\\x1b[31m\\\\ HTTP/1.0');
    assert.deepEqual(text(p, 'http.request.uri'), ['/\x1b[31m\\']);
    survivesTruncation(overTcp(B.httpRequest('GET', '/', 'h')));
  });
});

// ---------------------------------------------------------------- peer corpus

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/peers', import.meta.url));
const present = existsSync(CORPUS);

async function corpusPackets(file: string): Promise<Packet[]> {
  const capture = await loadCapture(`${CORPUS}/${file}`);
  try {
    const ix = capture.index;
    return Array.from({ length: capture.frameCount }, (_, i) => {
      const iface = capture.interfaces[ix.interfaceOf(i)];
      const data = Uint8Array.from(capture.frame(i));
      return decode(data, { number: i + 1, capLen: ix.capLenOf(i), origLen: ix.origLenOf(i), linkType: iface?.linkType ?? 1, interfaceId: ix.interfaceOf(i) });
    });
  } finally {
    capture.close();
  }
}

/**
 * A field's values per packet of `tshark -T json`, in document order. The JSON repeats keys
 * (two "ip" objects, two "ip.addr"), which JSON.parse would collapse, so it is scanned as text.
 */
function tsharkValues(file: string, name: string): string[][] {
  const json = readFileSync(`${CORPUS}/${file}.tshark.json`, 'utf8');
  const key = new RegExp(`"${name.replace(/\./g, '\\.')}": ("(?:[^"\\\\]|\\\\.)*")`, 'g');
  return json
    .split(/"_index":/)
    .slice(1)
    .map((pkt) => [...pkt.matchAll(key)].map((m) => JSON.parse(m[1]!) as string));
}

const NUMBER = /^(?:\d+|0x[0-9a-f]+)$/i;
const norm = (s: string): string => (NUMBER.test(s) ? String(Number(s)) : s);

async function compareWithTshark(file: string, fields: string[]): Promise<Packet[]> {
  const packets = await corpusPackets(file);
  for (const name of fields) {
    const theirs = tsharkValues(file, name);
    assert.equal(theirs.length, packets.length, `${file}: frame count`);
    let seen = 0;
    packets.forEach((p, i) => {
      seen += theirs[i]!.length;
      assert.deepEqual(text(p, name).map(norm), theirs[i]!.map(norm), `${file} frame ${i + 1} ${name}`);
    });
    assert.ok(seen > 0, `${file}: tshark has no ${name}`);
  }
  for (const p of packets) assert.ok(!p.notes.some((n) => n.message.includes('dissector failed')));
  return packets;
}

const ARP_FIELDS = [
  'arp.hw.type',
  'arp.proto.type',
  'arp.hw.size',
  'arp.proto.size',
  'arp.opcode',
  'arp.src.hw_mac',
  'arp.src.proto_ipv4',
  'arp.dst.hw_mac',
  'arp.dst.proto_ipv4',
];
const ICMP_FIELDS = ['icmp.type', 'icmp.code', 'icmp.checksum', 'icmp.checksum.status', 'icmp.ident', 'icmp.ident_le', 'icmp.seq', 'icmp.seq_le'];
const ICMPV6_FIELDS = ['icmpv6.type', 'icmpv6.code', 'icmpv6.checksum', 'icmpv6.checksum.status'];

describe('agreement with TShark 4.0 on the peer corpus', { skip: present ? false : `peer corpus not found at ${CORPUS}` }, () => {
  it('zeek/linuxsll-arp.pcap: ARP over Linux cooked v1', async () => {
    const packets = await compareWithTshark('zeek/linuxsll-arp.pcap', ARP_FIELDS);
    const s = summarize(packets[0]!, registry);
    assert.deepEqual([s.source, s.destination, s.info], ['cc:2d:e0:26:19:99', '', 'Who has 192.168.22.160? Tell 192.168.22.1']);
    assert.equal(info(packets[4]!), 'ARP Announcement for 192.168.22.81');
  });

  it('zeek/linux_dlt_sll2.pcap: ICMP, ICMPv6, ARP and RARP over Linux cooked v2', async () => {
    const packets = await compareWithTshark('zeek/linux_dlt_sll2.pcap', [
      ...ARP_FIELDS,
      ...ICMP_FIELDS,
      ...ICMPV6_FIELDS,
      'icmpv6.echo.identifier',
      'icmpv6.echo.sequence_number',
    ]);
    assert.deepEqual(packets.map(info), [
      'Echo (ping) request  id=0x0008, seq=1/256, ttl=64',
      'Echo (ping) reply    id=0x0008, seq=1/256, ttl=64',
      'Echo (ping) request id=0x0009, seq=1, hop limit=64',
      'Echo (ping) reply id=0x0009, seq=1, hop limit=64',
      'Who has 192.0.2.2? Tell 192.0.2.1',
      'Who is 00:00:00:00:00:00? Tell 8e:36:06:44:ac:af',
    ]);
    assert.deepEqual(packets.map(stack).slice(2, 5), ['frame:sll2:ipv6:icmpv6:data', 'frame:sll2:ipv6:icmpv6:data', 'frame:sll2:arp']);
  });

  it('tcpdump/vxlan.pcap: ARP and ICMP inside VXLAN', async () => {
    const packets = await compareWithTshark('tcpdump/vxlan.pcap', [...ARP_FIELDS, ...ICMP_FIELDS]);
    const arpRow = summarize(packets[1]!, registry);
    assert.deepEqual([arpRow.source, arpRow.destination, arpRow.info], ['00:30:88:01:00:02', 'ff:ff:ff:ff:ff:ff', 'Who has 192.168.203.3? Tell 192.168.203.5']);
    assert.equal(info(packets[2]!), '192.168.203.3 is at 00:16:3e:37:f6:04');
    assert.equal(info(packets[0]!), 'Echo (ping) request  id=0x050c, seq=1/256, ttl=64');
  });

  it('tcpdump/babel.pcap: a hop-by-hop header before an MLDv2 report', async () => {
    const packets = await compareWithTshark('tcpdump/babel.pcap', [
      'ipv6.hopopts.nxt',
      'ipv6.hopopts.len',
      'ipv6.hopopts.len_oct',
      ...ICMPV6_FIELDS,
      'icmpv6.mldr.nb_mcast_records',
    ]);
    assert.equal(stack(packets[24]!), 'frame:sll:ipv6:ipv6.hopopts:icmpv6');
    assert.equal(info(packets[24]!), 'Multicast Listener Report Message v2');
  });

  it('tcpdump/icmp-cksum-oobr-1.pcap: an ICMP error with a bad checksum and a long quoted packet', async () => {
    const [p] = await compareWithTshark('tcpdump/icmp-cksum-oobr-1.pcap', [
      ...ICMP_FIELDS.slice(0, 4),
      'icmp.unused',
      'ip.src',
      'ip.len',
      'udp.srcport',
      'udp.length',
    ]);
    assert.deepEqual(errors(p!), []);
    assert.equal(info(p!), 'Destination unreachable (Port unreachable)');
  });

  it('zeek/pcapng-multi-interface.pcapng: DNS queries and responses', async () => {
    const fields = [
      'dns.id',
      'dns.flags',
      'dns.flags.response',
      'dns.flags.opcode',
      'dns.flags.recdesired',
      'dns.flags.recavail',
      'dns.flags.rcode',
      'dns.count.queries',
      'dns.count.answers',
    ];
    fields.push('dns.count.auth_rr', 'dns.count.add_rr', 'dns.qry.name', 'dns.qry.name.len', 'dns.count.labels', 'dns.qry.type', 'dns.qry.class');
    fields.push('dns.resp.name', 'dns.resp.type', 'dns.resp.class', 'dns.resp.ttl', 'dns.resp.len', 'dns.a', 'dns.aaaa', 'dns.cname');
    const packets = await compareWithTshark('zeek/pcapng-multi-interface.pcapng', fields);
    assert.deepEqual(packets.map(info).slice(0, 3), [
      'Standard query 0x4fe8 A www.apple.com OPT',
      'Standard query response 0x4fe8 A www.apple.com CNAME www-apple-com.v.aaplimg.com CNAME www.apple.com.edgekey.net CNAME e6858.dsce9.akamaiedge.net A 23.194.101.24 OPT',
      'Standard query 0x0004 A google.com',
    ]);
  });

  it('tcpdump/nsh-over-vxlan-gpe.pcap: VXLAN-GPE carrying NSH (MD type 2) and IPv4/UDP', async () => {
    const fields = [
      'vxlan.flags',
      'vxlan.ver',
      'vxlan.i_bit',
      'vxlan.p_bit',
      'vxlan.o_bit',
      'vxlan.flags_reserved',
      'vxlan.reserved_16',
      'vxlan.next_proto',
      'vxlan.vni',
      'vxlan.reserved8',
    ];
    fields.push('nsh.version', 'nsh.Obit', 'nsh.CBit', 'nsh.ttl', 'nsh.length', 'nsh.mdtype', 'nsh.nextproto', 'nsh.spi', 'nsh.si');
    fields.push('nsh.metadataclass', 'nsh.metadatatype', 'nsh.metadataunassignedbit', 'nsh.metadatalen', 'nsh.metadata', 'ip.src', 'udp.dstport');
    const [p] = await compareWithTshark('tcpdump/nsh-over-vxlan-gpe.pcap', fields);
    assert.equal(stack(p!), 'frame:eth:ip:udp:vxlan-gpe:nsh:ip:udp:data');
    assert.equal(summarize(p!, registry).tunnel?.kind, 'VXLAN-GPE');
  });
});
