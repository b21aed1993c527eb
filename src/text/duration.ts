// How journeys write short durations, on the command line and in the terminal UI alike.

/** "0.21 ms", "12.3 ms": two decimals under 10 ms, one above. */
export function msText(seconds: number): string {
  const v = seconds * 1000;
  return `${Math.abs(v) < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
}

/** A hop's delay after the previous one ("+0.02 ms"); a small negative one is clock-estimate noise between hosts. */
export function delayText(seconds: number): string {
  const text = msText(Math.abs(seconds));
  return seconds < 0 && text !== '0.00 ms' ? `-${text}` : `+${text}`;
}
