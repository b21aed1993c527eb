import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hexDumpBytes, hexDumpInto, hexDumpText } from '../../src/cli/print/hex-dump.js';

/** Deterministic bytes covering every value, printable or not. */
function bytes(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) & 255);
}

describe('-x byte dump written as bytes', () => {
  // -x alone writes the dump straight into the output buffer; it must be the text dump, byte for byte.
  for (const n of [1, 15, 16, 17, 60, 1514, 65_536 + 20, 1_048_576 + 3]) {
    it(`${n} bytes: the same lines as the text dump, within the size it reserves`, () => {
      const data = bytes(n);
      const out = new Uint8Array(hexDumpBytes(n));
      const end = hexDumpInto(data, out, 0);
      assert.ok(end <= out.length, `${end} <= ${out.length}`);
      assert.equal(Buffer.from(out.subarray(0, end)).toString('latin1'), hexDumpText(data) + '\n');
    });
  }

  it('offsets past 0xffff take as many digits as they need', () => {
    const out = new Uint8Array(hexDumpBytes(65_552));
    const text = Buffer.from(out.subarray(0, hexDumpInto(bytes(65_552), out, 0))).toString('latin1');
    const lines = text.trimEnd().split('\n');
    assert.match(lines[4095]!, /^fff0 {2}/);
    assert.match(lines[4096]!, /^10000 {2}/);
  });
});
