// -z io,stat compared with tshark 4.0's own table on the samples and lab recordings (computed
// at test time; skipped without tshark), its deliberate differences, and its usage errors.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { TempDir } from '../capture/helpers.js';
import { buildPcap } from '../fixtures/capture-writer.js';
import { vxshark } from '../helpers/cli.js';
import { CAPTURES, FRAGMENTED, hasTshark, NO_TSHARK, tshark } from '../helpers/tshark.js';

const dir = new TempDir();
after(() => dir.cleanup());

// Intervals with 0 to 6 decimal places, whole-capture (0) and longer-than-the-capture ones,
// filter columns (empty, several, wide enough to widen the table): each widens or rounds
// tshark's table differently. "io,stat,1.00" without a filter is left out: tshark 4.0 reads
// past the end of its argument there and crashes about half the time (SIGFPE).
const IO_STATS = [
  'io,stat,1',
  'io,stat,0',
  'io,stat,0.5,icmp',
  'io,stat,10,tcp,udp',
  'io,stat,1,,icmp',
  'io,stat,0.125',
  'io,stat,1.,icmp',
  'io,stat,1.00,icmp',
  'io,stat,2.5',
  'io,stat,0.25,ip.src == 172.20.0.10 || ip.dst == 172.20.0.10 || ip.dst == 192.168.10.100',
  'io,stat,3600',
  'io,stat,0.01,vxlan',
];

/** Each io,stat table of an output, from its top border to its bottom one. */
function ioTables(text: string): string[][] {
  const lines = text.split('\n');
  const out: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i - 1] !== '' || !/^=+$/.test(lines[i]!)) continue;
    const end = lines.findIndex((l, j) => j > i && /^=+$/.test(l));
    if (end < 0) throw new Error(`a table has no bottom border: ${lines.slice(i, i + 3).join('\n')}`);
    out.push(lines.slice(i, end + 1));
    i = end;
  }
  return out;
}

/** Frames and bytes of each column, summed over the table's rows. */
function columnSums(table: string[]): number[] {
  const sums: number[] = [];
  for (const row of table.filter((l) => / <> /.test(l))) {
    row
      .split('|')
      .slice(2, -1)
      .forEach((c, j) => {
        if (/^\s*\d+\s*$/.test(c)) sums[j] = (sums[j] ?? 0) + Number(c);
      });
  }
  return sums;
}

describe("-z io,stat: tshark 4.0's table", () => {
  for (const file of CAPTURES) {
    it(file, async (t) => {
      if (!hasTshark) return t.skip(NO_TSHARK);
      // Fragments are reassembled differently (README): only the unfiltered columns compare there.
      const stats = FRAGMENTED.has(file) ? IO_STATS.filter((z) => z.split(',').length === 3) : IO_STATS;
      // One run each with every table: both print them in the same (reverse) order.
      const z = stats.flatMap((s) => ['-z', s]);
      const ours = await vxshark(['-r', file, '-q', ...z]);
      assert.equal(ours.status, 0, ours.stderr);
      const mine = ioTables(ours.stdout);
      const theirs = ioTables(tshark(['-r', file, '-q', ...z]));
      // tshark leaves out a frame that ends the capture exactly on an interval boundary (README):
      // every line but the last row's counts is tshark's, and the rows add up to the frames and
      // bytes that tshark's whole-capture table (interval 0, same filters) counts.
      const totals = ioTables(tshark(['-r', file, '-q', ...stats.flatMap((s) => ['-z', s.replace(/^io,stat,[^,]*/, 'io,stat,0')])]));
      assert.equal(mine.length, stats.length);
      assert.equal(theirs.length, stats.length);
      mine.forEach((table, k) => {
        const spec = stats[stats.length - 1 - k];
        assert.equal(table.length, theirs[k]!.length, `${spec}`);
        const lastRow = table.length - 2;
        table.forEach((line, i) =>
          assert.equal(i === lastRow ? line.split('|')[1] : line, i === lastRow ? theirs[k]![i]!.split('|')[1] : theirs[k]![i], `${spec}`),
        );
        assert.deepEqual(columnSums(table), columnSums(totals[k]!), `${spec}`);
      });
    });
  }

  it("with -Y, counts the frames shown over the whole capture's duration (tshark counts every frame)", async (t) => {
    if (!hasTshark) return t.skip(NO_TSHARK);
    const rows = (text: string): string[] => text.split('\n').filter((l) => / <> /.test(l));
    const ours = await vxshark(['-r', 'samples/cilium-vxlan-8472.pcap', '-Y', 'icmp', '-q', '-z', 'io,stat,1']);
    const theirs = tshark(['-r', 'samples/cilium-vxlan-8472.pcap', '-q', '-z', 'io,stat,1,icmp']);
    assert.equal(rows(ours.stdout).length, 8);
    assert.deepEqual(rows(ours.stdout), rows(theirs));
  });

  it('counts a frame older than the interval before it in its own interval', async () => {
    const frame = (sec: number) => ({ tsSec: 1_700_000_000 + sec, tsFrac: 0, data: new Uint8Array(60) });
    // Merged out of order: 0 s, 2 s, then 1 s, then 3 s, which ends the
    // capture on an interval boundary and so counts in the last interval.
    const file = dir.write(buildPcap([frame(0), frame(2), frame(1), frame(3)]));
    const r = await vxshark(['-r', file, '-q', '-z', 'io,stat,1']);
    assert.equal(r.status, 0, r.stderr);
    const counts = r.stdout
      .split('\n')
      .filter((l) => / <> /.test(l))
      .map((l) => l.split('|')[2]!.trim());
    // tshark 4.0: 1, 0, 2 (the 1 s frame in the latest interval, the 3 s frame left out).
    assert.deepEqual(counts, ['1', '1', '2']);
  });

  it('prints a table of 200,000 rows (a microsecond interval over 0.2 s), row by row', async () => {
    const frame = (usec: number) => ({ tsSec: 1_700_000_000, tsFrac: usec, data: new Uint8Array(60) });
    const file = dir.write(buildPcap([frame(0), frame(100_000), frame(200_000)]));
    const r = await vxshark(['-r', file, '-q', '-z', 'io,stat,0.000001']);
    assert.equal(r.status, 0, r.stderr);
    const rows = r.stdout.split('\n').filter((l) => / <> /.test(l));
    assert.equal(rows.length, 200_000);
    assert.equal(rows[0], '| 0.000000 <> 0.000001 |      1 |    60 |');
    assert.equal(rows[100_000], '| 0.100000 <> 0.100001 |      1 |    60 |');
    assert.equal(rows.at(-1), '| 0.199999 <> 0.200000 |      1 |    60 |');
  });

  it("names a bad column filter as io,stat's", async () => {
    const r = await vxshark(['-r', 'samples/cilium-vxlan-8472.pcap', '-q', '-Y', 'udp', '-z', 'io,stat,1,nosuchfield']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^vxshark: -z io,stat column "nosuchfield": unknown field "nosuchfield"/);
  });

  for (const [z, message] of [
    ['io,stat,1,', /^vxshark: invalid -z "io,stat,1,": use io,stat,INTERVAL/],
    ['io,stat,x', /^vxshark: invalid -z "io,stat,x"/],
    ['io,stat,0.0000001', /interval must be at least 0\.000001 seconds/],
    ['io,stat,1,COUNT(tcp.len)tcp', /calculated columns \(COUNT, SUM/],
    ['io,stat,1,tcp.port ==', /^vxshark: /],
  ] as const) {
    it(`refuses -z ${z} with one line`, async () => {
      const r = await vxshark(['-r', 'samples/cilium-vxlan-8472.pcap', '-q', '-z', z]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1);
    });
  }
});
