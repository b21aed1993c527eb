import { msg } from '../../errors.js';
import { rd16, rd24 } from '../field-helpers.js';
import { geneve, geneveOptions } from '../layers/geneve.js';
import { hex, layerIs } from './common.js';
import type { EncapDescriptor, HeaderFinding } from './types.js';

/**
 * Option classes IANA has handed to implementations live low in the space (0x0100 Linux,
 * 0x0101 Open vSwitch, 0x0102 OVN, then VMware, Amazon, Cisco, Oracle, Google...). A critical
 * option from the experimental range (0xfff0-0xffff) or an unassigned class is one most
 * receivers will not understand, so they must drop the packet.
 */
function knownClass(cls: number): boolean {
  return cls < 0x0200;
}

export const geneveEncap: EncapDescriptor = {
  kind: 'geneve',
  name: 'GENEVE',
  dissectors: [geneve],
  recognise: [{ table: 'udp.port', key: 6081, proto: 'geneve', note: 'IANA (Antrea, OVN-Kubernetes, Cilium)' }],
  headerLayer: 'geneve',
  isHeader: layerIs('geneve'),
  id: {
    label: 'VNI',
    field: 'geneve.vni',
    read: (p, at) => (p.layers[at]!.payload - p.layers[at]!.start >= 8 ? rd24(p.data, p.layers[at]!.start + 4) : undefined),
    format: String,
  },
  filter: 'geneve',
  carries: 'Ethernet, or the protocol its type field names',
  encrypted: false,
  overhead: { fromLink: true },
  check(p, at) {
    const l = p.layers[at]!;
    const d = p.data;
    const s = l.start;
    if (l.payload - s < 8) return [];
    const out: HeaderFinding[] = [];
    const version = d[s]! >> 6;
    if (version !== 0) out.push({ problem: 'geneve-version', detail: String(version) });
    if ((d[s + 1]! & 0x3f) !== 0 || d[s + 7] !== 0) out.push({ problem: 'geneve-reserved', detail: `flags ${hex(d[s + 1]!, 2)}` });
    const cBit = (d[s + 1]! & 0x40) !== 0;
    if (cBit || l.payload - s > 8) {
      const critical = geneveOptions(p, l).filter((o) => (o.type & 0x80) !== 0);
      if (cBit !== critical.length > 0) out.push({ problem: 'geneve-c-bit', detail: cBit ? 'C set, no critical option' : 'critical option, C clear' });
      for (const o of critical) if (!knownClass(o.cls)) out.push({ problem: 'geneve-critical', detail: `class ${hex(o.cls, 4)} type ${hex(o.type, 2)}` });
    }
    return out;
  },
  innerProtocol: (p, at) => hex(rd16(p.data, p.layers[at]!.start + 2), 4),
  cni: ({ port }) => ({ cni: 'Antrea or OVN-Kubernetes', confidence: port === 6081 ? 'likely' : 'possible', reason: msg.hintGeneve(port) }),
};
