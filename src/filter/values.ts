// Literal syntax for display-filter values: numbers, addresses with prefixes, MAC addresses,
// byte strings and times. Each parser returns undefined when the text is not of its kind;
// the compiler turns that into a message naming the field and the column.

/** Decimal, 0x hex and 0b binary integers, optionally negative. (A leading 0 is decimal, not octal.) */
export function parseInteger(text: string): number | undefined {
  const m = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|(\d+))$/.exec(text);
  if (!m) return undefined;
  const n = m[2] !== undefined ? parseInt(m[2], 16) : m[3] !== undefined ? parseInt(m[3], 2) : Number(m[4]);
  if (!Number.isSafeInteger(n)) return undefined;
  return m[1] === '-' ? -n : n;
}

/** A decimal number with an optional fraction and exponent, or an integer as parseInteger reads it. */
export function parseNumber(text: string): number | undefined {
  const i = parseInteger(text);
  if (i !== undefined) return i;
  if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** Seconds and nanoseconds from "1700000000.5"; both carry the sign. */
export function parseTime(text: string): { sec: number; nsec: number } | undefined {
  const m = /^([-+]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const sec = Number(m[2] || '0');
  const nsec = Number(((m[3] ?? '') + '000000000').slice(0, 9));
  if (!Number.isSafeInteger(sec)) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  return { sec: sign * sec || 0, nsec: sign * nsec || 0 };
}

/**
 * Compares a time value as the frame fields hold it ("sec.nnnnnnnnn") with seconds and
 * nanoseconds, without allocating: negative, zero or positive.
 */
export function compareTime(s: string, sec: number, nsec: number): number {
  let i = 0;
  let sign = 1;
  if (s.charCodeAt(0) === 0x2d) {
    sign = -1;
    i = 1;
  }
  let a = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) break;
    a = a * 10 + c;
  }
  let b = 0;
  let digits = 0;
  if (s.charCodeAt(i) === 0x2e) {
    for (i++; i < s.length && digits < 9; i++, digits++) {
      const c = s.charCodeAt(i) - 0x30;
      if (c < 0 || c > 9) break;
      b = b * 10 + c;
    }
  }
  for (; digits < 9; digits++) b *= 10;
  a *= sign;
  b *= sign;
  if (a !== sec) return a < sec ? -1 : 1;
  return b === nsec ? 0 : b < nsec ? -1 : 1;
}

/** Dotted-quad IPv4 as an unsigned 32-bit number. */
export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let n = 0;
  for (let k = 1; k <= 4; k++) {
    const b = Number(m[k]);
    if (b > 255) return undefined;
    n = n * 256 + b;
  }
  return n;
}

/** IPv6 text (with :: and a dotted IPv4 tail) as 16 bytes. */
export function parseIpv6(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let s = text;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return undefined;
  if (s.includes('.', lastColon)) {
    const v4 = parseIpv4(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >>> 16, v4 & 0xffff];
    s = s.slice(0, lastColon + 1);
    if (!s.endsWith('::')) s = s.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const right = [...rest, ...tail];
  const fill = 8 - head.length - right.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const all = [...head, ...new Array<number>(fill).fill(0), ...right];
  const out = new Uint8Array(16);
  all.forEach((g, k) => {
    out[k * 2] = g >>> 8;
    out[k * 2 + 1] = g & 0xff;
  });
  return out;
}

const HEX_GROUPS = /^[0-9a-fA-F]{1,2}(?:[:.-][0-9a-fA-F]{1,2})*$/;

/** Hex bytes separated by colons, hyphens or periods ("0a:1b", "0.1.0.d"), run together ("525400"), or one byte as 0xNN. */
export function parseBytes(text: string): Uint8Array | undefined {
  if (HEX_GROUPS.test(text)) return Uint8Array.from(text.split(/[:.-]/), (h) => parseInt(h, 16));
  if (/^(?:[0-9a-fA-F]{2}){2,}$/.test(text)) return Uint8Array.from(text.match(/../g)!, (h) => parseInt(h, 16));
  const m = /^0[xX]([0-9a-fA-F]{1,2})$/.exec(text);
  if (m) return Uint8Array.of(parseInt(m[1]!, 16));
  return undefined;
}

/** aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or aabbccddeeff. */
export function parseMac(text: string): Uint8Array | undefined {
  let hex: string | undefined;
  if (/^[0-9a-fA-F]{1,2}([:\-.])[0-9a-fA-F]{1,2}(?:\1[0-9a-fA-F]{1,2}){4}$/.test(text)) {
    return Uint8Array.from(text.split(/[:\-.]/), (h) => parseInt(h, 16));
  }
  if (/^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$/.test(text)) hex = text.replace(/\./g, '');
  else if (/^[0-9a-fA-F]{12}$/.test(text)) hex = text;
  if (hex === undefined) return undefined;
  return Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
}

/** Lexicographic order of two byte strings. */
/** Wireshark's order of byte strings: the shorter first, then byte by byte (`eth.src[0:2] < d0` is false). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when the first `bits` bits of `a` equal those of `net` (both 16 bytes for IPv6). */
export function prefixEqual(a: Uint8Array, net: Uint8Array, bits: number): boolean {
  if (a.length < net.length) return false;
  const full = bits >>> 3;
  for (let i = 0; i < full; i++) if (a[i] !== net[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a[full]! ^ net[full]!) & mask) === 0;
}

/** Index of `needle` in `hay`, or -1; an empty needle is found at 0. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  const n = needle.length;
  if (n === 0) return 0;
  const first = needle[0]!;
  const last = hay.length - n;
  outer: for (let i = 0; i <= last; i++) {
    if (hay[i] !== first) continue;
    for (let j = 1; j < n; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
