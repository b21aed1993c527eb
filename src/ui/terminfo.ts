// ncurses 6.1+ can write compiled terminfo entries in a "32-bit" format (magic 01036) in
// which every number takes four bytes instead of two; Debian's ncurses 6.4 does so for
// xterm-256color and other entries with large numbers. blessed only reads the legacy format
// (magic 0432): it fails with "Terminfo parse error" and falls back to a stale built-in copy
// (or to plain xterm, 8 colours, for tmux-256color and most others). This rewrites a 32-bit
// entry into the legacy layout (numbers clamped to 16 bits as ncurses itself does when it
// downgrades), so blessed reads the terminal's real capabilities without a warning.

const MAGIC_LEGACY = 0o432;
const MAGIC_32BIT = 0o1036;
const MAX_SHORT = 0x7fff;

function clampNumber(v: number): number {
  // -1 (absent) and -2 (cancelled) keep their meaning; larger values saturate.
  if (v < 0) return v & 0xffff;
  return Math.min(v, MAX_SHORT);
}

/** Copies `count` 4-byte numbers from `data` at `from` into 2-byte numbers; returns the bytes. */
function shrinkNumbers(data: Uint8Array, from: number, count: number): Uint8Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(count * 2);
  const ov = new DataView(out.buffer);
  for (let k = 0; k < count; k++) ov.setUint16(k * 2, clampNumber(view.getInt32(from + k * 4, true)), true);
  return out;
}

function concat(parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}

/**
 * Returns the entry in the legacy 16-bit layout: unchanged when it already is one, converted
 * when it is a 32-bit entry, unchanged (for blessed to reject) when it is neither or is cut short.
 */
export function legacyTerminfo(data: Buffer): Buffer {
  if (data.length < 12) return data;
  const u16 = (o: number): number => data.readUInt16LE(o);
  if (u16(0) !== MAGIC_32BIT) return data;
  const namesSize = u16(2);
  const boolCount = u16(4);
  const numCount = u16(6);
  const strCount = u16(8);
  const strTableSize = u16(10);
  let i = 12 + namesSize + boolCount;
  if (i % 2) i++;
  const numbersAt = i;
  const stringsAt = numbersAt + numCount * 4;
  let end = stringsAt + strCount * 2 + strTableSize;
  if (end > data.length) return data;
  const header = Buffer.from(data.subarray(0, 12));
  header.writeUInt16LE(MAGIC_LEGACY, 0);
  const parts: Uint8Array[] = [header, data.subarray(12, numbersAt), shrinkNumbers(data, numbersAt, numCount), data.subarray(stringsAt, end)];
  // The extended section (user-defined capabilities such as Tc, Ms, RGB) follows on an even offset.
  if (end % 2 && end < data.length) {
    parts.push(data.subarray(end, end + 1));
    end++;
  }
  if (end + 10 <= data.length) {
    const extBools = u16(end);
    const extNums = u16(end + 2);
    let j = end + 10 + extBools;
    if (j % 2) j++;
    if (j + extNums * 4 <= data.length) {
      parts.push(data.subarray(end, j), shrinkNumbers(data, j, extNums), data.subarray(j + extNums * 4));
    }
  }
  return concat(parts);
}

interface TputPrototype {
  parseTerminfo(this: unknown, data: Buffer, file: string): unknown;
  __vxsharkLegacy?: boolean;
}

/** Teaches blessed's terminfo parser the 32-bit format; idempotent. */
export function patchTput(Tput: { prototype: TputPrototype }): void {
  const proto = Tput.prototype;
  if (proto.__vxsharkLegacy) return;
  const original = proto.parseTerminfo;
  proto.parseTerminfo = function (this: unknown, data: Buffer, file: string) {
    return original.call(this, legacyTerminfo(data), file);
  };
  proto.__vxsharkLegacy = true;
}
