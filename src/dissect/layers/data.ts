import { fieldsOf, protocolField } from '../field-helpers.js';
import type { Dissector } from '../types.js';

/** Bytes no dissector claims. */
export const data: Dissector = {
  proto: 'data',
  name: 'Data',
  short: 'Data',
  fields: [
    protocolField('data', 'Data'),
    ...fieldsOf('data', [
      ['data.data', 'Data', 'bytes', { get: (p, l) => p.data.subarray(l.start, l.end), range: (_p, l) => [l.start, l.end - l.start] }],
      ['data.len', 'Length', 'uint', { get: (_p, l) => l.end - l.start }],
    ]),
  ],
  decode(ctx, start, end) {
    ctx.push('data', start, end, end);
    return undefined;
  },
  title: (_p, l) => `Data (${l.end - l.start} bytes)`,
  info: (_p, l) => `${l.end - l.start} bytes`,
};
