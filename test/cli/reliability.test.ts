// Failures of the world around vxshark (issue 11): full and closed outputs, unreadable
// inputs, hostile option files, hostile live-capture arguments, signals, and a table of
// 150,000 rows. Each must end in one `vxshark: ...` line and the right exit status, never
// an internal error, a stack, an abort or a file left behind.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { table } from '../../src/cli/print/tables.js';
import { maxOf } from '../../src/util/max.js';
import { CLI_ARGV, ROOT, vxshark, type RunResult } from '../helpers/cli.js';

const CILIUM = 'samples/cilium-vxlan-8472.pcap';
const SLL2 = 'samples/router-any-sll2.pcap';
const tmp = mkdtempSync(join(tmpdir(), 'vxshark-reliability-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** stderr is exactly one `vxshark:` line, no stack, no internal error; returns it. */
function oneLine(r: RunResult): string {
  const got = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(got.length, 1, `stderr: ${JSON.stringify(r.stderr)}`);
  assert.ok(got[0]!.startsWith('vxshark: '), got[0]);
  assert.ok(!/\n\s+at |internal error|please report/.test(r.stderr), r.stderr);
  return got[0]!;
}

/** Runs vxshark with standard output going to `stdoutPath` (e.g. /dev/full). */
function runTo(stdoutPath: string, args: string[], uid?: number): Promise<RunResult> {
  const fd = openSync(stdoutPath, 'w');
  return new Promise((resolve, reject) => {
    const cmd = uid === undefined ? process.execPath : 'setpriv';
    const argv = [...CLI_ARGV, ...args];
    const full = uid === undefined ? argv : [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', process.execPath, ...argv];
    const child = spawn(cmd, full, { cwd: ROOT, stdio: ['ignore', fd, 'pipe'], env: { ...process.env, VXSHARK_DEBUG: '' } });
    closeSync(fd);
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: '', stderr });
    });
  });
}

/** Every command that writes to standard output, on a small capture. */
const COMMANDS: string[][] = [
  ['-r', CILIUM],
  ['-r', CILIUM, '-V'],
  ['-r', CILIUM, '-x'],
  ['-r', CILIUM, '-T', 'json'],
  ['-r', CILIUM, '-T', 'fields', '-e', 'ip.src'],
  ['-r', CILIUM, '-w', '-'],
  ['capinfo', CILIUM],
  ['capinfo', '--json', CILIUM],
  ['flows', CILIUM],
  ['tunnels', CILIUM, '--json'],
  ['hops', SLL2],
  ['alerts', CILIUM],
  ['--help'],
];

describe('a full disk on standard output (> /dev/full)', { concurrency: 4 }, () => {
  const skip = existsSync('/dev/full') ? false : 'no /dev/full on this system';
  for (const args of COMMANDS) {
    it(`vxshark ${args.join(' ')}: one line naming standard output, exit 1`, { skip }, async () => {
      const r = await runTo('/dev/full', args);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(oneLine(r), 'vxshark: standard output: cannot write (no space left on device)');
    });
  }
});

describe('a capture the user may not read (EACCES)', { concurrency: 4 }, () => {
  const root = process.getuid?.() === 0;
  const haveSetpriv = spawnSync('sh', ['-c', 'command -v setpriv'], { stdio: 'ignore' }).status === 0;
  const skip = process.platform !== 'linux' ? 'needs Linux' : root && !haveSetpriv ? 'root without setpriv cannot run a child as another user' : false;
  // As root the file is root's with mode 600 and the child runs as nobody; otherwise mode 000 is enough.
  const secret = join(tmp, 'secret.pcap');
  const uid = root ? 65534 : undefined;
  const prepare = (): void => {
    if (existsSync(secret)) return;
    chmodSync(tmp, 0o755);
    writeFileSync(secret, readFileSync(join(ROOT, CILIUM)));
    chmodSync(secret, root ? 0o600 : 0o000);
  };
  const cases: string[][] = [
    ['-r', secret],
    ['-r', secret, '-V'],
    ['capinfo', secret],
    ['flows', secret],
    ['tunnels', secret],
    ['hops', secret],
    ['alerts', secret],
    ['flows', CILIUM, '--ip-link', secret],
    ['alerts', CILIUM, '--ip-route', secret],
  ];
  for (const args of cases) {
    it(`vxshark ${args.join(' ').replace(tmp, 'TMP')}: permission denied, exit 1`, { skip }, async () => {
      prepare();
      const r = await runTo('/dev/null', args, uid);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(oneLine(r), `vxshark: ${secret}: cannot read (permission denied)`);
    });
  }
});

describe('hostile option files are refused at once', { concurrency: 4 }, () => {
  const cases: [path: string, message: RegExp][] = [
    ['/dev/zero', /^vxshark: \/dev\/zero: not a text file/],
    ['/dev/urandom', /^vxshark: \/dev\/urandom: not a text file/],
    [CILIUM, /: not a text file/],
    ['samples', /^vxshark: samples: cannot read \(is a directory\)$/],
  ];
  for (const [path, message] of cases) {
    for (const option of ['--ip-link', '--ip-route']) {
      it(`${option} ${path}: one line, exit 1`, { skip: existsSync(path) ? false : `${path} does not exist` }, async () => {
        const r = await vxshark(['alerts', CILIUM, option, path], { timeout: 120_000 });
        assert.equal(r.signal, null, 'no hang');
        assert.equal(r.status, 1, r.stderr);
        assert.match(oneLine(r), message);
      });
    }
  }

  it('a text file past the size limit is refused with the limit named', async () => {
    const big = join(tmp, 'big-ip-link.txt');
    const line = '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\n';
    writeFileSync(big, line.repeat(Math.ceil((9 * 1024 * 1024) / line.length)));
    const r = await vxshark(['-r', SLL2, '--ip-link', big]);
    assert.equal(r.status, 1);
    assert.match(oneLine(r), /: larger than 8 MB; expected a small text file/);
  });
});

describe('live capture arguments never become options or reach a shell', { concurrency: 1 }, () => {
  const bin = join(tmp, 'fake-bin');
  const log = join(tmp, 'argv.log');
  const pwned = join(tmp, 'pwned');
  // A fake tcpdump (and dumpcap) that records its argv, one argument per line, and writes an
  // empty pcap to standard output, as the real one does when it captures nothing.
  const script = (tool: string): string =>
    `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > '${log}.${tool}'\nprintf '\\324\\303\\262\\241\\002\\000\\004\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\004\\000\\001\\000\\000\\000'\n`;
  const setup = (tools: string[]): string => {
    rmSync(bin, { recursive: true, force: true });
    mkdirSync(bin, { recursive: true });
    for (const t of tools) {
      writeFileSync(join(bin, t), script(t));
      chmodSync(join(bin, t), 0o755);
      rmSync(`${log}.${t}`, { force: true });
    }
    return `${bin}:/usr/bin:/bin`;
  };
  const argvOf = (tool: string): string[] | undefined =>
    existsSync(`${log}.${tool}`) ? readFileSync(`${log}.${tool}`, 'utf8').replace(/\n$/, '').split('\n') : undefined;

  it('a filter that looks like an option (-f=-w/tmp/x) is a usage error and runs nothing', async () => {
    const PATH = setup(['tcpdump']);
    for (const filter of [`-w${pwned}`, ` -w ${pwned}`, '--help']) {
      const r = await vxshark(['-i', 'lo', `-f=${filter}`], { env: { PATH } });
      assert.equal(r.status, 2, r.stderr);
      assert.match(oneLine(r), /^vxshark: invalid capture filter ".*": expected a BPF expression/);
    }
    assert.equal(argvOf('tcpdump'), undefined, 'tcpdump never ran');
    assert.ok(!existsSync(pwned));
  });

  it('hostile interface names are usage errors and run nothing', async () => {
    const PATH = setup(['tcpdump', 'dumpcap']);
    for (const name of ['-wfoo', `-w${pwned}`, 'eth0; touch x', '$(touch x)', 'eth0\nfoo', 'a'.repeat(100), 'eth0 ']) {
      const r = await vxshark([`--interface=${name}`], { env: { PATH } });
      assert.equal(r.status, 2, `${JSON.stringify(name)}: ${r.stderr}`);
      assert.match(oneLine(r), /^vxshark: invalid interface name ".*": expected a name such as eth0/);
    }
    assert.equal(argvOf('tcpdump'), undefined);
    assert.equal(argvOf('dumpcap'), undefined);
  });

  it('tcpdump gets the filter as one argument after "--", shell characters untouched', async () => {
    const PATH = setup(['tcpdump']);
    const filter = `udp port 8472 and not host 10.0.0.1; touch ${pwned} $(touch ${pwned}) \`touch ${pwned}\``;
    const r = await vxshark(['-i', 'cilium_vxlan', '-f', filter], { env: { PATH }, timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(argvOf('tcpdump'), ['-i', 'cilium_vxlan', '-U', '--immediate-mode', '-w', '-', '--', filter]);
    assert.ok(!existsSync(pwned), 'no shell ran the filter');
  });

  it('dumpcap (several interfaces) gets each name after -i and the filter after -f', async () => {
    const PATH = setup(['dumpcap']);
    const r = await vxshark(['-i', 'eth0', '-i', 'nflog:5', '-f', 'udp port 6081'], { env: { PATH }, timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(argvOf('dumpcap'), ['-i', 'eth0', '-i', 'nflog:5', '-q', '-w', '-', '-f', 'udp port 6081']);
  });
});

describe('signals remove the spooled copy of standard input', { concurrency: 2 }, () => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    // Printing and the analysis commands stream standard input without a copy; capinfo spools it.
    it(`${sig} during "cat capture | vxshark capinfo -" leaves nothing in the temp directory`, async () => {
      const dir = join(tmp, `spool-${sig}`);
      mkdirSync(dir, { recursive: true });
      const child = spawn(process.execPath, [...CLI_ARGV, 'capinfo', '-'], {
        cwd: ROOT,
        env: { ...process.env, TMPDIR: dir },
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
      // The capture arrives, and standard input stays open as if more were coming.
      child.stdin.write(readFileSync(join(ROOT, CILIUM)));
      const spools = (): string[] => readdirSync(dir).filter((d) => d.startsWith('vxshark-'));
      const spooled = (): boolean => spools().some((d) => existsSync(join(dir, d, 'stdin.cap')));
      const deadline = Date.now() + 60_000;
      while (!spooled() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(spooled(), 'the spool file was created');
      child.kill(sig);
      const [code, signal] = await closed;
      assert.ok(signal === sig || code === 128 + (sig === 'SIGINT' ? 2 : 15), `ended by ${sig}: ${code} ${signal}`);
      assert.deepEqual(spools(), [], 'spool directory removed');
    });
  }
});

describe('tables of 150,000 rows (no stack overflow)', () => {
  // Math.max(...column) over every row overflowed the stack at about 120,000 rows: the table
  // printer that flows and tunnels use must size its columns without spreading them.
  it('the flows/tunnels table printer lays out 150,000 rows', () => {
    const N = 150_000;
    const rows: (string | number)[][] = [];
    for (let i = 0; i < N; i++) rows.push([i + 1, `172.20.${(i >> 8) & 255}.${i & 255}`, i * 3]);
    const lines = table([{ header: '#' }, { header: 'Source' }, { header: 'Bytes' }] as Parameters<typeof table>[0], rows);
    assert.ok(lines.length >= N, `${lines.length} lines`);
    assert.match(lines[lines.length - 1]!, /150000\s+172\.20\.73\.239\s+449997/);
    assert.equal(maxOf(rows.map((r) => r[0] as number)), N);
  });
});
