// -z follow: the bytes of a TCP or UDP conversation. Compared with tshark 4.0's own output in
// every mode on a capture built to exercise reordering, retransmissions, a missed segment, a
// mid-stream start and the snaplen (the samples and lab recordings: follow-samples.test.ts;
// skipped without tshark); the deliberate differences (a router's UDP copies, inner UDP
// streams followed at their own layer) and the usage errors are checked without it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { TempDir } from '../capture/helpers.js';
import { followProbeCapture, followRouterCapture } from '../fixtures/follow-streams.js';
import { follow, streamCount } from '../helpers/follow.js';
import { vxshark } from '../helpers/cli.js';
import { hasTshark, NO_TSHARK, tshark } from '../helpers/tshark.js';

const dir = new TempDir();
after(() => dir.cleanup());

const probe = dir.write(followProbeCapture(), 'follow-probe.pcap');
const router = dir.write(followRouterCapture(), 'follow-router.pcap');

const MODES = ['ascii', 'hex', 'raw', 'yaml'];

interface YamlRecord {
  packet: number;
  peer: number;
  data: string;
}

/** The packets list of a yaml-mode output. */
function yamlRecords(text: string): YamlRecord[] {
  const out: YamlRecord[] = [];
  for (const m of text.matchAll(/ {2}- packet: (\d+)\n {4}peer: (\d)\n {4}timestamp: \S+\n {4}data: !!binary \|\n((?: {6}\S+\n)*)/g)) {
    out.push({ packet: Number(m[1]), peer: Number(m[2]), data: Buffer.from(m[3]!.replace(/\s/g, ''), 'base64').toString('latin1') });
  }
  return out;
}

describe('-z follow compared with tshark', { skip: hasTshark ? false : NO_TSHARK }, () => {
  it('prints every TCP and plain UDP stream of the built capture as tshark does, in every mode', async () => {
    const specs = [
      ...[0, 1, 2, 3, 4, 5, 6].flatMap((s) => MODES.map((m) => `tcp,${m},${s}`)),
      ...[0, 1].flatMap((s) => MODES.map((m) => `udp,${m},${s}`)),
      // Chunk ranges (hex offsets still count the chunks left out) and endpoints instead of a number.
      'tcp,hex,0,3-4',
      'tcp,ascii,1,2',
      'tcp,yaml,0,3',
      'tcp,ascii,10.0.0.2:25,10.0.0.1:40000',
      'tcp,raw,[fd00::2]:443,[fd00::1]:40003',
      'udp,hex,10.0.0.8:53,10.0.0.7:53000',
      'tcp,ascii,99',
    ];
    for (const spec of specs) assert.equal(await follow(probe, spec), tshark(['-r', probe, '-q', '-z', `follow,${spec}`]), spec);
  });

  it("follows a UDP stream inside a tunnel at its own layer: each datagram's payload, not the tunnel packet's", async () => {
    let compared = 0;
    for (const file of ['samples/cilium-vxlan-8472.pcap', 'samples/calico-vxlan-4789.pcap', 'samples/antrea-geneve-6081.pcap']) {
      // Each UDP layer's stream and payload, in tshark's words.
      const rows = tshark(['-r', file, '-T', 'fields', '-e', 'udp.stream', '-e', 'udp.payload'])
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t').map((c) => c.split(',')));
      const n = streamCount(file, 'udp');
      for (let s = 0; s < n; s++) {
        const expected: string[] = [];
        for (const [streams, payloads] of rows) {
          const at = streams!.indexOf(String(s));
          if (at >= 0 && payloads![at]) expected.push(payloads![at]!);
        }
        const raw = (await follow(file, `udp,raw,${s}`)).split('\n').slice(6, -2);
        assert.deepEqual(
          raw.map((l) => l.replace(/^\t/, '')),
          expected,
          `${file} udp stream ${s}`,
        );
        compared++;
      }
    }
    assert.ok(compared >= 10);
  });

  it("shows a router's TCP stream once, as tshark does, and its UDP datagrams once where tshark shows each twice", async () => {
    assert.equal(await follow(router, 'tcp,ascii,0'), tshark(['-r', router, '-q', '-z', 'follow,tcp,ascii,0']));
    const theirs = yamlRecords(tshark(['-r', router, '-q', '-z', 'follow,udp,yaml,0']));
    const ours = yamlRecords(await follow(router, 'udp,yaml,0'));
    assert.equal(theirs.length, 6);
    // Frames come in pairs, received on one interface and sent on the other: the second is the copy.
    assert.deepEqual(
      ours,
      theirs.filter((r) => r.packet % 2 === 1),
    );
  });
});

describe('-z follow', () => {
  it('puts TCP bytes in order, drops what was delivered, and marks bytes the capture missed', async () => {
    const records = yamlRecords(await follow(probe, 'tcp,yaml,0'));
    assert.deepEqual(
      records.map((r) => [r.packet, r.peer, r.data]),
      [
        [4, 1, '220 ready\r\n'],
        [5, 0, String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i))],
        // Frame 6 arrived before frame 7 but follows it in the stream; frame 8 adds only "third".
        [7, 1, 'first one\n'],
        [6, 1, 'second\ttab\n'],
        [8, 1, 'third\r\n'],
      ],
    );
    const gap = yamlRecords(await follow(probe, 'tcp,yaml,1'));
    assert.deepEqual(
      gap.map((r) => [r.packet, r.peer, r.data]),
      [
        [14, 0, 'GET /a HTTP/1.1\r\n'],
        [16, 0, '[20 bytes missing in capture file]\0'],
        [15, 0, 'after the gap\r\n'],
        [16, 1, 'HTTP/1.1 200 OK\r\n'],
        [17, 0, 'more\r\n'],
      ],
    );
  });

  it('starts mid-stream with whoever sent first as node 0, and moves past a segment the snaplen cut', async () => {
    const text = await follow(probe, 'tcp,ascii,2');
    assert.match(text, /^Node 0: 10\.0\.0\.6:8080$/m);
    assert.match(text, /^Node 1: 10\.0\.0\.5:40002$/m);
    assert.deepEqual(
      yamlRecords(await follow(probe, 'tcp,yaml,2')).map((r) => r.data),
      ['hello mid-stream\n', 'a long answe', 'and the rest\n'],
    );
  });

  it("follows an inner TCP stream through VXLAN with the pods' addresses", async () => {
    const text = await follow(probe, 'tcp,ascii,4');
    assert.match(text, /^Node 0: 10\.244\.1\.5:41000$/m);
    assert.match(text, /^\t27\nHTTP\/1\.1 204 No Content\r\n\r\n$/m);
  });

  it('hides carriage returns from a terminal in ascii mode', () => {
    // `script` gives the child a terminal; without it (or on another system) this check is skipped.
    const r = spawnSync('script', ['-qec', `node bin/vxshark.js -r ${probe} -q -z follow,tcp,ascii,4`, '/dev/null'], { encoding: 'latin1' });
    if (r.status !== 0) return;
    assert.match(r.stdout, /GET \/pod HTTP\/1\.1\.\r?\n\.\r?\n/);
    assert.doesNotMatch(r.stdout, /HTTP\/1\.1\r\r/);
  });

  it('refuses bad arguments with one line and exit status 2', async () => {
    const cases: [string, RegExp][] = [
      ['follow,tcp', /use follow,tcp\|udp,ascii\|hex\|raw\|yaml,STREAM/],
      ['follow,sctp,ascii,0', /use follow,tcp\|udp/],
      ['follow,tcp,ebcdic,0', /unknown mode "ebcdic" \(vxshark shows ascii, hex, raw, yaml\)/],
      ['follow,tcp,ascii,abc', /use follow/],
      ['follow,tcp,ascii,10.0.0.1:99999,10.0.0.2:80', /endpoints are ADDR:PORT,ADDR:PORT/],
      ['follow,tcp,ascii,fd00::1:80,fd00::2:80', /IPv6 address in brackets/],
      ['follow,tcp,ascii,0,0', /the range is a chunk number or FIRST-LAST, counted from 1/],
      ['follow,tcp,ascii,0,4-2', /the range is/],
      ['follow,tcp,ascii,0,x', /the range is/],
    ];
    for (const [arg, message] of cases) {
      const r = await vxshark(['-r', probe, '-q', '-z', arg]);
      assert.equal(r.status, 2, arg);
      assert.match(r.stderr, message, arg);
      assert.equal(r.stderr.trim().split('\n').length, 1, arg);
    }
  });
});
