// Value names shown in the detail tree; numbers from the IANA and IEEE registries.

export const ETHERTYPE_NAMES: Record<number, string> = {
  0x0800: 'IPv4',
  0x0806: 'ARP',
  0x8035: 'RARP',
  0x8100: '802.1Q Virtual LAN',
  0x88a8: '802.1ad Provider Bridge (Q-in-Q)',
  0x86dd: 'IPv6',
  0x6558: 'Transparent Ethernet Bridging',
  0x8847: 'MPLS unicast',
  0x88cc: 'LLDP',
  0x894f: 'NSH',
};

export const IP_PROTO_NAMES: Record<number, string> = {
  0: 'IPv6 Hop-by-Hop Option',
  1: 'ICMP',
  2: 'IGMP',
  4: 'IPIP',
  6: 'TCP',
  17: 'UDP',
  41: 'IPv6',
  43: 'Routing Header for IPv6',
  44: 'Fragment Header for IPv6',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  58: 'ICMPv6',
  59: 'IPv6 No Next Header',
  60: 'Destination Options for IPv6',
  132: 'SCTP',
};
