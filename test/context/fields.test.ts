// The context fields, tree and summary over every sample and every truncated prefix of the
// tunnelled ones: no throw, and the values agree with what the addresses say.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadCapture } from '../../src/capture/capture.js';
import { loadContext } from '../../src/context/load.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { frameMeta } from '../../src/dissect/frame-meta.js';
import { summarize } from '../../src/dissect/summary.js';
import { buildTree } from '../../src/dissect/tree.js';
import { fieldValues } from '../../src/dissect/values.js';

const context = loadContext(['samples/context']);
const registry = createRegistry({ context });
const FIELDS = [
  'k8s.src.pod',
  'k8s.dst.pod',
  'k8s.src.namespace',
  'k8s.dst.namespace',
  'k8s.src.node',
  'k8s.dst.node',
  'k8s.service',
  'cilium.identity',
  'cilium.labels',
];
const CAPTURES = [
  ...readdirSync('samples')
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .map((f) => `samples/${f}`),
  ...readdirSync('samples/lab-recordings')
    .filter((f) => f.endsWith('.pcap'))
    .map((f) => `samples/lab-recordings/${f}`),
];

describe('context fields on every sample', () => {
  it('are registered once each, and every one is known to the registry', () => {
    for (const f of FIELDS) assert.equal(registry.field(f)?.length, 1, f);
  });

  for (const path of CAPTURES) {
    it(`${path}: fields, tree and summary never throw; pods and nodes match the addresses`, async () => {
      const capture = await loadCapture(path);
      try {
        for (let i = 0; i < capture.frameCount; i++) {
          const data = capture.frame(i);
          const prefixes = i < 3 ? [data.length, ...Array.from({ length: data.length }, (_, n) => n)] : [data.length];
          for (const n of prefixes) {
            const meta = { ...frameMeta(capture, i, new Map()), capLen: n };
            const pkt = dissect(data.subarray(0, n), meta, registry);
            summarize(pkt, registry);
            buildTree(pkt, registry);
            for (const f of FIELDS) fieldValues(pkt, registry, f);
            if (n !== data.length) continue;
            const inner = fieldValues(pkt, registry, 'ip.src').at(-1);
            const pod = fieldValues(pkt, registry, 'k8s.src.pod')[0];
            if (pod === 'curl-pod') assert.equal(inner, 0xac14000a, `frame ${i + 1}`);
            if (pod === 'webpod-697b545f57-hc6qk') assert.equal(inner, 0xac14021e, `frame ${i + 1}`);
            const node = fieldValues(pkt, registry, 'k8s.src.node')[0];
            const outer = fieldValues(pkt, registry, 'ip.src')[0];
            if (node === 'k8s-w0') assert.ok(outer === 0xc0a81464 || outer === 0xac14021e || outer === 0xac140235, `frame ${i + 1}`);
          }
        }
      } finally {
        capture.close();
      }
    });
  }
});
