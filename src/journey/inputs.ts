// Several captures on one command line: `ctr=ctr.pcap router.pcap`, each with its own context
// (`--ip-link router=router.ip-link.txt`, `--ip-route w0=w0.route.txt`). A plain option value
// is accepted when there is only one capture.
import { existsSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseIpLinkEntries, type IpLinkEntry } from '../capture/ip-link.js';
import { readTextInput } from '../capture/text-file.js';
import { parseIpRoute } from '../analysis/options.js';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { captureBytes, loadCapture, readsInPlace, type Capture } from '../capture/capture.js';
import { EXIT_INPUT, EXIT_OK, VxError, msg } from '../errors.js';
import type { JourneyCapture } from './engine.js';
import { Host, localAddrsFromRouteText } from './hosts.js';
import { OwnMacLearner, ownHints, ownMacFeeder, type OwnHints } from './own-mac.js';
import { PARALLEL_MIN_BYTES, ParallelSightings, type LoadedThere, type SightingReading } from './parallel-sightings.js';

export interface CaptureSpec {
  name: string;
  file: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** `NAME=PATH`, or a path whose file name (without extension) becomes the name. */
export function parseCaptureSpecs(args: readonly string[]): CaptureSpec[] {
  const specs: CaptureSpec[] = [];
  for (const arg of args) {
    let spec: CaptureSpec;
    const eq = arg.indexOf('=');
    if (eq > 0 && !existsSync(arg)) {
      const name = arg.slice(0, eq);
      if (!NAME.test(name)) throw new VxError('usage', msg.badCaptureName(name));
      spec = { name, file: arg.slice(eq + 1) };
    } else {
      const base = basename(arg, extname(arg)) || arg;
      spec = { name: base, file: arg };
    }
    if (specs.some((s) => s.name === spec.name)) throw new VxError('usage', msg.duplicateCaptureName(spec.name));
    specs.push(spec);
  }
  return specs;
}

/** Splits `NAME=FILE` values of a per-capture option into name → file. */
export function perCapture(option: string, values: readonly string[], specs: readonly CaptureSpec[]): Map<string, string> {
  const out = new Map<string, string>();
  const names = specs.map((s) => s.name);
  for (const v of values) {
    const eq = v.indexOf('=');
    const name = eq > 0 ? v.slice(0, eq) : undefined;
    if (name !== undefined && names.includes(name)) {
      out.set(name, v.slice(eq + 1));
      continue;
    }
    if (specs.length === 1 && (eq <= 0 || existsSync(v))) {
      out.set(specs[0]!.name, v);
      continue;
    }
    if (name !== undefined && NAME.test(name)) throw new VxError('usage', msg.unknownCaptureName(`--${option}`, name, names));
    throw new VxError('usage', msg.perCaptureOptionNeedsName(`--${option}`, v));
  }
  return out;
}

export interface CaptureContext {
  ifnames: Map<number, string>;
  /** The host's links as --ip-link gives them (names and kinds), for each capture's own analysis. */
  links: IpLinkEntry[];
  host: Host;
  /** The host's MACs and IPv4 addresses as its files give them (which MAC of a capture is its own). */
  ownHints: OwnHints;
}

/** Reads one capture's --ip-link and --ip-route files into interface names and a host. */
export function captureContext(spec: CaptureSpec, ipLink: string | undefined, ipRoute: string | undefined): CaptureContext {
  const ifnames = new Map<number, string>();
  let links: IpLinkEntry[] = [];
  if (ipLink !== undefined) {
    links = parseIpLinkEntries(readTextInput(ipLink));
    if (links.length === 0) throw new VxError('input', msg.inInput(ipLink, msg.noIpLinkEntries()));
    for (const e of links) ifnames.set(e.index, e.name);
  }
  let routes: ReturnType<typeof parseIpRoute> = [];
  let localAddrs: ReturnType<typeof localAddrsFromRouteText> = [];
  if (ipRoute !== undefined) {
    const text = readTextInput(ipRoute);
    routes = parseIpRoute(text);
    if (routes.length === 0) throw new VxError('input', msg.inInput(ipRoute, msg.noIpRouteEntries()));
    localAddrs = localAddrsFromRouteText(text);
  }
  const host = new Host({ name: spec.name, file: spec.file, ifnames, routes, localAddrs });
  return { ifnames, links, host, ownHints: ownHints(links, host.localV4) };
}

export interface LoadedCaptures {
  specs: CaptureSpec[];
  inputs: JourneyCapture[];
  status: number;
  /** The worker thread that loaded some of the captures and reads frames for the journey (large captures only). */
  sightings?: ParallelSightings;
  close(): void;
}

/** Which captures, and each one's --ip-link and --ip-route file by capture name: plain data (it crosses to worker threads). */
export interface CaptureFiles {
  specs: CaptureSpec[];
  links: [name: string, file: string][];
  routes: [name: string, file: string][];
}

/** Parses the captures and their per-capture options (one-line errors for bad ones); reads nothing yet. */
export function captureFiles(
  args: { captures: readonly string[]; 'ip-link': readonly string[]; 'ip-route': readonly string[] },
  command: string,
): CaptureFiles {
  if (args.captures.length === 0) throw new VxError('usage', msg.journeyNeedsCaptures(command));
  const specs = parseCaptureSpecs(args.captures);
  return { specs, links: [...perCapture('ip-link', args['ip-link'], specs)], routes: [...perCapture('ip-route', args['ip-route'], specs)] };
}

/** Opens every capture with its context; warnings and damage are reported per capture (through `report`). */
export async function openCaptures(
  args: { captures: readonly string[]; 'ip-link': readonly string[]; 'ip-route': readonly string[] },
  command: string,
  report: (text: string) => void,
  reading?: SightingReading,
): Promise<LoadedCaptures> {
  const files = captureFiles(args, command);
  const helper = reading !== undefined ? await helperFor(files, reading) : undefined;
  try {
    return await openCaptureFiles(files, report, true, helper);
  } catch (e) {
    // A worker left running would keep the process alive.
    helper?.close();
    throw e;
  }
}

/** A worker thread for captures this large, on a machine with a second core; else none. */
async function helperFor(files: CaptureFiles, reading: SightingReading): Promise<ParallelSightings | undefined> {
  if (availableParallelism() < 2) return undefined;
  let bytes = 0;
  for (const s of files.specs) bytes += await captureBytes(s.file);
  // VXSHARK_PARALLEL_MIN_BYTES moves the threshold (the tests run the worker on small recordings).
  const min = Number(process.env.VXSHARK_PARALLEL_MIN_BYTES ?? PARALLEL_MIN_BYTES);
  return bytes >= (Number.isFinite(min) ? min : PARALLEL_MIN_BYTES) ? new ParallelSightings(reading) : undefined;
}

async function statSize(file: string): Promise<number> {
  return stat(file).then(
    (st) => st.size,
    () => 0,
  );
}

/**
 * Which captures a helper loads: from the last one back, while that leaves it no more than half
 * the bytes; never the first (this thread loads at least one) nor standard input or a
 * compressed file (spooled to a temporary file that this thread must remove).
 */
async function helperShare(specs: readonly CaptureSpec[]): Promise<Set<number>> {
  const sizes = await Promise.all(specs.map(async (s) => ((await readsInPlace(s.file)) ? statSize(s.file) : -1)));
  const total = sizes.reduce((a, b) => a + Math.max(b, 0), 0);
  const there = new Set<number>();
  let bytes = 0;
  for (let k = specs.length - 1; k >= 1; k--) {
    if (sizes[k]! >= 0 && bytes + sizes[k]! / 2 <= total / 2) {
      there.add(k);
      bytes += sizes[k]!;
    }
  }
  return there;
}

/**
 * Opens the captures. With `learnOwnMacs` (for the journey engine), each interface's own MAC is
 * learnt from the frames as they are indexed, instead of in a pass of its own later.
 */
export async function openCaptureFiles(
  files: CaptureFiles,
  report: (text: string) => void,
  learnOwnMacs = false,
  helper?: ParallelSightings,
): Promise<LoadedCaptures> {
  const { specs } = files;
  const links = new Map(files.links);
  const routes = new Map(files.routes);
  const contexts = specs.map((s) => captureContext(s, links.get(s.name), routes.get(s.name)));
  const opened: Capture[] = [];
  const macs: (OwnMacLearner | undefined)[] = [];
  const close = (): void => {
    opened.forEach((c) => c.close());
    helper?.close();
  };
  let status = EXIT_OK;
  try {
    // The helper's share loads there while this thread loads the rest, each in order.
    const there = new Map<number, Promise<LoadedThere>>();
    if (helper) for (const k of await helperShare(specs)) there.set(k, helper.load(k, specs[k]!.file, contexts[k]!.ownHints));
    // A load there that fails after one here did is not waited for.
    for (const p of there.values()) p.catch(() => {});
    for (const [k, s] of specs.entries()) {
      let capture: Capture;
      let learner: OwnMacLearner | undefined;
      const loading = there.get(k);
      if (loading) ({ capture, ownMacs: learner } = await loading);
      else {
        learner = learnOwnMacs ? new OwnMacLearner(contexts[k]!.ownHints) : undefined;
        capture = await loadCapture(s.file, learner ? { onFrame: ownMacFeeder(learner) } : {});
        learner?.finish();
      }
      opened.push(capture);
      macs.push(learner);
      for (const iface of learner?.undecidedInterfaces ?? []) report(msg.inInput(s.file, msg.ownMacUndecided(s.name, iface)));
      for (const w of capture.warnings) report(msg.inInput(s.file, w));
      if (capture.error) {
        report(msg.inInput(s.file, capture.error));
        status = EXIT_INPUT;
      }
    }
  } catch (e) {
    close();
    throw e;
  }
  const inputs = specs.map((s, i) => ({
    name: s.name,
    capture: opened[i]!,
    host: contexts[i]!.host,
    ifnames: contexts[i]!.ifnames,
    links: contexts[i]!.links,
    ...(macs[i] ? { ownMacs: macs[i] } : {}),
  }));
  return { specs, inputs, status, close, ...(helper ? { sightings: helper } : {}) };
}
