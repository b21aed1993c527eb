// The Frame section of -V as bytes. Its values are text made for each packet (the arrival
// time, the protocol list, the title), which cost more as strings than the rest of the
// section: tree-bytes.ts writes these fields with the writers here instead, the same text.
import { arrivalSecond, NOT_REPRESENTABLE } from './layers/frame.js';
import type { TextBytes } from './text-bytes.js';
import type { Packet } from './types.js';

/** A field's value written straight into bytes, for fields whose getter builds a string. */
export interface FieldBytes {
  /** Whether the field has a value (its getter would not return undefined). */
  has(pkt: Packet): boolean;
  write(out: TextBytes, pkt: Packet): void;
}

const ENCODER = new TextEncoder();
const encoded = new Map<string, Uint8Array>();
const bytesOf = (s: string): Uint8Array => {
  let b = encoded.get(s);
  if (!b) encoded.set(s, (b = ENCODER.encode(s)));
  return b;
};

/** Nine digits of nanoseconds, as fraction(nsec, 9) writes them (a corrupt value of a second or more whole). */
function nanos(out: TextBytes, nsec: number): void {
  if (!(nsec >= 0 && nsec < 1e9 && Math.floor(nsec) === nsec)) {
    out.text(String(nsec).padStart(9, '0'));
    return;
  }
  out.room(9);
  const buf = out.buffer;
  let at = out.length + 9;
  out.length = at;
  for (let i = 0; i < 9; i++) {
    const q = Math.floor(nsec / 10);
    buf[--at] = 0x30 + (nsec - q * 10);
    nsec = q;
  }
}

let arrivalSerial = -1;
let arrivalText = new Uint8Array(0);
let arrivalZone = new Uint8Array(0);

const always = (): boolean => true;
/** A frame without a time stamp (a pcapng simple packet block) has no time lines, as in tshark. */
const timed = (pkt: Packet): boolean => pkt.frame.untimed !== true;

// Reading TZ from the environment took a fifth of this line's time: -V reads it again when the
// second changes and at the start of each printing run (readTimeZoneAgain), not for every packet.
let zoneSecond = NaN;
let zoneTz: string | undefined;

/** Makes the next arrival time read TZ again: a printer calls it as it starts. */
export function readTimeZoneAgain(): void {
  zoneSecond = NaN;
}

const arrival: FieldBytes = {
  has: timed,
  write(out, pkt) {
    const sec = pkt.frame.sec;
    if (sec !== zoneSecond) {
      zoneTz = process.env.TZ;
      zoneSecond = sec;
    }
    const at = arrivalSecond(sec, zoneTz);
    if (!at) {
      out.text(NOT_REPRESENTABLE);
      return;
    }
    if (at.serial !== arrivalSerial) {
      arrivalText = ENCODER.encode(at.text);
      arrivalZone = ENCODER.encode(at.zone);
      arrivalSerial = at.serial;
    }
    out.bytes(arrivalText);
    nanos(out, pkt.frame.nsec);
    out.bytes(arrivalZone);
  },
};

const epoch: FieldBytes = {
  has: timed,
  write(out, pkt) {
    const sec = pkt.frame.sec;
    if (sec >= 0 && Number.isSafeInteger(sec)) out.decimal(sec);
    else out.text(String(sec));
    out.byte(0x2e);
    nanos(out, pkt.frame.nsec);
  },
};

/**
 * seconds.toFixed(9), without making the string when the value is within 0.01 ns of a whole
 * number of nanoseconds and below 10^6 s, as the times between frames of a capture are: there
 * the double's error is below 0.07 ns, so that whole number is the one toFixed rounds to.
 */
export function writeFixed9(out: TextBytes, seconds: number): void {
  const ns = seconds * 1e9;
  const whole = Math.round(ns);
  if (!(Math.abs(seconds) < 1e6) || Math.abs(ns - whole) >= 0.01) {
    out.text(seconds.toFixed(9));
    return;
  }
  const magnitude = Math.abs(whole);
  if (seconds < 0) out.byte(0x2d);
  out.decimal(Math.floor(magnitude / 1e9));
  out.byte(0x2e);
  nanos(out, magnitude % 1e9);
}

/** A span given as seconds and nanoseconds of one sign (FrameMeta.deltaSec ...), exactly. */
function writeSpan(out: TextBytes, sec: number, nsec: number): void {
  if (sec < 0 || nsec < 0) out.byte(0x2d);
  out.decimal(Math.abs(sec));
  out.byte(0x2e);
  nanos(out, Math.abs(nsec));
}

const delta: FieldBytes = {
  has: (pkt) => pkt.frame.delta !== undefined,
  write: (out, pkt) => {
    const f = pkt.frame;
    if (f.deltaSec !== undefined && f.deltaNsec !== undefined) writeSpan(out, f.deltaSec, f.deltaNsec);
    else writeFixed9(out, f.delta!);
  },
};

const relative: FieldBytes = {
  has: (pkt) => pkt.frame.relative !== undefined,
  write: (out, pkt) => {
    const f = pkt.frame;
    if (f.relativeSec !== undefined && f.relativeNsec !== undefined) writeSpan(out, f.relativeSec, f.relativeNsec);
    else writeFixed9(out, f.relative!);
  },
};

/** frame.protocols: the layers' names after the frame's, joined by colons. */
const protocols: FieldBytes = {
  has: always,
  write(out, pkt) {
    const layers = pkt.layers;
    for (let i = 1; i < layers.length; i++) {
      if (i > 1) out.byte(0x3a);
      out.bytes(bytesOf(layers[i]!.proto));
    }
    if (pkt.missing) {
      out.byte(0x3a);
      out.bytes(bytesOf(pkt.missing.proto));
    }
  },
};

/** Writers by field name. */
export const fieldBytes: ReadonlyMap<string, FieldBytes> = new Map([
  ['frame.time', arrival],
  ['frame.time_epoch', epoch],
  ['frame.time_delta', delta],
  ['frame.time_relative', relative],
  ['frame.protocols', protocols],
]);

const FRAME = ENCODER.encode('Frame ');
const ON_WIRE = ENCODER.encode(' bytes on wire, ');
const CAPTURED = ENCODER.encode(' bytes captured');
const ON_INTERFACE = ENCODER.encode(' on interface ');

/** The frame dissector's title, "Frame 1: 200 bytes on wire, 200 bytes captured[ on interface eth0]". */
function writeFrameTitle(out: TextBytes, pkt: Packet): void {
  const f = pkt.frame;
  out.bytes(FRAME);
  out.decimal(f.number);
  out.byte(0x3a);
  out.byte(0x20);
  out.decimal(f.origLen);
  out.bytes(ON_WIRE);
  out.decimal(f.capLen);
  out.bytes(CAPTURED);
  if (f.interfaceName !== undefined) {
    out.bytes(ON_INTERFACE);
    out.safe(f.interfaceName);
  }
}

/** Layer titles written straight into bytes, by protocol. */
export const titleBytes: ReadonlyMap<string, (out: TextBytes, pkt: Packet) => void> = new Map([['frame', writeFrameTitle]]);
