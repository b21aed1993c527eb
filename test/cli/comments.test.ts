// pcapng comments (issue 17): a section header's opt_comment is capinfo's "Capture comment",
// a packet's is frame.comment (filterable, in -V), and -w keeps both. The capture is built by
// the fixtures; tshark, when installed, reads the written copy as the oracle.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadCapture } from '../../src/capture/capture.js';
import { buildPcapng } from '../fixtures/capture-writer.js';
import { filler } from '../fixtures/packet-builder.js';
import { vxshark } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'vxshark-comments-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const hasTshark = spawnSync('tshark', ['-v'], { stdio: 'ignore' }).status === 0;

const FILE = join(tmp, 'commented.pcapng');
writeFileSync(
  FILE,
  buildPcapng([
    {
      comment: 'router eth1, act 2',
      blocks: [
        { type: 'idb', linkType: 1, name: 'eth1' },
        { type: 'epb', interfaceId: 0, timestamp: 1_767_225_600_000_001n, data: filler(60), comment: 'the misrouted SYN' },
        { type: 'epb', interfaceId: 0, timestamp: 1_767_225_600_000_002n, data: filler(60), flags: 1 },
        { type: 'epb', interfaceId: 0, timestamp: 1_767_225_600_000_003n, data: filler(60), comment: 'bell \x07 here' },
      ],
    },
  ]),
);

describe('pcapng comments', () => {
  it('are read: the section comment and each packet comment by frame', async () => {
    const cap = await loadCapture(FILE);
    try {
      assert.deepEqual(
        cap.info?.sections.map((s) => s.comments),
        [['router eth1, act 2']],
      );
      assert.deepEqual(
        [...cap.comments],
        [
          [0, ['the misrouted SYN']],
          [2, ['bell \x07 here']],
        ],
      );
    } finally {
      cap.close();
    }
  });

  it('frame.comment prints, filters and shows in -V; capinfo shows the capture comment; control bytes are escaped', async () => {
    const fields = await vxshark(['-r', FILE, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.comment']);
    assert.equal(fields.status, 0, fields.stderr);
    assert.equal(fields.stdout, '1\tthe misrouted SYN\n2\t\n3\tbell \\x07 here\n');
    const matched = await vxshark(['-r', FILE, '-Y', 'frame.comment contains "SYN"', '-T', 'fields', '-e', 'frame.number']);
    assert.equal(matched.stdout, '1\n');
    const tree = await vxshark(['-r', FILE, '-V', '-c', '1']);
    assert.match(tree.stdout, /^Frame 1: .*\n {4}Comment: the misrouted SYN\n/);
    const info = await vxshark(['capinfo', FILE]);
    assert.match(info.stdout, /\nCapture comment: {2}router eth1, act 2\n/);
    assert.deepEqual((JSON.parse((await vxshark(['capinfo', '--json', FILE])).stdout) as { comments: string[] }).comments, ['router eth1, act 2']);
  });

  it('-w keeps the section and packet comments, and the direction flags', async () => {
    const out = join(tmp, 'copy.pcapng');
    const w = await vxshark(['-r', FILE, '-w', out]);
    assert.equal(w.status, 0, w.stderr);
    const copy = await loadCapture(out);
    try {
      assert.deepEqual(
        copy.info?.sections.map((s) => s.comments),
        [['router eth1, act 2']],
      );
      assert.deepEqual(
        [...copy.comments],
        [
          [0, ['the misrouted SYN']],
          [2, ['bell \x07 here']],
        ],
      );
      assert.equal(copy.index.directionOf(1), 1);
    } finally {
      copy.close();
    }
    assert.notEqual(readFileSync(out).length, 0);
  });

  it('tshark reads the comments vxshark wrote', { skip: hasTshark ? false : 'tshark is not installed' }, async () => {
    const out = join(tmp, 'for-tshark.pcapng');
    assert.equal((await vxshark(['-r', FILE, '-w', out])).status, 0);
    const r = spawnSync('tshark', ['-r', out, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.comment'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '1\tthe misrouted SYN\n2\t\n3\tbell \x07 here\n');
  });
});
