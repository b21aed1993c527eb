import type { FixedGetter, FixedRead } from './field-helpers.js';
import { boolText, displayValue, formatIpv6, formatValue } from './format.js';
import { fieldBytes, titleBytes, type FieldBytes } from './frame-bytes.js';
import type { Registry } from './registry.js';
import type { TextBytes } from './text-bytes.js';
import { compileLayer, type FieldTitleBytes, type LayerWriter } from './tree-lines.js';
import { layerTitle, titleFields } from './title.js';
import { escapeTree, layerNode, layoutOf, shownFields } from './tree.js';
import type { BytesTitle, Dissector, FieldDef, FieldValue, Layer, Packet, TreeNode } from './types.js';

// -V prints about a hundred lines a packet. Building them as tree nodes and label strings, then
// encoding them, cost most of -V's time; this writes the same text straight into bytes. A layer
// whose tree is not a plain nesting of single values (GENEVE options, a sub-field whose parent
// is absent) is still built by layerNode and written from its nodes, so the text is the same.

const INDENT = 0x20;
const NEWLINE = 0x0a;
const ENCODER = new TextEncoder();
const SET = ENCODER.encode('Set');
const NOT_SET = ENCODER.encode('Not set');

/** How one field list prints: the order of its fields in the text and each one's depth and pre-encoded head. */
interface Plan {
  /** False when the layout needs layerNode (a parent after its sub-field, first values at the top, repeated names). */
  plain: boolean;
  /** Field positions in printing order (each parent followed by its sub-fields). */
  order: number[];
  /** Position of each field's parent in the list, -1 at the top. */
  parent: number[];
  /** Each field's indent, label and ": " (the label alone for a field without a value), as bytes. */
  head: Uint8Array[];
  /** Each field's value names, encoded once as they are met. */
  names: (Map<number, Uint8Array> | undefined)[];
  /** What a fixed-offset field reads, to read it without calling its getter. */
  fixed: (FixedRead | undefined)[];
  /** Each field's whole lines for values below CACHED_VALUES, made once. */
  lines: (Uint8Array[] | undefined)[];
  /** Fields whose value is written straight into bytes (frame-bytes.ts) instead of read as text. */
  writers: (FieldBytes | undefined)[];
}

/** Values below this get their whole line cached (flags, lengths, types, TTLs, small ports). */
const CACHED_VALUES = 256;

const plans = new WeakMap<readonly FieldDef[], Plan>();

function planOf(fields: readonly FieldDef[]): Plan {
  let plan = plans.get(fields);
  if (plan) return plan;
  const { parentLater } = layoutOf(fields);
  const position = new Map<string, number>();
  let plain = !parentLater.includes(true) && !fields.some((f) => f.firstAtTop);
  for (let i = 0; i < fields.length; i++) {
    if (position.has(fields[i]!.name)) plain = false;
    position.set(fields[i]!.name, i);
  }
  const parent = fields.map((f) => (f.parent !== undefined ? (position.get(f.parent) ?? -1) : -1));
  const children = fields.map(() => [] as number[]);
  const order: number[] = [];
  const depth = fields.map(() => 1);
  const visit = (i: number, d: number): void => {
    order.push(i);
    depth[i] = d;
    for (const c of children[i]!) visit(c, d + 1);
  };
  parent.forEach((p, i) => {
    if (p >= 0) children[p]!.push(i);
  });
  parent.forEach((p, i) => {
    if (p < 0) visit(i, 1);
  });
  const head = fields.map((f, i) => ENCODER.encode('    '.repeat(depth[i]!) + (f.type === 'none' ? f.label : `${f.label}: `)));
  plan = {
    plain: plain && order.length === fields.length,
    order,
    parent,
    head,
    names: fields.map(() => undefined),
    fixed: fields.map((f) => (f.get as FixedGetter).fixed),
    lines: fields.map(() => undefined),
    writers: fields.map((f) => fieldBytes.get(f.name)),
  };
  plans.set(fields, plan);
  return plan;
}

function isWhole(v: number): boolean {
  return v >= 0 && v <= Number.MAX_SAFE_INTEGER && Math.floor(v) === v;
}

/** The value as formatValue writes it, straight into bytes. */
function writeValue(out: TextBytes, def: FieldDef, v: FieldValue): void {
  switch (def.type) {
    case 'ipv4':
      out.ipv4(v as number);
      return;
    case 'ether':
      // formatMac's six pairs; no getter gives other lengths, but the text must not depend on it.
      if ((v as Uint8Array).length !== 6) {
        out.text(formatValue(def, v));
        return;
      }
      out.hexPairs(v as Uint8Array, 0, 6, 0x3a);
      return;
    case 'bytes':
      out.hexPairs(v as Uint8Array, 0, (v as Uint8Array).length, def.plainHex ? -1 : 0x3a);
      return;
    case 'ipv6':
      out.text(formatIpv6(v as Uint8Array));
      return;
    case 'uint':
    case 'int':
      if (def.hexDigits) out.hex(v as number, def.hexDigits);
      else if (typeof v === 'number' && isWhole(v)) out.decimal(v);
      else out.text(String(v));
      return;
    default:
      out.text(formatValue(def, v));
  }
}

/** One field line after its head: the value as displayValue shows it, escaped where it is capture text. */
function writeLine(out: TextBytes, plan: Plan, index: number, def: FieldDef, v: FieldValue, data: Uint8Array): void {
  // Most lines are a flag, a length or a type: a small number or a boolean, whose whole line is kept once made.
  // A boolean shares its line with 0 or 1 only in a bool field, where both print as Set or Not set.
  const key = typeof v === 'boolean' ? (def.type === 'bool' ? +v : -1) : typeof v === 'number' && v >= 0 && v < CACHED_VALUES && (v | 0) === v ? v : -1;
  if (key >= 0) {
    const lines = (plan.lines[index] ??= []);
    const line = lines[key];
    if (line) {
      out.bytes(line);
      return;
    }
    const from = out.length;
    writeFreshLine(out, plan, index, def, v, data);
    lines[key] = new Uint8Array(out.buffer.subarray(from, out.length));
    return;
  }
  writeFreshLine(out, plan, index, def, v, data);
}

function writeFreshLine(out: TextBytes, plan: Plan, index: number, def: FieldDef, v: FieldValue, data: Uint8Array): void {
  out.bytes(plan.head[index]!);
  if (v === BYTES_AT) {
    const p = at[index]!;
    const size = plan.fixed[index]!.size;
    if (def.type === 'ipv6') out.text(formatIpv6(data.subarray(p, p + size)));
    else if (def.type === 'ether' || def.type === 'bytes') out.hexPairs(data, p, p + size, def.type === 'bytes' && def.plainHex ? -1 : 0x3a);
    else out.safe(displayValue(def, data.subarray(p, p + size)));
    out.byte(NEWLINE);
    return;
  }
  if (def.type === 'none') {
    out.byte(NEWLINE);
    return;
  }
  if (def.type === 'bool') {
    if (def.names) out.text(boolText(def, Boolean(v)));
    else out.bytes(v ? SET : NOT_SET);
    out.byte(NEWLINE);
    return;
  }
  if (typeof v === 'string') {
    out.safe(formatValue(def, v));
    out.byte(NEWLINE);
    return;
  }
  const name = typeof v === 'number' && def.names ? def.names[v] : undefined;
  if (name) {
    const names = (plan.names[index] ??= new Map());
    let encoded = names.get(v as number);
    if (!encoded) names.set(v as number, (encoded = ENCODER.encode(`${name} (`)));
    out.bytes(encoded);
  }
  if (def.treeHexDigits && typeof v === 'number') out.hex(v, def.treeHexDigits);
  else writeValue(out, def, v);
  if (name) out.byte(0x29);
  out.byte(NEWLINE);
}

function writeNodes(out: TextBytes, nodes: readonly TreeNode[], depth: number): void {
  for (const n of nodes) {
    out.room(4 * depth);
    for (let i = 0; i < 4 * depth; i++) out.buffer[out.length++] = INDENT;
    out.text(n.label);
    out.byte(NEWLINE);
    if (n.children?.length) writeNodes(out, n.children, depth + 1);
  }
}

/** The value of a fixed-offset bytes field (a MAC or IPv6 address): its bytes start at `at[i]` of the packet's data. */
const BYTES_AT = new Uint8Array(0);
/** The value of a field its writer puts into bytes (plan.writers): the compiled writer calls the writer itself. */
const WRITTEN = new Uint8Array(0);
const values: (FieldValue | undefined)[] = [];
const at: number[] = [];

/** What writeLayer needs for one protocol, looked up once per registry instead of per layer. */
interface LayerPlan {
  fields: readonly FieldDef[];
  plan: Plan;
  dissector: Dissector | undefined;
  /** The dissector's field title, when all its fields are shown. */
  title: FieldTitleBytes | undefined;
  titleWriter: ((out: TextBytes, pkt: Packet, layer: Layer) => void) | undefined;
  /** Reads and writes a plain layer, made the first time one is met (tree-lines.ts). */
  write?: LayerWriter;
}

/** Per registry, its revision when its plans were made, and the plans by protocol. */
const layerPlans = new WeakMap<Registry, { revision: number; plans: Map<string, LayerPlan> }>();
let lastRegistry: Registry | undefined;
let lastRevision = -1;
let lastPlans = new Map<string, LayerPlan>();

function layerPlan(registry: Registry, proto: string): LayerPlan {
  if (registry !== lastRegistry || registry.revision !== lastRevision) {
    let known = layerPlans.get(registry);
    // A dissector added again (a library user's) may have another title or fields: plan again.
    if (!known || known.revision !== registry.revision) layerPlans.set(registry, (known = { revision: registry.revision, plans: new Map() }));
    lastRegistry = registry;
    lastRevision = registry.revision;
    lastPlans = known.plans;
  }
  let lp = lastPlans.get(proto);
  if (!lp) {
    const fields = shownFields(registry, proto);
    const dissector = registry.dissector(proto);
    const titleInto = (dissector?.title as Partial<BytesTitle> | undefined)?.into;
    lp = { fields, plan: planOf(fields), dissector, title: fieldTitleBytes(dissector, fields), titleWriter: titleBytes.get(proto) ?? titleInto };
    lastPlans.set(proto, lp);
  }
  return lp;
}

/** One layer's lines of the -V text. */
function writeLayer(out: TextBytes, pkt: Packet, layer: Layer, index: number, registry: Registry): void {
  const lp = layerPlan(registry, layer.proto);
  const written = lp.plan.plain && (lp.write ??= compileWriter(layer.proto, lp))(out, pkt, layer);
  if (!written) {
    writeNodes(out, [layerNode(pkt, layer, index, registry, false)], 0);
    return;
  }
  const named = layer.quoted ? undefined : registry.naming?.layerTree(pkt, layer);
  if (named) writeNodes(out, [escapeTree(named)], 1);
  for (const n of pkt.notes) {
    if (n.layer === index) {
      out.bytes(INDENTED);
      out.safe(n.message);
      out.byte(NEWLINE);
    }
  }
}

/** Writes nothing and says so: the layer is then written from its tree nodes. */
const NOT_COMPILED: LayerWriter = () => false;

function compileWriter(proto: string, lp: LayerPlan): LayerWriter {
  try {
    return compileLayerWriter(proto, lp);
  } catch (e) {
    // Node run with --disallow-code-generation-from-strings: -V is slower, not different.
    if (e instanceof EvalError) return NOT_COMPILED;
    throw e;
  }
}

function compileLayerWriter(proto: string, lp: LayerPlan): LayerWriter {
  const { fields, plan, dissector, title, titleWriter } = lp;
  return compileLayer({
    proto,
    fields,
    order: plan.order,
    parent: plan.parent,
    head: plan.head,
    fixed: plan.fixed,
    lines: plan.lines,
    writers: plan.writers,
    fieldTitle: title,
    line: (out, i, v, data) => writeLine(out, plan, i, fields[i]!, v, data),
    title: (out, pkt, layer) => {
      if (title) writeFieldTitle(out, title, layer, plan, fields, pkt.data);
      else if (titleWriter) titleWriter(out, pkt, layer);
      else out.safe(layerTitle(dissector, pkt, layer));
      out.byte(NEWLINE);
    },
    titleValue: (out, i, v, data) => writeTitleValue(out, fields[i]!, plan.fixed[i], i, v, data),
    values,
    at,
    bytesAt: BYTES_AT,
    written: WRITTEN,
  });
}

const INDENTED = ENCODER.encode('    ');

/** The dissector's field title as bytes; undefined when it has none, or a part's field is not shown (its value is not read then). */
function fieldTitleBytes(dis: Dissector | undefined, fields: readonly FieldDef[]): FieldTitleBytes | undefined {
  const spec = dis?.fieldTitle;
  if (!spec) return undefined;
  const positions = titleFields(dis).map((def) => fields.indexOf(def));
  if (positions.includes(-1)) return undefined;
  return { text: ENCODER.encode(spec.text), minLength: spec.minLength, prefixes: spec.parts.map(([prefix]) => ENCODER.encode(prefix)), positions };
}

/** layerTitle's text for a field title, from the values the layer's writer left (titleFields makes sure a whole header has them). */
function writeFieldTitle(out: TextBytes, title: FieldTitleBytes, layer: Layer, plan: Plan, fields: readonly FieldDef[], data: Uint8Array): void {
  out.bytes(title.text);
  if (layer.payload - layer.start < title.minLength) return;
  for (let k = 0; k < title.positions.length; k++) {
    const i = title.positions[k]!;
    out.bytes(title.prefixes[k]!);
    writeTitleValue(out, fields[i]!, plan.fixed[i], i, values[i]!, data);
  }
}

function writeTitleValue(out: TextBytes, def: FieldDef, fx: FixedRead | undefined, i: number, v: FieldValue, data: Uint8Array): void {
  if (v !== BYTES_AT) writeValue(out, def, v);
  else if (def.type === 'ether') out.hexPairs(data, at[i]!, at[i]! + fx!.size, 0x3a);
  else out.safe(formatValue(def, data.subarray(at[i]!, at[i]! + fx!.size)));
}

/** The packet's detail tree as -V prints it (treeText of buildTree without ranges), each line ending in a newline. */
export function writeTreeBytes(out: TextBytes, pkt: Packet, registry: Registry): void {
  const layers = pkt.layers;
  for (let i = 0; i < layers.length; i++) writeLayer(out, pkt, layers[i]!, i, registry);
}
