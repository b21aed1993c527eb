// Mutation fuzzing with a fixed seed, so every run tries the same cases and a failure names a
// case that can be replayed. Two targets:
//  - the dissectors: every mutated frame goes through dissect(), summarize(), buildTree(),
//    treeText() and fieldValues() for every registered field, and must neither throw nor
//    trip the dissector's last-line-of-defence catch; -V's byte writer must write the tree's text;
//  - the capture readers: mutated whole files (headers included) go through IndexBuilder,
//    which must either succeed or throw a VxError, never another exception.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FrameIndex } from '../../src/capture/frame-index.js';
import { IndexBuilder } from '../../src/capture/index-builder.js';
import type { ParseTarget } from '../../src/capture/parser.js';
import { LinkType } from '../../src/capture/types.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { formatValue } from '../../src/dissect/format.js';
import { parseDecodeAs, type Registry } from '../../src/dissect/registry.js';
import { summarize } from '../../src/dissect/summary.js';
import { buildTree, treeText } from '../../src/dissect/tree.js';
import { TextBytes } from '../../src/dissect/text-bytes.js';
import { writeTreeBytes } from '../../src/dissect/tree-bytes.js';
import type { FrameMeta, TreeNode } from '../../src/dissect/types.js';
import { fieldOccurrences } from '../../src/dissect/values.js';
import { VxError } from '../../src/errors.js';
import { builtFrames } from '../helpers/built-frames.js';
import { loadPackets } from '../helpers/frames.js';
import { prng } from '../helpers/prng.js';

const CORPUS = new URL('../../../shared/corpus/peers', import.meta.url);
const DIRS = ['tcpdump', 'libpcap', 'zeek'];
const SEED = 0x5eed_c0de;
/** Upper bound for one case; a hang or a quadratic blow-up shows up far above it. */
const SLOW_CASE_MS = 1000;
const MAX_LAYERS = 48;
const SNAP = 2048;

interface Seed {
  name: string;
  linkType: number;
  data: Uint8Array;
  /** Whether this frame gets every structured mutation (the first frame of each protocol stack does). */
  full: boolean;
}

interface Case {
  name: string;
  data: Uint8Array;
  linkType: number;
  origLen: number;
  /** Also report every read past the captured bytes (slower: the bytes are behind a Proxy). */
  watch?: boolean;
}

function corpusFiles(): string[] {
  const root = fileURLToPath(CORPUS);
  if (!existsSync(root)) return [];
  const out: string[] = [];
  for (const dir of DIRS) {
    if (!existsSync(`${root}/${dir}`)) continue;
    for (const name of readdirSync(`${root}/${dir}`).sort()) if (/\.(pcap|pcapng)$/.test(name)) out.push(`${root}/${dir}/${name}`);
  }
  return out;
}

async function corpusSeeds(files: string[]): Promise<Seed[]> {
  const seeds: Seed[] = [];
  const stacks = new Set<string>();
  for (const file of files) {
    let loaded;
    try {
      loaded = await loadPackets(file);
    } catch (e) {
      if (e instanceof VxError) continue; // the corpus has files every reader must refuse
      throw e;
    }
    loaded.packets.forEach((p, i) => {
      const stack = `${p.frame.linkType}:${p.layers.map((l) => l.proto).join(':')}:${p.data.length > 2000 ? 'big' : ''}`;
      const full = !stacks.has(stack);
      stacks.add(stack);
      seeds.push({ name: `${file.split('/').slice(-2).join('/')}#${i + 1}`, linkType: p.frame.linkType, data: p.data, full });
    });
  }
  return seeds;
}

/** The mutations of one frame, produced lazily so a case's bytes live only while it runs. */
function* mutations(seed: Seed, rnd: () => number): Generator<Case> {
  const src = seed.data;
  const n = src.length;
  const base = { linkType: seed.linkType, origLen: n };
  const copy = (): Uint8Array => Uint8Array.from(src);
  const at = (): number => Math.floor(rnd() * n);

  yield { ...base, name: `${seed.name} unchanged`, data: copy() };
  if (n === 0) return;
  // Single and multiple bit flips, biased to the headers where they matter most.
  for (let k = 0; k < (seed.full ? 12 : 4); k++) {
    const d = copy();
    const flips = k < 8 ? 1 : 2 + Math.floor(rnd() * 6);
    const where: number[] = [];
    for (let j = 0; j < flips; j++) {
      const p = rnd() < 0.7 ? Math.floor(rnd() * Math.min(n, 160)) : at();
      d[p]! ^= 1 << Math.floor(rnd() * 8);
      where.push(p);
    }
    yield { ...base, name: `${seed.name} bitflip@${where.join(',')}`, data: d };
  }
  // Random bytes at random places.
  for (let k = 0; k < (seed.full ? 4 : 1); k++) {
    const d = copy();
    const count = 1 + Math.floor(rnd() * 12);
    for (let j = 0; j < count; j++) d[Math.floor(rnd() * Math.min(n, 200))] = Math.floor(rnd() * 256);
    yield { ...base, name: `${seed.name} random bytes #${k}`, data: d };
  }
  if (!seed.full) return;
  // Truncated at every 7th length (as a snaplen would cut it, or as a lying record would).
  const limit = Math.min(n, 600);
  for (let len = 0; len < limit; len += 7) {
    yield { ...base, name: `${seed.name} truncated to ${len}`, data: src.slice(0, len), origLen: len % 2 ? n : len, watch: true };
  }
  for (let k = 0; k < 3 && n > limit; k++) {
    const len = limit + Math.floor(rnd() * (n - limit));
    yield { ...base, name: `${seed.name} truncated to ${len}`, data: src.slice(0, len), origLen: len, watch: true };
  }
  // Any 16-bit word in the first 120 bytes could be a length: set it to 0 and to 0xffff.
  // (Every header of these frames is 2-byte aligned, so are their length fields.)
  // Huge frames (BIG TCP, GSO) get these on their first SNAP bytes, as a snaplen would keep
  // them: the headers are all there, and the cost of printing 80 KB payloads is not repeated.
  const body = n > SNAP ? src.subarray(0, SNAP) : src;
  for (let off = 0; off + 1 < Math.min(n, 120); off += 2) {
    for (const v of [0, 0xffff]) {
      const d = Uint8Array.from(body);
      d[off] = v >> 8;
      d[off + 1] = v & 0xff;
      yield { ...base, name: `${seed.name} u16@${off}=0x${v.toString(16)}`, data: d, watch: off % 4 === 0, origLen: Math.max(n, d.length) };
    }
  }
}

function randomFrames(rnd: () => number, count: number): Case[] {
  const links = [LinkType.ETHERNET, LinkType.LINUX_SLL, LinkType.LINUX_SLL2, LinkType.RAW, LinkType.NULL, 160, 0xffff];
  const out: Case[] = [];
  for (let k = 0; k < count; k++) {
    const len = Math.floor(rnd() * 300);
    const d = new Uint8Array(len);
    for (let i = 0; i < len; i++) d[i] = Math.floor(rnd() * 256);
    out.push({ name: `random #${k} (${len} bytes)`, data: d, linkType: links[k % links.length]!, origLen: len });
  }
  return out;
}

function meta(c: Case, number: number): FrameMeta {
  return {
    number,
    sec: 1_700_000_000 + number,
    nsec: (number * 7919) % 1e9,
    capLen: c.data.length,
    origLen: Math.max(c.origLen, c.data.length),
    linkType: c.linkType,
    interfaceId: 0,
    interfaceName: 'eth0',
    direction: 0,
  };
}

function checkTree(nodes: TreeNode[], len: number, problems: string[], name: string): void {
  for (const node of nodes) {
    if (typeof node.label !== 'string') problems.push(`${name}: tree node without a label`);
    if (node.start < 0 || node.length < 0 || node.start + node.length > len) {
      problems.push(`${name}: tree node "${node.label}" covers [${node.start}, +${node.length}) outside the ${len} captured bytes`);
    }
    if (node.children) checkTree(node.children, len, problems, name);
  }
}

interface Stats {
  cases: number;
  slowest: number;
  slowestName: string;
}

/**
 * The bytes behind a Proxy that records reads past the end. A Uint8Array answers those with
 * undefined, which arithmetic turns into 0: a field would show a value no byte holds.
 */
function watched(data: Uint8Array, reads: Set<number>): Uint8Array {
  return new Proxy(data, {
    get(target, prop) {
      if (typeof prop === 'string') {
        const c = prop.charCodeAt(0);
        if ((c >= 48 && c <= 57) || c === 45) {
          const i = Number(prop);
          if (Number.isInteger(i)) {
            if (i < 0 || i >= target.length) reads.add(i);
            return target[i];
          }
        }
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** Runs one case through everything that reads packets; returns what went wrong. */
function runCase(c: Case, number: number, registry: Registry, names: string[], stats: Stats): string[] {
  const problems: string[] = [];
  const t0 = performance.now();
  const reads = new Set<number>();
  let stage = 'dissect';
  const stageReads = (): void => {
    if (reads.size) problems.push(`${c.name}: ${stage} read byte(s) ${[...reads].slice(0, 6).join(', ')} of ${c.data.length}`);
    reads.clear();
  };
  try {
    const pkt = dissect(c.watch ? watched(c.data, reads) : c.data, meta(c, number), registry);
    stageReads();
    if (pkt.layers.length > MAX_LAYERS) problems.push(`${c.name}: ${pkt.layers.length} layers`);
    for (const l of pkt.layers) {
      if (!(l.start >= 0 && l.start <= l.payload && l.payload <= l.end && l.end <= c.data.length)) {
        problems.push(`${c.name}: layer ${l.proto} has start ${l.start}, payload ${l.payload}, end ${l.end} with ${c.data.length} bytes`);
      }
    }
    for (const n of pkt.notes) {
      if (n.layer < 0 || n.layer >= pkt.layers.length) problems.push(`${c.name}: note "${n.message}" on layer ${n.layer}`);
      if (n.message.includes('dissector failed')) problems.push(`${c.name}: ${n.message}`);
    }
    stage = 'summarize';
    const s = summarize(pkt, registry);
    if (typeof s.info !== 'string' || typeof s.protocol !== 'string') problems.push(`${c.name}: bad summary`);
    stageReads();
    stage = 'buildTree';
    const tree = buildTree(pkt, registry);
    checkTree(tree, c.data.length, problems, c.name);
    const text = treeText(buildTree(pkt, registry, { ranges: false }));
    stage = 'writeTreeBytes';
    const bytes = new TextBytes(64);
    writeTreeBytes(bytes, pkt, registry);
    const written = bytes.buffer.toString('utf8', 0, bytes.length);
    const expected = text.map((line) => line + '\n').join('');
    if (written !== expected) problems.push(`${c.name}: -V's byte text differs from the tree's text`);
    stageReads();
    for (const name of names) {
      stage = `field ${name}`;
      const defs = registry.field(name)!;
      for (const o of fieldOccurrences(pkt, defs)) formatValue(o.def, o.value);
      stageReads();
    }
  } catch (e) {
    problems.push(`${c.name}: threw ${(e as Error).stack ?? String(e)}`);
  }
  const ms = performance.now() - t0;
  stats.cases++;
  if (ms > stats.slowest) {
    stats.slowest = ms;
    stats.slowestName = c.name;
  }
  if (ms > SLOW_CASE_MS) problems.push(`${c.name}: took ${ms.toFixed(0)} ms`);
  return problems;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('fuzzing', () => {
  const files = corpusFiles();
  if (!files.length) console.log(`fuzz: corpus not found at ${fileURLToPath(CORPUS)}; fuzzing built frames only`);

  it('dissects mutated frames without throwing', async () => {
    const rnd = prng(SEED);
    const seeds: Seed[] = [...builtFrames().map((b) => ({ ...b, full: true })), ...(await corpusSeeds(files))];
    const registries: [string, Registry][] = [
      ['default', createRegistry()],
      ['no heuristics', createRegistry({ heuristics: false })],
      ['decode-as', createRegistry({ decodeAs: [parseDecodeAs('udp.port==1-1024,vxlan'), parseDecodeAs('tcp.port==80,vxlan')] })],
    ];
    const problems: string[] = [];
    const stats: Stats = { cases: 0, slowest: 0, slowestName: '' };
    const started = performance.now();
    let number = 0;
    for (const seed of seeds) {
      for (const c of mutations(seed, rnd)) {
        // The default registry sees every case; the others a share, to keep the run short.
        const which = number % 8 === 0 ? 1 + ((number >> 3) % 2) : 0;
        const [rname, registry] = registries[which]!;
        const found = runCase(c, ++number, registry, registry.fieldNames(), stats);
        for (const p of found) problems.push(`[${rname}] ${p}\n      bytes: ${hex(c.data.subarray(0, 256))}`);
      }
    }
    for (const c of randomFrames(rnd, 1500)) {
      const registry = registries[0]![1];
      problems.push(...runCase(c, ++number, registry, registry.fieldNames(), stats));
    }
    const secs = (performance.now() - started) / 1000;
    console.log(
      `fuzz: ${stats.cases} dissection cases from ${seeds.length} seed frames (seed 0x${SEED.toString(16)}) in ${secs.toFixed(1)} s; ` +
        `slowest ${stats.slowest.toFixed(1)} ms (${stats.slowestName})`,
    );
    if (process.env.FUZZ_DUMP) writeFileSync(process.env.FUZZ_DUMP, problems.join('\n'));
    assert.ok(stats.cases >= 3000, `only ${stats.cases} cases`);
    assert.equal(problems.length, 0, `${problems.length} problems:\n  ${problems.slice(0, 15).join('\n  ')}`);
  });

  it('reads mutated capture files with success or a VxError only', { skip: files.length ? false : 'no corpus' }, () => {
    const rnd = prng(SEED ^ 0x9e3779b9);
    const registry = createRegistry();
    const problems: string[] = [];
    const outcome = { ok: 0, vxerror: 0 };
    let cases = 0;
    let frames = 0;

    const feed = (name: string, bytes: Uint8Array): void => {
      cases++;
      const target: ParseTarget = { index: new FrameIndex(), interfaces: [], warnings: [] };
      // Frames the reader hands out are dissected too, with whatever link type the mutated header names.
      target.onFrame = (i, data) => {
        frames++;
        if (i >= 4 || data.length > 4096) return;
        const iface = target.interfaces[target.index.interfaceOf(i)];
        const c: Case = { name: `${name} frame ${i + 1}`, data: Uint8Array.from(data), linkType: iface?.linkType ?? 1, origLen: target.index.origLenOf(i) };
        problems.push(...runCase(c, i + 1, registry, [], { cases: 0, slowest: 0, slowestName: '' }));
      };
      const builder = new IndexBuilder(target);
      const t0 = performance.now();
      try {
        // Chunks of varying size, as a pipe delivers them; each a fresh copy.
        let o = 0;
        while (o < bytes.length) {
          const size = rnd() < 0.5 ? 1 + Math.floor(rnd() * 64) : 4096 + Math.floor(rnd() * 65536);
          builder.push(bytes.slice(o, o + size));
          o += size;
        }
        builder.finish();
        outcome.ok++;
      } catch (e) {
        if (e instanceof VxError) outcome.vxerror++;
        else problems.push(`${name}: threw ${(e as Error).stack ?? String(e)}`);
      }
      const ms = performance.now() - t0;
      if (ms > 2000) problems.push(`${name}: indexing took ${ms.toFixed(0)} ms`);
      for (let i = 0; i < target.index.count; i++) {
        if (target.index.offsetOf(i) + target.index.capLenOf(i) > bytes.length) {
          problems.push(
            `${name}: frame ${i + 1} at ${target.index.offsetOf(i)} (+${target.index.capLenOf(i)}) lies past the end of the ${bytes.length}-byte input`,
          );
          break;
        }
      }
    };

    const kinds = new Set<string>();
    for (const file of files) {
      const orig = new Uint8Array(readFileSync(file));
      const name = file.split('/').slice(-2).join('/');
      const n = orig.length;
      if (n === 0) continue;
      // Every structured mutation for the first file of each kind (format, byte order, version, link type).
      const kind = hex(orig.subarray(0, 8)) + hex(orig.subarray(20, 24));
      const full = !kinds.has(kind);
      kinds.add(kind);
      feed(`${name} unchanged`, orig);
      for (let k = 0; k < 12; k++) {
        const d = Uint8Array.from(orig);
        const p = k < 10 ? Math.floor(rnd() * Math.min(n, 64)) : Math.floor(rnd() * n);
        d[p]! ^= 1 << Math.floor(rnd() * 8);
        feed(`${name} bitflip@${p}`, d);
      }
      for (let len = 0; len < Math.min(n, 200); len += 7) feed(`${name} truncated to ${len}`, orig.slice(0, len));
      for (let k = 0; k < 4; k++) {
        const len = Math.floor(rnd() * n);
        feed(`${name} truncated to ${len}`, orig.slice(0, len));
      }
      for (let k = 0; k < 4; k++) {
        const d = Uint8Array.from(orig);
        for (let j = 0; j < 8; j++) d[Math.floor(rnd() * n)] = Math.floor(rnd() * 256);
        feed(`${name} random bytes #${k}`, d);
      }
      if (!full) continue;
      for (let off = 0; off + 1 < Math.min(n, 120); off += 2) {
        for (const v of [0, 0xffff]) {
          const d = Uint8Array.from(orig);
          d[off] = v >> 8;
          d[off + 1] = v & 0xff;
          feed(`${name} u16@${off}=0x${v.toString(16)}`, d);
        }
      }
      for (let off = 0; off + 3 < Math.min(n, 64); off += 4) {
        for (const v of [0x7fffffff, 0xffffffff, 0x80]) {
          const d = Uint8Array.from(orig);
          new DataView(d.buffer).setUint32(off, v, true);
          feed(`${name} u32le@${off}=0x${v.toString(16)}`, d);
        }
      }
    }
    console.log(`fuzz: ${cases} mutated capture files (${outcome.ok} read, ${outcome.vxerror} refused with a VxError), ${frames} frames handed out`);
    assert.ok(cases >= 1500, `only ${cases} cases`);
    assert.equal(problems.length, 0, `${problems.length} problems:\n  ${problems.slice(0, 15).join('\n  ')}`);
  });
});
