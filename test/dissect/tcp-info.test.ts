// TCP's Info text on a sequential pass (the stream state kept, as for -Y on stream fields,
// -T json or the UI once its stream pass got there): relative Seq= and Ack= and the scaled
// Win=, the values tshark's Info shows, which are its tcp.seq, tcp.ack and tcp.window_size.
// Compared on every TCP packet of the peer corpus captures that have a tshark reference.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { loadCapture } from '../../src/capture/capture.js';
import { ConversationTracker } from '../../src/dissect/conversations.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { frameMeta } from '../../src/dissect/frame-meta.js';
import { IpReassembler } from '../../src/dissect/reassembly/ipfrag.js';
import { summarize } from '../../src/dissect/summary.js';
import { tsharkPackets, values } from '../helpers/tshark-json.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/peers', import.meta.url));
const NO_CORPUS = existsSync(CORPUS) ? false : `peer corpus not found at ${CORPUS}`;

describe("TCP's Info with the stream state", { skip: NO_CORPUS }, () => {
  it("shows tshark's relative Seq and Ack and scaled Win on every TCP packet of the corpus", async () => {
    const registry = createRegistry();
    let compared = 0;
    for (const dir of ['tcpdump', 'libpcap', 'zeek']) {
      for (const name of readdirSync(join(CORPUS, dir)).sort()) {
        if (!name.endsWith('.tshark.json')) continue;
        const reference = tsharkPackets(readFileSync(join(CORPUS, dir, name), 'utf8'));
        if (!reference.some((p) => values(p, 'tcp.seq').length > 0)) continue;
        const capture = await loadCapture(join(CORPUS, dir, name.slice(0, -'.tshark.json'.length)));
        try {
          const tracker = new ConversationTracker();
          const reassembler = new IpReassembler();
          for (let i = 0; i < capture.frameCount && i < reference.length; i++) {
            const pkt = dissect(Uint8Array.from(capture.frame(i)), frameMeta(capture, i, new Map()), registry, { reassembler });
            tracker.annotate(pkt);
            const info = summarize(pkt, registry).info;
            const seq = /^\d+ → \d+ \[[^\]]*\] Seq=(\d+)(?: Ack=(\d+))? Win=(\d+) /.exec(info);
            const t = reference[i]!;
            // tshark's innermost TCP header is the one its Info describes.
            const last = (field: string): string | undefined => values(t, field).at(-1);
            if (!seq || last('tcp.seq') === undefined) continue;
            const where = `${dir}/${name} frame ${i + 1}: ${info}`;
            assert.equal(seq[1], last('tcp.seq'), where);
            if (seq[2] !== undefined) assert.equal(seq[2], last('tcp.ack'), where);
            assert.equal(seq[3], last('tcp.window_size'), where);
            compared++;
          }
        } finally {
          capture.close();
        }
      }
    }
    assert.ok(compared >= 50, `only ${compared} TCP packets compared`);
  });
});
