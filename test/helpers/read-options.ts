// The options read() gets from `vxshark -r FILE` with no other flag, for tests that call it in
// process; `extra` adds the flags a test is about.
import type { ReadOptions } from '../../src/cli/commands/read.js';
import { parseFieldsOptions } from '../../src/cli/print/fields.js';
import { parseTimeFormat } from '../../src/cli/print/time-format.js';

export function readOptions(file: string, extra: Partial<ReadOptions> = {}): ReadOptions {
  return {
    file,
    output: 'text',
    verbose: false,
    hex: false,
    summaryLines: false,
    fields: [],
    fieldsOptions: parseFieldsOptions([]),
    decodeAs: [],
    heuristics: true,
    ifnames: new Map(),
    timeFormat: parseTimeFormat('r'),
    color: 'never',
    ...extra,
  };
}
