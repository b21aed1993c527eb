import { VxError, msg } from '../errors.js';
import { indexFrame, MAX_RECORD, MAX_SNAPLEN, type FormatParser, type ParseTarget } from './parser.js';
import { Direction, type CaptureInterface } from './types.js';

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAP_MAGIC_KUZNETZOV = 0xa1b2cd34;
const HEADER = 24;
const RECORD_HEADER = 16;

const LINKTYPE_MASK = 0x0000ffff;
const RESERVED_MASK = 0x03ff0000;
const FCS_PRESENT = 0x04000000;

/** Classic libpcap savefile: a 24-byte header, then 16-byte record headers each followed by data. */
export class PcapParser implements FormatParser {
  need = HEADER;
  unitOffset = 0;
  private headerDone = false;
  private le = true;
  private nano = false;
  private limit = MAX_SNAPLEN;
  private snaplen = 0;
  private iface!: CaptureInterface;
  private overSnaplen = 0;
  private badFractions = 0;

  constructor(private readonly t: ParseTarget) {}

  parse(buf: Uint8Array, start: number, end: number, fileOffset: number): number {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let p = start;
    if (!this.headerDone) {
      if (end - p < HEADER) return this.wait(HEADER, fileOffset, p);
      this.readHeader(dv, p);
      p += HEADER;
    }
    const le = this.le;
    const t = this.t;
    const iface = this.iface;
    const fracToNs = this.nano ? 1 : 1000;
    const fracLimit = this.nano ? 1e9 : 1e6;
    while (end - p >= RECORD_HEADER) {
      const capLen = dv.getUint32(p + 8, le);
      if (capLen > this.limit) {
        throw new VxError('input', msg.recordTooLong(fileOffset + (p - start), capLen, this.limit));
      }
      if (end - p < RECORD_HEADER + capLen) return this.wait(RECORD_HEADER + capLen, fileOffset + (p - start), p);
      const sec = dv.getUint32(p, le);
      const frac = dv.getUint32(p + 4, le);
      const origLen = dv.getUint32(p + 12, le);
      // Out-of-range fractions (seen in fuzzed files) are kept as recorded, seconds untouched, as
      // tshark and tcpdump show them; like Wireshark's 32-bit nsecs, fraction·1000 wraps modulo 2^32.
      if (frac >= fracLimit) this.badFractions++;
      if (capLen > this.snaplen) this.overSnaplen++;
      indexFrame(t, iface, buf, p + RECORD_HEADER, fileOffset + (p - start) + RECORD_HEADER, capLen, origLen, sec, (frac * fracToNs) >>> 0, Direction.Unknown);
      p += RECORD_HEADER + capLen;
    }
    return this.wait(RECORD_HEADER, fileOffset + (p - start), p);
  }

  /** Called when the input ends, to turn counters into warnings. */
  finish(): void {
    if (this.overSnaplen) this.t.warnings.push(msg.capLenOverSnaplen(this.overSnaplen));
    if (this.badFractions) {
      this.t.warnings.push(`${this.badFractions} record(s) have an out-of-range fractional time stamp (kept as recorded)`);
    }
  }

  private wait(need: number, unitOffset: number, pos: number): number {
    this.need = need;
    this.unitOffset = unitOffset;
    return pos;
  }

  private readHeader(dv: DataView, p: number): void {
    const raw = dv.getUint32(p, false);
    this.le = raw !== PCAP_MAGIC_US && raw !== PCAP_MAGIC_NS;
    const magic = dv.getUint32(p, this.le);
    this.nano = magic === PCAP_MAGIC_NS;
    const major = dv.getUint16(p + 4, this.le);
    const minor = dv.getUint16(p + 6, this.le);
    if (major !== 2) throw new VxError('input', msg.pcapVersion(major, minor));
    if (minor !== 4) this.t.warnings.push(msg.pcapMinorVersion(major, minor));
    const snaplen = dv.getUint32(p + 16, this.le);
    const field = dv.getUint32(p + 20, this.le);
    if (field & RESERVED_MASK) throw new VxError('input', msg.pcapReservedLinkType(field));
    const linkType = field & LINKTYPE_MASK;
    this.snaplen = snaplen === 0 || snaplen > 0x7fffffff ? MAX_SNAPLEN : snaplen;
    this.limit = Math.min(Math.max(this.snaplen, MAX_SNAPLEN), MAX_RECORD);
    this.iface = {
      id: 0,
      section: 0,
      localId: 0,
      linkType,
      snaplen,
      tsResolution: { base: 10, exponent: this.nano ? 9 : 6 },
      tsOffset: 0,
      packets: 0,
    };
    this.t.interfaces.push(this.iface);
    const byteOrder = this.le ? 'little-endian' : 'big-endian';
    const version = `${major}.${minor}`;
    this.t.info = {
      format: 'pcap',
      byteOrder,
      version,
      snaplen,
      sections: [],
      ...(field & FCS_PRESENT ? { fcsBytes: (field >>> 28) * 2 } : {}),
    };
    this.headerDone = true;
  }
}
