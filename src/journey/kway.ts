// Several captures' frames in one order: a k-way merge of their frame indexes by corrected time
// (each capture's time minus its clock offset). Frames stay in file order within a capture; a
// binary heap picks the capture whose next frame is earliest. Only the cursors' read windows
// are held, whatever the sizes of the captures.
import type { Capture } from '../capture/capture.js';
import { FrameCursor } from './cursor.js';

export interface MergedFrame {
  /** Which capture, its 0-based frame position, the bytes (valid during the call) and the corrected time. */
  capture: number;
  position: number;
  data: Uint8Array;
  time: number;
}

export function frameTime(capture: Capture, i: number): number {
  const ix = capture.index;
  return ix.secondsOf(i) + ix.nanosOf(i) / 1e9;
}

/** Calls visit for every frame of every capture, earliest corrected time first, until it returns false. */
export function mergeByTime(captures: readonly Capture[], offsets: readonly number[], visit: (f: MergedFrame) => void | false): void {
  const cursors = captures.map((c) => new FrameCursor(c));
  const when = (k: number): number => frameTime(captures[k]!, cursors[k]!.position) - (offsets[k] ?? 0);
  const heap: number[] = [];
  const less = (a: number, b: number): boolean => {
    const ta = when(a);
    const tb = when(b);
    return ta < tb || (ta === tb && a < b);
  };
  const swap = (i: number, j: number): void => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  const up = (i: number): void => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i]!, heap[p]!)) return;
      swap(i, p);
      i = p;
    }
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (l + 1 < heap.length && less(heap[l + 1]!, heap[m]!)) m = l + 1;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (let k = 0; k < cursors.length; k++) {
    if (!cursors[k]!.done) {
      heap.push(k);
      up(heap.length - 1);
    }
  }
  const frame: MergedFrame = { capture: 0, position: 0, data: new Uint8Array(0), time: 0 };
  try {
    while (heap.length > 0) {
      const k = heap[0]!;
      const cur = cursors[k]!;
      frame.capture = k;
      frame.position = cur.position;
      frame.time = when(k);
      frame.data = cur.data();
      if (visit(frame) === false) return;
      cur.next();
      if (cur.done) {
        const last = heap.pop()!;
        if (heap.length > 0) {
          heap[0] = last;
          down(0);
        }
      } else down(0);
    }
  } finally {
    for (const c of cursors) c.close();
  }
}
