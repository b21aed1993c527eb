// Clock offsets between captures, from the packets they share. A packet that left host A and
// arrived at host B gives t_B - t_A = offset + latency; one going back gives offset - latency.
// With both directions the two medians average the latency away (as NTP does); with one, the
// low end of the distribution is the offset plus the smallest latency. Medians and low
// percentiles, not means, so that a few wrong matches cannot drag the estimate.

/** A capture's first and last sighting of one sampled packet: when, in or out, and its TTL then. */
export interface SampleTimes {
  first: number;
  last: number;
  firstIn: boolean;
  lastOut: boolean;
  firstTtl: number;
  lastTtl: number;
}

/** The packet left x and then reached y: out of x, into y, and its TTL did not grow on the way. */
function went(x: SampleTimes, y: SampleTimes): boolean {
  return x.lastOut && y.firstIn && x.lastTtl >= y.firstTtl;
}

export interface ClockEstimate {
  /** Seconds to subtract from this capture's times to put them on the reference clock. */
  offset: number;
  /** Packets the estimate rests on (0: none shared with a capture of known offset). */
  matched: number;
  /** Half the spread of the estimates: hops closer than this are ordered by topology, not time. */
  uncertainty: number;
  /** The capture whose clock this one was compared with (-1 for the reference). */
  via: number;
}

const MIN_MATCHES = 3;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

interface PairEstimate {
  offset: number;
  matched: number;
  uncertainty: number;
}

/** The offset of capture b's clock relative to capture a's (b reads `offset` seconds ahead). */
export function pairOffset(a: ReadonlyMap<number, SampleTimes>, b: ReadonlyMap<number, SampleTimes>): PairEstimate | undefined {
  const forward: number[] = []; // a → b: offset + latency
  const backward: number[] = []; // b → a: offset - latency
  const any: number[] = [];
  const [small, large, swapped] = a.size <= b.size ? [a, b, false] : [b, a, true];
  for (const [key, s] of small) {
    const l = large.get(key);
    if (!l) continue;
    const ta = swapped ? l : s;
    const tb = swapped ? s : l;
    any.push(tb.first - ta.first);
    // Both ways plausible (equal TTLs on every copy): the direction is unknown, so it is skipped.
    const ab = went(ta, tb);
    const ba = went(tb, ta);
    if (ab && !ba) forward.push(tb.first - ta.last);
    else if (ba && !ab) backward.push(tb.last - ta.first);
  }
  if (any.length < MIN_MATCHES) return undefined;
  forward.sort((x, y) => x - y);
  backward.sort((x, y) => x - y);
  any.sort((x, y) => x - y);
  if (forward.length >= MIN_MATCHES && backward.length >= MIN_MATCHES) {
    const f = quantile(forward, 0.5);
    const r = quantile(backward, 0.5);
    return { offset: (f + r) / 2, matched: any.length, uncertainty: Math.abs(f - r) / 2 };
  }
  if (forward.length >= MIN_MATCHES) {
    const low = quantile(forward, 0.05);
    return { offset: low, matched: any.length, uncertainty: quantile(forward, 0.5) - low };
  }
  if (backward.length >= MIN_MATCHES) {
    const high = quantile(backward, 0.95);
    return { offset: high, matched: any.length, uncertainty: high - quantile(backward, 0.5) };
  }
  const mid = quantile(any, 0.5);
  return { offset: mid, matched: any.length, uncertainty: quantile(any, 0.75) - quantile(any, 0.25) };
}

/**
 * Offsets of every capture relative to the first, following the best-matched pairs outward
 * (a capture that shares nothing with the first is reached through one that does). A capture
 * that shares too few packets with any other keeps offset 0 and matched 0.
 */
export function estimateClocks(samples: readonly ReadonlyMap<number, SampleTimes>[]): ClockEstimate[] {
  const n = samples.length;
  const out: ClockEstimate[] = samples.map((_, i) => ({ offset: 0, matched: 0, uncertainty: 0, via: i === 0 ? -1 : i }));
  if (n === 0) return out;
  const pairs: (PairEstimate | undefined)[][] = samples.map(() => new Array<PairEstimate | undefined>(n));
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs[i]![j] = pairOffset(samples[i]!, samples[j]!);
  const known = new Set<number>([0]);
  out[0] = { offset: 0, matched: Infinity, uncertainty: 0, via: -1 };
  for (;;) {
    let best: { from: number; to: number; p: PairEstimate; sign: number } | undefined;
    for (const i of known) {
      for (let j = 0; j < n; j++) {
        if (known.has(j)) continue;
        const p = i < j ? pairs[i]![j] : pairs[j]![i];
        if (p && (!best || p.matched > best.p.matched)) best = { from: i, to: j, p, sign: i < j ? 1 : -1 };
      }
    }
    if (!best) break;
    const base = out[best.from]!;
    out[best.to] = {
      offset: base.offset + best.sign * best.p.offset,
      matched: best.p.matched,
      uncertainty: base.uncertainty + best.p.uncertainty,
      via: best.from,
    };
    known.add(best.to);
  }
  out[0]!.matched = out.slice(1).reduce((m, c) => Math.max(m, c.matched), 0);
  return out;
}
