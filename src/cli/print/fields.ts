import { VxError, msg } from '../../errors.js';
import { formatValue } from '../../dissect/format.js';
import type { Registry } from '../../dissect/registry.js';
import type { FieldDef, Packet } from '../../dissect/types.js';
import { fieldOccurrences } from '../../dissect/values.js';
import { safeText } from '../../text/escape.js';
import { nearest } from '../../text/suggest.js';

export interface FieldsOptions {
  header: boolean;
  separator: string;
  /** First, last, all, or the Nth (1-based; negative counts from the last). */
  occurrence: 'f' | 'l' | 'a' | number;
  aggregator: string;
}

export function parseFieldsOptions(items: string[]): FieldsOptions {
  const o: FieldsOptions = { header: false, separator: '\t', occurrence: 'a', aggregator: ',' };
  for (const item of items) {
    const m = /^(header|separator|occurrence|aggregator)=(.*)$/.exec(item);
    if (!m) throw new VxError('usage', msg.badFieldOption(item));
    const v = m[2]!;
    if (m[1] === 'header') {
      if (v !== 'y' && v !== 'n') throw new VxError('usage', msg.badFieldOption(item));
      o.header = v === 'y';
    } else if (m[1] === 'separator') o.separator = v === '/t' ? '\t' : v === '/s' ? ' ' : v;
    else if (m[1] === 'aggregator') o.aggregator = v === '/s' ? ' ' : v;
    else if (v === 'f' || v === 'l' || v === 'a') o.occurrence = v;
    else if (/^-?[1-9]\d{0,5}$/.test(v)) o.occurrence = Number(v);
    else throw new VxError('usage', msg.badFieldOption(item));
  }
  return o;
}

/** Resolves the -e names once, so each packet only reads values. */
export function resolveFields(registry: Registry, names: string[]): { name: string; defs: readonly FieldDef[] }[] {
  return names.map((name) => {
    const defs = registry.field(name);
    if (!defs) throw new VxError('usage', msg.unknownField(name, nearest(name, registry.fieldNames())));
    return { name, defs };
  });
}

export function fieldsHeader(fields: { name: string }[], o: FieldsOptions): string {
  return fields.map((f) => f.name).join(o.separator);
}

/** `-T fields`: every occurrence joined by the aggregator, outer first, as tshark does. */
export function fieldsLine(pkt: Packet, fields: { defs: readonly FieldDef[] }[], o: FieldsOptions): string {
  return fields
    .map(({ defs }) => {
      let occ = fieldOccurrences(pkt, defs);
      if (o.occurrence === 'f') occ = occ.slice(0, 1);
      else if (o.occurrence === 'l') occ = occ.slice(-1);
      else if (typeof o.occurrence === 'number') {
        const at = o.occurrence > 0 ? o.occurrence - 1 : occ.length + o.occurrence;
        occ = at >= 0 && at < occ.length ? [occ[at]!] : [];
      }
      return occ.map((x) => safeText(formatValue(x.def, x.value))).join(o.aggregator);
    })
    .join(o.separator);
}
