import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { FilterError } from '../../src/filter/errors.js';
import { parseFilter, type Expr } from '../../src/filter/parser.js';

const registry = createRegistry();

/** A compact rendering of the AST: fields with their layer, operators, literals as written. */
function show(e: Expr | undefined): string {
  if (!e) return '∅';
  switch (e.kind) {
    case 'and':
    case 'or':
    case 'xor':
      return `(${show(e.left)} ${e.kind} ${show(e.right)})`;
    case 'not':
      return `!${show(e.expr)}`;
    case 'exists':
      return field(e.field);
    case 'compare':
      return `${field(e.field)} ${e.op} ${e.value.field ? `@${field(e.value.field)}` : e.value.quoted ? JSON.stringify(e.value.text) : e.value.text}`;
    case 'in':
      return `${field(e.field)} ${e.negated ? 'not_in' : 'in'} {${e.items
        .map((i) => (i.kind === 'value' ? i.value.text : `${i.low.text}..${i.high.text}`))
        .join(',')}}`;
  }
}

function field(f: { name: string; layer?: { from: number; to: number } }): string {
  if (!f.layer) return f.name;
  return f.layer.from === f.layer.to ? `${f.name}#${f.layer.from}` : `${f.name}#[${f.layer.from}..${f.layer.to}]`;
}

const p = (text: string): string => show(parseFilter(text, registry));

function parseError(text: string): { message: string; column: number } {
  try {
    parseFilter(text, registry);
  } catch (e) {
    assert.ok(e instanceof FilterError, String(e));
    return { message: e.message, column: e.column };
  }
  assert.fail(`expected ${JSON.stringify(text)} to fail`);
}

describe('filter parser', () => {
  it('parses presence tests and comparisons in both spellings', () => {
    assert.equal(p('vxlan'), 'vxlan');
    assert.equal(p('ip.src == 10.0.0.1'), 'ip.src eq 10.0.0.1');
    assert.equal(p('ip.src eq 10.0.0.1'), 'ip.src eq 10.0.0.1');
    assert.equal(p('frame.len ge 0x100'), 'frame.len ge 0x100');
    assert.equal(p('ip.src != 10.0.0.1'), 'ip.src ne 10.0.0.1');
    assert.equal(p('tcp.port === 80'), 'tcp.port all_eq 80');
    assert.equal(p('tcp.port !== 80'), 'tcp.port any_ne 80');
    assert.equal(p('tcp.port any_eq 80 && tcp.port all_ne 81'), '(tcp.port eq 80 and tcp.port ne 81)');
    assert.equal(p('sll.ifname matches "^eth"'), 'sll.ifname matches "^eth"');
    assert.equal(p('sll.ifname ~ "^eth"'), 'sll.ifname matches "^eth"');
    assert.equal(p('tcp.flags & 0x02'), 'tcp.flags bitand 0x02');
    assert.equal(p('frame contains "GET"'), 'frame contains "GET"');
  });

  it('gives and precedence over xor over or, and not over all', () => {
    assert.equal(p('a || b && c'.replace(/[abc]/g, (x) => ({ a: 'ip', b: 'udp', c: 'tcp' })[x]!)), '(ip or (udp and tcp))');
    assert.equal(p('ip && udp || tcp'), '((ip and udp) or tcp)');
    assert.equal(p('ip or udp and tcp'), '(ip or (udp and tcp))');
    assert.equal(p('not ip and udp'), '(!ip and udp)');
    assert.equal(p('!(ip and udp)'), '!(ip and udp)');
    assert.equal(p('! ! vxlan'), '!!vxlan');
    assert.equal(p('ip xor udp or tcp'), '((ip xor udp) or tcp)');
    assert.equal(p('ip ^^ udp && tcp'), '(ip xor (udp and tcp))');
    assert.equal(p('ip || udp || tcp'), '((ip or udp) or tcp)');
    assert.equal(p('ip AND udp OR tcp'), '((ip and udp) or tcp)');
  });

  it('reads the layer operator and the inner./outer. shorthands', () => {
    assert.equal(p('ip.dst#1 == 1.2.3.4'), 'ip.dst#1 eq 1.2.3.4');
    assert.equal(p('ip.dst#2'), 'ip.dst#2');
    assert.equal(p('ip.dst#-1'), 'ip.dst#-1');
    assert.equal(p('ip.dst#[1-2]'), 'ip.dst#[1..2]');
    assert.equal(p('ip.dst#1-2'), 'ip.dst#[1..2]');
    assert.equal(p('ip.dst#[2:2]'), 'ip.dst#[2..3]');
    assert.equal(p('inner.ip.dst == 172.20.2.30'), 'ip.dst#-1 eq 172.20.2.30');
    assert.equal(p('outer.udp.dstport == 8472'), 'udp.dstport#1 eq 8472');
    assert.equal(p('inner.vxlan'), 'vxlan#-1');
  });

  it('keeps source positions', () => {
    const e = parseFilter('ip.src == 1.2.3.4 && ip.dst#2', undefined);
    assert.ok(e && e.kind === 'and' && e.left.kind === 'compare');
    assert.equal(e.pos, 18);
    assert.deepEqual([e.left.pos, e.left.opPos, e.left.value.pos, e.left.value.end], [0, 7, 10, 17]);
    assert.throws(() => parseFilter('ip.src == 1.2.3.4 && ip.dst#x'), /invalid layer "#x" at column 28/);
  });

  it('parses sets with commas, spaces and ranges', () => {
    assert.equal(p('tcp.port in {80, 443, 8000..8080}'), 'tcp.port in {80,443,8000..8080}');
    assert.equal(p('tcp.port in {80 443 8000..8080}'), 'tcp.port in {80,443,8000..8080}');
    assert.equal(p('tcp.port in {1 .. 10}'), 'tcp.port in {1..10}');
    assert.equal(p('tcp.port in {1.. 10,20 ..30}'), 'tcp.port in {1..10,20..30}');
    assert.equal(p('ip.addr in {10.0.0.5 .. 10.0.0.9, 192.168.1.1..192.168.1.9}'), 'ip.addr in {10.0.0.5..10.0.0.9,192.168.1.1..192.168.1.9}');
    assert.equal(p('sll.ifname in {"eth0" "eth1"}'), 'sll.ifname in {eth0,eth1}');
    assert.equal(p('tcp.port not in {22}'), 'tcp.port not_in {22}');
  });

  it('marks a right-hand word that names a field', () => {
    assert.equal(p('ip.src == ip.dst'), 'ip.src eq @ip.dst');
    assert.equal(p('inner.ip.src == outer.ip.dst'), 'ip.src#-1 eq @ip.dst#1');
    assert.equal(p('ip.src#1 == ip.src#2'), 'ip.src#1 eq @ip.src#2');
    assert.equal(p('sll.ifname == "ip.dst"'), 'sll.ifname eq "ip.dst"');
  });

  it('treats an empty filter as no filter', () => {
    assert.equal(parseFilter('', registry), undefined);
    assert.equal(parseFilter('   ', registry), undefined);
  });

  it('names unknown fields and offers the nearest', () => {
    assert.deepEqual(parseError('vxlan.vid == 5'), { message: 'unknown field "vxlan.vid" at column 1; did you mean vxlan.vni?', column: 1 });
    assert.deepEqual(parseError('vxlan.vid'), { message: 'unknown field "vxlan.vid" at column 1; did you mean vxlan.vni?', column: 1 });
    assert.deepEqual(parseError('ip && tcp.dstprt == 80'), { message: 'unknown field "tcp.dstprt" at column 7; did you mean tcp.dstport?', column: 7 });
    assert.deepEqual(parseError('inner.ip.dsst == 1.2.3.4'), { message: 'unknown field "ip.dsst" at column 7; did you mean ip.dst?', column: 7 });
    assert.deepEqual(parseError('zzzzzzzz'), { message: 'unknown field "zzzzzzzz" at column 1', column: 1 });
    assert.deepEqual(parseError('ip.src == ip.dts#2'), { message: 'unknown field "ip.dts" at column 11; did you mean ip.dst?', column: 11 });
    assert.deepEqual(parseError('10.0.0.1 == ip.src'), { message: '"10.0.0.1" at column 1 is not a field or protocol name', column: 1 });
  });

  it('reports a missing value where the value was expected', () => {
    assert.deepEqual(parseError('ip.src =='), { message: 'expected a value after "==" at column 10', column: 10 });
    assert.deepEqual(parseError('ip.src == && udp'), { message: 'expected a value after "==" at column 11', column: 11 });
    assert.deepEqual(parseError('(ip.src eq)'), { message: 'expected a value after "eq" at column 11', column: 11 });
    assert.deepEqual(parseError('ip.src contains'), { message: 'expected a value after "contains" at column 16', column: 16 });
  });

  it('reports a missing test after a logical operator', () => {
    assert.deepEqual(parseError('vxlan &&'), { message: 'expected a field or "(" after "&&" at column 9', column: 9 });
    assert.deepEqual(parseError('vxlan and or udp'), { message: 'expected a field or "(" after "and" at column 11', column: 11 });
    assert.deepEqual(parseError('&& udp'), { message: 'expected a field or "(" at column 1', column: 1 });
    assert.deepEqual(parseError('()'), { message: 'expected a field or "(" after "(" at column 2', column: 2 });
    assert.deepEqual(parseError('!'), { message: 'expected a field or "(" after "!" at column 2', column: 2 });
  });

  it('reports unbalanced parentheses', () => {
    assert.deepEqual(parseError('(vxlan && (udp)'), { message: 'unbalanced parentheses: "(" at column 1 is never closed', column: 1 });
    assert.deepEqual(parseError('vxlan)'), { message: 'unbalanced parentheses: ")" at column 6 has no matching "("', column: 6 });
    assert.deepEqual(parseError('(vxlan)) || udp'), { message: 'unbalanced parentheses: ")" at column 8 has no matching "("', column: 8 });
    assert.deepEqual(parseError(')'), { message: 'unbalanced parentheses: ")" at column 1 has no matching "("', column: 1 });
  });

  it('reports unknown operators', () => {
    assert.deepEqual(parseError('ip.src = 1.2.3.4'), { message: 'unknown operator "=" at column 8; did you mean "=="?', column: 8 });
    assert.deepEqual(parseError('ip | udp'), { message: 'unknown operator "|" at column 4; did you mean "||"?', column: 4 });
    assert.deepEqual(parseError('ip.src equals 1.2.3.4'), { message: 'unknown operator "equals" at column 8', column: 8 });
    assert.deepEqual(parseError('ip.src == 1.2.3.4 udp'), {
      message: 'unexpected "udp" at column 19; expected "and", "or" or the end of the filter',
      column: 19,
    });
    assert.deepEqual(parseError('vxlan udp'), { message: 'unexpected "udp" at column 7; expected "and", "or" or the end of the filter', column: 7 });
  });

  it('needs braces after "in" and a well-formed set', () => {
    assert.deepEqual(parseError('tcp.port in 80'), {
      message: 'expected "{" after "in" at column 13; write a set as {80, 443} or {8000..8080}',
      column: 13,
    });
    assert.deepEqual(parseError('tcp.port in'), {
      message: 'expected "{" after "in" at column 12; write a set as {80, 443} or {8000..8080}',
      column: 12,
    });
    assert.deepEqual(parseError('tcp.port in {80, 443'), { message: 'the set "{" at column 13 is never closed with "}"', column: 13 });
    assert.deepEqual(parseError('tcp.port in {}'), { message: 'empty set at column 13', column: 13 });
    assert.deepEqual(parseError('tcp.port in {80,,443}'), {
      message: 'unexpected "," at column 17 in a set; expected values separated by commas',
      column: 17,
    });
    assert.deepEqual(parseError('tcp.port in {80 && 443}'), {
      message: 'unexpected "&&" at column 17 in a set; expected values separated by commas',
      column: 17,
    });
    assert.deepEqual(parseError('tcp.port in {..80}'), { message: 'invalid range "..80" at column 14; expected LOW..HIGH such as 8000..8080', column: 14 });
    assert.deepEqual(parseError('tcp.port in {80..}'), { message: 'invalid range "80.." at column 14; expected LOW..HIGH such as 8000..8080', column: 14 });
  });

  it('rejects bad layer selectors', () => {
    const bad = (t: string, col: number) =>
      assert.deepEqual(parseError(t), {
        message: `invalid layer "${t.slice(col - 1).split(' ')[0]}" at column ${col}; use #1 for the outermost, #2 for the next, #-1 for the innermost, or a range #[1-2]`,
        column: col,
      });
    bad('ip.src#0 == 1.2.3.4', 7);
    bad('ip.src#x', 7);
    bad('ip.src#[3-1]', 7);
    bad('ip.src#', 7);
    assert.deepEqual(parseError('inner.ip.src#2'), { message: 'only one of inner., outer. and #N may select the layer (column 13)', column: 13 });
  });

  it('reads slices after a field (and its layer), and rejects bad ones', () => {
    const field = (t: string): { slice?: unknown; text: string; end: number } =>
      (parseFilter(t) as { field: { slice?: unknown; text: string; end: number } }).field;
    const f = field('eth.src[0:3] == 00:16:3e');
    assert.deepEqual([f.slice, f.text, f.end], [[[{ start: 0, length: 3 }]], 'eth.src[0:3]', 12]);
    assert.deepEqual(field('frame[1-2, -4:, :2, 7, 3:] == 00').slice, [
      [{ start: 1, last: 2 }, { start: -4 }, { start: 0, length: 2 }, { start: 7, length: 1 }, { start: 3 }],
    ]);
    assert.deepEqual(field('eth.src#2[-2--1]').slice, [[{ start: -2, last: -1 }]]);
    // As tshark reads them: spaces inside, hex and signed offsets, a slice of a slice.
    assert.deepEqual(field('eth.src[ 0 : 3 ][0x1][+0] == 16').slice, [[{ start: 0, length: 3 }], [{ start: 1, length: 1 }], [{ start: 0, length: 1 }]]);
    const expected = 'expected [OFFSET:LENGTH], [FIRST-LAST], [OFFSET], [:LENGTH] or [OFFSET:], such as eth.src[0:3]';
    assert.deepEqual(parseError('eth.src[x] == 00'), { message: `invalid slice "[x]" at column 8; ${expected}`, column: 8 });
    assert.deepEqual(parseError('eth.src[] == 00'), { message: `invalid slice "[]" at column 8; ${expected}`, column: 8 });
    assert.deepEqual(parseError('eth.src[:] == 00'), { message: `invalid slice "[:]" at column 8; ${expected}`, column: 8 });
    assert.deepEqual(parseError('eth.src[1:2:3] == 00'), { message: `invalid slice "[1:2:3]" at column 8; ${expected}`, column: 8 });
    assert.deepEqual(parseError('eth.src[0:3'), { message: 'the slice "[" at column 8 is never closed with "]"', column: 8 });
    const nothing = (t: string, why: string): void =>
      assert.deepEqual(parseError(`eth.src${t} == 00`), { message: `the slice "${t}" at column 8 selects nothing: ${why}`, column: 8 });
    nothing('[0:0]', 'its length 0 is not positive');
    nothing('[3-1]', 'its last offset 1 comes before its first 3');
    nothing('[1--2]', '1 and -2 count from different ends');
    nothing('[99999999999999999999]', '99999999999999999999 is too large');
    assert.deepEqual(parseError('eth.src[0:3] == eth.dst[0:3]'), {
      message: 'a slice can only be on the left of a comparison (column 24); compare it with bytes such as 00:16:3e',
      column: 24,
    });
  });

  it('reads ~= as !== (Wireshark 3.6 spelled it so)', () => {
    assert.equal((parseFilter('ip.src ~= 10.0.0.1') as { op: string }).op, 'any_ne');
    assert.equal((parseFilter('ip.src ~ "10"') as { op: string }).op, 'matches');
  });

  it('needs a quoted regular expression after matches', () => {
    assert.deepEqual(parseError('sll.ifname matches eth'), { message: '"matches" needs a double-quoted regular expression at column 20', column: 20 });
  });
});
