// Reads context files: a JSON file, several, or a directory of them (its *.json files, not
// recursively). Each file is bounded in size and must hold at least one object vxshark
// understands; anything else is a one-line error naming the file.
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { VxError, msg } from '../errors.js';
import { ClusterContext } from './context.js';
import { emptyContextData, type ContextData } from './model.js';
import { addObject, newTally } from './objects.js';

/** A 10,000-pod `kubectl get pods -o json` is about 60 MB; four times that is not a context file. */
export const MAX_CONTEXT_BYTES = 256 << 20;
const MAX_DIR_FILES = 200;

function fail(path: string, why: string): never {
  throw new VxError('input', msg.inInput(path, why));
}

function readBounded(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(path, code === 'ENOENT' ? msg.missingFile() : msg.unreadable(code ?? String(e)));
  }
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_CONTEXT_BYTES) fail(path, msg.contextTooLarge(MAX_CONTEXT_BYTES));
    // Read at most the limit plus one byte: a pipe or a file growing meanwhile stays bounded.
    const buf = Buffer.alloc(Math.min(MAX_CONTEXT_BYTES + 1, Math.max(size, 1 << 16)));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (buf.length > MAX_CONTEXT_BYTES) fail(path, msg.contextTooLarge(MAX_CONTEXT_BYTES));
        break;
      }
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > MAX_CONTEXT_BYTES) fail(path, msg.contextTooLarge(MAX_CONTEXT_BYTES));
    return buf.toString('utf8', 0, n);
  } catch (e) {
    if (e instanceof VxError) throw e;
    fail(path, msg.unreadable((e as NodeJS.ErrnoException).code ?? String(e)));
  } finally {
    closeSync(fd);
  }
}

function describeOther(other: Map<string, number>): string {
  return [...other.entries()]
    .slice(0, 3)
    .map(([k, n]) => (n > 1 ? `${n} ${k}` : k))
    .join(', ');
}

/**
 * Adds one file's objects to the data. A file given by name must hold something usable; in a
 * directory, a file of other objects is skipped (false) as long as the directory has some.
 */
export function readContextFile(data: ContextData, path: string, inDirectory = false): boolean {
  const text = readBounded(path);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    fail(path, msg.contextNotJson(text.trim() === '' ? 'empty' : (e as Error).message.split('\n')[0]!));
  }
  const tally = newTally();
  addObject(data, value, tally);
  if (tally.used.size === 0) {
    if (inDirectory) return false;
    fail(path, msg.contextNothingUsable(describeOther(tally.other)));
  }
  data.files.push(path);
  return true;
}

/** The *.json files of a directory, sorted by name. */
function jsonFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.toLowerCase().endsWith('.json'))
      .sort();
  } catch (e) {
    fail(dir, msg.unreadable((e as NodeJS.ErrnoException).code ?? String(e)));
  }
  if (names.length === 0) fail(dir, msg.contextEmptyDir());
  if (names.length > MAX_DIR_FILES) fail(dir, msg.contextTooManyFiles(MAX_DIR_FILES));
  return names.map((n) => join(dir, n));
}

/** A context as the command line gives it: what was loaded, from where, and whether names show. */
export interface LoadedContext {
  context?: ClusterContext;
  names: boolean;
  /** The paths it came from (the UI's analysis worker loads them again). */
  paths: string[];
}

/** Files and directories (--k8s, --cilium, --context) into one indexed context. */
export function loadContext(paths: readonly string[]): ClusterContext {
  const data = emptyContextData();
  for (const p of paths) {
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      fail(p, code === 'ENOENT' ? msg.missingFile() : msg.unreadable(code ?? String(e)));
    }
    if (!isDir) readContextFile(data, p);
    else if (
      !jsonFiles(p)
        .map((f) => readContextFile(data, f, true))
        .some(Boolean)
    )
      fail(p, msg.contextNothingUsable(''));
  }
  return new ClusterContext(data);
}
