// Loads a capture and dissects its frames the way the application does: FrameMeta from the
// frame index and the interface table, then dissect() with a registry.
import { loadCapture, type Capture } from '../../src/capture/capture.js';
import { createRegistry } from '../../src/dissect/default-registry.js';
import { dissect } from '../../src/dissect/dissect.js';
import type { Registry } from '../../src/dissect/registry.js';
import type { FrameMeta, Packet } from '../../src/dissect/types.js';

/** What the capture's index and interface table say about frame `i` (0-based). */
export function frameMeta(capture: Capture, i: number): FrameMeta {
  const index = capture.index;
  const interfaceId = index.interfaceOf(i);
  const iface = capture.interfaces[interfaceId];
  const sec = index.secondsOf(i);
  const nsec = index.nanosOf(i);
  const meta: FrameMeta = {
    number: i + 1,
    sec,
    nsec,
    capLen: index.capLenOf(i),
    origLen: index.origLenOf(i),
    linkType: iface?.linkType ?? -1,
    interfaceId,
    direction: index.directionOf(i),
  };
  if (iface?.name !== undefined) meta.interfaceName = iface.name;
  if (index.count > 0) {
    const s0 = index.secondsOf(0);
    const n0 = index.nanosOf(0);
    meta.relative = sec - s0 + (nsec - n0) / 1e9;
  }
  return meta;
}

export interface DissectedCapture {
  capture: Capture;
  registry: Registry;
  packets: Packet[];
  /** The bytes of each frame (the same arrays the packets hold). */
  frames: Uint8Array[];
}

/** Loads `path` and dissects every frame; the capture is closed before returning. */
export async function loadPackets(path: string | URL, registry: Registry = createRegistry()): Promise<DissectedCapture> {
  const capture = await loadCapture(path instanceof URL ? decodeURIComponent(path.pathname) : path);
  try {
    const packets: Packet[] = [];
    const frames: Uint8Array[] = [];
    for (let i = 0; i < capture.frameCount; i++) {
      // A copy: the reader's cached arrays must not be shared with a test that mutates bytes.
      const data = Uint8Array.from(capture.frame(i));
      frames.push(data);
      packets.push(dissect(data, frameMeta(capture, i), registry));
    }
    return { capture, registry, packets, frames };
  } finally {
    capture.close();
  }
}
