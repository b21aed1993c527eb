import type { Registry } from '../../dissect/registry.js';
import { summarize } from '../../dissect/summary.js';
import { readTimeZoneAgain } from '../../dissect/frame-bytes.js';
import { writeTreeBytes } from '../../dissect/tree-bytes.js';
import type { Packet } from '../../dissect/types.js';
import type { Output } from '../io.js';
import type { Paint } from './color.js';
import { fieldsHeader, fieldsLine, resolveFields, type FieldsOptions } from './fields.js';
import { hexDumpBytes, hexDumpInto } from './hex-dump.js';
import { packetJson } from './json.js';
import { summaryLine } from './summary-line.js';

export interface PrintOptions {
  output: 'text' | 'fields' | 'json';
  verbose: boolean;
  hex: boolean;
  /** -P: summary lines even where tshark would leave them out (with -x alone, or with -w). */
  summaryLines: boolean;
  fields: string[];
  fieldsOptions: FieldsOptions;
}

/** Prints dissected packets in the format -T/-V/-x/-e ask for. */
export class PacketPrinter {
  private printed = 0;
  private readonly fields;

  constructor(
    private readonly opts: PrintOptions,
    private readonly registry: Registry,
    private readonly out: Output,
    private readonly paint: Paint,
  ) {
    this.fields = opts.output === 'fields' ? resolveFields(registry, opts.fields) : [];
    readTimeZoneAgain();
  }

  get fieldCount(): number {
    return this.fields.length;
  }

  start(): void {
    if (this.opts.output === 'fields' && this.opts.fieldsOptions.header) this.out.line(fieldsHeader(this.fields, this.opts.fieldsOptions));
  }

  /** Whether print() reads the dissected packet: -x alone prints only the bytes. */
  needsPacket(): boolean {
    const o = this.opts;
    return o.output !== 'text' || o.verbose || !o.hex || o.summaryLines;
  }

  /** Whether print() reads its time text: only summary lines show the Time column. */
  needsTime(): boolean {
    const o = this.opts;
    return o.output === 'text' && !o.verbose && (!o.hex || o.summaryLines);
  }

  /** `pkt` may be undefined only when needsPacket() says so. */
  print(pkt: Packet | undefined, data: Uint8Array, time: string): void {
    const { out, opts, registry } = this;
    this.printed++;
    if (opts.output === 'fields') {
      out.line(fieldsLine(pkt!, this.fields, opts.fieldsOptions));
      return;
    }
    if (opts.output === 'json') {
      out.line((this.printed === 1 ? '[\n' : ',\n') + JSON.stringify(packetJson(pkt!, registry, summarize(pkt!, registry)), null, 2));
      return;
    }
    // As in tshark: -V prints the tree, -x alone prints only the bytes, -P adds the summary line.
    if (opts.verbose) {
      // A blank line between packets, then the tree (and the bytes) written straight into the output.
      const text = out.directText();
      const before = text.length;
      try {
        if (this.printed > 1) text.byte(0x0a);
        writeTreeBytes(text, pkt!, registry);
        if (pkt!.layers.length === 0) text.byte(0x0a);
        if (opts.hex) {
          text.byte(0x0a);
          if (data.length) {
            text.room(hexDumpBytes(data.length));
            text.length = hexDumpInto(data, text.buffer, text.length);
          }
          text.byte(0x0a);
        }
      } catch (e) {
        // A packet whose tree fails (an internal error) prints nothing of it, as when it was built apart.
        text.length = before;
        throw e;
      }
      out.wroteDirect();
      return;
    }
    if (!opts.hex || opts.summaryLines) {
      const line = summaryLine(pkt!.frame.number, time, summarize(pkt!, registry), this.paint);
      const severity = pkt!.notes.find((n) => n.severity === 'error') ? 'error' : undefined;
      out.line(severity ? this.paint.error(line) : line);
    }
    if (opts.hex) {
      if (data.length) out.bytes(hexDumpBytes(data.length), (buffer, at) => hexDumpInto(data, buffer, at));
      out.line('');
    }
  }

  /** Counts a packet another thread prints (the first packet, and the lines between packets, depend on the count). */
  skip(): void {
    this.printed++;
  }

  finish(): void {
    if (this.opts.output === 'json') this.out.line(this.printed ? '\n]' : '[]');
  }
}
