// `vxshark A B C` on a terminal: the captures of several hosts in one packet list. They are
// merged by corrected time into a temporary pcapng (an interface per host and interface,
// "router:eth1"), which the UI then opens like any capture; where each merged frame came from
// is kept for the Capture column and the journeys. The file is removed when the UI ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRegistry } from '../dissect/default-registry.js';
import type { DecodeAsRule } from '../dissect/registry.js';
import { JourneyEngine } from '../journey/engine.js';
import { openCaptures, type CaptureSpec } from '../journey/inputs.js';
import { mergeComment, writeMerged, type MergedOrigins } from '../journey/merge-writer.js';

export interface MultiCaptureArgs {
  /** `NAME=PATH` or paths, as `vxshark journey` takes them. */
  captures: string[];
  'ip-link': string[];
  'ip-route': string[];
  'pod-cidr': string[];
  decodeAs: DecodeAsRule[];
  heuristics: boolean;
}

export interface MergedCaptures {
  /** The temporary merged pcapng. */
  path: string;
  specs: CaptureSpec[];
  names: string[];
  origins: MergedOrigins;
  /** What the UI's analysis worker needs to open the captures again and follow packets through them. */
  ipLink: string[];
  ipRoute: string[];
  podCidrs: string[];
  /** EXIT_INPUT when a capture is damaged (reported through `report`). */
  status: number;
  /** Removes the temporary file (once the UI is done with it). */
  remove(): void;
}

export async function mergeCaptures(args: MultiCaptureArgs, report: (text: string) => void): Promise<MergedCaptures> {
  const loaded = await openCaptures(args, 'vxshark', report);
  let dir: string | undefined;
  try {
    const inputs = loaded.inputs;
    const registry = createRegistry({ decodeAs: args.decodeAs, heuristics: args.heuristics });
    const clocks = new JourneyEngine(inputs, { registry }).estimateClocks();
    const names = inputs.map((c) => c.name);
    dir = mkdtempSync(join(tmpdir(), 'vxshark-'));
    const path = join(dir, 'merged.pcapng');
    const origins = writeMerged(
      inputs,
      clocks.map((c) => c.offset),
      { path, comment: mergeComment(names, clocks), origins: true },
    )!;
    const made = dir;
    const remove = (): void => rmSync(made, { recursive: true, force: true });
    // Also when the process ends some other way (Ctrl-C before the screen is up, an uncaught error).
    process.once('exit', remove);
    return {
      path,
      specs: loaded.specs,
      names,
      origins,
      ipLink: args['ip-link'],
      ipRoute: args['ip-route'],
      podCidrs: args['pod-cidr'],
      status: loaded.status,
      remove: () => {
        process.removeListener('exit', remove);
        remove();
      },
    };
  } catch (e) {
    if (dir) rmSync(dir, { recursive: true, force: true });
    throw e;
  } finally {
    loaded.close();
  }
}
