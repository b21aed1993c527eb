// Address-pair keys: what rules use to compare flows, inner pairs and hop paths without text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AddrPairMap, AddrPairSet, parseAddr } from '../../src/analysis/addr.js';

const a = (text: string) => parseAddr(text)!;

describe('address pairs', () => {
  it('a map returns its values in the order they were first set, as the text-keyed Map did', () => {
    const m = new AddrPairMap<string>();
    m.set(a('10.0.0.1'), a('10.0.0.2'), 'first').set(a('10.0.0.3'), a('10.0.0.4'), 'second').set(a('10.0.0.1'), a('10.0.0.5'), 'third');
    m.set(a('10.0.0.3'), a('10.0.0.4'), 'second, replaced');
    assert.deepEqual([...m.values()], ['first', 'second, replaced', 'third']);
    assert.equal(m.get(a('10.0.0.1'), a('10.0.0.5')), 'third');
    assert.equal(m.get(a('10.0.0.5'), a('10.0.0.1')), undefined, 'ordered: the reverse pair is another key');
  });

  it('a set tells pairs apart by family and answers for text (hop paths) as for keys', () => {
    const s = new AddrPairSet().add(a('192.168.1.1'), a('fd00::1')).add(a('255.255.255.255'), a('0.0.0.0'));
    assert.ok(s.has(a('192.168.1.1'), a('fd00::1')));
    assert.ok(s.hasText('255.255.255.255', '0.0.0.0'));
    assert.ok(!s.hasText('0.0.0.0', '255.255.255.255'));
    assert.ok(!s.hasText('*', '0.0.0.0'), 'text that is no address matches nothing');
    assert.ok(!s.has(a('::ffff:192.168.1.1'), a('fd00::1')), 'an IPv4-mapped IPv6 address is not the IPv4 address');
  });
});
