import { VxError, msg } from '../errors.js';
import { readTextInput } from './text-file.js';

/**
 * Interface index -> name, from `ip -o link`, `ip link` or `ip -j link` output saved on the
 * capturing host. SLL2 records carry only the index. Names like "eth1@if27" are veth
 * ends: the part before "@" is the interface's name.
 */
export function parseIpLink(text: string): Map<number, string> {
  const map = new Map<number, string>();
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let entries: unknown;
    try {
      entries = JSON.parse(trimmed);
    } catch {
      return map;
    }
    if (Array.isArray(entries)) {
      for (const e of entries as { ifindex?: unknown; ifname?: unknown }[]) {
        if (typeof e?.ifindex === 'number' && typeof e.ifname === 'string') map.set(e.ifindex, e.ifname);
      }
    }
    return map;
  }
  for (const line of text.split('\n')) {
    const m = /^(\d+):\s+([^:\s]+?)(?:@[^:\s]+)?:\s/.exec(line);
    if (m) map.set(Number(m[1]), m[2]!);
  }
  return map;
}

export function readIpLinkFile(path: string): Map<number, string> {
  const text = readTextInput(path);
  const map = parseIpLink(text);
  if (map.size === 0) throw new VxError('input', msg.inInput(path, msg.noIpLinkEntries()));
  return map;
}

/** `--ifname 28=eth1` */
export function parseIfnameOption(text: string): [number, string] {
  const m = /^(\d+)=(\S+)$/.exec(text.trim());
  if (!m) throw new VxError('usage', msg.badIfname(text));
  return [Number(m[1]), m[2]!];
}
