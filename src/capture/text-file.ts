import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { VxError, ioReason, msg } from '../errors.js';

/** `ip -j link` of a host with thousands of interfaces stays far below this. */
export const TEXT_INPUT_LIMIT = 8 * 1024 * 1024;
const CHUNK = 64 * 1024;

/**
 * The lines of a small text file the user names on the command line (`--ip-link`,
 * `--ip-route`). It is read in chunks and given up on at the first NUL byte or invalid
 * UTF-8 (a binary file, /dev/urandom) or past `limit` bytes (/dev/zero, a capture given
 * by mistake), so memory never grows with what the path turns out to be.
 */
export function readTextLines(path: string, limit = TEXT_INPUT_LIMIT): string[] {
  const fail = (why: string): VxError => new VxError('input', msg.inInput(path, why));
  let fd: number;
  try {
    fd = openSync(path, 'r');
    if (fstatSync(fd).isDirectory()) {
      closeSync(fd);
      throw fail(msg.unreadable(ioReason({ code: 'EISDIR' })));
    }
  } catch (e) {
    if (e instanceof VxError) throw e;
    throw fail(msg.unreadable(ioReason(e)));
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const lines: string[] = [];
  let partial = '';
  let total = 0;
  const buf = new Uint8Array(CHUNK);
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, CHUNK, null);
      } catch (e) {
        throw fail(msg.unreadable(ioReason(e)));
      }
      if (n === 0) break;
      total += n;
      if (total > limit) throw fail(msg.textInputTooLarge(limit));
      const chunk = buf.subarray(0, n);
      if (chunk.includes(0)) throw fail(msg.textInputBinary());
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw fail(msg.textInputBinary());
      }
      const parts = (partial + text).split('\n');
      partial = parts.pop()!;
      for (const p of parts) lines.push(p);
    }
    try {
      partial += decoder.decode();
    } catch {
      throw fail(msg.textInputBinary());
    }
    if (partial !== '') lines.push(partial);
    return lines;
  } finally {
    closeSync(fd);
  }
}

/** The whole text of such a file (bounded as readTextLines is), for parsers that also take JSON. */
export function readTextInput(path: string, limit = TEXT_INPUT_LIMIT): string {
  return readTextLines(path, limit).join('\n');
}
