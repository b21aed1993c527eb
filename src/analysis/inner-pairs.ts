// Inner address pairs per tunnel: which pod pairs each tunnel carried, and how many packets,
// from the directions each flow took through each tunnel, in order of first appearance. Keyed
// by (tunnel, stored src, stored dst) in one typed hash table: half a million flows give over
// a hundred thousand pairs, and a Map of Maps cost as much time as the rest of the finish.
import { HASH_SEED, mix } from '../util/hash.js';
import { BIT_V6, type FlowStore } from './flow-store.js';
import { InnerPairRecord, type InnerPair } from './tunnels.js';

export function innerPairsOf(st: FlowStore): Map<number, InnerPair[]> {
  const pairs: InnerPairRecord[] = [];
  const tunnelOf: number[] = [];
  // Open addressing, kept at most half full: the table grows with the distinct pairs (far
  // fewer than the flows' directions), so it stays small enough to stay in the cache.
  let size = 1024;
  let slots = new Int32Array(size);
  let keyT = new Int32Array(size / 2);
  let keyS = new Int32Array(size / 2);
  let keyD = new Int32Array(size / 2);
  let keyV6 = new Uint8Array(size / 2);
  const slotOf = (tunnel: number, s: number, d: number): number => mix(mix(mix(HASH_SEED, tunnel), s), d) & (size - 1);
  const grow = (): void => {
    size *= 2;
    slots = new Int32Array(size);
    const more = <T extends Int32Array | Uint8Array>(old: T): T => {
      const out = new (old.constructor as new (n: number) => T)(size / 2);
      out.set(old);
      return out;
    };
    keyT = more(keyT);
    keyS = more(keyS);
    keyD = more(keyD);
    keyV6 = more(keyV6);
    for (let k = 0; k < pairs.length; k++) {
      let h = slotOf(keyT[k]!, keyS[k]!, keyD[k]!);
      while (slots[h] !== 0) h = (h + 1) & (size - 1);
      slots[h] = k + 1;
    }
  };
  const add = (tunnel: number, packets: number, s: number, d: number, v6: boolean): void => {
    let h = slotOf(tunnel, s, d);
    for (;;) {
      const at = slots[h]!;
      if (at === 0) break;
      const k = at - 1;
      if (keyT[k] === tunnel && keyS[k] === s && keyD[k] === d && keyV6[k] === (v6 ? 1 : 0)) {
        pairs[k]!.packets += packets;
        return;
      }
      h = (h + 1) & (size - 1);
    }
    const k = pairs.length;
    keyT[k] = tunnel;
    keyS[k] = s;
    keyD[k] = d;
    keyV6[k] = v6 ? 1 : 0;
    slots[h] = k + 1;
    const p = new InnerPairRecord(v6 ? st.v6[s]! : s, v6 ? st.v6[d]! : d);
    p.packets = packets;
    pairs.push(p);
    tunnelOf.push(tunnel);
    if (pairs.length * 2 >= size) grow();
  };
  const each = (id: number, dir: 0 | 1, first: number, count: number): void => {
    const v6 = (st.bits[id]! & BIT_V6) !== 0;
    const s = dir === 0 ? st.a[id]! : st.b[id]!;
    const d = dir === 0 ? st.b[id]! : st.a[id]!;
    add(first, count, s, d, v6);
    const rest = st.moreTunnels.size ? st.moreTunnels.get(id * 2 + dir) : undefined;
    if (rest !== undefined) for (let k = 0; k < rest.length; k += 2) add(rest[k]!, rest[k + 1]!, s, d, v6);
  };
  for (let id = 0; id < st.count; id++) {
    if (st.t0[id] !== 0) each(id, 0, st.t0[id]! - 1, st.t0n[id]!);
    if (st.t1[id] !== 0) each(id, 1, st.t1[id]! - 1, st.t1n[id]!);
  }
  const out = new Map<number, InnerPair[]>();
  for (let k = 0; k < pairs.length; k++) {
    let list = out.get(tunnelOf[k]!);
    if (list === undefined) out.set(tunnelOf[k]!, (list = []));
    list.push(pairs[k]!);
  }
  return out;
}
