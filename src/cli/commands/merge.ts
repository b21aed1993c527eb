// `vxshark merge -w OUT.pcapng ctr=ctr.pcap router=router.pcap w0=w0.pcap`: one pcapng that
// Wireshark opens, with an interface per (capture, interface) named "router:eth1", frames in
// corrected-time order (each capture's estimated clock offset taken off), bytes and
// directions kept, and the offsets stated in the section's comment.
import { parsePodCidrOption } from '../../analysis/index.js';
import { createRegistry } from '../../dissect/default-registry.js';
import { parseDecodeAs } from '../../dissect/registry.js';
import { VxError, msg } from '../../errors.js';
import { JourneyEngine } from '../../journey/engine.js';
import { mergeComment, writeMerged } from '../../journey/merge-writer.js';
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

export async function merge(args: MergeArgs): Promise<number> {
  if (args.w === undefined) throw new VxError('usage', msg.mergeNeedsOutput());
  const loaded = await loadCaptures(args, 'merge -w OUT.pcapng');
  try {
    const inputs = loaded.inputs;
    const registry = createRegistry({ decodeAs: args.d.map(parseDecodeAs), heuristics: args.heuristics });
    // The same clocks as the journeys': with --pod-cidr, the same packets are sampled.
    const podCidrs = args['pod-cidr'].map(parsePodCidrOption);
    const clocks = args['clock-correction']
      ? new JourneyEngine(inputs, { registry, ...(podCidrs.length ? { podCidrs } : {}) }).estimateClocks()
      : inputs.map(() => ({ offset: 0, matched: 0 }));
    const offsets = clocks.map((c) => c.offset);
    const comment = mergeComment(
      inputs.map((c) => c.name),
      args['clock-correction'] ? clocks : undefined,
    );
    writeMerged(inputs, offsets, { path: args.w, comment });
    return loaded.status;
  } finally {
    loaded.close();
  }
}
