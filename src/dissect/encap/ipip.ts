import { msg } from '../../errors.js';
import type { Packet } from '../types.js';
import type { EncapDescriptor } from './types.js';

const IPV6_EXTENSIONS = new Set(['ipv6.hopopts', 'ipv6.routing', 'ipv6.fraghdr', 'ipv6.dstopts']);
const isIp = (proto: string): boolean => proto === 'ip' || proto === 'ipv6';

/** An IP header whose payload (past any IPv6 extension headers) is another IP header. Asked of every IP layer. */
function carriesIp(pkt: Packet, i: number): boolean {
  const layers = pkt.layers;
  if (!isIp(layers[i]!.proto)) return false;
  let j = i + 1;
  // The protocol table is shared: an IPv4 header's payload can decode as an IPv6 extension too.
  while (j < layers.length && IPV6_EXTENSIONS.has(layers[j]!.proto)) j++;
  const next = layers[j];
  return next !== undefined && isIp(next.proto) && !next.quoted;
}

/** IPv4 or IPv6 in IP (protocols 4 and 41, RFC 2003/4213): Calico's default IPIP mode. No header, no id. */
export const ipipEncap: EncapDescriptor = {
  kind: 'ipip',
  name: 'IPIP',
  dissectors: [],
  recognise: [
    { table: 'ip.proto', key: 4, proto: 'ip', entersTunnel: true, note: 'IPv4 in IP (Calico IPIP)' },
    { table: 'ip.proto', key: 41, proto: 'ipv6', entersTunnel: true, note: 'IPv6 in IP (6in4, SIT)' },
  ],
  startsAt: ['ip', 'ipv6'],
  isHeader: carriesIp,
  filter: '(ip.proto == 4 || ip.proto == 41 || ipv6.nxt == 4 || ipv6.nxt == 41)',
  carries: 'IPv4 (protocol 4) or IPv6 (protocol 41)',
  encrypted: false,
  overhead: { fromLink: false },
  cni: () => ({ cni: 'Calico', confidence: 'likely', reason: msg.hintCalicoIpip() }),
};
