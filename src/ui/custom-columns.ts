// Packet-list columns the user adds (`:column add inner.tcp.dstport`): any display-filter
// field, every value of it in the packet, outermost first as `-T fields` prints them, or the
// innermost / outermost one alone with the `inner.` / `outer.` shorthands of the filters.
import { formatValue } from '../dissect/format.js';
import type { Registry } from '../dissect/registry.js';
import type { FieldDef, Packet } from '../dissect/types.js';
import { fieldOccurrences } from '../dissect/values.js';
import { VxError, msg } from '../errors.js';
import { safeText } from '../text/escape.js';
import { nearest } from '../text/suggest.js';
import { narrow } from './text.js';

export interface CustomColumn {
  /** As the user wrote it, which is also the column title. */
  name: string;
  defs: readonly FieldDef[];
  pick: 'all' | 'first' | 'last';
}

export function resolveColumn(name: string, registry: Registry): CustomColumn {
  const m = /^(inner\.|outer\.)?([A-Za-z0-9_.-]+)$/.exec(name.trim());
  if (!m) throw new VxError('usage', msg.unknownField(name.trim(), undefined));
  const field = m[2]!;
  const defs = registry.field(field);
  if (!defs) throw new VxError('usage', msg.unknownField(field, nearest(field, registry.fieldNames())));
  return { name: name.trim(), defs, pick: m[1] === 'inner.' ? 'last' : m[1] === 'outer.' ? 'first' : 'all' };
}

/** The cell text: the values joined by commas, cleaned for the terminal. */
export function columnCell(pkt: Packet, col: CustomColumn): string {
  let occ = fieldOccurrences(pkt, col.defs).filter((o) => !o.layer.quoted);
  if (col.pick === 'first') occ = occ.slice(0, 1);
  else if (col.pick === 'last') occ = occ.slice(-1);
  return narrow(occ.map((o) => safeText(formatValue(o.def, o.value))).join(','));
}
