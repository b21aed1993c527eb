const NAMES: Record<number, string> = {
  0: 'BSD loopback (NULL)',
  1: 'Ethernet',
  12: 'Raw IP (OpenBSD)',
  14: 'Raw IP (BSD/OS)',
  101: 'Raw IP',
  105: 'IEEE 802.11',
  108: 'OpenBSD loopback (LOOP)',
  113: 'Linux cooked (SLL)',
  127: 'IEEE 802.11 radiotap',
  160: 'USER13',
  228: 'Raw IPv4',
  229: 'Raw IPv6',
  271: 'Linux vsock',
  276: 'Linux cooked v2 (SLL2)',
};

export function linkTypeName(linkType: number): string {
  return NAMES[linkType] ?? `link type ${linkType}`;
}

/**
 * Wireshark's encapsulation type (WTAP_ENCAP) for a pcap link type, as tshark shows it in
 * `frame.encap_type` ("Encapsulation type: Linux cooked-mode capture v1 (25)"). The numbers and
 * words are tshark 4.0's for each of these link types, read from it on one-packet files.
 */
const WIRESHARK_ENCAPS: Record<number, number> = {
  0: 15,
  1: 1,
  9: 4,
  12: 7,
  14: 7,
  50: 4,
  51: 139,
  101: 7,
  104: 28,
  105: 20,
  107: 26,
  108: 174,
  113: 25,
  119: 21,
  127: 23,
  140: 42,
  143: 33,
  189: 95,
  192: 97,
  195: 104,
  201: 99,
  215: 113,
  220: 115,
  226: 124,
  228: 129,
  229: 130,
  231: 146,
  235: 132,
  239: 141,
  249: 152,
  252: 155,
  253: 158,
  254: 159,
  271: 185,
  276: 210,
  ...Object.fromEntries(Array.from({ length: 16 }, (_, k) => [147 + k, 45 + k])),
};

/** tshark's words for each encapsulation type above. */
export const WIRESHARK_ENCAP_NAMES: Record<number, string> = {
  1: 'Ethernet',
  4: 'PPP',
  7: 'Raw IP',
  15: 'NULL/Loopback',
  20: 'IEEE 802.11 Wireless LAN',
  21: 'IEEE 802.11 plus Prism II monitor mode radio header',
  23: 'IEEE 802.11 plus radiotap radio header',
  25: 'Linux cooked-mode capture v1',
  26: 'Frame Relay',
  28: 'Cisco HDLC',
  33: 'Data Over Cable Service Interface Specification',
  42: 'SS7 MTP2',
  95: 'USB packets with Linux header',
  97: 'Per-Packet Information header',
  99: 'Bluetooth H4 with linux header',
  104: 'IEEE 802.15.4 Wireless PAN',
  113: 'IEEE 802.15.4 Wireless PAN non-ASK PHY',
  115: 'USB packets with Linux header and padding',
  124: 'Solaris IPNET',
  129: 'Raw IPv4',
  130: 'Raw IPv6',
  132: 'DVB-CI (Common Interface)',
  139: 'PPP-over-Ethernet session',
  141: 'NFLOG',
  146: 'D-Bus',
  152: 'USB packets with USBPcap header',
  155: 'Wireshark Upper PDU export',
  158: 'Linux Netlink',
  159: 'Bluetooth Linux Monitor',
  174: 'OpenBSD loopback',
  185: 'Linux vsock',
  210: 'Linux cooked-mode capture v2',
  ...Object.fromEntries(Array.from({ length: 16 }, (_, k) => [45 + k, `USER ${k}`])),
};

/** The WTAP_ENCAP number of a pcap link type, or undefined for one not listed above. */
export function wiresharkEncap(linkType: number): number | undefined {
  return WIRESHARK_ENCAPS[linkType];
}
