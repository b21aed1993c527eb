// Several captures on one command line: `ctr=ctr.pcap router.pcap`, each with its own context
// (`--ip-link router=router.ip-link.txt`, `--ip-route w0=w0.route.txt`). A plain option value
// is accepted when there is only one capture.
import { existsSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseIpLink } from '../capture/ip-link.js';
import { readTextInput } from '../capture/text-file.js';
import { parseIpRoute } from '../analysis/options.js';
import { VxError, msg } from '../errors.js';
import { Host, localAddrsFromRouteText } from './hosts.js';

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
  host: Host;
}

/** Reads one capture's --ip-link and --ip-route files into interface names and a host. */
export function captureContext(spec: CaptureSpec, ipLink: string | undefined, ipRoute: string | undefined): CaptureContext {
  const ifnames = new Map<number, string>();
  if (ipLink !== undefined) {
    const map = parseIpLink(readTextInput(ipLink));
    if (map.size === 0) throw new VxError('input', msg.inInput(ipLink, msg.noIpLinkEntries()));
    for (const [k, v] of map) ifnames.set(k, v);
  }
  let routes: ReturnType<typeof parseIpRoute> = [];
  let localAddrs: ReturnType<typeof localAddrsFromRouteText> = [];
  if (ipRoute !== undefined) {
    const text = readTextInput(ipRoute);
    routes = parseIpRoute(text);
    if (routes.length === 0) throw new VxError('input', msg.inInput(ipRoute, msg.noIpRouteEntries()));
    localAddrs = localAddrsFromRouteText(text);
  }
  return { ifnames, host: new Host({ name: spec.name, file: spec.file, ifnames, routes, localAddrs }) };
}
