import type { Registry } from './registry.js';
import type { FieldDef, FieldValue, Layer, Packet } from './types.js';

export interface Occurrence {
  def: FieldDef;
  layer: Layer;
  layerIndex: number;
  value: FieldValue;
}

/** Every value of a field in a packet, outermost layer first (the order tshark prints them). */
export function fieldOccurrences(pkt: Packet, defs: readonly FieldDef[]): Occurrence[] {
  const out: Occurrence[] = [];
  const layers = pkt.layers;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    for (const def of defs) {
      if (def.proto !== layer.proto) continue;
      const v = def.get(pkt, layer);
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const x of v) out.push({ def, layer, layerIndex: i, value: x });
      else out.push({ def, layer, layerIndex: i, value: v });
    }
  }
  return out;
}

export function fieldValues(pkt: Packet, registry: Registry, name: string): FieldValue[] {
  const defs = registry.field(name);
  return defs ? fieldOccurrences(pkt, defs).map((o) => o.value) : [];
}
