// What a tunnel kind is, said once. Each encapsulation vxshark knows has one descriptor here;
// the dissector registration, the summary line and packet-list column, the layers view, the
// tunnels table and facts, the CNI fingerprint, the bad-header checks, the UI's filter builder
// and docs/fields.md all read it instead of naming the kinds themselves.
import type { TableName } from '../registry.js';
import type { Dissector, Packet } from '../types.js';

/** How a packet is recognised as this kind: a dispatch-table entry, or a heuristic on a table. */
export type Recognition =
  | { table: TableName; key: number; proto: string; note?: string; /** Crossing this entry enters the tunnel (IP in IP). */ entersTunnel?: boolean }
  | { heuristic: TableName; proto: string; note?: string };

/** The number that tells one tunnel of a kind from another (VNI, GRE key, SPI, receiver index). */
export interface TunnelId {
  /** As users read it: "VNI", "key", "SPI", "receiver". */
  label: string;
  /** The display-filter field that holds it. */
  field: string;
  /** The value from the tunnel header at `at`; undefined when the header lacks it. */
  read(pkt: Packet, at: number): number | undefined;
  /** Its one spelling, everywhere (summary line, list column, tunnels, alerts). */
  format(value: number): string;
}

/** Something about a tunnel header a receiver may drop or misread (overlay.bad-header). */
export interface HeaderFinding {
  problem: string;
  detail: string;
}

export interface CniGroup {
  /** UDP port (0 when the kind is not carried in UDP). */
  port: number;
  /** Distinct tunnel ids, sorted. */
  ids: number[];
  /** Tunnel rows of this kind and port. */
  rows: number;
}

export interface CniGuess {
  cni: string;
  confidence: 'likely' | 'possible';
  reason: string;
  /** "identity" when the id is a per-sender security identity (Cilium) rather than a network id. */
  idMeaning?: 'identity' | 'network';
}

export interface EncapDescriptor {
  /** Stable key (facts, JSON): "vxlan", "gre", "wireguard". */
  kind: string;
  /** The one display name: "VXLAN", "GENEVE", "WireGuard". */
  name: string;
  /** The dissectors this kind brings (registered by the default registry). */
  dissectors: Dissector[];
  /** Table entries and heuristics that route packets to them. */
  recognise: Recognition[];
  /** The protocol of its own header layer; absent when the outer header is the tunnel (IP in IP). */
  headerLayer?: string;
  /** Without a header layer: the layer protocols isHeader can be true at (the outer IP header). */
  startsAt?: readonly string[];
  /** Whether layer `i` is this kind's tunnel header (the layer tunnels, facts and summaries point at). */
  isHeader(pkt: Packet, i: number): boolean;
  id?: TunnelId;
  /** A display filter that selects this kind where no UDP port does ("gre", "esp"). */
  filter: string;
  /** What travels inside, for docs and the tunnels view: "Ethernet", "IPv4 or IPv6", "encrypted IP". */
  carries: string;
  /** The payload is encrypted: the tunnel has outer endpoints and an id, and no inner flows. */
  encrypted: boolean;
  /**
   * It carries copies sent to an analyser (port mirroring), not the traffic's own path: a
   * session often mirrors one direction only, so a reply it lacks says nothing of the network.
   */
  mirror?: boolean;
  /**
   * The bytes the tunnel adds to what it carries: from the first layer that is overhead (the
   * outer link layer when it carries Ethernet, the outer IP header when it carries IP) up to
   * and including the tunnel header, plus any trailer (ESP/WireGuard authentication tag).
   */
  overhead: { fromLink: boolean; trailer?(pkt: Packet, at: number): number };
  /** Header problems a receiver may drop the packet for. */
  check?(pkt: Packet, at: number): HeaderFinding[];
  /** A quick test on the header's bytes (from `at` to the layer's `end`) that check() would find nothing. */
  clean?(d: Uint8Array, at: number, end: number): boolean;
  /** How the header names the inner protocol, when nothing decodes it ("0x6559", "next protocol 7"). */
  innerProtocol?(pkt: Packet, at: number): string;
  /** Which CNI probably made tunnels of this kind on this port. */
  cni?(group: CniGroup): CniGuess | undefined;
}
