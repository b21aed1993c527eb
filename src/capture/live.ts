import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { VxError, msg } from '../errors.js';

export interface LiveCapture {
  tool: string;
  stream: NodeJS.ReadableStream;
  /** Asks the capture tool to stop; it flushes what it has and exits. */
  stop(): void;
  /** Resolves when the tool has exited; rejects with a clear message when it failed. */
  exited: Promise<void>;
}

function findInPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Runs tcpdump (one interface) or dumpcap (several, or when tcpdump is missing) writing
 * a capture to its standard output, which vxshark then reads like any piped capture.
 */
export function startLiveCapture(interfaces: string[], captureFilter: string | undefined): LiveCapture {
  for (const name of interfaces) checkInterfaceName(name);
  if (captureFilter !== undefined) checkCaptureFilter(captureFilter);
  const tcpdump = findInPath('tcpdump');
  const dumpcap = findInPath('dumpcap');
  let tool: string;
  let args: string[];
  if (dumpcap && (interfaces.length > 1 || !tcpdump)) {
    tool = dumpcap;
    args = [...interfaces.flatMap((i) => ['-i', i]), '-q', '-w', '-', ...(captureFilter?.trim() ? ['-f', captureFilter] : [])];
  } else if (tcpdump) {
    if (interfaces.length > 1) throw new VxError('usage', msg.liveOneInterface());
    tool = tcpdump;
    // "--" ends tcpdump's options: the filter is only ever its expression.
    args = ['-i', interfaces[0] ?? 'any', '-U', '--immediate-mode', '-w', '-', '--', ...(captureFilter?.trim() ? [captureFilter] : [])];
  } else {
    throw new VxError('input', msg.liveNoTool());
  }
  const child: ChildProcess = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stopped = false;
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', (e) => reject(new VxError('input', msg.liveFailed(tool, e.message))));
    child.on('exit', (code, signal) => {
      if (code === 0 || signal === 'SIGINT' || signal === 'SIGTERM' || stopped) resolve();
      else {
        reject(new VxError('input', msg.liveFailed(tool, explain(stderr, code))));
      }
    });
  });
  exited.catch(() => undefined); // observed by the caller; never an unhandled rejection
  return {
    tool,
    stream: child.stdout!,
    stop() {
      stopped = true;
      child.kill('SIGINT');
    },
    exited,
  };
}

/**
 * An interface name as Linux and libpcap know them (eth0, any, nflog:5, cilium_vxlan): it
 * reaches tcpdump/dumpcap only as the argument of -i, and one that looks like an option
 * ("-w/tmp/x") or holds spaces or control characters is refused before anything runs.
 */
export function checkInterfaceName(name: string): void {
  if (!/^[A-Za-z0-9_.@+:][A-Za-z0-9_.@+:=-]{0,63}$/.test(name)) throw new VxError('usage', msg.liveBadInterface(name));
}

/** A BPF expression (empty: none): never option-like, no control characters (spawned without a shell). */
export function checkCaptureFilter(filter: string): void {
  if (/^\s*-/.test(filter) || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(filter) || filter.length > 4096) {
    throw new VxError('usage', msg.liveBadFilter(filter));
  }
}

/** The tool's own error line ("tcpdump: eth9: No such device exists"), without its name. */
function explain(stderr: string, code: number | null): string {
  const lines = stderr
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(tcpdump: )?(listening on|verbose output suppressed)|^Capturing on|^File:/i.test(l));
  const at = Math.max(
    0,
    lines.findIndex((l) => /^(tcpdump|dumpcap): /.test(l)),
  );
  // dumpcap explains on the line after "could not be initiated because", so keep two.
  const first = lines[at] ?? '';
  const second = lines[at + 1];
  // tcpdump repeats its reason in parentheses on the next line; that adds nothing.
  const own = second && !first.includes(second.replace(/^\((.*)\)$/, '$1')) ? `${first} ${second}` : first;
  return own ? own.replace(/^(tcpdump|dumpcap): /, '') : `exit status ${code}`;
}
