// Numbers with thousands separators ("1,234,567"), as toLocaleString('en-US') writes them.
// That call loads ICU's number formatting on first use, about 12 ms: a fifth of what a whole
// `vxshark alerts` on a small capture costs, for the one count in its last line.

/** `n` with a comma every three digits; anything but a safe integer goes to toLocaleString. */
export function grouped(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(n < 0 ? -n : n);
  let at = digits.length % 3 || 3;
  let out = digits.slice(0, at);
  for (; at < digits.length; at += 3) out += ',' + digits.slice(at, at + 3);
  return n < 0 ? '-' + out : out;
}
