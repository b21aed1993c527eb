// Follow stream (f) in the terminal UI: the selected packet's conversation, through its tunnel,
// as text, hex and raw; Enter shows a line's packet, Esc goes back. The bytes and frames on
// screen are checked against `-z follow` of the same capture (itself compared with tshark).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { KEYS } from '../../src/ui/headless.js';
import { TempDir } from '../capture/helpers.js';
import { followProbeCapture } from '../fixtures/follow-streams.js';
import { vxshark } from '../helpers/cli.js';
import { CILIUM, SAMPLES, command, startUi, type Ui } from './helpers.js';

const ESC = '\x1b';
const dir = new TempDir();
after(() => dir.cleanup());

interface Chunk {
  frame: number;
  peer: number;
  data: string;
}

/** The chunks of a stream in the CLI's yaml mode. */
async function chunks(file: string, spec: string): Promise<Chunk[]> {
  const r = await vxshark(['-r', file, '-q', '-z', `follow,${spec}`]);
  assert.equal(r.status, 0, r.stderr);
  return [...r.stdout.matchAll(/- packet: (\d+)\n {4}peer: (\d)\n {4}timestamp: \S+\n {4}data: !!binary \|\n((?: {6}\S+\n)*)/g)].map((m) => ({
    frame: Number(m[1]),
    peer: Number(m[2]),
    data: Buffer.from(m[3]!.replace(/\s/g, ''), 'base64').toString('latin1'),
  }));
}

const goto = (ui: Ui, frame: number): Promise<void> => command(ui, `goto ${frame}`);

const selectedFrame = (ui: Ui): number => Number(/Details of frame (\d+)/.exec(ui.text())?.[1]);

describe('follow stream', () => {
  it("shows an inner TCP stream's bytes at 80x24, each side marked, and Enter opens a line's packet", async () => {
    const expected = await chunks(CILIUM, 'tcp,yaml,0');
    assert.equal(expected.length, 2);
    const ui = await startUi(CILIUM, { cols: 80, rows: 24 });
    try {
      await goto(ui, expected[0]!.frame);
      await ui.press('f');
      const lines = ui.lines();
      assert.match(lines[1]!, /^ Follow TCP stream 172\.20\.0\.10:48312 ⇄ 172\.20\.2\.30:80 +text $/);
      assert.match(lines[2]!, new RegExp(`^→ ${expected[0]!.data.length} bytes {3}← ${expected[1]!.data.length} bytes {3}10 packets`));
      assert.match(lines[3]!, /→ in VXLAN 192\.168\.10\.100 → 192\.168\.20\.100, VNI 32001/);
      // Every line of both sides, in order, CR LF ending the lines.
      const want = expected.flatMap((c) =>
        c.data
          .replace(/\r\n$/, '')
          .split('\r\n')
          .map((t) => `${c.peer === 0 ? '→' : '←'} ${t}`),
      );
      // The notes take one or two lines (each side's tunnel); the bytes follow.
      const start = lines.findIndex((l, i) => i > 2 && /^[→←] /.test(l));
      assert.ok(start === 4 || start === 5, lines.join('\n'));
      assert.match(lines.slice(3, start).join(' ').replace(/ +/g, ' '), /← in VXLAN 192\.168\.20\.100 → 192\.168\.10\.100, VNI 45678/);
      assert.deepEqual(
        lines.slice(start, 23).map((l) => l.trimEnd()),
        want.slice(0, 23 - start).map((l) => l.trimEnd()),
      );
      assert.match(lines.at(-1)!, /\[Stream: text\] {2}\? help$/);
      // The two sides in their own colours (256 colours: 210 and 111).
      assert.equal(ui.attr(2, start + 1).fg, 210);
      assert.equal(ui.attr(2, ui.row('← HTTP/1.1 200 OK')).fg, 111);

      // The first server line: Enter shows the frame that carried it.
      const y = ui.row('← HTTP/1.1 200 OK');
      await ui.press(...Array<string>(y - start).fill('j'), KEYS.enter);
      assert.equal(selectedFrame(ui), expected[1]!.frame);
      assert.match(ui.lines().at(-1)!, /Packets: list/);
    } finally {
      await ui.quit();
    }
  });

  it('starts at the bytes of the packet it was opened on, and keeps them through Tab', async () => {
    const expected = await chunks(CILIUM, 'tcp,yaml,0');
    const server = expected.find((c) => c.peer === 1)!;
    const ui = await startUi(CILIUM, { cols: 80, rows: 24 });
    try {
      await goto(ui, server.frame);
      await ui.press('f');
      const selected = ui.lines().findIndex((_, y) => y > 3 && ui.attr(0, y).bg === 25);
      assert.ok(selected > 3, ui.text());
      assert.equal(ui.lines()[selected]!.trimEnd(), `← ${server.data.split('\r\n')[0]}`);
      await ui.press(KEYS.tab);
      await ui.press(KEYS.enter);
      assert.equal(selectedFrame(ui), server.frame);
    } finally {
      await ui.quit();
    }
  });

  it('switches to hex and raw with Tab and goes back to the list with Esc', async () => {
    const expected = await chunks(CILIUM, 'tcp,yaml,1');
    const ui = await startUi(CILIUM, { cols: 120, rows: 30 });
    try {
      await goto(ui, expected[0]!.frame);
      await ui.press('f', KEYS.tab);
      const first = Buffer.from(expected[0]!.data.slice(0, 16), 'latin1');
      const hex = [...first].map((b) => b.toString(16).padStart(2, '0'));
      assert.equal(
        ui.lines()[4],
        `→ 00000000  ${hex.slice(0, 8).join(' ')}  ${hex.slice(8).join(' ')}  ${expected[0]!.data.slice(0, 16).replace(/[^ -~]/g, '.')}`.padEnd(120),
      );
      assert.match(ui.lines()[1]!, / hex {3}Tab: text\/hex\/raw {3}Enter: packet {3}Esc: back $/);
      // Each side's tunnel: VXLAN gives each sender its own VNI here.
      assert.match(ui.lines()[3]!, /→ in VXLAN 192\.168\.10\.100 → 192\.168\.20\.100, VNI 32001; ← in VXLAN 192\.168\.20\.100 → 192\.168\.10\.100, VNI 45678/);
      await ui.press(KEYS.tab);
      assert.ok(ui.lines()[4]!.startsWith(`→ ${Buffer.from(expected[0]!.data, 'latin1').toString('hex').slice(0, 96)}`));
      await ui.press(KEYS.tab);
      assert.match(ui.lines()[1]!, / text {3}Tab/);
      await ui.press(ESC);
      assert.equal(selectedFrame(ui), expected[0]!.frame);
      assert.doesNotMatch(ui.text(), /Follow TCP stream/);
    } finally {
      await ui.quit();
    }
  });

  it('follows the connection of the selected packet when the same addresses and ports carried an earlier one', async () => {
    const file = dir.write(followProbeCapture(), 'probe.pcap');
    const [first, second] = [await chunks(file, 'tcp,yaml,5'), await chunks(file, 'tcp,yaml,6')];
    const ui = await startUi(file, { cols: 100, rows: 30 });
    try {
      await goto(ui, second.at(-1)!.frame);
      await ui.press('f');
      const text = ui.text();
      for (const c of second) assert.ok(text.includes(`${c.peer ? '←' : '→'} ${c.data.trim()}`), c.data);
      for (const c of first) assert.ok(!text.includes(c.data.trim()), c.data);
      assert.doesNotMatch(text, /past a gap/);
      // ':' works over the view: the stream's text goes to a new file.
      const out = `${dir.path}/second.txt`;
      await ui.press(':');
      await ui.type(`copy ${out}`);
      await ui.press(KEYS.enter);
      assert.equal(readFileSync(out, 'utf8'), second.map((c) => c.data).join(''));
      assert.match(ui.text(), /Follow TCP stream/);
    } finally {
      await ui.quit();
    }
  });

  it('does not follow a tunnel itself: ICMP inside VXLAN has no pod conversation', async () => {
    const ui = await startUi(CILIUM, { cols: 140, rows: 30 });
    try {
      await goto(ui, 3);
      await ui.press('f');
      assert.match(ui.lines().at(-1)!, /frame 3: no TCP or UDP inside its VXLAN tunnel to follow/);
    } finally {
      await ui.quit();
    }
  });

  it('says so when the packet carries no TCP or UDP header', async () => {
    const ui = await startUi(SAMPLES + 'calico-ipip.pcap', { cols: 100, rows: 30 });
    try {
      await ui.press('f');
      assert.match(ui.lines().at(-1)!, /frame 1 carries no TCP or UDP header to follow/);
      assert.doesNotMatch(ui.text(), /Follow /);
    } finally {
      await ui.quit();
    }
  });
});
