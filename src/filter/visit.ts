// Walks the occurrences of a field in a packet: each value each of its definitions gives in
// each protocol layer it belongs to, restricted to the layers a selector names.
//
// The layer operator counts protocol layers, not values: `ip.addr#2` is every value of
// ip.addr in the second IPv4 header; `#-1` is the innermost such header, and `inner.` /
// `outer.` are #-1 / #1.
import type { FieldDef, FieldValue, Layer, Packet } from '../dissect/types.js';
import type { LayerSelector } from './parser.js';

export type Test = (v: FieldValue) => boolean;
/** Calls `test` on each value of a field in a packet; true as soon as one passes. */
export type Visit = (pkt: Packet, test: Test) => boolean;

export const ANY: Test = () => true;

/** Protocols are their bytes when compared (`frame contains "GET"`), as in Wireshark. */
export function valueDefs(defs: readonly FieldDef[]): readonly FieldDef[] {
  return defs.map((d) => (d.type === 'protocol' ? { ...d, get: (p: Packet, l: Layer): FieldValue => p.data.subarray(l.start, l.end) } : d));
}

/** Tests the values one definition gives in one layer. */
function inLayer(d: FieldDef, pkt: Packet, l: Layer, test: Test): boolean {
  const v = d.get(pkt, l);
  if (v === undefined) return false;
  if (Array.isArray(v)) {
    for (let j = 0; j < v.length; j++) if (test(v[j]!)) return true;
    return false;
  }
  return test(v as FieldValue);
}

function inLayerAny(defs: readonly FieldDef[], pkt: Packet, l: Layer, test: Test): boolean {
  for (let k = 0; k < defs.length; k++) {
    const d = defs[k]!;
    if (d.proto === l.proto && inLayer(d, pkt, l, test)) return true;
  }
  return false;
}

/** The visitor for a field's definitions restricted to the selected protocol layers. */
export function visitor(defs: readonly FieldDef[], sel: LayerSelector | undefined): Visit {
  const protos = [...new Set(defs.map((d) => d.proto))];
  const one = defs.length === 1 ? defs[0]! : undefined;
  const proto = protos.length === 1 ? protos[0]! : undefined;
  const own = (l: Layer): boolean => (proto !== undefined ? l.proto === proto : protos.includes(l.proto));
  const check = one ? (pkt: Packet, l: Layer, test: Test) => inLayer(one, pkt, l, test) : (pkt: Packet, l: Layer, test: Test) => inLayerAny(defs, pkt, l, test);

  if (!sel) {
    if (one) {
      // The hot path: one definition, every layer.
      const p = one.proto;
      return (pkt, test) => {
        const ls = pkt.layers;
        for (let i = 0; i < ls.length; i++) {
          const l = ls[i]!;
          if (l.proto === p && inLayer(one, pkt, l, test)) return true;
        }
        return false;
      };
    }
    return (pkt, test) => {
      const ls = pkt.layers;
      for (let i = 0; i < ls.length; i++) if (inLayerAny(defs, pkt, ls[i]!, test)) return true;
      return false;
    };
  }
  const { from, to } = sel;
  if (one && from === to) {
    // inner. / outer. / #N with one definition: find the layer, test it, stop.
    const p = one.proto;
    if (from > 0) {
      return (pkt, test) => {
        const ls = pkt.layers;
        let k = 0;
        for (let i = 0; i < ls.length; i++) {
          const l = ls[i]!;
          if (l.proto === p && ++k === from) return inLayer(one, pkt, l, test);
        }
        return false;
      };
    }
    return (pkt, test) => {
      const ls = pkt.layers;
      let k = 0;
      for (let i = ls.length - 1; i >= 0; i--) {
        const l = ls[i]!;
        if (l.proto === p && --k === from) return inLayer(one, pkt, l, test);
      }
      return false;
    };
  }
  if (from > 0 && to > 0) {
    return (pkt, test) => {
      const ls = pkt.layers;
      let k = 0;
      for (let i = 0; i < ls.length; i++) {
        const l = ls[i]!;
        if (!own(l)) continue;
        k++;
        if (k < from) continue;
        if (k > to) return false;
        if (check(pkt, l, test)) return true;
      }
      return false;
    };
  }
  if (from < 0 && to < 0) {
    // Counted from the innermost: #-1 is the last layer of the protocol.
    const lo = -to;
    const hi = -from;
    return (pkt, test) => {
      const ls = pkt.layers;
      let k = 0;
      for (let i = ls.length - 1; i >= 0; i--) {
        const l = ls[i]!;
        if (!own(l)) continue;
        k++;
        if (k < lo) continue;
        if (k > hi) return false;
        if (check(pkt, l, test)) return true;
      }
      return false;
    };
  }
  // Mixed ends such as #[2--1] (the second through the innermost): needs the count first.
  return (pkt, test) => {
    const ls = pkt.layers;
    let total = 0;
    for (let i = 0; i < ls.length; i++) if (own(ls[i]!)) total++;
    const a = from > 0 ? from : total + 1 + from;
    const b = to > 0 ? to : total + 1 + to;
    let k = 0;
    for (let i = 0; i < ls.length; i++) {
      const l = ls[i]!;
      if (!own(l)) continue;
      k++;
      if (k >= a && k <= b && check(pkt, l, test)) return true;
    }
    return false;
  };
}
