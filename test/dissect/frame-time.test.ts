// frame.time is worked out once per second of capture time; a change of TZ inside the process
// (a library user, a test) must still show, digits and zone name alike.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { fieldValues } from '../../src/dissect/values.js';
import type { FrameMeta } from '../../src/dissect/types.js';

const registry = createRegistry();

function arrival(sec: number, nsec: number): string {
  const meta: FrameMeta = { number: 1, sec, nsec, capLen: 0, origLen: 0, linkType: 1, interfaceId: 0, direction: 0 };
  return String(fieldValues(dissect(new Uint8Array(0), meta, registry), registry, 'frame.time')[0]);
}

describe('frame.time', () => {
  it('follows TZ when it changes between packets of the same second', (t) => {
    if (!existsSync('/usr/share/zoneinfo/Asia/Tokyo')) {
      t.skip('no zone file for Asia/Tokyo');
      return;
    }
    const before = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      assert.equal(arrival(1700000000, 5), 'Nov 14, 2023 22:13:20.000000005 UTC');
      process.env.TZ = 'Asia/Tokyo';
      assert.equal(arrival(1700000000, 6), 'Nov 15, 2023 07:13:20.000000006 JST');
      process.env.TZ = 'UTC';
      assert.equal(arrival(1700000000, 7), 'Nov 14, 2023 22:13:20.000000007 UTC');
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});
