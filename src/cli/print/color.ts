export type ColorMode = 'auto' | 'always' | 'never';

/** auto: colour only on a terminal, and not when NO_COLOR is set (no-color.org) or TERM is dumb. */
export function colorEnabled(mode: ColorMode, stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export interface Paint {
  tunnel(s: string): string;
  protocol(s: string): string;
  error(s: string): string;
  warning(s: string): string;
  dim(s: string): string;
}

const sgr = (code: string) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
const plain = (s: string) => s;

export function painter(enabled: boolean): Paint {
  if (!enabled) return { tunnel: plain, protocol: plain, error: plain, warning: plain, dim: plain };
  return { tunnel: sgr('36'), protocol: sgr('1'), error: sgr('31'), warning: sgr('33'), dim: sgr('2') };
}
