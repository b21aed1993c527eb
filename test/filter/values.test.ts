import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  bytesEqual,
  compareBytes,
  compareTime,
  indexOfBytes,
  parseBytes,
  parseInteger,
  parseIpv4,
  parseIpv6,
  parseMac,
  parseNumber,
  parseTime,
  prefixEqual,
} from '../../src/filter/values.js';

const hex = (s: string): number[] => (s.match(/../g) ?? []).map((h) => parseInt(h, 16));
const v6 = (s: string): number[] | undefined => {
  const b = parseIpv6(s);
  return b ? [...b] : undefined;
};

describe('filter literals', () => {
  it('reads integers in decimal, hex and binary (a leading 0 is decimal)', () => {
    assert.equal(parseInteger('10'), 10);
    assert.equal(parseInteger('010'), 10);
    assert.equal(parseInteger('0x1F'), 31);
    assert.equal(parseInteger('0b1010'), 10);
    assert.equal(parseInteger('-5'), -5);
    assert.equal(parseInteger('4294967295'), 4294967295);
    for (const bad of ['', '1.5', '0x', 'ten', '1e3', '99999999999999999999']) assert.equal(parseInteger(bad), undefined, bad);
    assert.equal(parseNumber('1.5'), 1.5);
    assert.equal(parseNumber('.5'), 0.5);
    assert.equal(parseNumber('1e3'), 1000);
    assert.equal(parseNumber('1.2.3'), undefined);
  });

  it('reads times as seconds and nanoseconds', () => {
    assert.deepEqual(parseTime('1700000000.5'), { sec: 1700000000, nsec: 500000000 });
    assert.deepEqual(parseTime('12'), { sec: 12, nsec: 0 });
    assert.deepEqual(parseTime('0.000000001'), { sec: 0, nsec: 1 });
    assert.deepEqual(parseTime('-1.25'), { sec: -1, nsec: -250000000 });
    assert.equal(parseTime('.'), undefined);
    assert.equal(parseTime('x'), undefined);
    assert.equal(compareTime('1700000000.500000000', 1700000000, 500000000), 0);
    assert.ok(compareTime('1700000000.499999999', 1700000000, 500000000) < 0);
    assert.ok(compareTime('1700000001.000000000', 1700000000, 500000000) > 0);
    assert.ok(compareTime('-1.500000000', -1, -250000000) < 0);
  });

  it('reads IPv4 addresses', () => {
    assert.equal(parseIpv4('172.20.2.30'), 0xac14021e);
    assert.equal(parseIpv4('255.255.255.255'), 0xffffffff);
    for (const bad of ['1.2.3', '1.2.3.256', '1.2.3.4.5', '1..2.3', 'a.b.c.d']) assert.equal(parseIpv4(bad), undefined, bad);
  });

  it('reads IPv6 addresses with :: and dotted tails', () => {
    assert.deepEqual(v6('::'), hex('00'.repeat(16)));
    assert.deepEqual(v6('::1'), hex('00000000000000000000000000000001'));
    assert.deepEqual(v6('fd00::'), hex('fd000000000000000000000000000000'));
    assert.deepEqual(v6('fe80::8c36:6ff:fe44:acaf'), hex('fe800000000000008c3606fffe44acaf'));
    assert.deepEqual(v6('1:2:3:4:5:6:7:8'), hex('00010002000300040005000600070008'));
    assert.deepEqual(v6('::ffff:10.0.0.1'), hex('00000000000000000000ffff0a000001'));
    assert.deepEqual(v6('1:2:3:4:5:6:1.2.3.4'), hex('00010002000300040005000601020304'));
    for (const bad of ['1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2::3', 'fd00:::1', '12345::', ':1', '1.2.3.4', '::1.2.3']) {
      assert.equal(parseIpv6(bad), undefined, bad);
    }
  });

  it('reads MAC addresses and byte strings', () => {
    const mac = [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff];
    for (const s of ['aa:bb:cc:dd:ee:ff', 'AA-BB-CC-DD-EE-FF', 'aa.bb.cc.dd.ee.ff', 'aabb.ccdd.eeff', 'aabbccddeeff'])
      assert.deepEqual([...parseMac(s)!], mac, s);
    for (const bad of ['aa:bb:cc:dd:ee', 'aa:bb-cc:dd:ee:ff', 'aa:bb:cc:dd:ee:ff:00', 'gg:bb:cc:dd:ee:ff']) assert.equal(parseMac(bad), undefined, bad);
    assert.deepEqual([...parseBytes('0a:1b:2c')!], [0x0a, 0x1b, 0x2c]);
    assert.deepEqual([...parseBytes('0.1.0.d')!], [0, 1, 0, 0xd]);
    assert.deepEqual([...parseBytes('7a')!], [0x7a]);
    assert.deepEqual([...parseBytes('0xff')!], [0xff]);
    for (const bad of ['0x100', 'abc', '0a::1b', 'xy']) assert.equal(parseBytes(bad), undefined, bad);
  });

  it('compares and searches bytes', () => {
    const b = Uint8Array.of(1, 2, 3, 4);
    assert.ok(bytesEqual(b, Uint8Array.of(1, 2, 3, 4)));
    assert.ok(!bytesEqual(b, Uint8Array.of(1, 2, 3)));
    // Wireshark's order: the longer string is the greater, then byte by byte (checked with tshark on slices).
    assert.ok(compareBytes(b, Uint8Array.of(1, 2, 4)) > 0);
    assert.ok(compareBytes(b, Uint8Array.of(1, 2, 3)) > 0);
    assert.ok(compareBytes(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4)) < 0);
    assert.equal(compareBytes(b, Uint8Array.of(1, 2, 3, 4)), 0);
    assert.equal(indexOfBytes(b, Uint8Array.of(3, 4)), 2);
    assert.equal(indexOfBytes(b, Uint8Array.of(4, 5)), -1);
    assert.equal(indexOfBytes(b, new Uint8Array(0)), 0);
    const net = parseIpv6('fd00::')!;
    assert.ok(prefixEqual(parseIpv6('fdff::1')!, net, 8));
    assert.ok(!prefixEqual(parseIpv6('fdff::1')!, net, 9));
    assert.ok(prefixEqual(parseIpv6('fd7f::1')!, net, 9));
    assert.ok(prefixEqual(parseIpv6('::1')!, net, 0));
  });
});
