// tshark options and fields: the conv, endpoints and phs tables compared with tshark's own output
// on the samples and lab recordings (computed at test time; skipped without tshark), the stream
// fields compared with tshark's, and the options tshark users type. io,stat and the peer
// corpus have files of their own (io-stat.test.ts, stats-corpus.test.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { vxshark } from '../helpers/cli.js';
import { CAPTURES, FRAGMENTED, hasTshark, NO_TSHARK, tshark } from '../helpers/tshark.js';

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
