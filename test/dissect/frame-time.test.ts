// frame.time is worked out once per second of capture time; a change of TZ inside the process
// (a library user, a test) must still show, digits and zone name alike.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { fieldValues } from '../../src/dissect/values.js';
import type { FrameMeta } from '../../src/dissect/types.js';
import { readTimeZoneAgain, writeFixed9 } from '../../src/dissect/frame-bytes.js';
import { TextBytes } from '../../src/dissect/text-bytes.js';
import { writeTreeBytes } from '../../src/dissect/tree-bytes.js';
import { prng } from '../helpers/prng.js';

const registry = createRegistry();

function arrival(sec: number, nsec: number): string {
  const meta: FrameMeta = { number: 1, sec, nsec, capLen: 0, origLen: 0, linkType: 1, interfaceId: 0, direction: 0 };
  return String(fieldValues(dissect(new Uint8Array(0), meta, registry), registry, 'frame.time')[0]);
}

/** Runs `body` with TZ as it sets it, then puts TZ back as it was. */
function keepingTz(body: () => void): void {
  const before = process.env.TZ;
  try {
    body();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

describe('frame.time', () => {
  it('follows TZ when it changes between packets of the same second', (t) => {
    if (!existsSync('/usr/share/zoneinfo/Asia/Tokyo')) {
      t.skip('no zone file for Asia/Tokyo');
      return;
    }
    keepingTz(() => {
      process.env.TZ = 'UTC';
      assert.equal(arrival(1700000000, 5), 'Nov 14, 2023 22:13:20.000000005 UTC');
      process.env.TZ = 'Asia/Tokyo';
      assert.equal(arrival(1700000000, 6), 'Nov 15, 2023 07:13:20.000000006 JST');
      process.env.TZ = 'UTC';
      assert.equal(arrival(1700000000, 7), 'Nov 14, 2023 22:13:20.000000007 UTC');
    });
  });

  it("in -V's bytes, follows TZ from one printing run to the next and from one second to the next", (t) => {
    if (!existsSync('/usr/share/zoneinfo/Asia/Tokyo')) {
      t.skip('no zone file for Asia/Tokyo');
      return;
    }
    const arrivalLine = (sec: number, nsec: number): string => {
      const meta: FrameMeta = { number: 1, sec, nsec, capLen: 0, origLen: 0, linkType: 1, interfaceId: 0, direction: 0 };
      const out = new TextBytes(16);
      writeTreeBytes(out, dissect(new Uint8Array(0), meta, registry), registry);
      return /Arrival Time: (.*)/.exec(out.buffer.toString('utf8', 0, out.length))![1]!;
    };
    keepingTz(() => {
      process.env.TZ = 'UTC';
      readTimeZoneAgain();
      assert.equal(arrivalLine(1700000000, 5), 'Nov 14, 2023 22:13:20.000000005 UTC');
      process.env.TZ = 'Asia/Tokyo';
      // The same second in a new printing run (a printer reads TZ again as it starts).
      readTimeZoneAgain();
      assert.equal(arrivalLine(1700000000, 6), 'Nov 15, 2023 07:13:20.000000006 JST');
      // The next second, without being told.
      process.env.TZ = 'UTC';
      assert.equal(arrivalLine(1700000001, 7), 'Nov 14, 2023 22:13:21.000000007 UTC');
    });
  });
});

describe("-V's frame.time_delta and frame.time_relative", () => {
  const written = (seconds: number): string => {
    const out = new TextBytes(16);
    writeFixed9(out, seconds);
    return out.buffer.toString('latin1', 0, out.length);
  };

  it('are toFixed(9) of the seconds, computed as frame-meta computes them or not', () => {
    const random = prng(0x9e3779b9);
    const values = [0, -0, 1e-12, -1e-12, 5e-10, -5e-10, 1.0000000005, 999999.9999999995, 1e6, -1e6, 1e6 - 1e-9, 2 ** 40, NaN, Infinity, -Infinity];
    for (let i = 0; i < 20_000; i++) {
      // A time between two frames: whole seconds and nanoseconds, either order, up to years apart.
      const span = 10 ** Math.floor(random() * 10);
      const [s1, s2] = [Math.floor(random() * span), Math.floor(random() * span)];
      const [n1, n2] = [Math.floor(random() * 1e9), Math.floor(random() * 1e9)];
      values.push(s1 - s2 + (n1 - n2) / 1e9);
      // And doubles with no whole number of nanoseconds in them.
      values.push((random() - 0.5) * 10 ** (random() * 14 - 6));
    }
    let fast = 0;
    for (const v of values) {
      assert.equal(written(v), v.toFixed(9), `${v}`);
      if (Math.abs(v) < 1e6 && Math.abs(v * 1e9 - Math.round(v * 1e9)) < 0.01) fast++;
    }
    assert.ok(fast > 10_000, `only ${fast} values took the path without toFixed`);
  });
});
