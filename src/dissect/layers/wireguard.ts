import { truncatedHeader } from '../dissect.js';
import { fieldsOf, protocolField, u8, type FieldSpec } from '../field-helpers.js';
import type { Dissector, Layer, Packet } from '../types.js';

// WireGuard (Donenfeld, "WireGuard: Next Generation Kernel Network Tunnel"): four message
// types, little-endian indexes and counter. Calico uses UDP 51820 and Cilium 51871; other
// ports are recognised by the exact message sizes. Everything after the header is encrypted.

export const WG_TYPES: Record<number, string> = { 1: 'Handshake Initiation', 2: 'Handshake Response', 3: 'Cookie Reply', 4: 'Transport Data' };
/** Header bytes of each message type; the whole message for types 1-3. */
const SIZE: Record<number, number> = { 1: 148, 2: 92, 3: 64, 4: 16 };
/** Transport data ends with a 16-byte Poly1305 tag. */
export const WG_TAG = 16;

const le32 = (d: Uint8Array, p: number): number => (d[p]! | (d[p + 1]! << 8) | (d[p + 2]! << 16) | (d[p + 3]! << 24)) >>> 0;

const type = (p: Packet, l: Layer): number => p.data[l.start]!;
const whole = (p: Packet, l: Layer): boolean => l.payload - l.start >= (SIZE[type(p, l)] ?? 4);

/** A field at the offset given for each message type that has it (absent from the others). */
function at(offsets: Record<number, number>, size: number, read: (d: Uint8Array, p: number) => number | Uint8Array | string | boolean): FieldSpec {
  const offsetOf = (p: Packet, l: Layer): number | undefined => {
    const offset = offsets[type(p, l)];
    return offset !== undefined && whole(p, l) && l.start + offset + size <= l.payload ? l.start + offset : undefined;
  };
  return {
    get: (p, l) => {
      const o = offsetOf(p, l);
      return o === undefined ? undefined : read(p.data, o);
    },
    range: (p, l) => {
      const o = offsetOf(p, l);
      return o === undefined ? undefined : [o, size];
    },
  };
}
const bytes = (d: Uint8Array, p: number, n: number): Uint8Array => d.subarray(p, p + n);
const base64 = (d: Uint8Array, p: number): string => Buffer.from(d.subarray(p, p + 32)).toString('base64');

export const wireguard: Dissector = {
  proto: 'wg',
  name: 'WireGuard Protocol',
  short: 'WireGuard',
  fields: [
    protocolField('wg', 'WireGuard Protocol'),
    ...fieldsOf('wg', [
      ['wg.type', 'Type', 'uint', { ...u8(0), names: WG_TYPES }],
      ['wg.reserved', 'Reserved', 'bytes', at({ 1: 1, 2: 1, 3: 1, 4: 1 }, 3, (d, p) => bytes(d, p, 3))],
      ['wg.sender', 'Sender', 'uint', { ...at({ 1: 4, 2: 4 }, 4, le32), hexDigits: 8, description: 'Identifier as chosen by the sender' }],
      ['wg.receiver', 'Receiver', 'uint', { ...at({ 2: 8, 3: 4, 4: 4 }, 4, le32), hexDigits: 8, description: 'Identifier as chosen by the receiver' }],
      ['wg.ephemeral', 'Ephemeral', 'string', { ...at({ 1: 8, 2: 12 }, 32, base64), description: 'Ephemeral public key of the sender' }],
      [
        'wg.encrypted_static',
        'Encrypted Static',
        'none',
        { ...at({ 1: 40 }, 48, () => true), description: 'Encrypted long-term static public key of the sender' },
      ],
      ['wg.encrypted_timestamp', 'Encrypted Timestamp', 'none', at({ 1: 88 }, 28, () => true)],
      ['wg.encrypted_empty', 'Encrypted Empty', 'none', { ...at({ 2: 44 }, 16, () => true), description: 'Authenticated encryption of an empty string' }],
      ['wg.mac1', 'mac1', 'bytes', at({ 1: 116, 2: 60 }, 16, (d, p) => bytes(d, p, 16))],
      ['wg.mac2', 'mac2', 'bytes', at({ 1: 132, 2: 76 }, 16, (d, p) => bytes(d, p, 16))],
      ['wg.nonce', 'Nonce', 'bytes', at({ 3: 8 }, 24, (d, p) => bytes(d, p, 24))],
      ['wg.encrypted_cookie', 'Encrypted Cookie', 'bytes', at({ 3: 32 }, 32, (d, p) => bytes(d, p, 32))],
      ['wg.counter', 'Counter', 'uint', at({ 4: 8 }, 8, (d, p) => le32(d, p + 4) * 2 ** 32 + le32(d, p))],
      [
        'wg.encrypted_packet',
        'Encrypted Packet',
        'none',
        {
          get: (p, l) => (type(p, l) === 4 && l.end > l.payload ? true : undefined),
          range: (_p, l) => [l.payload, l.end - l.payload],
          description: 'The encrypted inner packet and its 16-byte authentication tag',
        },
      ],
    ]),
  ],
  decode(ctx, start, end) {
    const d = ctx.pkt.data;
    const t = end > start ? d[start]! : 0;
    const size = SIZE[t] ?? 4;
    const layer = ctx.push('wg', start, Math.min(start + size, end), end);
    if (end - start < size) return truncatedHeader(ctx, 'WireGuard', layer);
    if (!WG_TYPES[t]) ctx.note('warning', `[WireGuard message type ${t} is unknown]`);
    if (t === 4) {
      const sealed = end - start - size;
      if (sealed === WG_TAG) ctx.note('note', '[Keepalive: an empty encrypted packet]');
      else if (sealed > WG_TAG)
        ctx.note('note', `[Encrypted packet: ${sealed - WG_TAG} bytes and a ${WG_TAG}-byte tag; no inner packet can be shown without the keys]`);
    }
    return undefined;
  },
  title: () => 'WireGuard Protocol',
  info(p, l) {
    const t = type(p, l);
    const name = WG_TYPES[t] ?? `Unknown type ${t}`;
    if (!whole(p, l)) return name;
    const hex = (v: number): string => `0x${v.toString(16).toUpperCase().padStart(8, '0')}`;
    const d = p.data;
    if (t === 1) return `${name}, sender=${hex(le32(d, l.start + 4))}`;
    if (t === 2) return `${name}, sender=${hex(le32(d, l.start + 4))}, receiver=${hex(le32(d, l.start + 8))}`;
    if (t === 3) return `${name}, receiver=${hex(le32(d, l.start + 4))}`;
    if (t === 4 && l.end - l.payload === WG_TAG)
      return `Keepalive, receiver=${hex(le32(d, l.start + 4))}, counter=${le32(d, l.start + 12) * 2 ** 32 + le32(d, l.start + 8)}`;
    if (t === 4)
      return `${name}, receiver=${hex(le32(d, l.start + 4))}, counter=${le32(d, l.start + 12) * 2 ** 32 + le32(d, l.start + 8)}, datalen=${l.end - l.payload - WG_TAG}`;
    return name;
  },
  looksLike(d, start, end) {
    const len = end - start;
    if (len < 4 || d[start + 1] !== 0 || d[start + 2] !== 0 || d[start + 3] !== 0) return false;
    const t = d[start]!;
    if (t === 4) return len >= 32 && len % 16 === 0;
    return SIZE[t] === len;
  },
};
