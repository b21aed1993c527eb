import type { DecodeContext } from '../types.js';

/** Like Wireshark: the lower port is tried first, then the higher one. */
export function protoByPorts(ctx: DecodeContext, table: string, a: number, b: number): string | undefined {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return ctx.lookup(table, lo) ?? ctx.lookup(table, hi);
}
