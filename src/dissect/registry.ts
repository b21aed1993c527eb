import { VxError, msg } from '../errors.js';
import type { ClusterContext } from '../context/context.js';
import { ENCAPS } from './encap/index.js';
import type { AddressNaming, Dissector, FieldDef } from './types.js';

/** Dispatch tables keyed like Wireshark's; a "decode as" rule is just another entry. */
export type TableName = 'linktype' | 'ethertype' | 'ip.proto' | 'udp.port' | 'tcp.port' | 'sll.arphrd' | 'gre.proto';

export interface DecodeAsRule {
  table: TableName;
  from: number;
  to: number;
  proto: string;
}

export interface RegistryOptions {
  decodeAs?: DecodeAsRule[];
  heuristics?: boolean;
  /** The Kubernetes/Cilium context: the k8s.* and cilium.* fields read it. */
  context?: ClusterContext;
  /** Show names for addresses (default true when a context is given; --names off). */
  names?: boolean;
}

/**
 * One dispatch table: typed arrays indexed by the key (ports, ethertypes, link types are all
 * below 65536), the hot path of dissection, so two loads answer all three questions. Each key
 * holds the position of its protocol in short lists: arrays of 65536 protocols and dissectors
 * took 1 MB a table, 6 MB of every run's memory.
 */
export interface DispatchTable {
  /** By key: 0 when nothing is registered, else the position of its protocol in `protos`. */
  entry: Uint16Array;
  /** By position, from 1 (0 stays undefined): each protocol the table leads to, once. */
  protos: (string | undefined)[];
  /** 1 where the crossing enters a tunnel (IP in IP has no tunnel header of its own). */
  entersTunnel: Uint8Array;
  /** By position: the protocol's dissector, filled on first use (dissectors may be added after entries). */
  dissectors: (Dissector | undefined)[];
}

/** A table with nothing registered in it. */
export function emptyTable(): DispatchTable {
  return { entry: new Uint16Array(65536), protos: [undefined], entersTunnel: new Uint8Array(65536), dissectors: [undefined] };
}

/** The protocol the table leads to from `key`, or undefined. */
export function protoAt(t: DispatchTable, key: number): string | undefined {
  return t.protos[t.entry[key & 0xffff]!];
}

export class Registry {
  /** Counts the dissectors added: what is worked out from them once (tree-bytes.ts) is worked out again when it changes. */
  revision = 0;
  private readonly dissectors = new Map<string, Dissector>();
  private readonly tables = new Map<string, DispatchTable>();
  // The tables dissectors look up on every layer, as fields: a switch on an interned name is
  // a few pointer compares where the Map's hash lookup was about 8% of dissection.
  private linktype: DispatchTable | undefined;
  private ethertype: DispatchTable | undefined;
  private ipProto: DispatchTable | undefined;
  private udpPort: DispatchTable | undefined;
  private tcpPort: DispatchTable | undefined;
  private readonly heuristics = new Map<string, string[]>();
  /** A name can belong to several protocols (sll.* in SLL and SLL2), each reading its own layout. */
  private readonly fieldMap = new Map<string, FieldDef[]>();
  readonly heuristicsEnabled: boolean;
  /** The cluster context the k8s.* and cilium.* fields read (absent: those fields are absent). */
  context: ClusterContext | undefined;
  /** Names shown for addresses; undefined without a context or with --names off. */
  naming: AddressNaming | undefined;

  constructor(opts: RegistryOptions = {}) {
    this.heuristicsEnabled = opts.heuristics ?? true;
    this.context = opts.context;
    this.naming = undefined;
  }

  add(d: Dissector): this {
    this.revision++;
    if (this.dissectors.has(d.proto)) for (const t of this.tables.values()) t.dissectors.fill(undefined);
    this.dissectors.set(d.proto, d);
    for (const f of d.fields) {
      const list = this.fieldMap.get(f.name) ?? [];
      list.push(f);
      this.fieldMap.set(f.name, list);
    }
    return this;
  }

  /** Marks a table entry as entering a tunnel: what it leads to is one tunnel deeper. */
  markTunnelEntry(table: TableName, key: number): this {
    this.table(table).entersTunnel[key & 0xffff] = 1;
    return this;
  }

  register(table: TableName, key: number, proto: string): this {
    const t = this.table(table);
    let position = t.protos.indexOf(proto, 1);
    if (position < 0) {
      position = t.protos.push(proto) - 1;
      t.dissectors.push(undefined);
    }
    t.entry[key & 0xffff] = position;
    return this;
  }

  private table(name: TableName): DispatchTable {
    let t = this.tables.get(name);
    if (!t) {
      t = emptyTable();
      this.tables.set(name, t);
      if (name === 'linktype') this.linktype = t;
      else if (name === 'ethertype') this.ethertype = t;
      else if (name === 'ip.proto') this.ipProto = t;
      else if (name === 'udp.port') this.udpPort = t;
      else if (name === 'tcp.port') this.tcpPort = t;
    }
    return t;
  }

  /** The whole table, for dissection's hot path; undefined when nothing is registered in it. */
  dispatchTable(table: string): DispatchTable | undefined {
    switch (table) {
      case 'ethertype':
        return this.ethertype;
      case 'ip.proto':
        return this.ipProto;
      case 'udp.port':
        return this.udpPort;
      case 'tcp.port':
        return this.tcpPort;
      case 'linktype':
        return this.linktype;
      default:
        return this.tables.get(table);
    }
  }

  addHeuristic(table: TableName, proto: string): this {
    const list = this.heuristics.get(table) ?? [];
    list.push(proto);
    this.heuristics.set(table, list);
    return this;
  }

  applyDecodeAs(rules: DecodeAsRule[]): this {
    for (const r of rules) {
      if (!this.dissectors.has(r.proto)) throw new VxError('usage', msg.unknownDecodeAsProtocol(r.proto, this.decodeAsTargets()));
      for (let k = r.from; k <= r.to; k++) this.register(r.table, k, r.proto);
    }
    return this;
  }

  dissector(proto: string): Dissector | undefined {
    return this.dissectors.get(proto);
  }

  lookup(table: string, key: number): string | undefined {
    const t = this.tables.get(table);
    return t && protoAt(t, key);
  }

  heuristicsFor(table: string): readonly string[] {
    return this.heuristicsEnabled ? (this.heuristics.get(table) ?? []) : [];
  }

  /** Every definition of a field name (one per protocol that has it). */
  field(name: string): readonly FieldDef[] | undefined {
    return this.fieldMap.get(name);
  }

  fieldNames(): string[] {
    return [...this.fieldMap.keys()];
  }

  allDissectors(): Dissector[] {
    return [...this.dissectors.values()];
  }

  decodeAsTargets(): string[] {
    return [
      ...ENCAPS.flatMap((e) => e.dissectors.filter((d) => d.proto === e.headerLayer || d.proto === 'udpencap').map((d) => d.proto)),
      'dns',
      'http',
    ].filter((p) => this.dissectors.has(p));
  }
}

const DECODE_AS = /^\s*(udp\.port|tcp\.port|ethertype|ip\.proto)\s*==\s*(\d+)(?:\s*-\s*(\d+))?\s*,\s*([a-z0-9_.-]+)\s*$/i;

/** Parses tshark's `-d udp.port==8472,vxlan` (also a range: `udp.port==9000-9010,vxlan`). */
export function parseDecodeAs(text: string): DecodeAsRule {
  const m = DECODE_AS.exec(text);
  if (!m) throw new VxError('usage', msg.badDecodeAs(text));
  const from = Number(m[2]);
  const to = m[3] === undefined ? from : Number(m[3]);
  const limit = m[1] === 'ip.proto' ? 255 : 65535;
  if (from > limit || to > limit || to < from) throw new VxError('usage', msg.badDecodeAs(text));
  const proto = m[4]!.toLowerCase();
  return { table: m[1]!.toLowerCase() as TableName, from, to, proto: proto === 'vxlan_gpe' || proto === 'vxlangpe' ? 'vxlan-gpe' : proto };
}
