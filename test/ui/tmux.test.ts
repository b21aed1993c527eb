// The end-to-end check in a real terminal (scripts/tui-e2e.sh in tmux). Until src/cli/main.ts
// opens the UI, the script is pointed at runUi directly; afterwards it runs bin/vxshark.js.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
const wired = /\brunUi\b/.test(readFileSync(ROOT + 'src/cli/main.ts', 'utf8'));

const DIRECT = `node --import tsx --input-type=module -e 'import { runUi } from "./src/ui/index.ts"; process.exitCode = await runUi({ file: process.argv[1], ifnames: new Map() });' samples/cilium-vxlan-8472.pcap`;

describe('terminal UI in tmux', () => {
  it('passes scripts/tui-e2e.sh', { skip: !hasTmux && 'tmux is not installed', timeout: 120_000 }, () => {
    const env = { ...process.env };
    if (!wired) env.VXSHARK_UI_CMD = DIRECT;
    const r = spawnSync('bash', ['scripts/tui-e2e.sh'], { cwd: ROOT, env, encoding: 'utf8', timeout: 110_000 });
    assert.equal(r.status, 0, `tui-e2e.sh failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /tui-e2e: ok/);
  });
});
