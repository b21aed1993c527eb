// Conformance against the public peer corpus (../shared/corpus/peers, beside the repository):
// for every capture with a tshark JSON reference, the frame count and each frame's time stamp,
// lengths and interface must equal what TShark 4.0 reported. Skipped when the corpus is absent.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadCapture, type Capture } from '../../src/capture/capture.js';
import { formatEpoch } from '../../src/capture/timestamp.js';
import { Direction, LinkType } from '../../src/capture/types.js';
import { VxError } from '../../src/errors.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/peers', import.meta.url));
const present = existsSync(CORPUS);
const SKIP = `peer corpus not found at ${CORPUS}`;
const DIRS = ['tcpdump', 'libpcap', 'zeek'];

type Layers = Record<string, Record<string, unknown> | undefined>;
interface TsharkPacket {
  _source: { layers: Layers };
}

function captures(): { dir: string; file: string; path: string }[] {
  if (!present) return [];
  return DIRS.flatMap((dir) =>
    readdirSync(join(CORPUS, dir))
      .filter((f) => /\.(pcap|pcapng)$/.test(f))
      .sort()
      .map((file) => ({ dir, file, path: join(CORPUS, dir, file) })),
  );
}

/**
 * frame.time_epoch as TShark prints it. Wireshark keeps nanoseconds in a signed 32-bit int, so a
 * corrupt fraction of 2^31 ns or more shows as negative, printed "-sec.|nsecs|"
 * (tcpdump/timestamp_invalid_nano.pcap). Every valid time stamp is plain sec.nnnnnnnnn.
 */
function tsharkEpoch(sec: number, nsec: number): string {
  const signed = nsec | 0;
  if (signed < 0) return `-${sec}.${String(-signed).padStart(9, '0')}`;
  return formatEpoch(sec, nsec);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function compare(cap: Capture, packets: TsharkPacket[]): void {
  assert.equal(cap.frameCount, packets.length, 'frame count');
  const ix = cap.index;
  packets.forEach((p, i) => {
    const frame = p._source.layers.frame ?? {};
    const where = `frame ${i + 1}`;
    assert.equal(tsharkEpoch(ix.secondsOf(i), ix.nanosOf(i)), frame['frame.time_epoch'], `${where}: frame.time_epoch`);
    assert.equal(String(ix.origLenOf(i)), frame['frame.len'], `${where}: frame.len`);
    assert.equal(String(ix.capLenOf(i)), frame['frame.cap_len'], `${where}: frame.cap_len`);
    const ifaceId = str(frame['frame.interface_id']);
    if (ifaceId !== undefined) {
      const iface = cap.interfaces[ix.interfaceOf(i)]!;
      // Every corpus pcapng has one section, so global and per-section numbering coincide here.
      assert.equal(String(ix.interfaceOf(i)), ifaceId, `${where}: frame.interface_id`);
      assert.equal(String(iface.section + 1), frame['frame.section_number'], `${where}: frame.section_number`);
      const tree = frame['frame.interface_id_tree'] as Record<string, unknown> | undefined;
      const name = str(tree?.['frame.interface_name']);
      if (name !== undefined && name !== 'unknown') assert.equal(iface.name, name, `${where}: frame.interface_name`);
    }
    // Linux cooked headers: our direction and ifindex against tshark's decode of the same bytes.
    const sll = p._source.layers.sll;
    const pkttype = str(sll?.['sll.pkttype']);
    if (pkttype !== undefined) {
      const t = Number(pkttype);
      const want = t === 4 ? Direction.Outbound : t <= 3 ? Direction.Inbound : Direction.Unknown;
      assert.equal(ix.directionOf(i), want, `${where}: direction from sll.pkttype ${t}`);
    }
    const ifindex = str(sll?.['sll.ifindex']);
    if (ifindex !== undefined) assert.equal(ix.ifindexOf(i), Number(ifindex), `${where}: sll.ifindex`);
  });
}

describe('peer corpus against tshark -T json', { skip: present ? false : SKIP }, () => {
  const withJson = captures().filter((c) => existsSync(`${c.path}.tshark.json`));

  it('finds the captures', () => {
    // The README lists 50 + 2 + 10 captures with references.
    assert.ok(withJson.length >= 60, `only ${withJson.length} captures with .tshark.json`);
  });

  for (const c of withJson) {
    it(`${c.dir}/${c.file}`, async () => {
      const packets = JSON.parse(readFileSync(`${c.path}.tshark.json`, 'utf8')) as TsharkPacket[];
      const cap = await loadCapture(c.path);
      try {
        assert.equal(cap.error, undefined);
        compare(cap, packets);
      } finally {
        cap.close();
      }
    });
  }

  it('SLL2 capture: tshark agrees on every direction and ifindex (guards the cooked-header check above)', async () => {
    const cap = await loadCapture(join(CORPUS, 'zeek/linux_dlt_sll2.pcap'));
    try {
      assert.equal(cap.interfaces[0]?.linkType, LinkType.LINUX_SLL2);
      assert.equal(cap.index.hasIfindex, true);
      const dirs = [...Array(cap.frameCount).keys()].map((i) => cap.index.directionOf(i));
      assert.ok(dirs.includes(Direction.Inbound) && dirs.includes(Direction.Outbound), `directions ${dirs.join(',')}`);
    } finally {
      cap.close();
    }
  });

  it('out-of-range fractions keep their seconds, as tshark and tcpdump show them', async () => {
    for (const [file, nanos] of [
      ['timestamp_invalid_micro.pcap', [999_999_000, 1_000_000_000, 0]],
      ['timestamp_invalid_nano.pcap', [999_999_999, 1_000_000_000, 2_147_483_648]],
    ] as const) {
      const cap = await loadCapture(join(CORPUS, 'tcpdump', file));
      try {
        assert.deepEqual(
          [0, 1, 2].map((i) => cap.index.secondsOf(i)),
          [1418145369, 1418145370, 1418145370],
          file,
        );
        assert.deepEqual(
          [0, 1, 2].map((i) => cap.index.nanosOf(i)),
          nanos,
          file,
        );
        assert.equal(cap.warnings.length, 1, file);
        assert.match(cap.warnings[0]!, /^2 record\(s\) have an out-of-range fractional time stamp/);
      } finally {
        cap.close();
      }
    }
  });
});

describe('malformed libpcap headers', { skip: present ? false : SKIP }, () => {
  const cases: [file: string, message: RegExp][] = [
    ['linktype-reserved-field-not-zero.pcap', /pcap link-type field has reserved bits set \(0x00300000\)$/],
    ['pcap-invalid-version-1.pcap', /unsupported pcap version 1\.4$/],
    ['pcapng-invalid-vers-1.pcapng', /unsupported pcapng version 0\.1$/],
    ['pcapng-invalid-vers-2.pcapng', /unsupported pcapng version 1\.1$/],
    ['shb-option-too-long.pcapng', /block at byte 0: total length 52 in its header but 808464432 in its trailer/],
  ];
  for (const [file, message] of cases) {
    it(file, async () => {
      const path = join(CORPUS, 'libpcap', file);
      let text: string;
      try {
        const cap = await loadCapture(path);
        cap.close();
        assert.ok(cap.error, `${file} was read without an error (${cap.frameCount} frames)`);
        text = cap.error;
      } catch (e) {
        assert.ok(e instanceof VxError, `not a VxError: ${String(e)}`);
        assert.equal(e.kind, 'input');
        text = e.message;
        assert.ok(text.startsWith(`${path}: `), text);
      }
      assert.match(text, message);
      assert.ok(!/[\n\r]/.test(text), 'one line');
      assert.ok(!/\bat .*:\d+:\d+/.test(text), 'no stack frames');
    });
  }

  it('pcap-invalid-version-2.pcap (2.5) is read with a warning, as tshark reads it', async () => {
    const cap = await loadCapture(join(CORPUS, 'libpcap/pcap-invalid-version-2.pcap'));
    try {
      assert.equal(cap.frameCount, 1);
      assert.deepEqual(cap.warnings, ['pcap version 2.5 is not standard; read as 2.4']);
    } finally {
      cap.close();
    }
  });
});
