// tshark's column fields (_ws.col.Protocol, _ws.col.Info): the packet-list columns as
// fields, so -e and -Y can use them. They sit on the frame layer, which every packet has.
import type { Registry } from '../registry.js';
import { summarize } from '../summary.js';
import type { Dissector, FieldDef } from '../types.js';

export function columnFields(registry: Registry): Dissector {
  const column = (name: string, label: string, pick: 'protocol' | 'info' | 'source' | 'destination'): FieldDef => ({
    name,
    label,
    type: 'string',
    proto: 'frame',
    hidden: true,
    get: (p, l) => (l === p.layers[0] ? summarize(p, registry)[pick] : undefined),
  });
  return {
    proto: '_ws.col',
    name: 'Packet-list columns',
    short: 'Columns',
    fields: [
      column('_ws.col.Protocol', 'Protocol', 'protocol'),
      column('_ws.col.Info', 'Information', 'info'),
      column('_ws.col.Source', 'Source', 'source'),
      column('_ws.col.Destination', 'Destination', 'destination'),
    ],
    // Never reached by dissection: it only lends its fields to the frame layer.
    decode: () => undefined,
  };
}
