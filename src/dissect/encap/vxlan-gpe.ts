import { rd24 } from '../field-helpers.js';
import { nsh, vxlanGpe } from '../layers/vxlan-gpe.js';
import { layerIs } from './common.js';
import type { EncapDescriptor } from './types.js';

export const vxlanGpeEncap: EncapDescriptor = {
  kind: 'vxlan-gpe',
  name: 'VXLAN-GPE',
  dissectors: [vxlanGpe, nsh],
  recognise: [
    { table: 'udp.port', key: 4790, proto: 'vxlan-gpe', note: 'IANA' },
    { table: 'ethertype', key: 0x894f, proto: 'nsh', note: 'NSH' },
  ],
  headerLayer: 'vxlan-gpe',
  isHeader: layerIs('vxlan-gpe'),
  // tshark files the GPE header under the vxlan protocol, so its VNI is vxlan.vni too.
  id: {
    label: 'VNI',
    field: 'vxlan.vni',
    read: (p, at) => (p.layers[at]!.payload - p.layers[at]!.start >= 8 ? rd24(p.data, p.layers[at]!.start + 4) : undefined),
    format: String,
  },
  filter: 'vxlan.next_proto',
  carries: 'IPv4, IPv6, Ethernet or NSH (by its next-protocol field)',
  encrypted: false,
  overhead: { fromLink: false },
  innerProtocol: (p, at) => `next protocol ${p.data[p.layers[at]!.start + 3]}`,
};
