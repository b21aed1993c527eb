import { VxError, msg } from '../errors.js';
import { concatBytes } from './bytes.js';
import { PcapParser } from './pcap.js';
import { PcapngParser } from './pcapng.js';
import type { ParseTarget } from './parser.js';
import { sniffFormat } from './sniff.js';

/**
 * Push-driven: takes the capture's bytes in whatever chunks they arrive (file reads or a
 * pipe) and hands whole units to the format parser, keeping only an incomplete unit's
 * bytes between pushes. Bytes for a large record are collected until it is complete, so
 * the work stays linear whatever the chunk size.
 */
export class IndexBuilder {
  private parser: PcapParser | PcapngParser | undefined;
  private parts: Uint8Array[] = [];
  private partsLen = 0;
  /** File offset of the first byte held in parts. */
  private base = 0;
  private total = 0;

  constructor(private readonly target: ParseTarget) {}

  get bytesSeen(): number {
    return this.total;
  }

  /** Parses what the new bytes complete. The caller may reuse the chunk's memory afterwards. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.total += chunk.length;
    let from = 0;
    // An incomplete unit from earlier chunks is completed in a small bridge buffer, taking from
    // the new chunk only the bytes it still needs; the rest of the chunk is parsed in place.
    while (this.partsLen > 0 || !this.parser) {
      const want = (this.parser?.need ?? 4) - this.partsLen;
      if (chunk.length - from < want) {
        this.parts.push(chunk.slice(from));
        this.partsLen += chunk.length - from;
        return;
      }
      const bridge = concatBytes([...this.parts, chunk.subarray(from, from + Math.max(0, want))]);
      from += Math.max(0, want);
      this.parts = [];
      this.partsLen = 0;
      this.parser ??= sniffFormat(bridge) === 'pcap' ? new PcapParser(this.target) : new PcapngParser(this.target);
      this.parseAndKeepRest(bridge);
    }
    this.parseAndKeepRest(from === 0 ? chunk : chunk.subarray(from));
  }

  private parseAndKeepRest(work: Uint8Array): void {
    const pos = this.parser!.parse(work, 0, work.length, this.base);
    this.base += pos;
    if (pos < work.length) {
      this.parts = [work.slice(pos)];
      this.partsLen = work.length - pos;
    }
  }

  /** The input has ended: turns what is left over into the right error or warning. */
  finish(): void {
    if (!this.parser) {
      if (this.total === 0) throw new VxError('input', msg.emptyFile());
      throw new VxError('input', msg.tooShort(this.total));
    }
    if (!this.target.info) throw new VxError('input', msg.tooShort(this.total));
    this.parser.finish();
    if (this.partsLen > 0) {
      this.target.truncated = msg.truncated(this.parser.unitOffset, this.parser.need, this.partsLen);
    }
  }
}
