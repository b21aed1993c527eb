// Classic pcap reader: header variants, time stamps, record limits, truncation and corruption,
// Linux cooked headers, frame bytes read back, and chunk-size independence.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { summarize } from '../../src/capture/summary.js';
import { formatEpoch, formatIso } from '../../src/capture/timestamp.js';
import { Direction, LinkType } from '../../src/capture/types.js';
import { buildPcap, concatBytes, truncate, u32, type PcapOptions, type PcapRecord } from '../fixtures/capture-writer.js';
import { filler } from '../fixtures/packet-builder.js';
import { closeAll, dumpIndex, framesOf, hex, indexInChunks, loadBytes, loadError, scannedFrames, TempDir } from './helpers.js';
import { ethernetFrames, sll2Frames, sllFrames } from './samples.js';

const dir = new TempDir();
after(() => {
  closeAll();
  dir.cleanup();
});

const HEADER = 24;
const RECORD = 16;

function records(frames: Uint8Array[], base = 1_700_000_000): PcapRecord[] {
  return frames.map((data, i) => ({ tsSec: base + i, tsFrac: 100_000 * i + 7, data }));
}

/** buildPcap for record counts beyond what one spread call can take: batches, headers stripped. */
function bigPcap(recs: PcapRecord[], opts: PcapOptions): Uint8Array {
  const parts = [buildPcap([], opts)];
  for (let i = 0; i < recs.length; i += 1000) parts.push(buildPcap(recs.slice(i, i + 1000), opts).subarray(HEADER));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** File offsets of each record's data, computed from the layout rather than taken from the reader. */
function dataOffsets(frames: Uint8Array[]): number[] {
  let o = HEADER;
  return frames.map((f) => {
    const at = o + RECORD;
    o = at + f.length;
    return at;
  });
}

describe('pcap header', () => {
  for (const byteOrder of ['le', 'be'] as const) {
    it(`reads microsecond records in ${byteOrder === 'le' ? 'little' : 'big'}-endian order`, async () => {
      const frames = ethernetFrames();
      const cap = await loadBytes(dir, buildPcap(records(frames), { byteOrder, snaplen: 65535 }));
      assert.equal(cap.error, undefined);
      assert.deepEqual(cap.warnings, []);
      assert.equal(cap.info?.format, 'pcap');
      assert.equal(cap.info?.byteOrder, byteOrder === 'le' ? 'little-endian' : 'big-endian');
      assert.equal(cap.info?.version, '2.4');
      assert.equal(cap.info?.snaplen, 65535);
      assert.equal(cap.info?.fcsBytes, undefined);
      assert.equal(cap.interfaces.length, 1);
      assert.deepEqual(cap.interfaces[0], {
        id: 0,
        section: 0,
        localId: 0,
        linkType: 1,
        snaplen: 65535,
        tsResolution: { base: 10, exponent: 6 },
        tsOffset: 0,
        packets: frames.length,
      });
      assert.equal(cap.frameCount, frames.length);
      const offsets = dataOffsets(frames);
      frames.forEach((f, i) => {
        assert.equal(cap.index.offsetOf(i), offsets[i]);
        assert.equal(cap.index.capLenOf(i), f.length);
        assert.equal(cap.index.origLenOf(i), f.length);
        assert.equal(cap.index.secondsOf(i), 1_700_000_000 + i);
        assert.equal(cap.index.nanosOf(i), (100_000 * i + 7) * 1000);
        assert.equal(cap.index.interfaceOf(i), 0);
        assert.equal(cap.index.directionOf(i), Direction.Unknown);
        assert.equal(cap.index.ifindexOf(i), undefined);
      });
      assert.equal(cap.index.hasIfindex, false);
      assert.equal(cap.bytesRead, cap.size);
      assert.equal(cap.complete, true);
    });

    it(`reads nanosecond time stamps exactly (${byteOrder})`, async () => {
      const data = filler(60);
      const cap = await loadBytes(
        dir,
        buildPcap(
          [
            { tsSec: 1_767_225_600, tsFrac: 123_456_789, data },
            { tsSec: 1, tsFrac: 999_999_999, data },
            { tsSec: 0, tsFrac: 1, data },
          ],
          { byteOrder, nano: true },
        ),
      );
      assert.deepEqual(cap.interfaces[0]?.tsResolution, { base: 10, exponent: 9 });
      assert.equal(formatEpoch(cap.index.secondsOf(0), cap.index.nanosOf(0)), '1767225600.123456789');
      assert.equal(formatEpoch(cap.index.secondsOf(1), cap.index.nanosOf(1)), '1.999999999');
      assert.equal(formatEpoch(cap.index.secondsOf(2), cap.index.nanosOf(2)), '0.000000001');
      assert.equal(formatIso(cap.index.secondsOf(0), cap.index.nanosOf(0), 9), '2026-01-01T00:00:00.123456789Z');
    });
  }

  it('treats ts_sec as unsigned: 0xFFFFFFFF is 2106-02-07T06:28:15Z', async () => {
    const data = filler(42);
    for (const nano of [false, true]) {
      const cap = await loadBytes(
        dir,
        buildPcap(
          [
            { tsSec: 0xffffffff, tsFrac: nano ? 999_999_999 : 999_999, data },
            { tsSec: 0x80000000, tsFrac: 0, data }, // 2038-01-19T03:14:08Z, just past the signed limit
          ],
          { nano },
        ),
      );
      assert.equal(cap.index.secondsOf(0), 4294967295);
      assert.equal(cap.index.nanosOf(0), nano ? 999_999_999 : 999_999_000);
      assert.equal(formatIso(cap.index.secondsOf(0), cap.index.nanosOf(0), 0), '2106-02-07T06:28:15Z');
      assert.equal(
        formatIso(cap.index.secondsOf(0), cap.index.nanosOf(0), nano ? 9 : 6),
        nano ? '2106-02-07T06:28:15.999999999Z' : '2106-02-07T06:28:15.999999Z',
      );
      assert.equal(formatIso(cap.index.secondsOf(1), cap.index.nanosOf(1), 0), '2038-01-19T03:14:08Z');
    }
  });

  it('keeps an out-of-range fraction as recorded, without carrying into the seconds (as tshark does)', async () => {
    const data = filler(42);
    const cap = await loadBytes(
      dir,
      buildPcap([
        { tsSec: 100, tsFrac: 999_999, data },
        { tsSec: 101, tsFrac: 1_000_000, data },
        { tsSec: 101, tsFrac: 0x80000000, data },
      ]),
    );
    assert.equal(cap.frameCount, 3);
    assert.deepEqual(
      [0, 1, 2].map((i) => cap.index.secondsOf(i)),
      [100, 101, 101],
    );
    assert.equal(cap.index.nanosOf(1), 1_000_000_000);
    // Like Wireshark's 32-bit nsecs: 2^31 µs · 1000 wraps to 0 modulo 2^32.
    assert.equal(cap.index.nanosOf(2), 0);
    // Shown whole at the display precision, as tshark and capinfos show it.
    assert.equal(formatEpoch(cap.index.secondsOf(1), cap.index.nanosOf(1)), '101.1000000000');
    assert.equal(formatEpoch(cap.index.secondsOf(1), cap.index.nanosOf(1), 6), '101.1000000');
    assert.equal(formatIso(cap.index.secondsOf(1), cap.index.nanosOf(1), 6), '1970-01-01T00:01:41.1000000Z');
    assert.equal(formatIso(cap.index.secondsOf(0), cap.index.nanosOf(0), 6), '1970-01-01T00:01:40.999999Z');
    assert.equal(formatEpoch(cap.index.secondsOf(0), cap.index.nanosOf(0), 3), '100.999');
    assert.equal(cap.warnings.length, 1);
    assert.match(cap.warnings[0]!, /^2 record\(s\) have an out-of-range fractional time stamp/);
  });

  it('capinfo summary of out-of-range nanosecond fractions: exact duration, whole fractions', async () => {
    const data = filler(42);
    const cap = await loadBytes(
      dir,
      buildPcap(
        [
          { tsSec: 10, tsFrac: 999_999_999, data },
          { tsSec: 10, tsFrac: 0x80000000, data },
        ],
        { nano: true },
      ),
    );
    const s = summarize(cap);
    assert.equal(s.firstTime, '1970-01-01T00:00:10.999999999Z');
    assert.equal(s.lastTime, '1970-01-01T00:00:10.2147483648Z');
    assert.equal(s.duration, '1.147483649');
    assert.ok(Math.abs(s.durationSeconds! - 1.147483649) < 1e-9);
  });

  it('reports the snaplen and keeps records that claim more than it, with a warning', async () => {
    const big = filler(200);
    const cap = await loadBytes(
      dir,
      buildPcap(
        [
          { tsSec: 1, tsFrac: 0, data: big },
          { tsSec: 2, tsFrac: 0, data: big.subarray(0, 64), origLen: 1514 },
        ],
        { snaplen: 64 },
      ),
    );
    assert.equal(cap.info?.snaplen, 64);
    assert.equal(cap.interfaces[0]?.snaplen, 64);
    assert.equal(cap.frameCount, 2);
    assert.equal(cap.index.capLenOf(0), 200);
    assert.equal(cap.index.capLenOf(1), 64);
    assert.equal(cap.index.origLenOf(1), 1514);
    assert.deepEqual(cap.warnings, ['1 record(s) claim more captured bytes than the snaplen']);
  });

  it('reads the link type and the FCS bits of the link-type field', async () => {
    const cases: [field: number, linkType: number, fcs: number | undefined][] = [
      [1, 1, undefined],
      [113, 113, undefined],
      [276, 276, undefined],
      [0x24000001, 1, 4], // P bit, FCS length 2 words
      [0x14000069, 105, 2], // P bit, 1 word, 802.11
      [0xf4000001, 1, 30], // P bit, 15 words
      [0x20000001, 1, undefined], // FCS length without the P bit means nothing
    ];
    for (const [field, linkType, fcs] of cases) {
      const cap = await loadBytes(dir, buildPcap([{ tsSec: 1, tsFrac: 0, data: filler(20) }], { linkTypeField: field }));
      assert.equal(cap.interfaces[0]?.linkType, linkType, `field 0x${field.toString(16)}`);
      assert.equal(cap.info?.fcsBytes, fcs, `field 0x${field.toString(16)}`);
      assert.equal(cap.frameCount, 1);
    }
  });

  it('rejects reserved link-type bits with a one-line error', async () => {
    for (const field of [0x00300000, 0x00010001, 0x02000001]) {
      const message = await loadError(dir, buildPcap([{ tsSec: 1, tsFrac: 0, data: filler(20) }], { linkTypeField: field }));
      assert.match(message, /link-type field has reserved bits set \(0x[0-9a-f]{8}\)$/);
      assert.ok(!message.includes('\n'));
    }
  });

  it('rejects version 1.x and accepts 2.5 with a warning', async () => {
    for (const [major, minor] of [
      [1, 4],
      [1, 0],
      [3, 0],
    ] as const) {
      const message = await loadError(dir, buildPcap([{ tsSec: 1, tsFrac: 0, data: filler(20) }], { versionMajor: major, versionMinor: minor }));
      assert.match(message, new RegExp(`unsupported pcap version ${major}\\.${minor}$`));
    }
    const cap = await loadBytes(dir, buildPcap([{ tsSec: 1, tsFrac: 0, data: filler(20) }], { versionMinor: 5 }));
    assert.equal(cap.frameCount, 1);
    assert.equal(cap.info?.version, '2.5');
    assert.deepEqual(cap.warnings, ['pcap version 2.5 is not standard; read as 2.4']);
  });

  it('rejects the Kuznetzov magic as unsupported, in either byte order', async () => {
    for (const byteOrder of ['le', 'be'] as const) {
      const bytes = buildPcap([{ tsSec: 1, tsFrac: 0, data: filler(20) }], { magic: 0xa1b2cd34, byteOrder });
      const message = await loadError(dir, bytes);
      assert.match(message, /unsupported capture format: Kuznetzov.*\(magic 0xa1b2cd34\)$/);
    }
  });

  it('a header alone is a valid capture with no packets', async () => {
    const cap = await loadBytes(dir, buildPcap([]));
    assert.equal(cap.frameCount, 0);
    assert.equal(cap.error, undefined);
    assert.deepEqual(cap.warnings, []);
  });

  it('rejects a file shorter than the header', async () => {
    const message = await loadError(dir, truncate(buildPcap([]), 10));
    assert.match(message, /only 10 bytes, too short to be a pcap or pcapng file$/);
  });
});

describe('pcap damage', () => {
  const frames = ethernetFrames();
  const whole = buildPcap(records(frames));
  const lastRecord = dataOffsets(frames)[frames.length - 1]! - RECORD;

  it('a truncated last record is an error with its offset, and every complete packet is kept', async () => {
    for (const cut of [whole.length - 1, lastRecord + RECORD + 1, lastRecord + RECORD, lastRecord + 3]) {
      const cap = await loadBytes(dir, truncate(whole, cut));
      assert.equal(cap.frameCount, frames.length - 1, `cut at ${cut}`);
      assert.deepEqual(cap.warnings, []);
      assert.match(cap.error!, new RegExp(`^truncated at byte ${lastRecord}: `));
      assert.match(cap.error!, new RegExp(`only ${cut - lastRecord} remain`));
      assert.deepEqual(framesOf(cap).map(hex), frames.slice(0, -1).map(hex));
    }
  });

  it('a corrupt record length stops reading with an error naming its offset; earlier packets stay', async () => {
    const bad = concatBytes(whole, u32(1, 'le'), u32(0, 'le'), u32(0x7fffffff, 'le'), u32(60, 'le'), filler(100));
    const cap = await loadBytes(dir, bad);
    assert.equal(cap.frameCount, frames.length);
    assert.ok(cap.error);
    assert.match(cap.error, new RegExp(`^record at byte ${whole.length} claims 2147483647 captured bytes`));
    assert.deepEqual(framesOf(cap).map(hex), frames.map(hex));
  });

  it('fails fast on a corrupt length: no waiting for the bytes it claims', () => {
    const junk = new Uint8Array(4 * 1024 * 1024);
    const bad = concatBytes(whole, u32(1, 'le'), u32(0, 'le'), u32(0xfffffff0, 'le'), u32(60, 'le'), junk);
    const chunk = 64 * 1024;
    const r = indexInChunks(bad, chunk);
    assert.match(r.error ?? '', new RegExp(`^record at byte ${whole.length} `));
    // The chunk holding the bad header is the last one pushed.
    assert.ok(r.errorAfter! <= whole.length + RECORD + chunk, `stopped after ${r.errorAfter} bytes`);
    assert.equal(r.target.index.count, frames.length);
  });

  // Quadratic re-copying of 263 KB byte by byte would take minutes: the timeout catches a hang.
  it('stays linear when a large record arrives one byte at a time', { timeout: 120_000 }, () => {
    const big = filler(262144);
    const bytes = buildPcap([
      { tsSec: 1, tsFrac: 0, data: big },
      { tsSec: 2, tsFrac: 0, data: big.subarray(0, 1000) },
    ]);
    const r = indexInChunks(bytes, 1);
    assert.equal(r.error, undefined);
    assert.equal(r.target.index.count, 2);
    assert.equal(r.target.index.capLenOf(0), 262144);
  });
});

describe('pcap Linux cooked captures', () => {
  it('SLL (113): direction from the packet type', async () => {
    const types = [0, 1, 2, 3, 4, 5, 6];
    const frames = sllFrames(types);
    const cap = await loadBytes(dir, buildPcap(records(frames), { linkType: LinkType.LINUX_SLL }));
    const dirs = types.map((_, i) => cap.index.directionOf(i));
    const I = Direction.Inbound;
    const O = Direction.Outbound;
    const U = Direction.Unknown;
    assert.deepEqual(dirs, [I, I, I, I, O, U, U]);
    assert.equal(cap.index.hasIfindex, false);
    assert.equal(cap.index.ifindexOf(0), undefined);
  });

  it('SLL with a record too short for the cooked header has no direction', async () => {
    const cap = await loadBytes(dir, buildPcap(records([sllFrames([4])[0]!.subarray(0, 15)]), { linkType: LinkType.LINUX_SLL }));
    assert.equal(cap.index.directionOf(0), Direction.Unknown);
  });

  it('SLL2 (276): direction from the packet type and the interface index', async () => {
    const specs: [number, number][] = [
      [0, 1],
      [4, 26],
      [1, 0x7fffffff],
      [4, 0xfffffffe],
      [3, 2],
      [7, 3],
    ];
    const frames = sll2Frames(specs);
    const cap = await loadBytes(dir, buildPcap(records(frames), { linkType: LinkType.LINUX_SLL2, nano: true }));
    assert.equal(cap.frameCount, specs.length);
    assert.equal(cap.index.hasIfindex, true);
    assert.deepEqual(
      specs.map((_, i) => cap.index.ifindexOf(i)),
      specs.map(([, ifindex]) => ifindex),
    );
    assert.deepEqual(
      specs.map((_, i) => cap.index.directionOf(i)),
      [Direction.Inbound, Direction.Outbound, Direction.Inbound, Direction.Outbound, Direction.Inbound, Direction.Unknown],
    );
  });

  it('SLL2 ifindex column starts mid-capture without disturbing earlier frames', async () => {
    // 70,000 short frames (more than one 65,536-frame index chunk), then one full SLL2 header.
    const short = filler(8);
    const recs: PcapRecord[] = Array.from({ length: 70_000 }, (_, i) => ({ tsSec: i, tsFrac: 0, data: short }));
    recs.push({ tsSec: 70_000, tsFrac: 0, data: sll2Frames([[4, 42]])[0]! });
    const cap = await loadBytes(dir, bigPcap(recs, { linkType: LinkType.LINUX_SLL2 }));
    assert.equal(cap.frameCount, 70_001);
    assert.equal(cap.index.ifindexOf(70_000), 42);
    assert.equal(cap.index.directionOf(70_000), Direction.Outbound);
    assert.equal(cap.index.ifindexOf(0), 0);
    assert.equal(cap.index.secondsOf(69_999), 69_999);
  });
});

describe('pcap frame bytes', () => {
  it('frame(i) and scan() return exactly the bytes written', async () => {
    const frames = [...ethernetFrames(), filler(1), filler(1500, 9), ...ethernetFrames().reverse()];
    for (const byteOrder of ['le', 'be'] as const) {
      const cap = await loadBytes(dir, buildPcap(records(frames), { byteOrder }));
      assert.deepEqual(framesOf(cap).map(hex), frames.map(hex));
      assert.deepEqual(scannedFrames(cap).map(hex), frames.map(hex));
      // Random order through the cache, and a partial scan.
      for (const i of [5, 0, 9, 5, 3]) assert.equal(hex(cap.frame(i)), hex(frames[i]!));
      const part: number[] = [];
      cap.scan(2, 6, (i, data) => {
        assert.equal(hex(data), hex(frames[i]!));
        part.push(i);
        return i === 4 ? false : undefined;
      });
      assert.deepEqual(part, [2, 3, 4]);
      assert.throws(() => cap.frame(frames.length), /frame 11 does not exist \(the capture has 10\)/);
    }
  });

  it('onFrame sees every frame during the indexing pass', async () => {
    const frames = ethernetFrames();
    const seen: string[] = [];
    await loadBytes(dir, buildPcap(records(frames)), { onFrame: (i, data) => (seen[i] = hex(data)) });
    assert.deepEqual(seen, frames.map(hex));
  });

  it('maxFrames stops the pass early', async () => {
    const frames = [...ethernetFrames(), ...ethernetFrames()];
    const cap = await loadBytes(dir, buildPcap(records(frames)), { maxFrames: 3 });
    // Reading stops after the chunk that reached the limit; a small file is one chunk.
    assert.ok(cap.frameCount >= 3);
    assert.equal(cap.error, undefined);
  });
});

describe('pcap chunking', () => {
  it('1-byte, 7-byte and 1 MiB chunks give identical indexes', () => {
    const frames: Uint8Array[] = [];
    for (let k = 0; k < 50; k++) frames.push(...ethernetFrames(), ...sll2Frames([[k % 5, k]]));
    const variants = [
      buildPcap(records(frames), { byteOrder: 'be', nano: true }),
      truncate(buildPcap(records(frames)), 24 + 16 * 30 + 1000), // ends mid-record
      buildPcap(
        records(
          sll2Frames([
            [4, 1],
            [0, 2],
          ]),
        ),
        { linkType: 276 },
      ),
    ];
    for (const bytes of variants) {
      const results = [1, 7, 1024 * 1024].map((size) => indexInChunks(bytes, size));
      const [ref, ...rest] = results.map((r) => ({
        rows: dumpIndex(r.target.index),
        interfaces: r.target.interfaces,
        warnings: r.target.warnings,
        info: r.target.info,
        error: r.error,
      }));
      assert.ok(ref!.rows.length > 0);
      for (const other of rest) assert.deepEqual(other, ref);
    }
  });
});
