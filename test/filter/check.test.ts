// checkFilter runs on every keystroke: every prefix of a filter, and any garbage, must give
// either ok or a message with a column inside the text (+1 for "at the end"), never a crash.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { checkFilter } from '../../src/filter/index.js';

const registry = createRegistry();

const FILTERS = [
  'inner.ip.dst == 172.20.2.30 && vxlan.vni == 100',
  'sll.ifname == "eth0" && sll.pkttype == 4',
  'ip.addr#2 == 10.0.0.0/8 || !(tcp.port in {80, 443, 8000..8080})',
  'ipv6.addr == fd00::/8 and eth.src == aa-bb-cc-dd-ee-ff',
  String.raw`frame matches "(?-i)GET /\x41" xor tcp.payload contains 47:45:54`,
  "tcp.flags & 0x02 and frame.len >= '\\n' and ip.dst#[1-2] != ip.src#-1",
  'frame.time_epoch > 1700000000.5 && udp.port in {53 5353} && not arp',
];

function valid(text: string): void {
  const r = checkFilter(text, registry);
  if (!r.ok) {
    assert.ok(r.column >= 1 && r.column <= text.length + 1, `${JSON.stringify(text)}: column ${r.column}`);
    assert.match(r.message, /column \d+/, text);
  }
}

describe('checkFilter while typing', () => {
  it('accepts the complete filters', () => {
    for (const f of FILTERS) assert.deepEqual(checkFilter(f, registry), { ok: true }, f);
  });

  it('answers every prefix of them with ok or a positioned message', () => {
    for (const f of FILTERS) for (let n = 0; n <= f.length; n++) valid(f.slice(0, n));
  });

  it('never crashes on random input', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const pieces = [
      'ip.src',
      'vxlan',
      '==',
      '!=',
      '&&',
      '||',
      '!',
      '(',
      ')',
      '{',
      '}',
      '..',
      ',',
      '#',
      '-1',
      '[',
      ']',
      '"x"',
      '"',
      "'a'",
      '1.2.3.4/8',
      'fd00::',
      'aa:bb',
      'in',
      'not',
      'contains',
      'matches',
      '~',
      '&',
      '0x1',
      ' ',
      'inner.',
      'tcp.port',
      '\\',
      'é',
    ];
    for (let k = 0; k < 3000; k++) {
      let s = '';
      const len = 1 + rand(8);
      for (let i = 0; i < len; i++) s += pieces[rand(pieces.length)] + (rand(2) ? ' ' : '');
      valid(s);
    }
  });
});
