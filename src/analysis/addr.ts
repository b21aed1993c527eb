// Addresses as the analysis keeps them: IPv4 as a *signed* 32-bit number (a small integer to V8,
// so hashing, comparing and using it as a Map key allocate nothing; an unsigned one above 2^31
// would be a boxed double), IPv6 as 32 lower-case hex digits (rare enough that a string is
// fine). Text for people is made only when a model is turned into rows.
import { formatIpv4, formatIpv6 } from '../dissect/format.js';
import { mix } from '../util/hash.js';

export type Addr = number | string;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** 16 bytes at `at` as the hex-string key of an IPv6 address. */
export function v6Key(d: Uint8Array, at: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += HEX[d[at + i]!]!;
  return s;
}

function v6Bytes(key: string): Uint8Array {
  const b = new Uint8Array(16);
  for (let i = 0; i < 16; i++) b[i] = parseInt(key.slice(i * 2, i * 2 + 2), 16);
  return b;
}

export function formatAddr(a: Addr): string {
  return typeof a === 'number' ? formatIpv4(a) : formatIpv6(v6Bytes(a));
}

/** A 48-bit MAC address as a number (exact in a double), 0 when unknown. */
export function macNumber(d: Uint8Array, at: number): number {
  return (d[at]! * 0x10000 + ((d[at + 1]! << 8) | d[at + 2]!)) * 0x1000000 + ((d[at + 3]! << 16) | (d[at + 4]! << 8) | d[at + 5]!);
}

export function formatMacNumber(m: number): string {
  const out: string[] = [];
  let v = m;
  for (let i = 0; i < 6; i++) {
    out.unshift(HEX[v % 256]!);
    v = Math.floor(v / 256);
  }
  return out.join(':');
}

export interface Cidr {
  v6: boolean;
  /** The network address (host bits cleared). */
  base: Addr;
  bits: number;
}

function parseV4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0) | 0;
}

function parseV6(text: string): string | undefined {
  let s = text.toLowerCase();
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    const v4 = parseV4(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): string[] | undefined => {
    if (h === '') return [];
    const g = h.split(':');
    return g.every((x) => /^[0-9a-f]{1,4}$/.test(x)) ? g : undefined;
  };
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const zeros = 8 - head.length - tail.length;
  if (halves.length === 2 ? zeros < 1 : zeros !== 0) return undefined;
  return [...head, ...new Array<string>(zeros).fill('0'), ...tail].map((g) => g.padStart(4, '0')).join('');
}

/** "172.20.2.30" or "fd00::1" as an Addr, or undefined when it is neither. */
export function parseAddr(text: string): Addr | undefined {
  return text.includes(':') ? parseV6(text) : parseV4(text);
}

function v4Mask(bits: number): number {
  return bits === 0 ? 0 : 0xffffffff << (32 - bits);
}

/** The IPv4 address at `at` as the signed 32-bit number the analysis uses. */
export function v4At(d: Uint8Array, at: number): number {
  return (d[at]! << 24) | (d[at + 1]! << 16) | (d[at + 2]! << 8) | d[at + 3]!;
}

function v6Prefix(key: string, bits: number): string {
  const b = v6Bytes(key);
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    b[i] = b[i]! & ((0xff00 >> keep) & 0xff);
  }
  return v6Key(b, 0);
}

/** The network of `bits` containing the address. */
export function prefixOf(a: Addr, bits: number): Cidr {
  if (typeof a === 'number') return { v6: false, base: a & v4Mask(bits), bits };
  return { v6: true, base: v6Prefix(a, bits), bits };
}

/** "10.0.0.0/8"; a bare address is a host route (/32 or /128). Undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const [addrText, bitsText, extra] = text.trim().split('/');
  if (addrText === undefined || extra !== undefined) return undefined;
  const a = parseAddr(addrText);
  if (a === undefined) return undefined;
  const max = typeof a === 'number' ? 32 : 128;
  const bits = bitsText === undefined ? max : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!(bits >= 0 && bits <= max)) return undefined;
  return prefixOf(a, bits);
}

export function contains(c: Cidr, a: Addr): boolean {
  if (typeof a === 'number') return !c.v6 && (a & v4Mask(c.bits)) === c.base;
  return c.v6 && v6Prefix(a, c.bits) === c.base;
}

export function cidrText(c: Cidr): string {
  return `${formatAddr(c.base)}/${c.bits}`;
}

/** A key that identifies a prefix (for maps). */
export function cidrKey(c: Cidr): string {
  return `${c.v6 ? '6' : '4'}:${String(c.base)}/${c.bits}`;
}

/**
 * Addresses no internet router forwards: RFC 1918, CGNAT 100.64/10, link-local, loopback,
 * IPv6 ULA fc00::/7, link-local fe80::/10 and loopback. Pod CIDRs are almost always here.
 */
export function isPrivate(a: Addr): boolean {
  if (typeof a === 'number') {
    const o1 = a >>> 24;
    const o2 = (a >>> 16) & 0xff;
    return (
      o1 === 10 ||
      o1 === 127 ||
      (o1 === 172 && o2 >= 16 && o2 < 32) ||
      (o1 === 192 && o2 === 168) ||
      (o1 === 100 && o2 >= 64 && o2 < 128) ||
      (o1 === 169 && o2 === 254)
    );
  }
  const first = parseInt(a.slice(0, 2), 16);
  return (first & 0xfe) === 0xfc || a.startsWith('fe8') || a.startsWith('fe9') || a.startsWith('fea') || a.startsWith('feb') || a === '0'.repeat(31) + '1';
}

/** Unicast addresses a host can send from or to (not 0.0.0.0, multicast, broadcast). */
export function isUnicast(a: Addr): boolean {
  if (typeof a === 'number') {
    const o1 = a >>> 24;
    return a !== 0 && o1 < 224 && o1 !== 0;
  }
  return !a.startsWith('ff') && a !== '0'.repeat(32);
}

/** Initial TTLs that operating systems send with: a packet still carrying one has not been routed. */
export function isInitialTtl(ttl: number): boolean {
  return ttl === 64 || ttl === 128 || ttl === 255;
}

/** The per-node prefix length (a /24 for IPv4, a /64 for IPv6) used when nothing else is known. */
export function defaultNodeBits(a: Addr): number {
  return typeof a === 'number' ? 24 : 64;
}

export function mixAddr(h: number, a: Addr): number {
  if (typeof a === 'number') return mix(h, a);
  for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * A map keyed by ordered address pairs (src, dst), without building a key string per pair.
 * values() keeps the order of first insertion, as a Map does.
 */
export class AddrPairMap<V> {
  private readonly bySrc = new Map<Addr, Map<Addr, number>>();
  private readonly list: V[] = [];

  get(src: Addr, dst: Addr): V | undefined {
    const at = this.bySrc.get(src)?.get(dst);
    return at === undefined ? undefined : this.list[at];
  }

  set(src: Addr, dst: Addr, value: V): this {
    let dsts = this.bySrc.get(src);
    if (dsts === undefined) this.bySrc.set(src, (dsts = new Map()));
    const at = dsts.get(dst);
    if (at !== undefined) this.list[at] = value;
    else {
      dsts.set(dst, this.list.length);
      this.list.push(value);
    }
    return this;
  }

  values(): IterableIterator<V> {
    return this.list.values();
  }
}

/** A set of ordered address pairs (rules fill it from a million flows). */
export class AddrPairSet {
  private readonly pairs = new AddrPairMap<true>();

  add(src: Addr, dst: Addr): this {
    this.pairs.set(src, dst, true);
    return this;
  }

  has(src: Addr, dst: Addr): boolean {
    return this.pairs.get(src, dst) !== undefined;
  }

  /** The same question for addresses as text (hop paths, tunnel rows); false for text that is no address. */
  hasText(src: string, dst: string): boolean {
    const a = parseAddr(src);
    const b = parseAddr(dst);
    return a !== undefined && b !== undefined && this.has(a, b);
  }
}
