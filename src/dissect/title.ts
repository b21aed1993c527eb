import { formatValue } from './format.js';
import type { Dissector, FieldDef, FieldTitle, FieldValue, Layer, Packet } from './types.js';

const partDefs = new WeakMap<FieldTitle, FieldDef[]>();

/** The fields a field title's parts show, in order (looked up once per dissector). */
export function titleFields(dis: Dissector, spec: FieldTitle): FieldDef[] {
  let defs = partDefs.get(spec);
  if (!defs) {
    defs = spec.parts.map(([, name]) => {
      const def = dis.fields.find((f) => f.name === name);
      if (!def) throw new Error(`${dis.proto}'s title names ${name}, which is not one of its fields`);
      return def;
    });
    partDefs.set(spec, defs);
  }
  return defs;
}

/** A layer's header line in the detail tree: its dissector's title, or its name. */
export function layerTitle(dis: Dissector | undefined, pkt: Packet, layer: Layer): string {
  if (!dis) return layer.proto;
  const spec = dis.fieldTitle;
  if (!spec) return dis.title?.(pkt, layer) ?? dis.name;
  if (layer.payload - layer.start < spec.minLength) return spec.text;
  const defs = titleFields(dis, spec);
  let text = spec.text;
  for (let i = 0; i < defs.length; i++) text += spec.parts[i]![0] + formatValue(defs[i]!, defs[i]!.get(pkt, layer) as FieldValue);
  return text;
}
