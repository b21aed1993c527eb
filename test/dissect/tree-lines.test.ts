// -V's compiled layer writers (tree-lines.ts) choose each line's code from the field's type and
// options when they are made. The built-in dissectors use only some of those choices: here a
// made-up protocol has a field of every type and option, fixed and through getters, and the
// getters give values of every kind, so every choice is checked against the tree's text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import { bits, fieldsOf, ipv4At, ipv6At, macAt, protocolField, u16, u32, u8 } from '../../src/dissect/field-helpers.js';
import type { Registry } from '../../src/dissect/registry.js';
import { TextBytes } from '../../src/dissect/text-bytes.js';
import { stores } from '../../src/dissect/tree-lines.js';
import { buildTree, treeText } from '../../src/dissect/tree.js';
import { writeTreeBytes } from '../../src/dissect/tree-bytes.js';
import type { Dissector, FieldValue, FrameMeta } from '../../src/dissect/types.js';
import { ascii, ethernet, ETH_IPV4, IPPROTO_TCP, ipv4, tcp } from '../fixtures/packet-builder.js';
import { ExactRoom } from '../helpers/exact-room.js';
import { prng } from '../helpers/prng.js';

const ETHERTYPE = 0x88b5; // IEEE local experimental
const NAMES: Record<number, string> = { 0: 'Zero', 1: 'One', 300: 'Three hundred', 70000: 'Big', 4294967295: 'All ones', 7: 'Bell \u0007' };

/** What the getters give for the packet at hand, by field. */
let given: Record<string, unknown> = {};
const getter = (name: string) => ({ get: () => given[name] as FieldValue | undefined });

const GETTERS = [
  'u',
  'i',
  'hex',
  'treeHex',
  'named',
  'namedHex',
  'flag',
  'namedFlag',
  'label',
  'text',
  'raw',
  'plain',
  'mac',
  'v4',
  'v6',
  'when',
  'ratio',
  'child',
  'grandchild',
];

function synthetic(titleParts: [string, string][]): Dissector {
  return {
    proto: 'synth',
    name: 'Synthetic',
    short: 'SYNTH',
    fields: [
      protocolField('synth', 'Synthetic'),
      ...fieldsOf('synth', [
        ['synth.u', 'U', 'uint', getter('u')],
        ['synth.i', 'I', 'int', getter('i')],
        ['synth.hex', 'Hex', 'uint', { ...getter('hex'), hexDigits: 4 }],
        ['synth.treeHex', 'Tree hex', 'uint', { ...getter('treeHex'), hexDigits: 4, treeHexDigits: 3 }],
        ['synth.named', 'Named', 'uint', { ...getter('named'), names: NAMES }],
        ['synth.namedHex', 'Named hex', 'uint', { ...getter('namedHex'), names: NAMES, hexDigits: 2 }],
        ['synth.flag', 'Flag', 'bool', getter('flag')],
        ['synth.namedFlag', 'Named flag', 'bool', { ...getter('namedFlag'), names: { 0: 'Ingress', 1: 'Egress' } }],
        ['synth.label', 'Label only', 'none', getter('label')],
        ['synth.text', 'Text', 'string', getter('text')],
        ['synth.raw', 'Raw', 'bytes', getter('raw')],
        ['synth.plain', 'Plain', 'bytes', { ...getter('plain'), plainHex: true }],
        ['synth.mac', 'MAC', 'ether', getter('mac')],
        ['synth.v4', 'IPv4', 'ipv4', getter('v4')],
        ['synth.v6', 'IPv6', 'ipv6', getter('v6')],
        ['synth.when', 'When', 'time', getter('when')],
        ['synth.ratio', 'Ratio', 'float', getter('ratio')],
        ['synth.child', 'Child', 'uint', { ...getter('child'), parent: 'synth.u' }],
        ['synth.grandchild', 'Grandchild', 'uint', { ...getter('grandchild'), parent: 'synth.child', names: NAMES }],
        ['synth.f8', 'F8', 'uint', u8(0)],
        ['synth.f16', 'F16', 'uint', { ...u16(0), hexDigits: 4 }],
        ['synth.f32', 'F32', 'uint', u32(0)],
        ['synth.f32named', 'F32 named', 'uint', { ...u32(2), names: NAMES, treeHexDigits: 9 }],
        ['synth.fbits', 'F bits', 'uint', bits(0, 2, 0x0ff0)],
        ['synth.fbits32', 'F bits 32', 'int', { ...bits(0, 4, 0xfffffff0), hexDigits: 8 }],
        ['synth.fflag', 'F flag', 'bool', bits(0, 1, 0x80, true)],
        ['synth.fnamedFlag', 'F named flag', 'bool', { ...bits(0, 1, 0x40, true), names: { 0: 'Low', 1: 'High' } }],
        ['synth.fflagNumber', 'F flag as a number', 'uint', bits(0, 1, 0x80, true)],
        ['synth.fmac', 'F MAC', 'ether', macAt(0)],
        ['synth.fmacHex', 'F MAC hex', 'bytes', { ...macAt(0), plainHex: true }],
        ['synth.fmacNumber', 'F MAC as a number', 'uint', macAt(4)],
        ['synth.fv6', 'F IPv6', 'ipv6', ipv6At(0)],
        ['synth.fv4', 'F IPv4', 'ipv4', ipv4At(0)],
        ['synth.fv4hex', 'F IPv4 hex', 'ipv4', { ...ipv4At(0), treeHexDigits: 8 }],
        ['synth.fnamed', 'F named', 'uint', { ...u16(0), names: NAMES }],
        ['synth.flabel', 'F label', 'none', u8(0)],
        ['synth.ftext', 'F text', 'string', u8(0)],
        ['synth.fchild', 'F child', 'uint', { ...u8(20), parent: 'synth.fnamed' }],
      ]),
    ],
    decode(ctx, start, end) {
      ctx.push('synth', start, Math.min(end, start + 24), end);
      return undefined;
    },
    fieldTitle: { text: 'Synthetic', minLength: 16, parts: titleParts },
  };
}

function registryWith(dissector: Dissector): Registry {
  const registry = createRegistry();
  registry.add(dissector);
  registry.register('ethertype', ETHERTYPE, 'synth');
  return registry;
}

const meta = (length: number): FrameMeta => ({ number: 1, sec: 0, nsec: 0, capLen: length, origLen: length, linkType: 1, interfaceId: 0, direction: 0 });

/** The tree's text, or what stopped it. */
function attempt(write: () => string): string {
  try {
    return write();
  } catch (e) {
    return `threw: ${(e as Error).message}`;
  }
}

function compare(registry: Registry, data: Uint8Array, exactRoom: boolean): { tree: string; bytes: string } {
  const pkt = dissect(data, meta(data.length), registry);
  const tree = attempt(() => treeText(buildTree(pkt, registry, { ranges: false })).join('\n') + '\n');
  const bytes = attempt(() => {
    const out = exactRoom ? new ExactRoom(0) : new TextBytes(64);
    writeTreeBytes(out, pkt, registry);
    return out.buffer.toString('utf8', 0, out.length);
  });
  return { tree, bytes };
}

const ETH_HEADER = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ETHERTYPE >> 8, ETHERTYPE & 0xff];

/** Values a getter could give a field of any type. */
const ODD_VALUES: unknown[] = [
  undefined,
  0,
  -0,
  1,
  7,
  255,
  256,
  300,
  70000,
  -1,
  -5,
  1.5,
  NaN,
  Infinity,
  -Infinity,
  2 ** 32,
  4294967295,
  2 ** 53 + 2,
  1e21,
  -(2 ** 31),
  'text',
  'escape \u001b[31m',
  '300',
  true,
  false,
  new Uint8Array(0),
  new Uint8Array([1, 2, 255]),
  Uint8Array.from({ length: 16 }, (_, i) => i * 17),
  [],
  [7],
  [1, 2],
  ['\u0007'],
];

/** Whether a getter of this field could give this value without the tree itself failing on it. */
function fits(field: string, v: unknown): boolean {
  if (field === 'mac' || field === 'v6' || field === 'raw' || field === 'plain')
    return v === undefined || v instanceof Uint8Array || (Array.isArray(v) && v.length === 0);
  return !(v instanceof Uint8Array);
}

describe("-V's compiled layer writers", () => {
  it('write the tree text for every field type and option, fixed and through getters, whatever the values', () => {
    const titles: [string, string][][] = [
      [
        [', A: ', 'synth.f8'],
        [', B: ', 'synth.fmac'],
        [', C: ', 'synth.fv4'],
        [', D: ', 'synth.fflagNumber'],
        [', E: ', 'synth.fmacHex'],
        [', F: ', 'synth.f16'],
        [', G: ', 'synth.fbits32'],
        [', H: ', 'synth.fv6'],
        [', I: ', 'synth.fmacNumber'],
      ],
      [
        [', N: ', 'synth.fnamed'],
        [', X: ', 'synth.f32named'],
        [', Y: ', 'synth.fflag'],
        [', Z: ', 'synth.fv4hex'],
        [', L: ', 'synth.flabel'],
        [', T: ', 'synth.ftext'],
      ],
    ];
    const random = prng(0x5eed);
    let compared = 0;
    for (const parts of titles) {
      const registry = registryWith(synthetic(parts));
      for (let n = 0; n < 6000; n++) {
        given = {};
        for (const field of GETTERS) {
          if (random() < 0.5) continue;
          const v = ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
          if (fits(field, v)) given[field] = v;
        }
        const body = Array.from({ length: Math.floor(random() * 30) }, () => Math.floor(random() * 256));
        const { tree, bytes } = compare(registry, Uint8Array.from([...ETH_HEADER, ...body]), n % 2 === 0);
        if (tree.startsWith('threw')) continue;
        compared++;
        if (bytes !== tree) {
          const a = tree.split('\n');
          const b = bytes.split('\n');
          const k = a.findIndex((line, i) => b[i] !== line);
          assert.fail(
            `case ${n}, ${JSON.stringify(given, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}, ${body.length} bytes: line ${k + 1} is ${JSON.stringify(b[k])}, the tree's ${JSON.stringify(a[k])}`,
          );
        }
      }
    }
    assert.ok(compared > 10_000, `only ${compared} packets compared`);
  });

  it("write a boolean's own words where the field has them (Set and Not set elsewhere)", () => {
    const registry = registryWith(synthetic([]));
    const shown = (first: number, flag: boolean): string[] => {
      given = { flag, namedFlag: flag };
      const { tree, bytes } = compare(registry, Uint8Array.from([...ETH_HEADER, first, ...new Array<number>(23).fill(0)]), false);
      assert.equal(bytes, tree);
      return bytes.split('\n').filter((l) => /flag:/i.test(l) && !/as a number/.test(l));
    };
    assert.deepEqual(shown(0x40, true), ['    Flag: Set', '    Named flag: Egress', '    F flag: Not set', '    F named flag: High']);
    assert.deepEqual(shown(0x80, false), ['    Flag: Not set', '    Named flag: Ingress', '    F flag: Set', '    F named flag: Low']);
  });

  it('are made for a protocol whose name is no JavaScript name (a digit first, dots, dashes)', () => {
    for (const proto of ['6lowpan', 'a.b-c', '_', 'class']) {
      const registry = createRegistry();
      registry.add({
        proto,
        name: `Named ${proto}`,
        short: 'X',
        fields: [protocolField(proto, `Named ${proto}`), ...fieldsOf(proto, [[`${proto}.a`, 'A', 'uint', u8(0)]])],
        decode(ctx, start, end) {
          ctx.push(proto, start, Math.min(end, start + 2), end);
          return undefined;
        },
      });
      registry.register('ethertype', ETHERTYPE, proto);
      const { tree, bytes } = compare(registry, Uint8Array.from([...ETH_HEADER, 7, 8, 9]), false);
      assert.match(bytes, /^ {4}A: 7$/m, proto);
      assert.equal(bytes, tree, proto);
    }
  });

  it("follow a title given in place of TCP's own (which -V otherwise writes as bytes)", () => {
    const registry = createRegistry();
    registry.add({ ...registry.dissector('tcp')!, title: () => 'TCP, as titled again' });
    const ip = { src: '10.0.0.1', dst: '10.0.0.2' };
    const data = ethernet(
      { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', type: ETH_IPV4 },
      ipv4({ ...ip, proto: IPPROTO_TCP }, tcp({ srcPort: 1, dstPort: 2, seq: 3, flags: 'PA' }, ascii('hi'), ip)),
    );
    const { tree, bytes } = compare(registry, data, false);
    assert.match(bytes, /^TCP, as titled again$/m);
    assert.equal(bytes, tree);
  });

  it('are made again when a dissector is added again: its new title shows', () => {
    const registry = createRegistry();
    const data = Uint8Array.from([
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2,
    ]);
    const first = compare(registry, data, false);
    assert.equal(first.bytes, first.tree);
    registry.add({ ...registry.dissector('arp')!, title: () => 'ARP, as titled again' });
    const again = compare(registry, data, false);
    assert.match(again.tree, /^ARP, as titled again$/m);
    assert.equal(again.bytes, again.tree);
  });
});

describe("-V's constant stores", () => {
  const FILL = 0xa5;
  /** Runs the code stores() makes for `bytes` at offset 3 of a buffer of FILL: the whole buffer after, and where p ends. */
  function run(bytes: number[]): { written: number[]; end: number } {
    const buf = new Uint8Array(bytes.length + 16).fill(FILL);
    const dv = new DataView(buf.buffer);
    const end = new Function('buf', 'dv', 'p', `${stores(bytes)}return p;`)(buf, dv, 3) as number;
    return { written: [...buf], end };
  }
  /** What run() must give: the bytes at 3, FILL around them. */
  const expected = (bytes: number[]) => ({ written: [FILL, FILL, FILL, ...bytes, ...Array<number>(13).fill(FILL)], end: 3 + bytes.length });

  it('write exactly the given bytes and nothing around them, eight at a time where they are no NaN', () => {
    // Eight bytes that read as a double: -0, +/-Infinity, a NaN of each sign, the smallest denormal, 2^53.
    const special = [
      [0, 0, 0, 0, 0, 0, 0, 0x80],
      [0, 0, 0, 0, 0, 0, 0xf0, 0x7f],
      [0, 0, 0, 0, 0, 0, 0xf0, 0xff],
      [0, 0, 0, 0, 0, 0, 0xf8, 0x7f],
      [1, 2, 3, 4, 5, 6, 0xff, 0xff],
      [1, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0x40, 0x43],
    ];
    for (const bytes of special) {
      assert.deepEqual(run(bytes), expected(bytes), String(bytes));
      assert.equal(/setFloat64/.test(stores(bytes)), !Number.isNaN(new DataView(Uint8Array.from(bytes).buffer).getFloat64(0, true)), String(bytes));
    }
    const random = prng(41);
    for (let n = 0; n < 3000; n++) {
      const bytes = Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256));
      assert.deepEqual(run(bytes), expected(bytes), String(bytes));
    }
  });
});
