// `vxshark merge -w OUT.pcapng ctr=ctr.pcap router=router.pcap w0=w0.pcap`: one pcapng that
// Wireshark opens, with an interface per (capture, interface) named "router:eth1", frames in
// corrected-time order (each capture's estimated clock offset taken off), bytes and
// directions kept, and the offsets stated in the section's comment.
import { CaptureWriter } from '../../capture/writer.js';
import { Direction, type CaptureInterface } from '../../capture/types.js';
import { createRegistry } from '../../dissect/default-registry.js';
import { parseDecodeAs } from '../../dissect/registry.js';
import { VxError, msg } from '../../errors.js';
import { JourneyEngine, type JourneyCapture } from '../../journey/engine.js';
import { mergeByTime } from '../../journey/kway.js';
import { loadCaptures } from './journey.js';

export interface MergeArgs {
  captures: string[];
  w?: string;
  d: string[];
  heuristics: boolean;
  'ip-link': string[];
  'ip-route': string[];
  'pod-cidr': string[];
  'clock-correction': boolean;
}

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

function offsetText(names: readonly string[], offsets: readonly number[], matched: readonly number[]): string {
  return names
    .map((n, i) =>
      i === 0 ? `${n} reference` : matched[i]! > 0 ? `${n} ${offsets[i]! >= 0 ? '+' : ''}${offsets[i]!.toFixed(6)} s` : `${n} unknown (0 applied)`,
    )
    .join(', ');
}

export async function merge(args: MergeArgs): Promise<number> {
  if (args.w === undefined) throw new VxError('usage', msg.mergeNeedsOutput());
  const loaded = await loadCaptures(args, 'merge -w OUT.pcapng');
  try {
    const inputs = loaded.inputs;
    const registry = createRegistry({ decodeAs: args.d.map(parseDecodeAs), heuristics: args.heuristics });
    const clocks = args['clock-correction'] ? new JourneyEngine(inputs, { registry }).estimateClocks() : inputs.map(() => ({ offset: 0, matched: 0 }));
    const offsets = clocks.map((c) => c.offset);
    // Every interface is described before the first packet, as pcapng readers expect.
    const table = new InterfaceTable();
    const ids = inputs.map((c) => {
      const perFrame = new Uint32Array(c.capture.frameCount);
      for (let i = 0; i < perFrame.length; i++) {
        const itf = c.capture.interfaces[c.capture.index.interfaceOf(i)];
        perFrame[i] = table.id(interfaceName(c, i), itf?.linkType ?? 1, itf?.snaplen || 262144);
      }
      return perFrame;
    });
    const names = inputs.map((c) => c.name);
    const comment = args['clock-correction']
      ? `Merged by vxshark from ${names.join(', ')}; clock offsets taken off (estimated from the packets the captures share): ${offsetText(
          names,
          offsets,
          clocks.map((c) => c.matched),
        )}`
      : `Merged by vxshark from ${names.join(', ')}; time stamps as recorded (no clock correction)`;
    const writer = new CaptureWriter(args.w, 'pcapng', table.list, true, [comment]);
    mergeByTime(
      inputs.map((c) => c.capture),
      offsets,
      (f) => {
        const c = inputs[f.capture]!.capture;
        // Whole nanoseconds: the corrected time split without losing precision to a float sum.
        const shiftNs = Math.round((offsets[f.capture] ?? 0) * 1e9);
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
        writer.write({
          data: f.data,
          origLen: c.index.origLenOf(f.position),
          sec,
          nsec,
          interfaceId: ids[f.capture]![f.position]!,
          direction: direction === Direction.Unknown ? 0 : direction,
        });
        // `-w - | head -c 100`: the reader went away, nothing more to write.
        if (writer.closed) return false;
      },
    );
    writer.close();
    return loaded.status;
  } finally {
    loaded.close();
  }
}
