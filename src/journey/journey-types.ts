// What the journey engine takes and gives: its captures and options, a journey with its hops
// and the ICMP errors about it, the per-flow summary, and each capture's clock.
import type { Capture } from '../capture/capture.js';
import type { IpLinkEntry } from '../capture/ip-link.js';
import type { Direction } from '../capture/types.js';
import type { Registry } from '../dissect/registry.js';
import type { Packet } from '../dissect/types.js';
import type { Addr, Cidr } from '../analysis/addr.js';
import type { ClockEstimate } from './clock.js';
import type { Fate, LastSeen } from './fate.js';
import type { Host } from './hosts.js';
import type { OwnMacLearner } from './own-mac.js';
import type { PacketInfo } from './packet-info.js';
import type { Encap } from './sighting.js';

export interface JourneyCapture {
  name: string;
  capture: Capture;
  host: Host;
  ifnames: ReadonlyMap<number, string>;
  /** The host's links from --ip-link (names and kinds), when given. */
  links?: IpLinkEntry[];
  /** Each interface's own MAC, learnt (and finished) while the capture was loaded; else learnt by a pass of its own. */
  ownMacs?: OwnMacLearner;
}

export interface JourneyOptions {
  registry: Registry;
  /** Only packets it accepts are followed (-Y); without it, pod traffic is. */
  filter?: (pkt: Packet) => boolean;
  /** Pod ranges given by the user; addresses seen inside tunnels or on pod interfaces count too. */
  podCidrs?: Cidr[];
  /** Seconds a journey stays open after its first copy (and in which an answer must come). */
  window?: number;
  /** Keys sampled per capture for the clock estimate. */
  clockSamples?: number;
  /** Frames of each capture the first pass reads (clocks, pods, what the host is); the rest is learnt on the way. */
  surveyFrames?: number;
  /** Flows summarised (more are counted, not kept). */
  maxFlows?: number;
  /**
   * Which judged journeys `emit` gets, by fate; the others are only counted in their flows and
   * never become objects of their own. Without it, every journey is emitted.
   */
  keep?: (fate: Fate) => boolean;
  /** Polled as frames are merged: true ends the run there (the reader of the output went away). */
  stopped?: () => boolean;
}

export interface Hop {
  capture: number;
  frame: number;
  /** Seconds on the reference clock (the first capture's). */
  time: number;
  iface: string | undefined;
  direction: Direction;
  otherHost: boolean;
  encap: Encap | undefined;
  /** TTL / hop limit of the followed (innermost) header. */
  ttl: number;
  /** TTL / hop limit of the outermost header (the tunnel's, when encapsulated): routers between the nodes lower it. */
  outerTtl: number;
  /** Bytes of the outermost IP packet, and whether it may not be fragmented (IPv4 DF; always for IPv6). */
  outerLength: number;
  outerDf: boolean;
}

/** An ICMP error that quotes the packet (or its tunnel packet). */
export interface IcmpEvidence {
  capture: number;
  frame: number;
  time: number;
  iface: string | undefined;
  from: Addr;
  to: Addr;
  type: number;
  code: number;
  v6: boolean;
  /** The MTU a frag-needed / packet-too-big announces, 0 for other errors. */
  mtu: number;
  /** Whether it quotes the outer (tunnel) header rather than the pod packet. */
  aboutTunnel: boolean;
  /** Whether the packet it quotes is a tunnel packet (with the followed one inside), whichever it matched. */
  quotesTunnel: boolean;
  /** Sent by a host to itself (or seen on loopback): the drop happened inside that host. */
  selfAddressed: boolean;
}

export interface Journey {
  id: number;
  flow: string;
  packet: PacketInfo;
  /** The followed packet's destination as the analysis keeps addresses (for judging, not output). */
  target: Addr;
  hops: Hop[];
  answered: boolean;
  errors: IcmpEvidence[];
  fate: Fate;
  lastSeen: LastSeen;
  verdict: string;
}

export interface FlowSummary {
  flow: string;
  /** The flow's source and destination addresses, as in `flow`. */
  src: string;
  dst: string;
  packets: number;
  delivered: number;
  answered: number;
  lost: number;
  unknown: number;
  /** Where packets were lost or last seen, with counts, in order of first occurrence. */
  ends: { verdict: string; packets: number }[];
}

export interface CaptureClock {
  name: string;
  file: string;
  packets: number;
  followed: number;
  clock: ClockEstimate;
  /** The largest step back in time between consecutive frames (batched multi-interface pcapng). */
  backwards: number;
}

export interface JourneyRun {
  captures: CaptureClock[];
  /** Every flow's summary, in order of first occurrence (made when asked for). */
  readonly flows: FlowSummary[];
  /** The same, one at a time: a hundred thousand of them need not exist at once. */
  eachFlow(): Iterable<FlowSummary>;
  journeys: number;
  /** Journeys of flows past maxFlows: counted, their flows not summarised. */
  untrackedPackets: number;
}
