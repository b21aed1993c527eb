// vxshark as a library: open a capture, dissect its frames, filter them, analyze the whole.
// Everything here is also what the command line and the terminal UI use.
import { loadCapture, type Capture, type LoadOptions } from './capture/capture.js';
import { createRegistry } from './dissect/default-registry.js';
import { dissect as dissectBytes } from './dissect/dissect.js';
import { frameMeta } from './dissect/frame-meta.js';
import type { Registry } from './dissect/registry.js';
import type { Packet } from './dissect/types.js';

export { analyze, type AnalysisOptions, type AnalysisResult, type Alert, type Flow, type Hops, type Tunnel } from './analysis/index.js';
export { Capture, type LoadOptions } from './capture/capture.js';
export type { CaptureFormat, CaptureInfo, CaptureInterface } from './capture/types.js';
export { createRegistry } from './dissect/default-registry.js';
export { dissect as dissectBytes } from './dissect/dissect.js';
export { Registry, parseDecodeAs, type DecodeAsRule, type RegistryOptions } from './dissect/registry.js';
export { summarize, type PacketSummary } from './dissect/summary.js';
export { buildTree, treeText } from './dissect/tree.js';
export type { FieldDef, FieldValue, FrameMeta, Layer, Packet, TreeNode } from './dissect/types.js';
export { fieldValues } from './dissect/values.js';
export { checkFilter, compileFilter, FilterError } from './filter/index.js';
export { VxError } from './errors.js';

/**
 * Reads a pcap or pcapng file ("-" for standard input) and indexes its frames. Rejects with
 * a VxError when the input is not a capture; corruption after the header is kept on
 * `capture.error` with every frame before it.
 */
export function openCapture(path: string, options: LoadOptions = {}): Promise<Capture> {
  return loadCapture(path, options);
}

export interface DissectOptions {
  /** Dissector chain; defaults to vxshark's (VXLAN on 8472/4789, GENEVE on 6081). */
  registry?: Registry;
  /** Names for SLL2 interface indexes (from `ip -o link`). */
  ifnames?: ReadonlyMap<number, string>;
}

let defaultRegistry: Registry | undefined;

/** Decodes frame `position` (0-based) of an opened capture into its layers. */
export function dissect(capture: Capture, position: number, options: DissectOptions = {}): Packet {
  const registry = options.registry ?? (defaultRegistry ??= createRegistry());
  return dissectBytes(capture.frame(position), frameMeta(capture, position, options.ifnames ?? new Map()), registry);
}
