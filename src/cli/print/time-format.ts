import { VxError, msg } from '../../errors.js';
import type { FrameMeta } from '../../dissect/types.js';
import { fraction } from '../../capture/timestamp.js';

export type TimeFormat = 'r' | 'a' | 'ad' | 'u' | 'ud' | 'd' | 'dd' | 'e';
const FORMATS = new Set<string>(['r', 'a', 'ad', 'u', 'ud', 'd', 'dd', 'e']);

export function parseTimeFormat(text: string): TimeFormat {
  if (!FORMATS.has(text)) throw new VxError('usage', msg.badTimeFormat(text));
  return text as TimeFormat;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Seconds and nanoseconds as "s.fffffffff" cut to `digits`, exact (no float rounding). */
function decimal(sec: number, nsec: number, digits: number): string {
  let s = sec;
  let ns = nsec;
  let sign = '';
  if (s < 0 || (s === 0 && ns < 0)) {
    sign = '-';
    s = -s;
    ns = -ns;
  }
  if (ns < 0) {
    s -= 1;
    ns += 1e9;
  }
  return digits > 0 ? `${sign}${s}.${fraction(ns, digits)}` : `${sign}${s}`;
}

/** The Time column, formatted as tshark's -t option asks. */
export class TimeColumn {
  private firstSec: number | undefined;
  private firstNsec = 0;
  private prevSec: number | undefined;
  private prevNsec = 0;
  private prevShownSec: number | undefined;
  private prevShownNsec = 0;

  constructor(
    private readonly format: TimeFormat,
    private readonly digits: number,
  ) {}

  /** `shown` says whether the frame passes the display filter (for "dd", delta displayed). */
  text(f: FrameMeta, shown = true): string {
    if (this.firstSec === undefined) {
      this.firstSec = f.sec;
      this.firstNsec = f.nsec;
    }
    let out: string;
    // A frame without a time stamp shows none (tshark leaves the column empty); it still counts as 0 for the next delta, as there.
    if (f.untimed) out = '';
    else
      switch (this.format) {
        case 'r':
          out = decimal(f.sec - this.firstSec, f.nsec - this.firstNsec, this.digits);
          break;
        case 'd':
          out = decimal(f.sec - (this.prevSec ?? f.sec), f.nsec - (this.prevSec === undefined ? f.nsec : this.prevNsec), this.digits);
          break;
        case 'dd':
          out = decimal(f.sec - (this.prevShownSec ?? f.sec), f.nsec - (this.prevShownSec === undefined ? f.nsec : this.prevShownNsec), this.digits);
          break;
        case 'e':
          out = decimal(f.sec, f.nsec, this.digits);
          break;
        default:
          out = this.clock(f);
      }
    this.prevSec = f.sec;
    this.prevNsec = f.nsec;
    if (shown) {
      this.prevShownSec = f.sec;
      this.prevShownNsec = f.nsec;
    }
    return out;
  }

  private clock(f: FrameMeta): string {
    const d = new Date(f.sec * 1000);
    if (!Number.isFinite(d.getTime())) return decimal(f.sec, f.nsec, this.digits);
    const utc = this.format === 'u' || this.format === 'ud';
    const frac = this.digits > 0 ? '.' + fraction(f.nsec, this.digits) : '';
    const hms = utc
      ? `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
      : `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    if (this.format === 'a' || this.format === 'u') return hms + frac;
    const date = utc
      ? `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
      : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    return `${date} ${hms}${frac}`;
  }
}
