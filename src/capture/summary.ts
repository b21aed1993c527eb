import { safeText } from '../text/escape.js';
import type { Capture } from './capture.js';
import { formatIso } from './timestamp.js';
import { resolutionDigits, resolutionName, type ByteOrder, type CaptureFormat } from './types.js';
import { maxOf } from '../util/max.js';

export interface InterfaceSummary {
  id: number;
  name: string | null;
  description?: string;
  linkType: number;
  snaplen: number;
  tsResolution: string;
  packets: number;
}

/** What `vxshark capinfo` reports; the JSON keys are part of the command's contract. */
export interface CaptureSummary {
  file: string;
  format: CaptureFormat;
  byteOrder: ByteOrder | 'mixed';
  version: string;
  tsResolution: string;
  linkTypes: number[];
  snaplen: number;
  packets: number;
  firstTime: string | null;
  lastTime: string | null;
  durationSeconds: number | null;
  /** The same span as an exact decimal string at the file's time precision. */
  duration: string | null;
  bytes: number;
  bytesOnWire: number;
  sections: number;
  /** The section headers' comments (capinfos' "Capture comment"). */
  comments: string[];
  interfaces: InterfaceSummary[];
  warnings: string[];
  error: string | null;
}

export function summarize(capture: Capture): CaptureSummary {
  const info = capture.info!;
  const index = capture.index;
  let first = -1;
  let last = -1;
  let bytes = 0;
  let wire = 0;
  for (let i = 0; i < index.count; i++) {
    bytes += index.capLenOf(i);
    wire += index.origLenOf(i);
    // A frame without a time stamp (a pcapng simple packet block) has no place in time.
    if (index.untimedOf(i)) continue;
    if (first < 0 || earlier(capture, i, first)) first = i;
    if (last < 0 || earlier(capture, last, i)) last = i;
  }
  const ifaces = capture.interfaces;
  const digits = maxOf(
    ifaces.map((f) => resolutionDigits(f.tsResolution)),
    0,
  );
  const resolutions = [...new Set(ifaces.map((f) => resolutionName(f.tsResolution)))];
  const orders = new Set(info.sections.map((s) => s.byteOrder));
  const at = (i: number): string | null => (i < 0 ? null : formatIso(index.secondsOf(i), index.nanosOf(i), digits));
  return {
    file: capture.name,
    format: info.format,
    byteOrder: orders.size > 1 ? 'mixed' : info.byteOrder,
    version: info.version,
    tsResolution: resolutions.length === 1 ? resolutions[0]! : resolutions.length ? `mixed (${resolutions.join(', ')})` : 'none',
    linkTypes: [...new Set(ifaces.map((f) => f.linkType))],
    snaplen: info.snaplen,
    packets: index.count,
    firstTime: at(first),
    lastTime: at(last),
    durationSeconds: first < 0 ? null : index.secondsOf(last) - index.secondsOf(first) + (index.nanosOf(last) - index.nanosOf(first)) / 1e9,
    duration: first < 0 ? null : exactSpan(capture, first, last, digits),
    bytes,
    bytesOnWire: wire,
    sections: Math.max(1, info.sections.length),
    comments: info.sections.flatMap((s) => (s.comments ?? []).map(safeText)),
    interfaces: ifaces.map((f) => ({
      id: f.id,
      name: f.name === undefined ? null : safeText(f.name),
      ...(f.description ? { description: safeText(f.description) } : {}),
      linkType: f.linkType,
      snaplen: f.snaplen,
      tsResolution: resolutionName(f.tsResolution),
      packets: f.packets,
    })),
    warnings: [...capture.warnings],
    error: capture.error ?? null,
  };
}

function earlier(capture: Capture, a: number, b: number): boolean {
  const ix = capture.index;
  const sa = ix.secondsOf(a);
  const sb = ix.secondsOf(b);
  return sa < sb || (sa === sb && ix.nanosOf(a) < ix.nanosOf(b));
}

function exactSpan(capture: Capture, first: number, last: number, digits: number): string {
  const ix = capture.index;
  let sec = ix.secondsOf(last) - ix.secondsOf(first);
  let ns = ix.nanosOf(last) - ix.nanosOf(first);
  // A corrupt classic-pcap fraction may be 1e9 ns or more, so carry whole seconds either way.
  const carry = Math.floor(ns / 1e9);
  sec += carry;
  ns -= carry * 1e9;
  return digits > 0 ? `${sec}.${String(ns).padStart(9, '0').slice(0, digits)}` : String(sec);
}
