import type { Capture } from '../capture/capture.js';
import type { FrameMeta } from './types.js';

/**
 * Builds what the dissector knows about frame i from the index. Interface names come
 * from pcapng IDBs, or for SLL2 from the index -> name map the user supplied (else "ifN").
 */
export function frameMeta(capture: Capture, i: number, ifnames: ReadonlyMap<number, string>): FrameMeta {
  const ix = capture.index;
  const iface = capture.interfaces[ix.interfaceOf(i)];
  const meta: FrameMeta = {
    number: i + 1,
    sec: ix.secondsOf(i),
    nsec: ix.nanosOf(i),
    capLen: ix.capLenOf(i),
    origLen: ix.origLenOf(i),
    linkType: iface?.linkType ?? 1,
    interfaceId: ix.interfaceOf(i),
    direction: ix.directionOf(i),
  };
  const ifindex = ix.ifindexOf(i);
  if (ifindex !== undefined) meta.interfaceName = ifnames.get(ifindex) ?? `if${ifindex}`;
  else if (iface?.name !== undefined) meta.interfaceName = iface.name;
  if (ix.count > 0) {
    meta.relative = ix.secondsOf(i) - ix.secondsOf(0) + (ix.nanosOf(i) - ix.nanosOf(0)) / 1e9;
  }
  return meta;
}
