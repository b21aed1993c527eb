export type CaptureFormat = 'pcap' | 'pcapng';
export type ByteOrder = 'little-endian' | 'big-endian';

/** Direction as pcapng's epb_flags records it; SLL packet types map onto it too. */
export const Direction = {
  Unknown: 0,
  Inbound: 1,
  Outbound: 2,
} as const;
export type Direction = (typeof Direction)[keyof typeof Direction];

export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  /** DLT_RAW as OpenBSD and BSD/OS number it, in files written there: raw IP like 101. */
  RAW_OPENBSD: 12,
  RAW_BSDOS: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/** Time stamp resolution of an interface: units per second are base^exponent. */
export interface TsResolution {
  base: 10 | 2;
  exponent: number;
}

export interface CaptureInterface {
  /** Position among every interface of the file, across sections (what frames refer to). */
  id: number;
  section: number;
  /** Interface id inside its own section, as the packet blocks name it. */
  localId: number;
  name?: string;
  description?: string;
  linkType: number;
  snaplen: number;
  tsResolution: TsResolution;
  /** Seconds added to every time stamp (if_tsoffset). */
  tsOffset: number;
  packets: number;
}

export interface SectionInfo {
  offset: number;
  byteOrder: ByteOrder;
  version: string;
  hardware?: string;
  os?: string;
  userAppl?: string;
  /** opt_comment of the section header (capinfos' "Capture comment"). */
  comments?: string[];
}

export interface CaptureInfo {
  format: CaptureFormat;
  byteOrder: ByteOrder;
  version: string;
  /** Classic pcap only: the link-type field's FCS length in bytes when the P bit is set. */
  fcsBytes?: number;
  snaplen: number;
  sections: SectionInfo[];
}

/** Digits after the decimal point that a resolution can express (9 at most: we keep nanoseconds). */
export function resolutionDigits(r: TsResolution): number {
  if (r.base === 10) return Math.min(r.exponent, 9);
  return Math.min(Math.ceil(r.exponent * Math.log10(2)), 9);
}

export function resolutionName(r: TsResolution): string {
  if (r.base === 10) {
    const names: Record<number, string> = { 0: 'seconds', 3: 'milliseconds', 6: 'microseconds', 9: 'nanoseconds', 12: 'picoseconds' };
    return names[r.exponent] ?? `10^-${r.exponent} s`;
  }
  return `2^-${r.exponent} s`;
}
