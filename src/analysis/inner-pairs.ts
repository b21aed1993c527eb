// Inner address pairs per tunnel: which pod pairs each tunnel carried, and how many packets,
// from the directions each flow took through each tunnel, in order of first appearance. Keyed
// by (tunnel, stored src, stored dst) in one typed hash table: half a million flows give over
// a hundred thousand pairs, and a Map of Maps cost as much time as the rest of the finish.
// A pair's key and its packets share one row of `rows`, so a probe touches one cache line
// there (separate key columns cost a miss each, and the table outgrows the cache).
import { HASH_SEED, mix } from '../util/hash.js';
import { grown } from '../util/grown.js';
import { BIT_V6, type FlowStore } from './flow-store.js';
import { InnerPairRecord, type InnerPair } from './tunnels.js';

/** Row of a pair in `rows`: tunnel, stored src, stored dst, IPv6 (1) or not (0). */
const ROW = 4;

export function innerPairsOf(st: FlowStore): Map<number, InnerPair[]> {
  let pairs = 0;
  // Open addressing, kept at most half full: the table grows with the distinct pairs (far
  // fewer than the flows' directions).
  let size = 1024;
  let slots = new Int32Array(size);
  let rows = new Int32Array((size / 2) * ROW);
  let packets = new Float64Array(size / 2);
  const slotOf = (tunnel: number, s: number, d: number): number => mix(mix(mix(HASH_SEED, tunnel), s), d) & (size - 1);
  const grow = (): void => {
    size *= 2;
    slots = new Int32Array(size);
    rows = grown(rows, (size / 2) * ROW);
    packets = grown(packets, size / 2);
    for (let k = 0; k < pairs; k++) {
      let h = slotOf(rows[k * ROW]!, rows[k * ROW + 1]!, rows[k * ROW + 2]!);
      while (slots[h] !== 0) h = (h + 1) & (size - 1);
      slots[h] = k + 1;
    }
  };
  const add = (tunnel: number, count: number, s: number, d: number, v6: number): void => {
    let h = slotOf(tunnel, s, d);
    for (;;) {
      const at = slots[h]!;
      if (at === 0) break;
      const r = (at - 1) * ROW;
      if (rows[r] === tunnel && rows[r + 1] === s && rows[r + 2] === d && rows[r + 3] === v6) {
        packets[at - 1]! += count;
        return;
      }
      h = (h + 1) & (size - 1);
    }
    const k = pairs++;
    rows[k * ROW] = tunnel;
    rows[k * ROW + 1] = s;
    rows[k * ROW + 2] = d;
    rows[k * ROW + 3] = v6;
    packets[k] = count;
    slots[h] = k + 1;
    if (pairs * 2 >= size) grow();
  };
  const each = (id: number, dir: 0 | 1, first: number, count: number): void => {
    const v6 = (st.bits[id]! & BIT_V6) !== 0 ? 1 : 0;
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
  for (let k = 0; k < pairs; k++) {
    const tunnel = rows[k * ROW]!;
    const v6 = rows[k * ROW + 3] !== 0;
    const s = rows[k * ROW + 1]!;
    const d = rows[k * ROW + 2]!;
    const p = new InnerPairRecord(v6 ? st.v6[s]! : s, v6 ? st.v6[d]! : d);
    p.packets = packets[k]!;
    let list = out.get(tunnel);
    if (list === undefined) out.set(tunnel, (list = []));
    list.push(p);
  }
  return out;
}
