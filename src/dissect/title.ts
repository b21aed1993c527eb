import type { FixedGetter } from './field-helpers.js';
import { formatValue } from './format.js';
import type { Dissector, FieldDef, FieldValue, Layer, Packet } from './types.js';

const partDefs = new WeakMap<Dissector, FieldDef[]>();

/**
 * The fields the dissector's field title shows, in order (looked up once per dissector). Each
 * must be a fixed-offset field inside the title's minLength, so that a header that long always
 * has its value: anything else is a mistake in the dissector, reported at its first title.
 */
export function titleFields(dis: Dissector): FieldDef[] {
  let defs = partDefs.get(dis);
  if (!defs) {
    const spec = dis.fieldTitle!;
    defs = spec.parts.map(([, name]) => {
      const def = dis.fields.find((f) => f.name === name);
      if (!def) throw new Error(`${dis.proto}'s title names ${name}, which is not one of its fields`);
      const fixed = (def.get as FixedGetter).fixed;
      if (!fixed || fixed.offset + fixed.size > spec.minLength)
        throw new Error(`${dis.proto}'s title shows ${name}, which is not within its first ${spec.minLength} bytes`);
      return def;
    });
    partDefs.set(dis, defs);
  }
  return defs;
}

/** A layer's header line in the detail tree: its dissector's title, or its name. */
export function layerTitle(dis: Dissector | undefined, pkt: Packet, layer: Layer): string {
  if (!dis) return layer.proto;
  const spec = dis.fieldTitle;
  if (!spec) return dis.title?.(pkt, layer) ?? dis.name;
  if (layer.payload - layer.start < spec.minLength) return spec.text;
  const defs = titleFields(dis);
  let text = spec.text;
  for (let i = 0; i < defs.length; i++) text += spec.parts[i]![0] + formatValue(defs[i]!, defs[i]!.get(pkt, layer) as FieldValue);
  return text;
}
