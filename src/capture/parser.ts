import type { FrameIndex } from './frame-index.js';
import { Direction, LinkType, type CaptureInfo, type CaptureInterface } from './types.js';

/** Everything a format parser writes into while it walks the bytes. */
export interface ParseTarget {
  index: FrameIndex;
  interfaces: CaptureInterface[];
  warnings: string[];
  info?: CaptureInfo;
  /** pcapng packet comments (opt_comment), by frame position. */
  comments?: Map<number, string[]>;
  /** Set when the input ends inside a record: why, and where. */
  truncated?: string;
  /** Called with each frame's bytes as soon as it is indexed; the view is only valid during the call. */
  onFrame?: (position: number, data: Uint8Array) => void;
}

/**
 * A format parser consumes whole units (header, record, block) from a window of the file
 * and reports how many bytes it needs to make progress; the driver feeds it more.
 */
export interface FormatParser {
  /** Parses what it can of buf[start, end), which begins at file offset fileOffset; returns the new position. */
  parse(buf: Uint8Array, start: number, end: number, fileOffset: number): number;
  /** Bytes the next unit needs at the current position. */
  readonly need: number;
  /** File offset where the unit that `need` describes starts. */
  readonly unitOffset: number;
}

/** Hard limit on one record, whatever the headers claim. */
export const MAX_RECORD = 256 * 1024 * 1024;
/** libpcap's MAXIMUM_SNAPLEN: no ordinary link type captures more per packet. */
export const MAX_SNAPLEN = 262144;

/**
 * Indexes one frame and reads the direction (and SLL2 interface index) that Linux cooked
 * headers record, so hops and filters need not dissect frames to know them.
 */
export function indexFrame(
  t: ParseTarget,
  iface: CaptureInterface,
  buf: Uint8Array,
  dataStart: number,
  fileOffset: number,
  capLen: number,
  origLen: number,
  sec: number,
  nsec: number,
  direction: Direction,
  untimed = false,
): void {
  let dir = direction;
  let ifindex = -1;
  const lt = iface.linkType;
  if (lt === LinkType.LINUX_SLL && capLen >= 16) {
    const pktType = (buf[dataStart]! << 8) | buf[dataStart + 1]!;
    if (dir === Direction.Unknown) dir = cookedDirection(pktType);
  } else if (lt === LinkType.LINUX_SLL2 && capLen >= 20) {
    if (dir === Direction.Unknown) dir = cookedDirection(buf[dataStart + 10]!);
    ifindex = ((buf[dataStart + 4]! << 24) | (buf[dataStart + 5]! << 16) | (buf[dataStart + 6]! << 8) | buf[dataStart + 7]!) >>> 0;
  }
  const i = t.index.add(fileOffset, capLen, origLen, sec, nsec, iface.id, dir, untimed);
  if (ifindex >= 0) t.index.setIfindex(i, ifindex);
  iface.packets++;
  t.onFrame?.(i, buf.subarray(dataStart, dataStart + capLen));
}

/** SLL packet type 4 is "sent by us"; 0-3 were received (to us, broadcast, multicast, other host). */
function cookedDirection(pktType: number): Direction {
  if (pktType === 4) return Direction.Outbound;
  if (pktType <= 3) return Direction.Inbound;
  return Direction.Unknown;
}
