// The error every stage of the display-filter compiler throws. The text comes from `msg` in
// src/errors.ts and already names the column; `pos` (0-based) is kept for a UI to place a cursor.
export class FilterError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
    this.name = 'FilterError';
  }

  /** 1-based column, as the message names it. */
  get column(): number {
    return this.pos + 1;
  }
}

/** Edit distance where swapping two neighbouring characters counts as one edit ("ip.dts"). */
function typoDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/** How many characters two names share, counted with multiplicity. */
function overlap(a: string, b: string): number {
  const counts = new Map<string, number>();
  for (const c of a) counts.set(c, (counts.get(c) ?? 0) + 1);
  let n = 0;
  for (const c of b) {
    const k = counts.get(c) ?? 0;
    if (k > 0) {
      n++;
      counts.set(c, k - 1);
    }
  }
  return n;
}

/**
 * The field name to offer for an unknown one: the closest by typo distance, close enough to
 * be a plausible typo. Among equally close names, one of the same protocol wins ("vxlan.vid"
 * suggests vxlan.vni, not vlan.id), then the one sharing more characters (vxlan.vni, not
 * vxlan.ver), then the first alphabetically.
 */
export function suggestField(name: string, names: readonly string[]): string | undefined {
  if (name.length < 3) return undefined;
  const dot = name.indexOf('.');
  const proto = dot > 0 ? name.slice(0, dot) : name;
  const sameProto = (n: string): boolean => n === proto || n.startsWith(proto + '.');
  let best: { name: string; d: number; same: boolean; common: number } | undefined;
  for (const n of names) {
    const c = { name: n, d: typoDistance(name, n), same: sameProto(n), common: overlap(name, n) };
    if (!best || c.d < best.d || (c.d === best.d && (c.same !== best.same ? c.same : c.common !== best.common ? c.common > best.common : c.name < best.name))) {
      best = c;
    }
  }
  return best !== undefined && best.d <= Math.max(2, Math.floor(name.length / 4)) ? best.name : undefined;
}
