// Math.max(...values) passes every value as an argument and overflows the call stack
// beyond about 100,000 of them (a table of 150,000 flows); these loops take any number.

/** The largest of `values`, or `floor` when it is larger (or there are no values). */
export function maxOf(values: Iterable<number>, floor = -Infinity): number {
  let best = floor;
  for (const v of values) if (v > best) best = v;
  return best;
}

/** Appends every item of `items` to `target` without spreading them into one call. */
export function pushAll<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}
