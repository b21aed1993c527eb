// Runs vxshark end to end for the CLI tests: the real entry point (src/cli/run.ts, or its build
// under `npm test`) in a child node, from the repository root, with optional standard input and environment
// changes. One helper so every test spawns the tool the same way.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root (with a trailing slash), the child's working directory. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The node arguments that start vxshark. `npm test` (scripts/test.mjs) compiles src/ first and
 * sets VXSHARK_TEST_CLI=dist: the tests then run the JavaScript that ships, and each child
 * starts in a third of the time tsx needs to compile the sources again. A test file run on its
 * own runs the sources through tsx.
 */
export const CLI_ARGV: readonly string[] = process.env.VXSHARK_TEST_CLI === 'dist' ? ['dist/cli/vxshark.mjs'] : ['--import', 'tsx', 'src/cli/run.ts'];

export interface RunOptions {
  /** Bytes (or text) written to the child's standard input, which is then closed; without it stdin is empty. */
  stdin?: Uint8Array | string;
  /** Changes to the environment; undefined removes a variable. VXSHARK_DEBUG is always removed. */
  env?: Record<string, string | undefined>;
  /** Kill the child (SIGKILL) after this many milliseconds; the result then has a signal. */
  timeout?: number;
}

export interface RunResult {
  /** Exit status, or null when a signal ended the child. */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function environment(changes: RunOptions['env']): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.VXSHARK_DEBUG;
  for (const [k, v] of Object.entries(changes ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** `node --import tsx SCRIPT ARGS...` from the repository root. */
export function runTsx(script: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return runNode(['--import', 'tsx', script, ...args], opts);
}

function runNode(argv: string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: ROOT,
      env: environment(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = opts.timeout === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), opts.timeout);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
    child.stdin.on('error', () => {}); // the child may exit before reading everything
    child.stdin.end(opts.stdin ?? new Uint8Array(0));
  });
}

/** `vxshark ARGS...` through the real entry point. */
export function vxshark(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return runNode([...CLI_ARGV, ...args], opts);
}
