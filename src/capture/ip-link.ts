import { VxError, msg } from '../errors.js';
import { readTextInput } from './text-file.js';

/** One interface of the capturing host, as `ip link` describes it. */
export interface IpLinkEntry {
  index: number;
  name: string;
  /** The link's kind when the output says (`ip -d link`: vxlan, geneve, veth, bridge...). */
  kind?: string;
  /** The link layer type (ether, loopback, none). */
  linkType?: string;
  /** The name carried "@peer" (a veth end "eth1@if27", a VLAN "eth0.10@eth0"). */
  peer?: string;
  mtu?: number;
  /** The link's hardware address (`link/ether 7e:51:50:e0:3b:31`), as the analysis numbers MACs. */
  mac?: number;
}

const KINDS = /\s(vxlan|geneve|veth|bridge|dummy|ipip|gre|gretap|ip6tnl|sit|wireguard|vlan|macvlan|ipvlan|bond|openvswitch|tun)\s/;

/**
 * Interfaces from `ip -o link`, `ip link`, `ip -d link` or `ip -j link` output saved on the
 * capturing host. Names like "eth1@if27" are veth ends: the part before "@" is the name.
 */
export function parseIpLinkEntries(text: string): IpLinkEntry[] {
  const out: IpLinkEntry[] = [];
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let entries: unknown;
    try {
      entries = JSON.parse(trimmed);
    } catch {
      return out;
    }
    if (!Array.isArray(entries)) return out;
    for (const e of entries as {
      ifindex?: unknown;
      ifname?: unknown;
      link_type?: unknown;
      mtu?: unknown;
      link?: unknown;
      address?: unknown;
      linkinfo?: { info_kind?: unknown };
    }[]) {
      if (typeof e?.ifindex !== 'number' || typeof e.ifname !== 'string') continue;
      const entry: IpLinkEntry = { index: e.ifindex, name: e.ifname };
      if (typeof e.link_type === 'string') entry.linkType = e.link_type;
      if (typeof e.mtu === 'number') entry.mtu = e.mtu;
      if (typeof e.link === 'string') entry.peer = e.link;
      if (e.link_type === 'ether' && typeof e.address === 'string') setMac(entry, e.address);
      if (typeof e.linkinfo?.info_kind === 'string') entry.kind = e.linkinfo.info_kind;
      out.push(entry);
    }
    return out;
  }
  // `ip -o link` puts each interface on one line ("\" joins its parts); `ip link` continues
  // an interface on indented lines.
  const blocks: string[] = [];
  for (const line of text.split('\n')) {
    if (/^\d+:\s/.test(line)) blocks.push(line);
    else if (blocks.length > 0 && /^\s/.test(line)) blocks[blocks.length - 1] += ` ${line}`;
  }
  for (const block of blocks) {
    const m = /^(\d+):\s+([^:\s]+?)(?:@([^:\s]+))?:\s/.exec(block);
    if (!m) continue;
    const entry: IpLinkEntry = { index: Number(m[1]), name: m[2]! };
    if (m[3] !== undefined) entry.peer = m[3];
    const rest = ` ${block.slice(m[0].length).replace(/\\/g, ' ')} `;
    const mtu = /\smtu (\d+)/.exec(rest);
    if (mtu) entry.mtu = Number(mtu[1]);
    const lt = /\slink\/(\S+)/.exec(rest);
    if (lt) entry.linkType = lt[1]!;
    const ether = /\slink\/ether\s+(\S+)/.exec(rest);
    if (ether) setMac(entry, ether[1]!);
    const kind = KINDS.exec(rest.slice(lt ? lt.index : 0));
    if (kind && lt) entry.kind = kind[1]!;
    out.push(entry);
  }
  return out;
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

function setMac(entry: IpLinkEntry, text: string): void {
  if (MAC.test(text)) entry.mac = parseInt(text.replace(/:/g, ''), 16);
}

/** Interface index -> name. */
export function parseIpLink(text: string): Map<number, string> {
  return new Map(parseIpLinkEntries(text).map((e) => [e.index, e.name]));
}

export function readIpLinkEntries(path: string): IpLinkEntry[] {
  const text = readTextInput(path);
  const entries = parseIpLinkEntries(text);
  if (entries.length === 0) throw new VxError('input', msg.inInput(path, msg.noIpLinkEntries()));
  return entries;
}

export function readIpLinkFile(path: string): Map<number, string> {
  return new Map(readIpLinkEntries(path).map((e) => [e.index, e.name]));
}

/** `--ifname 28=eth1` */
export function parseIfnameOption(text: string): [number, string] {
  const m = /^(\d+)=(\S+)$/.exec(text.trim());
  if (!m) throw new VxError('usage', msg.badIfname(text));
  return [Number(m[1]), m[2]!];
}
