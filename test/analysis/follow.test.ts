// FollowStream on its own: TCP bytes put back in order however the segments arrived, gaps the
// receiver acknowledged, the byte cap the UI uses, and a router's UDP copies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FollowStream, type StreamSegment } from '../../src/analysis/follow.js';

const C = { address: '10.0.0.1', port: 40000 };
const S = { address: '10.0.0.2', port: 80 };
const ACK = 0x10;
const SYN = 0x02;

function seg(
  from: 'c' | 's',
  seq: number,
  text: string,
  o: { ack?: number; flags?: number; frame?: number; seenAt?: string; ipId?: number; sec?: number } = {},
): StreamSegment {
  const data = Buffer.from(text, 'latin1');
  return {
    src: from === 'c' ? C : S,
    dst: from === 'c' ? S : C,
    frame: o.frame ?? 0,
    sec: o.sec ?? 0,
    nsec: 0,
    data: new Uint8Array(data),
    seq: seq >>> 0,
    ack: (o.ack ?? 0) >>> 0,
    flags: o.flags ?? ACK,
    length: data.length,
    seenAt: o.seenAt ?? 'eth0|0',
    ipId: o.ipId ?? 0,
  };
}

const text = (f: FollowStream, node?: 0 | 1): string =>
  f.chunks
    .filter((c) => node === undefined || c.node === node)
    .map((c) => (c.missing !== undefined ? `[${c.missing} missing]` : Buffer.from(c.data).toString('latin1')))
    .join('');

describe('FollowStream', () => {
  it('puts 20,000 shuffled segments back in order, each byte once', () => {
    const f = new FollowStream('tcp');
    f.add(seg('c', 999, '', { flags: SYN }));
    const n = 20_000;
    const order = Array.from({ length: n }, (_, i) => i);
    // A fixed shuffle (LCG) so the test is the same on every run.
    let x = 12345;
    for (let i = n - 1; i > 0; i--) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const j = x % (i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const i of order) f.add(seg('c', 1000 + i * 5, String(i % 100000).padStart(5, '0'), { frame: i + 2 }));
    // Every segment again: all of it was delivered, nothing is added.
    for (let i = 0; i < n; i++) f.add(seg('c', 1000 + i * 5, String(i % 100000).padStart(5, '0')));
    const want = Array.from({ length: n }, (_, i) => String(i).padStart(5, '0')).join('');
    assert.equal(text(f), want);
    assert.equal(f.bytes[0], n * 5);
    assert.equal(f.waiting, 0);
    assert.equal(f.repeated, n);
  });

  it('wraps around the 32-bit sequence space', () => {
    const f = new FollowStream('tcp');
    f.add(seg('c', 0xfffffffa, 'abcdef'));
    f.add(seg('c', 4, 'klm'));
    f.add(seg('c', 0, 'ghij'));
    assert.equal(text(f), 'abcdefghijklm');
  });

  it('marks the bytes the capture missed once the receiver acknowledges past them', () => {
    const f = new FollowStream('tcp');
    f.add(seg('c', 100, 'one'));
    f.add(seg('c', 110, 'three'));
    assert.equal(text(f), 'one');
    assert.equal(f.waiting, 1);
    // The server acknowledges only up to the gap: nothing is known to be missing yet.
    f.add(seg('s', 500, '', { ack: 103 }));
    assert.equal(text(f), 'one');
    f.add(seg('s', 500, 'ok', { ack: 115 }));
    assert.equal(text(f), 'one[7 missing]threeok');
    assert.equal(f.waiting, 0);
  });

  it('keeps at most maxBytes and says the rest was cut, still counting it', () => {
    const f = new FollowStream('tcp', 10);
    f.add(seg('c', 0, 'abcdef'));
    f.add(seg('c', 6, 'ghijkl'));
    f.add(seg('s', 0, 'xy'));
    assert.equal(text(f), 'abcdef');
    assert.ok(f.cut);
    assert.deepEqual(f.bytes, [12, 2]);
  });

  it("counts a router's second copy of a UDP datagram once, and a datagram sent twice twice", () => {
    const f = new FollowStream('udp');
    f.add(seg('c', 0, 'query', { seenAt: 'eth1|1', ipId: 7 }));
    f.add(seg('c', 0, 'query', { seenAt: 'eth0|2', ipId: 7 }));
    f.add(seg('s', 0, 'answer', { seenAt: 'eth0|1', ipId: 9 }));
    f.add(seg('s', 0, 'answer', { seenAt: 'eth1|2', ipId: 9 }));
    // The client asks again: a new datagram on the same interface.
    f.add(seg('c', 0, 'query', { seenAt: 'eth1|1', ipId: 8 }));
    f.add(seg('c', 0, 'query', { seenAt: 'eth1|1', ipId: 8 }));
    assert.deepEqual(
      f.chunks.map((c) => [c.node, Buffer.from(c.data).toString()]),
      [
        [0, 'query'],
        [1, 'answer'],
        [0, 'query'],
        [0, 'query'],
      ],
    );
    assert.equal(f.repeated, 2);
  });

  it('takes the first-arrived of the waiting segments that fit, as tshark does', () => {
    const f = new FollowStream('tcp');
    f.add(seg('c', 100, '', { flags: SYN }));
    f.add(seg('c', 121, '2'.repeat(20)));
    f.add(seg('c', 111, '1'.repeat(20)));
    f.add(seg('c', 116, 'X'.repeat(30)));
    f.add(seg('c', 101, '0'.repeat(10)));
    assert.deepEqual(
      f.chunks.map((c) => Buffer.from(c.data).toString()),
      ['0'.repeat(10), '1'.repeat(20), '2'.repeat(10), 'X'.repeat(5)],
    );
  });

  it('marks every gap below one acknowledgement, and delivers what follows each', () => {
    const f = new FollowStream('tcp');
    f.add(seg('c', 101, 'A'.repeat(100)));
    f.add(seg('c', 301, 'C'.repeat(100)));
    f.add(seg('c', 501, 'E'.repeat(100)));
    f.add(seg('s', 900, '', { ack: 601 }));
    assert.equal(text(f), `${'A'.repeat(100)}[100 missing]${'C'.repeat(100)}[100 missing]${'E'.repeat(100)}`);
  });

  it('counts a datagram sent again a second later as new, even when each copy alternates interfaces', () => {
    const f = new FollowStream('udp');
    for (let k = 0; k < 4; k++) {
      f.add(seg('c', 0, 'HEARTBEAT\n', { seenAt: 'eth1|1', sec: k }));
      f.add(seg('c', 0, 'HEARTBEAT\n', { seenAt: 'eth0|2', sec: k }));
    }
    assert.equal(f.chunks.length, 4);
    assert.equal(f.repeated, 4);
  });

  it('still counts the bytes after the cap, those waiting past a gap included', () => {
    const f = new FollowStream('tcp', 1000);
    f.add(seg('c', 0, 'x'.repeat(10)));
    for (let k = 0; k < 198; k++) f.add(seg('c', 30 + k * 10, 'y'.repeat(10)));
    f.add(seg('c', 10, 'z'.repeat(20)));
    assert.ok(f.cut);
    assert.equal(f.bytes[0], 10 + 1980);
  });
});
