// A frame's sighting row gives back what was written into it: interface names (the empty one
// too), IPv4 addresses past 2^31 (kept as signed numbers), IPv6 addresses as ids in the string
// table, which starts over when it grows and tells its reader what it added.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Facts } from '../../src/analysis/facts.js';
import type { Packet } from '../../src/dissect/types.js';
import { ROW, SightingStrings, dstOf, ifaceOf, outerDstOf, outerSrcOf, srcOf, writeSighting } from '../../src/journey/sighting-rows.js';

const NO_BYTES = { data: new Uint8Array(0), layers: [] } as unknown as Packet;
const V6 = '20010db8000000000000000000000001';

function facts(iface: string | undefined, src: number | string, dst: number | string): Facts {
  const f = new Facts();
  f.iface = iface;
  f.outer.present = true;
  f.outer.src = src;
  f.outer.dst = dst;
  f.outer.proto = 1;
  return f;
}

describe('sighting rows', () => {
  it('give back interface names, the empty one included, and addresses of both kinds', () => {
    const strings = new SightingStrings();
    const rows = new Float64Array(3 * ROW);
    writeSighting(rows, 0, strings, 0, 0, 1, facts('', 0xc0a80001 | 0, V6), NO_BYTES, undefined, 'merge');
    writeSighting(rows, ROW, strings, 1, 5, 2, facts('eth0', V6, -1), NO_BYTES, undefined, 'merge');
    writeSighting(rows, 2 * ROW, strings, 1, 6, 3, facts(undefined, 7, 8), NO_BYTES, undefined, 'merge');
    assert.deepEqual(
      [0, ROW, 2 * ROW].map((at) => [ifaceOf(rows, at, strings.list), srcOf(rows, at, strings.list), dstOf(rows, at, strings.list)]),
      [
        ['', 0xc0a80001 | 0, V6],
        ['eth0', V6, -1],
        [undefined, 7, 8],
      ],
    );
    assert.deepEqual([outerSrcOf(rows, ROW, strings.list), outerDstOf(rows, ROW, strings.list)], [V6, -1]);
  });

  it('start the string table over when it grows, and say what each batch added', () => {
    const strings = new SightingStrings();
    assert.deepEqual([strings.id('a'), strings.id(''), strings.id('a'), strings.id('b')], [0, 1, 0, 2]);
    assert.deepEqual(strings.unsent(), ['a', '', 'b']);
    assert.equal(strings.renew(3), false);
    assert.equal(strings.id('c'), 3);
    assert.equal(strings.renew(3), true);
    assert.deepEqual([strings.id(''), strings.id('c'), strings.id('')], [0, 1, 0]);
    assert.deepEqual(strings.unsent(), ['', 'c']);
    assert.deepEqual(strings.unsent(), []);
  });
});
