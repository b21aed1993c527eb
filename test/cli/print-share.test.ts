// -V and -T json share their writing with a worker thread when the output is a file
// (print-share.ts). What reaches the output must be byte for byte what one thread prints: on
// generated captures with tiny batches and a tiny ring (so the hand-over waits in both
// directions), through the command line on every sample and recording and on the corpus's
// largest captures, and when the reader goes away part way. Nothing here is timed.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { read, type ReadOptions } from '../../src/cli/commands/read.js';
import { readOptions } from '../helpers/read-options.js';
import { Output, type OutputTarget } from '../../src/cli/io.js';
import { ChunkRing } from '../../src/cli/print/chunk-ring.js';
import { wantsSharedPrinting, workerBatches } from '../../src/cli/print/print-share.js';
import { TempDir } from '../capture/helpers.js';
import { buildPcap } from '../fixtures/capture-writer.js';
import { filler, icmpEcho, IPPROTO_ICMP, vxlanFrame } from '../fixtures/packet-builder.js';
import { ROOT, vxshark } from '../helpers/cli.js';

const dir = new TempDir();
after(() => dir.cleanup());

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/peers', import.meta.url));

/** Takes everything, up to `limit` bytes; past that the reader has gone (EPIPE). */
class Collect implements OutputTarget {
  readonly hash = createHash('sha256');
  received = 0;
  constructor(readonly limit = Infinity) {}
  write(bytes: Uint8Array, offset: number, length: number): number {
    if (this.received >= this.limit) throw Object.assign(new Error('EPIPE: broken pipe'), { code: 'EPIPE' });
    this.hash.update(bytes.subarray(offset, offset + length));
    this.received += length;
    return length;
  }
  waitForReader(): void {}
}

/** Packets that differ from each other (sequence numbers, sizes, two VNIs), so a misplaced batch shows. */
function vxlanCapture(packets: number): string {
  const records = Array.from({ length: packets }, (_, i) => {
    const outer = { srcMac: '02:00:0a:00:00:01', dstMac: '02:00:0a:00:00:02', src: '10.0.0.10', dst: `10.0.0.${11 + (i % 3)}` };
    const inner = { srcMac: '0a:58:0a:f4:00:01', dstMac: '0a:58:0a:f4:01:01', src: '10.244.0.5', dst: '10.244.1.7' };
    const bytes = icmpEcho({ type: i % 2 ? 0 : 8, id: 1 + (i % 5), seq: i }, filler(16 + (i % 40)));
    return {
      tsSec: 1_700_000_000 + Math.floor(i / 1000),
      tsFrac: (i % 1000) * 1000,
      data: vxlanFrame({ outer, vni: 7 + (i % 2), inner }, { proto: IPPROTO_ICMP, bytes }),
    };
  });
  return dir.write(buildPcap(records));
}

const TINY = { batch: 3, ring: { slots: 2, slotBytes: 700 } };

/** What read() writes with VXSHARK_PRINT_THREADS set to `threads`, as a hash and a length. */
async function printed(threads: '1' | '2', opts: ReadOptions, reader = new Collect()): Promise<{ status: number; hash: string; bytes: number }> {
  const before = process.env.VXSHARK_PRINT_THREADS;
  process.env.VXSHARK_PRINT_THREADS = threads;
  const batchesBefore = workerBatches.count;
  try {
    const out = new Output(reader);
    const status = await read(opts, out);
    await out.drain();
    const fromWorker = workerBatches.count - batchesBefore;
    if (threads === '1') assert.equal(fromWorker, 0);
    else if (reader.limit === Infinity) assert.ok(fromWorker >= 10, `the worker printed ${fromWorker} batches`);
    return { status, hash: reader.hash.digest('hex'), bytes: reader.received };
  } finally {
    if (before === undefined) delete process.env.VXSHARK_PRINT_THREADS;
    else process.env.VXSHARK_PRINT_THREADS = before;
  }
}

describe('the chunk ring', () => {
  it('hands over chunks in order, batch by batch, and says full, failed and missing', () => {
    // Each thread has its own view of the shared memory.
    const worker = new ChunkRing({ slots: 3, slotBytes: 4 });
    const main = new ChunkRing(worker.shape, worker.shared);
    const bytes = new TextEncoder().encode('abcdefghij');
    assert.equal(worker.put(bytes, 0, 10), 4, 'a slot takes at most slotBytes');
    assert.equal(worker.put(bytes, 4, 6), 4);
    assert.ok(worker.endBatch(5));
    assert.equal(worker.put(bytes, 8, 2), 0, 'every slot is full');
    const got: string[] = [];
    assert.equal(
      main.takeBatch((b) => got.push(Buffer.from(b).toString())),
      'end',
    );
    assert.deepEqual(got, ['abcd', 'efgh']);
    assert.equal(main.lastTag, 5, 'the end carries its tag');
    assert.equal(worker.put(bytes, 8, 2), 2, 'room again once taken');
    worker.finish();
    assert.equal(
      main.takeBatch((b) => got.push(Buffer.from(b).toString())),
      'missing',
      'the worker finished without ending the batch',
    );
    assert.deepEqual(got, ['abcd', 'efgh', 'ij']);
    const failing = new ChunkRing({ slots: 2, slotBytes: 4 });
    failing.fail();
    assert.equal(
      failing.takeBatch(() => assert.fail('nothing to take')),
      'failed',
    );
  });
});

describe('printing shared with a worker', () => {
  const file = vxlanCapture(400);

  it('-V: the same bytes as one thread, through a tiny ring and tiny batches', async () => {
    const one = await printed('1', readOptions(file, { verbose: true }));
    const two = await printed('2', readOptions(file, { verbose: true, shareTuning: TINY }));
    assert.ok(one.bytes > 400 * 1000, `${one.bytes} bytes of -V`);
    assert.deepEqual(two, one);
  });

  it('-T json with -Y and -c: the same bytes as one thread', async () => {
    const opts = { output: 'json' as const, displayFilter: 'icmp.type == 8 || icmp.seq > 300', count: 350 };
    const one = await printed('1', readOptions(file, opts));
    const two = await printed('2', readOptions(file, { ...opts, shareTuning: TINY }));
    assert.ok(one.bytes > 175 * 1000, `${one.bytes} bytes of JSON`);
    assert.deepEqual(two, one);
  });

  it('-V -x: the tree and the bytes of each packet stay together', async () => {
    const one = await printed('1', readOptions(file, { verbose: true, hex: true }));
    const two = await printed('2', readOptions(file, { verbose: true, hex: true, shareTuning: { batch: 1, ring: { slots: 4, slotBytes: 256 } } }));
    assert.deepEqual(two, one);
  });

  it('is for -T json to a file or device; -V shares only when asked to (its second thread costs more than it takes)', async () => {
    const before = process.env.VXSHARK_PRINT_THREADS;
    const big = vxlanCapture(32_000);
    const bigBytes = statSync(big).size;
    assert.ok(bigBytes >= 4 * 1024 * 1024, `${bigBytes} bytes`);
    const toFile = (): boolean => true;
    try {
      delete process.env.VXSHARK_PRINT_THREADS;
      assert.deepEqual(await wantsSharedPrinting(readOptions(big, { output: 'json' }), toFile), { mode: 'when-ready', bytes: bigBytes });
      assert.equal(await wantsSharedPrinting(readOptions(big, { output: 'json' }), () => false), undefined);
      assert.equal(await wantsSharedPrinting(readOptions(file, { output: 'json' }), toFile), undefined);
      assert.equal(await wantsSharedPrinting(readOptions(big, { verbose: true }), toFile), undefined);
      assert.equal(await wantsSharedPrinting(readOptions(big, { verbose: true, hex: true }), toFile), undefined);
      process.env.VXSHARK_PRINT_THREADS = '2';
      const bytes = statSync(file).size;
      assert.deepEqual(await wantsSharedPrinting(readOptions(file, { verbose: true })), { mode: 'always', bytes });
      assert.deepEqual(await wantsSharedPrinting(readOptions(file, { output: 'json' })), { mode: 'always', bytes });
      assert.equal(await wantsSharedPrinting(readOptions(file)), undefined);
    } finally {
      if (before === undefined) delete process.env.VXSHARK_PRINT_THREADS;
      else process.env.VXSHARK_PRINT_THREADS = before;
    }
  });

  it('stops quietly, worker and all, when the reader goes away part way', async () => {
    const reader = new Collect(20_000);
    const r = await printed('2', readOptions(file, { verbose: true, shareTuning: TINY }), reader);
    assert.equal(r.status, 0);
    assert.ok(r.bytes >= 20_000 && r.bytes < 40_000, `${r.bytes} bytes taken before the reader went`);
  });
});

describe('printing shared with a worker, from the command line', () => {
  const recordings = [
    ...readdirSync(`${ROOT}samples`).map((f) => `samples/${f}`),
    ...readdirSync(`${ROOT}samples/lab-recordings`).map((f) => `samples/lab-recordings/${f}`),
  ].filter((f) => /\.(pcap|pcapng)$/.test(f));
  const shared = { VXSHARK_PRINT_THREADS: '2', VXSHARK_PRINT_BATCH: '2' };

  it('-V and -T json of every sample and recording: the same output, errors and status as one thread', async () => {
    for (const f of recordings) {
      for (const args of [['-V'], ['-T', 'json']]) {
        const one = await vxshark(['-r', f, ...args], { env: { VXSHARK_PRINT_THREADS: '1' } });
        const two = await vxshark(['-r', f, ...args], { env: shared });
        assert.equal(one.status, 0, `${f} ${args.join(' ')}: ${one.stderr}`);
        assert.deepEqual(two, one, `${f} ${args.join(' ')}`);
      }
    }
  });

  it('-V of the corpus captures with the most bytes: the same output as one thread', async (t) => {
    if (!existsSync(CORPUS)) return t.skip('../shared/corpus/peers is not here');
    const largest = readdirSync(CORPUS, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(pcap|pcapng|cap)$/.test(f))
      .map((f) => ({ f: `${CORPUS}/${f}`, size: statSync(`${CORPUS}/${f}`).size }))
      .sort((a, b) => b.size - a.size)
      .slice(0, 12);
    for (const { f } of largest) {
      const one = await vxshark(['-r', f, '-V'], { env: { VXSHARK_PRINT_THREADS: '1' } });
      const two = await vxshark(['-r', f, '-V'], { env: shared });
      assert.deepEqual(two, one, f);
    }
  });
});
