// What the command line is checked for before and after yargs: `help CMD`, a misspelt
// subcommand ("alert" for "alerts"), and misspelt options, each with a suggestion.
import { existsSync, statSync } from 'node:fs';
import { VxError, msg } from '../errors.js';
import { nearest } from '../text/suggest.js';

export const COMMANDS = ['capinfo', 'flows', 'tunnels', 'hops', 'alerts', 'journey', 'merge', 'snapshot', 'fields'] as const;

/**
 * Rewrites `help [CMD]` into `[CMD] --help`, and refuses a first word that is neither a
 * command nor an existing file but is close to a command name.
 */
export function rewriteCommandLine(argv: string[]): string[] {
  const [first, ...rest] = argv;
  if (first === undefined || first.startsWith('-')) return argv;
  if (first === 'help') {
    const [cmd] = rest;
    if (cmd === undefined) return ['--help'];
    if ((COMMANDS as readonly string[]).includes(cmd)) return [cmd, '--help'];
    throw new VxError('usage', msg.unknownCommand(cmd, nearest(cmd, COMMANDS)));
  }
  if ((COMMANDS as readonly string[]).includes(first) || existsSync(first)) return argv;
  const guess = nearest(first, COMMANDS);
  // A word close to a command is a typo, not a missing file; anything else is a file name.
  if (guess !== undefined) throw new VxError('usage', msg.unknownCommand(first, guess));
  // A bare word (no dot, no slash) before a capture that exists is a command vxshark lacks, not a file: `vxshark ui cap.pcap`.
  const capture = rest.find((a) => !a.startsWith('-') && isFile(a));
  if (/^[a-z][a-z-]*$/i.test(first) && capture !== undefined) throw new VxError('usage', msg.unknownCommandBeforeFile(first, capture));
  return argv;
}

/** yargs says "Unknown argument: colour"; this adds the nearest option each word could be. */
export function explainUnknownArguments(message: string, options: Iterable<string>): string {
  const m = /^Unknown arguments?: (.*)$/s.exec(message.trim());
  if (!m) return message;
  const words = m[1]!.split(/,\s*/);
  const known = [...options];
  return words
    .map((w) => {
      const guess = nearest(w, known);
      return msg.unknownOption(w, guess === undefined ? undefined : guess.length === 1 ? `-${guess}` : `--${guess}`);
    })
    .join('; ');
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
