import { readFileSync } from 'node:fs';
import { VxError, msg } from '../errors.js';

/** A small text file the user names on the command line (`--ip-link`, `--ip-route`). */
export function readTextInput(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new VxError('input', msg.inInput(path, msg.unreadable((e as NodeJS.ErrnoException).code ?? String(e))));
  }
}
