import { safeText } from '../text/escape.js';
import { displayValue } from './format.js';
import type { Registry } from './registry.js';
import type { FieldDef, Layer, Packet, TreeNode } from './types.js';
import { pushAll } from '../util/max.js';

function fieldNodes(pkt: Packet, layer: Layer, def: FieldDef): TreeNode[] {
  const v = def.get(pkt, layer);
  if (v === undefined) return [];
  const values = Array.isArray(v) ? v : [v];
  const range = def.range?.(pkt, layer) ?? [layer.start, 0];
  const each = values.length > 1 ? def.ranges?.(pkt, layer) : undefined;
  return values.map((value, i) => ({
    label: `${def.label}: ${safeText(displayValue(def, value))}`,
    field: def.name,
    start: each?.[i]?.[0] ?? range[0],
    length: each?.[i]?.[1] ?? (values.length === 1 ? range[1] : 0),
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
    // A sub-field with as many values as its parent pairs up with it value by value (the
    // class of the second GENEVE option goes under the second option); otherwise it goes
    // under the parent's last node.
    const byName = new Map<string, TreeNode[]>();
    for (const def of dis?.fields ?? []) {
      if (def.hidden || def.type === 'protocol' || def.proto !== layer.proto) continue;
      const children = fieldNodes(pkt, layer, def);
      const parents = def.parent ? byName.get(def.parent) : undefined;
      children.forEach((child, i) => {
        const parent = parents && (parents.length === children.length ? parents[i] : parents[parents.length - 1]);
        if (parent) (parent.children ??= []).push(child);
        else node.children!.push(child);
      });
      byName.set(def.name, children);
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
    if (n.children?.length) pushAll(out, treeText(n.children, indent + '    '));
  }
  return out;
}
