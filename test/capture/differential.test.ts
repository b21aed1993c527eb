// Differential test: our reader against the independent `pcap-parser` package on every classic
// microsecond pcap in the peer corpus. Skipped when the corpus is absent.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadCapture } from '../../src/capture/capture.js';
import { buildPcap } from '../fixtures/capture-writer.js';
import { ethernetFrames } from './samples.js';

interface PcapParserPacket {
  header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number };
  data: Buffer;
}
interface PcapParserModule {
  parse(input: string | NodeJS.ReadableStream): NodeJS.EventEmitter;
}
const pcapParser = createRequire(import.meta.url)('pcap-parser') as PcapParserModule;

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/peers', import.meta.url));
const present = existsSync(CORPUS);

/**
 * Files whose header our reader rejects on purpose (libpcap and tshark reject them too), while
 * pcap-parser does not check: it accepts any 2.x or x.4 version and ignores the link-type bits.
 */
const REJECTED: Record<string, string> = {
  'libpcap/linktype-reserved-field-not-zero.pcap': 'reserved link-type bits',
  'libpcap/pcap-invalid-version-1.pcap': 'version 1.4',
};

/** Everything pcap-parser reports for a file. It is handed one chunk: its own buffering is quadratic. */
function parseWithPcapParser(bytes: Uint8Array): Promise<{ header: Record<string, number>; packets: PcapParserPacket[] }> {
  return new Promise((resolve, reject) => {
    const packets: PcapParserPacket[] = [];
    let header: Record<string, number> = {};
    const parser = pcapParser.parse(Readable.from([Buffer.from(bytes)]));
    parser.on('globalHeader', (h: Record<string, number>) => (header = h));
    parser.on('packet', (p: PcapParserPacket) => packets.push(p));
    parser.on('error', reject);
    parser.on('end', () => resolve({ header, packets }));
  });
}

function microsecondPcaps(): string[] {
  if (!present) return [];
  return ['tcpdump', 'libpcap', 'zeek'].flatMap((dir) =>
    readdirSync(join(CORPUS, dir))
      .filter((f) => f.endsWith('.pcap'))
      .sort()
      .map((f) => `${dir}/${f}`)
      .filter((rel) => {
        const head = readFileSync(join(CORPUS, rel)).subarray(0, 4);
        return head.length === 4 && (head.readUInt32LE(0) === 0xa1b2c3d4 || head.readUInt32BE(0) === 0xa1b2c3d4);
      }),
  );
}

async function agree(path: string, bytes: Uint8Array): Promise<number> {
  const theirs = await parseWithPcapParser(bytes);
  const cap = await loadCapture(path);
  try {
    assert.equal(cap.error, undefined);
    assert.equal(cap.frameCount, theirs.packets.length, 'packet count');
    assert.equal(cap.interfaces[0]?.linkType, theirs.header.linkLayerType! & 0xffff, 'link type');
    assert.equal(cap.info?.snaplen, theirs.header.snapshotLength, 'snaplen');
    theirs.packets.forEach((p, i) => {
      const h = p.header;
      const where = `packet ${i + 1}`;
      assert.equal(cap.index.secondsOf(i), h.timestampSeconds, `${where}: seconds`);
      // Fractions of 10^6 µs or more are corrupt; like Wireshark we keep them, wrapping at 2^32 ns.
      assert.equal(cap.index.nanosOf(i), (h.timestampMicroseconds * 1000) % 2 ** 32, `${where}: fraction`);
      assert.equal(cap.index.capLenOf(i), h.capturedLength, `${where}: captured length`);
      assert.equal(cap.index.origLenOf(i), h.originalLength, `${where}: original length`);
      assert.ok(Buffer.from(cap.frame(i)).equals(p.data), `${where}: bytes`);
    });
    let scanned = 0;
    cap.scan(0, cap.frameCount, (i, data) => {
      assert.ok(Buffer.from(data).equals(theirs.packets[i]!.data), `packet ${i + 1}: scanned bytes`);
      scanned++;
    });
    assert.equal(scanned, theirs.packets.length);
    return cap.frameCount;
  } finally {
    cap.close();
  }
}

describe('differential: pcap-parser', () => {
  it('agrees on a generated big-endian file (runs without the corpus)', async (t) => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'vxshark-diff-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const frames = [...ethernetFrames(), ...ethernetFrames()];
    const bytes = buildPcap(
      frames.map((data, i) => ({ tsSec: 0xfffffff0 + i, tsFrac: 999_990 + i, data, origLen: data.length + i })),
      { byteOrder: 'be', snaplen: 9000 },
    );
    const path = join(dir, 'be.pcap');
    writeFileSync(path, bytes);
    assert.equal(await agree(path, bytes), frames.length);
  });

  describe('peer corpus', { skip: present ? false : `peer corpus not found at ${CORPUS}` }, () => {
    const files = microsecondPcaps();

    it('finds the classic microsecond captures', () => {
      assert.ok(files.length >= 50, `only ${files.length}`);
    });

    for (const rel of files) {
      const reason = REJECTED[rel];
      it(rel, async () => {
        const path = join(CORPUS, rel);
        if (reason) {
          await assert.rejects(loadCapture(path), (e: Error) => e.name === 'VxError' && e.message.startsWith(`${path}: `), reason);
          return;
        }
        await agree(path, readFileSync(path));
      });
    }
  });
});
