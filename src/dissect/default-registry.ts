import { LinkType } from '../capture/types.js';
import { data } from './layers/data.js';
import { eth, vlan } from './layers/eth.js';
import { frame } from './layers/frame.js';
import { geneve } from './layers/geneve.js';
import { ipv4 } from './layers/ipv4.js';
import { ipv6 } from './layers/ipv6.js';
import { sll, sll2 } from './layers/sll.js';
import { tcp } from './layers/tcp.js';
import { udp } from './layers/udp.js';
import { vxlan } from './layers/vxlan.js';
import { Registry, type RegistryOptions } from './registry.js';
import type { Dissector } from './types.js';

/** Extra dissectors (ARP, ICMP, DNS ...) add themselves here through their own modules. */
const extensions: ((r: Registry) => void)[] = [];

export function registerExtension(fn: (r: Registry) => void): void {
  extensions.push(fn);
}

const CORE: Dissector[] = [frame, data, eth, vlan, sll, sll2, ipv4, ipv6, udp, tcp, vxlan, geneve];

/** The dissector chain with vxshark's defaults: 8472 and 4789 are VXLAN, 6081 is GENEVE. */
export function createRegistry(opts: RegistryOptions = {}): Registry {
  const r = new Registry(opts);
  for (const d of CORE) r.add(d);
  r.register('linktype', LinkType.ETHERNET, 'eth')
    .register('linktype', LinkType.LINUX_SLL, 'sll')
    .register('linktype', LinkType.LINUX_SLL2, 'sll2')
    .register('ethertype', 0x0800, 'ip')
    .register('ethertype', 0x86dd, 'ipv6')
    .register('ethertype', 0x8100, 'vlan')
    .register('ethertype', 0x88a8, 'vlan')
    .register('ethertype', 0x9100, 'vlan')
    .register('ip.proto', 6, 'tcp')
    .register('ip.proto', 17, 'udp')
    .register('udp.port', 8472, 'vxlan')
    .register('udp.port', 4789, 'vxlan')
    .register('udp.port', 6081, 'geneve')
    .addHeuristic('udp.port', 'vxlan');
  for (const ext of extensions) ext(r);
  if (opts.decodeAs) r.applyDecodeAs(opts.decodeAs);
  return r;
}
