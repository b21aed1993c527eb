// `vxshark -r FILE` (and `vxshark FILE`, `-i IFACE`) end to end: the real entry point through
// tsx, on the samples, on captures built here, and on the public peer corpus
// (../shared/corpus/peers), whose tshark JSON and tcpdump references give the expected frame
// numbers, addresses, VNIs and times. Corpus tests skip with a message when it is absent; the
// tcpdump, `script` (a pseudo-terminal) and live-capture tests skip when their tools are missing.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildPcap } from '../fixtures/capture-writer.js';
import {
  filler,
  icmpEcho,
  innerFrame,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  tcp,
  udpTunnel,
  vxlan,
  vxlanFrame,
  type InnerSpec,
  type OuterSpec,
} from '../fixtures/packet-builder.js';
import { INNER, OUTER } from '../helpers/built-frames.js';
import { CLI_ARGV, ROOT, vxshark, type RunResult } from '../helpers/cli.js';
import { tsharkPackets, values, type TsharkPacket } from '../helpers/tshark-json.js';

const CORPUS = join(ROOT, '..', 'shared', 'corpus', 'peers');
const NO_CORPUS = existsSync(CORPUS) ? false : `peer corpus not found at ${CORPUS}`;
const corpus = (rel: string): string => join(CORPUS, rel);

const onPath = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const HAVE_TCPDUMP = onPath('tcpdump');
const NO_TCPDUMP = HAVE_TCPDUMP ? false : 'tcpdump is not installed';

const CILIUM = 'samples/cilium-vxlan-8472.pcap';
const SLL2 = 'samples/router-any-sll2.pcap';
const IP_LINK = 'samples/router-any-sll2.ip-link.txt';
const NG = 'samples/router-interfaces.pcapng';
const NANO = 'samples/nanosecond.pcap';
const VXLAN = 'tcpdump/vxlan.pcap'; // VXLAN on 4789, VNI 100: ICMP and ARP inside
const VXLAN_8472 = 'tcpdump/vxlan_port_8472.pcap'; // the same on 8472, decoded without -d
const GENEVE = 'tcpdump/geneve.pcap'; // GENEVE VNIs 0xa and 0xb: ICMP and SSH inside
const ZEEK_SLL2 = 'zeek/linux_dlt_sll2.pcap';

const tmp = mkdtempSync(join(tmpdir(), 'vxshark-read-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let outputs = 0;
/** A fresh path in the temporary directory (the file is not created). */
const fresh = (ext: string): string => join(tmp, `out${outputs++}.${ext}`);

// ---------------------------------------------------------------------------------------------
// Helpers

/** The lines of an output; none for empty output. */
const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/** stderr must be exactly one `vxshark: ` line with no stack trace and stdout empty; returns the line. */
function oneErrorLine(r: RunResult): string {
  const got = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(got.length, 1, `stderr: ${JSON.stringify(r.stderr)}`);
  assert.ok(got[0]!.startsWith('vxshark: '), got[0]);
  assert.ok(!/\n\s+at /.test(r.stderr) && !/internal error/.test(r.stderr), `no stack trace or internal error: ${r.stderr}`);
  assert.ok(!/[\u0000-\u0008\u000b-\u001f]/.test(got[0]!), `no control characters: ${JSON.stringify(got[0])}`);
  assert.equal(r.stdout, '');
  return got[0]!;
}

/** A successful run: exit 0, nothing on stderr; returns the stdout lines. */
function ok(r: RunResult): string[] {
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  return lines(r.stdout);
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The tshark JSON reference of a corpus capture. */
const tshark = (rel: string): TsharkPacket[] => tsharkPackets(readFileSync(corpus(`${rel}.tshark.json`), 'utf8'));
const one = (p: TsharkPacket, name: string): string => {
  const v = values(p, name);
  assert.ok(v.length > 0, `tshark JSON has no ${name}`);
  return v[0]!;
};
const frameNo = (p: TsharkPacket): number => Number(one(p, 'frame.number'));
const protocols = (p: TsharkPacket): string => one(p, 'frame.protocols');

interface PcapRecord {
  sec: number;
  frac: number;
  capLen: number;
  origLen: number;
  data: Buffer;
}

/** A little-endian classic pcap read by hand (independent of vxshark's reader). */
function pcapFile(source: string | Buffer): { nano: boolean; linkType: number; records: PcapRecord[] } {
  const b = typeof source === 'string' ? readFileSync(source) : source;
  const path = typeof source === 'string' ? source : 'bytes';
  const magic = b.readUInt32LE(0);
  assert.ok(magic === 0xa1b2c3d4 || magic === 0xa1b23c4d, `${path}: magic 0x${magic.toString(16)}`);
  const records: PcapRecord[] = [];
  for (let o = 24; o + 16 <= b.length;) {
    const capLen = b.readUInt32LE(o + 8);
    records.push({ sec: b.readUInt32LE(o), frac: b.readUInt32LE(o + 4), capLen, origLen: b.readUInt32LE(o + 12), data: b.subarray(o + 16, o + 16 + capLen) });
    o += 16 + capLen;
  }
  return { nano: magic === 0xa1b23c4d, linkType: b.readUInt32LE(20), records };
}

/** "s.fffffffff" as nanoseconds. */
function nanos(epoch: string): bigint {
  const [s, f = ''] = epoch.split('.');
  return BigInt(s!) * 1_000_000_000n + BigInt(f.padEnd(9, '0').slice(0, 9));
}

/** Nanoseconds as "s.ffffff" (digits after the point), cut, not rounded, as tshark prints. */
function seconds(ns: bigint, digits = 6): string {
  const sign = ns < 0n ? '-' : '';
  const a = ns < 0n ? -ns : ns;
  return `${sign}${a / 1_000_000_000n}.${String(a % 1_000_000_000n)
    .padStart(9, '0')
    .slice(0, digits)}`;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** A wall-clock time as -t a/ad/u/ud print it: the epoch shifted by `offset` seconds, then read as UTC. */
function clock(epoch: string, offset: number, withDate: boolean): string {
  const ns = nanos(epoch);
  const d = new Date(Number(ns / 1_000_000_000n + BigInt(offset)) * 1000);
  const date = `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} `;
  const hms = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${withDate ? date : ''}${hms}.${String(ns % 1_000_000_000n)
    .padStart(9, '0')
    .slice(0, 6)}`;
}

/** The time column of a summary line (one token, or two for the dated formats). */
function timeColumn(line: string): string {
  const m = /^ *\d+ (?: *)(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?|\S+) /.exec(line);
  assert.ok(m, `not a summary line: ${line}`);
  return m[1]!;
}

const numberOf = (line: string): number => Number(/^ *(\d+) /.exec(line)?.[1]);

/** A tunnelled summary line: number, time, outer endpoints, encapsulation, VNI │ inner src → dst PROTO len info. */
const TUNNEL_LINE = /^ *(\d+) +(\S+) (\S+) → (\S+) (VXLAN|GENEVE) VNI (\S+) │ (\S+) → (\S*) (\S+) (\d+) (.*)$/;

/** The hex-dump lines of -x output: offset, 16 bytes in two groups, the ASCII. */
function hexDumps(out: string[]): { offset: number; bytes: number[]; ascii: string }[][] {
  const dumps: { offset: number; bytes: number[]; ascii: string }[][] = [];
  let current: { offset: number; bytes: number[]; ascii: string }[] | undefined;
  for (const l of out) {
    const m = /^([0-9a-f]{4})  ([0-9a-f ]{49}) (.*)$/.exec(l);
    if (!m) {
      current = undefined;
      continue;
    }
    if (!current) dumps.push((current = []));
    current.push({
      offset: parseInt(m[1]!, 16),
      bytes: m[2]!
        .trim()
        .split(/ +/)
        .map((h) => parseInt(h, 16)),
      ascii: m[3]!,
    });
  }
  return dumps;
}

/** Frame numbers of a run with -T fields -e frame.number. */
async function frames(args: string[], opts: Parameters<typeof vxshark>[1] = {}): Promise<number[]> {
  return ok(await vxshark([...args, '-T', 'fields', '-e', 'frame.number'], opts)).map(Number);
}

// Captures built here.
const P9000 = join(tmp, 'vxlan-on-9000.pcap');
const BIG = join(tmp, 'big.pcap');
const BIG_PACKETS = 200_000;

/** VXLAN to UDP 9000, a port vxshark does not decode as VXLAN by itself: two pings, VNIs 4242 and 4243. */
function writeP9000(): void {
  const ping = (vni: number, type: 8 | 0): Uint8Array => {
    const inner: InnerSpec = type === 8 ? INNER : { ...INNER, src: INNER.dst, dst: INNER.src, srcMac: INNER.dstMac, dstMac: INNER.srcMac };
    const outer: OuterSpec = type === 8 ? OUTER : { ...OUTER, src: OUTER.dst, dst: OUTER.src, srcMac: OUTER.dstMac, dstMac: OUTER.srcMac };
    return udpTunnel(outer, 9000, 50000, vxlan({ vni }, innerFrame(inner, { proto: IPPROTO_ICMP, bytes: icmpEcho({ type, id: 9, seq: 1 }, filler(16)) })));
  };
  writeFileSync(
    P9000,
    buildPcap([
      { tsSec: 1_700_000_000, tsFrac: 0, data: ping(4242, 8) },
      { tsSec: 1_700_000_000, tsFrac: 500, data: ping(4243, 0) },
    ]),
  );
}

/** About 200,000 small VXLAN packets (a few templates repeated), written record by record. */
function writeBig(): void {
  const templates = Array.from({ length: 8 }, (_, k) => {
    const inner: InnerSpec = { ...INNER, src: `172.20.0.${10 + k}` };
    const ip = { src: inner.src, dst: inner.dst };
    return k % 2
      ? vxlanFrame({ outer: OUTER, vni: 100 + k, inner }, { proto: IPPROTO_ICMP, bytes: icmpEcho({ type: 8, id: k, seq: k }, filler(32)) })
      : vxlanFrame(
          { outer: OUTER, vni: 100 + k, inner },
          { proto: IPPROTO_TCP, bytes: tcp({ srcPort: 40000 + k, dstPort: 80, seq: k, flags: 'PA' }, filler(40), ip) },
        );
  });
  const size = 24 + Array.from({ length: BIG_PACKETS }, (_, i) => 16 + templates[i % 8]!.length).reduce((a, b) => a + b, 0);
  const buf = Buffer.alloc(size);
  buf.set(buildPcap([]), 0);
  let o = 24;
  for (let i = 0; i < BIG_PACKETS; i++) {
    const t = templates[i % 8]!;
    buf.writeUInt32LE(1_767_225_600 + Math.floor(i / 1000), o);
    buf.writeUInt32LE((i % 1000) * 1000, o + 4);
    buf.writeUInt32LE(t.length, o + 8);
    buf.writeUInt32LE(t.length, o + 12);
    buf.set(t, o + 16);
    o += 16 + t.length;
  }
  writeFileSync(BIG, buf);
}

before(() => {
  writeP9000();
  writeBig();
});

// ---------------------------------------------------------------------------------------------

describe('vxshark -r: summary lines', { concurrency: 4 }, () => {
  for (const rel of [VXLAN, VXLAN_8472]) {
    it(`${rel}: outer endpoints, VXLAN vni, inner packet, as tshark's JSON says`, { skip: NO_CORPUS }, async () => {
      const want = tshark(rel);
      const got = ok(await vxshark(['-r', corpus(rel)]));
      assert.equal(got.length, want.length);
      got.forEach((line, i) => {
        const p = want[i]!;
        const m = TUNNEL_LINE.exec(line);
        assert.ok(m, `not a tunnelled line: ${line}`);
        const [, number, time, outerSrc, outerDst, kind, vni, innerSrc, innerDst, proto, len] = m;
        const ipSrc = values(p, 'ip.src');
        const ipDst = values(p, 'ip.dst');
        assert.equal(Number(number), frameNo(p));
        assert.equal(time, seconds(nanos(one(p, 'frame.time_relative'))));
        assert.deepEqual([outerSrc, outerDst], [ipSrc[0], ipDst[0]], line);
        assert.equal(kind, 'VXLAN');
        assert.equal(vni, one(p, 'vxlan.vni'));
        // Inner IP addresses; an inner ARP shows the inner Ethernet addresses.
        const arp = protocols(p).endsWith(':arp');
        assert.deepEqual([innerSrc, innerDst], arp ? [values(p, 'eth.src')[1], values(p, 'eth.dst')[1]] : [ipSrc[1], ipDst[1]], line);
        assert.equal(proto, arp ? 'ARP' : 'ICMP');
        assert.equal(Number(len), Number(one(p, 'frame.len')));
      });
    });
  }

  it(`${GENEVE}: the GENEVE VNI (tshark's geneve.vni, in decimal), inner IPv4 pair`, { skip: NO_CORPUS }, async () => {
    const want = tshark(GENEVE);
    const got = ok(await vxshark(['-r', corpus(GENEVE)]));
    assert.equal(got.length, want.length);
    got.forEach((line, i) => {
      const p = want[i]!;
      const m = TUNNEL_LINE.exec(line);
      assert.ok(m, line);
      assert.deepEqual(
        [Number(m[1]), m[3], m[4], m[5], m[6], m[7], m[8], m[9]],
        [
          frameNo(p),
          values(p, 'ip.src')[0],
          values(p, 'ip.dst')[0],
          'GENEVE',
          String(Number(one(p, 'geneve.vni'))),
          values(p, 'ip.src')[1],
          values(p, 'ip.dst')[1],
          protocols(p).includes(':icmp') ? 'ICMP' : 'TCP',
        ],
      );
    });
  });

  it(`${ZEEK_SLL2} (SLL2): ifN and In/Out from the cooked header, as tshark's sll.ifindex and sll.pkttype`, { skip: NO_CORPUS }, async () => {
    const want = tshark(ZEEK_SLL2);
    const got = ok(await vxshark(['-r', corpus(ZEEK_SLL2)]));
    assert.equal(got.length, want.length);
    got.forEach((line, i) => {
      const p = want[i]!;
      const m = /^ *(\d+) +\S+ (if\d+) (In|Out) +\S/.exec(line);
      assert.ok(m, line);
      const pkttype = one(p, 'sll.pkttype');
      assert.ok(pkttype === '0' || pkttype === '4', `frame ${frameNo(p)}: pkttype ${pkttype}`);
      assert.deepEqual([Number(m[1]), m[2], m[3]], [frameNo(p), `if${one(p, 'sll.ifindex')}`, pkttype === '4' ? 'Out' : 'In']);
    });
  });

  // The sample's SLL2 headers, read by hand: ifindex (bytes 4-7) and packet type (byte 10).
  const sll2Headers = (): { ifindex: number; dir: string }[] =>
    pcapFile(join(ROOT, SLL2)).records.map((r) => ({ ifindex: r.data.readUInt32BE(4), dir: { 0: 'In', 4: 'Out' }[r.data[10]!] ?? '?' }));
  const ipLinkNames = (): Map<number, string> =>
    new Map([...readFileSync(join(ROOT, IP_LINK), 'utf8').matchAll(/^(\d+): ([^:@\s]+)/gm)].map((m) => [Number(m[1]), m[2]!]));

  it(`${SLL2}: "ifN In/Out" without names, the ip-link names with --ip-link, --ifname names one index`, async () => {
    const headers = sll2Headers();
    const names = ipLinkNames();
    assert.deepEqual([...names.values()], ['lo', 'eth0', 'eth1', 'eth2']);
    const where = (line: string): string => /^ *\d+ +\S+ (\S+ (?:In|Out)) +\S/.exec(line)?.[1] ?? `no interface in: ${line}`;
    const plain = ok(await vxshark(['-r', SLL2]));
    assert.deepEqual(
      plain.map(where),
      headers.map((h) => `if${h.ifindex} ${h.dir}`),
    );
    const named = ok(await vxshark(['-r', SLL2, '--ip-link', IP_LINK]));
    assert.deepEqual(
      named.map(where),
      headers.map((h) => `${names.get(h.ifindex)} ${h.dir}`),
    );
    assert.ok(named.some((l) => / eth1 In +/.test(l)) && named.some((l) => / eth0 Out +/.test(l)));
    const eth1Only = ok(await vxshark(['-r', SLL2, '--ifname', '3=eth1']));
    assert.deepEqual(
      eth1Only.map(where),
      headers.map((h) => `${h.ifindex === 3 ? 'eth1' : `if${h.ifindex}`} ${h.dir}`),
    );
    // The rest of each line does not change with the names.
    const rest = (l: string): string => l.replace(/^( *\d+ +\S+ )\S+ (In|Out) +/, '$1');
    assert.deepEqual(named.map(rest), plain.map(rest));
    // Options before the file: a repeatable option does not swallow the file name.
    assert.deepEqual(ok(await vxshark(['--ifname', '3=eth1', SLL2])), eth1Only);
    assert.deepEqual(ok(await vxshark(['--ifname', '2=eth0', '--ifname', '3=eth1', '--ifname', '4=eth2', SLL2])), named);
  });

  it('`vxshark FILE` with stdout not a terminal prints what -r prints', async () => {
    for (const args of [[CILIUM], [SLL2, '--ip-link', IP_LINK], [NG]]) {
      const positional = ok(await vxshark(args));
      const dashR = ok(await vxshark(['-r', ...args]));
      assert.ok(positional.length > 10);
      assert.deepEqual(positional, dashR, args.join(' '));
    }
  });

  it("the samples: one line per packet, the README's SYN lines", async () => {
    const got = ok(await vxshark(['-r', CILIUM, '-Y', 'tcp.flags.syn == 1']));
    assert.equal(got.length, 4);
    assert.match(
      got[0]!,
      /^ {4}15 +6\.002950 192\.168\.10\.100 → 192\.168\.20\.100 VXLAN VNI 32001 │ 172\.20\.0\.10 → 172\.20\.2\.30 TCP 124 48312 → 80 \[SYN\] /,
    );
    assert.match(
      got[1]!,
      /^ {4}16 +6\.003362 192\.168\.20\.100 → 192\.168\.10\.100 VXLAN VNI 45678 │ 172\.20\.2\.30 → 172\.20\.0\.10 TCP 124 80 → 48312 \[SYN, ACK\] /,
    );
  });
});

describe('vxshark -r -V and -x', { concurrency: 4 }, () => {
  /** The packets of -V output, each as its top-level titles. */
  const trees = (out: string[]): string[][] => {
    const packets: string[][] = [];
    for (const l of out) {
      if (/^Frame \d+: /.test(l)) packets.push([]);
      if (l !== '' && !l.startsWith(' ')) packets.at(-1)!.push(l);
    }
    return packets;
  };

  it(`${VXLAN}: both IPv4 headers in order, the VXLAN header between them`, { skip: NO_CORPUS }, async () => {
    const want = tshark(VXLAN);
    const out = ok(await vxshark(['-r', corpus(VXLAN), '-V']));
    const packets = trees(out);
    assert.equal(packets.length, want.length);
    packets.forEach((titles, i) => {
      const p = want[i]!;
      assert.equal(titles[0], `Frame ${frameNo(p)}: ${one(p, 'frame.len')} bytes on wire, ${one(p, 'frame.cap_len')} bytes captured`);
      const ips = titles.filter((t) => t.startsWith('Internet Protocol Version 4'));
      const src = values(p, 'ip.src');
      const dst = values(p, 'ip.dst');
      assert.deepEqual(
        ips,
        src.map((s, k) => `Internet Protocol Version 4, Src: ${s}, Dst: ${dst[k]}`),
      );
      const at = titles.indexOf(`Virtual eXtensible Local Area Network, VNI: ${one(p, 'vxlan.vni')}`);
      assert.ok(at > titles.indexOf(ips[0]!), titles.join('\n'));
      if (ips[1]) assert.ok(at < titles.indexOf(ips[1]), titles.join('\n'));
      assert.deepEqual(titles.filter((t) => t.startsWith('Ethernet II')).length, 2);
    });
    assert.ok(out.includes(`    VXLAN Network Identifier (VNI): ${one(want[0]!, 'vxlan.vni')}`));
    // Packets are separated by one blank line.
    assert.equal(out.filter((l) => l === '').length, want.length - 1);
  });

  it(`${GENEVE}: the GENEVE header with its VNI between the two IPv4 headers`, { skip: NO_CORPUS }, async () => {
    const want = tshark(GENEVE);
    const packets = trees(ok(await vxshark(['-r', corpus(GENEVE), '-V', '-c', '5'])));
    assert.equal(packets.length, 5);
    packets.forEach((titles, i) => {
      const p = want[i]!;
      const ips = titles.filter((t) => t.startsWith('Internet Protocol Version 4'));
      assert.deepEqual(
        ips,
        [0, 1].map((k) => `Internet Protocol Version 4, Src: ${values(p, 'ip.src')[k]}, Dst: ${values(p, 'ip.dst')[k]}`),
      );
      const at = titles.indexOf(`Generic Network Virtualization Encapsulation, VNI: ${one(p, 'geneve.vni')}`);
      assert.ok(at > titles.indexOf(ips[0]!) && at < titles.indexOf(ips[1]!), titles.join('\n'));
    });
  });

  it('-V on the samples: outer then inner IPv4 (nodes, then pods)', async () => {
    const titles = trees(ok(await vxshark(['-r', CILIUM, '-V', '-Y', 'icmp', '-c', '3'])))[0]!;
    assert.deepEqual(
      titles.filter((t) => t.startsWith('Internet Protocol Version 4')),
      ['Internet Protocol Version 4, Src: 192.168.10.100, Dst: 192.168.20.100', 'Internet Protocol Version 4, Src: 172.20.0.10, Dst: 172.20.2.30'],
    );
    assert.ok(titles.includes('Virtual eXtensible Local Area Network, VNI: 32001'));
  });

  it('-x: offset / 16 bytes / ASCII lines of every byte of the frame; -P adds the summary line, as in tshark', async () => {
    const records = pcapFile(join(ROOT, CILIUM)).records;
    const out = ok(await vxshark(['-r', CILIUM, '-x', '-c', '4']));
    const dumps = hexDumps(out);
    assert.equal(dumps.length, 4);
    assert.equal(out.filter((l) => TUNNEL_LINE.test(l)).length, 0);
    dumps.forEach((dump, i) => {
      const data = records[i]!.data;
      assert.deepEqual(
        dump.map((d) => d.offset),
        dump.map((_, k) => k * 16),
      );
      assert.deepEqual(Buffer.from(dump.flatMap((d) => d.bytes)), data, `frame ${i + 1}`);
      for (const d of dump) assert.equal(d.ascii, String.fromCharCode(...d.bytes.map((b) => (b >= 0x20 && b < 0x7f ? b : 0x2e))));
      assert.ok(dump[0]!.ascii.length === 16 && dump.at(-1)!.ascii.length === ((data.length - 1) % 16) + 1);
    });
    assert.match(out[0]!, /^0000  ([0-9a-f]{2} ){15}[0-9a-f]{2}   .{16}$/);
    const withSummary = ok(await vxshark(['-r', CILIUM, '-x', '-P', '-c', '4']));
    assert.equal(withSummary.filter((l) => TUNNEL_LINE.test(l)).length, 4);
    assert.equal(hexDumps(withSummary).length, 4);
  });

  it('-x prints exactly what tshark -x prints', { skip: NO_CORPUS || !onPath('tshark') ? 'needs the corpus and tshark' : false }, async () => {
    const file = corpus(VXLAN);
    const ours = await vxshark(['-r', file, '-x']);
    const theirs = spawnSync('tshark', ['-r', file, '-x'], { encoding: 'utf8' });
    assert.equal(ours.stdout, theirs.stdout);
  });

  it(`-x on ${VXLAN}: the bytes tshark -x would dump`, { skip: NO_CORPUS }, async () => {
    const records = pcapFile(corpus(VXLAN)).records;
    const dumps = hexDumps(ok(await vxshark(['-r', corpus(VXLAN), '-x'])));
    assert.equal(dumps.length, records.length);
    dumps.forEach((dump, i) => assert.deepEqual(Buffer.from(dump.flatMap((d) => d.bytes)), records[i]!.data));
  });
});

describe('vxshark -T fields', { concurrency: 4 }, () => {
  it(`-e ip.src -e vxlan.vni -E header=y -E separator=, on ${VXLAN}: outer,inner then the VNI`, { skip: NO_CORPUS }, async () => {
    const want = tshark(VXLAN);
    const got = ok(await vxshark(['-r', corpus(VXLAN), '-T', 'fields', '-e', 'ip.src', '-e', 'vxlan.vni', '-E', 'header=y', '-E', 'separator=,']));
    assert.equal(got[0], 'ip.src,vxlan.vni');
    assert.deepEqual(
      got.slice(1),
      want.map((p) => [...values(p, 'ip.src'), one(p, 'vxlan.vni')].join(',')),
    );
    assert.ok(got.includes('192.168.203.1,192.168.203.3,100'), 'an ICMP packet: outer, inner, VNI');
  });

  it('a field in several layers: every occurrence, outer first; -E occurrence=f and l pick one', { skip: NO_CORPUS }, async () => {
    for (const rel of [VXLAN, GENEVE]) {
      const want = tshark(rel);
      const fields = ['ip.src', 'ip.dst', 'eth.src', 'udp.srcport'];
      const args = ['-r', corpus(rel), '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
      const all = ok(await vxshark(args));
      assert.deepEqual(
        all,
        want.map((p) => fields.map((f) => values(p, f).join(',')).join('\t')),
        rel,
      );
      const first = ok(await vxshark([...args, '-E', 'occurrence=f']));
      assert.deepEqual(
        first,
        want.map((p) => fields.map((f) => values(p, f)[0] ?? '').join('\t')),
        rel,
      );
      const last = ok(await vxshark([...args, '-E', 'occurrence=l']));
      assert.deepEqual(
        last,
        want.map((p) => fields.map((f) => values(p, f).at(-1) ?? '').join('\t')),
        rel,
      );
    }
  });

  it('-e frame.number and VNIs on the samples; options before the file are not taken for -e values', async () => {
    const got = ok(await vxshark(['-T', 'fields', '-e', 'frame.number', '-e', 'vxlan.vni', '-e', 'ip.dst', '-E', 'occurrence=l', CILIUM]));
    assert.equal(got.length, 36);
    assert.deepEqual(got.slice(2, 4), ['3\t32001\t172.20.2.30', '4\t45678\t172.20.0.10']);
  });

  it('an unknown field: exit 2, one line with "did you mean"', async () => {
    for (const [field, guess] of [
      ['ip.srcc', 'ip.src'],
      ['vxlan.vnii', 'vxlan.vni'],
    ] as const) {
      const r = await vxshark(['-r', CILIUM, '-T', 'fields', '-e', 'frame.number', '-e', field]);
      assert.equal(r.status, 2);
      assert.equal(oneErrorLine(r), `vxshark: unknown field "${field}"; did you mean ${guess}?`);
    }
  });
});

describe('vxshark -T json', { concurrency: 4 }, () => {
  /** tshark's frame.protocols without the "ethertype" pseudo-layers; vxshark has no SSH dissector (data). */
  const tsharkStack = (p: TsharkPacket): string[] =>
    protocols(p)
      .split(':')
      .filter((x) => x !== 'ethertype')
      .map((x) => (x === 'ssh' ? 'data' : x));

  for (const rel of [VXLAN, GENEVE]) {
    it(`${rel}: one object per packet, layers outer to inner as tshark's frame.protocols`, { skip: NO_CORPUS }, async () => {
      const want = tshark(rel);
      const r = await vxshark(['-r', corpus(rel), '-T', 'json']);
      const got = JSON.parse(ok(r).join('\n')) as {
        number: number;
        layers: { protocol: string; offset: number }[];
        summary: { tunnel?: { kind: string; vni: number } };
      }[];
      assert.equal(got.length, want.length);
      got.forEach((pkt, i) => {
        const p = want[i]!;
        assert.equal(pkt.number, frameNo(p));
        assert.deepEqual(
          pkt.layers.map((l) => l.protocol),
          ['frame', ...tsharkStack(p)],
        );
        const offsets = pkt.layers.map((l) => l.offset);
        assert.deepEqual(
          offsets,
          [...offsets].sort((a, b) => a - b),
          'outer layers come first',
        );
        const vni = rel === VXLAN ? one(p, 'vxlan.vni') : one(p, 'geneve.vni');
        assert.equal(pkt.summary.tunnel?.vni, Number(vni));
      });
    });
  }

  it('no packet passes the filter: an empty array', async () => {
    const r = await vxshark(['-r', CILIUM, '-T', 'json', '-Y', 'ip.src == 10.9.9.9']);
    assert.deepEqual(JSON.parse(r.stdout), []);
    assert.equal(r.status, 0);
  });
});

describe('vxshark -Y', { concurrency: 4 }, () => {
  const cases: [rel: string, filter: string, pass: (p: TsharkPacket) => boolean][] = [
    [GENEVE, 'geneve.vni == 0xb && tcp', (p) => one(p, 'geneve.vni') === '0x00000b' && protocols(p).includes(':tcp')],
    [GENEVE, 'inner.ip.src == 30.0.0.2', (p) => values(p, 'ip.src')[1] === '30.0.0.2'],
    [GENEVE, 'tcp.len > 0 && geneve.vni == 0xa', (p) => Number(values(p, 'tcp.len')[0] ?? 0) > 0 && one(p, 'geneve.vni') === '0x00000a'],
    [GENEVE, 'outer.ip.src == 20.0.0.1 and not icmp', (p) => values(p, 'ip.src')[0] === '20.0.0.1' && !protocols(p).includes(':icmp')],
    [VXLAN, 'arp', (p) => protocols(p).endsWith(':arp')],
    [VXLAN, 'vxlan.vni == 100 && icmp && inner.ip.dst == 192.168.203.5', (p) => protocols(p).includes(':icmp') && values(p, 'ip.dst')[1] === '192.168.203.5'],
  ];
  for (const [rel, filter, pass] of cases) {
    it(`${rel} -Y '${filter}': the frames tshark's JSON says`, { skip: NO_CORPUS }, async () => {
      const all = tshark(rel);
      const want = all.filter(pass).map(frameNo);
      assert.ok(want.length > 0 && want.length < all.length, `a filter that tells packets apart (${want.length} of ${all.length})`);
      assert.deepEqual(await frames(['-r', corpus(rel), '-Y', filter]), want);
      assert.deepEqual(ok(await vxshark(['-r', corpus(rel), '-Y', filter])).map(numberOf), want);
    });
  }

  const bad: [filter: string, message: string][] = [
    ['ip.src ==', 'vxshark: expected a value after "==" at column 10'],
    ['ip.srcc == 1.2.3.4', 'vxshark: unknown field "ip.srcc" at column 1; did you mean ip.src?'],
    ['(icmp', 'vxshark: unbalanced parentheses: "(" at column 1 is never closed'],
    ['icmp &&', 'vxshark: expected a field or "(" after "&&" at column 8'],
    ['ip.src == 1.2.3.4 ~ x', 'vxshark: unexpected "~" at column 19; expected "and", "or" or the end of the filter'],
  ];
  for (const [filter, message] of bad) {
    it(`a bad filter '${filter}': exit 2, one line naming the column`, async () => {
      const r = await vxshark(['-r', CILIUM, '-Y', filter]);
      assert.equal(r.status, 2);
      const line = oneErrorLine(r);
      assert.match(line, / at column \d+/);
      assert.equal(line, message);
    });
  }
});

describe('vxshark -c, -t, -d', { concurrency: 4 }, () => {
  it('-c N stops after N packets read, whether or not the filter shows them (as tshark)', { skip: NO_CORPUS }, async () => {
    const all = tshark(VXLAN);
    const F = corpus(VXLAN);
    assert.deepEqual(await frames(['-r', F, '-c', '3']), [1, 2, 3]);
    for (const [filter, proto] of [
      ['icmp', ':icmp'],
      ['arp', ':arp'],
    ]) {
      const want = all
        .slice(0, 4)
        .filter((p) => protocols(p).includes(proto!))
        .map(frameNo);
      assert.deepEqual(await frames(['-r', F, '-c', '4', '-Y', filter!]), want);
    }
    assert.deepEqual(await frames(['-r', F, '-c', '1000']), all.map(frameNo));
  });

  it('-c on the samples: summary lines, -V trees', async () => {
    assert.equal(ok(await vxshark(['-r', CILIUM, '-c', '5'])).length, 5);
    assert.equal(ok(await vxshark(['-r', CILIUM, '-c', '2', '-V'])).filter((l) => /^Frame \d+:/.test(l)).length, 2);
  });

  it("-t e, r, d, dd: the epoch, relative and delta times of tshark's JSON", { skip: NO_CORPUS }, async () => {
    const want = tshark(VXLAN);
    const F = corpus(VXLAN);
    const column = async (args: string[]): Promise<string[]> => ok(await vxshark(['-r', F, ...args])).map(timeColumn);
    assert.deepEqual(
      await column(['-t', 'e']),
      want.map((p) => seconds(nanos(one(p, 'frame.time_epoch')))),
    );
    assert.deepEqual(
      await column(['-t', 'r']),
      want.map((p) => seconds(nanos(one(p, 'frame.time_relative')))),
    );
    assert.deepEqual(
      await column([]),
      want.map((p) => seconds(nanos(one(p, 'frame.time_relative')))),
    );
    assert.deepEqual(
      await column(['-t', 'd']),
      want.map((p) => seconds(nanos(one(p, 'frame.time_delta')))),
    );
    assert.deepEqual(
      await column(['-t', 'dd']),
      want.map((p) => seconds(nanos(one(p, 'frame.time_delta_displayed')))),
    );
    // With a filter, dd is the time since the previous packet shown, d since the previous packet read.
    const shown = want.filter((p) => protocols(p).includes(':icmp'));
    const epoch = (p: TsharkPacket): bigint => nanos(one(p, 'frame.time_epoch'));
    assert.deepEqual(
      await column(['-t', 'dd', '-Y', 'icmp']),
      shown.map((p, k) => seconds(k ? epoch(p) - epoch(shown[k - 1]!) : 0n)),
    );
    assert.deepEqual(
      await column(['-t', 'd', '-Y', 'icmp']),
      shown.map((p) => seconds(nanos(one(p, 'frame.time_delta')))),
    );
  });

  it('-t u, ud are UTC, a, ad local time (TZ=Etc/GMT-3 is UTC+3), from frame.time_epoch', { skip: NO_CORPUS }, async () => {
    const want = tshark(VXLAN);
    const epochs = want.map((p) => one(p, 'frame.time_epoch'));
    // tshark's own rendering of the UTC date and time, as a cross-check of the helper.
    assert.equal(one(want[0]!, 'frame.time'), 'May 18, 2013 20:21:44.837063000 UTC');
    assert.equal(clock(epochs[0]!, 0, true), '2013-05-18 20:21:44.837063');
    const column = async (t: string, tz: string): Promise<string[]> => ok(await vxshark(['-r', corpus(VXLAN), '-t', t], { env: { TZ: tz } })).map(timeColumn);
    for (const tz of ['UTC', 'Etc/GMT-3']) {
      assert.deepEqual(
        await column('u', tz),
        epochs.map((e) => clock(e, 0, false)),
        `-t u, TZ=${tz}`,
      );
      assert.deepEqual(
        await column('ud', tz),
        epochs.map((e) => clock(e, 0, true)),
        `-t ud, TZ=${tz}`,
      );
    }
    assert.deepEqual(
      await column('a', 'Etc/GMT-3'),
      epochs.map((e) => clock(e, 3 * 3600, false)),
    );
    assert.deepEqual(
      await column('ad', 'Etc/GMT-3'),
      epochs.map((e) => clock(e, 3 * 3600, true)),
    );
    assert.equal((await column('ad', 'Etc/GMT-3'))[0], '2013-05-18 23:21:44.837063');
  });

  it('-t e on a nanosecond pcap: all nine digits, as the records hold them', async () => {
    const { nano, records } = pcapFile(join(ROOT, NANO));
    assert.ok(nano);
    const got = ok(await vxshark(['-r', NANO, '-t', 'e'])).map(timeColumn);
    assert.deepEqual(
      got,
      records.map((r) => `${r.sec}.${String(r.frac).padStart(9, '0')}`),
    );
  });

  it('-t with an unknown format: exit 2, one line', async () => {
    const r = await vxshark(['-r', CILIUM, '-t', 'x']);
    assert.equal(r.status, 2);
    assert.equal(oneErrorLine(r), 'vxshark: invalid time format "x": use a, ad, u, ud, r, d, dd or e');
  });

  it('-d udp.port==9000,vxlan with --no-heuristics decodes a capture on port 9000; without -d it is plain UDP', async () => {
    const plain = ok(await vxshark(['-r', P9000, '--no-heuristics']));
    assert.equal(plain.length, 2);
    assert.match(plain[0]!, /^ +1 +0\.000000 192\.168\.10\.100 → 192\.168\.20\.100 UDP \d+ 50000 → 9000 /);
    assert.ok(plain.every((l) => !l.includes('VXLAN')));
    const decoded = ok(await vxshark(['-r', P9000, '--no-heuristics', '-d', 'udp.port==9000,vxlan']));
    assert.match(
      decoded[0]!,
      /^ +1 +0\.000000 192\.168\.10\.100 → 192\.168\.20\.100 VXLAN VNI 4242 │ 172\.20\.0\.10 → 172\.20\.2\.30 ICMP \d+ Echo \(ping\) request /,
    );
    assert.match(
      decoded[1]!,
      /^ +2 +0\.000500 192\.168\.20\.100 → 192\.168\.10\.100 VXLAN VNI 4243 │ 172\.20\.2\.30 → 172\.20\.0\.10 ICMP \d+ Echo \(ping\) reply /,
    );
    // -d before the file name: the file is not taken as a second -d value.
    assert.deepEqual(ok(await vxshark(['-d', 'udp.port==9000,vxlan', '--no-heuristics', P9000])), decoded);
    assert.deepEqual(ok(await vxshark(['-r', P9000, '--no-heuristics', '-d', 'udp.port==9000,vxlan', '-T', 'fields', '-e', 'vxlan.vni', '-e', 'ip.dst'])), [
      '4242\t192.168.20.100,172.20.2.30',
      '4243\t192.168.10.100,172.20.0.10',
    ]);
    assert.deepEqual(await frames(['-r', P9000, '--no-heuristics', '-Y', 'vxlan']), []);
    assert.deepEqual(await frames(['-r', P9000, '--no-heuristics', '-d', 'udp.port==9000,vxlan', '-Y', 'vxlan.vni == 4243']), [2]);
  });
});

describe('vxshark -w', { concurrency: 4 }, () => {
  /** Writes with -w, checks the run, and that the input did not change. */
  async function write(input: string, out: string, extra: string[]): Promise<void> {
    const before = sha256(join(ROOT, input));
    const r = await vxshark(['-r', input, ...extra, '-w', out]);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '', '-w prints nothing');
    assert.equal(sha256(join(ROOT, input)), before, 'the input is never modified');
  }

  it('a filtered pcap: the same frames, bytes and time stamps as the ones that matched', async () => {
    const out = fresh('pcap');
    const filter = 'tcp.flags.syn == 1 || dns';
    const matched = await frames(['-r', CILIUM, '-Y', filter]);
    assert.ok(matched.length >= 4);
    await write(CILIUM, out, ['-Y', filter]);
    const src = pcapFile(join(ROOT, CILIUM));
    const dst = pcapFile(out);
    assert.deepEqual([dst.nano, dst.linkType], [src.nano, src.linkType]);
    assert.deepEqual(
      dst.records,
      matched.map((n) => src.records[n - 1]!),
    );
    // Read back with vxshark: the same packets, numbered from 1.
    const fields = ['-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'ip.src', '-e', 'vxlan.vni', '-e', 'tcp.flags'];
    assert.deepEqual(ok(await vxshark(['-r', out, ...fields])), ok(await vxshark(['-r', CILIUM, '-Y', filter, ...fields])));
    assert.deepEqual(
      await frames(['-r', out]),
      matched.map((_, i) => i + 1),
    );
  });

  it(`${GENEVE} -Y 'geneve.vni == 0xb': the frames tshark's JSON names, byte for byte`, { skip: NO_CORPUS }, async () => {
    const want = tshark(GENEVE)
      .filter((p) => one(p, 'geneve.vni') === '0x00000b')
      .map(frameNo);
    const input = corpus(GENEVE);
    const before = sha256(input);
    const out = fresh('pcap');
    const r = await vxshark(['-r', input, '-Y', 'geneve.vni == 0xb', '-w', out]);
    assert.equal(r.status, 0, r.stderr);
    const src = pcapFile(input);
    assert.deepEqual(
      pcapFile(out).records,
      want.map((n) => src.records[n - 1]!),
    );
    assert.equal(sha256(input), before);
  });

  it('a nanosecond pcap stays nanosecond; -c N writes N packets', async () => {
    const out = fresh('pcap');
    await write(NANO, out, ['-c', '3']);
    const src = pcapFile(join(ROOT, NANO));
    const dst = pcapFile(out);
    assert.ok(dst.nano);
    assert.deepEqual(dst.records, src.records.slice(0, 3));
    assert.deepEqual(ok(await vxshark(['-r', out, '-t', 'e'])).map(timeColumn), ok(await vxshark(['-r', NANO, '-t', 'e', '-c', '3'])).map(timeColumn));
  });

  it('pcapng in, pcapng out: interface names and direction flags kept', async () => {
    const out = fresh('pcapng');
    await write(NG, out, ['-Y', 'icmp']);
    assert.equal(readFileSync(out).readUInt32LE(0), 0x0a0d0d0a, 'a pcapng section header');
    const fields = [
      '-T',
      'fields',
      '-e',
      'frame.interface_name',
      '-e',
      'frame.packet_flags_direction',
      '-e',
      'frame.time_epoch',
      '-e',
      'frame.len',
      '-e',
      'ip.src',
      '-e',
      'ip.ttl',
    ];
    const want = ok(await vxshark(['-r', NG, '-Y', 'icmp', ...fields]));
    assert.ok(want.length > 4);
    assert.deepEqual(ok(await vxshark(['-r', out, ...fields])), want);
    assert.ok(want.some((l) => l.startsWith('eth1\t1\t')) && want.some((l) => l.startsWith('eth0\t2\t')), 'both directions, several interfaces');
    // The summary lines name the interface and direction; the bytes are the same.
    const rest = (l: string): string => l.replace(/^ *\d+ +\S+ /, '');
    assert.deepEqual(ok(await vxshark(['-r', out])).map(rest), ok(await vxshark(['-r', NG, '-Y', 'icmp'])).map(rest));
    const dump = async (args: string[]): Promise<number[][]> => hexDumps(ok(await vxshark([...args, '-x']))).map((d) => d.flatMap((x) => x.bytes));
    assert.deepEqual(await dump(['-r', out]), await dump(['-r', NG, '-Y', 'icmp']));
    const info = JSON.parse(ok(await vxshark(['capinfo', '--json', out]))[0]!) as { format: string; interfaces: { name: string }[] };
    assert.equal(info.format, 'pcapng');
    assert.deepEqual(
      info.interfaces.map((i) => i.name),
      ['eth0', 'eth1', 'eth2'],
    );
  });

  for (const [input, filter] of [
    [CILIUM, 'tcp'],
    [NG, 'icmp'],
    [SLL2, 'tcp'],
  ] as const) {
    it(`tcpdump reads what -w wrote from ${input}: same packets, same -tt times`, { skip: NO_TCPDUMP }, async () => {
      const out = fresh(input.endsWith('ng') ? 'pcapng' : 'pcap');
      await write(input, out, ['-Y', filter]);
      const matched = await frames(['-r', input, '-Y', filter]);
      // One entry per packet: tcpdump prints a tunnel's inner packet on lines of its own.
      const tcpdump = (file: string): string[] => {
        const r = spawnSync('tcpdump', ['-n', '-tt', '-r', file], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        const entries: string[] = [];
        for (const l of lines(r.stdout)) {
          if (/^\d+\.\d{6} /.test(l)) entries.push(l);
          else entries[entries.length - 1] += `\n${l}`;
        }
        return entries;
      };
      const original = tcpdump(join(ROOT, input));
      const written = tcpdump(out);
      assert.equal(written.length, matched.length);
      assert.deepEqual(
        written,
        matched.map((n) => original[n - 1]!),
      );
      const epochs = ok(await vxshark(['-r', input, '-Y', filter, '-t', 'e'])).map(timeColumn);
      assert.deepEqual(
        written.map((l) => l.split(' ')[0]),
        epochs,
      );
    });
  }

  it('no packet matches: a valid capture with no packets', async () => {
    const out = fresh('pcap');
    await write(CILIUM, out, ['-Y', 'ip.src == 10.9.9.9']);
    assert.equal(readFileSync(out).length, 24);
    assert.deepEqual(ok(await vxshark(['-r', out])), []);
  });

  it('refuses to overwrite an existing file (exit 1, one line) and leaves it alone', async () => {
    const out = fresh('pcap');
    writeFileSync(out, 'precious\n');
    for (const filter of [[], ['-Y', 'ip.src == 10.9.9.9']]) {
      const r = await vxshark(['-r', CILIUM, ...filter, '-w', out]);
      assert.equal(r.status, 1);
      assert.equal(oneErrorLine(r), `vxshark: ${out}: already exists; vxshark does not overwrite files (remove it or choose another name)`);
      assert.equal(readFileSync(out, 'utf8'), 'precious\n');
    }
  });

  it('-w naming the input itself: refused, the input unchanged', async () => {
    const input = join(tmp, 'input-copy.pcap');
    writeFileSync(input, readFileSync(join(ROOT, CILIUM)));
    const before = sha256(input);
    const r = await vxshark(['-r', input, '-w', input]);
    assert.equal(r.status, 1);
    assert.match(oneErrorLine(r), /already exists/);
    assert.equal(sha256(input), before);
  });

  it('-w into a directory that does not exist: exit 1, one line naming the file', async () => {
    const out = join(tmp, 'no-such-dir', 'out.pcap');
    const r = await vxshark(['-r', CILIUM, '-w', out]);
    assert.equal(r.status, 1);
    assert.equal(oneErrorLine(r), `vxshark: ${out}: cannot write (no such file)`);
    assert.ok(!existsSync(out));
  });

  it('-w - writes the filtered capture to standard output, readable by the reader again', async () => {
    const r = spawnSync(process.execPath, [...CLI_ARGV, '-r', CILIUM, '-Y', 'icmp', '-w', '-'], { cwd: ROOT, encoding: 'buffer' });
    assert.equal(r.status, 0, r.stderr.toString());
    const written = pcapFile(r.stdout).records;
    const icmp = ok(await vxshark(['-r', CILIUM, '-Y', 'icmp', '-T', 'fields', '-e', 'frame.number']));
    assert.equal(written.length, icmp.length);
    const originals = pcapFile(join(ROOT, CILIUM)).records;
    written.forEach((rec, i) => assert.deepEqual(rec.data, originals[Number(icmp[i]) - 1]!.data));
  });
});

describe('vxshark -r - (standard input)', { concurrency: 4 }, () => {
  for (const file of [CILIUM, NG, SLL2, NANO]) {
    it(`cat ${file} | vxshark -r - prints what vxshark -r ${file} prints`, async () => {
      const direct = ok(await vxshark(['-r', file, '-t', 'e']));
      assert.deepEqual(ok(await vxshark(['-r', '-', '-t', 'e'], { stdin: readFileSync(join(ROOT, file)) })), direct);
      assert.deepEqual(ok(await vxshark(['-', '-t', 'e'], { stdin: readFileSync(join(ROOT, file)) })), direct);
    });
  }

  it('-r - with a filter and -T fields', async () => {
    const args = ['-Y', 'icmp', '-T', 'fields', '-e', 'frame.number', '-e', 'ip.src'];
    assert.deepEqual(ok(await vxshark(['-r', '-', ...args], { stdin: readFileSync(join(ROOT, CILIUM)) })), ok(await vxshark(['-r', CILIUM, ...args])));
  });

  it('empty standard input: exit 1, one line', async () => {
    const r = await vxshark(['-r', '-']);
    assert.equal(r.status, 1);
    assert.equal(oneErrorLine(r), 'vxshark: standard input: empty file, not a capture');
  });
});

describe('vxshark -r BIG | head -1', () => {
  for (const extra of [[], ['-V'], ['-T', 'json'], ['-T', 'fields', '-e', 'ip.src']]) {
    it(`${['-r', 'BIG', ...extra].join(' ')}: stops quietly when the reader goes away`, { timeout: 120_000 }, () => {
      const err = join(tmp, `epipe-${extra.join('')}.err`);
      const rc = join(tmp, `epipe-${extra.join('')}.rc`);
      // vxshark's own stderr and exit status, from inside a real shell pipeline.
      const script = `{ "$0" ${CLI_ARGV.join(' ')} -r "$1" ${extra.map((a) => `'${a}'`).join(' ')}; echo $? >"$RC"; } 2>"$ERR" | head -1`;
      const env: NodeJS.ProcessEnv = { ...process.env, RC: rc, ERR: err };
      delete env.VXSHARK_DEBUG;
      const r = spawnSync('sh', ['-c', script, process.execPath, BIG], { cwd: ROOT, encoding: 'utf8', env, timeout: 100_000 });
      assert.equal(r.error, undefined, 'the pipeline finished');
      assert.equal(r.status, 0);
      assert.equal(lines(r.stdout).length, 1);
      assert.ok(r.stdout.length > 0 && r.stdout.length < 4096);
      const stderr = readFileSync(err, 'utf8');
      assert.ok(!/\n\s+at |Error|internal error/.test(stderr), `no stack trace: ${stderr}`);
      assert.equal(stderr, '');
      assert.equal(readFileSync(rc, 'utf8').trim(), '0');
    });
  }

  it('the big capture is what it claims', async () => {
    assert.deepEqual(
      ok(await vxshark(['capinfo', '--json', BIG])).map((l) => (JSON.parse(l) as { packets: number }).packets),
      [BIG_PACKETS],
    );
  });
});

describe('vxshark --color', { concurrency: 4 }, () => {
  const ESC = '\u001b[';
  const noColorEnv = { NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm-256color' };

  it('always: ANSI sequences around the tunnel and the protocol; never: none', async () => {
    const always = await vxshark(['-r', CILIUM, '--color', 'always'], { env: noColorEnv });
    assert.equal(always.status, 0);
    assert.ok(always.stdout.includes(ESC));
    assert.ok(
      lines(always.stdout).every((l) => l.includes('\u001b[36m192.168.')),
      'each tunnel part is coloured',
    );
    const never = await vxshark(['-r', CILIUM, '--color', 'never'], { env: noColorEnv });
    assert.ok(!never.stdout.includes('\u001b'));
    // The text is the same without the sequences.
    assert.equal(always.stdout.replace(/\u001b\[[0-9;]*m/g, ''), never.stdout);
  });

  it('auto (the default) on a pipe: none; NO_COLOR=1: none', async () => {
    for (const args of [['--color', 'auto'], []]) {
      const r = await vxshark(['-r', CILIUM, ...args], { env: noColorEnv });
      assert.equal(r.status, 0);
      assert.ok(!r.stdout.includes('\u001b'), `${args.join(' ')}: no escape on a pipe`);
      const n = await vxshark(['-r', CILIUM, ...args], { env: { ...noColorEnv, NO_COLOR: '1' } });
      assert.ok(!n.stdout.includes('\u001b'));
    }
  });

  const NO_SCRIPT = onPath('script') && process.platform === 'linux' ? false : 'needs util-linux script for a pseudo-terminal';
  it('auto on a terminal: colour, unless NO_COLOR=1 or TERM=dumb', { skip: NO_SCRIPT }, () => {
    const q = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;
    const onTty = (env: Record<string, string | undefined>): string => {
      const cmd = [process.execPath, ...CLI_ARGV, '-r', CILIUM, '-c', '3'].map(q).join(' ');
      const e = { ...process.env, ...env };
      for (const k of Object.keys(env)) if (env[k] === undefined) delete e[k];
      const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, env: e, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /VXLAN VNI 32001/);
      return r.stdout;
    };
    assert.ok(onTty(noColorEnv).includes(ESC), 'colour on a terminal');
    assert.ok(!onTty({ ...noColorEnv, NO_COLOR: '1' }).includes('\u001b'), 'NO_COLOR=1');
    assert.ok(!onTty({ ...noColorEnv, TERM: 'dumb' }).includes('\u001b'), 'TERM=dumb');
    assert.ok(onTty({ ...noColorEnv, NO_COLOR: '1' }).length > 0);
  });
});

describe('vxshark -i (live capture)', { concurrency: 2 }, () => {
  it('no tcpdump or dumpcap on PATH: exit 1, one line saying it needs one', async () => {
    const empty = join(tmp, 'empty-path');
    mkdirSync(empty, { recursive: true });
    for (const args of [
      ['-i', 'lo'],
      ['-i', 'lo', '-f', 'icmp', '-c', '2'],
      ['-i', 'lo', '-i', 'eth0'],
    ]) {
      const r = await vxshark(args, { env: { PATH: empty } });
      assert.equal(r.status, 1);
      assert.equal(oneErrorLine(r), 'vxshark: live capture needs tcpdump or dumpcap, and neither is installed (apt-get install tcpdump)');
    }
  });

  it('a device that does not exist: exit 1, one line naming it', { skip: NO_TCPDUMP }, async () => {
    const r = await vxshark(['-i', 'nosuchif0'], { timeout: 60_000 });
    assert.equal(r.status, 1);
    assert.match(oneErrorLine(r), /^vxshark: (tcpdump|dumpcap) could not capture: .*nosuchif0/);
  });

  it('a bad capture filter (or no permission): exit 1, one line from the capture tool', { skip: NO_TCPDUMP }, async () => {
    const r = await vxshark(['-i', 'lo', '-f', 'bogus((('], { timeout: 60_000 });
    assert.equal(r.status, 1);
    assert.match(oneErrorLine(r), /^vxshark: (tcpdump|dumpcap) could not capture: /);
  });

  it('-i together with a capture file is a usage error (exit 2)', async () => {
    for (const args of [
      ['-i', 'lo', CILIUM],
      ['-i', 'lo', '-r', CILIUM],
      [CILIUM, '-i', 'lo'],
      ['-r', '-', '-i', 'lo'],
    ]) {
      const r = await vxshark(args);
      assert.equal(r.status, 2, args.join(' '));
      assert.equal(oneErrorLine(r), 'vxshark: give either a capture file or -i INTERFACE, not both');
    }
  });

  const liveSkip =
    process.platform !== 'linux'
      ? 'live capture test needs Linux'
      : process.getuid?.() !== 0
        ? 'live capture test needs root'
        : !HAVE_TCPDUMP
          ? 'live capture test needs tcpdump'
          : !onPath('ping')
            ? 'live capture test needs ping'
            : false;
  it('root with tcpdump: -i lo -f icmp -c 2 while pinging 127.0.0.1 prints 2 ICMP lines', { skip: liveSkip, timeout: 60_000 }, async () => {
    const run = vxshark(['-i', 'lo', '-f', 'icmp', '-c', '2'], { timeout: 45_000 });
    // Loopback only, a few pings a second until vxshark has its two packets.
    const ping = spawn('ping', ['-n', '-i', '0.2', '-c', '200', '127.0.0.1'], { stdio: 'ignore' });
    let r: RunResult;
    try {
      r = await run;
    } finally {
      ping.kill('SIGTERM');
    }
    assert.equal(r.signal, null, 'finished by itself');
    const got = ok(r);
    assert.equal(got.length, 2, r.stdout);
    for (const l of got) assert.match(l, /^ +[12] +\S+ 127\.0\.0\.1 → 127\.0\.0\.1 ICMP \d+ Echo \(ping\) (request|reply)/);
  });
});

describe('every error is one line on stderr, with the right exit status', { concurrency: 4 }, () => {
  const cases: [what: string, args: string[], status: number, message: RegExp][] = [
    ['a missing file', ['-r', 'samples/nope.pcap'], 1, /^vxshark: samples\/nope\.pcap: no such file$/],
    ['a text file', ['-r', 'README.md'], 1, /^vxshark: README\.md: a text file, not a pcap or pcapng capture$/],
    ['a directory', ['-r', 'samples'], 1, /^vxshark: samples: is a directory/],
    ['a missing file, positional', ['samples/nope.pcap'], 1, /no such file$/],
    ['no input at all', [], 2, /^vxshark: no capture file given/],
    ['-r without a value', ['-r'], 2, /^vxshark: Not enough arguments following: r$/],
    ['-Y without a value', ['-r', CILIUM, '-Y'], 2, /following: Y$/],
    ['-e without a value', ['-r', CILIUM, '-T', 'fields', '-e'], 2, /following: e$/],
    ['-c 0', ['-r', CILIUM, '-c', '0'], 2, /^vxshark: invalid packet count "0": expected a positive whole number$/],
    ['-c abc', ['-r', CILIUM, '-c', 'abc'], 2, /invalid packet count "abc"/],
    ['-T xml', ['-r', CILIUM, '-T', 'xml'], 2, /^vxshark: Invalid values: .*Given: "xml"/],
    ['-T without a value', ['-r', CILIUM, '-T'], 2, /following: T$/],
    ['--color bogus', ['-r', CILIUM, '--color', 'bogus'], 2, /^vxshark: Invalid values: .*"bogus"/],
    ['-T fields without -e', ['-r', CILIUM, '-T', 'fields'], 2, /^vxshark: -T fields needs at least one -e FIELD$/],
    ['a bad -E', ['-r', CILIUM, '-T', 'fields', '-e', 'ip.src', '-E', 'foo=1'], 2, /^vxshark: invalid -E option "foo=1"/],
    ['a bad -d', ['-r', CILIUM, '-d', 'udp.port=9000'], 2, /^vxshark: invalid decode-as "udp\.port=9000"/],
    ['-d with an unknown protocol', ['-r', CILIUM, '-d', 'udp.port==9000,nope'], 2, /^vxshark: unknown protocol "nope" in decode-as/],
    ['a bad --ifname', ['-r', SLL2, '--ifname', 'x'], 2, /^vxshark: invalid --ifname "x"/],
    ['a missing --ip-link file', ['-r', SLL2, '--ip-link', 'samples/nope.txt'], 1, /^vxshark: samples\/nope\.txt: cannot read/],
    ['an --ip-link file with no interfaces', ['-r', SLL2, '--ip-link', 'README.md'], 1, /^vxshark: README\.md: no interfaces found/],
    ['an unknown option', ['-r', CILIUM, '--bogus'], 2, /^vxshark: unknown option --bogus$/],
    ['an unknown field', ['-r', CILIUM, '-T', 'fields', '-e', 'vxlan.vnix'], 2, /did you mean vxlan\.vni\?$/],
    ['a bad filter', ['-r', CILIUM, '-Y', 'vxlan.vni =='], 2, / at column \d+$/],
    ['a live capture and a file', ['-i', 'lo', CILIUM], 2, /not both$/],
  ];
  for (const [what, args, status, message] of cases) {
    it(`${what}: exit ${status}`, async () => {
      const r = await vxshark(args);
      assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
      assert.match(oneErrorLine(r), message);
    });
  }

  it('repeatable options (-d, --ifname, -e, -E, -i) take one value each and leave the file to the command', async () => {
    assert.equal(oneErrorLine(await vxshark(['-i', 'lo', CILIUM])), 'vxshark: give either a capture file or -i INTERFACE, not both');
    assert.deepEqual(ok(await vxshark(['-T', 'fields', '-e', 'frame.number', '-E', 'header=y', CILIUM, '-c', '1'])), ['frame.number', '1']);
    // The analysis commands share -d and --ifname.
    const tunnels = ok(await vxshark(['tunnels', '-d', 'udp.port==9000,vxlan', '--no-heuristics', P9000]));
    assert.ok(
      tunnels.some((l) => /VXLAN +9000 +4242 +192\.168\.10\.100 → 192\.168\.20\.100/.test(l)),
      tunnels.join('\n'),
    );
    const hops = JSON.parse(ok(await vxshark(['hops', '--ifname', '2=eth0', '--ifname', '3=eth1', SLL2, '--json'])).join('\n')) as {
      paths: { ingress: string; egress: string }[];
    };
    assert.ok(hops.paths.some((p) => p.ingress === 'eth1' && p.egress === 'eth0'));
  });

  it('a link type no dissector decodes: its packets as data, one warning per link type, exit 0', async () => {
    const file = join(tmp, 'user0.pcap');
    writeFileSync(
      file,
      buildPcap(
        [1, 2, 3].map((n) => ({ tsSec: n, tsFrac: 0, data: filler(40) })),
        { linkType: 147 },
      ),
    );
    for (const args of [
      ['-r', file],
      ['alerts', file],
    ]) {
      const r = await vxshark(args);
      assert.equal(r.status, 0);
      assert.equal(r.stderr, `vxshark: ${file}: link type 147 is not decoded: its packets are shown as data and are not analysed\n`);
    }
    assert.equal(lines((await vxshark(['-r', file])).stdout).filter((l) => / Data 40 40 bytes$/.test(l)).length, 3);
    assert.equal((await vxshark(['-r', CILIUM])).stderr, '', 'Ethernet is decoded: no warning');
  });

  it('a capture cut short: the packets before the damage, then one line naming where, exit 1 (tshark exits 2)', async () => {
    const bytes = readFileSync(join(ROOT, CILIUM));
    const cut = join(tmp, 'cut.pcap');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
    const r = await vxshark(['-r', cut]);
    assert.equal(r.status, 1);
    assert.equal(lines(r.stdout).length, 35);
    const warning = r.stderr.split('\n').filter((l) => l !== '');
    assert.equal(warning.length, 1);
    assert.match(warning[0]!, /^vxshark: .*cut\.pcap: truncated at byte \d+/);
  });
});
