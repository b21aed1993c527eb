// `vxshark capinfo` end to end: spawns the real entry point (test/helpers/cli.ts) on
// fixture files and checks stdout, stderr and the exit status.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildPcap, buildPcapng, truncate } from '../fixtures/capture-writer.js';
import { ethernet, filler, LINKTYPE_LINUX_SLL2 } from '../fixtures/packet-builder.js';
import { ROOT, vxshark, type RunResult } from '../helpers/cli.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const tmp = mkdtempSync(join(tmpdir(), 'vxshark-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, bytes: Uint8Array | string): string => {
  const p = join(tmp, name);
  writeFileSync(p, bytes);
  return p;
};

/** stderr must be exactly one `vxshark: ` line (no stack trace); returns it. */
function oneErrorLine(r: RunResult): string {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `stderr: ${JSON.stringify(r.stderr)}`);
  assert.ok(lines[0]!.startsWith('vxshark: '), lines[0]);
  assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
  return lines[0]!;
}

function fields(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Za-z ]+):\s+(.*)$/.exec(line);
    if (match) m.set(match[1]!, match[2]!);
  }
  return m;
}

const eth = (n: number): Uint8Array => ethernet({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', type: 0x0800 }, filler(n));

// 3 packets, 2024-01-01T00:00:00.25Z .. +2.5 s; captured 100+200+64 = 364, on the wire 100+200+1514.
const PCAP = buildPcap(
  [
    { tsSec: 1_704_067_200, tsFrac: 250_000, data: eth(86) },
    { tsSec: 1_704_067_201, tsFrac: 0, data: eth(186) },
    { tsSec: 1_704_067_202, tsFrac: 750_000, data: eth(50), origLen: 1514 },
  ],
  { snaplen: 65535 },
);
const pcapPath = file('three.pcap', PCAP);

const PCAPNG = buildPcapng([
  {
    blocks: [
      { type: 'idb', linkType: 1, name: 'eth0', tsresol: 9 },
      { type: 'idb', linkType: LINKTYPE_LINUX_SLL2, name: 'any' },
      { type: 'epb', interfaceId: 0, timestamp: 1_767_225_600_000_000_001n, data: eth(46) },
      { type: 'epb', interfaceId: 1, timestamp: 1_767_225_601_000_000n, data: filler(40) },
      { type: 'epb', interfaceId: 1, timestamp: 1_767_225_602_000_000n, data: filler(44) },
    ],
  },
]);
const pcapngPath = file('two-ifaces.pcapng', PCAPNG);

describe('vxshark capinfo', { concurrency: 4 }, () => {
  it('prints the summary of a pcap', async () => {
    const r = await vxshark(['capinfo', pcapPath]);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    const f = fields(r.stdout);
    assert.equal(f.get('File'), pcapPath);
    assert.equal(f.get('Format'), 'pcap 2.4, little-endian');
    assert.equal(f.get('Time resolution'), 'microseconds');
    assert.equal(f.get('Link types'), 'Ethernet (1)');
    assert.equal(f.get('Snaplen'), '65535');
    assert.equal(f.get('Packets'), '3');
    assert.equal(f.get('First packet'), '2024-01-01T00:00:00.250000Z');
    assert.equal(f.get('Last packet'), '2024-01-01T00:00:02.750000Z');
    assert.equal(f.get('Duration'), '2.500000 s');
    assert.equal(f.get('Bytes'), '364 captured, 1814 on the wire');
  });

  it('prints the interfaces of a pcapng', async () => {
    const r = await vxshark(['capinfo', pcapngPath]);
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
    const f = fields(r.stdout);
    assert.equal(f.get('Format'), 'pcapng 1.0, little-endian');
    assert.equal(f.get('Packets'), '3');
    assert.equal(f.get('First packet'), '2026-01-01T00:00:00.000000001Z');
    assert.match(f.get('Link types') ?? '', /Ethernet \(1\), .*\(276\)/);
    const lines = r.stdout.split('\n');
    const at = lines.indexOf('Interfaces:');
    assert.ok(at > 0, r.stdout);
    assert.match(lines[at + 1]!, /^\s+0\s+eth0\s+.*\(1\)\s+nanoseconds\s+1 packet$/);
    assert.match(lines[at + 2]!, /^\s+1\s+any\s+.*\(276\)\s+microseconds\s+2 packets$/);
  });

  it('--json prints one object with the documented keys', async () => {
    const r = await vxshark(['capinfo', '--json', pcapngPath]);
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const s = JSON.parse(lines[0]!) as Record<string, unknown>;
    for (const key of [
      'file',
      'format',
      'byteOrder',
      'tsResolution',
      'linkTypes',
      'snaplen',
      'packets',
      'firstTime',
      'lastTime',
      'bytes',
      'interfaces',
      'warnings',
    ]) {
      assert.ok(key in s, `missing key ${key}`);
    }
    assert.equal(s.file, pcapngPath);
    assert.equal(s.format, 'pcapng');
    assert.equal(s.byteOrder, 'little-endian');
    assert.equal(s.tsResolution, 'mixed (nanoseconds, microseconds)');
    assert.deepEqual(s.linkTypes, [1, 276]);
    assert.equal(s.snaplen, 262144);
    assert.equal(s.packets, 3);
    assert.equal(s.firstTime, '2026-01-01T00:00:00.000000001Z');
    assert.equal(s.lastTime, '2026-01-01T00:00:02.000000000Z');
    assert.equal(s.bytes, 60 + 40 + 44);
    assert.deepEqual(s.warnings, []);
    const ifaces = s.interfaces as Record<string, unknown>[];
    assert.deepEqual(
      ifaces.map((f) => ({ id: f.id, name: f.name, linkType: f.linkType, packets: f.packets })),
      [
        { id: 0, name: 'eth0', linkType: 1, packets: 1 },
        { id: 1, name: 'any', linkType: 276, packets: 2 },
      ],
    );
  });

  it('--json for a classic pcap: an unnamed interface is null', async () => {
    const r = await vxshark(['capinfo', '--json', pcapPath]);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(s.format, 'pcap');
    assert.equal(s.tsResolution, 'microseconds');
    assert.equal(s.bytes, 364);
    assert.deepEqual(s.interfaces, [{ id: 0, name: null, linkType: 1, snaplen: 65535, tsResolution: 'microseconds', packets: 3 }]);
  });

  it('several files at once: blocks in order, separated by a blank line; JSON one line each', async () => {
    const r = await vxshark(['capinfo', pcapPath, pcapngPath, pcapPath]);
    assert.equal(r.status, 0);
    const blocks = r.stdout.trimEnd().split('\n\n');
    assert.equal(blocks.length, 3);
    assert.deepEqual(
      blocks.map((b) => fields(b).get('File')),
      [pcapPath, pcapngPath, pcapPath],
    );
    const j = await vxshark(['capinfo', '--json', pcapPath, pcapngPath]);
    assert.equal(j.status, 0);
    const objs = j.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; packets: number });
    assert.deepEqual(
      objs.map((o) => [o.file, o.packets]),
      [
        [pcapPath, 3],
        [pcapngPath, 3],
      ],
    );
  });

  const bad: [name: string, make: () => string, message: RegExp][] = [
    ['a text file', () => file('notes.txt', 'these are my notes\nnot a capture\n'), /a text file, not a pcap or pcapng capture$/],
    ['an empty file', () => file('empty.pcap', ''), /empty file, not a capture$/],
    ['a 10-byte file', () => file('ten.pcap', truncate(PCAP, 10)), /only 10 bytes, too short to be a pcap or pcapng file$/],
    ['10 binary bytes', () => file('ten.bin', Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)), /not a capture: unknown magic 0x00010203$/],
    ['a directory', () => (mkdirSync(join(tmp, 'adir'), { recursive: true }), join(tmp, 'adir')), /is a directory, not a capture file$/],
    ['a missing file', () => join(tmp, 'does-not-exist.pcap'), /no such file$/],
    ['a cut gzip file', () => file('c.pcap.gz', Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3)), /the gzip compression is damaged or cut short/],
    ['a corrupt header', () => file('v1.pcap', buildPcap([], { versionMajor: 1 })), /unsupported pcap version 1\.4$/],
  ];
  for (const [what, make, message] of bad) {
    it(`${what}: one stderr line, non-zero exit`, async () => {
      const path = make();
      for (const json of [[], ['--json']]) {
        const r = await vxshark(['capinfo', ...json, path]);
        assert.notEqual(r.status, 0);
        assert.equal(r.status, 1);
        assert.equal(r.stdout, '');
        const line = oneErrorLine(r);
        assert.ok(line.startsWith(`vxshark: ${path}: `), line);
        assert.match(line, message);
      }
    });
  }

  it('a bad file among good ones: the good ones are still summarized, exit 1', async () => {
    const missing = join(tmp, 'nope.pcap');
    const r = await vxshark(['capinfo', '--json', pcapPath, missing, pcapngPath]);
    assert.equal(r.status, 1);
    assert.equal(oneErrorLine(r), `vxshark: ${missing}: no such file`);
    assert.deepEqual(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { file: string }).file),
      [pcapPath, pcapngPath],
    );
  });

  it('damage after the header: summary printed, warning or error on stderr', async () => {
    const cut = file('cut.pcap', truncate(PCAP, PCAP.length - 5));
    const r = await vxshark(['capinfo', cut]);
    assert.equal(r.status, 1, 'a truncated capture is damaged input');
    assert.equal(fields(r.stdout).get('Packets'), '2');
    assert.match(oneErrorLine(r), new RegExp(`^vxshark: ${cut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: truncated at byte \\d+: `));

    const corrupt = new Uint8Array(PCAP);
    new DataView(corrupt.buffer).setUint32(24 + 16 + 100 + 8, 0x7fffffff, true); // second record's caplen
    const c = await vxshark(['capinfo', '--json', file('corrupt.pcap', corrupt)]);
    assert.equal(c.status, 1);
    assert.match(oneErrorLine(c), /record at byte 140 claims 2147483647 captured bytes/);
    const s = JSON.parse(c.stdout) as { packets: number; error: string };
    assert.equal(s.packets, 1);
    assert.match(s.error, /^record at byte 140 /);
  });

  it('reads a capture piped into standard input as "-"', async () => {
    const r = await vxshark(['capinfo', '-'], { stdin: PCAP });
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    const f = fields(r.stdout);
    assert.equal(f.get('File'), '-');
    assert.equal(f.get('Packets'), '3');
    assert.equal(f.get('Bytes'), '364 captured, 1814 on the wire');
    const j = await vxshark(['capinfo', '--json', '-'], { stdin: PCAPNG });
    assert.equal(j.status, 0);
    const s = JSON.parse(j.stdout) as { file: string; format: string; packets: number };
    assert.deepEqual([s.file, s.format, s.packets], ['-', 'pcapng', 3]);
  });

  it('empty standard input is one error line', async () => {
    const r = await vxshark(['capinfo', '-'], { stdin: new Uint8Array(0) });
    assert.equal(r.status, 1);
    assert.equal(oneErrorLine(r), 'vxshark: standard input: empty file, not a capture');
  });

  it('--version prints the package version', async () => {
    const r = await vxshark(['--version']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout.trim(), VERSION);
    assert.equal(r.stderr, '');
  });

  it('--help lists the capinfo command', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await vxshark([flag]);
      assert.equal(r.status, 0);
      assert.match(r.stdout, /Usage: vxshark/);
      assert.match(r.stdout, /capinfo/);
      assert.equal(r.stderr, '');
    }
    const c = await vxshark(['capinfo', '--help']);
    assert.equal(c.status, 0);
    assert.match(c.stdout, /--json/);
  });

  it('an unknown flag is a usage error: one line, exit 2', async () => {
    for (const args of [['--bogus-flag'], ['--bogus-flag', pcapPath], ['capinfo', '--bogus-flag', pcapPath]]) {
      const r = await vxshark(args);
      assert.equal(r.status, 2, JSON.stringify(args));
      assert.equal(r.stdout, '');
      const line = oneErrorLine(r);
      if (args[0] === 'capinfo') assert.match(line, /bogus-flag/);
    }
  });

  it('no command, and capinfo without files, are usage errors (exit 2)', async () => {
    for (const args of [[], ['capinfo']]) {
      const r = await vxshark(args);
      assert.equal(r.status, 2, JSON.stringify(args));
      oneErrorLine(r);
    }
  });
});
