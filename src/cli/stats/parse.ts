// `-z` statistics as tshark names them. Each is computed over every IP/TCP/UDP layer of a
// packet, outer and inner, as tshark's taps are: a VXLAN packet counts in the node-to-node
// conversation and in the pod-to-pod one.
import { VxError, msg } from '../../errors.js';
import { parseFollow, type FollowSpec } from './follow.js';
import { parseIoStat, type IoStatSpec } from './io-stat.js';

export type Statistic =
  | { kind: 'conv'; proto: 'ip' | 'ipv6' | 'tcp' | 'udp' }
  | { kind: 'endpoints'; proto: 'ip' | 'ipv6' | 'tcp' | 'udp' }
  | { kind: 'phs' }
  | IoStatSpec
  | FollowSpec;

export function parseStatistic(text: string): Statistic {
  const m = /^(conv|endpoints),(ip|ipv6|tcp|udp)$/.exec(text);
  if (m) return { kind: m[1] as 'conv' | 'endpoints', proto: m[2] as 'ip' | 'ipv6' | 'tcp' | 'udp' };
  if (text === 'io,phs') return { kind: 'phs' };
  if (text.startsWith('io,stat,')) return parseIoStat(text, text.slice('io,stat,'.length));
  if (text.startsWith('follow,')) return parseFollow(text);
  throw new VxError('usage', msg.badStatistic(text));
}
