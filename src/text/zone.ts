// The local time zone's abbreviation at a moment ("UTC", "CET", "CEST", "EDT", "IST"), as the
// C library gives it to tshark: read from the zone's TZif file (RFC 8536), the one $TZ names or
// /etc/localtime. Intl cannot stand in: its en-US short names are "GMT+2" outside the US, and
// loading it costs about 9 MB of memory.
import { readFileSync } from 'node:fs';

interface Zone {
  /** Transition times (epoch seconds), ascending, and the local time type from each one on. */
  times: number[];
  types: number[];
  abbreviations: string[];
  /** The type in force before the first transition. */
  initial: number;
  /** After the last transition: the footer's one abbreviation when the rule has no daylight saving, else undefined. */
  after: string | undefined;
  /** The footer's rule has daylight saving: past the table the abbreviation is not known here. */
  ruleWithDst: boolean;
}

const ZONEINFO = '/usr/share/zoneinfo';

/** The abbreviation in a POSIX TZ rule without daylight saving ("UTC0", "CET-1", "<+03>-3"); undefined with DST. */
function posixStandardName(rule: string): string | undefined {
  const m = /^(?:<([^>]+)>|([A-Za-z]{3,}))[-+]?\d{1,2}(?::\d{2}){0,2}(.*)$/.exec(rule.trim());
  if (!m || m[3] !== '') return undefined;
  return m[1] ?? m[2];
}

function parseTzif(d: Buffer): Zone | undefined {
  if (d.length < 44 || d.toString('latin1', 0, 4) !== 'TZif') return undefined;
  const counts = (at: number): number[] => [0, 1, 2, 3, 4, 5].map((k) => d.readUInt32BE(at + 20 + k * 4));
  let at = 0;
  let [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(0) as [number, number, number, number, number, number];
  let width = 4;
  if (d[4]! >= 0x32) {
    // Version 2 and later repeat the data with 64-bit times after the version 1 block.
    at = 44 + timecnt * 4 + timecnt + typecnt * 6 + charcnt + leap * 8 + isstd + isut;
    if (at + 44 > d.length || d.toString('latin1', at, at + 4) !== 'TZif') return undefined;
    [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(at) as [number, number, number, number, number, number];
    width = 8;
  }
  let p = at + 44;
  const end = p + timecnt * width + timecnt + typecnt * 6 + charcnt + leap * (width + 4) + isstd + isut;
  if (end > d.length || typecnt === 0) return undefined;
  const times: number[] = [];
  for (let i = 0; i < timecnt; i++, p += width) times.push(width === 8 ? Number(d.readBigInt64BE(p)) : d.readInt32BE(p));
  const types: number[] = [];
  for (let i = 0; i < timecnt; i++) types.push(d[p++]!);
  const desig: number[] = [];
  const dst: boolean[] = [];
  for (let i = 0; i < typecnt; i++, p += 6) {
    dst.push(d[p + 4] === 1);
    desig.push(d[p + 5]!);
  }
  const chars = d.toString('latin1', p, p + charcnt);
  const abbreviations = desig.map((k) => chars.slice(k, chars.indexOf('\0', k) < 0 ? undefined : chars.indexOf('\0', k)));
  if (types.some((t) => t >= typecnt)) return undefined;
  // RFC 8536: type 0 applies before the first transition.
  const footer = width === 8 ? d.toString('latin1', end).split('\n')[1] : undefined;
  const after = footer ? posixStandardName(footer) : undefined;
  return { times, types, abbreviations, initial: 0, after, ruleWithDst: footer !== undefined && footer !== '' && after === undefined };
}

function loadZone(env: NodeJS.ProcessEnv): Zone | undefined {
  let tz = env.TZ;
  if (tz === undefined) return readZone('/etc/localtime');
  if (tz.startsWith(':')) tz = tz.slice(1);
  // An empty TZ is UTC for the C library.
  if (tz === '') return { times: [], types: [], abbreviations: ['UTC'], initial: 0, after: 'UTC', ruleWithDst: false };
  if (tz.startsWith('/')) return readZone(tz);
  if (!tz.split('/').includes('..')) {
    const zone = readZone(`${ZONEINFO}/${tz}`);
    if (zone) return zone;
  }
  const name = posixStandardName(tz);
  return name !== undefined ? { times: [], types: [], abbreviations: [name], initial: 0, after: name, ruleWithDst: false } : undefined;
}

function readZone(path: string): Zone | undefined {
  try {
    return parseTzif(readFileSync(path));
  } catch {
    return undefined;
  }
}

let cached: { tz: string | undefined; zone: Zone | undefined } | undefined;

/** The local zone's abbreviation at epoch second `sec`, or undefined when the zone file cannot tell. */
export function zoneAbbreviation(sec: number, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (cached?.tz !== env.TZ || cached === undefined) cached = { tz: env.TZ, zone: loadZone(env) };
  const z = cached.zone;
  if (!z) return undefined;
  const { times } = z;
  if (times.length === 0 || sec < times[0]!) return times.length === 0 ? (z.after ?? z.abbreviations[z.initial]) : z.abbreviations[z.initial];
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (times[mid]! <= sec) lo = mid;
    else hi = mid - 1;
  }
  // Past the table the footer's rule applies: known here only when it has no daylight saving.
  if (lo === times.length - 1) return z.ruleWithDst ? undefined : (z.after ?? z.abbreviations[z.types[lo]!]);
  return z.abbreviations[z.types[lo]!];
}
