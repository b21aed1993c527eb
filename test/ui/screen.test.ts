import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KEYS } from '../../src/ui/headless.js';
import { legacyTerminfo, patchTput } from '../../src/ui/terminfo.js';
import { CILIUM, SAMPLES, startUi } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./child-ui.ts', import.meta.url));

interface ChildResult {
  code: number | null;
  report: {
    status: number;
    rawAfter: boolean;
    restored: boolean;
    restoredBeforeError?: boolean;
    stderr: string;
    screen: string[];
    firstRowsBeforeLoaded?: boolean;
    liveStatus?: string;
  };
}

function runChild(mode: string, drive?: (child: ReturnType<typeof spawn>) => void, args: string[] = []): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return reject(new Error(`no report from the child (exit ${code}): ${out}`));
      resolve({ code, report: JSON.parse(line) as ChildResult['report'] });
    });
    drive?.(child);
  });
}

describe('terminfo', () => {
  const sys = ['/lib/terminfo/x/xterm-256color', '/usr/share/terminfo/x/xterm-256color'].find(existsSync);

  it('converts an ncurses 32-bit entry to the legacy layout blessed reads', { skip: !sys && 'no xterm-256color terminfo entry on this system' }, () => {
    const data = readFileSync(sys!);
    const out = legacyTerminfo(data);
    assert.equal(out.readUInt16LE(0), 0o432);
    if (data.readUInt16LE(0) === 0o1036) assert.ok(out.length < data.length, 'numbers shrank from 4 to 2 bytes');
    const require = createRequire(import.meta.url);
    const Tput = require('blessed/lib/tput') as { prototype: { parseTerminfo(d: Buffer, f: string): unknown } } & (new (o: object) => {
      error: Error | null;
      numbers: Record<string, number>;
    });
    patchTput(Tput);
    const t = new Tput({ terminal: 'xterm-256color', extended: true });
    assert.equal(t.error, null);
    assert.equal(t.numbers.max_colors ?? (t as unknown as { colors: number }).colors, 256);
  });

  it('leaves legacy and foreign data alone', () => {
    const legacy = Buffer.from([0x1a, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(legacyTerminfo(legacy), legacy);
    const junk = Buffer.from('not terminfo at all');
    assert.equal(legacyTerminfo(junk), junk);
  });

  it('never shows "Terminfo parse error" with TERM=xterm-256color', async () => {
    const before = process.env.TERM;
    process.env.TERM = 'xterm-256color';
    try {
      const ui = await startUi(CILIUM, { terminal: undefined, record: true });
      try {
        assert.equal(ui.handle.screen.program.tput.error, null);
        assert.equal(ui.handle.screen.program.tput.colors, 256);
        await new Promise((r) => setTimeout(r, 50));
        assert.doesNotMatch(ui.text(), /Terminfo|WARNING/);
        assert.doesNotMatch(ui.output.text(), /Terminfo parse error/);
      } finally {
        await ui.quit();
      }
    } finally {
      process.env.TERM = before;
    }
  });
});

describe('restoring the terminal', () => {
  it('on q: alternate screen left, cursor shown, raw mode off, status 0', async () => {
    const ui = await startUi(CILIUM, { record: true });
    assert.equal(ui.input.isRaw, true);
    ui.input.write('q');
    const status = await ui.status;
    assert.equal(status, 0);
    assert.equal(ui.input.isRaw, false);
    const out = ui.output.text();
    assert.ok(out.lastIndexOf('\x1b[?1049l') > out.lastIndexOf('\x1b[?1049h'), 'left the alternate screen');
    assert.ok(out.lastIndexOf('\x1b[?25h') > out.lastIndexOf('\x1b[?25l'), 'cursor visible again');
  });

  it('on Ctrl-C', async () => {
    const ui = await startUi(CILIUM, { record: true });
    ui.input.write(KEYS.ctrlC);
    assert.equal(await ui.status, 0);
    assert.match(ui.output.text(), /\x1b\[\?1049l/);
  });

  it('q typed into the filter bar is text, not quit', async () => {
    const ui = await startUi(CILIUM);
    try {
      await ui.press('/');
      await ui.type('q');
      assert.match(ui.lines()[0]!, /Filter: q/);
    } finally {
      await ui.quit();
    }
  });

  it('on SIGTERM: restored, exit status 143', async () => {
    const r = await runChild('sigterm', (child) => {
      child.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) child.kill('SIGTERM');
      });
    });
    assert.equal(r.report.status, 143);
    assert.equal(r.code, 143);
    assert.equal(r.report.restored, true);
    assert.equal(r.report.rawAfter, false);
    assert.ok(r.report.screen.some((l) => l.includes('192.168.10.100')));
  });

  it('on an uncaught error: restored first, then the error is printed', async () => {
    const r = await runChild('error');
    assert.equal(r.report.status, 1);
    assert.equal(r.report.restored, true);
    assert.equal(r.report.restoredBeforeError, true);
    assert.match(r.report.stderr, /internal error in the terminal UI: boom from a handler/);
  });
});

describe('live input from a pipe', () => {
  it('shows packets as they arrive on standard input and follows the last one', async () => {
    const bytes = readFileSync(CILIUM);
    // Header and the first packets, then the rest a little later.
    const cut = 24 + 3 * (16 + 148);
    const r = await runChild(
      'stdin',
      (child) => {
        child.stdin!.write(bytes.subarray(0, cut));
        // The rest only once the first packets are on screen.
        const rest = (): void => {
          clearTimeout(timer);
          if (!child.stdin!.writableEnded) child.stdin!.end(bytes.subarray(cut));
        };
        const timer = setTimeout(rest, 30_000);
        child.stdout!.on('data', (d: Buffer) => {
          if (d.toString().includes('rows')) rest();
        });
      },
      ['-'],
    );
    assert.equal(r.report.status, 0);
    assert.equal(r.report.firstRowsBeforeLoaded, true, 'rows were on screen before standard input ended');
    const text = r.report.screen.join('\n');
    assert.match(text, /standard input/);
    assert.match(text, /36 packets/);
    assert.match(text, /Details of frame 36/);
  });

  it('analyses a live capture while it arrives: alerts show before the pipe ends', async () => {
    const bytes = readFileSync(SAMPLES + 'router-interfaces.pcapng');
    // pcapng blocks: cut after the 20th packet block (the misrouted ping and SYNs are in them).
    let off = 0;
    let packets = 0;
    while (off < bytes.length && packets < 20) {
      if (bytes.readUInt32LE(off) === 6) packets++;
      off += bytes.readUInt32LE(off + 4);
    }
    const r = await runChild(
      'stdin',
      (child) => {
        child.stdin!.write(bytes.subarray(0, off));
        // The rest once alerts show, or after 30 s so that a UI that never shows them fails the
        // assertions below instead of waiting for standard input forever.
        const rest = (): void => {
          clearTimeout(timer);
          if (!child.stdin!.writableEnded) child.stdin!.end(bytes.subarray(off));
        };
        const timer = setTimeout(rest, 30_000);
        child.stdout!.on('data', (d: Buffer) => {
          if (d.toString().includes('alerts')) rest();
        });
      },
      ['-'],
    );
    assert.equal(r.report.status, 0);
    assert.match(r.report.liveStatus ?? '', /standard input │ reading… 20 packets │ ✖ [1-9]/);
    assert.match(r.report.liveStatus ?? '', /following/);
    assert.match(r.report.screen.join('\n'), /24 packets │ ✖ 2 ⚠ 3 ℹ 0/);
  });
});
