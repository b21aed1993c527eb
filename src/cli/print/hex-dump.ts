const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** tshark's -x layout: offset, 16 bytes in two groups of 8, and the printable ASCII. */
export function hexDump(data: Uint8Array): string[] {
  const lines: string[] = [];
  for (let off = 0; off < data.length; off += 16) {
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      const b = data[off + i];
      if (i === 8) hex += ' ';
      hex += b === undefined ? '   ' : HEX[b]! + ' ';
      if (b !== undefined) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`${off.toString(16).padStart(4, '0')}  ${hex} ${ascii}`);
  }
  return lines;
}
