import { rd16 } from '../field-helpers.js';
import { erspan, erspanType } from '../layers/erspan.js';
import type { EncapDescriptor } from './types.js';

/** ERSPAN I/II/III in GRE: mirrored frames from a switch or a cloud traffic-mirroring session. */
export const erspanEncap: EncapDescriptor = {
  kind: 'erspan',
  name: 'ERSPAN',
  mirror: true,
  dissectors: [erspan],
  recognise: [
    { table: 'gre.proto', key: 0x88be, proto: 'erspan', note: 'type I (no GRE sequence) and II' },
    { table: 'gre.proto', key: 0x22eb, proto: 'erspan', note: 'type III' },
  ],
  headerLayer: 'erspan',
  isHeader: (p, i) => p.layers[i]!.proto === 'erspan',
  id: {
    label: 'session',
    field: 'erspan.spanid',
    read(p, at) {
      const l = p.layers[at]!;
      return erspanType(p, l) !== 1 && l.payload - l.start >= 4 ? rd16(p.data, l.start + 2) & 0x3ff : undefined;
    },
    format: String,
  },
  filter: 'erspan',
  carries: 'mirrored Ethernet frames',
  encrypted: false,
  // The GRE header below it is part of the overhead, the mirrored frame carries its own link layer.
  overhead: { fromLink: true },
};
