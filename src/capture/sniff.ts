import { VxError, msg } from '../errors.js';
import { BT_SHB } from './pcapng.js';
import { PCAP_MAGIC_KUZNETZOV, PCAP_MAGIC_NS, PCAP_MAGIC_US } from './pcap.js';
import type { CaptureFormat } from './types.js';

const bswap = (n: number): number => (((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24)) >>> 0;

const OTHER_MAGICS: Record<number, string> = {
  0xa1b234cd: 'pcap variant with reserved magic (Mesquita)',
  0xa12b3c4d: 'Navtel nanosecond pcap variant',
  [PCAP_MAGIC_KUZNETZOV]: 'Kuznetzov-patched pcap (24-byte record headers)',
};

/** Decides the format from the first four bytes, or explains why the input is not a capture. */
export function sniffFormat(head: Uint8Array): CaptureFormat {
  const be = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
  for (const magic of [be, bswap(be)]) {
    if (magic === PCAP_MAGIC_US || magic === PCAP_MAGIC_NS) return 'pcap';
    if (magic === BT_SHB) return 'pcapng';
    const other = OTHER_MAGICS[magic];
    if (other) throw new VxError('input', msg.unsupportedMagic(magic, other));
  }
  const compressed = compressionOf(head);
  if (compressed) throw new VxError('input', msg.compressed(compressed));
  if (looksLikeText(head)) throw new VxError('input', msg.notCapture(true));
  throw new VxError('input', msg.unknownMagic(be));
}

/** Compressed and archive formats, by their magic numbers (gzip is decompressed before this). */
function compressionOf(h: Uint8Array): string | undefined {
  if (h[0] === 0x1f && h[1] === 0x8b) return 'gzip-compressed';
  if (h[0] === 0xfd && h[1] === 0x37 && h[2] === 0x7a && h[3] === 0x58) return 'xz-compressed';
  if (h[0] === 0x28 && h[1] === 0xb5 && h[2] === 0x2f && h[3] === 0xfd) return 'zstd-compressed';
  if (h[0] === 0x42 && h[1] === 0x5a && h[2] === 0x68) return 'bzip2-compressed';
  if (h[0] === 0x50 && h[1] === 0x4b && h[2] === 0x03 && h[3] === 0x04) return 'a zip archive';
  if (h[0] === 0x5d && h[1] === 0x00 && h[2] === 0x00) return 'lzma-compressed';
  return undefined;
}

function looksLikeText(head: Uint8Array): boolean {
  for (const b of head) {
    const printable = (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d;
    if (!printable) return false;
  }
  return head.length > 0;
}
