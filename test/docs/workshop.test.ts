// docs/workshop.md shows vxshark commands with the output they print. This test runs every one
// of them and checks the output is still what the document shows, so the walkthrough an
// instructor follows in front of a room cannot drift from what vxshark does.
//
// A step is a ```sh block whose command starts with `$ npx vxshark ` (one command per block,
// lines may continue with a trailing backslash), followed by a ```text block with the output.
// The command is split into arguments by a small quote-aware splitter (no shell runs it; pipes,
// redirections and variables are refused) and run through the real entry point
// (test/helpers/cli.ts) from the repository root with stdout a pipe (so no colour, tables 100
// columns wide). It must exit 0 and its stdout must equal the text block, trailing whitespace
// of each line and trailing blank lines aside. Blocks that do not start with `$ npx vxshark `
// (setup, tshark for comparison, the terminal UI) are not run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, vxshark, type RunResult } from '../helpers/cli.js';

const DOC = 'docs/workshop.md';
const PROMPT = '$ npx vxshark ';

/** The sections every walkthrough must have at least one checked command in. */
const ACTS: { name: string; heading: RegExp }[] = [
  { name: 'Act 1', heading: /\bAct 1\b/ },
  { name: 'Act 2', heading: /\bAct 2\b/ },
  { name: 'the MTU trap', heading: /\bMTU trap\b/i },
];

interface Fence {
  lang: string;
  body: string;
  /** 1-based line of the opening fence. */
  line: number;
}

interface Step {
  command: string;
  args: string[];
  expected: string;
  line: number;
  /** The `## ` heading the step is under. */
  section: string;
}

/** The fenced code blocks of a Markdown document, in order, with the headings between them. */
export function fences(markdown: string): (Fence | { heading: string })[] {
  const out: (Fence | { heading: string })[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})\s*([\w-]*)\s*$/.exec(lines[i]!);
    if (!open) {
      const h = /^##\s+(.*)$/.exec(lines[i]!);
      if (h) out.push({ heading: h[1]!.trim() });
      continue;
    }
    const body: string[] = [];
    const close = new RegExp(`^\\s*\`{${open[1]!.length},}\\s*$`);
    let j = i + 1;
    for (; j < lines.length && !close.test(lines[j]!); j++) body.push(lines[j]!);
    if (j >= lines.length) throw new Error(`${DOC}:${i + 1}: code block never closed`);
    out.push({ lang: open[2]!, body: body.join('\n'), line: i + 1 });
    i = j;
  }
  return out;
}

// Characters a shell would treat specially outside quotes (`#` and `~` only at the start of a
// word; `{` for brace expansion; `!` for an interactive shell's history expansion).
const UNQUOTED_SPECIAL = new Set(['|', '&', ';', '<', '>', '$', '`', '(', ')', '*', '?', '[', '{', '~', '#', '!']);

/**
 * Splits a command line as a POSIX shell would for the simple cases a document uses: words
 * separated by blanks, '...' taken literally, "..." with \" \\ \$ \` escapes, a backslash
 * quoting the next character, backslash-newline joining lines. Anything that would need a real
 * shell (pipes, redirections, variables, globs, substitutions, comments) is an error, so a
 * command is never run differently from how a reader would run it.
 */
export function splitCommand(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new Error('a backslash at the end of the command');
      const next = text[++i]!;
      if (next !== '\n') {
        word += next;
        inWord = true;
      }
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' quote at column ${i + 1}`);
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        const d = text[j]!;
        if (d === '\\' && j + 1 < text.length && '"\\$`\n'.includes(text[j + 1]!)) {
          j++;
          if (text[j] !== '\n') word += text[j];
        } else if (d === '$' || d === '`' || d === '!') {
          throw new Error(`unescaped ${d} inside double quotes at column ${j + 1}: the test does not run a shell`);
        } else {
          word += d;
        }
      }
      if (j >= text.length) throw new Error(`unterminated " quote at column ${i + 1}`);
      inWord = true;
      i = j;
    } else if (UNQUOTED_SPECIAL.has(c) && !(c === '#' && inWord) && !(c === '~' && inWord)) {
      throw new Error(`unquoted ${c} at column ${i + 1}: quote it, or leave shell features out of the walkthrough (the test does not run a shell)`);
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The checked steps of the walkthrough: a `$ npx vxshark` sh block and the text block below it. */
function steps(markdown: string): Step[] {
  const items = fences(markdown);
  const out: Step[] = [];
  let section = '';
  for (let k = 0; k < items.length; k++) {
    const item = items[k]!;
    if ('heading' in item) {
      section = item.heading;
      continue;
    }
    if (item.lang !== 'sh' && item.lang !== 'shell' && item.lang !== 'bash') continue;
    const lines = item.body.split('\n').filter((l) => l.trim() !== '');
    if (!lines[0]?.startsWith(PROMPT)) {
      assert.ok(!lines.some((l) => l.startsWith(PROMPT)), `${DOC}:${item.line}: a \`${PROMPT.trim()}\` command must come first in its block, alone`);
      continue;
    }
    // One command per block: the first line and its backslash continuations.
    let end = 0;
    while (lines[end]!.endsWith('\\') && end + 1 < lines.length) end++;
    assert.equal(end + 1, lines.length, `${DOC}:${item.line}: one command per block; found more after "${lines[0]}"`);
    const command = lines.join('\n').slice(2);
    const next = items[k + 1];
    assert.ok(
      next && !('heading' in next) && next.lang === 'text',
      `${DOC}:${item.line}: "${lines[0]}" must be followed by a \`\`\`text block with its output`,
    );
    let args: string[];
    try {
      args = splitCommand(command);
    } catch (err) {
      throw new Error(`${DOC}:${item.line}: cannot split "${command}": ${(err as Error).message}`);
    }
    assert.deepEqual(args.slice(0, 2), ['npx', 'vxshark']);
    out.push({ command: command.replace(/\\\n\s*/g, ''), args: args.slice(2), expected: next.body, line: item.line, section });
    k++;
  }
  return out;
}

/** Trailing whitespace of each line and trailing blank lines do not count. */
function normalise(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n+$/, '');
}

/** A line diff (longest common subsequence), "-" lines from the document, "+" lines printed now. */
function lineDiff(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push(`- ${a[i++]}`);
    } else {
      out.push(`+ ${b[j++]}`);
    }
  }
  // Keep the changes and two lines of context around each.
  const keep = out.map((l, n) => out.slice(Math.max(0, n - 2), n + 3).some((m) => !m.startsWith('  ')));
  const shown: string[] = [];
  out.forEach((l, n) => {
    if (keep[n]) shown.push(l);
    else if (keep[n - 1]) shown.push('  ...');
  });
  return shown.join('\n');
}

/** Kill a command that has not finished after this long (a hung step fails instead of hanging the suite). */
const TIMEOUT_MS = 60_000;

/** Runs the commands a few at a time (each is a node process of its own), in document order. */
function runAll(list: Step[]): Promise<RunResult>[] {
  const settle: ((r: Promise<RunResult>) => void)[] = [];
  const results = list.map(() => new Promise<RunResult>((resolve) => settle.push(resolve)));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < list.length) {
      const n = next++;
      const run = vxshark(list[n]!.args, { timeout: TIMEOUT_MS });
      settle[n]!(run);
      await run.catch(() => undefined);
    }
  };
  for (let w = 0; w < Math.max(1, Math.min(4, availableParallelism())); w++) void worker();
  return results;
}

describe('docs/workshop.md', () => {
  const markdown = readFileSync(join(ROOT, DOC), 'utf8');
  let list: Step[];
  try {
    list = steps(markdown);
  } catch (err) {
    it('can be read', () => {
      throw err;
    });
    return;
  }

  it('has at least one checked command in each act', () => {
    for (const act of ACTS) {
      const n = list.filter((s) => act.heading.test(s.section)).length;
      assert.ok(
        n > 0,
        `${DOC} has no \`${PROMPT.trim()}\` step (a sh block followed by a text block) under a "## " heading matching ${act.heading} (${act.name})`,
      );
    }
  });

  const runs = runAll(list);
  list.forEach((step, n) => {
    it(`line ${step.line}: ${step.command}`, async () => {
      const r = await runs[n]!;
      assert.equal(r.status, 0, `${DOC}:${step.line}: \`${step.command}\` exited ${r.status ?? r.signal}\n${r.stderr}`);
      const expected = normalise(step.expected);
      const actual = normalise(r.stdout);
      if (actual !== expected) {
        assert.fail(
          `${DOC}:${step.line}: \`${step.command}\` no longer prints what the walkthrough shows ("-" the document, "+" now):\n${lineDiff(expected, actual)}`,
        );
      }
    });
  });
});

describe('the walkthrough test itself', () => {
  it('splits commands like a shell for quotes, escapes and continuations', () => {
    assert.deepEqual(splitCommand(`npx vxshark -r f.pcap -Y 'ip.flags.mf == 1 || ip.frag_offset > 0'`), [
      'npx',
      'vxshark',
      '-r',
      'f.pcap',
      '-Y',
      'ip.flags.mf == 1 || ip.frag_offset > 0',
    ]);
    assert.deepEqual(splitCommand(`a "b \\"c\\" d" e\\ f 'g'"h"`), ['a', 'b "c" d', 'e f', 'gh']);
    assert.deepEqual(splitCommand('a \\\n    b'), ['a', 'b']);
    assert.deepEqual(splitCommand(`a '' ""`), ['a', '', '']);
    assert.deepEqual(splitCommand(`-e 'a#b' x#y -Y '!icmp && frame.number in {4, 7}'`), ['-e', 'a#b', 'x#y', '-Y', '!icmp && frame.number in {4, 7}']);
  });

  it('refuses what only a shell could run', () => {
    for (const bad of [
      'a {48,49}',
      'a "!icmp"',
      'a !icmp',
      'a | head',
      'a > out',
      'a $HOME',
      'a "$HOME"',
      "a 'b",
      'a "b',
      'a; b',
      'a *.pcap',
      'a # comment',
      'a `b`',
    ]) {
      assert.throws(() => splitCommand(bad), Error, bad);
    }
  });

  it('finds a step, its section, and refuses a command without output', () => {
    const doc = ['## Act 1: x', '', '```sh', '$ npx vxshark -r f \\', "    -Y 'a b'", '```', '', '```text', 'out', '```', ''].join('\n');
    const s = steps(doc);
    assert.equal(s.length, 1);
    assert.deepEqual(s[0]!.args, ['-r', 'f', '-Y', 'a b']);
    assert.equal(s[0]!.section, 'Act 1: x');
    assert.equal(s[0]!.expected, 'out');
    assert.throws(() => steps(['```sh', '$ npx vxshark -r f', '```', 'prose', '```sh', 'x', '```'].join('\n')), /must be followed by a ```text block/);
    assert.throws(() => steps(['```sh', '$ npx vxshark -r f', '$ npx vxshark -r g', '```', '```text', '```'].join('\n')), /one command per block/);
  });

  it('shows where the output differs', () => {
    const d = lineDiff('a\nb\nc\nd\ne\nf\ng', 'a\nb\nc\nX\ne\nf\ng');
    assert.match(d, /^- d$/m);
    assert.match(d, /^\+ X$/m);
  });
});
