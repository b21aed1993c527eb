// README.md shows vxshark commands with their output, and a library example. This test runs
// each `$ npx vxshark ...` block and checks that every output line it shows appears in the
// real output, in order (a line "..." stands for lines left out), and runs the library
// example through the sources, so the front page cannot drift from what vxshark does.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, runTsx, vxshark } from '../helpers/cli.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = [...README.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, body: m[2]! }));
const PROMPT = '$ npx vxshark ';

function split(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

describe('README examples', () => {
  const examples = blocks.filter((b) => b.body.startsWith(PROMPT));
  it('has command examples to check', () => assert.ok(examples.length >= 2));

  for (const { body } of examples) {
    const [first, ...shown] = body.trimEnd().split('\n');
    it(first!, async () => {
      const r = await vxshark(split(first!.slice(PROMPT.length)), { env: { COLUMNS: '100' } });
      assert.ok(r.status === 0 || r.status === 3, r.stderr);
      const lines = r.stdout.split('\n').map((l) => l.trimEnd());
      let at = 0;
      for (const want of shown) {
        if (want.trim() === '...') continue;
        const found = lines.indexOf(want.trimEnd(), at);
        assert.ok(found >= 0, `README line not in the output (in order): ${want}\n--- output:\n${r.stdout}`);
        at = found + 1;
      }
    });
  }

  it('the library example runs and prints the SYN packets and the alert titles', async () => {
    const code = blocks.find((b) => b.lang === 'js' && b.body.includes("from 'vxshark'"));
    assert.ok(code, 'the README has a library example');
    assert.ok(code.body.trim().split('\n').length <= 14, 'the example stays short');
    const dir = mkdtempSync(join(tmpdir(), 'vxshark-readme-'));
    try {
      // .mts: an ES module wherever the temporary directory is (no package.json says so there).
      const file = join(dir, 'example.mts');
      writeFileSync(file, code.body.replace("from 'vxshark'", `from ${JSON.stringify(join(ROOT, 'src/index.ts'))}`));
      const r = await runTsx(file, []);
      assert.equal(r.status, 0, r.stderr);
      const out = r.stdout.trim().split('\n');
      assert.match(out[0]!, /^15 48312 → 80 \[SYN\] Seq=1796869948 /);
      assert.equal(out.filter((l) => /\[SYN/.test(l)).length, 4);
      assert.equal(out.at(-1), '[]', 'the healthy sample has no alerts');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
