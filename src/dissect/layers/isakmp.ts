import { truncatedHeader } from '../dissect.js';
import { bits, fieldsOf, protocolField, rd16, rd32, u32, u8 } from '../field-helpers.js';
import type { Dissector, FieldValue, Layer, Packet } from '../types.js';

// ISAKMP / IKE (RFC 2408 for IKEv1, RFC 7296 section 3.1 for IKEv2): the 28-byte header that
// every IKE message starts with, on UDP 500 and behind the non-ESP marker on UDP 4500. The
// payloads after it are listed by type only; in IKEv2 they are mostly encrypted anyway.

const HEADER = 28;

const PAYLOADS: Record<number, string> = {
  0: 'NONE / No Next Payload ',
  1: 'Security Association',
  2: 'Proposal',
  3: 'Transform',
  4: 'Key Exchange',
  5: 'Identification',
  6: 'Certificate',
  7: 'Certificate Request',
  8: 'Hash',
  9: 'Signature',
  10: 'Nonce',
  11: 'Notification',
  12: 'Delete',
  13: 'Vendor ID',
  33: 'Security Association',
  34: 'Key Exchange',
  35: 'Identification - Initiator',
  36: 'Identification - Responder',
  37: 'Certificate',
  38: 'Certificate Request',
  39: 'Authentication',
  40: 'Nonce',
  41: 'Notify',
  42: 'Delete',
  43: 'Vendor ID',
  44: 'Traffic Selector - Initiator',
  45: 'Traffic Selector - Responder',
  46: 'Encrypted and Authenticated',
  47: 'Configuration',
  48: 'Extensible Authentication',
  53: 'Encrypted and Authenticated Fragment',
};

const EXCHANGES_V1: Record<number, string> = {
  1: 'Base',
  2: 'Identity Protection (Main Mode)',
  3: 'Authentication Only',
  4: 'Aggressive',
  5: 'Informational',
  32: 'Quick Mode',
  33: 'New Group Mode',
};

const EXCHANGES_V2: Record<number, string> = { 34: 'IKE_SA_INIT', 35: 'IKE_AUTH', 36: 'CREATE_CHILD_SA', 37: 'INFORMATIONAL' };

const major = (p: Packet, l: Layer): number => p.data[l.start + 17]! >> 4;
const exchangeName = (p: Packet, l: Layer): string => {
  const t = p.data[l.start + 18]!;
  return (major(p, l) >= 2 ? EXCHANGES_V2[t] : EXCHANGES_V1[t]) ?? `Unknown (${t})`;
};
const whole = (l: Layer): boolean => l.payload - l.start >= HEADER;

interface IkePayload {
  at: number;
  type: number;
  next: number;
  critical: boolean;
  length: number;
}

/** The chain of generic payload headers after the IKE header; it stops inside an encrypted payload. */
function ikePayloads(p: Packet, l: Layer): IkePayload[] {
  const out: IkePayload[] = [];
  if (!whole(l)) return out;
  const d = p.data;
  let type = d[l.start + 16]!;
  let i = l.start + HEADER;
  while (type !== 0 && i + 4 <= l.end && out.length < 64) {
    const length = rd16(d, i + 2);
    if (length < 4 || i + length > l.end) break;
    out.push({ at: i, type, next: d[i]!, critical: (d[i + 1]! & 0x80) !== 0, length });
    if (type === 46 || type === 53) break;
    type = d[i]!;
    i += length;
  }
  return out;
}

const perPayload = (pick: (x: IkePayload) => FieldValue, at: (x: IkePayload) => [number, number]) => ({
  get: (p: Packet, l: Layer) => ikePayloads(p, l).map(pick),
  ranges: (p: Packet, l: Layer) => ikePayloads(p, l).map(at),
  parent: 'isakmp.typepayload',
});
const spi = (offset: number) => ({
  get: (p: Packet, l: Layer) => (whole(l) ? p.data.subarray(l.start + offset, l.start + offset + 8) : undefined),
  range: (_p: Packet, l: Layer): [number, number] | undefined => (whole(l) ? [l.start + offset, 8] : undefined),
});

export const isakmp: Dissector = {
  proto: 'isakmp',
  name: 'Internet Security Association and Key Management Protocol',
  short: 'ISAKMP',
  fields: [
    protocolField('isakmp', 'Internet Security Association and Key Management Protocol'),
    ...fieldsOf('isakmp', [
      ['isakmp.ispi', 'Initiator SPI', 'bytes', { ...spi(0), plainHex: true }],
      ['isakmp.rspi', 'Responder SPI', 'bytes', { ...spi(8), plainHex: true }],
      // The header's next payload at the top, then each payload's own, under the payload.
      [
        'isakmp.nextpayload',
        'Next payload',
        'uint',
        {
          get: (p, l) => (whole(l) ? [p.data[l.start + 16]!, ...ikePayloads(p, l).map((x) => x.next)] : undefined),
          ranges: (p, l) => [[l.start + 16, 1], ...ikePayloads(p, l).map((x): [number, number] => [x.at, 1])],
          names: PAYLOADS,
          parent: 'isakmp.typepayload',
          firstAtTop: true,
        },
      ],
      ['isakmp.version', 'Version', 'uint', { ...u8(17), hexDigits: 2 }],
      ['isakmp.mjver', 'MjVer', 'uint', { ...bits(17, 1, 0xf0), hexDigits: 2, parent: 'isakmp.version' }],
      ['isakmp.mnver', 'MnVer', 'uint', { ...bits(17, 1, 0x0f), hexDigits: 2, parent: 'isakmp.version' }],
      ['isakmp.exchangetype', 'Exchange type', 'uint', { ...u8(18), names: { ...EXCHANGES_V1, ...EXCHANGES_V2 } }],
      ['isakmp.flags', 'Flags', 'uint', { ...u8(19), hexDigits: 2 }],
      ['isakmp.flag_i', 'Initiator', 'bool', { ...bits(19, 1, 0x08, true), parent: 'isakmp.flags' }],
      ['isakmp.flag_v', 'Version', 'bool', { ...bits(19, 1, 0x10, true), parent: 'isakmp.flags' }],
      ['isakmp.flag_r', 'Response', 'bool', { ...bits(19, 1, 0x20, true), parent: 'isakmp.flags' }],
      ['isakmp.messageid', 'Message ID', 'uint', { ...u32(20), hexDigits: 8 }],
      ['isakmp.length', 'Length', 'uint', u32(24)],
      [
        'isakmp.typepayload',
        'Payload',
        'uint',
        {
          ...perPayload(
            (x) => x.type,
            (x) => [x.at, x.length],
          ),
          parent: undefined,
          names: PAYLOADS,
        },
      ],
      [
        'isakmp.criticalpayload',
        'Critical Bit',
        'bool',
        perPayload(
          (x) => x.critical,
          (x) => [x.at + 1, 1],
        ),
      ],
      [
        'isakmp.payloadlength',
        'Payload length',
        'uint',
        perPayload(
          (x) => x.length,
          (x) => [x.at + 2, 2],
        ),
      ],
    ]),
  ],
  decode(ctx, start, end) {
    const layer = ctx.push('isakmp', start, Math.min(end, start + HEADER), end);
    if (end - start < HEADER) return truncatedHeader(ctx, 'ISAKMP', layer);
    const length = rd32(ctx.pkt.data, start + 24);
    if (length < HEADER) ctx.note('warning', `[Bogus ISAKMP length (${length}, must be at least ${HEADER})]`);
    else if (length > end - start) ctx.note('warning', `[ISAKMP length ${length} is more than the ${end - start} bytes in the datagram]`);
    return undefined;
  },
  title: () => 'Internet Security Association and Key Management Protocol',
  info: (p, l) => {
    if (!whole(l)) return 'ISAKMP';
    const name = exchangeName(p, l);
    if (major(p, l) < 2) return name;
    const flags = p.data[l.start + 19]!;
    const mid = rd32(p.data, l.start + 20);
    return `${name} MID=${String(mid).padStart(2, '0')} ${flags & 0x08 ? 'Initiator' : 'Responder'} ${flags & 0x20 ? 'Response' : 'Request'}`;
  },
};
