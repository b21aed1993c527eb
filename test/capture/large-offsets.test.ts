// Captures past 4 GiB, and the rolling index printing uses, without writing gigabytes: the
// parser is handed a window that starts beyond 2^32, and frames are re-read from a sparse file
// whose data sits at 5 GiB (only a few kilobytes are really written).
import assert from 'node:assert/strict';
import { closeSync, openSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FrameIndex } from '../../src/capture/frame-index.js';
import { FrameReader } from '../../src/capture/frame-reader.js';
import type { ParseTarget } from '../../src/capture/parser.js';
import { PcapParser } from '../../src/capture/pcap.js';
import { Direction } from '../../src/capture/types.js';
import { buildPcap } from '../fixtures/capture-writer.js';
import { filler } from '../fixtures/packet-builder.js';
import { TempDir } from './helpers.js';

const dir = new TempDir();
after(() => dir.cleanup());

const GiB = 2 ** 30;

describe('offsets beyond 4 GiB', () => {
  it('the pcap parser indexes records whose file offset is past 2^32 exactly', () => {
    const frames = [filler(60, 1), filler(80, 2), filler(70, 3)];
    const file = buildPcap(frames.map((data, i) => ({ tsSec: 1_700_000_000, tsFrac: i, data })));
    const target: ParseTarget = { index: new FrameIndex(), interfaces: [], warnings: [] };
    const parser = new PcapParser(target);
    assert.equal(parser.parse(file, 0, 24, 0), 24);
    // The records, as if 5 GiB of earlier records had gone before them.
    const base = 5 * GiB + 24;
    assert.equal(parser.parse(file, 24, file.length, base), file.length);
    assert.equal(target.index.count, 3);
    assert.deepEqual(
      [0, 1, 2].map((i) => target.index.offsetOf(i)),
      [base + 16, base + 16 + 60 + 16, base + 16 + 60 + 16 + 80 + 16],
    );
    assert.deepEqual(
      [0, 1, 2].map((i) => target.index.capLenOf(i)),
      [60, 80, 70],
    );
  });

  it('frames are re-read by offset from past 4 GiB in a (sparse) file, singly and in scans', (t) => {
    const path = join(dir.path, 'sparse.bin');
    const fd = openSync(path, 'w');
    const offsets = [4 * GiB - 40, 4 * GiB + 100, 5 * GiB + 7];
    const frames = [filler(64, 10), filler(90, 20), filler(33, 30)];
    try {
      ftruncateSync(fd, 5 * GiB + 4096);
      offsets.forEach((o, i) => writeSync(fd, frames[i]!, 0, frames[i]!.length, o));
    } catch (e) {
      closeSync(fd);
      t.skip(`this file system cannot hold a sparse 5 GiB file: ${(e as Error).message}`);
      return;
    }
    closeSync(fd);
    const index = new FrameIndex();
    offsets.forEach((o, i) => index.add(o, frames[i]!.length, frames[i]!.length, 1_700_000_000 + i, 0, 0, Direction.Unknown));
    const reader = new FrameReader(path, index);
    try {
      frames.forEach((f, i) => assert.deepEqual(reader.read(i), f, `frame ${i + 1}`));
      const seen: Uint8Array[] = [];
      reader.scan(0, 3, (_, data) => void seen.push(data.slice()));
      assert.deepEqual(seen, frames);
    } finally {
      reader.close();
    }
  });
});

describe('rolling frame index (one streaming pass)', () => {
  it('keeps the latest 65,536 frames and the first time stamp in constant memory', () => {
    const full = new FrameIndex();
    const rolling = new FrameIndex(true);
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      for (const ix of [full, rolling]) ix.add(24 + i * 100, 84, 84 + (i % 7), 1_700_000_000 + Math.floor(i / 10), (i % 10) * 1000, 0, Direction.Unknown);
    }
    assert.equal(rolling.count, n);
    // One chunk of 65,536 frames, however many were added; the full index has all four.
    assert.equal(rolling.memoryBytes(), 65_536 * (8 + 4 + 4 + 8 + 4 + 2 + 1), 'the rolling index stays one chunk long');
    assert.equal(full.memoryBytes(), 4 * 65_536 * (4 + 4 + 4 + 4 + 4 + 2 + 1));
    for (const i of [n - 1, n - 2, n - 65_536, n - 1000]) {
      assert.equal(rolling.offsetOf(i), full.offsetOf(i));
      assert.equal(rolling.origLenOf(i), full.origLenOf(i));
      assert.equal(rolling.secondsOf(i), full.secondsOf(i));
      assert.equal(rolling.nanosOf(i), full.nanosOf(i));
    }
    assert.equal(rolling.firstSeconds, 1_700_000_000);
    assert.equal(rolling.firstNanos, 0);
    assert.equal(full.firstSeconds, full.secondsOf(0));
  });
});

describe('frame index: offsets and seconds kept relative to their chunk', () => {
  it('gives back offsets and seconds exactly, including a chunk that strays 2^31 or more from its first', () => {
    const index = new FrameIndex();
    const n = 3 * 65_536 + 5;
    const offsetOf = (i: number): number => (i < 70_000 ? 24 + i * 1500 : i < 140_000 ? 24 + i * 70_000 : 6 * GiB + i * 3);
    // A corrupt time stamp in the middle of the third chunk, and one before 1970.
    const secondsOf = (i: number): number => (i === 150_000 ? 4_294_967_295 : i === 150_001 ? -5 : 1_700_000_000 + Math.floor(i / 100));
    for (let i = 0; i < n; i++) index.add(offsetOf(i), 60, 60, secondsOf(i), i % 1_000_000_000, 0, Direction.Unknown);
    for (let i = 0; i < n; i++) {
      if (index.offsetOf(i) !== offsetOf(i)) assert.fail(`offset of ${i}: ${index.offsetOf(i)} != ${offsetOf(i)}`);
      if (index.secondsOf(i) !== secondsOf(i)) assert.fail(`seconds of ${i}: ${index.secondsOf(i)} != ${secondsOf(i)}`);
    }
    // Chunks that stay close keep 4 bytes a value; the ones that strayed keep doubles.
    const plain = new FrameIndex();
    for (let i = 0; i < n; i++) plain.add(24 + i * 100, 60, 60, 1_700_000_000, 0, 0, Direction.Unknown);
    assert.equal(plain.memoryBytes(), 4 * 65_536 * (4 + 4 + 4 + 4 + 4 + 2 + 1));
    assert.ok(index.memoryBytes() > plain.memoryBytes());
  });
});
