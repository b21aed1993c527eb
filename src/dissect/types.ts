import type { Direction } from '../capture/types.js';
import type { Conv } from './conversations.js';
import type { TextBytes } from './text-bytes.js';

/** How a field's values compare and print; the same types the display filter understands. */
export type FieldType = 'none' | 'uint' | 'int' | 'bool' | 'ipv4' | 'ipv6' | 'ether' | 'string' | 'bytes' | 'protocol' | 'time' | 'float';

/** ipv4 values are unsigned 32-bit numbers; ipv6 and ether values are byte arrays. */
export type FieldValue = number | boolean | string | Uint8Array;

/** One decoded protocol header: offsets into the frame's bytes, nothing copied. */
export interface Layer {
  proto: string;
  /** First byte of the header. */
  start: number;
  /** First byte after the header (where the payload begins). */
  payload: number;
  /** End of the bytes this layer covers, header and payload, never past the captured data. */
  end: number;
  /** 0 outside any tunnel, then one more for each tunnel header crossed. */
  depth: number;
  /**
   * Set when the header is cut short or inconsistent, to the reason ("Bogus TCP header length
   * (0, must be at least 20)"). Dissectors set it through markMalformed() or truncatedHeader()
   * in dissect.ts, never by hand: those also add the expert note, and the summary line, the
   * tree, capinfo and the `_ws.malformed` / `_ws.expert` filter fields all follow from it.
   */
  malformed?: string;
  /** With `malformed`: the header was cut by the capture's snaplen, not broken (`[|tcp]`). */
  truncated?: boolean;
  /** A small dissector-specific value (e.g. the ethertype a VLAN tag announces). */
  aux?: number;
  /**
   * Part of the packet an ICMP/ICMPv6 error quotes (Wireshark's "in error packet"): a partial
   * copy by design, so a short header there is only noted, and it sets no packet-list column.
   */
  quoted?: boolean;
  /** Stream state of a TCP/UDP layer, set on sequential passes (see conversations.ts). */
  conv?: Conv;
}

export interface FrameMeta {
  /** 1-based, as users see it. */
  number: number;
  sec: number;
  nsec: number;
  capLen: number;
  origLen: number;
  linkType: number;
  interfaceId: number;
  interfaceName?: string;
  direction: Direction;
  /** Seconds since the first frame (for the Time column). */
  relative?: number;
  /** Seconds since the previous captured frame (0 for the first). */
  delta?: number;
  /**
   * relative and delta as whole seconds and nanoseconds of one sign, where a double is not exact
   * (after a frame stamped 1970, a span of decades): their text is made from these when given.
   */
  relativeSec?: number;
  relativeNsec?: number;
  deltaSec?: number;
  deltaNsec?: number;
  /** pcapng packet comments. */
  comments?: string[];
  /** The file gave no time stamp (a pcapng simple packet block): sec and nsec read 0, and no time is shown. */
  untimed?: boolean;
}

export type NoteSeverity = 'error' | 'warning' | 'note';

export interface Note {
  severity: NoteSeverity;
  message: string;
  /** Index into Packet.layers of the layer the note is about. */
  layer: number;
}

export interface Packet {
  data: Uint8Array;
  frame: FrameMeta;
  layers: Layer[];
  notes: Note[];
  /**
   * A header the packet's bytes end before: cut off by the capture's snaplen (a tunnel packet
   * kept up to its GENEVE header: tcpdump's `[|eth]`), or absent from a tunnel whose header
   * declares it (tshark's Malformed Packet). Named here, not a layer: there is nothing of it to read.
   */
  missing?: { proto: string; why: string; snaplen: boolean };
}

/** A field every dissector registers; the registry of these is the display-filter vocabulary. */
export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  /** How numbers print: decimal, or hex padded to this many digits (tshark's BASE_HEX). */
  hexDigits?: number;
  /** Bytes fields tshark prints as plain hex (BASE_NONE), not colon-separated. */
  plainHex?: boolean;
  /**
   * Hex digits in the detail tree when tshark's tree shows the bitmask's width rather than the
   * type's (tcp.flags: 0x018 in -V, 0x0018 in -T fields).
   */
  treeHexDigits?: number;
  /** The owning protocol (its layer is what `get` receives). */
  proto: string;
  /** Name of the field this one sits under in the detail tree. */
  parent?: string;
  /** The first value sits at the top of the layer's tree, the others pair with the parent's values (geneve.option.length). */
  firstAtTop?: boolean;
  /** Names for values, shown in the tree as "Name (value)". */
  names?: Record<number, string>;
  /** What the field means, for `vxshark fields` and docs/fields.md (the label says enough when absent). */
  description?: string;
  /** Hidden fields (ip.addr, tcp.port) filter and print with -e but do not appear in the tree. */
  hidden?: boolean;
  /** The value comes from the conversation tracker (earlier packets of the stream), not this packet alone. */
  stream?: boolean;
  /** Values in one layer; undefined (or an empty array) when the field is absent there. */
  get(pkt: Packet, layer: Layer): FieldValue | FieldValue[] | undefined;
  /** Bytes the field occupies, for the hex view. */
  range?(pkt: Packet, layer: Layer): [start: number, length: number] | undefined;
  /** For a field with several values in one layer (GENEVE options): the bytes of each value. */
  ranges?(pkt: Packet, layer: Layer): [start: number, length: number][];
}

export interface TreeNode {
  label: string;
  field?: string;
  start: number;
  length: number;
  children?: TreeNode[];
}

/**
 * Names for addresses from outside the capture (the Kubernetes and Cilium context): what the
 * packet list, the detail tree and the analysis show instead of, or beside, an address.
 */
export interface AddressNaming {
  /** The name for an address written as text ("172.20.0.10"), or undefined. */
  label(address: string): string | undefined;
  /** A subtree to add under a layer's node (the Kubernetes view of an IP header). */
  layerTree(pkt: Packet, layer: Layer): TreeNode | undefined;
}

export interface Summary {
  source: string;
  destination: string;
  protocol: string;
  info: string;
}

/** What a dissector hands back: the protocol to decode next and the bytes it gets. */
export interface Next {
  proto: string;
  start: number;
  end: number;
}

/** Where a reassembled datagram's bytes were appended to Packet.data, and which frames carried it. */
export interface Reassembly {
  start: number;
  end: number;
  frames: number[];
  /** Overlapping fragments carried different bytes for the same offsets (the earliest were kept). */
  conflict?: boolean;
}

export interface DecodeContext {
  readonly pkt: Packet;
  /** Appends a layer at the current tunnel depth and returns it. */
  push(proto: string, start: number, payload: number, end: number): Layer;
  note(severity: NoteSeverity, message: string): void;
  /** Looks a key up in a dispatch table (ethertype, ip.proto, udp.port, tcp.port, linktype). */
  lookup(table: string, key: number): string | undefined;
  /** Runs heuristic dissectors registered for a table on these bytes. */
  heuristic(table: string, start: number, end: number): string | undefined;
  /**
   * Offers an IP fragment's payload for reassembly. null: this pass does not reassemble;
   * undefined: the datagram is still incomplete; otherwise the whole datagram.
   */
  reassemble(key: string, offset: number, start: number, end: number, more: boolean): Reassembly | null | undefined;
  /** Marks that the next layers are inside a tunnel. */
  enterTunnel(): void;
  /** Marks every layer pushed from now on as part of the packet an ICMP error quotes. */
  enterQuote(): void;
}

/**
 * A title of field values: `text`, then each part's prefix and its field's value as -T fields
 * prints it ("Ethernet II, Src: …, Dst: …"); `text` alone while the layer's header is shorter
 * than `minLength`. Each part's field is a fixed-offset one within `minLength` bytes (checked
 * by titleFields). -V writes it from the values it has already read, without the string.
 */
export interface FieldTitle {
  text: string;
  minLength: number;
  parts: readonly (readonly [prefix: string, field: string])[];
}

/**
 * A title that also writes its text straight into bytes, for -V (a title of numbers made as a
 * string cost more than the layer's lines). Kept on the function, so that a dissector given
 * another title loses it.
 */
export interface BytesTitle {
  (pkt: Packet, layer: Layer): string;
  into(out: TextBytes, pkt: Packet, layer: Layer): void;
}

export interface Dissector {
  proto: string;
  /** Long name, for the detail tree (e.g. "Internet Protocol Version 4"). */
  name: string;
  /** Short name, for the Protocol column (e.g. "IPv4"). */
  short: string;
  fields: FieldDef[];
  decode(ctx: DecodeContext, start: number, end: number): Next | undefined;
  /** The tree header line, e.g. "Internet Protocol Version 4, Src: a, Dst: b". */
  title?(pkt: Packet, layer: Layer): string;
  /** A header line made of the layer's own fields, in place of `title` (see layerTitle). */
  fieldTitle?: FieldTitle;
  /** Source and destination this layer contributes to the packet list. */
  endpoints?(pkt: Packet, layer: Layer): [string, string] | undefined;
  /** The Info column when this is the top layer. */
  info?(pkt: Packet, layer: Layer): string;
  /** Checks bytes that arrived on a port no table names (heuristic dissection). */
  looksLike?(data: Uint8Array, start: number, end: number): boolean;
}
