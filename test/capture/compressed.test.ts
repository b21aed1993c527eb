// Compressed and foreign inputs: gzip is read transparently (file and pipe) with the same
// packets as the plain file; other compressors and random bytes are named, not called text.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { vxshark } from '../helpers/cli.js';
import { captureBytes } from '../../src/capture/capture.js';

const SAMPLE = 'samples/cilium-vxlan-8472.pcap';
const dir = mkdtempSync(join(tmpdir(), 'vxshark-compressed-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('compressed captures', () => {
  it('reads a gzip-compressed file and pipe exactly like the plain capture', async () => {
    const gz = join(dir, 'c.pcap.gz');
    writeFileSync(gz, gzipSync(readFileSync(SAMPLE)));
    const plain = await vxshark(['-r', SAMPLE, '-V']);
    const file = await vxshark(['-r', gz, '-V']);
    const pipe = await vxshark(['-r', '-', '-V'], { stdin: readFileSync(gz) });
    assert.equal(file.status, 0, file.stderr);
    assert.equal(file.stdout, plain.stdout);
    assert.equal(pipe.stdout, plain.stdout);
  });

  it('sizes a gzip capture by what it holds uncompressed (for the journey, whether a second thread pays)', async () => {
    const plain = readFileSync(SAMPLE);
    const gz = join(dir, 'sized.pcap.gz');
    writeFileSync(gz, gzipSync(Buffer.concat([plain, Buffer.alloc(100_000)])));
    assert.ok(readFileSync(gz).length < plain.length + 100_000);
    assert.equal(await captureBytes(gz), plain.length + 100_000);
    assert.equal(await captureBytes(SAMPLE), plain.length);
    assert.equal(await captureBytes('-'), 0);
    assert.equal(await captureBytes(join(dir, 'missing.pcap')), 0);
  });

  it('a cut gzip stream keeps the packets before the cut and exits 1', async () => {
    const cut = join(dir, 'cut.pcap.gz');
    const whole = gzipSync(Buffer.concat(Array.from({ length: 40 }, (_, i) => (i === 0 ? readFileSync(SAMPLE) : readFileSync(SAMPLE).subarray(24)))), {
      level: 0,
    });
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    const r = await vxshark(['-r', cut]);
    assert.equal(r.status, 1);
    assert.ok(r.stdout.split('\n').length > 36, 'packets before the cut are printed');
    assert.match(r.stderr, /gzip compression is damaged or cut short/);
  });

  for (const [name, bytes, what] of [
    ['x.xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0], 'xz-compressed'],
    ['x.zst', [0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0], 'zstd-compressed'],
    ['x.bz2', [0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26], 'bzip2-compressed'],
    ['x.zip', [0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0], 'a zip archive'],
  ] as const) {
    it(`names ${what}`, async () => {
      writeFileSync(join(dir, name), Uint8Array.from([...bytes, ...new Array(64).fill(0)]));
      const r = await vxshark(['-r', join(dir, name)]);
      assert.equal(r.status, 1);
      assert.equal(
        r.stderr,
        `vxshark: ${join(dir, name)}: ${what}, not a pcap or pcapng capture (decompress it first; vxshark reads gzip-compressed captures directly)\n`,
      );
    });
  }

  it('random bytes are "not a capture: unknown magic", text is a text file', async () => {
    writeFileSync(join(dir, 'r.bin'), Uint8Array.from([0x01, 0x02, 0x03, 0x04, 0x99, 0x00, 0xff, 0x10, ...new Array(64).fill(7)]));
    const r = await vxshark(['-r', join(dir, 'r.bin')]);
    assert.equal(r.stderr, `vxshark: ${join(dir, 'r.bin')}: not a capture: unknown magic 0x01020304\n`);
    writeFileSync(join(dir, 't.txt'), 'hello world, this is text\n');
    const t = await vxshark(['-r', join(dir, 't.txt')]);
    assert.match(t.stderr, /a text file, not a pcap or pcapng capture/);
  });
});
