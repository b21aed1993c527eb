import { msg } from '../../errors.js';
import { rd32 } from '../field-helpers.js';
import { esp, udpEncap } from '../layers/esp.js';
import { hex } from './common.js';
import type { EncapDescriptor } from './types.js';

/** Cilium's IPsec keys carry their index in the SPI, and the index is 4 bits. */
const CILIUM_MAX_SPI = 15;

/** IPsec ESP, IP protocol 50 or in UDP 4500 (NAT traversal): Cilium's IPsec mode, VPNs. */
export const espEncap: EncapDescriptor = {
  kind: 'esp',
  name: 'ESP',
  dissectors: [esp, udpEncap],
  recognise: [
    { table: 'ip.proto', key: 50, proto: 'esp' },
    { table: 'udp.port', key: 4500, proto: 'udpencap', note: 'NAT traversal; IKE behind the non-ESP marker, NAT keepalives' },
  ],
  headerLayer: 'esp',
  isHeader: (p, i) => p.layers[i]!.proto === 'esp',
  id: {
    label: 'SPI',
    field: 'esp.spi',
    read: (p, at) => (p.layers[at]!.payload - p.layers[at]!.start >= 8 ? rd32(p.data, p.layers[at]!.start) : undefined),
    format: (v) => hex(v, 8),
  },
  filter: 'esp',
  carries: 'encrypted IP packets',
  encrypted: true,
  // Padding and the ICV length depend on the algorithm, which the capture does not say.
  overhead: { fromLink: false },
  cni({ port, ids }) {
    if (ids.length && ids.every((v) => v >= 1 && v <= CILIUM_MAX_SPI))
      return { cni: 'Cilium (IPsec)', confidence: port ? 'possible' : 'likely', reason: msg.hintCiliumIpsec(ids) };
    return { cni: 'IPsec (an IKE daemon or a VPN)', confidence: 'possible', reason: msg.hintIpsec(port) };
  },
};
