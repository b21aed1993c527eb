const NAMES: Record<number, string> = {
  0: 'BSD loopback (NULL)',
  1: 'Ethernet',
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
