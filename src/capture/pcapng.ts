import { VxError, msg } from '../errors.js';
import { indexFrame, MAX_RECORD, type FormatParser, type ParseTarget } from './parser.js';
import { makeTimestampConverter, type SplitTime } from './timestamp.js';
import { Direction, type CaptureInterface, type SectionInfo, type TsResolution } from './types.js';

/** The largest if_tsoffset taken as meant (seconds). */
const MAX_TSOFFSET = 2n ** 50n;

export const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 1;
const BT_PB = 2;
const BT_SPB = 3;
const BT_EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const MIN_BLOCK = 12;

interface SectionState {
  le: boolean;
  skip: boolean;
  interfaces: { iface: CaptureInterface; toTime: (hi: number, lo: number, out: SplitTime) => void }[];
}

/** pcapng: a sequence of sections, each an SHB followed by IDBs and packet blocks. */
export class PcapngParser implements FormatParser {
  need = MIN_BLOCK;
  unitOffset = 0;
  private section: SectionState | undefined;
  private readonly sections: SectionInfo[] = [];
  private readonly time: SplitTime = { sec: 0, nsec: 0 };

  constructor(private readonly t: ParseTarget) {}

  parse(buf: Uint8Array, start: number, end: number, fileOffset: number): number {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let p = start;
    for (;;) {
      const at = fileOffset + (p - start);
      this.unitOffset = at;
      if (end - p < MIN_BLOCK) {
        this.need = MIN_BLOCK;
        return p;
      }
      const type = dv.getUint32(p, this.section?.le ?? true);
      if (type === BT_SHB) {
        const magicLe = dv.getUint32(p + 8, true);
        if (magicLe !== BYTE_ORDER_MAGIC && dv.getUint32(p + 8, false) !== BYTE_ORDER_MAGIC) {
          throw new VxError('input', msg.pcapngBadMagic(at));
        }
        this.section = { le: magicLe === BYTE_ORDER_MAGIC, skip: false, interfaces: [] };
      } else if (!this.section) {
        throw new VxError('input', msg.pcapngFirstBlock(type));
      }
      const sec = this.section;
      const le = sec.le;
      const len = dv.getUint32(p + 4, le);
      if (len < MIN_BLOCK || len % 4 !== 0 || len > MAX_RECORD) throw new VxError('input', msg.blockLength(at, len));
      if (end - p < len) {
        this.need = len;
        return p;
      }
      const tail = dv.getUint32(p + len - 4, le);
      if (tail !== len) throw new VxError('input', msg.blockLengthMismatch(at, len, tail));
      const bodyEnd = p + len - 4;
      if (type === BT_SHB) this.readShb(dv, buf, p, bodyEnd, at);
      else if (!sec.skip) {
        if (type === BT_IDB) this.readIdb(dv, buf, p, bodyEnd, at);
        else if (type === BT_EPB || type === BT_PB) this.readPacket(dv, buf, p, bodyEnd, at, fileOffset - start, type === BT_PB);
        else if (type === BT_SPB) this.readSimple(dv, buf, p, bodyEnd, at, fileOffset - start);
        // Every other block type (ISB, NRB, DSB, custom) is skipped by its length.
      }
      p += len;
    }
  }

  finish(): void {
    if (this.t.info) this.t.info.sections = this.sections;
  }

  private readShb(dv: DataView, buf: Uint8Array, p: number, bodyEnd: number, at: number): void {
    const sec = this.section!;
    const le = sec.le;
    if (bodyEnd - p < 24) throw new VxError('input', msg.blockBodyOverrun(at, 'section header'));
    const major = dv.getUint16(p + 12, le);
    const minor = dv.getUint16(p + 14, le);
    const supported = major === 1 && (minor === 0 || minor === 2);
    const info: SectionInfo = { offset: at, byteOrder: le ? 'little-endian' : 'big-endian', version: `${major}.${minor}` };
    if (!supported) {
      if (this.sections.length === 0) throw new VxError('input', msg.pcapngVersion(major, minor));
      sec.skip = true;
      this.t.warnings.push(msg.sectionSkipped(at, major, minor));
      return;
    }
    readOptions(dv, p + 24, bodyEnd, le, at, (code, s, e) => {
      if (code === 2) info.hardware = utf8(buf, s, e);
      else if (code === 3) info.os = utf8(buf, s, e);
      else if (code === 4) info.userAppl = utf8(buf, s, e);
      else if (code === 1) (info.comments ??= []).push(utf8(buf, s, e));
    });
    this.sections.push(info);
    if (!this.t.info) {
      this.t.info = { format: 'pcapng', byteOrder: info.byteOrder, version: info.version, snaplen: 0, sections: this.sections };
    }
  }

  private readIdb(dv: DataView, buf: Uint8Array, p: number, bodyEnd: number, at: number): void {
    const sec = this.section!;
    const le = sec.le;
    if (bodyEnd - p < 16) throw new VxError('input', msg.blockBodyOverrun(at, 'interface description'));
    const linkType = dv.getUint16(p + 8, le);
    const snaplen = dv.getUint32(p + 12, le);
    const iface: CaptureInterface = {
      id: this.t.interfaces.length,
      section: this.sections.length - 1,
      localId: sec.interfaces.length,
      linkType,
      snaplen,
      tsResolution: { base: 10, exponent: 6 },
      tsOffset: 0,
      packets: 0,
    };
    readOptions(dv, p + 16, bodyEnd, le, at, (code, s, e) => {
      if (code === 2) iface.name = utf8(buf, s, e);
      else if (code === 3) iface.description = utf8(buf, s, e);
      else if (code === 9 && e - s === 1) {
        iface.tsResolution = decodeTsresol(buf[s]!);
        // Finer than a zeptosecond (0x7f, 0xff) is surely a corrupt byte; like tshark, the
        // packets are still read, their time stamps computed (as 0 s for any real value).
        if (!plausibleTsresol(buf[s]!)) this.t.warnings.push(msg.badTsresol(at, buf[s]!));
      } else if (code === 14 && e - s === 8) {
        const offset = dv.getBigInt64(s, le);
        // More than 2^50 s (35 million years) is a corrupt option, and past 2^53 no second is exact.
        if (offset > -MAX_TSOFFSET && offset < MAX_TSOFFSET) iface.tsOffset = Number(offset);
        else this.t.warnings.push(msg.badTsoffset(at, offset));
      }
    });
    if (this.t.info && this.t.interfaces.length === 0) this.t.info.snaplen = snaplen;
    this.t.interfaces.push(iface);
    sec.interfaces.push({ iface, toTime: makeTimestampConverter(iface.tsResolution, iface.tsOffset) });
  }

  private readPacket(dv: DataView, buf: Uint8Array, p: number, bodyEnd: number, at: number, delta: number, obsolete: boolean): void {
    const sec = this.section!;
    const le = sec.le;
    if (bodyEnd - p < 28) throw new VxError('input', msg.blockBodyOverrun(at, 'packet header'));
    const localId = obsolete ? dv.getUint16(p + 8, le) : dv.getUint32(p + 8, le);
    const entry = sec.interfaces[localId];
    if (!entry) {
      throw new VxError('input', sec.interfaces.length ? msg.unknownInterface(at, localId) : msg.packetBeforeIdb(at));
    }
    const capLen = dv.getUint32(p + 20, le);
    const origLen = dv.getUint32(p + 24, le);
    const dataStart = p + 28;
    if (dataStart + capLen > bodyEnd) throw new VxError('input', msg.blockBodyOverrun(at, `captured length ${capLen}`));
    let direction: Direction = Direction.Unknown;
    let comments: string[] | undefined;
    if (!obsolete) {
      const optStart = dataStart + ((capLen + 3) & ~3);
      readOptions(dv, Math.min(optStart, bodyEnd), bodyEnd, le, at, (code, s, e) => {
        if (code === 2 && e - s === 4) direction = (dv.getUint32(s, le) & 3) as Direction;
        else if (code === 1) (comments ??= []).push(utf8(buf, s, e));
      });
      if (direction > Direction.Outbound) direction = Direction.Unknown;
    }
    // Before the frame is indexed: whoever sees the frame (onFrame) sees its comments too.
    if (comments) this.t.comments?.set(this.t.index.count, comments);
    entry.toTime(dv.getUint32(p + 12, le), dv.getUint32(p + 16, le), this.time);
    indexFrame(this.t, entry.iface, buf, dataStart, dataStart + delta, capLen, origLen, this.time.sec, this.time.nsec, direction);
  }

  private readSimple(dv: DataView, buf: Uint8Array, p: number, bodyEnd: number, at: number, delta: number): void {
    const sec = this.section!;
    const entry = sec.interfaces[0];
    if (!entry) throw new VxError('input', msg.packetBeforeIdb(at));
    const origLen = dv.getUint32(p + 8, sec.le);
    const snap = entry.iface.snaplen || Infinity;
    // The block holds min(packet length, snaplen) bytes (then padding): it says no other length.
    const capLen = Math.min(origLen, snap);
    if (capLen > bodyEnd - (p + 12)) throw new VxError('input', msg.simplePacketTooShort(at, capLen, bodyEnd - (p + 12)));
    // A simple packet block has no time stamp: it reads as zero (as libpcap reports it), and is shown as none (as tshark does).
    indexFrame(this.t, entry.iface, buf, p + 12, p + 12 + delta, capLen, origLen, 0, 0, Direction.Unknown, true);
  }
}

function readOptions(
  dv: DataView,
  start: number,
  end: number,
  le: boolean,
  at: number,
  each: (code: number, valueStart: number, valueEnd: number) => void,
): void {
  let q = start;
  while (end - q >= 4) {
    const code = dv.getUint16(q, le);
    const len = dv.getUint16(q + 2, le);
    if (code === 0) return;
    if (q + 4 + len > end) throw new VxError('input', msg.optionOverrun(at, code, len));
    each(code, q + 4, q + 4 + len);
    q += 4 + ((len + 3) & ~3);
  }
}

function decodeTsresol(v: number): TsResolution {
  return { base: v & 0x80 ? 2 : 10, exponent: v & 0x7f };
}

function plausibleTsresol(v: number): boolean {
  return (v & 0x7f) <= (v & 0x80 ? 63 : 19);
}

const decoder = new TextDecoder('utf-8');
function utf8(buf: Uint8Array, s: number, e: number): string {
  let end = e;
  while (end > s && buf[end - 1] === 0) end--; // some writers NUL-terminate
  return decoder.decode(buf.subarray(s, end));
}
