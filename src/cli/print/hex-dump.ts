const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** tshark's -x layout: offset, 16 bytes, three spaces, the printable ASCII. */
export function hexDump(data: Uint8Array): string[] {
  const lines: string[] = [];
  for (let off = 0; off < data.length; off += 16) {
    const row = data.subarray(off, off + 16);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < row.length; i++) {
      const b = row[i]!;
      hex += (i ? ' ' : '') + HEX[b];
      ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`${off.toString(16).padStart(4, '0')}  ${hex.padEnd(47)}   ${ascii}`);
  }
  return lines;
}
