// The field list is one registry: docs/fields.md is generated from it, `vxshark fields` and
// `-G fields` print it, and no protocol registers a name twice (tshark has one definition per
// name, and -T json keeps one value per key only when there is one definition).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fieldsMarkdown } from '../../src/cli/commands/fields.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { ENCAPS } from '../../src/dissect/encap/index.js';
import { vxshark } from '../helpers/cli.js';

const registry = createRegistry();

describe('field registry', () => {
  it('docs/fields.md is what `npm run docs:fields` writes now', () => {
    const file = readFileSync(new URL('../../docs/fields.md', import.meta.url), 'utf8');
    assert.ok(file === fieldsMarkdown(registry, ENCAPS), 'docs/fields.md is stale: run npm run docs:fields');
  });

  it('no field name is registered twice within one protocol', () => {
    const twice: string[] = [];
    for (const d of registry.allDissectors()) {
      const seen = new Set<string>();
      for (const f of d.fields) {
        const key = `${f.proto}|${f.name}`;
        if (seen.has(key)) twice.push(`${f.proto}: ${f.name}`);
        seen.add(key);
      }
    }
    assert.deepEqual(twice, []);
  });

  it('every field belongs to a registered protocol and has a type', () => {
    for (const name of registry.fieldNames()) {
      for (const f of registry.field(name)!) {
        assert.ok(registry.dissector(f.proto), `${name}: protocol ${f.proto} is not registered`);
        assert.ok(f.type, name);
      }
    }
  });

  it('vxshark fields gre lists the GRE fields with types and descriptions', async () => {
    const r = await vxshark(['fields', 'gre']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^gre\.key +FT_UINT +A four octet number inserted by the encapsulator$/m);
    assert.match(r.stdout, /^gre\.flags\.checksum +FT_BOOLEAN +Indicates if the Checksum field is present$/m);
    assert.doesNotMatch(r.stdout, /^vxlan/m);
  });

  it('vxshark -G fields prints every registered field once per protocol, tab-separated', async () => {
    const r = await vxshark(['-G', 'fields']);
    assert.equal(r.status, 0);
    const lines = r.stdout.trim().split('\n');
    const fieldLines = lines.filter((l) => l.startsWith('F\t'));
    const expected = registry.allDissectors().reduce((n, d) => n + d.fields.filter((f) => f.proto === d.proto && f.type !== 'protocol').length, 0);
    assert.equal(fieldLines.length, expected);
    assert.ok(fieldLines.includes('F\tESP SPI\tesp.spi\tFT_UINT\tesp\tBASE_HEX\tIP Encapsulating Security Payload Security Parameters Index'));
  });

  it('an unknown protocol: exit 2, one line', async () => {
    const r = await vxshark(['fields', 'nosuch']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^vxshark: unknown protocol "nosuch"; known: frame, /);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });
});
