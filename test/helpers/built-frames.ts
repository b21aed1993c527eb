// A varied set of well-formed frames made with the packet builder: every layer vxshark
// decodes (and the ones being added), in the shapes overlays produce. The fuzz test mutates them.
import {
  arp,
  dnsQuery,
  dnsResponse,
  ETH_ARP,
  ETH_IPV4,
  ETH_IPV6,
  ETH_TEB,
  ethernet,
  filler,
  geneve,
  geneveFrame,
  httpRequest,
  httpResponse,
  icmpEcho,
  icmpError,
  icmpv6Echo,
  innerFrame,
  ipv4,
  ipv6,
  ipv6FragmentHeader,
  IPPROTO_ICMP,
  IPPROTO_ICMPV6,
  IPPROTO_IPV6_FRAG,
  IPPROTO_TCP,
  IPPROTO_UDP,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  PORT_GENEVE,
  PORT_VXLAN,
  PORT_VXLAN_GPE,
  sll,
  sll2,
  tcp,
  udp,
  udpTunnel,
  vxlan,
  vxlanFrame,
  vxlanGpe,
  type InnerSpec,
  type OuterSpec,
} from '../fixtures/packet-builder.js';

export interface BuiltFrame {
  name: string;
  linkType: number;
  data: Uint8Array;
}

export const OUTER: OuterSpec = { srcMac: '02:00:c0:a8:0a:64', dstMac: '02:00:c0:a8:14:64', src: '192.168.10.100', dst: '192.168.20.100' };
export const OUTER6: OuterSpec = { ...OUTER, src: 'fd00:10::100', dst: 'fd00:20::100' };
export const INNER: InnerSpec = { srcMac: '0a:58:ac:14:00:0a', dstMac: '0a:58:ac:14:02:1e', src: '172.20.0.10', dst: '172.20.2.30' };
export const INNER6: InnerSpec = { ...INNER, src: 'fd00:172:20::a', dst: 'fd00:172:20:2::1e' };

const ip4 = { src: INNER.src, dst: INNER.dst };
const ip6 = { src: INNER6.src, dst: INNER6.dst };

export function builtFrames(): BuiltFrame[] {
  const syn = tcp({ srcPort: 43512, dstPort: 80, seq: 1000, flags: 'S', mss: 1410, sackPerm: true, timestamps: [1, 0], wscale: 7 }, new Uint8Array(0), ip4);
  const get = tcp({ srcPort: 43512, dstPort: 80, seq: 1001, ack: 5001, flags: 'PA' }, httpRequest('GET', '/', 'webpod'), ip4);
  const resp = tcp({ srcPort: 80, dstPort: 43512, seq: 5001, ack: 1080, flags: 'PA' }, httpResponse(200, 'OK', 'hello\n'), ip4);
  const dnsQ = udp({ srcPort: 53000, dstPort: 53 }, dnsQuery({ id: 0x1234, name: 'webpod.default.svc.cluster.local' }), ip4);
  const dnsR = udp(
    { srcPort: 53, dstPort: 53000 },
    dnsResponse({ id: 0x1234, name: 'webpod.default.svc.cluster.local', addresses: ['10.96.0.10', '10.96.0.11'] }),
    ip4,
  );
  const echo = icmpEcho({ type: 8, id: 7, seq: 1 }, filler(56));
  const innerUdp = ipv4({ src: INNER.src, dst: INNER.dst, proto: IPPROTO_UDP }, udp({ srcPort: 40000, dstPort: 9000 }, filler(20), ip4));
  const tooBig = icmpError({ type: 3, code: 4, mtu: 1450 }, innerUdp.subarray(0, 28));
  const e6 = icmpv6Echo({ type: 128, id: 1, seq: 1 }, filler(16), ip6);
  const frag6 = ipv6FragmentHeader({ next: IPPROTO_UDP, offset: 0, more: true, id: 77 }, udp({ srcPort: 1, dstPort: 2 }, filler(32)));
  const arpReq = arp({ op: 1, senderMac: INNER.srcMac, senderIp: INNER.src, targetMac: '00:00:00:00:00:00', targetIp: INNER.dst });
  const v = (vni: number, l4: { proto: number; bytes: Uint8Array }, inner: InnerSpec = INNER, outer: OuterSpec = OUTER): Uint8Array =>
    vxlanFrame({ outer, vni, inner }, l4);
  const g = (vni: number, l4: { proto: number; bytes: Uint8Array }, options = [{ cls: 0x0104, type: 0x80, data: filler(8) }]): Uint8Array =>
    geneveFrame({ outer: OUTER, vni, inner: INNER, options }, l4);
  const plainEth = (type: number, payload: Uint8Array, vlan?: number[], qinq?: boolean): Uint8Array =>
    ethernet({ src: INNER.srcMac, dst: INNER.dstMac, type, ...(vlan ? { vlan } : {}), ...(qinq ? { qinq } : {}) }, payload);

  const frames: BuiltFrame[] = [
    { name: 'eth/ipv4/tcp SYN with options', linkType: LINKTYPE_ETHERNET, data: plainEth(ETH_IPV4, ipv4({ ...ip4, proto: IPPROTO_TCP, df: true }, syn)) },
    { name: 'eth/ipv4/tcp/http request', linkType: LINKTYPE_ETHERNET, data: plainEth(ETH_IPV4, ipv4({ ...ip4, proto: IPPROTO_TCP }, get)) },
    {
      name: 'eth/ipv4/tcp/http response',
      linkType: LINKTYPE_ETHERNET,
      data: plainEth(ETH_IPV4, ipv4({ src: ip4.dst, dst: ip4.src, proto: IPPROTO_TCP }, resp)),
    },
    { name: 'eth/ipv4/udp/dns query', linkType: LINKTYPE_ETHERNET, data: plainEth(ETH_IPV4, ipv4({ ...ip4, proto: IPPROTO_UDP }, dnsQ)) },
    {
      name: 'eth/ipv4/udp/dns response',
      linkType: LINKTYPE_ETHERNET,
      data: plainEth(ETH_IPV4, ipv4({ src: ip4.dst, dst: ip4.src, proto: IPPROTO_UDP }, dnsR)),
    },
    {
      name: 'eth/ipv4 options/icmp',
      linkType: LINKTYPE_ETHERNET,
      data: plainEth(ETH_IPV4, ipv4({ ...ip4, proto: IPPROTO_ICMP, options: Uint8Array.of(0x94, 4, 0, 0) }, echo)),
    },
    {
      name: 'eth/ipv4 fragment',
      linkType: LINKTYPE_ETHERNET,
      data: plainEth(ETH_IPV4, ipv4({ ...ip4, proto: IPPROTO_UDP, mf: true, fragOffset: 185, id: 0x4242 }, filler(64))),
    },
    {
      name: 'eth/ipv4/icmp frag-needed quoting udp',
      linkType: LINKTYPE_ETHERNET,
      data: plainEth(ETH_IPV4, ipv4({ src: '192.168.10.200', dst: INNER.src, proto: IPPROTO_ICMP }, tooBig)),
    },
    { name: 'eth/arp', linkType: LINKTYPE_ETHERNET, data: ethernet({ src: INNER.srcMac, dst: 'ff:ff:ff:ff:ff:ff', type: ETH_ARP, pad: true }, arpReq) },
    { name: 'eth/802.1Q/ipv4/udp', linkType: LINKTYPE_ETHERNET, data: plainEth(ETH_IPV4, innerUdp, [100]) },
    {
      name: 'eth/QinQ/ipv6/icmpv6',
      linkType: LINKTYPE_ETHERNET,
      data: plainEth(ETH_IPV6, ipv6({ ...ip6, next: IPPROTO_ICMPV6 }, e6), [0x2000 | 10, 20], true),
    },
    { name: 'eth/ipv6/fragment/udp', linkType: LINKTYPE_ETHERNET, data: plainEth(ETH_IPV6, ipv6({ ...ip6, next: IPPROTO_IPV6_FRAG }, frag6)) },
    { name: 'vxlan 8472/icmp', linkType: LINKTYPE_ETHERNET, data: v(42, { proto: IPPROTO_ICMP, bytes: echo }) },
    { name: 'vxlan 8472/tcp/http', linkType: LINKTYPE_ETHERNET, data: v(42, { proto: IPPROTO_TCP, bytes: get }) },
    { name: 'vxlan 8472/udp/dns', linkType: LINKTYPE_ETHERNET, data: v(42, { proto: IPPROTO_UDP, bytes: dnsQ }) },
    { name: 'vxlan over ipv6/ipv6 icmpv6', linkType: LINKTYPE_ETHERNET, data: v(7, { proto: IPPROTO_ICMPV6, bytes: e6 }, INNER6, OUTER6) },
    {
      name: 'vxlan 4789 GBP/arp',
      linkType: LINKTYPE_ETHERNET,
      data: udpTunnel(
        OUTER,
        PORT_VXLAN,
        50000,
        vxlan(
          { vni: 5, gbp: { groupId: 0x1234, dontLearn: true, policyApplied: true } },
          ethernet({ src: INNER.srcMac, dst: 'ff:ff:ff:ff:ff:ff', type: ETH_ARP }, arpReq),
        ),
      ),
    },
    { name: 'vxlan inner vlan', linkType: LINKTYPE_ETHERNET, data: v(9, { proto: IPPROTO_TCP, bytes: syn }, { ...INNER, vlan: [300] }) },
    { name: 'geneve critical option/tcp', linkType: LINKTYPE_ETHERNET, data: g(0x1389, { proto: IPPROTO_TCP, bytes: syn }) },
    { name: 'geneve no options/icmp', linkType: LINKTYPE_ETHERNET, data: g(11, { proto: IPPROTO_ICMP, bytes: echo }, []) },
    {
      name: 'geneve 0x0800 inner ipv4',
      linkType: LINKTYPE_ETHERNET,
      data: udpTunnel(
        OUTER,
        PORT_GENEVE,
        50001,
        geneve(
          {
            vni: 3,
            protocol: ETH_IPV4,
            options: [
              { cls: 0x0132, type: 1, data: filler(4) },
              { cls: 0x0132, type: 2, data: filler(8) },
            ],
          },
          innerUdp,
        ),
      ),
    },
    {
      name: 'geneve 0x86dd inner ipv6',
      linkType: LINKTYPE_ETHERNET,
      data: udpTunnel(OUTER, PORT_GENEVE, 50002, geneve({ vni: 0x123456, protocol: ETH_IPV6 }, ipv6({ ...ip6, next: IPPROTO_ICMPV6 }, e6))),
    },
    {
      name: 'vxlan in geneve',
      linkType: LINKTYPE_ETHERNET,
      data: udpTunnel(OUTER, PORT_GENEVE, 50003, geneve({ vni: 1 }, v(2, { proto: IPPROTO_ICMP, bytes: echo }))),
    },
    { name: 'vxlan-gpe/ipv4', linkType: LINKTYPE_ETHERNET, data: udpTunnel(OUTER, PORT_VXLAN_GPE, 50004, vxlanGpe({ vni: 8, nextProtocol: 1 }, innerUdp)) },
    {
      name: 'vxlan-gpe/ethernet',
      linkType: LINKTYPE_ETHERNET,
      data: udpTunnel(OUTER, PORT_VXLAN_GPE, 50005, vxlanGpe({ vni: 8, nextProtocol: 3 }, innerFrame(INNER, { proto: IPPROTO_ICMP, bytes: echo }))),
    },
    {
      name: 'geneve TEB raw',
      linkType: LINKTYPE_ETHERNET,
      data: udpTunnel(OUTER, PORT_GENEVE, 50006, geneve({ vni: 4, protocol: ETH_TEB, oam: true }, innerFrame(INNER, { proto: IPPROTO_UDP, bytes: dnsR }))),
    },
    {
      name: 'sll/ipv4/vxlan',
      linkType: LINKTYPE_LINUX_SLL,
      data: sll({ pktType: 4, addr: OUTER.srcMac, protocol: ETH_IPV4 }, v(42, { proto: IPPROTO_ICMP, bytes: echo }).subarray(14)),
    },
    { name: 'sll/arp', linkType: LINKTYPE_LINUX_SLL, data: sll({ pktType: 1, addr: INNER.srcMac, protocol: ETH_ARP }, arpReq) },
    {
      name: 'sll2/ipv4/geneve',
      linkType: LINKTYPE_LINUX_SLL2,
      data: sll2({ protocol: ETH_IPV4, ifindex: 3, pktType: 0, addr: OUTER.dstMac }, g(1, { proto: IPPROTO_TCP, bytes: get }).subarray(14)),
    },
    {
      name: 'sll2/ipv6/icmpv6',
      linkType: LINKTYPE_LINUX_SLL2,
      data: sll2({ protocol: ETH_IPV6, ifindex: 1, arphrd: 772, pktType: 0 }, ipv6({ ...ip6, next: IPPROTO_ICMPV6 }, e6)),
    },
  ];
  return frames;
}
