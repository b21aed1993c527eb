/** The start of an FNV-style hash that mix() goes on from. */
export const HASH_SEED = 0x811c9dc5 | 0;

/** Mixes a 32-bit number into an FNV-style hash (signed 32-bit: a small integer for Map keys). */
export function mix(h: number, v: number): number {
  h = Math.imul(h ^ (v & 0xffff), 0x01000193);
  return Math.imul(h ^ (v >>> 16), 0x01000193);
}
