// tshark options and fields: the -z tables compared with tshark's own output on the samples
// and lab recordings (computed at test time; skipped without tshark), the stream fields
// compared with tshark's, and the options tshark users type.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { TempDir } from '../capture/helpers.js';
import { buildPcap } from '../fixtures/capture-writer.js';
import { vxshark } from '../helpers/cli.js';

const dir = new TempDir();
after(() => dir.cleanup());

const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;
const NO_TSHARK = 'tshark is not installed; the comparison with its tables is skipped';
const CAPTURES = [
  ...readdirSync('samples')
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .map((f) => `samples/${f}`),
  ...readdirSync('samples/lab-recordings')
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .map((f) => `samples/lab-recordings/${f}`),
];

function tshark(args: string[]): string {
  // vxshark decodes 8472 as VXLAN by default; tshark needs to be told.
  const r = spawnSync('tshark', ['-d', 'udp.port==8472,vxlan', ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

// tunnel-mtu-router-any.pcap has fragmented tunnel packets: vxshark counts the UDP header a
// first fragment carries, tshark only the reassembled datagram's (README, deliberate differences).
const FRAGMENTED = new Set(['samples/lab-recordings/tunnel-mtu-router-any.pcap']);

describe('-z tables match tshark 4.0 (every IP/TCP/UDP layer, outer and inner, counts)', () => {
  for (const file of CAPTURES.filter((f) => !FRAGMENTED.has(f))) {
    it(`conv and endpoints on ${file}`, async (t) => {
      if (!hasTshark) return t.skip(NO_TSHARK);
      // One run each with every table: both print them in the same (reverse) order.
      const z = ['conv,ip', 'conv,ipv6', 'conv,tcp', 'conv,udp', 'endpoints,ip', 'endpoints,tcp', 'endpoints,udp'].flatMap((x) => ['-z', x]);
      const ours = await vxshark(['-r', file, '-q', ...z]);
      assert.equal(ours.status, 0, ours.stderr);
      assert.equal(ours.stdout, tshark(['-r', file, '-q', ...z]));
    });
  }

  // Where no HTTP body, TCP reassembly or IP fragment is involved (vxshark names an HTTP body
  // "data", and does not reassemble TCP), the hierarchy is tshark's to the byte.
  for (const file of [
    'samples/router-any-sll2.pcap',
    'samples/router-interfaces.pcapng',
    'samples/nanosecond.pcap',
    'samples/lab-recordings/native-router-any.pcap',
  ]) {
    it(`io,phs on ${file}`, async (t) => {
      if (!hasTshark) return t.skip(NO_TSHARK);
      const ours = await vxshark(['-r', file, '-q', '-z', 'io,phs']);
      assert.equal(ours.stdout, tshark(['-r', file, '-q', '-z', 'io,phs']));
    });
  }

  it('several -z print after the packets, last option first (as tshark)', async () => {
    const r = await vxshark(['-r', 'samples/cilium-vxlan-8472.pcap', '-c', '2', '-z', 'conv,tcp', '-z', 'endpoints,ip']);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^ +1 +0\.000000 /);
    assert.equal(lines[3], 'IPv4 Endpoints');
    assert.ok(lines.indexOf('TCP Conversations') > lines.indexOf('IPv4 Endpoints'));
  });

  it('an unknown -z is a usage error', async () => {
    const r = await vxshark(['-r', 'samples/cilium-vxlan-8472.pcap', '-z', 'io,stats']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^vxshark: invalid -z "io,stats"/);
  });
});

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

const STREAM_FIELDS = [
  'tcp.stream',
  'udp.stream',
  'tcp.seq',
  'tcp.ack',
  'tcp.seq_raw',
  'tcp.ack_raw',
  'tcp.len',
  'tcp.window_size',
  'frame.time_delta',
  'frame.time_relative',
  'frame.time',
];
// The lab's HTTP heads span two TCP segments, which tshark reassembles and vxshark does not
// (README): the HTTP fields and the protocol column are compared on the samples only.
const HTTP_FIELDS = ['http.content_length', '_ws.col.Protocol'];

// The peer corpus (../shared, beside the repository): public captures of many protocols and
// overlays, some damaged. The BIG TCP captures and the jumbogram carry IP length 0, which vxshark
// decodes and tshark does not (README), so their inner layers count in vxshark's tables only.
const CORPUS = fileURLToPath(new URL('../../../shared/corpus/peers', import.meta.url));
const LENGTH_ZERO = /^bigtcp-|^ipv6_missing_jumbo_payload_option/;
// Its third packet is older than its second: io,stat puts it in its own interval, tshark in the latest.
const OUT_OF_ORDER = new Set(['timestamp_invalid_micro.pcap']);

describe('-z conv, endpoints and io,stat match tshark 4.0 on the peer corpus', () => {
  const files = existsSync(CORPUS)
    ? readdirSync(CORPUS, { recursive: true, encoding: 'utf8' }).filter((f) => /\.pcap(ng)?$/.test(f) && !LENGTH_ZERO.test(basename(f)))
    : [];
  if (files.length === 0) it('skipped: the peer corpus (../shared/corpus/peers) is not beside the repository', (t) => t.skip());
  for (const f of files) {
    it(f, async (t) => {
      if (!hasTshark) return t.skip(NO_TSHARK);
      const file = join(CORPUS, f);
      const tables = ['conv,ip', 'conv,ipv6', 'conv,tcp', 'conv,udp', 'endpoints,ip', 'endpoints,ipv6', 'endpoints,tcp', 'endpoints,udp'];
      if (!OUT_OF_ORDER.has(basename(f))) tables.push('io,stat,0.5,ip', 'io,stat,0');
      const z = tables.flatMap((x) => ['-z', x]);
      const theirs = spawnSync('tshark', ['-d', 'udp.port==8472,vxlan', '-r', file, '-q', ...z], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
      // Files tshark cannot open (bad headers) are refused by vxshark too, with its own message.
      const ours = await vxshark(['-r', file, '-q', ...z]);
      if (theirs.status !== 0 && theirs.stdout === '') return assert.notEqual(ours.status, 0);
      assert.equal(ours.stdout, theirs.stdout);
    });
  }
});

describe('stream and frame fields match tshark', () => {
  for (const file of CAPTURES) {
    it(file, async (t) => {
      if (!hasTshark) return t.skip(NO_TSHARK);
      const fields = file.includes('lab-recordings') ? STREAM_FIELDS : [...STREAM_FIELDS, ...HTTP_FIELDS];
      // A router's -i any holds each fragment twice (in and out). vxshark reassembles each copy;
      // tshark reassembles the first and takes the second copy's fragments as overlaps of a datagram
      // it has finished (README, deliberate differences): the inbound copies are compared.
      const only = FRAGMENTED.has(file) ? ['-Y', 'sll.pkttype != 4'] : [];
      const args = ['-r', file, ...only, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
      const ours = await vxshark(args, { env: { TZ: 'UTC' } });
      assert.equal(ours.status, 0, ours.stderr);
      assert.equal(ours.stdout, tshark(args));
    });
  }
});

describe('retransmissions and duplicate ACKs without forwarding copies', () => {
  // Oracle: tshark on the frames the capturing host received (direction In) sees each packet
  // once, so its retransmissions there are the real ones; vxshark must find exactly those on
  // the whole capture, where tshark also counts the router's egress copies.
  const ROUTER = [
    ['samples/router-any-sll2.pcap', 'sll.pkttype == 0'],
    ['samples/router-interfaces.pcapng', 'frame.packet_flags_direction == 1'],
    ['samples/lab-recordings/native-router-any.pcap', 'sll.pkttype == 0'],
    ['samples/lab-recordings/tunnel-router-any.pcap', 'sll.pkttype == 0'],
    ['samples/lab-recordings/tunnel-mtu-router-any.pcap', 'sll.pkttype == 0'],
  ] as const;
  const ANALYSIS = 'tcp.analysis.retransmission || tcp.analysis.duplicate_ack';
  for (const [file, inbound] of ROUTER) {
    it(file, async (t) => {
      if (!hasTshark) return t.skip(NO_TSHARK);
      const ours = await vxshark(['-r', file, '-Y', ANALYSIS, '-T', 'fields', '-e', 'frame.time_epoch']);
      const inOnly = spawnSync(
        'sh',
        ['-c', `tshark -r "$1" -Y "$2" -w - | tshark -d udp.port==8472,vxlan -r - -Y "$3" -T fields -e frame.time_epoch`, 'sh', file, inbound, ANALYSIS],
        { encoding: 'utf8' },
      );
      assert.equal(inOnly.status, 0, inOnly.stderr);
      const all = tshark(['-r', file, '-Y', ANALYSIS, '-T', 'fields', '-e', 'frame.time_epoch']);
      assert.equal(ours.stdout, inOnly.stdout);
      assert.ok(all.split('\n').length >= ours.stdout.split('\n').length, 'tshark counts at least as many (it adds the copies)');
    });
  }

  it('counts the SYN retransmissions of the misroute once, and flags the copies', async () => {
    const r = await vxshark([
      '-r',
      'samples/router-interfaces.pcapng',
      '-Y',
      'tcp',
      '-T',
      'fields',
      '-e',
      'frame.interface_name',
      '-e',
      'tcp.analysis.retransmission',
      '-e',
      'tcp.analysis.forwarding_copy',
    ]);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    assert.equal(rows.length, 10);
    assert.deepEqual(
      rows.filter((x) => x[1] === '1').map((x) => x[0]),
      ['eth1', 'eth1', 'eth1', 'eth1'],
    );
    assert.deepEqual(
      rows.filter((x) => x[2] === '1').map((x) => x[0]),
      ['eth0', 'eth0', 'eth0', 'eth0', 'eth0'],
    );
  });
});

describe('tshark habits', () => {
  it('-n, -l are accepted; -q prints nothing per packet', async () => {
    const plain = await vxshark(['-r', 'samples/cilium-vxlan-8472.pcap']);
    const nl = await vxshark(['-n', '-l', '-r', 'samples/cilium-vxlan-8472.pcap']);
    assert.equal(nl.stdout, plain.stdout);
    const q = await vxshark(['-q', '-r', 'samples/cilium-vxlan-8472.pcap']);
    assert.equal(q.status, 0);
    assert.equal(q.stdout, '');
  });

  it('-e without -T fields, and -2, are refused', async () => {
    const e = await vxshark(['-r', 'samples/cilium-vxlan-8472.pcap', '-e', 'ip.src']);
    assert.equal(e.status, 2);
    assert.equal(e.stderr, 'vxshark: output fields were specified with -e, but -T fields was not (tshark says the same)\n');
    const two = await vxshark(['-2', '-r', 'samples/cilium-vxlan-8472.pcap']);
    assert.equal(two.status, 2);
    assert.match(two.stderr, /^vxshark: -2 \(two-pass analysis\) is not supported/);
  });

  it('-E occurrence=N picks the Nth value, counting from the last when negative', async () => {
    const base = ['-r', 'samples/cilium-vxlan-8472.pcap', '-c', '3', '-Y', 'icmp', '-T', 'fields', '-e', 'ip.src', '-E'];
    assert.equal((await vxshark([...base, 'occurrence=a'])).stdout, '192.168.10.100,172.20.0.10\n');
    assert.equal((await vxshark([...base, 'occurrence=2'])).stdout, '172.20.0.10\n');
    assert.equal((await vxshark([...base, 'occurrence=-2'])).stdout, '192.168.10.100\n');
    assert.equal((await vxshark([...base, 'occurrence=3'])).stdout, '\n');
    assert.equal((await vxshark([...base, 'occurrence=0'])).status, 2);
  });
});
