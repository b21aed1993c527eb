// Real frames (built with the packet builder) that the reader tests store in captures.
import {
  arp,
  ETH_ARP,
  ETH_IPV4,
  ethernet,
  filler,
  geneveFrame,
  icmpEcho,
  ipv4,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  sll,
  sll2,
  tcp,
  vxlanFrame,
  type InnerSpec,
  type OuterSpec,
} from '../fixtures/packet-builder.js';

const OUTER: OuterSpec = { srcMac: '02:00:0a:00:00:01', dstMac: '02:00:0a:00:00:02', src: '10.0.0.1', dst: '10.0.0.2' };
const INNER: InnerSpec = { srcMac: '0a:58:0a:f4:01:05', dstMac: '0a:58:0a:f4:02:07', src: '10.244.1.5', dst: '10.244.2.7' };

/** Four Ethernet frames of different shapes and lengths (VXLAN/ICMP, ARP, GENEVE/TCP, odd-length filler). */
export function ethernetFrames(): Uint8Array[] {
  const ip = { src: INNER.src, dst: INNER.dst };
  return [
    vxlanFrame({ outer: OUTER, vni: 1, inner: INNER }, { proto: IPPROTO_ICMP, bytes: icmpEcho({ type: 8, id: 7, seq: 1 }, filler(56)) }),
    ethernet(
      { src: '02:00:0a:00:00:01', dst: 'ff:ff:ff:ff:ff:ff', type: ETH_ARP, pad: true },
      arp({ op: 1, senderMac: '02:00:0a:00:00:01', senderIp: '10.0.0.1', targetMac: '00:00:00:00:00:00', targetIp: '10.0.0.2' }),
    ),
    geneveFrame(
      { outer: { ...OUTER, src: 'fd00::1', dst: 'fd00::2' }, vni: 0x123456, inner: INNER },
      { proto: IPPROTO_TCP, bytes: tcp({ srcPort: 40000, dstPort: 80, seq: 1, flags: 'S', mss: 1410 }, new Uint8Array(0), ip) },
    ),
    ethernet({ src: '02:00:00:00:00:0a', dst: '02:00:00:00:00:0b', type: 0x88b5 }, filler(47, 3)), // 61 bytes
  ];
}

function innerIcmp(seq: number): Uint8Array {
  return ipv4({ src: '10.244.1.5', dst: '10.244.2.7', proto: IPPROTO_ICMP }, icmpEcho({ type: 8, id: 9, seq }, filler(16)));
}

/** LINUX_SLL frames with the given packet types. */
export function sllFrames(pktTypes: number[]): Uint8Array[] {
  return pktTypes.map((pktType, i) => sll({ pktType, addr: '02:00:00:00:00:01', protocol: ETH_IPV4 }, innerIcmp(i)));
}

/** LINUX_SLL2 frames: [packet type, ifindex] pairs. */
export function sll2Frames(specs: [pktType: number, ifindex: number][]): Uint8Array[] {
  return specs.map(([pktType, ifindex], i) => sll2({ protocol: ETH_IPV4, ifindex, pktType, addr: '02:00:00:00:00:01' }, innerIcmp(i)));
}
