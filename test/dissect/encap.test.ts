// The encapsulation descriptors: every filter they name compiles against the registry (the UI
// once built `vxlan-gpe.vni`, a field that does not exist), their dissectors and table entries
// are registered, and the tunnel filter the UI builds for each kind is valid.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { ENCAPS, findTunnel, idText } from '../../src/dissect/encap/index.js';
import { dissect } from '../../src/dissect/dissect.js';
import { compileFilter } from '../../src/filter/index.js';
import { concat, ethernet, icmpEcho, ipv4, IPPROTO_ICMP, vxlanFrame } from '../fixtures/packet-builder.js';
import { INNER, OUTER } from '../helpers/built-frames.js';
import { tunnelFilter } from '../../src/ui/analysis-model.js';

const registry = createRegistry();

describe('encapsulation descriptors', () => {
  it('have distinct kinds and names', () => {
    assert.equal(new Set(ENCAPS.map((e) => e.kind)).size, ENCAPS.length);
    assert.equal(new Set(ENCAPS.map((e) => e.name)).size, ENCAPS.length);
  });

  it('IPIP behind a header the shared protocol table decodes as an IPv6 extension is still IPIP, as dissection says', () => {
    // IPv4 with protocol 60 (destination options), then an IPv4 header: crafted, but the facts must agree with the dissector.
    const innerIp = ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IPPROTO_ICMP }, icmpEcho({ type: 8, id: 1, seq: 1 }));
    const options = concat(Uint8Array.of(4, 0), new Uint8Array(6));
    const data = ethernet(
      { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', type: 0x0800 },
      ipv4({ src: '192.168.0.1', dst: '192.168.0.2', proto: 60 }, concat(options, innerIp)),
    );
    const pkt = dissect(data, { number: 1, sec: 0, nsec: 0, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0 }, registry);
    assert.deepEqual(pkt.layers.map((l) => l.proto).slice(0, 5), ['frame', 'eth', 'ip', 'ipv6.dstopts', 'ip']);
    assert.equal(findTunnel(pkt)?.encap.kind, 'ipip');
    assert.equal(pkt.layers[4]!.depth, 1);
  });

  for (const e of ENCAPS) {
    it(`${e.name}: its filter and id field exist, its dissectors and table entries are registered`, () => {
      assert.doesNotThrow(() => compileFilter(e.filter, registry), e.filter);
      if (e.id) assert.ok(registry.field(e.id.field), `${e.id.field} is not a field`);
      for (const d of e.dissectors) assert.equal(registry.dissector(d.proto), d);
      for (const r of e.recognise) {
        if ('table' in r) assert.equal(registry.lookup(r.table, r.key), r.proto, `${r.table} ${r.key}`);
        else assert.ok(registry.heuristicsFor(r.heuristic).includes(r.proto));
      }
      if (e.headerLayer) assert.ok(registry.dissector(e.headerLayer), e.headerLayer);
    });

    it(`${e.name}: the UI's tunnel filter compiles`, () => {
      for (const port of [0, 4789]) {
        const text = tunnelFilter({ kind: e.name, src: '10.0.0.1', dst: '10.0.0.2', vni: 5, hasId: e.id !== undefined, family: 4, port });
        assert.doesNotThrow(() => compileFilter(text, registry), text);
      }
    });
  }

  it('VXLAN-GPE tunnels filter on vxlan.vni, the field tshark files the GPE VNI under', () => {
    assert.equal(
      tunnelFilter({ kind: 'VXLAN-GPE', src: '10.0.0.1', dst: '10.0.0.2', vni: 7, hasId: true, family: 4, port: 4790 }),
      'outer.ip.src == 10.0.0.1 && outer.ip.dst == 10.0.0.2 && vxlan.vni == 7',
    );
  });

  it('one spelling of an id per kind', () => {
    const by = (name: string) => ENCAPS.find((e) => e.name === name);
    assert.equal(idText(by('GENEVE'), 5), 'VNI 5');
    assert.equal(idText(by('VXLAN'), 5), 'VNI 5');
    assert.equal(idText(by('GRE'), 40), 'key 0x00000028');
    assert.equal(idText(by('ESP'), 3), 'SPI 0x00000003');
    assert.equal(idText(by('IPIP'), undefined), '');
  });

  it("VXLAN reserved bits: the tree note and overlay.bad-header's check agree (D without G is reserved)", () => {
    const vxlanEncap = ENCAPS.find((e) => e.kind === 'vxlan')!;
    const frame = vxlanFrame({ outer: OUTER, vni: 9, inner: INNER }, { proto: IPPROTO_ICMP, bytes: icmpEcho({ type: 8, id: 1, seq: 1 }) });
    const at = 14 + 20 + 8;
    const cases: [flags: number, reserved: boolean][] = [
      [0x0800, false],
      [0x0840, true], // D bit without the Group Policy extension
      [0x8840, false], // with G, D is "Don't Learn"
      [0x0c00, true],
    ];
    for (const [flags, reserved] of cases) {
      const data = Uint8Array.from(frame);
      data[at] = flags >> 8;
      data[at + 1] = flags & 0xff;
      const pkt = dissect(data, { number: 1, sec: 0, nsec: 0, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0 }, registry);
      const i = pkt.layers.findIndex((l) => l.proto === 'vxlan');
      const noted = pkt.notes.some((n) => /VXLAN reserved/.test(n.message));
      const checked = (vxlanEncap.check?.(pkt, i) ?? []).some((x) => x.problem === 'vxlan-reserved');
      assert.deepEqual([noted, checked], [reserved, reserved], `flags 0x${flags.toString(16)}`);
    }
  });
});
