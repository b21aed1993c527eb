import { formatValue } from '../../dissect/format.js';
import type { Registry } from '../../dissect/registry.js';
import type { Packet } from '../../dissect/types.js';
import type { PacketSummary } from '../../dissect/summary.js';
import { safeText } from '../../text/escape.js';

/** `-T json`: one object per packet with its layers (outer first) and every field's values. */
export function packetJson(pkt: Packet, registry: Registry, summary: PacketSummary): object {
  return {
    number: pkt.frame.number,
    summary,
    layers: pkt.layers.map((layer) => {
      const fields: Record<string, string | string[]> = {};
      for (const def of registry.dissector(layer.proto)?.fields ?? []) {
        if (def.type === 'protocol' || def.proto !== layer.proto) continue;
        const v = def.get(pkt, layer);
        if (v === undefined) continue;
        if (Array.isArray(v)) {
          if (v.length) fields[def.name] = v.map((x) => (def.type === 'none' ? '' : safeText(formatValue(def, x))));
        } else fields[def.name] = def.type === 'none' ? '' : safeText(formatValue(def, v));
      }
      return {
        protocol: layer.proto,
        offset: layer.start,
        headerLength: layer.payload - layer.start,
        length: layer.end - layer.start,
        depth: layer.depth,
        fields,
      };
    }),
    notes: pkt.notes.map((n) => ({ severity: n.severity, message: n.message, layer: pkt.layers[n.layer]?.proto })),
  };
}
