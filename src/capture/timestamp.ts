import type { TsResolution } from './types.js';

export interface SplitTime {
  sec: number;
  nsec: number;
}

/**
 * Divides the unsigned 64-bit value hi·2^32+lo by d (< 2^31) without BigInt: long division
 * in 16-bit digits keeps every intermediate below 2^47, so doubles stay exact. The
 * quotient is exact while it is below 2^53 (always, for seconds at µs or ns resolution).
 */
function divmod64(hi: number, lo: number, d: number, out: SplitTime): void {
  let cur = hi >>> 16;
  let q = Math.floor(cur / d);
  let r = cur - q * d;
  cur = r * 65536 + (hi & 0xffff);
  let qd = Math.floor(cur / d);
  r = cur - qd * d;
  q = q * 65536 + qd;
  cur = r * 65536 + (lo >>> 16);
  qd = Math.floor(cur / d);
  r = cur - qd * d;
  q = q * 65536 + qd;
  cur = r * 65536 + (lo & 0xffff);
  qd = Math.floor(cur / d);
  r = cur - qd * d;
  out.sec = q * 65536 + qd;
  out.nsec = r;
}

/** Converts a pcapng 64-bit time stamp in the interface's units into seconds and nanoseconds. */
export function makeTimestampConverter(res: TsResolution, tsOffset: number): (hi: number, lo: number, out: SplitTime) => void {
  if (res.base === 10 && res.exponent <= 9) {
    const unitsPerSec = 10 ** res.exponent;
    const nsPerUnit = 10 ** (9 - res.exponent);
    return (hi, lo, out) => {
      divmod64(hi, lo, unitsPerSec, out);
      out.nsec *= nsPerUnit;
      out.sec += tsOffset;
    };
  }
  // Rare resolutions (picoseconds, binary fractions): exact BigInt arithmetic.
  const unitsPerSec = BigInt(res.base) ** BigInt(res.exponent);
  return (hi, lo, out) => {
    const v = (BigInt(hi) << 32n) | BigInt(lo);
    const sec = v / unitsPerSec;
    const rem = v % unitsPerSec;
    out.sec = Number(sec) + tsOffset;
    out.nsec = Number((rem * 1_000_000_000n) / unitsPerSec);
  };
}

/** ISO 8601 UTC with exactly `digits` fractional digits, valid past 2038 and 2106. */
export function formatIso(sec: number, nsec: number, digits: number): string {
  const date = new Date(sec * 1000);
  const base = Number.isFinite(date.getTime()) ? date.toISOString().slice(0, 19) : `@${sec}`;
  if (digits <= 0) return `${base}Z`;
  return `${base}.${fraction(nsec, digits)}Z`;
}

/** Seconds.nanoseconds as tshark prints frame.time_epoch (9 digits). */
export function formatEpoch(sec: number, nsec: number, digits = 9): string {
  if (digits <= 0) return String(sec);
  return `${sec}.${fraction(nsec, digits)}`;
}

/**
 * The first `digits` of the nine fractional digits. A corrupt fraction of a second or more
 * (classic pcap records keep theirs as written) is shown whole at that precision, one digit
 * longer, as tshark and capinfos show it: 1e9 ns at 6 digits is "1000000".
 */
export function fraction(nsec: number, digits: number): string {
  const s = String(nsec).padStart(9, '0');
  return s.slice(0, s.length - 9 + digits);
}
