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
import { TextBytes } from '../../src/dissect/text-bytes.js';
import { writeTreeBytes } from '../../src/dissect/tree-bytes.js';
import type { FrameMeta } from '../../src/dissect/types.js';
import { ExactRoom } from '../helpers/exact-room.js';
import { ascii, ethernet, ETH_IPV4, icmpEcho, IPPROTO_ICMP, IPPROTO_TCP, ipv4, tcp, vxlanFrame } from '../fixtures/packet-builder.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/peers', import.meta.url));

function capturesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(pcap|pcapng|cap)$/.test(f))
    .map((f) => `${dir}/${f}`)
    .sort();
}

/** Frames whose byte text differs from the tree's, with the first differing line of the first one. */
async function differences(path: string, registry: Registry, exactRoom = false): Promise<{ frames: number; checked: number; first?: string }> {
  const reassembler = new IpReassembler();
  const conversations = new ConversationTracker();
  let out = new TextBytes(1024);
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
      if (exactRoom) out = new ExactRoom(0);
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

  it('is the tree text when the buffer has not a byte to spare', async () => {
    const registry = createRegistry();
    for (const path of SAMPLES) {
      const d = await differences(path, registry, true);
      assert.equal(d.frames, 0, `${path}: ${d.first}`);
    }
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
      for (const exactRoom of [false, true]) {
        const d = await differences(path, registry, exactRoom).catch((e: Error) => ({ frames: 0, checked: 0, first: e.message }));
        assert.equal(d.frames, 0, `${path}${exactRoom ? ' (exact room)' : ''}: ${d.first}`);
        if (!exactRoom) checked += d.checked;
      }
    }
    assert.ok(checked > 300, `only ${checked} frames checked`);
  });
});

describe('header lines made of fields (Ethernet, IPv4, UDP, VXLAN)', () => {
  const frame = vxlanFrame(
    {
      outer: { srcMac: '02:00:0a:00:00:01', dstMac: '02:00:0a:00:00:04', src: '10.0.0.10', dst: '10.0.0.13', srcPort: 49152 },
      vni: 4097,
      inner: { srcMac: '0a:58:0a:f4:00:02', dstMac: '0a:58:0a:f4:03:02', src: '10.244.0.2', dst: '10.244.3.2' },
    },
    { proto: IPPROTO_ICMP, bytes: icmpEcho({ type: 8, id: 7, seq: 1 }) },
  );
  const registry = createRegistry();
  const headLines = (data: Uint8Array): [string[], string[]] => {
    const meta: FrameMeta = { number: 1, sec: 0, nsec: 0, capLen: data.length, origLen: frame.length, linkType: 1, interfaceId: 0, direction: 0 };
    const pkt = dissect(data, meta, registry);
    const out = new TextBytes(1024);
    writeTreeBytes(out, pkt, registry);
    const written = out.buffer
      .toString('utf8', 0, out.length)
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith(' '));
    const tree = treeText(buildTree(pkt, registry, { ranges: false })).filter((l) => !l.startsWith(' '));
    return [written.slice(1), tree.slice(1)];
  };
  const FULL = [
    'Ethernet II, Src: 02:00:0a:00:00:01, Dst: 02:00:0a:00:00:04',
    'Internet Protocol Version 4, Src: 10.0.0.10, Dst: 10.0.0.13',
    'User Datagram Protocol, Src Port: 49152, Dst Port: 8472',
    'Virtual eXtensible Local Area Network, VNI: 4097',
    'Ethernet II, Src: 0a:58:0a:f4:00:02, Dst: 0a:58:0a:f4:03:02',
    'Internet Protocol Version 4, Src: 10.244.0.2, Dst: 10.244.3.2',
  ];

  it('name the addresses, ports and VNI of a whole header', () => {
    const [written, tree] = headLines(frame);
    assert.deepEqual(written.slice(0, 6), FULL);
    assert.deepEqual(tree, written);
  });

  it('are the protocol name alone when the capture cuts the header short, in both writers', () => {
    // Cut one byte short of each header's end, and at its end: the outer Ethernet (14), IPv4 (34), UDP (42), VXLAN (50).
    const cases: [number, string[]][] = [
      [13, ['Ethernet II']],
      [14, [FULL[0]!]],
      [33, [FULL[0]!, 'Internet Protocol Version 4']],
      [34, FULL.slice(0, 2)],
      [41, [...FULL.slice(0, 2), 'User Datagram Protocol']],
      [42, FULL.slice(0, 3)],
      [49, [...FULL.slice(0, 3), 'Virtual eXtensible Local Area Network']],
      [50, FULL.slice(0, 4)],
    ];
    for (const [length, expected] of cases) {
      const [written, tree] = headLines(frame.subarray(0, length));
      assert.deepEqual(written.slice(0, expected.length), expected, `cut at ${length}`);
      assert.deepEqual(tree, written, `cut at ${length}`);
    }
  });
});

describe("TCP's header line, written as bytes", () => {
  const registry = createRegistry();
  const ip = { src: '10.244.0.2', dst: '10.244.3.2' };
  const titles = (data: Uint8Array): [string | undefined, string | undefined] => {
    const meta: FrameMeta = { number: 1, sec: 0, nsec: 0, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0 };
    const pkt = dissect(data, meta, registry);
    const out = new TextBytes(64);
    writeTreeBytes(out, pkt, registry);
    const pick = (lines: string[]): string | undefined => lines.find((l) => l.startsWith('Transmission Control Protocol'));
    return [pick(out.buffer.toString('utf8', 0, out.length).split('\n')), pick(treeText(buildTree(pkt, registry, { ranges: false })))];
  };

  it('is the title text, whole or cut anywhere, for any ports, sequence number and length', () => {
    for (const [srcPort, dstPort, seq, body] of [
      [32768, 80, 1000, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n'],
      [0, 65535, 0xffffffff, ''],
      [443, 51234, 2 ** 31, 'x'.repeat(1400)],
    ] as const) {
      const frame = ethernet(
        { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', type: ETH_IPV4 },
        ipv4({ ...ip, proto: IPPROTO_TCP }, tcp({ srcPort, dstPort, seq, flags: 'PA', mss: 1460 }, ascii(body), ip)),
      );
      const [whole] = titles(frame);
      // As tshark titles a segment seen alone (raw numbers): the ACK flag is set, so the acknowledgment number is there (the builder's 0).
      assert.equal(whole, `Transmission Control Protocol, Src Port: ${srcPort}, Dst Port: ${dstPort}, Seq: ${seq}, Ack: 0, Len: ${body.length}`);
      for (let cut = 34; cut <= frame.length; cut++) {
        const [written, tree] = titles(frame.subarray(0, cut));
        assert.equal(written, tree, `cut at ${cut}`);
      }
    }
  });
});
