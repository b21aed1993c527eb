import type { FieldDef, FieldValue } from './types.js';

/** "0" to "255": every address is printed, and converting its four numbers was most of the cost. */
const OCTET = Array.from({ length: 256 }, (_, i) => String(i));

export function formatIpv4(n: number): string {
  return `${OCTET[n >>> 24]}.${OCTET[(n >>> 16) & 255]}.${OCTET[(n >>> 8) & 255]}.${OCTET[n & 255]}`;
}

/** RFC 5952 text: lower case, longest run of zero groups (two or more) compressed. */
export function formatIpv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] ?? 0) << 8) | (b[i + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number): string => g.toString(16);
  if (bestStart < 0) return groups.map(hex).join(':');
  const head = groups.slice(0, bestStart).map(hex).join(':');
  const tail = groups
    .slice(bestStart + bestLen)
    .map(hex)
    .join(':');
  return `${head}::${tail}`;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The six bytes from `at` (a packet's data and an offset: a subarray per address costs more than formatting it). */
export function formatMac(b: Uint8Array, at = 0): string {
  return `${HEX[b[at]!]}:${HEX[b[at + 1]!]}:${HEX[b[at + 2]!]}:${HEX[b[at + 3]!]}:${HEX[b[at + 4]!]}:${HEX[b[at + 5]!]}`;
}

/** Bytes as tshark prints them in fields: colon-separated hex pairs. */
export function formatBytes(b: Uint8Array, sep = ':'): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (i ? sep : '') + HEX[b[i]!];
  return s;
}

export function hexNumber(n: number, digits: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(digits, '0');
}

/** A value as `-T fields` and JSON print it, matching tshark's conventions. */
export function formatValue(f: FieldDef, v: FieldValue): string {
  switch (f.type) {
    case 'ipv4':
      return formatIpv4(v as number);
    case 'ipv6':
      return formatIpv6(v as Uint8Array);
    case 'ether':
      return formatMac(v as Uint8Array);
    case 'bytes':
      return formatBytes(v as Uint8Array, f.plainHex ? '' : ':');
    case 'bool':
      return v === true || v === 1 ? '1' : '0';
    case 'none':
      // A label without a value: -T fields prints 1 where it is present (-T json prints "").
      return '1';
    case 'uint':
    case 'int':
      return f.hexDigits ? hexNumber(v as number, f.hexDigits) : String(v);
    default:
      return String(v);
  }
}

/** A boolean as the tree shows it: Set or Not set, or the field's own words (ERSPAN's Ingress and Egress). */
export function boolText(f: FieldDef, v: boolean): string {
  return f.names?.[v ? 1 : 0] ?? (v ? 'Set' : 'Not set');
}

/** A value as the detail tree shows it, with its name when the field has one ("UDP (17)"). */
export function displayValue(f: FieldDef, v: FieldValue): string {
  if (f.type === 'bool') return boolText(f, Boolean(v));
  if (f.type === 'none') return '';
  const text = f.treeHexDigits && typeof v === 'number' ? hexNumber(v, f.treeHexDigits) : formatValue(f, v);
  const name = typeof v === 'number' ? f.names?.[v] : undefined;
  return name ? `${name} (${text})` : text;
}
