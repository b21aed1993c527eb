// The analysis pass's fast path (analysis/fast-facts.ts) against the dissector: on every frame
// of every sample, lab recording and peer-corpus capture, and on those frames with bytes
// changed, whatever the fast path accepts must give the facts Facts.read(dissect(...)) gives;
// and analyze() must give the same result with it as without it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/index.js';
import { Facts, IpFacts } from '../../src/analysis/facts.js';
import { FastFacts } from '../../src/analysis/fast-facts.js';
import { loadCapture, type Capture } from '../../src/capture/capture.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { frameMetaInto } from '../../src/dissect/frame-meta.js';
import type { FrameMeta } from '../../src/dissect/types.js';
import { ROOT } from './helpers.js';

const PEERS = join(ROOT, '../shared/corpus/peers');

function capturesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? capturesUnder(join(dir, e.name)) : /\.(pcap|pcapng|cap)(\.gz)?$/.test(e.name) ? [join(dir, e.name)] : []))
    .sort();
}

const SAMPLE_FILES = capturesUnder(join(ROOT, 'samples'));

/** The fields of two Facts (and of their IP slots that hold a header) that differ. */
function differences(a: Facts, b: Facts): string[] {
  const out: string[] = [];
  const slots = new Set(['outer', 'inner', 'innerSlot', 'quoted', 'quotedInner']);
  for (const key of Object.keys(a) as (keyof Facts)[]) {
    if (slots.has(key)) continue;
    if (a[key] !== b[key]) out.push(`${key}: ${String(a[key])} / ${String(b[key])}`);
  }
  if ((a.inner === a.outer) !== (b.inner === b.outer)) out.push('inner: outer / own slot');
  for (const slot of ['outer', 'inner', 'quoted', 'quotedInner'] as const) {
    const x = a[slot];
    const y = b[slot];
    if (x.present !== y.present) out.push(`${slot}.present`);
    if (!x.present || !y.present) continue;
    for (const key of Object.keys(x) as (keyof IpFacts)[]) if (x[key] !== y[key]) out.push(`${slot}.${key}: ${String(x[key])} / ${String(y[key])}`);
  }
  return out;
}

interface Tally {
  frames: number;
  fast: number;
}

const NO_NAMES: ReadonlyMap<number, string> = new Map();

function newMeta(): FrameMeta {
  return { number: 0, sec: 0, nsec: 0, capLen: 0, origLen: 0, linkType: 1, interfaceId: 0, direction: 0 };
}

/** Compares the two paths on one frame's bytes; returns whether the fast path took it. */
function compareFrame(fast: FastFacts, registry: ReturnType<typeof createRegistry>, data: Uint8Array, meta: FrameMeta, i: number, where: string): boolean {
  const quick = new Facts();
  if (!fast.read(quick, data, meta, i, 0)) return false;
  const full = new Facts();
  full.read(dissect(data, meta, registry), i, 0);
  assert.deepEqual(differences(quick, full), [], `${where} frame ${meta.number}`);
  return true;
}

function compareCapture(capture: Capture, where: string, mutate?: (data: Uint8Array, i: number) => Uint8Array[]): Tally {
  const registry = createRegistry();
  const fast = new FastFacts(registry);
  const meta = newMeta();
  const tally: Tally = { frames: 0, fast: 0 };
  capture.scan(0, capture.frameCount, (i, data) => {
    frameMetaInto(meta, capture, i, NO_NAMES);
    const variants = mutate ? mutate(data, i) : [data];
    for (const bytes of variants) {
      tally.frames++;
      // A changed frame keeps its recorded lengths: capLen and origLen follow the bytes.
      const m = mutate ? { ...meta, capLen: bytes.length, origLen: Math.max(meta.origLen, bytes.length) } : meta;
      if (compareFrame(fast, registry, bytes, m, i, where)) tally.fast++;
    }
  });
  return tally;
}

/** A small deterministic generator (xorshift32), so a failure names a reproducible case. */
function random(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

/** Header bytes the fast path reads (its first 110 bytes hold every header up to the inner transport). */
function mutations(seed: number): (data: Uint8Array, i: number) => Uint8Array[] {
  const next = random(seed);
  return (data) => {
    const out: Uint8Array[] = [];
    for (let k = 0; k < 6; k++) {
      const copy = data.slice();
      const at = Math.floor(next() * Math.min(copy.length, 110));
      if (copy.length === 0) break;
      const how = next();
      if (how < 0.4) copy[at] = Math.floor(next() * 256);
      else if (how < 0.7) copy[at] = copy[at]! ^ (1 << Math.floor(next() * 8));
      else if (how < 0.85) copy[at] = 0;
      else {
        out.push(copy.subarray(0, Math.max(0, Math.floor(next() * copy.length))));
        continue;
      }
      out.push(copy);
    }
    return out;
  };
}

describe("the analysis fast path gives the dissector's facts", () => {
  it('on every frame of every sample and lab recording, and takes most VXLAN frames', async () => {
    assert.ok(SAMPLE_FILES.length > 20, `samples found: ${SAMPLE_FILES.length}`);
    let frames = 0;
    let taken = 0;
    for (const file of SAMPLE_FILES) {
      const capture = await loadCapture(file);
      try {
        const t = compareCapture(capture, file);
        frames += t.frames;
        taken += t.fast;
        if (file.endsWith('samples/cilium-vxlan-8472.pcap'))
          assert.ok(t.fast / t.frames > 0.9, `cilium sample: ${t.fast} of ${t.frames} frames on the fast path`);
        if (file.endsWith('lab-recordings/tunnel-router-any.pcap'))
          assert.ok(t.fast / t.frames > 0.8, `router recording: ${t.fast} of ${t.frames} frames on the fast path`);
      } finally {
        capture.close();
      }
    }
    assert.ok(taken > frames / 2, `${taken} of ${frames} frames on the fast path`);
  });

  it('on every frame of the peer corpus', async (t) => {
    const files = capturesUnder(PEERS);
    if (files.length === 0) {
      t.skip(`no peer corpus at ${PEERS}`);
      return;
    }
    for (const file of files) {
      const capture = await loadCapture(file).catch(() => undefined);
      if (!capture) continue;
      try {
        compareCapture(capture, file);
      } finally {
        capture.close();
      }
    }
  });

  it('on frames with header bytes changed or cut (malformed, truncated, other protocols)', async () => {
    let frames = 0;
    let taken = 0;
    for (const [n, file] of SAMPLE_FILES.entries()) {
      const capture = await loadCapture(file);
      try {
        const t = compareCapture(capture, `${file} (changed, seed ${n + 1})`, mutations(n + 1));
        frames += t.frames;
        taken += t.fast;
      } finally {
        capture.close();
      }
    }
    // Both outcomes must have been exercised for the comparison to mean something.
    assert.ok(taken > 1000 && frames - taken > 1000, `${taken} of ${frames} changed frames on the fast path`);
  });
});

describe('analyze() with the fast path', () => {
  it('gives the same flows, tunnels, hops, vantage and alerts as with every packet dissected', async () => {
    for (const file of SAMPLE_FILES) {
      const capture = await loadCapture(file);
      try {
        const quick = analyze(capture);
        // A display filter makes the pass dissect every packet.
        const full = analyze(capture, { filter: () => true });
        assert.equal(JSON.stringify(quick), JSON.stringify(full), file);
      } finally {
        capture.close();
      }
    }
  });
});
