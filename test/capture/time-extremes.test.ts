// Time stamps at the edges (issue 11, item 7), end to end: every way vxshark prints a time
// (the -t column, frame.time_epoch, frame.time, capinfo) agrees on the same value, and none of
// them ends in an internal error.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { buildPcap, buildPcapng } from '../fixtures/capture-writer.js';
import { filler } from '../fixtures/packet-builder.js';
import { vxshark } from '../helpers/cli.js';
import { TempDir } from './helpers.js';

const dir = new TempDir();
after(() => dir.cleanup());
const data = filler(60);

async function times(file: string): Promise<{ column: string; epoch: string; arrival: string; first: string; stderr: string }> {
  const col = await vxshark(['-r', file, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.time'], { env: { TZ: 'UTC' } });
  assert.equal(col.status, 0, col.stderr);
  assert.doesNotMatch(col.stderr, /internal error/);
  const [epoch, arrival] = col.stdout.trimEnd().split('\t') as [string, string];
  // The summary line's time column: what comes between the frame number and the source MAC.
  const line = await vxshark(['-r', file, '-t', 'ud']);
  assert.equal(line.status, 0, line.stderr);
  const words = line.stdout.trim().split(/ +/);
  const column = words.slice(1, words.indexOf('06:07:08:09:0a:0b')).join(' ');
  const info = await vxshark(['capinfo', file]);
  assert.equal(info.status, 0, info.stderr);
  const first = /First packet: +(\S+)/.exec(info.stdout)![1]!;
  return { column, epoch, arrival, first, stderr: col.stderr };
}

describe('time stamps at the edges', () => {
  it('a µs fraction of 0xffffffff (over a second) is the same 7 digits in the column, capinfo and the epoch, with a warning', async () => {
    const file = dir.write(buildPcap([{ tsSec: 0xffffffff, tsFrac: 0xffffffff, data }]), 'frac.pcap');
    const t = await times(file);
    // 0xffffffff µs is 4294967295000 ns, kept modulo 2^32 as Wireshark keeps nanoseconds: 4294966296.
    assert.equal(t.epoch, '4294967295.4294966296');
    assert.equal(t.column, '2106-02-07 06:28:15.4294966');
    assert.equal(t.first, '2106-02-07T06:28:15.4294966Z');
    assert.equal(t.arrival, 'Feb  7, 2106 06:28:15.4294966296 UTC');
    assert.match(t.stderr, /1 record\(s\) have an out-of-range fractional time stamp/);
  });

  it('an implausible negative if_tsoffset (-2^62 s) is ignored with a one-line warning, not printed with lost precision', async () => {
    const file = dir.write(
      buildPcapng([
        {
          blocks: [
            { type: 'idb', linkType: 1, tsoffset: -(2n ** 62n) },
            { type: 'epb', interfaceId: 0, timestamp: 1_767_225_600_000_001n, data },
          ],
        },
      ]),
      'offset.pcapng',
    );
    const t = await times(file);
    assert.equal(t.epoch, '1767225600.000001000');
    assert.equal(t.first, '2026-01-01T00:00:00.000001Z');
    assert.equal(
      t.stderr,
      `vxshark: ${file}: interface block at byte 28 has an implausible time offset (if_tsoffset -4611686018427387904 s); it was ignored, time stamps are as recorded\n`,
    );
  });

  it('a plausible negative if_tsoffset is applied exactly', async () => {
    const file = dir.write(
      buildPcapng([
        {
          blocks: [
            { type: 'idb', linkType: 1, tsoffset: -1_767_225_601n },
            { type: 'epb', interfaceId: 0, timestamp: 1_767_225_600_000_001n, data },
          ],
        },
      ]),
      'before-1970.pcapng',
    );
    const t = await times(file);
    assert.deepEqual(
      [t.epoch, t.column, t.first, t.arrival],
      ['-1.000001000', '1969-12-31 23:59:59.000001', '1969-12-31T23:59:59.000001Z', 'Dec 31, 1969 23:59:59.000001000 UTC'],
    );
  });

  it('a time stamp past the last calendar date (2^64-1 µs) is "Not representable" in frame.time, as in tshark, and the epoch is exact', async () => {
    const file = dir.write(
      buildPcapng([
        {
          blocks: [
            { type: 'idb', linkType: 1 },
            { type: 'epb', interfaceId: 0, timestamp: 0xffffffffffffffffn, data },
          ],
        },
      ]),
      'far.pcapng',
    );
    const t = await times(file);
    assert.equal(t.epoch, '18446744073709.551615000');
    assert.equal(t.arrival, 'Not representable');
    assert.equal(t.column, '18446744073709.551615');
  });
});
