import { loadCapture, type Capture } from '../../capture/capture.js';
import { createRegistry } from '../../dissect/default-registry.js';
import { dissect } from '../../dissect/dissect.js';
import { frameMetaInto } from '../../dissect/frame-meta.js';
import { malformedMark } from '../../dissect/summary.js';
import type { FrameMeta } from '../../dissect/types.js';
import { linkTypeName } from '../../capture/link-types.js';
import { summarize, type CaptureSummary } from '../../capture/summary.js';
import { EXIT_INPUT, EXIT_OK, msg } from '../../errors.js';
import { reportFailure, warn, type Output } from '../io.js';

export interface CapinfoOptions {
  files: string[];
  json: boolean;
}

/** `vxshark capinfo FILE...`: what each capture holds, for people or (with --json) scripts. */
export async function capinfo(opts: CapinfoOptions, out: Output): Promise<number> {
  let status = EXIT_OK;
  let firstBlock = true;
  for (const file of opts.files) {
    let summary: CaptureSummary & PacketHealth;
    try {
      const capture = await loadCapture(file);
      summary = { ...summarize(capture), ...packetHealth(capture) };
      capture.close();
    } catch (e) {
      status = Math.max(status, reportFailure(e));
      continue;
    }
    for (const w of summary.warnings) warn(msg.inInput(file, w));
    if (summary.error) {
      warn(msg.inInput(file, summary.error));
      status = Math.max(status, EXIT_INPUT);
    }
    if (opts.json) out.line(JSON.stringify(summary));
    else {
      if (!firstBlock) out.line('');
      printSummary(summary, out);
    }
    firstBlock = false;
  }
  return status;
}

interface PacketHealth {
  /** Packets with a header that cannot be trusted (`_ws.malformed`: [Malformed Packet] in the summary line). */
  malformedPackets: number;
  /** Packets whose headers the snaplen cut (`[|tcp]`). */
  truncatedPackets: number;
}

/** Dissects every frame once (about 1.5 million a second) to count the malformed and cut ones. */
function packetHealth(capture: Capture): PacketHealth {
  const registry = createRegistry();
  const meta: FrameMeta = { number: 0, sec: 0, nsec: 0, capLen: 0, origLen: 0, linkType: 1, interfaceId: 0, direction: 0 };
  const noNames = new Map<number, string>();
  const health: PacketHealth = { malformedPackets: 0, truncatedPackets: 0 };
  capture.scan(0, capture.frameCount, (i, data) => {
    const pkt = dissect(data, frameMetaInto(meta, capture, i, noNames), registry);
    const mark = malformedMark(pkt);
    if (mark.startsWith('[Malformed')) health.malformedPackets++;
    else if (mark.startsWith('[|')) health.truncatedPackets++;
  });
  return health;
}

function printSummary(s: CaptureSummary & PacketHealth, out: Output): void {
  const row = (label: string, value: string | number): void => out.line(`${(label + ':').padEnd(18)}${value}`);
  row('File', s.file);
  row('Format', `${s.format} ${s.version}, ${s.byteOrder}${s.sections > 1 ? `, ${s.sections} sections` : ''}`);
  row('Time resolution', s.tsResolution);
  row('Link types', s.linkTypes.map((t) => `${linkTypeName(t)} (${t})`).join(', ') || 'none');
  row('Snaplen', s.snaplen);
  row('Packets', s.packets);
  row('First packet', s.firstTime ?? '-');
  row('Last packet', s.lastTime ?? '-');
  row('Duration', s.duration === null ? '-' : `${s.duration} s`);
  row('Bytes', `${s.bytes} captured, ${s.bytesOnWire} on the wire`);
  for (const c of s.comments) row('Capture comment', c);
  row(
    'Malformed',
    `${s.malformedPackets} packet${s.malformedPackets === 1 ? '' : 's'} ([Malformed Packet]), ${s.truncatedPackets} cut by the snaplen ([|proto])`,
  );
  if (s.format === 'pcapng' || s.interfaces.length > 1) {
    out.line('Interfaces:');
    for (const f of s.interfaces) {
      const name = f.name ?? '(unnamed)';
      out.line(
        `  ${String(f.id).padStart(3)}  ${name.padEnd(16)} ${`${linkTypeName(f.linkType)} (${f.linkType})`.padEnd(28)} ${f.tsResolution.padEnd(13)} ${f.packets} packet${f.packets === 1 ? '' : 's'}`,
      );
    }
  }
}
