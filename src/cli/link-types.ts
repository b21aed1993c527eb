import { linkTypeName } from '../capture/link-types.js';
import type { Capture } from '../capture/capture.js';
import type { Registry } from '../dissect/registry.js';
import { msg } from '../errors.js';

/** One warning per link type of the capture that no dissector decodes (its packets show as data). */
export function undecodedLinkTypeWarnings(capture: Capture, registry: Registry): string[] {
  const seen = new Set<number>();
  const out: string[] = [];
  for (const i of capture.interfaces) {
    if (seen.has(i.linkType)) continue;
    seen.add(i.linkType);
    if (registry.lookup('linktype', i.linkType) === undefined) out.push(msg.linkTypeNotDecoded(i.linkType, linkTypeName(i.linkType)));
  }
  return out;
}
