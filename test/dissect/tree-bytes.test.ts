// -V writes the detail tree straight into bytes (tree-bytes.ts). Its text must be the tree's
// text line for line: checked on every sample, every lab recording and (when ../shared is
// there) every corpus capture, with the stream state -V has, and with Kubernetes names.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadCapture } from '../../src/capture/capture.js';
import { loadContext } from '../../src/context/load.js';
import { ConversationTracker } from '../../src/dissect/conversations.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { frameMeta } from '../../src/dissect/frame-meta.js';
import { IpReassembler } from '../../src/dissect/reassembly/ipfrag.js';
import type { Registry } from '../../src/dissect/registry.js';
import { buildTree, treeText } from '../../src/dissect/tree.js';
import { TextBytes, writeTreeBytes } from '../../src/dissect/tree-bytes.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/peers', import.meta.url));

function capturesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(pcap|pcapng|cap)$/.test(f))
    .map((f) => `${dir}/${f}`)
    .sort();
}

/** Frames whose byte text differs from the tree's, with the first differing line of the first one. */
async function differences(path: string, registry: Registry): Promise<{ frames: number; checked: number; first?: string }> {
  const reassembler = new IpReassembler();
  const conversations = new ConversationTracker();
  const out = new TextBytes(1024);
  let frames = 0;
  let checked = 0;
  let first: string | undefined;
  const capture = await loadCapture(path, {
    streamOnly: true,
    onFrame: (i, data, cap) => {
      const pkt = dissect(data, frameMeta(cap, i, new Map()), registry, { reassembler });
      conversations.annotate(pkt);
      // The tree first: writeTreeBytes must not depend on what buildTree left behind, nor the reverse.
      const expected = treeText(buildTree(pkt, registry, { ranges: false }));
      out.length = 0;
      writeTreeBytes(out, pkt, registry);
      const written = out.buffer.toString('utf8', 0, out.length).split('\n');
      written.pop();
      checked++;
      if (written.join('\n') === expected.join('\n')) return;
      frames++;
      if (first === undefined) {
        const k = expected.findIndex((line, n) => written[n] !== line);
        first = `frame ${i + 1} line ${k + 1}: expected ${JSON.stringify(expected[k])}, wrote ${JSON.stringify(written[k])}`;
      }
    },
  });
  capture.close();
  return first === undefined ? { frames, checked } : { frames, checked, first };
}

const SAMPLES = [...capturesUnder('samples'), ...capturesUnder('samples/lab-recordings')].filter((f, i, all) => all.indexOf(f) === i);

describe("-V's byte text", () => {
  it('is the tree text on every sample and lab recording', async () => {
    const registry = createRegistry();
    let checked = 0;
    for (const path of SAMPLES) {
      const d = await differences(path, registry);
      assert.equal(d.frames, 0, `${path}: ${d.first}`);
      checked += d.checked;
    }
    assert.ok(checked > 5000, `only ${checked} frames checked`);
  });

  it('is the tree text with Kubernetes and Cilium names', async () => {
    const registry = createRegistry({ context: loadContext(['samples/context']) });
    for (const path of SAMPLES.filter((p) => !p.includes('/hosts/'))) {
      const d = await differences(path, registry);
      assert.equal(d.frames, 0, `${path}: ${d.first}`);
    }
  });

  it('is the tree text on every corpus capture', async (t) => {
    const files = capturesUnder(CORPUS);
    if (!files.length) {
      t.skip(`corpus not found at ${CORPUS}`);
      return;
    }
    const registry = createRegistry();
    let checked = 0;
    for (const path of files) {
      // Some corpus files are broken on purpose (the readers' tests refuse them): nothing to print.
      const d = await differences(path, registry).catch((e: Error) => ({ frames: 0, checked: 0, first: e.message }));
      assert.equal(d.frames, 0, `${path}: ${d.first}`);
      checked += d.checked;
    }
    assert.ok(checked > 300, `only ${checked} frames checked`);
  });
});
