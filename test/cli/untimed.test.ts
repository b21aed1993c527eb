// A pcapng simple packet block (SPB) has no time stamp. tshark shows none for it: an empty time
// column, no time fields, no time lines in -V; the next frame's delta counts from zero. The
// capture is built by the fixtures; tshark, when installed, reads it as the oracle.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildPcapng } from '../fixtures/capture-writer.js';
import { filler } from '../fixtures/packet-builder.js';
import { vxshark } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'vxshark-untimed-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;

const FILE = join(tmp, 'spb.pcapng');
writeFileSync(
  FILE,
  buildPcapng([
    {
      blocks: [
        { type: 'idb', linkType: 1 },
        { type: 'epb', interfaceId: 0, timestamp: 1_000_000n, data: filler(60), flags: 1 },
        { type: 'spb', data: filler(60, 1) },
        { type: 'epb', interfaceId: 0, timestamp: 3_000_000n, data: filler(60, 2) },
      ],
    },
  ]),
);

// After an untimed frame (0), a real time stamp is decades later: its delta must still be exact.
const DECADES = join(tmp, 'spb-decades.pcapng');
writeFileSync(
  DECADES,
  buildPcapng([
    {
      blocks: [
        { type: 'idb', linkType: 1 },
        { type: 'spb', data: filler(60) },
        { type: 'epb', interfaceId: 0, timestamp: 1_368_908_504_925_960n, data: filler(60, 1) },
        { type: 'epb', interfaceId: 0, timestamp: 1_368_908_507_885_359n, data: filler(60, 2) },
      ],
    },
  ]),
);

const TIME_FIELDS = ['frame.number', 'frame.time_epoch', 'frame.time_relative', 'frame.time_delta', 'frame.packet_flags_direction'];
const fieldsArgs = ['-r', FILE, '-T', 'fields', ...TIME_FIELDS.flatMap((f) => ['-e', f])];

async function out(args: string[]): Promise<string[]> {
  const r = await vxshark(args);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  return r.stdout.replace(/\n$/, '').split('\n');
}

/** The time column of a summary line: what stands between the frame number and the source address, less the direction. */
const timeColumn = (line: string): string =>
  line
    .slice(7, line.search(/[0-9a-f]{2}(:[0-9a-f]{2}){5}/))
    .replace(/ In +$/, '')
    .trim();

describe('pcapng simple packet blocks: no time stamp', () => {
  it('the time fields are absent, and the next frame counts from zero', async () => {
    assert.deepEqual(await out(fieldsArgs), ['1\t1.000000000\t0.000000000\t0.000000000\t1', '2\t\t\t\t0', '3\t3.000000000\t2.000000000\t3.000000000\t0']);
  });

  it('the summary time column is empty, whatever the format', async () => {
    assert.deepEqual((await out(['-r', FILE])).map(timeColumn), ['0.000000', '', '2.000000']);
    assert.deepEqual((await out(['-r', FILE, '-t', 'd'])).map(timeColumn), ['0.000000', '', '3.000000']);
    assert.deepEqual((await out(['-r', FILE, '-t', 'ud'])).map(timeColumn), ['1970-01-01 00:00:01.000000', '', '1970-01-01 00:00:03.000000']);
  });

  it('-V and -T json leave out the time lines of that frame only', async () => {
    const tree = await out(['-r', FILE, '-V']);
    const frameLines = (n: number): string[] => {
      const from = tree.findIndex((l) => l.startsWith(`Frame ${n}:`));
      const to = tree.findIndex((l, k) => k > from && !l.startsWith(' '));
      return tree.slice(from, to);
    };
    const times = (n: number): string[] => frameLines(n).filter((l) => /Time|Arrival/.test(l));
    assert.deepEqual(times(1), [
      '    Arrival Time: Jan  1, 1970 00:00:01.000000000 UTC',
      '    Epoch Arrival Time: 1.000000000',
      '    Time delta from previous captured frame: 0.000000000',
      '    Time since first frame: 0.000000000',
    ]);
    assert.deepEqual(times(2), []);
    assert.ok(frameLines(2).includes('    Frame Length: 60'));
    assert.equal(times(3).length, 4);
    const json = JSON.parse((await out(['-r', FILE, '-T', 'json'])).join('\n')) as { layers: { protocol: string; fields: Record<string, string> }[] }[];
    assert.deepEqual(
      json.map((p) => Object.keys(p.layers[0]!.fields).filter((k) => k.startsWith('frame.time'))),
      [
        ['frame.time', 'frame.time_epoch', 'frame.time_delta', 'frame.time_relative'],
        [],
        ['frame.time', 'frame.time_epoch', 'frame.time_delta', 'frame.time_relative'],
      ],
    );
  });

  it('a filter on time does not match it', async () => {
    assert.deepEqual(await out([...fieldsArgs.slice(0, 2), '-Y', 'frame.time_relative >= 0', '-T', 'fields', '-e', 'frame.number']), ['1', '3']);
  });

  it('spans of decades are exact to the nanosecond (no floating-point digits)', async () => {
    const args = ['-r', DECADES, '-T', 'fields', '-e', 'frame.time_relative', '-e', 'frame.time_delta'];
    assert.deepEqual(await out(args), ['\t', '1368908504.925960000\t1368908504.925960000', '1368908507.885359000\t2.959399000']);
    const tree = (await out(['-r', DECADES, '-V', '-c', '2'])).filter((l) => l.startsWith('    Time '));
    assert.deepEqual(tree, ['    Time delta from previous captured frame: 1368908504.925960000', '    Time since first frame: 1368908504.925960000']);
  });

  it('capinfo times the capture by its timed frames only', async () => {
    const info = JSON.parse((await out(['capinfo', '--json', DECADES])).join('\n')) as { firstTime: string; lastTime: string; duration: string };
    assert.deepEqual([info.firstTime, info.lastTime, info.duration], ['2013-05-18T20:21:44.925960Z', '2013-05-18T20:21:47.885359Z', '2.959399']);
  });

  it("tshark's own time fields agree", { skip: hasTshark ? false : 'tshark is not installed' }, async () => {
    // Not the direction: tshark writes epb_flags' field in hex, and only where the block has the option.
    for (const file of [FILE, DECADES]) {
      const timeArgs = ['-r', file, '-T', 'fields', ...TIME_FIELDS.slice(0, 4).flatMap((f) => ['-e', f])];
      const t = spawnSync('tshark', ['-n', ...timeArgs], { encoding: 'utf8' });
      assert.equal(t.status, 0, t.stderr);
      assert.deepEqual(await out(timeArgs), t.stdout.replace(/\n$/, '').split('\n'));
    }
  });
});
