import { WG_TAG, wireguard } from '../layers/wireguard.js';
import { hex } from './common.js';
import type { EncapDescriptor } from './types.js';

const le32 = (d: Uint8Array, p: number): number => (d[p]! | (d[p + 1]! << 8) | (d[p + 2]! << 16) | (d[p + 3]! << 24)) >>> 0;
/** Where each message type keeps the receiver index; the initiation has none yet. */
const RECEIVER_AT: Record<number, number> = { 2: 8, 3: 4, 4: 4 };

/** WireGuard: Calico on UDP 51820, Cilium on 51871; other ports by message shape. */
export const wireguardEncap: EncapDescriptor = {
  kind: 'wireguard',
  name: 'WireGuard',
  dissectors: [wireguard],
  recognise: [
    { table: 'udp.port', key: 51820, proto: 'wg', note: 'Calico (and the wg default)' },
    { table: 'udp.port', key: 51871, proto: 'wg', note: 'Cilium' },
    { heuristic: 'udp.port', proto: 'wg', note: 'message type 1-4, reserved zero, the exact size of the type' },
  ],
  headerLayer: 'wg',
  isHeader: (p, i) => p.layers[i]!.proto === 'wg',
  id: {
    label: 'receiver',
    field: 'wg.receiver',
    read(p, at) {
      const l = p.layers[at]!;
      const o = RECEIVER_AT[p.data[l.start]!];
      return o !== undefined && l.start + o + 4 <= l.payload ? le32(p.data, l.start + o) : undefined;
    },
    format: (v) => hex(v, 8),
  },
  filter: 'wg',
  carries: 'encrypted IP packets',
  encrypted: true,
  overhead: { fromLink: false, trailer: (p, at) => (p.data[p.layers[at]!.start] === 4 ? WG_TAG : 0) },
  cni({ port }) {
    if (port === 51820) return { cni: 'Calico (WireGuard)', confidence: 'likely', reason: `WireGuard on UDP ${port}: Calico's encryption port` };
    if (port === 51871) return { cni: 'Cilium (WireGuard)', confidence: 'likely', reason: `WireGuard on UDP ${port}: Cilium's encryption port` };
    return { cni: 'WireGuard', confidence: 'possible', reason: `WireGuard on UDP ${port}, not a CNI's default port (Calico 51820, Cilium 51871)` };
  },
};
