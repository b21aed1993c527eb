// The command line forgives what people type: a misspelt command or option gets the nearest
// real one, `vxshark help CMD` is the command's --help, and every command without a capture
// file says so the same way.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, vxshark } from '../helpers/cli.js';
import { explainUnknownArguments, rewriteCommandLine } from '../../src/cli/command-line.js';
import { buildPcap } from '../fixtures/capture-writer.js';
import { ETH_IPV6, ethernet, IPPROTO_UDP, ipv6, udp, vxlan } from '../fixtures/packet-builder.js';

const CILIUM = 'samples/cilium-vxlan-8472.pcap';

describe('did you mean', () => {
  it('suggests the command for a misspelt one, and does not take it for a file', async () => {
    const r = await vxshark(['alert', CILIUM]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'vxshark: unknown command "alert"; did you mean "alerts"? (vxshark --help lists the commands)\n');
    assert.throws(() => rewriteCommandLine(['tunels']), /did you mean "tunnels"/);
    assert.throws(() => rewriteCommandLine(['capinf', 'x.pcap']), /did you mean "capinfo"/);
  });

  it('takes a bare word before a capture that exists for a command vxshark lacks, and says how to open the UI', async () => {
    const r = await vxshark(['ui', CILIUM]);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `vxshark: unknown command "ui"; vxshark ${CILIUM} opens it in the terminal UI (vxshark --help lists the commands)\n`);
    assert.deepEqual(rewriteCommandLine(['no-such-capture.pcap', CILIUM]), ['no-such-capture.pcap', CILIUM]);
  });

  it('leaves real files and far-off words alone (they are file names)', () => {
    assert.deepEqual(rewriteCommandLine([CILIUM, '-V']), [CILIUM, '-V']);
    assert.deepEqual(rewriteCommandLine(['no-such-capture.pcap']), ['no-such-capture.pcap']);
    assert.deepEqual(rewriteCommandLine(['-r', 'alert']), ['-r', 'alert']);
  });

  it('suggests the option for a misspelt one, per command', async () => {
    const r = await vxshark(['-r', CILIUM, '--colour', 'never']);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'vxshark: unknown option --colour; did you mean --color?\n');
    const a = await vxshark(['alerts', CILIUM, '--jsn']);
    assert.equal(a.stderr, 'vxshark: unknown option --jsn; did you mean --json?\n');
    assert.equal(
      explainUnknownArguments('Unknown arguments: colr, zzzzzzzz', ['color', 'V']),
      'unknown option --colr; did you mean --color?; unknown option --zzzzzzzz',
    );
    assert.equal(explainUnknownArguments('Not enough arguments following: r', ['r']), 'Not enough arguments following: r');
  });
});

describe('vxshark help', () => {
  it('help CMD prints the command help, the same as CMD --help', async () => {
    const viaHelp = await vxshark(['help', 'alerts']);
    const viaFlag = await vxshark(['alerts', '--help']);
    assert.equal(viaHelp.status, 0);
    assert.equal(viaHelp.stdout, viaFlag.stdout);
    assert.match(viaHelp.stdout, /^vxshark alerts \[file\]/);
    assert.match(viaHelp.stdout, /--fail-on/);
  });

  it('help alone is --help; help of an unknown command is a usage error with a suggestion', async () => {
    const all = await vxshark(['help']);
    assert.equal(all.status, 0);
    assert.match(all.stdout, /vxshark capinfo/);
    const bad = await vxshark(['help', 'flow']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^vxshark: unknown command "flow"; did you mean "flows"\?/);
  });
});

describe('no capture file given', () => {
  for (const cmd of ['capinfo', 'flows', 'tunnels', 'hops', 'alerts']) {
    it(`vxshark ${cmd} without a file`, async () => {
      const r = await vxshark([cmd]);
      assert.equal(r.status, 2);
      assert.equal(r.stderr, `vxshark: no capture file given (usage: vxshark ${cmd} FILE; see vxshark help ${cmd})\n`);
    });
  }
  it('vxshark without a file or interface', async () => {
    const r = await vxshark(['-V']);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'vxshark: no capture file given (usage: vxshark FILE, or -i INTERFACE; see vxshark --help)\n');
  });
});

describe('the analysis commands read a pipe in one pass', () => {
  // They analyse while reading, so standard input needs no copy: the same result as the file,
  // and nothing is written to the temporary directory.
  const recording = 'samples/lab-recordings/hosts/asym-encap-router-any.pcap';
  for (const cmd of ['flows', 'tunnels', 'hops', 'alerts']) {
    it(`${cmd} - gives what ${cmd} FILE gives, with no spool file`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vxshark-pipe-'));
      try {
        const fromFile = await vxshark([cmd, '--json', recording]);
        const fromPipe = await vxshark([cmd, '--json', '-'], { stdin: readFileSync(join(ROOT, recording)), env: { TMPDIR: dir } });
        assert.equal(fromPipe.status, fromFile.status, fromPipe.stderr);
        assert.ok(JSON.parse(fromFile.stdout), 'JSON from the file');
        assert.equal(fromPipe.stdout, fromFile.stdout);
        assert.deepEqual(readdirSync(dir), []);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('tables written to a file or a pipe', () => {
  // Long IPv6 addresses, inside a tunnel and out: the flows and tunnels tables would pass 100 columns.
  const LONG = ['fd00:1234:5678:9abc:def0:1234:5678:9abc', 'fd00:1234:5678:9abc:def0:1234:5678:9abd'] as const;
  const dir = mkdtempSync(join(tmpdir(), 'vxshark-tables-'));
  const file = join(dir, 'long-v6.pcap');
  const ip = { src: LONG[0], dst: LONG[1] };
  const inner = ethernet(
    { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', type: ETH_IPV6 },
    ipv6({ ...ip, next: IPPROTO_UDP }, udp({ srcPort: 5353, dstPort: 53 }, new Uint8Array(8), ip)),
  );
  const outer = { src: 'fd00:aaaa:bbbb:cccc:dddd:eeee:ffff:1', dst: 'fd00:aaaa:bbbb:cccc:dddd:eeee:ffff:2' };
  const frame = ethernet(
    { src: '02:00:00:00:00:03', dst: '02:00:00:00:00:04', type: ETH_IPV6 },
    ipv6({ ...outer, next: IPPROTO_UDP }, udp({ srcPort: 40000, dstPort: 8472 }, vxlan({ vni: 7 }, inner), outer)),
  );
  writeFileSync(file, buildPcap([{ tsSec: 1_700_000_000, tsFrac: 0, data: frame }]));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('are cut nowhere, so that every address is whole; COLUMNS still narrows them', async () => {
    for (const [cmd, whole] of [
      ['flows', LONG],
      ['tunnels', [outer.src, outer.dst]],
    ] as const) {
      const r = await vxshark([cmd, file]);
      assert.equal(r.status, 0, r.stderr);
      for (const address of whole) assert.ok(r.stdout.includes(address), `${cmd}: ${address} in\n${r.stdout}`);
      assert.doesNotMatch(r.stdout, /…/);
      const narrow = await vxshark([cmd, file], { env: { COLUMNS: '80' } });
      assert.match(narrow.stdout, /…/, cmd);
    }
  });
});

describe('what the user typed, in an error', () => {
  it('is escaped like capture text: a file name or filter with escape sequences reaches the terminal as \\x1b', async () => {
    const r = await vxshark(['-r', 'no\x1b]0;x\x07such']);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'vxshark: no\\x1b]0;x\\x07such: no such file\n');
    const f = await vxshark(['-r', CILIUM, '-Y', 'ip.src == \x1b[31m']);
    assert.equal(f.status, 2);
    assert.doesNotMatch(f.stderr, /\x1b/);
    assert.match(f.stderr, /\\x1b/);
  });
});

describe('bin/vxshark.js without dist/', () => {
  it('says in one line to build, instead of a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vxshark-unbuilt-'));
    try {
      mkdirSync(join(dir, 'bin'));
      copyFileSync(join(ROOT, 'bin', 'vxshark.js'), join(dir, 'bin', 'vxshark.js'));
      const r = spawnSync(process.execPath, [join(dir, 'bin', 'vxshark.js'), '--version'], { encoding: 'utf8' });
      assert.equal(r.status, 1);
      assert.equal(r.stderr, `vxshark: ${join(dir, 'dist')}/ is not built: run npm install (or npm run build) in ${dir}/\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
