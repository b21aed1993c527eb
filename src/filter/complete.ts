// Completing a field name in a display filter being typed (Tab in the UI's filter bar): the
// word before the cursor is extended as far as every field that starts with it agrees, and
// the choices left are listed one level deep ("vxlan." lists vxlan.flags, vxlan.vni, ...).
// The `inner.` and `outer.` shorthands complete like the names they prefix.

export interface Completion {
  text: string;
  cursor: number;
  /** What could follow, one name level deep ("ip.…" stands for ip.src, ip.dst, ...); empty when the word is complete. */
  choices: string[];
}

const WORD = /[A-Za-z0-9_.-]*$/;
const SHORTHAND = /^(inner\.|outer\.)/;

function commonPrefix(words: readonly string[]): string {
  let p = words[0] ?? '';
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** The text after Tab at `cursor`, or undefined when no field starts with the word there. */
export function completeField(text: string, cursor: number, names: readonly string[]): Completion | undefined {
  const before = text.slice(0, cursor);
  const word = WORD.exec(before)![0];
  const shorthand = SHORTHAND.exec(word)?.[1] ?? '';
  const stem = word.slice(shorthand.length);
  if (word === '') return undefined;
  const pool = shorthand ? names : [...names, 'inner.', 'outer.'];
  const matches = pool.filter((n) => n.startsWith(stem)).sort();
  if (matches.length === 0) return undefined;
  const done = shorthand + commonPrefix(matches);
  const start = before.length - word.length;
  const next = text.slice(0, start) + done + text.slice(cursor);
  const exact = matches.length === 1 && done === shorthand + matches[0];
  const choices = exact
    ? []
    : [
        ...new Set(
          matches.map((m) => {
            const dot = m.indexOf('.', done.length - shorthand.length + (m[done.length - shorthand.length] === '.' ? 1 : 0));
            return shorthand + (dot < 0 ? m : `${m.slice(0, dot)}.…`);
          }),
        ),
      ];
  return { text: next, cursor: start + done.length, choices };
}
