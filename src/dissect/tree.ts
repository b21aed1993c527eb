import { safeText } from '../text/escape.js';
import { displayValue } from './format.js';
import type { Registry } from './registry.js';
import { layerTitle } from './title.js';
import type { FieldDef, FieldValue, Layer, Packet, TreeNode } from './types.js';

const NO_RANGE: [number, number] = [0, 0];

const shownCache = new WeakMap<Registry, Map<string, readonly FieldDef[]>>();

/** For each of a layer's shown fields, by position: whether some field is under it, and whether its parent comes after it. */
interface Layout {
  isParent: boolean[];
  parentLater: boolean[];
}

const layouts = new WeakMap<readonly FieldDef[], Layout>();

/** The layer's parent-child layout, worked out once per field list (buildTree runs per packet). */
export function layoutOf(fields: readonly FieldDef[]): Layout {
  let out = layouts.get(fields);
  if (!out) {
    const parents = new Set(fields.map((f) => f.parent).filter((p) => p !== undefined));
    out = {
      isParent: fields.map((f) => parents.has(f.name)),
      parentLater: fields.map((f, i) => f.parent !== undefined && fields.findIndex((g) => g.name === f.parent) > i),
    };
    layouts.set(fields, out);
  }
  return out;
}

/** The fields a layer's tree shows, in order (worked out once per protocol, not per packet). */
export function shownFields(registry: Registry, proto: string): readonly FieldDef[] {
  let byProto = shownCache.get(registry);
  if (!byProto) shownCache.set(registry, (byProto = new Map()));
  let defs = byProto.get(proto);
  if (!defs) {
    const all = registry.dissector(proto)?.fields ?? [];
    defs = all.filter((def) => !def.hidden && def.type !== 'protocol' && def.proto === proto);
    byProto.set(proto, defs);
  }
  return defs;
}

/** One value's label: text values come from the capture; numbers, addresses and value names cannot hold escapes. */
function labelOf(def: FieldDef, value: unknown): string {
  if (def.type === 'none') return def.label;
  const shown = displayValue(def, value as FieldValue);
  return `${def.label}: ${typeof value === 'string' ? safeText(shown) : shown}`;
}

const NONE: TreeNode[] = [];

function fieldNodes(pkt: Packet, layer: Layer, def: FieldDef, ranges: boolean): TreeNode[] {
  const v = def.get(pkt, layer);
  if (v === undefined) return NONE;
  // Text output (ranges off) of a single value, the common case: no ranges, no closures.
  if (!ranges && !Array.isArray(v)) return [{ label: labelOf(def, v), field: def.name, start: 0, length: 0 }];
  const values = Array.isArray(v) ? v : [v];
  const range = ranges ? (def.range?.(pkt, layer) ?? [layer.start, 0]) : NO_RANGE;
  const each = ranges && values.length > 1 ? def.ranges?.(pkt, layer) : undefined;
  return values.map((value, i) => ({
    label: labelOf(def, value),
    field: def.name,
    start: each?.[i]?.[0] ?? range[0],
    length: each?.[i]?.[1] ?? (values.length === 1 ? range[1] : 0),
  }));
}

/**
 * The detail tree of one packet: a node per layer, its fields under it, sub-fields under their
 * parent. `ranges: false` leaves out the byte range of each field (all zero), for text output.
 */
export function buildTree(pkt: Packet, registry: Registry, opts: { ranges?: boolean } = {}): TreeNode[] {
  const ranges = opts.ranges ?? true;
  return pkt.layers.map((layer, index) => layerNode(pkt, layer, index, registry, ranges));
}

/** One layer's node of buildTree: its title, fields, names from the context and expert notes. */
export function layerNode(pkt: Packet, layer: Layer, index: number, registry: Registry, ranges: boolean): TreeNode {
  const dis = registry.dissector(layer.proto);
  const node: TreeNode = {
    label: safeText(layerTitle(dis, pkt, layer)),
    field: layer.proto,
    start: layer.start,
    length: (layer.proto === 'frame' ? layer.end : layer.payload) - layer.start,
    children: [],
  };
  // A sub-field with as many values as its parent pairs up with it value by value (the
  // class of the second GENEVE option goes under the second option); otherwise it goes
  // under the parent's last node.
  // A parent registered after its sub-field (ISAKMP's payloads come after the header's next
  // payload) takes the sub-field's nodes once every field is placed.
  const byName = new Map<string, TreeNode[]>();
  const later: { def: FieldDef; children: TreeNode[] }[] = [];
  const place = (def: FieldDef, children: TreeNode[]): void => {
    const parents = def.parent ? byName.get(def.parent) : undefined;
    const skip = def.firstAtTop ? 1 : 0;
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      const k = i - skip;
      const parent = k < 0 ? undefined : parents && (parents.length === children.length - skip ? parents[k] : parents[parents.length - 1]);
      if (parent) (parent.children ??= []).push(child);
      else node.children!.push(child);
    }
  };
  const fields = shownFields(registry, layer.proto);
  const { isParent, parentLater } = layoutOf(fields);
  for (let d = 0; d < fields.length; d++) {
    const def = fields[d]!;
    const children = fieldNodes(pkt, layer, def, ranges);
    if (children.length === 0) continue;
    if (isParent[d]) byName.set(def.name, children);
    if (!parentLater[d]) {
      place(def, children);
      continue;
    }
    if (def.firstAtTop) node.children!.push(children[0]!);
    later.push({ def, children });
  }
  for (const { def, children } of later) {
    const parents = byName.get(def.parent!) ?? [];
    const rest = def.firstAtTop ? children.slice(1) : children;
    rest.forEach((child, i) => {
      const parent = parents.length === rest.length ? parents[i] : parents[parents.length - 1];
      if (parent) (parent.children ??= []).unshift(child);
      else node.children!.push(child);
    });
  }
  const named = layer.quoted ? undefined : registry.naming?.layerTree(pkt, layer);
  if (named) node.children!.push(escapeTree(named));
  for (const n of pkt.notes) {
    if (n.layer === index) node.children!.push({ label: safeText(n.message), start: layer.start, length: 0 });
  }
  return node;
}

/** Names come from context files, not from vxshark: escaped like capture text. */
export function escapeTree(n: TreeNode): TreeNode {
  const out: TreeNode = { ...n, label: safeText(n.label) };
  if (n.children) out.children = n.children.map(escapeTree);
  return out;
}

/** The tree as indented text, as `-V` prints it (tree-bytes.ts writes the same text as bytes). */
export function treeText(nodes: TreeNode[], indent = ''): string[] {
  const out: string[] = [];
  writeTree(nodes, (line) => out.push(line), indent);
  return out;
}

/** treeText one line at a time, without building the array. */
export function writeTree(nodes: TreeNode[], line: (text: string) => void, indent = ''): void {
  for (const n of nodes) {
    line(indent + n.label);
    if (n.children?.length) writeTree(n.children, line, indent + '    ');
  }
}
