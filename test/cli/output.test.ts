// Output back-pressure: printing to a slow or paused reader must stall reading the capture,
// not pile the output up in memory (`vxshark -r big.pcap -V | less`). The reader here is a
// target that refuses writes (EAGAIN) as a full pipe does; nothing in these tests is timed.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { read } from '../../src/cli/commands/read.js';
import { readOptions } from '../helpers/read-options.js';
import { Output, OUTPUT_BUFFER, type OutputTarget } from '../../src/cli/io.js';
import { buildPcap } from '../fixtures/capture-writer.js';
import { filler, icmpEcho, IPPROTO_ICMP, vxlanFrame } from '../fixtures/packet-builder.js';
import { TempDir } from '../capture/helpers.js';
import { prng } from '../helpers/prng.js';
import { painter } from '../../src/cli/print/color.js';
import { PacketPrinter, type PrintOptions } from '../../src/cli/print/packet-printer.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { fieldsOf, protocolField, u8 } from '../../src/dissect/field-helpers.js';
import type { FrameMeta } from '../../src/dissect/types.js';

const dir = new TempDir();
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
after(() => dir.cleanup());

/** A reader that takes at most `perWrite` bytes at a time and is away (EAGAIN) `awayFor` times in a row between takes. */
class SlowReader implements OutputTarget {
  received = 0;
  waits = 0;
  readonly hash = createHash('sha256');
  /** Called on every wait, while the writer is stalled: what the test wants to observe then. */
  onWait: (() => void) | undefined;
  private away = 0;
  constructor(
    private readonly perWrite: number,
    private readonly awayFor: number,
  ) {}

  write(bytes: Uint8Array, offset: number, length: number): number {
    if (this.away > 0) {
      this.away--;
      throw Object.assign(new Error('EAGAIN: resource temporarily unavailable'), { code: 'EAGAIN' });
    }
    const n = Math.min(length, this.perWrite);
    this.hash.update(bytes.subarray(offset, offset + n));
    this.received += n;
    this.away = this.awayFor;
    return n;
  }

  waitForReader(): void {
    this.waits++;
    this.onWait?.();
  }
}

function vxlanCapture(packets: number): string {
  const outer = { srcMac: '02:00:0a:00:00:01', dstMac: '02:00:0a:00:00:02', src: '10.0.0.10', dst: '10.0.0.11' };
  const inner = { srcMac: '0a:58:0a:f4:00:01', dstMac: '0a:58:0a:f4:01:01', src: '10.244.0.5', dst: '10.244.1.7' };
  const frame = vxlanFrame({ outer, vni: 7, inner }, { proto: IPPROTO_ICMP, bytes: icmpEcho({ type: 8, id: 1, seq: 1 }, filler(64)) });
  const records = Array.from({ length: packets }, (_, i) => ({ tsSec: 1_700_000_000 + Math.floor(i / 1000), tsFrac: (i % 1000) * 1000, data: frame }));
  return dir.write(buildPcap(records));
}

describe('output back-pressure', () => {
  it('never holds more than one buffer of text, and delivers every byte in order, to a reader that keeps going away', async () => {
    const reader = new SlowReader(4096, 3);
    const out = new Output(reader);
    const expected = createHash('sha256');
    let total = 0;
    for (let i = 0; i < 100_000; i++) {
      // Empty lines too, as -x ends each packet with one (they take a path of their own).
      const line = i % 7 === 3 ? '' : `line ${i} ${'x'.repeat(i % 97)}`;
      out.line(line);
      expected.update(`${line}\n`);
      total += line.length + 1;
    }
    await out.drain();
    assert.equal(reader.received, total);
    assert.equal(reader.hash.digest('hex'), expected.digest('hex'));
    assert.ok(reader.waits > 1000, `the reader made the writer wait (${reader.waits} waits)`);
    assert.ok(out.maxHeld <= OUTPUT_BUFFER + 200, `held at most ${out.maxHeld} characters`);
  });

  it('stalls reading the capture while the reader is away: -V output stays bounded however much there is', async () => {
    const file = vxlanCapture(3000);
    // Whole output first, to know how much a reader that never came back would leave in memory.
    const all = new SlowReader(1 << 30, 0);
    assert.equal(await read(readOptions(file, { verbose: true }), new Output(all)), 0);
    assert.ok(all.received > 8_000_000, `-V of 3,000 packets is ${all.received} bytes`);

    // Now a reader that takes 16 KiB and then is away for 50 attempts each time. While it is
    // away, the memory in use must not grow with what has been printed.
    const reader = new SlowReader(16 * 1024, 50);
    const out = new Output(reader);
    // The first sample is the baseline: by then the dissectors are compiled and the buffers allocated.
    let base: number | undefined;
    let peakGrowth = 0;
    let samples = 0;
    reader.onWait = () => {
      if (reader.waits % 1000 !== 0) return;
      gc();
      samples++;
      const used = process.memoryUsage().heapUsed;
      base ??= used;
      peakGrowth = Math.max(peakGrowth, used - base);
    };
    assert.equal(await read(readOptions(file, { verbose: true }), out), 0);
    assert.equal(reader.received, all.received, 'everything arrives once the reader catches up');
    assert.equal(reader.hash.digest('hex'), all.hash.digest('hex'));
    assert.ok(out.maxHeld <= OUTPUT_BUFFER + 8192, `held at most ${out.maxHeld} characters of text`);
    // Live heap, measured while the writer waits, against the 8+ MB the output amounts to.
    assert.ok(samples >= 10, `${samples} samples`);
    assert.ok(peakGrowth < 1_000_000, `live heap grew ${peakGrowth} bytes while ${all.received} bytes were printed`);
  });

  it('sends text written directly (-V) in the order of the calls, among lines, bytes and whole writes', async () => {
    const reader = new SlowReader(1000, 1);
    const out = new Output(reader);
    const expected = createHash('sha256');
    let total = 0;
    const said = (s: string): void => {
      expected.update(s);
      total += Buffer.byteLength(s);
    };
    const random = prng(0x5eed);
    for (let i = 0; i < 20_000; i++) {
      const piece = `piece ${i} ${'d'.repeat((i * 37) % 500)}\n`;
      switch (Math.floor(random() * 5)) {
        case 0:
        case 1: {
          const text = out.directText();
          text.text(piece);
          out.wroteDirect();
          break;
        }
        case 2:
          out.line(piece.slice(0, -1));
          break;
        case 3:
          out.bytes(piece.length, (buffer, at) => at + Buffer.from(buffer.buffer, buffer.byteOffset).write(piece, at, 'latin1'));
          break;
        default:
          out.write(Buffer.from(piece));
      }
      said(piece);
      if (i % 1000 === 999) out.flush();
    }
    await out.drain();
    assert.equal(reader.received, total);
    assert.equal(reader.hash.digest('hex'), expected.digest('hex'));
    assert.ok(out.maxHeld <= OUTPUT_BUFFER + 600, `held at most ${out.maxHeld} bytes`);
  });

  it('prints nothing of a packet whose -V tree fails, and all of the packets before it', () => {
    const registry = createRegistry();
    // A title that names a field past its minimum length is a mistake in the dissector: writing it throws.
    registry.add({
      proto: 'broken',
      name: 'Broken',
      short: 'BROKEN',
      fields: [protocolField('broken', 'Broken'), ...fieldsOf('broken', [['broken.a', 'A', 'uint', u8(4)]])],
      fieldTitle: { text: 'Broken', minLength: 2, parts: [[', A: ', 'broken.a']] },
      decode(ctx, start, end) {
        ctx.push('broken', start, Math.min(end, start + 8), end);
        return undefined;
      },
    });
    registry.register('ethertype', 0x88b5, 'broken');
    const reader = new SlowReader(1 << 20, 0);
    const out = new Output(reader);
    const options = { output: 'text', verbose: true, hex: false, summaryLines: false, fields: [], fieldsOptions: { header: false } } as const;
    const printer = new PacketPrinter(options as unknown as PrintOptions, registry, out, painter(false));
    const meta = (n: number, length: number): FrameMeta => ({
      number: n,
      sec: 0,
      nsec: 0,
      capLen: length,
      origLen: length,
      linkType: 1,
      interfaceId: 0,
      direction: 0,
    });
    const good = Uint8Array.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0xb6, 1, 2]);
    const bad = Uint8Array.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0xb5, 1, 2, 3, 4, 5, 6, 7, 8]);
    printer.print(dissect(good, meta(1, good.length), registry), good, '');
    out.flush();
    const before = reader.received;
    assert.ok(before > 0, 'the first packet went out');
    assert.throws(() => printer.print(dissect(bad, meta(2, bad.length), registry), bad, ''), /title shows broken\.a/);
    out.flush();
    assert.equal(reader.received, before, 'nothing of the failed packet went out');
  });

  it('stops writing, without an error, once the reader has gone (EPIPE)', async () => {
    let writes = 0;
    const gone: OutputTarget = {
      write() {
        writes++;
        throw Object.assign(new Error('EPIPE: broken pipe'), { code: 'EPIPE' });
      },
      waitForReader() {},
    };
    const out = new Output(gone);
    for (let i = 0; i < 50_000; i++) out.line(`line ${i} ${'y'.repeat(40)}`);
    await out.drain();
    assert.equal(out.closed, true);
    assert.equal(writes, 1, 'one failed write, then nothing');
  });
});
