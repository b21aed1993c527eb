// `vxshark A B C` on a terminal: the captures of several hosts in one packet list. They are
// merged by corrected time into a temporary pcapng (an interface per host and interface,
// "router:eth1"), which the UI then opens like any capture; where each merged frame came from
// is kept for the Capture column and the journeys. The file is removed when the UI ends, and
// when the process is interrupted or killed while merging or afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePodCidrOption } from '../analysis/index.js';
import { createRegistry } from '../dissect/default-registry.js';
import type { DecodeAsRule } from '../dissect/registry.js';
import { VxError, msg } from '../errors.js';
import { JourneyEngine } from '../journey/engine.js';
import { captureFiles, openCaptureFiles, type CaptureFiles } from '../journey/inputs.js';
import { mergeComment, writeMergedInSlices, type MergedOrigins } from '../journey/merge-writer.js';

export interface MultiCaptureArgs {
  /** `NAME=PATH` or paths, as `vxshark journey` takes them. */
  captures: string[];
  'ip-link': string[];
  'ip-route': string[];
  'pod-cidr': string[];
  decodeAs: DecodeAsRule[];
  heuristics: boolean;
}

export interface MergedCaptures {
  /** The temporary merged pcapng. */
  path: string;
  /** The captures and their --ip-link / --ip-route files, for the analysis worker to open them again. */
  files: CaptureFiles;
  names: string[];
  origins: MergedOrigins;
  podCidrs: string[];
  /** What was wrong with the captures (damage, warnings), one line each, for the UI to say too. */
  problems: string[];
  /** EXIT_INPUT when a capture is damaged. */
  status: number;
  /** Removes the temporary file (once the UI is done with it). */
  remove(): void;
}

/** Checks the command line before anything is read: one-line errors for what cannot work. */
export function checkMultiCapture(args: MultiCaptureArgs): CaptureFiles {
  const files = captureFiles(args, 'vxshark');
  // Each capture is read twice: once to merge, once by the analysis to follow packets.
  if (files.specs.some((s) => s.file === '-')) throw new VxError('usage', msg.uiSeveralCapturesStdin());
  args['pod-cidr'].forEach(parsePodCidrOption);
  return files;
}

/**
 * A directory removed at exit. While the merge runs, SIGINT, SIGTERM and SIGHUP only ask it to
 * stop (between two slices of frames), then the directory goes and the process ends as the
 * signal would have ended it; Node runs no 'exit' handler for a signal. Once the UI is up, its
 * terminal guard handles the signals and the UI removes the directory when it ends.
 */
class TemporaryDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'vxshark-'));
  interrupted: NodeJS.Signals | undefined;
  private static readonly SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  private readonly onExit = (): void => rmSync(this.dir, { recursive: true, force: true });
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    this.interrupted = signal;
  };

  constructor() {
    process.once('exit', this.onExit);
    for (const s of TemporaryDir.SIGNALS) process.on(s, this.onSignal);
  }

  /** The merge is over: the signals are the UI's again. */
  merged(): void {
    for (const s of TemporaryDir.SIGNALS) process.removeListener(s, this.onSignal);
    if (this.interrupted) {
      this.remove();
      process.kill(process.pid, this.interrupted);
    }
  }

  remove(): void {
    process.removeListener('exit', this.onExit);
    for (const s of TemporaryDir.SIGNALS) process.removeListener(s, this.onSignal);
    this.onExit();
  }
}

/** `files`: what checkMultiCapture made of `args`, when the caller checked them first. */
export async function mergeCaptures(
  args: MultiCaptureArgs,
  report: (text: string) => void,
  files: CaptureFiles = checkMultiCapture(args),
): Promise<MergedCaptures> {
  const problems: string[] = [];
  const loaded = await openCaptureFiles(files, (text) => {
    problems.push(text);
    report(text);
  });
  let temp: TemporaryDir | undefined;
  try {
    const inputs = loaded.inputs;
    const registry = createRegistry({ decodeAs: args.decodeAs, heuristics: args.heuristics });
    const podCidrs = args['pod-cidr'].map(parsePodCidrOption);
    const clocks = new JourneyEngine(inputs, { registry, ...(podCidrs.length ? { podCidrs } : {}) }).estimateClocks();
    const names = inputs.map((c) => c.name);
    const t = (temp = new TemporaryDir());
    const path = join(t.dir, 'merged.pcapng');
    const origins = await writeMergedInSlices(
      inputs,
      clocks.map((c) => c.offset),
      { path, comment: mergeComment(names, clocks), origins: true },
      () => t.interrupted !== undefined,
    );
    t.merged();
    return { path, files, names, origins: origins!, podCidrs: args['pod-cidr'], problems, status: loaded.status, remove: () => t.remove() };
  } catch (e) {
    temp?.remove();
    throw e;
  } finally {
    loaded.close();
  }
}
