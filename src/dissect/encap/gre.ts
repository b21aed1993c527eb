import { rd32 } from '../field-helpers.js';
import { cmd, gre, greLayout } from '../layers/gre.js';
import { hex } from './common.js';
import type { EncapDescriptor } from './types.js';

/** GRE (IP protocol 47) with its optional checksum, key and sequence number; ERSPAN has its own descriptor. */
export const greEncap: EncapDescriptor = {
  kind: 'gre',
  name: 'GRE',
  dissectors: [gre, cmd],
  recognise: [
    { table: 'ip.proto', key: 47, proto: 'gre' },
    { table: 'gre.proto', key: 0x6558, proto: 'eth', note: 'transparent Ethernet bridging (gretap)' },
    { table: 'gre.proto', key: 0x8909, proto: 'cmd', note: 'Cisco MetaData' },
  ],
  headerLayer: 'gre',
  isHeader: (p, i) => p.layers[i]!.proto === 'gre' && p.layers[i + 1]?.proto !== 'erspan',
  id: {
    label: 'key',
    field: 'gre.key',
    read(p, at) {
      const l = p.layers[at]!;
      if (l.payload - l.start < 4) return undefined;
      const g = greLayout(p.data, l.start);
      return (g.flags & 7) === 0 && g.key >= 0 && g.key + 4 <= l.payload ? rd32(p.data, g.key) : undefined;
    },
    format: (v) => hex(v, 8),
  },
  filter: 'gre && !erspan',
  carries: 'what its protocol type names: IPv4, IPv6, Ethernet (0x6558), ...',
  encrypted: false,
  overhead: { fromLink: false },
};
