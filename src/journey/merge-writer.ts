// Several captures written as one pcapng: an interface per (capture, interface) named
// "router:eth1", frames in corrected-time order (each capture's clock offset taken off), bytes
// and directions kept. `vxshark merge -w` writes it for Wireshark; the terminal UI writes it
// to a temporary file to show every capture in one list, and keeps where each frame came from.
import { CaptureWriter } from '../capture/writer.js';
import { Direction, type CaptureInterface } from '../capture/types.js';
import type { JourneyCapture } from './engine.js';
import { mergeByTime, mergeByTimeInSlices, type MergedFrame } from './kway.js';

/** Interfaces of the merged file: one per (capture, interface name), numbered in order of appearance. */
class InterfaceTable {
  readonly list: CaptureInterface[] = [];
  private readonly ids = new Map<string, number>();

  id(name: string, linkType: number, snaplen: number): number {
    const key = `${linkType}|${name}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.list.length;
      this.ids.set(key, id);
      this.list.push({ id, section: 0, localId: id, name, linkType, snaplen, tsResolution: { base: 10, exponent: 9 }, tsOffset: 0, packets: 0 });
    }
    return id;
  }
}

function interfaceName(c: JourneyCapture, position: number): string {
  const ix = c.capture.index;
  const ifindex = ix.ifindexOf(position);
  const itf = c.capture.interfaces[ix.interfaceOf(position)];
  const name = ifindex !== undefined ? (c.ifnames.get(ifindex) ?? `if${ifindex}`) : (itf?.name ?? 'capture');
  return `${c.name}:${name}`;
}

/** Where each frame of the merged file came from: its capture (index) and 1-based frame number there. */
export interface MergedOrigins {
  capture: Uint16Array;
  frame: Uint32Array;
}

/** The merged file's comment: what was merged, and each capture's clock offset taken off (none without `clocks`). */
export function mergeComment(names: readonly string[], clocks: readonly { offset: number; matched: number }[] | undefined): string {
  if (!clocks) return `Merged by vxshark from ${names.join(', ')}; time stamps as recorded (no clock correction)`;
  const offsets = names
    .map((n, i) => {
      const c = clocks[i]!;
      return i === 0 ? `${n} reference` : c.matched > 0 ? `${n} ${c.offset >= 0 ? '+' : ''}${c.offset.toFixed(6)} s` : `${n} unknown (0 applied)`;
    })
    .join(', ');
  return `Merged by vxshark from ${names.join(', ')}; clock offsets taken off (estimated from the packets the captures share): ${offsets}`;
}

export interface MergeTarget {
  /** The new file ("-" for standard output); never overwritten. */
  path: string;
  /** The section's comment (what was merged, and how the clocks were corrected). */
  comment: string;
  /** Record each merged frame's origin (the UI's capture column and journeys need it). */
  origins?: boolean;
}

/** Writes the merged pcapng; returns the frames' origins when asked for. */
export function writeMerged(inputs: readonly JourneyCapture[], offsets: readonly number[], target: MergeTarget): MergedOrigins | undefined {
  const job = new MergeJob(inputs, offsets, target);
  try {
    mergeByTime(
      inputs.map((c) => c.capture),
      offsets,
      (f) => job.write(f),
    );
  } finally {
    job.close();
  }
  return job.origins;
}

/**
 * The same, a slice of frames at a time, so that signals are handled while a large merge runs
 * (the terminal UI's Ctrl-C); stops when `stop()` says so and then returns undefined.
 */
export async function writeMergedInSlices(
  inputs: readonly JourneyCapture[],
  offsets: readonly number[],
  target: MergeTarget,
  stop: () => boolean,
): Promise<MergedOrigins | undefined> {
  const job = new MergeJob(inputs, offsets, target);
  let stopped = false;
  try {
    await mergeByTimeInSlices(
      inputs.map((c) => c.capture),
      offsets,
      (f) => {
        if (stop()) {
          stopped = true;
          return false;
        }
        return job.write(f);
      },
    );
  } finally {
    job.close();
  }
  return stopped ? undefined : job.origins;
}

/** One merged file being written: its interfaces described first, then each frame as it comes. */
class MergeJob {
  readonly origins: MergedOrigins | undefined;
  private readonly ids: Uint32Array[];
  private readonly writer: CaptureWriter;
  private written = 0;

  constructor(
    private readonly inputs: readonly JourneyCapture[],
    private readonly offsets: readonly number[],
    target: MergeTarget,
  ) {
    // Every interface is described before the first packet, as pcapng readers expect.
    const table = new InterfaceTable();
    this.ids = inputs.map((c) => {
      const perFrame = new Uint32Array(c.capture.frameCount);
      for (let i = 0; i < perFrame.length; i++) {
        const itf = c.capture.interfaces[c.capture.index.interfaceOf(i)];
        perFrame[i] = table.id(interfaceName(c, i), itf?.linkType ?? 1, itf?.snaplen || 262144);
      }
      return perFrame;
    });
    const total = inputs.reduce((n, c) => n + c.capture.frameCount, 0);
    this.origins = target.origins ? { capture: new Uint16Array(total), frame: new Uint32Array(total) } : undefined;
    this.writer = new CaptureWriter(target.path, 'pcapng', table.list, true, [target.comment]);
  }

  write(f: MergedFrame): false | undefined {
    const c = this.inputs[f.capture]!.capture;
    // Whole nanoseconds: the corrected time split without losing precision to a float sum.
    const shiftNs = Math.round((this.offsets[f.capture] ?? 0) * 1e9);
    let sec = c.index.secondsOf(f.position) - Math.trunc(shiftNs / 1e9);
    let nsec = c.index.nanosOf(f.position) - (shiftNs % 1e9);
    if (nsec < 0) {
      nsec += 1e9;
      sec -= 1;
    } else if (nsec >= 1e9) {
      nsec -= 1e9;
      sec += 1;
    }
    const direction = c.index.directionOf(f.position);
    this.writer.write({
      data: f.data,
      origLen: c.index.origLenOf(f.position),
      sec,
      nsec,
      interfaceId: this.ids[f.capture]![f.position]!,
      direction: direction === Direction.Unknown ? 0 : direction,
    });
    if (this.origins) {
      this.origins.capture[this.written] = f.capture;
      this.origins.frame[this.written] = f.position + 1;
    }
    this.written++;
    // `-w - | head -c 100`: the reader went away, nothing more to write.
    return this.writer.closed ? false : undefined;
  }

  close(): void {
    this.writer.close();
  }
}
