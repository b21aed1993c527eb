import { loadCapture, type Capture } from '../../capture/capture.js';
import { CaptureWriter } from '../../capture/writer.js';
import { resolutionDigits } from '../../capture/types.js';
import { createRegistry } from '../../dissect/default-registry.js';
import { dissect } from '../../dissect/dissect.js';
import { frameMeta } from '../../dissect/frame-meta.js';
import type { DecodeAsRule } from '../../dissect/registry.js';
import { summarize } from '../../dissect/summary.js';
import { buildTree, treeText } from '../../dissect/tree.js';
import { EXIT_INPUT, EXIT_OK, VxError, msg } from '../../errors.js';
import { warn, type Output } from '../io.js';
import { fieldsHeader, fieldsLine, resolveFields, type FieldsOptions } from '../print/fields.js';
import { hexDump } from '../print/hex-dump.js';
import { packetJson } from '../print/json.js';
import { summaryLine } from '../print/summary-line.js';
import { TimeColumn, type TimeFormat } from '../print/time-format.js';

export interface ReadOptions {
  file: string;
  verbose: boolean;
  hex: boolean;
  output: 'text' | 'fields' | 'json';
  fields: string[];
  fieldsOptions: FieldsOptions;
  count?: number;
  decodeAs: DecodeAsRule[];
  heuristics: boolean;
  ifnames: Map<number, string>;
  timeFormat: TimeFormat;
  /** Write the packets that pass to this new capture file instead of printing them. */
  writeTo?: string;
}

/** `vxshark -r FILE`: prints every packet while the file streams in, like tshark. */
export async function read(opts: ReadOptions, out: Output): Promise<number> {
  const registry = createRegistry({ decodeAs: opts.decodeAs, heuristics: opts.heuristics });
  const fields = opts.output === 'fields' ? resolveFields(registry, opts.fields) : [];
  if (opts.output === 'fields' && fields.length === 0) throw new VxError('usage', msg.fieldsNeedE());
  let time: TimeColumn | undefined;
  let printed = 0;
  const limit = opts.count ?? Infinity;

  let writer: CaptureWriter | undefined;
  const printFrame = (i: number, data: Uint8Array, capture: Capture): void => {
    if (printed >= limit || out.closed) return;
    const meta = frameMeta(capture, i, opts.ifnames);
    const pkt = dissect(data, meta, registry);
    printed++;
    if (opts.writeTo !== undefined) {
      writer ??= new CaptureWriter(opts.writeTo, capture.info!.format, capture.interfaces, timeDigits(capture) > 6);
      writer.write({ data, origLen: meta.origLen, sec: meta.sec, nsec: meta.nsec, interfaceId: meta.interfaceId, direction: meta.direction });
      return;
    }
    const summary = summarize(pkt, registry);
    if (opts.output === 'fields') {
      out.line(fieldsLine(pkt, fields, opts.fieldsOptions));
      return;
    }
    if (opts.output === 'json') {
      out.line((printed === 1 ? '[\n' : ',\n') + JSON.stringify(packetJson(pkt, registry, summary), null, 2));
      return;
    }
    time ??= new TimeColumn(opts.timeFormat, timeDigits(capture));
    if (opts.verbose) {
      if (printed > 1) out.line('');
      for (const l of treeText(buildTree(pkt, registry))) out.line(l);
    } else out.line(summaryLine(meta.number, time.text(meta), summary));
    if (opts.hex) {
      if (!opts.verbose) out.line('');
      for (const l of hexDump(data)) out.line(l);
      out.line('');
    }
  };

  if (opts.output === 'fields' && opts.fieldsOptions.header) out.line(fieldsHeader(fields, opts.fieldsOptions));
  let loaded: Capture;
  try {
    loaded = await loadCapture(opts.file, {
      onFrame: printFrame,
      shouldStop: () => out.closed || printed >= limit,
    });
  } finally {
    writer?.close();
  }
  if (opts.writeTo !== undefined && !writer && loaded.info) {
    new CaptureWriter(opts.writeTo, loaded.info.format, loaded.interfaces, timeDigits(loaded) > 6).close();
  }
  if (opts.output === 'json') out.line(printed ? '\n]' : '[]');
  for (const w of loaded.warnings) warn(msg.inInput(opts.file, w));
  let status = EXIT_OK;
  if (loaded.error) {
    warn(msg.inInput(opts.file, loaded.error));
    status = EXIT_INPUT;
  }
  loaded.close();
  return status;
}

function timeDigits(capture: Capture): number {
  return Math.max(0, ...capture.interfaces.map((f) => resolutionDigits(f.tsResolution)));
}
