import { safeText } from '../text/escape.js';
import { displayValue } from './format.js';
import type { Registry } from './registry.js';
import type { FieldDef, Layer, Packet, TreeNode } from './types.js';

function fieldNodes(pkt: Packet, layer: Layer, def: FieldDef): TreeNode[] {
  const v = def.get(pkt, layer);
  if (v === undefined) return [];
  const values = Array.isArray(v) ? v : [v];
  const range = def.range?.(pkt, layer) ?? [layer.start, 0];
  return values.map((value) => ({
    label: `${def.label}: ${safeText(displayValue(def, value))}`,
    field: def.name,
    start: range[0],
    length: values.length === 1 ? range[1] : 0,
  }));
}

/** The detail tree of one packet: a node per layer, its fields under it, sub-fields under their parent. */
export function buildTree(pkt: Packet, registry: Registry): TreeNode[] {
  return pkt.layers.map((layer, index) => {
    const dis = registry.dissector(layer.proto);
    const node: TreeNode = {
      label: safeText(dis?.title?.(pkt, layer) ?? dis?.name ?? layer.proto),
      field: layer.proto,
      start: layer.start,
      length: (layer.proto === 'frame' ? layer.end : layer.payload) - layer.start,
      children: [],
    };
    const byName = new Map<string, TreeNode>();
    for (const def of dis?.fields ?? []) {
      if (def.hidden || def.type === 'protocol' || def.proto !== layer.proto) continue;
      for (const child of fieldNodes(pkt, layer, def)) {
        const parent = def.parent ? byName.get(def.parent) : undefined;
        if (parent) (parent.children ??= []).push(child);
        else node.children!.push(child);
        byName.set(def.name, child);
      }
    }
    for (const n of pkt.notes) {
      if (n.layer === index) node.children!.push({ label: safeText(n.message), start: layer.start, length: 0 });
    }
    return node;
  });
}

/** The tree as indented text, as `-V` prints it. */
export function treeText(nodes: TreeNode[], indent = ''): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    out.push(indent + n.label);
    if (n.children?.length) out.push(...treeText(n.children, indent + '    '));
  }
  return out;
}
