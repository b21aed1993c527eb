import { closeSync, openSync, writeSync } from 'node:fs';
import { VxError, ioError, msg } from '../errors.js';
import { concatBytes } from './bytes.js';
import type { CaptureFormat, CaptureInterface } from './types.js';

const FLUSH_AT = 1 << 20;
const STDOUT = 1;
const pause = new Int32Array(new SharedArrayBuffer(4));

export interface WrittenFrame {
  data: Uint8Array;
  origLen: number;
  sec: number;
  nsec: number;
  interfaceId: number;
  direction: number;
  /** pcapng only: packet comments, kept as opt_comment. */
  comments?: string[];
}

/**
 * Writes frames to a new capture: classic pcap for a pcap input, pcapng (one section,
 * every interface with its name and time resolution) for a pcapng input. Frame bytes and
 * time stamps are kept exactly, so tshark and tcpdump read the result like the original.
 */
export class CaptureWriter {
  private fd: number;
  /** Records are copied into one reused buffer: no allocation per packet, so memory stays flat. */
  private readonly stage = new Uint8Array(FLUSH_AT);
  private readonly stageView = new DataView(this.stage.buffer);
  private used = 0;
  private readonly idbFor = new Map<number, number>();
  private readonly units: { perSec: bigint; nsPerUnit: bigint }[] = [];

  constructor(
    readonly path: string,
    private readonly format: CaptureFormat,
    private readonly interfaces: CaptureInterface[],
    private readonly nano: boolean,
    /** pcapng only: comments for the section header (opt_comment). */
    private readonly sectionComments: string[] = [],
  ) {
    if (path === '-') this.fd = STDOUT;
    else {
      try {
        this.fd = openSync(path, 'wx');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw new VxError('input', msg.inOutput(path, msg.outputExists()));
        throw ioError(e, path, 'write');
      }
    }
    if (format === 'pcap') this.pcapHeader();
    else this.pcapngHeader();
  }

  write(f: WrittenFrame): void {
    if (this.format === 'pcap') this.pcapRecord(f);
    else this.epb(f);
  }

  close(): void {
    this.flush();
    if (this.fd !== STDOUT) closeSync(this.fd);
  }

  /** Makes room for n more bytes in the stage, writing out what it holds if needed. */
  private room(n: number): void {
    if (this.used + n > this.stage.length) this.flush();
  }

  private put(bytes: Uint8Array): void {
    this.room(bytes.length);
    if (bytes.length > this.stage.length) {
      this.writeOut(bytes);
      return;
    }
    this.stage.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** True once the reader of standard output went away (`-w - | head -c 100`). */
  closed = false;

  private flush(): void {
    this.writeOut(this.stage.subarray(0, this.used));
    this.used = 0;
  }

  private writeOut(c: Uint8Array): void {
    let o = 0;
    while (o < c.length && !this.closed) {
      try {
        o += writeSync(this.fd, c, o, c.length - o);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // A pipe on standard output may be non-blocking: wait a moment for the reader.
        if (code === 'EAGAIN') Atomics.wait(pause, 0, 0, 1);
        else if (code === 'EPIPE') this.closed = true;
        else throw ioError(e, this.path, 'write');
      }
    }
  }

  private pcapHeader(): void {
    const first = this.interfaces[0];
    const h = new DataView(new ArrayBuffer(24));
    h.setUint32(0, this.nano ? 0xa1b23c4d : 0xa1b2c3d4, true);
    h.setUint16(4, 2, true);
    h.setUint16(6, 4, true);
    h.setUint32(16, first?.snaplen || 262144, true);
    h.setUint32(20, first?.linkType ?? 1, true);
    this.put(new Uint8Array(h.buffer));
  }

  private pcapRecord(f: WrittenFrame): void {
    this.room(16);
    const h = this.stageView;
    const at = this.used;
    h.setUint32(at, f.sec, true);
    h.setUint32(at + 4, this.nano ? f.nsec : Math.floor(f.nsec / 1000), true);
    h.setUint32(at + 8, f.data.length, true);
    h.setUint32(at + 12, f.origLen, true);
    this.used += 16;
    this.put(f.data);
  }

  private pcapngHeader(): void {
    const head = new DataView(new ArrayBuffer(16));
    head.setUint32(0, 0x1a2b3c4d, true);
    head.setUint16(4, 1, true);
    head.setUint16(6, 0, true);
    head.setBigInt64(8, -1n, true);
    const comment =
      this.sectionComments.length === 0 ? [] : [...this.sectionComments.map((c) => option(1, new TextEncoder().encode(c))), option(0, new Uint8Array(0))];
    this.put(block(0x0a0d0d0a, concatBytes([new Uint8Array(head.buffer), ...comment])));
    for (const iface of this.interfaces) {
      this.idbFor.set(iface.id, this.units.length);
      const decimal = iface.tsResolution.base === 10 && iface.tsResolution.exponent <= 9;
      const exponent = decimal ? iface.tsResolution.exponent : 9;
      this.units.push({ perSec: 10n ** BigInt(exponent), nsPerUnit: 10n ** BigInt(9 - exponent) });
      const opts: Uint8Array[] = [];
      if (iface.name !== undefined) opts.push(option(2, new TextEncoder().encode(iface.name)));
      if (iface.description !== undefined) opts.push(option(3, new TextEncoder().encode(iface.description)));
      opts.push(option(9, Uint8Array.of(exponent)));
      this.put(block(1, concatBytes([u16pair(iface.linkType, 0), u32(iface.snaplen), ...opts, option(0, new Uint8Array(0))])));
    }
  }

  private epb(f: WrittenFrame): void {
    const idb = this.idbFor.get(f.interfaceId) ?? 0;
    const unit = this.units[idb] ?? { perSec: 1_000_000_000n, nsPerUnit: 1n };
    const ts = BigInt(f.sec) * unit.perSec + BigInt(f.nsec) / unit.nsPerUnit;
    const head = new DataView(new ArrayBuffer(20));
    head.setUint32(0, idb, true);
    head.setUint32(4, Number(ts >> 32n), true);
    head.setUint32(8, Number(ts & 0xffffffffn), true);
    head.setUint32(12, f.data.length, true);
    head.setUint32(16, f.origLen, true);
    const parts = [new Uint8Array(head.buffer), f.data, new Uint8Array((4 - (f.data.length % 4)) % 4)];
    if (f.direction) parts.push(option(2, u32(f.direction)));
    for (const c of f.comments ?? []) parts.push(option(1, new TextEncoder().encode(c)));
    if (f.direction || f.comments?.length) parts.push(option(0, new Uint8Array(0)));
    this.put(block(6, concatBytes(parts)));
  }
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

function u16pair(a: number, b: number): Uint8Array {
  const out = new Uint8Array(4);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, a, true);
  dv.setUint16(2, b, true);
  return out;
}

function option(code: number, value: Uint8Array): Uint8Array {
  const padded = (value.length + 3) & ~3;
  const out = new Uint8Array(4 + padded);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, code, true);
  dv.setUint16(2, value.length, true);
  out.set(value, 4);
  return out;
}

function block(type: number, body: Uint8Array): Uint8Array {
  const len = 12 + body.length;
  const out = new Uint8Array(len);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, type, true);
  dv.setUint32(4, len, true);
  out.set(body, 8);
  dv.setUint32(len - 4, len, true);
  return out;
}
