// pcapng reader: byte orders, sections and interface numbering, IDB options and time stamp
// resolutions, EPB/SPB/PB, skipped blocks, damage handling, cooked headers, frame bytes read
// back, and chunk-size independence.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatEpoch } from '../../src/capture/timestamp.js';
import { Direction, LinkType } from '../../src/capture/types.js';
import { buildPcapng, concatBytes, encodeBlock, truncate, u32, type PcapngBlock, type PcapngSection } from '../fixtures/capture-writer.js';
import { filler } from '../fixtures/packet-builder.js';
import { closeAll, dumpIndex, framesOf, hex, indexInChunks, loadBytes, loadError, scannedFrames, TempDir } from './helpers.js';
import { ethernetFrames, sll2Frames, sllFrames } from './samples.js';

const dir = new TempDir();
after(() => {
  closeAll();
  dir.cleanup();
});

const I = Direction.Inbound;
const O = Direction.Outbound;
const U = Direction.Unknown;

const epochOf = (cap: { index: { secondsOf(i: number): number; nanosOf(i: number): number } }, i: number): string =>
  formatEpoch(cap.index.secondsOf(i), cap.index.nanosOf(i));

function epbs(frames: Uint8Array[], interfaceId = 0, base = 1_700_000_000_000_000n): PcapngBlock[] {
  return frames.map((data, i) => ({ type: 'epb', interfaceId, timestamp: base + BigInt(i) * 1_000_001n, data }));
}

/** Byte offset where block `k` of the last section starts: the file built without it and what follows. */
function offsetOfBlock(sections: PcapngSection[], k: number): number {
  const last = sections[sections.length - 1]!;
  return buildPcapng([...sections.slice(0, -1), { ...last, blocks: last.blocks.slice(0, k) }]).length;
}

describe('pcapng sections and byte order', () => {
  for (const byteOrder of ['le', 'be'] as const) {
    it(`reads a ${byteOrder === 'le' ? 'little' : 'big'}-endian section`, async () => {
      const frames = ethernetFrames();
      const cap = await loadBytes(
        dir,
        buildPcapng([
          {
            byteOrder,
            hardware: 'x86_64',
            os: 'Linux 6.8',
            userappl: 'dumpcap',
            blocks: [{ type: 'idb', linkType: 1, snaplen: 65535, name: 'eth0', description: 'uplink' }, ...epbs(frames)],
          },
        ]),
      );
      assert.equal(cap.error, undefined);
      assert.deepEqual(cap.warnings, []);
      assert.equal(cap.info?.format, 'pcapng');
      assert.equal(cap.info?.byteOrder, byteOrder === 'le' ? 'little-endian' : 'big-endian');
      assert.equal(cap.info?.version, '1.0');
      assert.equal(cap.info?.snaplen, 65535);
      assert.deepEqual(cap.info?.sections, [
        { offset: 0, byteOrder: cap.info?.byteOrder, version: '1.0', hardware: 'x86_64', os: 'Linux 6.8', userAppl: 'dumpcap' },
      ]);
      assert.deepEqual(cap.interfaces, [
        {
          id: 0,
          section: 0,
          localId: 0,
          name: 'eth0',
          description: 'uplink',
          linkType: 1,
          snaplen: 65535,
          tsResolution: { base: 10, exponent: 6 },
          tsOffset: 0,
          packets: frames.length,
        },
      ]);
      assert.equal(cap.frameCount, frames.length);
      frames.forEach((f, i) => {
        assert.equal(cap.index.capLenOf(i), f.length);
        assert.equal(cap.index.origLenOf(i), f.length);
        assert.equal(cap.index.secondsOf(i), 1_700_000_000 + i);
        assert.equal(cap.index.nanosOf(i), i * 1000);
        assert.equal(cap.index.interfaceOf(i), 0);
        assert.equal(cap.index.directionOf(i), U);
      });
      assert.deepEqual(framesOf(cap).map(hex), frames.map(hex));
    });
  }

  const multi: PcapngSection[] = [
    {
      blocks: [
        { type: 'idb', linkType: 1, name: 'eth0', tsresol: 9 },
        { type: 'idb', linkType: 1, name: 'eth1' },
        { type: 'epb', interfaceId: 1, timestamp: 5_000_001n, data: filler(60, 1) },
        { type: 'epb', interfaceId: 0, timestamp: 7_000_000_001n, data: filler(61, 2) },
      ],
    },
    {
      byteOrder: 'be',
      versionMinor: 2,
      blocks: [
        { type: 'idb', linkType: LinkType.LINUX_SLL2, name: 'any', snaplen: 64 },
        { type: 'epb', interfaceId: 0, timestamp: 9_000_000n, data: sll2Frames([[4, 3]])[0]! },
        { type: 'spb', data: filler(64, 3), origLen: 1000 },
        { type: 'epb', interfaceId: 0, timestamp: 10_000_000n, data: filler(62, 4), flags: 1 },
      ],
    },
    {
      hardware: 'arm64',
      blocks: [
        { type: 'idb', linkType: 1, name: 'lo', tsresol: 3 },
        { type: 'idb', linkType: 1, name: 'lo2' },
        { type: 'epb', interfaceId: 0, timestamp: 11_500n, data: filler(63, 5) },
        { type: 'epb', interfaceId: 1, timestamp: 12_000_000n, data: filler(64, 6) },
      ],
    },
  ];

  it('numbers interfaces globally while packet blocks use per-section ids', async () => {
    const cap = await loadBytes(dir, buildPcapng(multi));
    assert.equal(cap.error, undefined);
    assert.deepEqual(cap.warnings, []);
    assert.deepEqual(
      cap.interfaces.map((f) => [f.id, f.section, f.localId, f.name, f.linkType, f.packets]),
      [
        [0, 0, 0, 'eth0', 1, 1],
        [1, 0, 1, 'eth1', 1, 1],
        [2, 1, 0, 'any', 276, 3],
        [3, 2, 0, 'lo', 1, 1],
        [4, 2, 1, 'lo2', 1, 1],
      ],
    );
    assert.deepEqual(
      [...Array(cap.frameCount).keys()].map((i) => cap.index.interfaceOf(i)),
      [1, 0, 2, 2, 2, 3, 4],
    );
    assert.deepEqual(
      [...Array(cap.frameCount).keys()].map((i) => epochOf(cap, i)),
      ['5.000001000', '7.000000001', '9.000000000', '0.000000000', '10.000000000', '11.500000000', '12.000000000'],
    );
    assert.deepEqual(
      [...Array(cap.frameCount).keys()].map((i) => cap.index.directionOf(i)),
      [U, U, O, U, I, U, U],
    );
    const s = cap.info!.sections;
    assert.deepEqual(
      s.map((x) => [x.byteOrder, x.version, x.hardware]),
      [
        ['little-endian', '1.0', undefined],
        ['big-endian', '1.2', undefined],
        ['little-endian', '1.0', 'arm64'],
      ],
    );
    assert.equal(s[0]!.offset, 0);
    assert.equal(s[1]!.offset, buildPcapng(multi.slice(0, 1)).length);
    assert.equal(s[2]!.offset, buildPcapng(multi.slice(0, 2)).length);
    assert.equal(cap.info?.byteOrder, 'little-endian');
    assert.equal(cap.info?.snaplen, 262144);
    const written = multi.flatMap((sec) => sec.blocks.flatMap((b) => ('data' in b ? [b.data] : [])));
    assert.deepEqual(framesOf(cap).map(hex), written.map(hex));
    assert.deepEqual(scannedFrames(cap).map(hex), written.map(hex));
  });

  it('a packet block may not name an interface of an earlier section', async () => {
    const sections: PcapngSection[] = [
      { blocks: [{ type: 'idb', linkType: 1 }, { type: 'idb', linkType: 1 }, ...epbs([filler(20)], 1)] },
      { blocks: [{ type: 'idb', linkType: 1 }, ...epbs([filler(20)], 0), ...epbs([filler(20)], 1)] },
    ];
    const cap = await loadBytes(dir, buildPcapng(sections));
    assert.equal(cap.frameCount, 2);
    const at = offsetOfBlock(sections, 2);
    assert.equal(cap.error, `packet block at byte ${at} refers to interface 1, which no Interface Description Block defines`);
  });

  it('skips a later section with an unsupported version, with a warning', async () => {
    const sections: PcapngSection[] = [
      { blocks: [{ type: 'idb', linkType: 1 }, ...epbs([filler(20)])] },
      { versionMajor: 2, blocks: [{ type: 'idb', linkType: 1 }, ...epbs([filler(21), filler(22)])] },
      { blocks: [{ type: 'idb', linkType: 1 }, ...epbs([filler(23)])] },
    ];
    const cap = await loadBytes(dir, buildPcapng(sections));
    assert.equal(cap.error, undefined);
    assert.deepEqual(
      [0, 1].map((i) => cap.index.capLenOf(i)),
      [20, 23],
    );
    assert.equal(cap.frameCount, 2);
    assert.deepEqual(cap.warnings, [`section at byte ${buildPcapng(sections.slice(0, 1)).length} has unsupported version 2.0; its blocks were skipped`]);
  });

  it('rejects an unsupported first section version, and a file not starting with an SHB', async () => {
    for (const [major, minor] of [
      [0, 1],
      [1, 1],
      [2, 0],
    ] as const) {
      const message = await loadError(dir, buildPcapng([{ versionMajor: major, versionMinor: minor, blocks: [{ type: 'idb', linkType: 1 }] }]));
      assert.match(message, new RegExp(`unsupported pcapng version ${major}\\.${minor}$`));
    }
    // An SHB with a broken byte-order magic.
    const shb = buildPcapng([{ blocks: [] }]);
    shb.set(u32(0x11223344, 'le'), 8);
    assert.match(await loadError(dir, shb), /section header at byte 0 has no valid byte-order magic$/);
  });

  it('a section with no interfaces is a valid capture with no packets', async () => {
    const cap = await loadBytes(dir, buildPcapng([{ blocks: [] }]));
    assert.equal(cap.frameCount, 0);
    assert.equal(cap.error, undefined);
  });
});

describe('pcapng interface options and time stamps', () => {
  async function oneEach(idb: Extract<PcapngBlock, { type: 'idb' }>, stamps: bigint[]): Promise<string[]> {
    const cap = await loadBytes(
      dir,
      buildPcapng([{ blocks: [idb, ...stamps.map((timestamp): PcapngBlock => ({ type: 'epb', interfaceId: 0, timestamp, data: filler(20) }))] }]),
    );
    assert.equal(cap.error, undefined);
    return stamps.map((_, i) => epochOf(cap, i));
  }

  it('if_name and if_description (NUL terminators dropped)', async () => {
    const cap = await loadBytes(dir, buildPcapng([{ blocks: [{ type: 'idb', linkType: 1, name: 'cilium_vxlan\0', description: 'VXLAN device' }] }]));
    assert.equal(cap.interfaces[0]?.name, 'cilium_vxlan');
    assert.equal(cap.interfaces[0]?.description, 'VXLAN device');
  });

  it('default resolution is microseconds', async () => {
    assert.deepEqual(await oneEach({ type: 'idb', linkType: 1 }, [1_700_000_000_000_001n, 0n]), ['1700000000.000001000', '0.000000000']);
  });

  it('if_tsresol 10^-9: nanoseconds scaled exactly in 2026 and 2107, up to 2^64-1', async () => {
    const got = await oneEach({ type: 'idb', linkType: 1, tsresol: 9 }, [
      1_767_225_600_123_456_789n, // 2026-01-01T00:00:00.123456789Z
      4_323_283_200_987_654_321n, // 2107-01-01T00:00:00.987654321Z
      0xffffffffffffffffn,
    ]);
    assert.deepEqual(got, ['1767225600.123456789', '4323283200.987654321', '18446744073.709551615']);
  });

  it('if_tsresol 10^-6 in 2107 (past the unsigned 32-bit seconds of classic pcap)', async () => {
    assert.deepEqual(await oneEach({ type: 'idb', linkType: 1, tsresol: 6 }, [4_323_283_200_000_001n]), ['4323283200.000001000']);
  });

  it('if_tsresol 10^-3', async () => {
    const cap = await loadBytes(dir, buildPcapng([{ blocks: [{ type: 'idb', linkType: 1, tsresol: 3 }] }]));
    assert.deepEqual(cap.interfaces[0]?.tsResolution, { base: 10, exponent: 3 });
    assert.deepEqual(await oneEach({ type: 'idb', linkType: 1, tsresol: 3 }, [1_700_000_000_123n, 999n]), ['1700000000.123000000', '0.999000000']);
  });

  it('if_tsresol 2^-10 (binary fractions, truncated to the nanosecond)', async () => {
    const cap = await loadBytes(dir, buildPcapng([{ blocks: [{ type: 'idb', linkType: 1, tsresol: 0x8a }] }]));
    assert.deepEqual(cap.interfaces[0]?.tsResolution, { base: 2, exponent: 10 });
    const base = 1_700_000_000n << 10n;
    assert.deepEqual(await oneEach({ type: 'idb', linkType: 1, tsresol: 0x8a }, [base, base + 512n, base + 513n, base + 1023n]), [
      '1700000000.000000000',
      '1700000000.500000000',
      '1700000000.500976562', // 513/1024 s = 0.5009765625
      '1700000000.999023437',
    ]);
  });

  it('if_tsresol 10^-12 (picoseconds)', async () => {
    assert.deepEqual(await oneEach({ type: 'idb', linkType: 1, tsresol: 12 }, [1_000_000_123_456_789_999n]), ['1000000.123456789']);
  });

  it('if_tsoffset adds whole seconds, positive or negative', async () => {
    assert.deepEqual(await oneEach({ type: 'idb', linkType: 1, tsoffset: 1_600_000_000 }, [100_000_001n]), ['1600000100.000001000']);
    assert.deepEqual(await oneEach({ type: 'idb', linkType: 1, tsresol: 9, tsoffset: -10n }, [1_000_000_000_000_000_005n]), ['999999990.000000005']);
    const cap = await loadBytes(dir, buildPcapng([{ blocks: [{ type: 'idb', linkType: 1, tsoffset: 1_600_000_000 }] }]));
    assert.equal(cap.interfaces[0]?.tsOffset, 1_600_000_000);
  });

  it('each interface keeps its own resolution', async () => {
    const cap = await loadBytes(
      dir,
      buildPcapng([
        {
          blocks: [
            { type: 'idb', linkType: 1, tsresol: 9 },
            { type: 'idb', linkType: 1, tsresol: 6 },
            { type: 'epb', interfaceId: 0, timestamp: 1_000_000_001n, data: filler(20) },
            { type: 'epb', interfaceId: 1, timestamp: 1_000_001n, data: filler(20) },
          ],
        },
      ]),
    );
    assert.deepEqual([epochOf(cap, 0), epochOf(cap, 1)], ['1.000000001', '1.000001000']);
  });

  it('reads the packets of an implausible if_tsresol (0x14, 0x7f, 0xff) with a warning, as tshark does', async () => {
    for (const tsresol of [0x14, 0x7f, 0xff]) {
      const cap = await loadBytes(
        dir,
        buildPcapng([
          {
            blocks: [
              { type: 'idb', linkType: 1, tsresol },
              { type: 'epb', interfaceId: 0, timestamp: 1700000000123456n, data: filler(60) },
            ],
          },
        ]),
      );
      assert.equal(cap.error, undefined);
      assert.equal(cap.frameCount, 1);
      assert.deepEqual(cap.warnings, [
        `interface block at byte 28 has an implausible time resolution byte 0x${tsresol.toString(16)}; its packets were read, their time stamps are likely wrong`,
      ]);
      // 1700000000123456 units of 10^-20 s is 17 µs; of 10^-127 s or 2^-127 s far below a nanosecond (tshark: 0.000000000).
      assert.equal(epochOf(cap, 0), tsresol === 0x14 ? '0.000017000' : '0.000000000');
    }
  });
});

describe('pcapng packet blocks', () => {
  it('epb_flags direction bits set index.directionOf', async () => {
    const flags = [undefined, 0, 1, 2, 3, 0x00000101, 0xffff0002, 0x00000100];
    const blocks: PcapngBlock[] = flags.map((f, i) => ({
      type: 'epb',
      interfaceId: 0,
      timestamp: BigInt(i),
      data: filler(30),
      ...(f === undefined ? {} : { flags: f }),
    }));
    const cap = await loadBytes(dir, buildPcapng([{ blocks: [{ type: 'idb', linkType: 1 }, ...blocks] }]));
    assert.deepEqual(
      flags.map((_, i) => cap.index.directionOf(i)),
      [U, U, I, O, U, I, O, U],
    );
  });

  it('epb_flags beside a comment option, in a big-endian section', async () => {
    const cap = await loadBytes(
      dir,
      buildPcapng([
        {
          byteOrder: 'be',
          blocks: [
            { type: 'idb', linkType: 1 },
            { type: 'epb', interfaceId: 0, timestamp: 1n, data: filler(31), comment: 'hello', flags: 2 },
          ],
        },
      ]),
    );
    assert.equal(cap.index.directionOf(0), O);
    assert.equal(cap.index.capLenOf(0), 31);
  });

  it('EPB with caplen < origlen', async () => {
    const cap = await loadBytes(
      dir,
      buildPcapng([
        {
          blocks: [
            { type: 'idb', linkType: 1, snaplen: 96 },
            { type: 'epb', interfaceId: 0, timestamp: 1n, data: filler(96), origLen: 1514 },
          ],
        },
      ]),
    );
    assert.equal(cap.index.capLenOf(0), 96);
    assert.equal(cap.index.origLenOf(0), 1514);
  });

  it('SPB: no time stamp (0), caplen = min(origlen, snaplen)', async () => {
    const cap = await loadBytes(
      dir,
      buildPcapng([
        {
          blocks: [
            { type: 'idb', linkType: 1, snaplen: 64 },
            { type: 'idb', linkType: 1, snaplen: 1500 },
            { type: 'spb', data: filler(64), origLen: 1514 },
            { type: 'spb', data: filler(62), origLen: 62 },
            { type: 'spb', data: filler(61), origLen: 61 },
          ],
        },
        {
          blocks: [
            { type: 'idb', linkType: 1, snaplen: 0 },
            { type: 'spb', data: filler(70), origLen: 70 },
          ],
        },
      ]),
    );
    assert.equal(cap.error, undefined);
    assert.deepEqual(
      [0, 1, 2, 3].map((i) => [
        cap.index.capLenOf(i),
        cap.index.origLenOf(i),
        cap.index.secondsOf(i),
        cap.index.nanosOf(i),
        cap.index.interfaceOf(i),
        cap.index.untimedOf(i),
        cap.index.directionOf(i),
      ]),
      [
        [64, 1514, 0, 0, 0, true, 0],
        [62, 62, 0, 0, 0, true, 0],
        [61, 61, 0, 0, 0, true, 0],
        [70, 70, 0, 0, 2, true, 0],
      ],
    );
    assert.deepEqual(framesOf(cap).map(hex), [filler(64), filler(62), filler(61), filler(70)].map(hex));
  });

  it('SPB: a block too small for min(packet length, snaplen) is damage, not a shorter packet', async () => {
    const cap = await loadBytes(
      dir,
      buildPcapng([
        {
          blocks: [
            { type: 'idb', linkType: 1, snaplen: 0 },
            { type: 'spb', data: filler(60), origLen: 60 },
            { type: 'spb', data: filler(50), origLen: 148 },
          ],
        },
      ]),
    );
    assert.equal(cap.frameCount, 1);
    assert.equal(
      cap.error,
      "simple packet block at byte 124 holds 52 bytes of packet data, not the 148 its packet length and the interface's snaplen call for",
    );
  });

  it('obsolete Packet Block (type 2)', async () => {
    const cap = await loadBytes(
      dir,
      buildPcapng([
        {
          blocks: [
            { type: 'idb', linkType: 1 },
            { type: 'idb', linkType: 1, tsresol: 9 },
            { type: 'pb', interfaceId: 1, timestamp: 3_000_000_007n, data: filler(45), origLen: 90 },
            { type: 'pb', interfaceId: 0, timestamp: 3_000_007n, data: filler(46) },
          ],
        },
      ]),
    );
    assert.equal(cap.error, undefined);
    assert.deepEqual([cap.index.interfaceOf(0), cap.index.capLenOf(0), cap.index.origLenOf(0), epochOf(cap, 0)], [1, 45, 90, '3.000000007']);
    assert.deepEqual([cap.index.interfaceOf(1), cap.index.capLenOf(1), epochOf(cap, 1)], [0, 46, '3.000007000']);
    assert.deepEqual(framesOf(cap).map(hex), [filler(45), filler(46)].map(hex));
  });

  it('skips unknown and uninteresting block types by their length', async () => {
    const frames = ethernetFrames();
    const raw = (blockType: number, n: number): PcapngBlock => ({ type: 'raw', blockType, body: filler(n, blockType & 0xff) });
    const cap = await loadBytes(
      dir,
      buildPcapng([
        {
          blocks: [
            raw(0x00000bad, 5),
            { type: 'idb', linkType: 1 },
            raw(4, 16), // NRB
            ...epbs(frames.slice(0, 2)),
            raw(5, 24), // ISB
            raw(0x40000bad, 0), // custom, empty body
            raw(0x80000001, 33),
            raw(0x00000bad, 4),
            ...epbs(frames.slice(2)),
            raw(10, 8), // DSB
          ],
        },
      ]),
    );
    assert.equal(cap.error, undefined);
    assert.deepEqual(cap.warnings, []);
    assert.deepEqual(framesOf(cap).map(hex), frames.map(hex));
  });

  it('SLL and SLL2 interfaces: direction from the packet type unless epb_flags say otherwise, ifindex from SLL2', async () => {
    const sllF = sllFrames([0, 4, 3]);
    const sll2F = sll2Frames([
      [4, 7],
      [0, 8],
      [4, 9],
    ]);
    const cap = await loadBytes(
      dir,
      buildPcapng([
        {
          blocks: [
            { type: 'idb', linkType: LinkType.LINUX_SLL },
            { type: 'idb', linkType: LinkType.LINUX_SLL2 },
            { type: 'idb', linkType: 1 },
            ...epbs(sllF, 0),
            ...epbs(sll2F.slice(0, 2), 1),
            { type: 'epb', interfaceId: 1, timestamp: 1n, data: sll2F[2]!, flags: 1 }, // flags say inbound
            { type: 'epb', interfaceId: 0, timestamp: 1n, data: sllF[1]!, flags: 1 },
            { type: 'spb', data: sllF[1]! }, // SPB uses interface 0 (SLL)
          ],
        },
      ]),
    );
    assert.deepEqual(
      [...Array(cap.frameCount).keys()].map((i) => cap.index.directionOf(i)),
      [I, O, I, O, I, I, I, O],
    );
    assert.deepEqual(
      [3, 4, 5].map((i) => cap.index.ifindexOf(i)),
      [7, 8, 9],
    );
  });
});

describe('pcapng damage', () => {
  const frames = ethernetFrames();
  const section = (blocks: PcapngBlock[]): PcapngSection[] => [{ blocks: [{ type: 'idb', linkType: 1 }, ...blocks] }];

  it('a block whose trailer disagrees with its header stops reading; the packets before it stay', async () => {
    for (const blockType of [6, 0xbad]) {
      const bad = encodeBlock(blockType, concatBytes(u32(0, 'le'), u32(0, 'le'), u32(1, 'le'), u32(20, 'le'), u32(20, 'le'), filler(20)), 'le');
      const head = bad.length;
      bad.set(u32(head + 4, 'le'), head - 4);
      const sections = section([...epbs(frames.slice(0, 2)), { type: 'bytes', bytes: bad }, ...epbs(frames.slice(2))]);
      const cap = await loadBytes(dir, buildPcapng(sections));
      const at = offsetOfBlock(sections, 3);
      assert.equal(cap.error, `block at byte ${at}: total length ${head} in its header but ${head + 4} in its trailer; reading stopped`);
      assert.equal(cap.frameCount, 2);
      assert.deepEqual(framesOf(cap).map(hex), frames.slice(0, 2).map(hex));
    }
  });

  it('a trailer mismatch in the first SHB rejects the file', async () => {
    const bytes = buildPcapng(section(epbs(frames)));
    bytes.set(u32(0x30303030, 'le'), 24); // SHB is 28 bytes; its trailer is at 24
    assert.match(await loadError(dir, bytes), /block at byte 0: total length 28 in its header but 808464432 in its trailer/);
  });

  it('a truncated last block is an error with its offset, and every complete packet is kept', async () => {
    const sections = section(epbs(frames));
    const whole = buildPcapng(sections);
    const last = offsetOfBlock(sections, frames.length);
    for (const cut of [whole.length - 1, whole.length - 4, last + 12, last + 11, last + 4, last + 1]) {
      const cap = await loadBytes(dir, truncate(whole, cut));
      assert.equal(cap.frameCount, frames.length - 1, `cut at ${cut}`);
      assert.deepEqual(cap.warnings, []);
      assert.match(cap.error!, new RegExp(`^truncated at byte ${last}: .* only ${cut - last} remain`));
      assert.deepEqual(framesOf(cap).map(hex), frames.slice(0, -1).map(hex));
    }
  });

  it('a corrupt block length gives an error naming the byte offset', async () => {
    for (const len of [0x7fffffff, 0x7ffffffc, 0xfffffffc, 8, 0, 30]) {
      const sections = section([...epbs(frames), { type: 'bytes', bytes: concatBytes(u32(6, 'le'), u32(len, 'le'), filler(64)) }]);
      const cap = await loadBytes(dir, buildPcapng(sections));
      const at = offsetOfBlock(sections, frames.length + 1);
      assert.equal(cap.error, `block at byte ${at} has an invalid total length ${len}`);
      assert.equal(cap.frameCount, frames.length);
    }
  });

  it('fails fast on a corrupt block length: no waiting for the bytes it claims', () => {
    const sections = section([...epbs(frames), { type: 'bytes', bytes: concatBytes(u32(6, 'le'), u32(0x7ffffffc, 'le'), new Uint8Array(4 * 1024 * 1024)) }]);
    const bytes = buildPcapng(sections);
    const at = offsetOfBlock(sections, frames.length + 1);
    const chunk = 64 * 1024;
    const r = indexInChunks(bytes, chunk);
    assert.match(r.error ?? '', new RegExp(`^block at byte ${at} `));
    assert.ok(r.errorAfter! <= at + 12 + chunk, `stopped after ${r.errorAfter} bytes`);
    assert.equal(r.target.index.count, frames.length);
  });

  // The timeout catches quadratic re-copying, which would take minutes here.
  it('stays linear when a large block arrives one byte at a time', { timeout: 120_000 }, () => {
    const bytes = buildPcapng(section([...epbs([filler(1 << 20)]), ...epbs(frames)]));
    const r = indexInChunks(bytes, 1);
    assert.equal(r.error, undefined);
    assert.equal(r.target.index.count, 1 + frames.length);
  });

  it('packet data running past its block, options running past their block, packets before any IDB', async () => {
    const overrun = await loadBytes(
      dir,
      buildPcapng(section([...epbs(frames.slice(0, 1)), { type: 'epb', interfaceId: 0, timestamp: 1n, data: filler(20), capLen: 24 }])),
    );
    assert.equal(overrun.frameCount, 1);
    assert.match(overrun.error ?? '', /^block at byte \d+: captured length 24 runs past the end of the block$/);

    const opt = encodeBlock(1, concatBytes(u32(1, 'le'), u32(65535, 'le'), u32(0x00400002, 'le'), filler(8)), 'le'); // if_name of length 64
    const optCap = await loadBytes(dir, buildPcapng([{ blocks: [{ type: 'bytes', bytes: opt }] }]));
    assert.match(optCap.error ?? '', /^block at byte 28: option 2 of length 64 runs past the end of the block$/);

    const early = await loadBytes(dir, buildPcapng([{ blocks: epbs(frames.slice(0, 1)) }]));
    assert.equal(early.error, 'packet block at byte 28 comes before any Interface Description Block');
    const spb = await loadBytes(dir, buildPcapng([{ blocks: [{ type: 'spb', data: filler(20) }] }]));
    assert.equal(spb.error, 'packet block at byte 28 comes before any Interface Description Block');
  });
});

describe('pcapng chunking', () => {
  it('1-byte, 7-byte and 1 MiB chunks give identical indexes', () => {
    const many: PcapngBlock[] = [];
    for (let k = 0; k < 40; k++) {
      many.push(...epbs(ethernetFrames(), k % 2, BigInt(k) * 1_000_000_000n));
      many.push({ type: 'spb', data: filler(50 + k) });
      many.push({ type: 'raw', blockType: 5, body: filler(k) });
    }
    const variants = [
      buildPcapng([
        { blocks: [{ type: 'idb', linkType: 1, tsresol: 9 }, { type: 'idb', linkType: 1 }, ...many] },
        {
          byteOrder: 'be',
          blocks: [
            { type: 'idb', linkType: 276 },
            ...epbs(
              sll2Frames([
                [4, 1],
                [0, 2],
                [1, 3],
              ]),
            ),
          ],
        },
      ]),
      truncate(buildPcapng([{ blocks: [{ type: 'idb', linkType: 1 }, { type: 'idb', linkType: 1 }, ...many] }]), 3000),
    ];
    for (const bytes of variants) {
      const [ref, ...rest] = [1, 7, 1024 * 1024].map((size) => {
        const r = indexInChunks(bytes, size);
        return { rows: dumpIndex(r.target.index), interfaces: r.target.interfaces, warnings: r.target.warnings, info: r.target.info, error: r.error };
      });
      assert.ok(ref!.rows.length > 10);
      for (const other of rest) assert.deepEqual(other, ref);
    }
  });
});
