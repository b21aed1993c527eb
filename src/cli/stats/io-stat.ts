// `-z io,stat,INTERVAL[,FILTER]...`: frames and bytes per time interval, one column pair per
// filter, in tshark 4.0's table layout (its widths, centring and rounding, quirks included, so
// that scripts written against tshark's table read ours). Deliberate differences, where tshark
// miscounts: a frame older than the frame before it (captures merged out of order) counts in its
// own interval, not in the latest one; the frame that ends the capture exactly on an interval
// boundary counts in the last row, where tshark leaves it out.
import type { Registry } from '../../dissect/registry.js';
import type { FrameMeta, Packet } from '../../dissect/types.js';
import { VxError, msg } from '../../errors.js';
import { compileFilter } from '../../filter/index.js';

export interface IoStatSpec {
  kind: 'iostat';
  /** Microseconds; 0 is the whole capture. */
  intervalUs: number;
  /** Decimal places the user gave the interval (tshark's rule: its significant fraction digits). */
  precision: number;
  /** One column per filter; undefined counts every frame ("Frames and bytes"). */
  columns: (string | undefined)[];
}

const NUMBER = /^(\d+(\.\d*)?|\.\d+)$/;
/** tshark's calculated columns; vxshark counts frames and bytes only. */
const CALCULATION = /^(FRAMES|BYTES|COUNT|SUM|MIN|MAX|AVG|LOAD)\(/;

/** Parses what follows `io,stat,`. */
export function parseIoStat(text: string, rest: string): IoStatSpec {
  if (rest.endsWith(',')) throw new VxError('usage', msg.badIoStat(text));
  const [intervalText = '', ...filters] = rest.split(',');
  if (!NUMBER.test(intervalText)) throw new VxError('usage', msg.badIoStat(text));
  const seconds = Number(intervalText);
  const intervalUs = Math.floor(seconds * 1e6 + 0.5);
  if (seconds !== 0 && intervalUs < 1) throw new VxError('usage', msg.ioStatIntervalTooSmall());
  const columns = filters.length === 0 ? [undefined] : filters.map((f) => f.trim() || undefined);
  const calculation = columns.find((c) => c !== undefined && CALCULATION.test(c));
  if (calculation !== undefined) throw new VxError('usage', msg.ioStatCalculation(calculation));
  return { kind: 'iostat', intervalUs, precision: seconds === 0 ? 0 : precisionOf(intervalUs, intervalText, filters.length > 0), columns };
}

function precisionOf(intervalUs: number, text: string, hasFilters: boolean): number {
  let precision = 6;
  for (let unit = 10; unit < 1e7 && intervalUs % unit === 0; unit *= 10) precision--;
  if (precision > 0) return precision;
  // "1.00,FILTER" asks for two decimal places although the interval is whole; without a
  // filter tshark 4.0 measures the digits past the end of the text and always shows six.
  const dot = text.indexOf('.');
  if (dot < 0) return 0;
  return hasFilters ? Math.min(text.length - dot - 1, 6) : 6;
}

interface Bucket {
  frames: number;
  bytes: number;
}

interface Column {
  filter: string | undefined;
  matches: ((pkt: Packet) => boolean) | undefined;
  buckets: Map<number, Bucket>;
}

/** A column's display filter; a mistake in it is named as io,stat's, not -Y's. */
function columnFilter(text: string, registry: Registry): (pkt: Packet) => boolean {
  try {
    return compileFilter(text, registry);
  } catch (e) {
    if (e instanceof VxError) throw new VxError('usage', msg.ioStatFilter(text, e.message));
    throw e;
  }
}

/** Microseconds from the first frame, rounded as tshark rounds (half a microsecond up). */
function microsSince(sec: number, nsec: number, firstSec: number, firstNsec: number): number {
  // A fraction of a second past 999999999 (a corrupt record, kept as recorded) carries into seconds.
  const ns0 = nsec - firstNsec;
  const carry = Math.floor(ns0 / 1e9);
  const s = sec - firstSec + carry;
  const ns = ns0 - carry * 1e9;
  return s * 1e6 + Math.floor((ns + 500) / 1000);
}

/** Decimal digits of n, at least 1 and at most max. */
function magnitude(n: number, max: number): number {
  return Math.max(1, Math.min(max, String(Math.floor(n)).length));
}

const spaces = (n: number): string => ' '.repeat(Math.max(0, n));

export class IoStatistics {
  private readonly columns: Column[];
  private first: { sec: number; nsec: number } | undefined;
  /** The frame just read, in microseconds since the first (read() comes before add() for each frame). */
  private at = 0;
  /** The latest frame's time since the first: tshark's "elapsed time" (all frames read, shown or not). */
  private elapsedUs = 0;

  constructor(
    private readonly spec: IoStatSpec,
    registry: Registry,
  ) {
    this.columns = spec.columns.map((filter) => ({ filter, matches: filter === undefined ? undefined : columnFilter(filter, registry), buckets: new Map() }));
  }

  read(frame: FrameMeta): void {
    this.first ??= { sec: frame.sec, nsec: frame.nsec };
    this.at = microsSince(frame.sec, frame.nsec, this.first.sec, this.first.nsec);
    this.elapsedUs = Math.max(this.elapsedUs, this.at);
  }

  add(pkt: Packet): void {
    const at = Math.max(0, this.at);
    const row = this.spec.intervalUs === 0 ? 0 : Math.floor(at / this.spec.intervalUs);
    for (const c of this.columns) {
      if (c.matches && !c.matches(pkt)) continue;
      let b = c.buckets.get(row);
      if (!b) c.buckets.set(row, (b = { frames: 0, bytes: 0 }));
      b.frames++;
      b.bytes += pkt.frame.origLen;
    }
  }

  lines(): Iterable<string> {
    return new IoStatLayout(this.spec, this.elapsedUs, this.columns).lines();
  }
}

/** tshark 4.0's io,stat table, computed from the interval, the duration and the largest counts. */
class IoStatLayout {
  private readonly interval: number;
  private readonly duration: number;
  private readonly rawDuration: number;
  private readonly precision: number;
  /** Fraction divisor for the precision: 10^(6 - precision) microseconds. */
  private readonly unit: number;
  /** The duration's width before rounding: tshark formats every time with it. */
  private readonly timeWidth: number;
  /** The duration's width after rounding: tshark sizes the borders with it. */
  private readonly durationMagnitude: number;
  private readonly rowCount: number;
  private readonly intervalColumn: number;
  private readonly widths: { frames: number; bytes: number }[];
  private readonly rowWidth: number;
  private readonly border: number;

  constructor(
    spec: IoStatSpec,
    elapsedUs: number,
    private readonly columns: Column[],
  ) {
    let duration = elapsedUs;
    this.rawDuration = elapsedUs;
    const whole = spec.intervalUs === 0 || spec.intervalUs > duration;
    let interval = whole ? duration : spec.intervalUs;
    this.timeWidth = magnitude(duration / 1e6, 5);
    let durationMagnitude = this.timeWidth;
    let border: number;
    if (interval === duration) {
      this.precision = durationMagnitude >= 2 ? 1 : durationMagnitude === 1 ? 3 : 6;
      border = 30 + durationMagnitude + this.precision + 1;
    } else {
      this.precision = spec.precision;
      border = 24 + magnitude(interval / 1e6, 5) + (this.precision === 0 ? 0 : this.precision + 1);
    }
    this.unit = 10 ** (6 - this.precision);
    const half = 5 * Math.floor(this.unit / 10);
    if (duration % this.unit > half) {
      duration = Math.floor((duration + half) / this.unit) * this.unit;
      durationMagnitude = magnitude(duration / 1e6, 5);
    }
    if (whole) interval = duration;
    this.interval = interval;
    this.duration = duration;
    this.durationMagnitude = durationMagnitude;
    // The last row runs to the end of the capture: a frame at exactly the duration, when that is a
    // whole number of intervals, falls in the interval after it and is counted here (tshark drops it).
    const rows = interval === 0 || duration === 0 ? 0 : Math.ceil(duration / interval);
    for (const c of columns) foldInto(c.buckets, rows - 1);
    this.rowCount = rows;
    this.intervalColumn = Math.max(12, this.precision === 0 ? 2 * durationMagnitude + 8 : 2 * durationMagnitude + 2 * this.precision + 10);
    border = Math.max(border, this.intervalColumn);
    this.widths = columns.map((c) => {
      let frames = 0;
      let bytes = 0;
      for (const b of c.buckets.values()) {
        frames = Math.max(frames, b.frames);
        bytes = Math.max(bytes, b.bytes);
      }
      return { frames: Math.max(6, magnitude(frames, 15)), bytes: Math.max(5, magnitude(bytes, 15)) };
    });
    this.rowWidth = this.widths.reduce((w, c) => w + c.frames + 3 + c.bytes + 3, this.intervalColumn);
    border = Math.max(border, this.rowWidth);
    const widestFilter = Math.max(...columns.map((c) => (c.filter === undefined ? 26 : c.filter.length + 11)));
    if (widestFilter > border && border < 102) border = Math.min(widestFilter, 102);
    if (border - this.rowWidth === 1) border++;
    this.border = border;
  }

  *lines(): Generator<string> {
    const b = this.border;
    const filler = this.rowWidth < b ? `${spaces(b - this.rowWidth - 1)}|` : '';
    const out = ['', '='.repeat(b), `| IO Statistics${spaces(b - 16)}|`, `|${spaces(b - 2)}|`];
    if (this.precision === 0) {
      // tshark shows the duration unrounded here, its microseconds padded with spaces ("7. 17362").
      const raw = this.rawDuration;
      out.push(`| Duration: ${this.seconds(raw / 1e6)}.${String(raw % 1e6).padStart(6)} secs${spaces(b - 25 - this.durationMagnitude)}|`);
      out.push(`| Interval: ${this.seconds(this.interval / 1e6)} secs${spaces(b - 18 - this.durationMagnitude)}|`);
    } else {
      const pad = spaces(b - 19 - this.durationMagnitude - this.precision);
      out.push(`| Duration: ${this.time(this.duration)} secs${pad}|`, `| Interval: ${this.time(this.interval)} secs${pad}|`);
    }
    out.push(`|${spaces(b - 2)}|`);
    this.columns.forEach((c, j) => out.push(...this.filterLines(c.filter, j)));
    out.push(`|-${'-'.repeat(b - 3)}|`);
    out.push(
      `|${spaces(this.intervalColumn - 2)}|${this.widths.map((w, j) => `${String(j + 1).padEnd(2)}${spaces(w.frames + w.bytes + 3)}|`).join('')}${filler}`,
    );
    out.push(
      `| Interval${spaces(this.intervalColumn - 11)}|${this.widths.map((w) => centred('Frames', w.frames) + centred('Bytes', w.bytes)).join('')}${filler}`,
    );
    out.push(`|-${'-'.repeat(this.rowWidth - 3)}|${filler}`);
    yield* out;
    // A row a microsecond wide over an hour's capture is billions of rows: they are made as printed.
    yield* this.rows(filler);
    yield '='.repeat(b);
  }

  private filterLines(filter: string | undefined, j: number): string[] {
    const b = this.border;
    let line = `${j === 0 ? '| Col' : '|    '}${String(j + 1).padStart(2)}: `;
    if (filter === undefined) return [`${line}Frames and bytes${spaces(b - 26)}|`];
    const out: string[] = [];
    const max = b - 11;
    let rest = filter;
    while (rest.length > max) {
      const head = rest.slice(0, max);
      const space = head.lastIndexOf(' ');
      const cut = space >= 0 ? space : max;
      out.push(`${line}${rest.slice(0, cut)}${spaces(b - cut - 10)}|`);
      line = `|${spaces(8)}`;
      rest = rest.slice(space >= 0 ? cut + 1 : cut);
    }
    out.push(`${line}${rest}${spaces(b - rest.length - 10)}|`);
    return out;
  }

  private *rows(filler: string): Generator<string> {
    const { interval, duration, rowCount: count } = this;
    const narrow = this.precision === 0 && this.durationMagnitude === 1;
    for (let i = 0; i < count; i++) {
      const start = i * interval;
      const last = i === count - 1;
      let when: string;
      if (this.precision === 0 && last) {
        const width = this.durationMagnitude >= 3 ? this.durationMagnitude + 1 : 3;
        when = `${narrow ? '|  ' : '| '}${this.seconds(start / 1e6)} <> ${'Dur'.padEnd(width)}|`;
      } else {
        const end = last ? duration : start + interval;
        const [a, z] = this.precision === 0 ? [this.seconds(start / 1e6), this.seconds(end / 1e6)] : [this.time(start), this.time(end)];
        when = narrow ? `|  ${a} <> ${z}  |` : `| ${a} <> ${z} |`;
      }
      const cells = this.columns.map((c, j) => {
        const bucket = c.buckets.get(i);
        const w = this.widths[j]!;
        return ` ${String(bucket?.frames ?? 0).padStart(w.frames)} | ${String(bucket?.bytes ?? 0).padStart(w.bytes)} |`;
      });
      yield `${when}${cells.join('')}${filler}`;
    }
  }

  private seconds(s: number): string {
    return String(Math.floor(s)).padStart(this.timeWidth);
  }

  private time(us: number): string {
    return `${this.seconds(us / 1e6)}.${String(Math.floor((us % 1e6) / this.unit)).padStart(this.precision, '0')}`;
  }
}

/** Adds every bucket after row `last` into it (nothing when there are no rows). */
function foldInto(buckets: Map<number, Bucket>, last: number): void {
  if (last < 0) return;
  for (const [row, b] of buckets) {
    if (row <= last) continue;
    const into = buckets.get(last) ?? { frames: 0, bytes: 0 };
    into.frames += b.frames;
    into.bytes += b.bytes;
    buckets.set(last, into);
    buckets.delete(row);
  }
}

/** tshark's centring of a column label over a value of width w (one space of padding each side). */
function centred(label: string, w: number): string {
  const room = 6 - (Math.floor((w - label.length) / 2) + 1);
  if (room > 0 && room < 6) {
    const pad = spaces(6 - room);
    return (w - label.length) % 2 === 0 ? `${pad}${label}${pad}|` : ` ${pad}${label}${pad}|`;
  }
  return room > 0 ? `${label}|` : '';
}
