// The UI dissects one packet at a time; StreamState gives such a packet the stream state of a
// pass in capture order. Checked against the tracker itself on every frame of the samples, lab
// recordings and the peer corpus's captures, and on screen against tshark's reference and -V.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadCapture } from '../../src/capture/capture.js';
import { ConversationTracker } from '../../src/dissect/conversations.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { frameMeta } from '../../src/dissect/frame-meta.js';
import { KEYS } from '../../src/ui/headless.js';
import { StreamState } from '../../src/ui/stream-state.js';
import { ensureCapture } from '../../scripts/bench/make-capture.js';
import { ROOT, vxshark } from '../helpers/cli.js';
import { CAPTURES } from '../helpers/tshark.js';
import { tsharkPackets, values } from '../helpers/tshark-json.js';
import { CILIUM, startUi } from './helpers.js';

const CORPUS = join(ROOT, '..', 'shared', 'corpus', 'peers');
const corpusCaptures = (): string[] =>
  existsSync(CORPUS)
    ? ['tcpdump', 'libpcap', 'zeek']
        .filter((d) => existsSync(join(CORPUS, d)))
        .flatMap((d) => readdirSync(join(CORPUS, d)).map((f) => join(CORPUS, d, f)))
        .filter((f) => /\.pcap(ng)?$/.test(f))
    : [];

/** Runs the pass over the whole capture and waits for it. */
async function annotatedAll(state: StreamState, count: number): Promise<void> {
  state.want(count);
  while (state.running) await new Promise((r) => setImmediate(r));
  assert.equal(state.coveredFrames, count);
}

describe('StreamState', () => {
  it("gives every frame dissected alone the tracker's annotations of a pass in capture order", async () => {
    let compared = 0;
    let tcp = 0;
    for (const file of [...CAPTURES, ...corpusCaptures()]) {
      const capture = await loadCapture(file).catch(() => undefined);
      if (!capture) continue; // the corpus's malformed captures
      try {
        const registry = createRegistry();
        const ifnames = new Map<number, string>();
        const state = new StreamState(capture, registry, ifnames, () => {});
        await annotatedAll(state, capture.frameCount);
        const tracker = new ConversationTracker();
        for (let pos = 0; pos < capture.frameCount; pos++) {
          const sequential = dissect(capture.frame(pos), frameMeta(capture, pos, ifnames), registry);
          tracker.annotate(sequential);
          const alone = dissect(capture.frame(pos), frameMeta(capture, pos, ifnames), registry);
          assert.equal(state.annotate(pos, alone), true);
          const convs = (p: typeof alone) => p.layers.map((l) => l.conv);
          assert.deepEqual(convs(alone), convs(sequential), `${file} frame ${pos + 1}`);
          for (const c of convs(sequential)) {
            if (!c) continue;
            compared++;
            if (c.kind === 'tcp') tcp++;
          }
        }
      } finally {
        capture.close();
      }
    }
    assert.ok(compared > 1000 && tcp > 300, `${compared} annotated layers, ${tcp} TCP`);
  });

  it('goes only as far as it is asked, and says which frames it annotated', async () => {
    const capture = await loadCapture(CILIUM);
    try {
      const covered: [number, number][] = [];
      const state = new StreamState(capture, createRegistry(), new Map(), (from, to) => covered.push([from, to]));
      const pkt = dissect(capture.frame(20), frameMeta(capture, 20, new Map()), createRegistry());
      assert.equal(state.annotate(20, pkt), false);
      assert.ok(pkt.layers.every((l) => l.conv === undefined));
      assert.equal(state.running, false, 'annotate alone sends the pass nowhere');
      state.want(21);
      while (state.running) await new Promise((r) => setImmediate(r));
      assert.equal(state.coveredFrames, 21);
      assert.deepEqual(covered, [[0, 21]]);
      assert.equal(state.annotate(20, pkt), true);
      assert.ok(pkt.layers.some((l) => l.conv !== undefined));
    } finally {
      capture.close();
    }
  });

  it('waits while another job has the slices, then goes on', async () => {
    const capture = await loadCapture(CILIUM);
    try {
      let busy = true;
      const state = new StreamState(
        capture,
        createRegistry(),
        new Map(),
        () => {},
        () => busy,
      );
      state.want(10);
      await new Promise((r) => setTimeout(r, 60));
      assert.equal(state.coveredFrames, 0);
      busy = false;
      while (state.running) await new Promise((r) => setTimeout(r, 5));
      assert.equal(state.coveredFrames, 10);
    } finally {
      capture.close();
    }
  });
});

describe('the stream pass in the UI', () => {
  it('goes as far as the rows on the screen and the selected packet, not the rows read to size the columns', async () => {
    const big = ensureCapture(200_000);
    const ui = await startUi(big.path, { cols: 140, rows: 40 });
    try {
      const store = ui.handle.app.store!;
      assert.ok(!store.annotating);
      // The list has sampled rows all over the capture to size its columns; the pass stopped within the screen's 40 rows.
      assert.ok(store.annotatedUpTo > 5 && store.annotatedUpTo < 40, `${store.annotatedUpTo} frames annotated`);
      await ui.press(':');
      await ui.type('goto 5000');
      await ui.press(KEYS.enter);
      assert.ok(store.annotatedUpTo >= 5000 && store.annotatedUpTo < 5100, `${store.annotatedUpTo}`);
    } finally {
      await ui.quit();
    }
  });
});

describe('the detail tree and columns with the stream state', () => {
  it("show tshark's stream index and relative sequence and acknowledgment numbers", async (t) => {
    const rel = 'tcpdump/geneve.pcap';
    if (!existsSync(join(CORPUS, rel))) return t.skip(`peer corpus not found at ${CORPUS}`);
    const packets = tsharkPackets(readFileSync(join(CORPUS, `${rel}.tshark.json`), 'utf8'));
    const ui = await startUi(join(CORPUS, rel), { cols: 140, rows: 60 });
    try {
      // Frame 13: a data segment well into the stream.
      const frame = 13;
      const want = packets[frame - 1]!;
      await ui.press(':');
      await ui.type(`goto ${frame}`);
      await ui.press(KEYS.enter);
      await ui.settle();
      await ui.press(KEYS.tab, 'c');
      // Every layer folded, one row each from the Frame's: down to TCP's, and open it.
      const down = ui.row('Transmission Control Protocol') - ui.row(`Frame ${frame}:`);
      assert.ok(down > 0, ui.text());
      await ui.press(...Array<string>(down).fill('j'), KEYS.enter);
      const text = ui.text();
      assert.match(text, new RegExp(`Stream index: ${values(want, 'tcp.stream')[0]}\\b`));
      assert.match(text, new RegExp(`Sequence Number: ${values(want, 'tcp.seq')[0]}\\b`));
      assert.match(text, new RegExp(`Sequence Number \\(raw\\): ${values(want, 'tcp.seq_raw')[0]}\\b`));
      assert.match(text, new RegExp(`Acknowledgment Number: ${values(want, 'tcp.ack')[0]}\\b`));
      // The layer's title, as tshark's: relative numbers, the Ack with the ACK flag.
      const [sport, dport, seq, ack, len] = ['tcp.srcport', 'tcp.dstport', 'tcp.seq', 'tcp.ack', 'tcp.len'].map((f) => values(want, f)[0]);
      assert.ok(text.includes(`Transmission Control Protocol, Src Port: ${sport}, Dst Port: ${dport}, Seq: ${seq}, Ack: ${ack}, Len: ${len}`), text);
    } finally {
      await ui.quit();
    }
  });

  it('fill a tcp.stream column as -T fields does', async () => {
    const cli = await vxshark(['-r', CILIUM, '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream']);
    assert.equal(cli.status, 0, cli.stderr);
    const want = new Map(
      cli.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t') as [string, string]),
    );
    assert.ok([...want.values()].filter((v) => v !== '').length > 5);
    const ui = await startUi(CILIUM, { cols: 160, rows: 50 });
    try {
      await ui.press(':');
      await ui.type('column add tcp.stream');
      await ui.press(KEYS.enter);
      await ui.settle();
      const lines = ui.lines();
      const header = lines[1]!;
      const at = header.indexOf('tcp.stream');
      assert.ok(at > 0, header);
      let rows = 0;
      for (const line of lines.slice(2)) {
        const n = /^\s*(\d+) /.exec(line)?.[1];
        if (!n || !want.has(n)) continue;
        assert.equal(line.slice(at, at + 'tcp.stream'.length).trim(), want.get(n), `frame ${n}: ${line}`);
        rows++;
      }
      assert.ok(rows > 10, `${rows} rows`);
    } finally {
      await ui.quit();
    }
  });
});
