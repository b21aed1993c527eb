// `-z io,phs`: the protocol hierarchy in tshark's layout, one node per protocol path (outer
// to inner, so a tunnel's inner headers sit under it), frames and frame bytes per node.
import type { Packet } from '../../dissect/types.js';

interface Node {
  name: string;
  frames: number;
  bytes: number;
  children: Map<string, Node>;
}

/** Wireshark's filter names where vxshark's layer names differ. */
const NAMES: Record<string, string> = { sll2: 'sll', 'vxlan-gpe': 'vxlan-gpe', null: 'null', raw: 'raw' };

export class ProtocolHierarchy {
  private readonly root: Node = { name: '', frames: 0, bytes: 0, children: new Map() };

  add(pkt: Packet): void {
    let node = this.root;
    for (let i = 1; i < pkt.layers.length; i++) {
      const l = pkt.layers[i]!;
      // The packet an ICMP error quotes is part of the ICMP message, as in tshark's tree.
      if (l.quoted) continue;
      // An echo's payload is part of the ICMP message in tshark's tree, not a protocol of its own.
      if (l.proto === 'data' && (pkt.layers[i - 1]?.proto === 'icmp' || pkt.layers[i - 1]?.proto === 'icmpv6')) continue;
      const name = NAMES[l.proto] ?? l.proto;
      let child = node.children.get(name);
      if (!child) node.children.set(name, (child = { name, frames: 0, bytes: 0, children: new Map() }));
      child.frames++;
      child.bytes += pkt.frame.origLen;
      node = child;
    }
  }

  lines(filter: string | undefined): string[] {
    const out = ['', '='.repeat(67), 'Protocol Hierarchy Statistics', `Filter: ${filter ?? ''}`, ''];
    const walk = (n: Node, depth: number): void => {
      for (const c of n.children.values()) {
        out.push(`${'  '.repeat(depth)}${c.name}`.padEnd(40) + ` frames:${c.frames} bytes:${c.bytes}`);
        walk(c, depth + 1);
      }
    };
    walk(this.root, 0);
    out.push('='.repeat(67));
    return out;
  }
}
