import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hexDumpBytes, hexDumpInto } from '../../src/cli/print/hex-dump.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Each byte as the ASCII column shows it: printable ASCII as itself, anything else as '.'. */
const SHOWN = Array.from({ length: 256 }, (_, b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'));
const OFFSETS = Array.from({ length: 4096 }, (_, i) => (i * 16).toString(16).padStart(4, '0'));

/** The reference: tshark's -x layout made as text, lines separated by '\n' (no final newline). */
function hexDumpText(data: Uint8Array): string {
  let text = '';
  for (let off = 0; off < data.length; off += 16) {
    const end = Math.min(off + 16, data.length);
    let hex = HEX[data[off]!]!;
    let ascii = SHOWN[data[off]!]!;
    for (let i = off + 1; i < end; i++) {
      hex += ' ' + HEX[data[i]!]!;
      ascii += SHOWN[data[i]!]!;
    }
    const row = off >>> 4;
    text += `${off ? '\n' : ''}${row < OFFSETS.length ? OFFSETS[row] : off.toString(16).padStart(4, '0')}  ${end - off === 16 ? hex : hex.padEnd(47)}   ${ascii}`;
  }
  return text;
}

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

  it('dumps packets one after another into one buffer, from any position (odd ones too)', () => {
    const packets = [bytes(61), bytes(1514), bytes(16), bytes(333)];
    const out = new Uint8Array(packets.reduce((n, p) => n + hexDumpBytes(p.length), 3));
    let at = 3;
    for (const p of packets) at = hexDumpInto(p, out, at);
    assert.equal(Buffer.from(out.subarray(3, at)).toString('latin1'), packets.map((p) => hexDumpText(p) + '\n').join(''));
  });
});
