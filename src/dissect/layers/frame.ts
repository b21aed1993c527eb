import { formatEpoch, fraction } from '../../capture/timestamp.js';
import { WIRESHARK_ENCAP_NAMES, wiresharkEncap } from '../../capture/link-types.js';
import { zoneAbbreviation } from '../../text/zone.js';
import { fieldsOf, protocolField } from '../field-helpers.js';
import type { Dissector, Packet } from '../types.js';

function protocols(pkt: Packet): string {
  const layers = pkt.layers;
  let s = layers.length > 1 ? layers[1]!.proto : '';
  for (let i = 2; i < layers.length; i++) s += ':' + layers[i]!.proto;
  // A header the bytes end before is listed, as tshark lists it.
  return pkt.missing ? `${s}:${pkt.missing.proto}` : s;
}

const list = (values: string[]): string[] | undefined => (values.length ? values : undefined);

/** A span as tshark writes it, nine decimals: from its whole seconds and nanoseconds when given (exact), else from the double. */
function spanText(seconds: number | undefined, sec: number | undefined, nsec: number | undefined): string | undefined {
  if (seconds === undefined) return undefined;
  if (sec === undefined || nsec === undefined) return seconds.toFixed(9);
  return `${sec < 0 || nsec < 0 ? '-' : ''}${Math.abs(sec)}.${String(Math.abs(nsec)).padStart(9, '0')}`;
}

/** Why each malformed layer is (snaplen cuts and the partial packet an ICMP error quotes are not malformed). */
function malformedReasons(p: Packet): string[] | undefined {
  const out = p.layers.filter((l) => l.malformed !== undefined && !l.truncated && !l.quoted).map((l) => l.malformed!);
  if (p.missing && !p.missing.snaplen) out.push(p.missing.why);
  if (out.length === 0 && p.notes.some((n) => n.severity === 'error' && n.message.startsWith('[Malformed'))) out.push('dissector failed');
  return list(out);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

let zoneFormat: Intl.DateTimeFormat | undefined;
let zoneHour = NaN;
let zoneText = '';

/**
 * The local zone's short name at `t` ("UTC", "CET", "CEST"), from the zone file as tshark has
 * it; Intl only when the zone file cannot tell (a date past its table in a zone with DST). Looked
 * up again only when the hour changes.
 */
function zoneName(t: Date, sec: number): string {
  const hour = Math.floor(sec / 3600);
  if (hour !== zoneHour) {
    zoneText = zoneAbbreviation(sec) ?? intlZoneName(t);
    zoneHour = hour;
  }
  return zoneText;
}

function intlZoneName(t: Date): string {
  zoneFormat ??= new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });
  return zoneFormat.formatToParts(t).find((x) => x.type === 'timeZoneName')?.value ?? '';
}

// Packets come many to a second: the date, the time to the second and the zone are worked out
// once per second (the local calendar fields are slow to ask for), and again when TZ changes.
let secondOf = NaN;
let secondTz: string | undefined;
let secondText = '';
let zoneSuffix = '';

/**
 * The arrival time's text around the fraction of a second: "Jun  1, 2025 10:00:06." and " UTC".
 * Undefined past ±275,760 years (a corrupt time stamp or resolution): there is no calendar
 * date there; tshark says the same. `serial` changes whenever the texts do. `tz` is the TZ in
 * force (process.env.TZ, which the caller may have read already).
 */
export function arrivalSecond(sec: number, tz: string | undefined): { text: string; zone: string; serial: number } | undefined {
  if (sec !== secondOf || tz !== secondTz) {
    if (tz !== secondTz) zoneHour = NaN;
    const t = new Date(sec * 1000);
    if (!Number.isFinite(t.getTime())) return undefined;
    const zone = zoneName(t, sec);
    secondText = `${MONTHS[t.getMonth()]} ${String(t.getDate()).padStart(2, ' ')}, ${t.getFullYear()} ${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}.`;
    zoneSuffix = zone ? ` ${zone}` : '';
    secondOf = sec;
    secondTz = tz;
    second.serial++;
  }
  second.text = secondText;
  second.zone = zoneSuffix;
  return second;
}

const second = { text: '', zone: '', serial: 0 };

/** tshark's absolute time in the local time zone: "Jun  1, 2025 10:00:06.002950000 UTC". */
function formatArrival(sec: number, nsec: number): string {
  const at = arrivalSecond(sec, process.env.TZ);
  return at ? at.text + fraction(nsec, 9) + at.zone : NOT_REPRESENTABLE;
}

export const NOT_REPRESENTABLE = 'Not representable';

/** The pseudo-layer that holds what the capture file says about a frame. */
export const frame: Dissector = {
  proto: 'frame',
  name: 'Frame',
  short: 'Frame',
  fields: [
    protocolField('frame', 'Frame'),
    ...fieldsOf('frame', [
      ['frame.comment', 'Comment', 'string', { get: (p) => p.frame.comments }],
      ['frame.number', 'Frame Number', 'uint', { get: (p) => p.frame.number }],
      ['frame.time', 'Arrival Time', 'time', { get: (p) => (p.frame.untimed ? undefined : formatArrival(p.frame.sec, p.frame.nsec)) }],
      ['frame.time_epoch', 'Epoch Arrival Time', 'time', { get: (p) => (p.frame.untimed ? undefined : formatEpoch(p.frame.sec, p.frame.nsec)) }],
      ['frame.time_delta', 'Time delta from previous captured frame', 'time', { get: (p) => spanText(p.frame.delta, p.frame.deltaSec, p.frame.deltaNsec) }],
      ['frame.time_relative', 'Time since first frame', 'time', { get: (p) => spanText(p.frame.relative, p.frame.relativeSec, p.frame.relativeNsec) }],
      ['frame.len', 'Frame Length', 'uint', { get: (p) => p.frame.origLen }],
      ['frame.cap_len', 'Capture Length', 'uint', { get: (p) => p.frame.capLen }],
      ['frame.interface_id', 'Interface id', 'uint', { get: (p) => p.frame.interfaceId }],
      ['frame.interface_name', 'Interface name', 'string', { get: (p) => p.frame.interfaceName }],
      ['frame.packet_flags_direction', 'Direction', 'uint', { get: (p) => p.frame.direction, names: { 0: 'Unknown', 1: 'Inbound', 2: 'Outbound' } }],
      [
        'frame.encap_type',
        'Encapsulation type',
        'uint',
        {
          get: (p) => wiresharkEncap(p.frame.linkType),
          names: WIRESHARK_ENCAP_NAMES,
          description: "Wireshark's encapsulation type (WTAP_ENCAP), not the pcap link type: 25 for Linux cooked capture (link type 113)",
        },
      ],
      ['frame.protocols', 'Protocols in frame', 'string', { get: protocols }],
      // Wireshark's pseudo-fields for expert information (see markMalformed in dissect.ts).
      ['_ws.malformed', 'Malformed Packet', 'string', { hidden: true, get: malformedReasons }],
      [
        '_ws.short',
        'Packet size limited during capture',
        'string',
        {
          hidden: true,
          get: (p) => list([...p.layers.filter((l) => l.truncated && !l.quoted).map((l) => l.malformed!), ...(p.missing?.snaplen ? [p.missing.why] : [])]),
        },
      ],
      ['_ws.expert', 'Expert Info', 'string', { hidden: true, get: (p) => list(p.notes.map((n) => n.message)) }],
      ['_ws.expert.message', 'Message', 'string', { hidden: true, get: (p) => list(p.notes.map((n) => n.message)) }],
      ['_ws.expert.severity', 'Severity level', 'string', { hidden: true, get: (p) => list(p.notes.map((n) => n.severity)) }],
    ]),
  ],
  decode(ctx, start, end) {
    ctx.push('frame', start, start, end);
    return { proto: ctx.lookup('linktype', ctx.pkt.frame.linkType) ?? 'data', start, end };
  },
  title: (p) =>
    `Frame ${p.frame.number}: ${p.frame.origLen} bytes on wire, ${p.frame.capLen} bytes captured` +
    (p.frame.interfaceName !== undefined ? ` on interface ${p.frame.interfaceName}` : ''),
};
