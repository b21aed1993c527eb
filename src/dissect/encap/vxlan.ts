import { msg } from '../../errors.js';
import { rd16, rd24 } from '../field-helpers.js';
import { vxlan, vxlanReservedBits } from '../layers/vxlan.js';
import { hex, layerIs } from './common.js';
import type { EncapDescriptor, HeaderFinding } from './types.js';

/** Cilium's reserved identities are below 256; cluster-scoped ones start there. */
const FIRST_CLUSTER_IDENTITY = 256;

export const vxlanEncap: EncapDescriptor = {
  kind: 'vxlan',
  name: 'VXLAN',
  dissectors: [vxlan],
  recognise: [
    { table: 'udp.port', key: 8472, proto: 'vxlan', note: 'Linux default (Cilium, Flannel)' },
    { table: 'udp.port', key: 4789, proto: 'vxlan', note: 'IANA (Calico, Antrea)' },
    { heuristic: 'udp.port', proto: 'vxlan', note: 'I flag set, reserved bits clear, an Ethernet header after it' },
  ],
  headerLayer: 'vxlan',
  isHeader: layerIs('vxlan'),
  id: {
    label: 'VNI',
    field: 'vxlan.vni',
    read: (p, at) => (p.layers[at]!.payload - p.layers[at]!.start >= 8 ? rd24(p.data, p.layers[at]!.start + 4) : undefined),
    format: String,
  },
  filter: 'vxlan && !vxlan.next_proto',
  carries: 'Ethernet',
  encrypted: false,
  overhead: { fromLink: true },
  check(p, at) {
    const l = p.layers[at]!;
    if (l.payload - l.start < 8) return [];
    const flags = rd16(p.data, l.start);
    const out: HeaderFinding[] = [];
    if (!(flags & 0x0800)) out.push({ problem: 'vxlan-i-flag', detail: hex(flags, 4) });
    const r = vxlanReservedBits(p.data, l.start);
    if (r.flags || r.group || r.last) out.push({ problem: 'vxlan-reserved', detail: `flags ${hex(flags, 4)}, byte 7 ${hex(r.last, 2)}` });
    return out;
  },
  clean(d, at, end) {
    if (end - at < 8) return true;
    const r = vxlanReservedBits(d, at);
    return (rd16(d, at) & 0x0800) !== 0 && r.flags === 0 && r.group === 0 && r.last === 0;
  },
  cni({ port, ids }) {
    if (port === 8472) {
      if (ids.length === 1 && ids[0] === 1) return { cni: 'Flannel', confidence: 'likely', reason: msg.hintFlannel() };
      if (ids.some((v) => v >= FIRST_CLUSTER_IDENTITY) || ids.length > 1)
        return { cni: 'Cilium', confidence: 'likely', reason: msg.hintCilium(ids), idMeaning: 'identity' };
      return { cni: 'Flannel or a Linux vxlan device', confidence: 'possible', reason: msg.hintLinuxVxlan(ids) };
    }
    if (port === 4789) {
      if (ids.length === 1 && ids[0] === 4096) return { cni: 'Calico', confidence: 'likely', reason: msg.hintCalico() };
      return { cni: 'Calico, Antrea or another VXLAN overlay', confidence: 'possible', reason: msg.hintIanaVxlan(ids) };
    }
    return undefined;
  },
};
