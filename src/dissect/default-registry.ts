import { LinkType } from '../capture/types.js';
import { arp } from './layers/arp.js';
import { data } from './layers/data.js';
import { ENCAPS } from './encap/index.js';
import { columnFields } from './layers/columns.js';
import { dns } from './layers/dns.js';
import { eth, vlan } from './layers/eth.js';
import { frame } from './layers/frame.js';
import { http } from './layers/http.js';
import { icmp } from './layers/icmp.js';
import { icmpv6 } from './layers/icmpv6.js';
import { ipv4 } from './layers/ipv4.js';
import { isakmp } from './layers/isakmp.js';
import { ipv6 } from './layers/ipv6.js';
import { ipv6DstOpts, ipv6Fragment, ipv6HopOpts, ipv6Routing } from './layers/ipv6-ext.js';
import { nullLink, rawIp } from './layers/link-null.js';
import { sll, sll2 } from './layers/sll.js';
import { tcp } from './layers/tcp.js';
import { udp } from './layers/udp.js';
import { contextDissector } from '../context/fields.js';
import { ContextNaming } from '../context/naming.js';
import { Registry, type RegistryOptions } from './registry.js';
import type { Dissector } from './types.js';

const CORE: Dissector[] = [
  frame,
  data,
  eth,
  vlan,
  sll,
  sll2,
  ipv4,
  ipv6,
  udp,
  tcp,
  nullLink,
  rawIp,
  arp,
  icmp,
  icmpv6,
  ipv6HopOpts,
  ipv6Routing,
  ipv6Fragment,
  ipv6DstOpts,
  dns,
  http,
  isakmp,
];

/**
 * The dissector chain with vxshark's defaults. The tunnel kinds (8472 and 4789 VXLAN, 6081
 * GENEVE, IPIP, GRE, WireGuard, ESP...) come from their descriptors in ./encap.
 */
export function createRegistry(opts: RegistryOptions = {}): Registry {
  const r = new Registry(opts);
  for (const d of CORE) r.add(d);
  for (const e of ENCAPS) {
    for (const d of e.dissectors) r.add(d);
    for (const how of e.recognise) {
      if ('heuristic' in how) r.addHeuristic(how.heuristic, how.proto);
      else {
        r.register(how.table, how.key, how.proto);
        if (how.entersTunnel) r.markTunnelEntry(how.table, how.key);
      }
    }
  }
  r.add(contextDissector(r));
  if (opts.context && opts.names !== false) r.naming = new ContextNaming(opts.context);
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
    // Link types without a hardware header, ARP, ICMP, IPv6 extension headers, DNS, IKE, HTTP.
    .register('linktype', LinkType.NULL, 'null')
    .register('linktype', LinkType.LOOP, 'null')
    .register('linktype', LinkType.RAW, 'raw')
    .register('linktype', LinkType.RAW_OPENBSD, 'raw')
    .register('linktype', LinkType.RAW_BSDOS, 'raw')
    .register('linktype', LinkType.IPV4, 'ip')
    .register('linktype', LinkType.IPV6, 'ipv6')
    .register('ethertype', 0x0806, 'arp')
    .register('ethertype', 0x8035, 'arp')
    .register('ip.proto', 0, 'ipv6.hopopts')
    .register('ip.proto', 1, 'icmp')
    .register('ip.proto', 43, 'ipv6.routing')
    .register('ip.proto', 44, 'ipv6.fraghdr')
    .register('ip.proto', 58, 'icmpv6')
    .register('ip.proto', 60, 'ipv6.dstopts')
    .register('udp.port', 53, 'dns')
    .register('udp.port', 500, 'isakmp')
    .register('tcp.port', 53, 'dns')
    .register('tcp.port', 80, 'http')
    .register('tcp.port', 8080, 'http');
  r.add(columnFields(r));
  if (opts.decodeAs) r.applyDecodeAs(opts.decodeAs);
  return r;
}
