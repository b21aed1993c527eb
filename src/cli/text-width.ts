// Columns a string takes on a terminal, for yargs' help layout. The bundle uses it instead of the
// string-width package, whose module builds Unicode-property regular expressions (RGI_Emoji and
// others) as it loads: 20 ms of every command's start-up, for help text that is ASCII.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]|\u001b\]8;;[^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

// East Asian wide and fullwidth ranges (UAX #11) and the emoji blocks: two columns each.
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

function columnsOf(code: number): number {
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 0;
  // Combining marks and zero-width characters (joiners, variation selectors) add no column.
  if ((code >= 0x300 && code <= 0x36f) || (code >= 0x200b && code <= 0x200f) || (code >= 0xfe00 && code <= 0xfe0f)) return 0;
  for (const [from, to] of WIDE) if (code >= from && code <= to) return 2;
  return 1;
}

export default function textWidth(text: string): number {
  if (typeof text !== 'string' || text.length === 0) return 0;
  let width = 0;
  for (const ch of text.replace(ANSI, '')) width += columnsOf(ch.codePointAt(0)!);
  return width;
}
