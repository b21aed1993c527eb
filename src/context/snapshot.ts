// `vxshark snapshot DIR`: saves what --context reads, straight from the cluster, with kubectl
// (or $KUBECTL). Every command runs without a shell (arguments are passed as a list), its
// output is bounded and must be JSON, and no existing file is overwritten.
//
//   k8s.json                 kubectl get pods,nodes,services,endpointslices -A -o json
//   cilium-crds.json         kubectl get ciliumnodes,ciliumendpoints,ciliumidentities -A -o json
//   cilium-endpoints.json    kubectl exec -n kube-system ds/cilium -c cilium-agent -- cilium-dbg endpoint list -o json
//   cilium-identities.json   kubectl exec -n kube-system ds/cilium -c cilium-agent -- cilium-dbg identity list -o json
//
// The first is required (a cluster that cannot list pods is an error); the Cilium ones are
// left out, with a note, when Cilium is not installed or its agent cannot be reached.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { VxError, msg } from '../errors.js';
import { MAX_CONTEXT_BYTES } from './load.js';

export interface SnapshotStep {
  file: string;
  args: string[];
  /** Without it the snapshot fails; with it a failure is noted and the file left out. */
  optional: boolean;
  /** The step needs the Cilium agent (skipped once one such step found no agent). */
  agent?: boolean;
}

const AGENT = ['exec', '-n', 'kube-system', 'ds/cilium', '-c', 'cilium-agent', '--'];

export const SNAPSHOT_STEPS: SnapshotStep[] = [
  { file: 'k8s.json', args: ['get', 'pods,nodes,services,endpointslices', '-A', '-o', 'json'], optional: false },
  { file: 'cilium-crds.json', args: ['get', 'ciliumnodes,ciliumendpoints,ciliumidentities', '-A', '-o', 'json'], optional: true },
  { file: 'cilium-endpoints.json', args: [...AGENT, 'cilium-dbg', 'endpoint', 'list', '-o', 'json'], optional: true, agent: true },
  { file: 'cilium-identities.json', args: [...AGENT, 'cilium-dbg', 'identity', 'list', '-o', 'json'], optional: true, agent: true },
];

export interface SnapshotOptions {
  /** The kubectl to run: $KUBECTL, else "kubectl" found on PATH. */
  kubectl?: string;
  /** Progress and notes, one line each (standard error). */
  progress: (line: string) => void;
  /** Seconds a command may take before it is stopped. */
  timeoutSeconds?: number;
}

interface RunResult {
  ok: boolean;
  stdout: Buffer;
  /** Why it failed, one line. */
  why: string;
  notFound: boolean;
}

/** kubectl ends with the line that says what went wrong ("The connection to the server ... was refused"). */
function lastLine(text: string): string {
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .pop() ?? '';
  // kubectl's errors are plain text; keep them short and printable.
  return line.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 300);
}

function run(cmd: string, args: string[], timeoutSeconds: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { shell: false, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let tooLarge = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.stdout.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_CONTEXT_BYTES) {
        tooLarge = true;
        child.kill('SIGKILL');
        return;
      }
      chunks.push(d);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 4096) stderr += d;
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, stdout: Buffer.alloc(0), why: e.code ?? e.message, notFound: e.code === 'ENOENT' });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const why = tooLarge
        ? `more than ${MAX_CONTEXT_BYTES >> 20} MiB of output`
        : timedOut
          ? `no answer within ${timeoutSeconds} s`
          : lastLine(stderr) || (signal ? `stopped by ${signal}` : `exit status ${code}`);
      resolve({ ok: code === 0 && !tooLarge && !timedOut, stdout: Buffer.concat(chunks), why, notFound: false });
    });
  });
}

function writeNew(path: string, data: Buffer): void {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new VxError('input', msg.snapshotExists(path));
    throw new VxError('input', msg.inInput(path, msg.unreadable(code ?? String(e))));
  }
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

/** Checks the directory before anything runs; returns whether it must be created (once there is a file to write). */
function checkDir(dir: string): boolean {
  if (!existsSync(dir)) return true;
  if (!statSync(dir).isDirectory()) throw new VxError('usage', msg.snapshotNotDir(dir));
  // Refuse before running anything, so a half-written snapshot never mixes with an old one.
  for (const s of SNAPSHOT_STEPS) if (existsSync(join(dir, s.file))) throw new VxError('input', msg.snapshotExists(join(dir, s.file)));
  return false;
}

function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new VxError('input', msg.inInput(dir, msg.unreadable((e as NodeJS.ErrnoException).code ?? String(e))));
  }
}

/** Runs the steps and writes the files; returns the files written. */
export async function snapshot(dir: string, opts: SnapshotOptions): Promise<string[]> {
  const kubectl = opts.kubectl ?? 'kubectl';
  const timeout = opts.timeoutSeconds ?? 120;
  // A snapshot that fails before its first file leaves no empty directory behind.
  let create = checkDir(dir);
  const written: string[] = [];
  let agentMissing = false;
  for (const step of SNAPSHOT_STEPS) {
    if (step.agent && agentMissing) continue;
    const what = `${kubectl} ${step.args.join(' ')}`;
    opts.progress(msg.snapshotStep(what));
    const r = await run(kubectl, step.args, timeout);
    if (r.notFound) throw new VxError('input', msg.snapshotNoKubectl(kubectl));
    let failure = r.ok ? undefined : r.why;
    let notJson = false;
    if (failure === undefined) {
      try {
        JSON.parse(r.stdout.toString('utf8'));
      } catch {
        notJson = true;
        failure = msg.snapshotNotJsonWhy();
      }
    }
    if (failure !== undefined) {
      if (!step.optional) throw new VxError('input', notJson ? msg.snapshotNotJson(what, kubectl) : msg.snapshotFailed(what, failure));
      if (step.agent) {
        agentMissing = true;
        opts.progress(msg.snapshotNoCilium(failure));
      } else opts.progress(msg.snapshotCiliumFailed(what, failure));
      continue;
    }
    if (create) {
      makeDir(dir);
      create = false;
    }
    const path = join(dir, step.file);
    writeNew(path, r.stdout);
    written.push(path);
    opts.progress(msg.snapshotWrote(path, r.stdout.length));
  }
  opts.progress(msg.snapshotDone(dir, written.length));
  return written;
}
