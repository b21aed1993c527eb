/** The typed arrays that grow as tables fill. */
export type GrowableColumn = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

/** A copy of `old` with room for `size` values: what it held, then zeros. */
export function grown<T extends GrowableColumn>(old: T, size: number): T {
  const out = new (old.constructor as new (n: number) => T)(size);
  out.set(old);
  return out;
}
