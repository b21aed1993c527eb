// Tab completion of field names in a display filter, against the registry's real vocabulary.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { compileFilter } from '../../src/filter/index.js';
import { completeField } from '../../src/filter/complete.js';

const registry = createRegistry();
const names = registry.fieldNames();

describe('completeField', () => {
  it('completes a unique field, and the result compiles', () => {
    const c = completeField('ip.s', 4, names)!;
    assert.deepEqual(c, { text: 'ip.src', cursor: 6, choices: [] });
    assert.doesNotThrow(() => compileFilter(`${c.text} == 10.0.0.1`, registry));
  });

  it('extends to what every match shares and lists the choices one level deep', () => {
    const c = completeField('vxlan.v', 7, names)!;
    assert.equal(c.text, 'vxlan.v');
    assert.deepEqual(c.choices, ['vxlan.ver', 'vxlan.vni']);
    const ip = completeField('ip', 2, names)!;
    assert.ok(ip.choices.includes('ip.src') && ip.choices.includes('ip.flags.…') && ip.choices.includes('ipv6.…'));
    assert.ok(!ip.choices.includes('ip.flags.df'), 'deeper names stay folded');
    // Every choice is a field, or stands for fields that exist.
    for (const ch of ip.choices)
      assert.ok(
        names.some((n) => n.startsWith(ch.replace(/…$/, ''))),
        ch,
      );
  });

  it('completes inside a longer filter and keeps what follows the cursor', () => {
    const text = 'tcp.port == 80 && udp.src == 53';
    const c = completeField(text, 'tcp.port == 80 && udp.src'.length, names)!;
    assert.equal(c.text, 'tcp.port == 80 && udp.srcport == 53');
    assert.equal(c.cursor, 'tcp.port == 80 && udp.srcport'.length);
  });

  it('knows the inner. and outer. shorthands', () => {
    assert.equal(completeField('inn', 3, names)!.text, 'inner.');
    assert.equal(completeField('inner.ip.ds', 11, names)!.text, 'inner.ip.ds');
    assert.deepEqual(completeField('outer.udp.dstp', 14, names), { text: 'outer.udp.dstport', cursor: 17, choices: [] });
  });

  it('leaves the text alone when nothing matches or there is no word', () => {
    assert.equal(completeField('zzz', 3, names), undefined);
    assert.equal(completeField('ip.src == ', 10, names), undefined);
  });
});
