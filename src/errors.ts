// Every message vxshark shows a user is written here, so wording stays consistent and
// each layer can raise errors without knowing how the command line prints them.
import { grouped } from './text/grouped.js';

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;
export const EXIT_ALERTS = 3;

export type ErrorKind = 'input' | 'usage';

export class VxError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string) {
    super(message);
    this.kind = kind;
    this.name = 'VxError';
  }
  get exitCode(): number {
    return this.kind === 'usage' ? EXIT_USAGE : EXIT_INPUT;
  }
}

// ---------------------------------------------------------------- I/O failures
// Every failed read or write of a file or standard stream becomes one VxError through
// ioError, whichever module did the I/O: the user sees `vxshark: FILE: cannot write (no
// space left on device)`, never a stack. Writers pass the stream's role ('-' as an output
// is standard output, as an input standard input).

const IO_REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOENT: 'no such file',
  EPIPE: 'the reading end of the pipe was closed',
  ECONNRESET: 'the connection was reset',
  EIO: 'input/output error',
  ENXIO: 'no such device',
  ENODEV: 'no such device',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENOMEM: 'out of memory',
  ETXTBSY: 'the file is busy',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'file name too long',
  EINVAL: 'invalid argument',
  ESPIPE: 'cannot seek (a pipe or device)',
  EAGAIN: 'would block',
};

/** Whether `e` is an operating-system error (it has an errno code such as ENOSPC). */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code!);
}

/** The reason an operating-system error gives, in words ("no space left on device"). */
export function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code && IO_REASONS[code]) return IO_REASONS[code]!;
  return code ?? String((e as Error | undefined)?.message ?? e);
}

/** How a file or standard stream is named in a message. */
export function streamName(name: string, access: 'read' | 'write'): string {
  if (name === '-' || name === '/dev/stdin' || name === '/dev/stdout') return access === 'read' ? 'standard input' : 'standard output';
  return name;
}

/** One I/O failure as the error the command line prints: `FILE: cannot read (permission denied)`. */
export function ioError(e: unknown, name: string, access: 'read' | 'write'): VxError {
  if (e instanceof VxError) return e;
  const reason = ioReason(e);
  return new VxError('input', `${streamName(name, access)}: ${access === 'read' ? msg.unreadable(reason) : msg.unwritable(reason)}`);
}

const hex32 = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');

export const msg = {
  // opening files
  // Messages about one input; the loader puts the input's name in front of them.
  missingFile: () => `no such file`,
  isDirectory: () => `is a directory, not a capture file`,
  unreadable: (why: string) => `cannot read (${why})`,
  changedWhileRead: () => 'the capture changed while it was being read (two threads read different frames); set VXSHARK_PRINT_THREADS=1 to read it once',
  printThreadFailed: (why: string) => `internal error in the printing thread: ${why} (please report this with the capture that caused it)`,
  emptyFile: () => `empty file, not a capture`,
  tooShort: (size: number) => `only ${size} bytes, too short to be a pcap or pcapng file`,
  notCapture: (looksLikeText: boolean) => (looksLikeText ? `a text file, not a pcap or pcapng capture` : `not a pcap or pcapng capture (unknown magic number)`),
  compressed: (what: string) =>
    `${what}, not a pcap or pcapng capture (decompress it first${what === 'gzip-compressed' ? '' : '; vxshark reads gzip-compressed captures directly'})`,
  unknownMagic: (magic: number) => `not a capture: unknown magic ${hex32(magic)}`,
  gzipDamaged: (why: string) => `the gzip compression is damaged or cut short (${why})`,
  unsupportedMagic: (magic: number, what: string) => `unsupported capture format: ${what} (magic ${hex32(magic)})`,

  // classic pcap
  pcapVersion: (major: number, minor: number) => `unsupported pcap version ${major}.${minor}`,
  pcapReservedLinkType: (field: number) => `pcap link-type field has reserved bits set (${hex32(field)})`,
  recordTooLong: (offset: number, length: number, limit: number) =>
    `record at byte ${offset} claims ${length} captured bytes, more than the limit of ${limit}: the file is corrupt`,

  // pcapng
  pcapngVersion: (major: number, minor: number) => `unsupported pcapng version ${major}.${minor}`,
  pcapngFirstBlock: (type: number) => `pcapng file does not start with a Section Header Block (found block type ${hex32(type)})`,
  pcapngBadMagic: (offset: number) => `section header at byte ${offset} has no valid byte-order magic`,
  blockLength: (offset: number, length: number) => `block at byte ${offset} has an invalid total length ${length}`,
  blockLengthMismatch: (offset: number, head: number, tail: number) =>
    `block at byte ${offset}: total length ${head} in its header but ${tail} in its trailer; reading stopped`,
  blockBodyOverrun: (offset: number, what: string) => `block at byte ${offset}: ${what} runs past the end of the block`,
  optionOverrun: (offset: number, code: number, length: number) => `block at byte ${offset}: option ${code} of length ${length} runs past the end of the block`,
  unknownInterface: (offset: number, id: number) => `packet block at byte ${offset} refers to interface ${id}, which no Interface Description Block defines`,
  simplePacketTooShort: (offset: number, need: number, room: number) =>
    `simple packet block at byte ${offset} holds ${room} bytes of packet data, not the ${need} its packet length and the interface's snaplen call for`,
  packetBeforeIdb: (offset: number) => `packet block at byte ${offset} comes before any Interface Description Block`,
  badTsresol: (offset: number, value: number) =>
    `interface block at byte ${offset} has an implausible time resolution byte 0x${value.toString(16)}; its packets were read, their time stamps are likely wrong`,
  badTsoffset: (offset: number, value: bigint) =>
    `interface block at byte ${offset} has an implausible time offset (if_tsoffset ${value} s); it was ignored, time stamps are as recorded`,
  sectionSkipped: (offset: number, major: number, minor: number) =>
    `section at byte ${offset} has unsupported version ${major}.${minor}; its blocks were skipped`,

  // common record problems (warnings; truncation is an error, with every packet before it kept)
  truncated: (offset: number, need: number, have: number) =>
    `truncated at byte ${offset}: the last record needs ${need} bytes but only ${have} remain; every complete packet before it was kept`,
  pcapMinorVersion: (major: number, minor: number) => `pcap version ${major}.${minor} is not standard; read as 2.4`,
  invalidFraction: (frame: number, frac: number, unit: string) => `frame ${frame}: fractional time stamp ${frac} is not a valid number of ${unit}`,
  capLenOverSnaplen: (frames: number) => `${frames} record(s) claim more captured bytes than the snaplen`,

  linkTypeNotDecoded: (linkType: number, name: string) =>
    `${name === `link type ${linkType}` ? name : `${name} (link type ${linkType})`} is not decoded: its packets are shown as data and are not analysed`,
  inInput: (name: string, message: string) => `${name === '-' ? 'standard input' : name}: ${message}`,
  inOutput: (name: string, message: string) => `${name === '-' ? 'standard output' : name}: ${message}`,

  unwritable: (why: string) => `cannot write (${why})`,
  writeStdoutAndPrint: () => `-w - writes the capture to standard output, so it cannot be combined with -P`,
  outputExists: () => `already exists; vxshark does not overwrite files (remove it or choose another name)`,

  // standard input
  stdinIsTerminal: () => `standard input is a terminal; pipe a capture into it (tcpdump -w - | vxshark -r -)`,
  spoolFailed: (why: string) => `cannot spool standard input to a temporary file (${why})`,

  // frame access
  frameOutOfRange: (n: number, count: number) => `frame ${n} does not exist (the capture has ${count})`,
  frameReadShort: (n: number) => `frame ${n} could not be read completely; did the file change?`,

  // dissection options
  badDecodeAs: (text: string) => `invalid decode-as "${text}": expected TABLE==PORT,PROTOCOL such as udp.port==8472,vxlan`,
  unknownDecodeAsProtocol: (proto: string, known: string[]) => `unknown protocol "${proto}" in decode-as; known: ${known.join(', ')}`,

  // option files (--ip-link, --ip-route)
  textInputTooLarge: (limit: number) => `larger than ${limit / (1024 * 1024)} MB; expected a small text file (the output of "ip link" or "ip route")`,
  textInputBinary: () => `not a text file (it holds NUL bytes or invalid UTF-8); expected the output of "ip link" or "ip route"`,

  // interface names
  ownMacUndecided: (host: string, iface: string) =>
    `two MACs are on most frames${iface ? ` of ${iface}` : ''} (a link between two hosts): which frames ${host} sent cannot be told, and the journeys there have no direction; give --ip-link ${host}=FILE or --ip-route ${host}=FILE`,
  noIpLinkEntries: () => `no interfaces found; expected the output of "ip -o link", "ip link" or "ip -j link"`,
  badIfname: (text: string) => `invalid --ifname "${text}": expected INDEX=NAME such as 28=eth1`,

  // live capture
  liveNoTool: () => `live capture needs tcpdump or dumpcap, and neither is installed (apt-get install tcpdump)`,
  liveOneInterface: () => `tcpdump captures one interface at a time; use -i any, or install dumpcap for several`,
  liveFailed: (tool: string, why: string) => `${tool.split('/').pop()} could not capture: ${why.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')}`,
  liveBadInterface: (name: string) =>
    `invalid interface name "${name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 80)}": expected a name such as eth0, any or cilium_vxlan`,
  liveBadFilter: (filter: string) =>
    `invalid capture filter "${filter.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 80)}": expected a BPF expression such as "udp port 8472" (not starting with "-")`,
  liveAndFile: () => `give either a capture file or -i INTERFACE, not both`,

  // command line
  unknownField: (name: string, suggestion: string | undefined) => `unknown field "${name}"${suggestion ? `; did you mean ${suggestion}?` : ''}`,
  badTimeFormat: (text: string) => `invalid time format "${text}": use a, ad, u, ud, r, d, dd or e`,
  badFieldOption: (text: string) => `invalid -E option "${text}": use header=y|n, separator=CHAR, occurrence=f|l|a|N, aggregator=CHAR`,
  badCount: (text: string) => `invalid packet count "${text}": expected a positive whole number`,
  fieldsNeedE: () => `-T fields needs at least one -e FIELD`,
  badStatistic: (text: string) =>
    `invalid -z "${text}": vxshark knows conv,ip|ipv6|tcp|udp, endpoints,ip|ipv6|tcp|udp, io,phs, io,stat,INTERVAL[,FILTER]... and follow,tcp|udp,MODE,STREAM`,
  badFollow: (text: string) =>
    `invalid -z "${text}": use follow,tcp|udp,ascii|hex|raw|yaml,STREAM[,RANGE] with STREAM a stream number (tcp.stream) or two endpoints ADDR:PORT,ADDR:PORT`,
  followMode: (mode: string, modes: readonly string[]) => `-z follow: unknown mode "${mode}" (vxshark shows ${modes.join(', ')})`,
  followAddress: (text: string) => `invalid -z "${text}": endpoints are ADDR:PORT,ADDR:PORT, with an IPv6 address in brackets ([fd00::1]:80)`,
  followRange: (text: string) => `invalid -z "${text}": the range is a chunk number or FIRST-LAST, counted from 1`,
  badIoStat: (text: string) =>
    `invalid -z "${text}": use io,stat,INTERVAL[,FILTER]... with INTERVAL in seconds (0 for the whole capture) and no trailing comma`,
  ioStatFilter: (filter: string, why: string) => `-z io,stat column "${filter}": ${why}`,
  ioStatIntervalTooSmall: () => `the -z io,stat interval must be at least 0.000001 seconds, or 0 for the whole capture`,
  ioStatCalculation: (column: string) =>
    `-z io,stat column "${column}": calculated columns (COUNT, SUM, MIN, MAX, AVG, LOAD, FRAMES, BYTES) are not supported; give display filters, each column counts the frames and bytes that match`,
  eNeedsFields: () => `output fields were specified with -e, but -T fields was not (tshark says the same)`,
  twoPassRefused: () =>
    `-2 (two-pass analysis) is not supported: vxshark reads once, in capture order, and computes stream fields (tcp.stream, relative tcp.seq, tcp.analysis.*) on that pass as tshark does without -2`,
  noInput: (command?: string) =>
    `no capture file given (usage: vxshark ${command ? `${command} ` : ''}FILE${command ? `; see vxshark help ${command}` : ', or -i INTERFACE; see vxshark --help'})`,
  unknownCommand: (word: string, suggestion: string | undefined) =>
    `unknown command "${word}"${suggestion ? `; did you mean "${suggestion}"?` : ''} (vxshark --help lists the commands)`,
  unknownCommandBeforeFile: (word: string, file: string) =>
    `unknown command "${word}"; vxshark ${file} opens it in the terminal UI (vxshark --help lists the commands)`,
  unknownOption: (word: string, suggestion: string | undefined) =>
    `unknown option ${word.length === 1 ? '-' : '--'}${word}${suggestion ? `; did you mean ${suggestion}?` : ''}`,

  // display filters
  // Each message names the 1-based column of the problem so a UI can point at it.
  filterUnknownField: (name: string, column: number, suggestion: string | undefined) =>
    `unknown field "${name}" at column ${column}${suggestion ? `; did you mean ${suggestion}?` : ''}`,
  filterExpectedValue: (op: string, column: number) => `expected a value after "${op}" at column ${column}`,
  filterExpectedField: (after: string | undefined, column: number) =>
    after === undefined ? `expected a field or "(" at column ${column}` : `expected a field or "(" after "${after}" at column ${column}`,
  filterNotAField: (text: string, column: number) => `"${text}" at column ${column} is not a field or protocol name`,
  filterUnclosedParen: (column: number) => `unbalanced parentheses: "(" at column ${column} is never closed`,
  filterUnopenedParen: (column: number) => `unbalanced parentheses: ")" at column ${column} has no matching "("`,
  filterUnknownOperator: (op: string, column: number, suggestion: string | undefined) =>
    `unknown operator "${op}" at column ${column}${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
  filterUnexpected: (text: string, column: number) => `unexpected "${text}" at column ${column}; expected "and", "or" or the end of the filter`,
  filterUnexpectedChar: (ch: string, column: number) => `unexpected character "${ch}" at column ${column}`,
  filterUnterminatedString: (column: number) => `unterminated string starting at column ${column}`,
  filterBadEscape: (text: string, column: number) => `invalid escape "${text}" at column ${column}`,
  filterBadChar: (text: string, column: number) => `invalid character constant ${text} at column ${column}`,
  filterInNeedsBraces: (column: number) => `expected "{" after "in" at column ${column}; write a set as {80, 443} or {8000..8080}`,
  filterUnclosedSet: (column: number) => `the set "{" at column ${column} is never closed with "}"`,
  filterEmptySet: (column: number) => `empty set at column ${column}`,
  filterUnexpectedInSet: (text: string, column: number) => `unexpected "${text}" at column ${column} in a set; expected values separated by commas`,
  filterBadRange: (text: string, column: number) => `invalid range "${text}" at column ${column}; expected LOW..HIGH such as 8000..8080`,
  filterBadLayer: (text: string, column: number) =>
    `invalid layer "${text}" at column ${column}; use #1 for the outermost, #2 for the next, #-1 for the innermost, or a range #[1-2]`,
  filterBadSlice: (text: string, column: number) =>
    `invalid slice "${text}" at column ${column}; expected [OFFSET:LENGTH], [FIRST-LAST], [OFFSET], [:LENGTH] or [OFFSET:], such as eth.src[0:3]`,
  filterSliceSelectsNothing: (text: string, column: number, why: string) => `the slice "${text}" at column ${column} selects nothing: ${why}`,
  filterUnclosedSlice: (column: number) => `the slice "[" at column ${column} is never closed with "]"`,
  filterSliceOnRight: (column: number) => `a slice can only be on the left of a comparison (column ${column}); compare it with bytes such as 00:16:3e`,
  filterNotSliceable: (field: string, kind: string, column: number) => `${field} is ${kind} and cannot be sliced into bytes (column ${column})`,
  filterLayerTwice: (column: number) => `only one of inner., outer. and #N may select the layer (column ${column})`,
  filterBadIpv4: (text: string, column: number) => `invalid IPv4 address "${text}" at column ${column}`,
  filterBadIpv6: (text: string, column: number) => `invalid IPv6 address "${text}" at column ${column}`,
  filterBadPrefix: (text: string, column: number, max: number) => `invalid prefix length in "${text}" at column ${column}; expected /0 to /${max}`,
  filterBadMac: (text: string, column: number) =>
    `invalid MAC address "${text}" at column ${column}; expected 6 bytes such as aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or aabb.ccdd.eeff`,
  filterBadBytes: (text: string, column: number) => `invalid byte string "${text}" at column ${column}; expected hex bytes such as 0a:1b:2c`,
  filterBadRegex: (pattern: string, column: number, why: string) => `invalid regular expression "${pattern}" at column ${column}: ${why}`,
  filterRegexNeedsQuotes: (column: number) => `"matches" needs a double-quoted regular expression at column ${column}`,
  filterTypeMismatch: (field: string, kind: string, text: string, column: number) => `${field} is ${kind}; "${text}" is not (column ${column})`,
  filterOperatorType: (op: string, field: string, kind: string, column: number) => `"${op}" cannot be used with ${field}, which is ${kind} (column ${column})`,
  filterPrefixNeedsEquality: (text: string, column: number) => `the prefix "${text}" at column ${column} can only be compared with == or != or used in a set`,
  filterFieldTypes: (a: string, aKind: string, b: string, bKind: string, column: number) =>
    `cannot compare ${a} (${aKind}) with ${b} (${bKind}) at column ${column}`,

  // terminal UI
  uiNeedsTerminal: () => `the terminal UI needs a terminal, but standard output is not one (use -r FILE to print packets instead)`,
  uiNoKeyboard: (why: string) => `standard input carries the capture, so the keyboard is read from /dev/tty, which cannot be opened (${why})`,
  uiUnknownCommand: (cmd: string) =>
    `unknown command "${cmd}"; try goto N, filter TEXT, decode udp.port==9000 vxlan, column add FIELD, copy FILE, help or quit`,
  uiGotoUsage: () => `usage: goto N (a frame number)`,
  uiNoSuchFrame: (n: number, count: number) => `frame ${n} does not exist (the capture has ${count} so far)`,
  uiFrameFiltered: (n: number) => `frame ${n} is hidden by the display filter; clear it with / then Esc on an empty filter`,
  uiDecodeUsage: () => `usage: decode TABLE==PORT PROTOCOL (or none), e.g. decode udp.port==9000 vxlan`,
  uiDecodeRefused: (proto: string, table: string, where: string) => `decode refused: ${proto} runs over ${where || 'no port or protocol table'}, not ${table}`,
  uiDecodeRemoved: (rule: string, n: number) =>
    n ? `${rule} is decoded by the default rules again; every packet was dissected again` : `no decode rule of yours covers ${rule}`,
  uiDecodeApplied: (rule: string, proto: string) => `${rule} is now decoded as ${proto}; every packet was dissected again`,
  uiFilterDone: (shown: number, total: number, ms: number) => `filter matched ${grouped(shown)} of ${grouped(total)} packets in ${Math.round(ms)} ms`,
  uiFilterCancelled: () => `filter stopped; the previous one is back`,
  uiFilterCleared: () => `filter cleared: every packet is shown`,
  uiInputProblem: (why: string) => `the capture is damaged: ${why}`,
  uiSeveralCapturesPrint: () =>
    `several captures open together only in the terminal UI; to print them, merge them first (vxshark merge -w all.pcapng A B C) or use vxshark journey A B C`,
  severalCapturesOption: (option: string) =>
    `${option} describes one capturing host; with several captures, name their interfaces with --ip-link NAME=FILE and their routes with --ip-route NAME=FILE`,
  uiSeveralCapturesStdin: () => `with several captures, each must be a file ("-" cannot be read twice: once to merge, once to follow packets)`,
  uiAnalysing: (packets: string) => `analysing ${packets} packets in the background (flows, tunnels, hops, alerts)…`,
  uiAnalysisWaits: () => `the analysis starts once the whole capture is read`,
  uiAnalysisFailed: (why: string) => `the analysis failed: ${why}`,
  uiEvidence: (k: number, n: number, title: string) => `evidence frame ${k} of ${n}: ${title}`,
  uiSearchFound: (text: string, where: string) => `"${text}" found ${where}; n / N: next / previous`,
  uiSearchNotFound: (text: string, where: string) => `"${text}" not found ${where}`,
  uiSearching: (text: string, done: number, total: number) => `searching for "${text}"… ${grouped(done)} of ${grouped(total)} packets`,
  uiMarkSet: (mark: string, frame: number) => `mark ${mark} set on frame ${frame}; '${mark} jumps back to it`,
  uiNoMark: (mark: string) => `no mark ${mark}; set one with m${mark}`,
  uiCopied: (what: string, chars: number, cut: boolean) => `copied ${what}: ${grouped(chars)} characters${cut ? ' (cut to fit)' : ''}`,
  uiCopiedToFile: (what: string, path: string) => `wrote ${what} to ${path}`,
  uiCopyExists: (path: string) => `not overwritten: ${path} exists (:copy writes new files only)`,
  uiCopyUsage: () => 'usage: copy FILE (writes what y copies to a new file)',
  uiNothingToCopy: () => 'nothing to copy here: y copies the packet summary (list), the field (tree), the bytes (hex pane) or a followed stream',
  uiConfigBroken: (path: string, why: string) => `${path} is not valid settings (${why}); using the defaults and leaving the file alone`,
  uiConfigUnreadable: (path: string, why: string) => `cannot read ${path} (${why}); using the defaults`,
  uiConfigUnwritable: (path: string, why: string) => `settings not saved: cannot write ${path} (${why})`,
  uiColumnUsage: () => 'usage: column add FIELD | column remove FIELD|N | column move FIELD N | column (lists them)',
  uiColumnExists: (name: string) => `the list already has a ${name} column`,
  uiColumnMissing: (name: string) =>
    /^\d+$/.test(name) ? `there is no column ${name} among those added; column lists them` : `no ${name} column; column lists the ones added`,
  uiColumns: (names: readonly string[]) =>
    names.length ? `columns added: ${names.join(', ')}` : 'no columns added; column add FIELD adds one (Tab completes in /)',
  uiLiveName: (interfaces: readonly string[]) => `live: ${interfaces.join(', ')}`,
  uiStreamIsTunnel: (frame: number, tunnel: string) => `frame ${frame}: no TCP or UDP inside its ${tunnel} tunnel to follow`,
  uiNoStream: (frame: number) => `frame ${frame} carries no TCP or UDP header to follow`,
  uiNoStreamSelected: () => 'select a packet in the list first, then f follows its TCP or UDP stream',

  // analysis
  // Options of the analysis commands.
  badPodCidr: (text: string) => `invalid --pod-cidr "${text}": expected a prefix such as 172.20.0.0/16`,
  noIpRouteEntries: () => `no routes found; expected the output of "ip route" (or "ip -j route")`,
  filterNoMatch: (filter: string) => `the display filter "${filter}" matched no packet; the models are empty`,
  // Where the uplink came from (shown in the topology).
  uplinkFromOption: () => `given with --uplink`,
  uplinkFromRoutes: () => `the default route's interface in --ip-route`,
  uplinkInferred: (iface: string, prefixes: string[]) =>
    `inferred: forwarded packets for ${list(prefixes, 3)}, on no subnet attached to this host, left through ${iface}; pass --ip-route or --uplink to be sure`,
  // CNI hints (never certainties).
  hintCilium: (vnis: number[]) =>
    `UDP 8472 with VNIs that look like security identities (${list(vnis.map(String), 4)}): Cilium puts the sender's identity in the VNI`,
  hintFlannel: () => `UDP 8472 with VNI 1 only: Flannel's VXLAN backend defaults`,
  hintLinuxVxlan: (vnis: number[]) => `UDP 8472 (the Linux default port) with VNI ${list(vnis.map(String), 4)}`,
  hintCalico: () => `UDP 4789 with VNI 4096: Calico's VXLAN defaults`,
  hintIanaVxlan: (vnis: number[]) => `UDP 4789 (IANA's VXLAN port) with VNI ${list(vnis.map(String), 4)}`,
  hintGeneve: (port: number) => `GENEVE on UDP ${port}: OVS-based CNIs (Antrea, OVN-Kubernetes) use it; Cilium can too`,
  hintCalicoIpip: () => `IP-in-IP between nodes: Calico's default encapsulation (ipipMode)`,
  hintCiliumIpsec: (spis: number[]) => `ESP with SPI ${list(spis.map(String), 4)}: Cilium keeps its key index (1-15) in the SPI`,
  hintIpsec: (port: number) =>
    port ? `ESP in UDP ${port} (NAT traversal): an IKE-negotiated IPsec tunnel` : 'ESP between nodes with SPIs above 15: an IKE-negotiated IPsec tunnel',
  protoName: (proto: number) => protoText(proto),
  quotedFlow: (proto: number, src: string, dst: string, sport: number, dport: number) =>
    proto === 6 || proto === 17 ? `${protoText(proto)} ${src}:${sport} → ${dst}:${dport}` : `${protoText(proto)} ${src} → ${dst}`,

  // Alerts: one title (one line), an explanation in plain words, and a fix, per rule.
  alertMisrouteTitle: (src: string, dst: string, ingress: string, egress: string, prefix: string, here = 'this router') =>
    `${src} → ${dst} entered ${ingress} and left ${egress} (default route): no route for ${prefix} on ${here}`,
  alertMisrouteExplanation: (
    dst: string,
    ingress: string,
    egress: string,
    prefix: string,
    packets: number,
    uplinkSource: string,
    confirmed: boolean,
    here = 'this router',
  ) =>
    `${plural(packets, 'packet')} for the pod address ${dst} came in on ${ingress} and were forwarded out of ${egress}, ` +
    `the uplink (${uplinkSourceText(uplinkSource)}). ${capitalize(here)} has no route for the pod prefix ${prefix}` +
    `${confirmed ? ' (its routing table has only the default route for it)' : ''}, so it sends the packets ` +
    `towards the internet, where private addresses are dropped: nothing comes back. Each packet appears twice in the ` +
    `capture, in on ${ingress} and out on ${egress} with the TTL one lower: the second copy is the forwarding, not a retransmission.`,
  alertRouteFix: (prefix: string, node: string | undefined, nodeName?: string) =>
    `Carry pod traffic across the node subnets: switch the CNI to tunnel mode (Cilium: --set routingMode=tunnel ` +
    `--set tunnelProtocol=vxlan), or announce the pod CIDRs with BGP (e.g. Cilium's BGP control plane), or add a static ` +
    `route on the router: ip route add ${prefix} via ${node ?? `<the node that hosts ${prefix}>`}` +
    `${nodeName ? ` (${nodeName}, which owns ${prefix})` : node ? ` (the node this capture shows behind ${prefix})` : ''}.`,
  alertRouteMissingTitleMisroute: (prefix: string, egress: string) =>
    `no route for ${prefix}: its traffic leaves through the default route (${egress}) and is never answered`,
  alertRouteMissingTitleSilent: (prefix: string, flows: number) =>
    `no route for ${prefix}: ${plural(flows, 'flow')} to it never answered, nothing came back from it`,
  alertRouteMissingExplanation: (prefix: string, misroutes: string[], packets: number, flows: string[]) =>
    [
      `Nothing in this capture reaches the pod prefix ${prefix} and comes back.`,
      misroutes.length ? `${plural(packets, 'forwarded packet')} went out through the default route: ${list(misroutes, 3)}.` : '',
      flows.length ? `Unanswered: ${list(flows, 3)}; no packet from ${prefix} appears anywhere in the capture.` : '',
      `A router on the path (here, or the sender's default gateway) has no route for ${prefix}; with native routing ` +
        `only nodes on the same L2 subnet get routes to each other's pod CIDRs (autoDirectNodeRoutes).`,
    ]
      .filter((s) => s !== '')
      .join(' '),
  alertHairpinTitle: (src: string, dst: string, iface: string) => `${src} → ${dst} came in on ${iface} and left through ${iface} again (hairpin)`,
  alertHairpinExplanation: (src: string, dst: string, iface: string, packets: number, ttlDelta: number) =>
    `${plural(packets, 'packet')} from ${src} to ${dst} left through ${iface}, the interface ${packets === 1 ? 'it' : 'they'} arrived on` +
    `${ttlDelta === 1 ? ', routed (TTL one lower)' : ''}. The sender handed them to this host although the next hop is on ` +
    `the sender's own link, so every packet crosses that link twice (the host may also send ICMP redirects).`,
  alertHairpinFix: (dst: string, iface: string) =>
    `Give the sender a direct route for ${dst} (its next hop on ${iface}) instead of this host, or check the route on this host that sends ${dst} back out of ${iface}.`,
  /** `dst` is the destination as the rule words it: "172.20.2.30:80" (with the port for TCP and DNS) or a name. */
  alertUnansweredTitle: (kind: string, src: string, dst: string, requests: number, flows: number) =>
    kind === 'tcp-syn'
      ? `${src} → ${dst}: ${plural(requests, 'TCP SYN')}${flows > 1 ? ` in ${plural(flows, 'connection')}` : ''}, no SYN/ACK`
      : kind === 'icmp-echo'
        ? `${src} → ${dst}: ${plural(requests, 'ICMP echo request')}, no reply`
        : `${src} → ${dst}: ${plural(requests, 'DNS query', 'DNS queries')}, no response`,
  alertUnansweredExplanation: (kind: string, dst: string, requests: number, firstFrame: number, tunnelled: boolean) =>
    `${kind === 'tcp-syn' ? 'Connection attempts' : kind === 'icmp-echo' ? 'Pings' : 'DNS queries'} to ${dst} ` +
    `(${plural(requests, 'request')}, the first in frame ${firstFrame}) got no answer at all: not one packet came back from ${dst} in this flow` +
    `${tunnelled ? ' (it rides a tunnel: an answer would come back in the reverse tunnel)' : ''}. Either the requests never reach ${dst} (a missing route, ` +
    `a firewall or network policy, a wrong address), or the answers take another path that this capture does not see.`,
  alertUnansweredFix: (kind: string, dst: string, port: number, tunnelled: boolean) =>
    `Capture where ${dst} is (its node) to see whether the requests arrive. ` +
    `${kind === 'tcp-syn' ? `If they do, check that something listens on port ${port} and that no network policy drops it. ` : ''}` +
    `${kind === 'dns' ? 'If they do, check the DNS server (CoreDNS) pods and their logs. ' : ''}` +
    `If they do not, follow the route towards ${dst}${tunnelled ? ' (the tunnel endpoint and the underlay between the nodes)' : ' (see vxshark hops and the route.missing alert)'}.`,
  alertNativeTitle: (from: string, to: string, ingress: string, egress: string) =>
    `pod traffic ${from} → ${to} is routed natively by this host (${ingress} → ${egress}), without encapsulation`,
  alertNativeExplanation: (src: string, dst: string, ingress: string, egress: string, count: number, here = 'this router') =>
    `${plural(count, 'packet')} between pods (e.g. ${src} → ${dst}) crossed ${here} from ${ingress} to ${egress} with their pod ` +
    `addresses in the outer header: native routing across an L3 boundary. That works only while every router on the path ` +
    `has a route for every pod CIDR; a router that does not sends the packets to its default route.`,
  alertNativeFix: () =>
    `Either keep native routing and give the routers the pod CIDRs (BGP, e.g. Cilium's BGP control plane, or static routes), ` +
    `or use tunnel mode (Cilium: --set routingMode=tunnel --set tunnelProtocol=vxlan) so the routers only see node addresses.`,
  alertAsymmetricTitle: (why: string, src: string, dst: string, a: string, b: string) =>
    why === 'plain'
      ? `${src} ⇄ ${dst}: one direction is encapsulated, the other is not (${a} one way, ${b} back)`
      : `${src} ⇄ ${dst}: the two directions use different tunnel ${why === 'kind' ? 'types' : why === 'port' ? 'ports' : 'VNIs'} (${a} one way, ${b} back)`,
  alertAsymmetricExplanation: (why: string, src: string, dst: string, a: string, b: string) =>
    why === 'plain'
      ? `Packets from ${src} to ${dst} travel ${a === 'tunnel' ? 'in a tunnel' : 'plain'}, the answers ${b === 'tunnel' ? 'in a tunnel' : 'plain'}. ` +
        `One node encapsulates and the other routes natively (mixed routing modes, or a node that has not picked up the new ` +
        `configuration); stateful firewalls and reverse-path filters on the way may drop one direction.`
      : `Packets from ${src} to ${dst} use ${a}, the answers ${b}. The two ends of the tunnel disagree about its ` +
        `${why === 'kind' ? 'encapsulation' : why === 'port' ? 'UDP port' : 'VNI'}; a receiver that listens only on its own setting ` +
        `drops the other direction's packets. (Different VNIs per direction are normal for Cilium, whose VNI is the sender's identity; ` +
        `this tunnel does not look like Cilium's.)`,
  alertAsymmetricFix: (why: string) =>
    why === 'plain'
      ? `Use one routing mode on every node (check the CNI configuration on both nodes, e.g. cilium config view | grep routing-mode, and restart agents that lag).`
      : `Configure the same tunnel ${why === 'kind' ? 'protocol' : why === 'port' ? 'port' : 'VNI'} on every node (Cilium: tunnelProtocol and tunnelPort; Flannel: VNI and Port in net-conf.json).`,
  alertBadHeaderTitle: (problem: string, kind: string, src: string, dst: string, detail: string, count: number) =>
    `${kind} ${src} → ${dst}: ${badHeaderWhat(problem, detail)} (${plural(count, 'packet')})`,
  alertBadHeaderExplanation: (problem: string, kind: string, detail: string) =>
    ({
      'vxlan-i-flag': `The VXLAN I flag is clear (flags ${detail}), so by RFC 7348 the VNI is not valid and a receiver must drop the packet.`,
      'vxlan-reserved': `Reserved VXLAN bits are set (${detail}). RFC 7348 says to ignore them, but some receivers and middleboxes drop such packets, and they may mean the port carries something that is not VXLAN (VXLAN-GPE, another protocol).`,
      'geneve-version': `GENEVE version ${detail} is unknown; receivers drop packets of a version they do not know.`,
      'geneve-reserved': `Reserved GENEVE bits are set (${detail}); they must be zero when sent.`,
      'geneve-critical': `The packet carries a critical GENEVE option (${detail}) of a class no known implementation registered: a receiver that does not understand a critical option must drop the packet.`,
      'geneve-c-bit': `The GENEVE C bit disagrees with the options (${detail}); receivers use the bit to decide quickly whether they must parse the options, and may drop the packet or skip a critical option.`,
      'inner-protocol': `The ${kind} header announces an inner protocol vxshark does not decode (${detail}); the receiver may not decode it either.`,
    })[problem] ?? `The ${kind} header is not as the standard says (${detail}).`,
  alertBadHeaderFix: (problem: string) =>
    problem === 'geneve-critical' || problem === 'geneve-c-bit'
      ? `Check that both tunnel ends run the same software and version (they must agree on the options they send as critical).`
      : problem === 'inner-protocol'
        ? `Check what sends on this port; if it is another encapsulation, decode it with -d udp.port==PORT,PROTOCOL.`
        : `Check the sender's tunnel configuration; if this port carries another protocol, decode it with -d udp.port==PORT,PROTOCOL.`,
  alertIcmpTitle: (kind: string, v6: boolean, code: number, reporter: string, about: string | undefined, mtu: number, flow: number | undefined) =>
    `${icmpWhat(kind, v6, code)}${mtu ? ` (next-hop MTU ${mtu})` : ''} from ${reporter}${about ? ` about ${about}` : ''}${flow !== undefined ? ` (flow ${flow})` : ''}`,
  alertIcmpExplanation: (kind: string, v6: boolean, code: number, reporter: string, about: string | undefined, mtu: number, count: number) =>
    `${reporter} sent ${plural(count, `ICMP${v6 ? 'v6' : ''} error`)} saying ${icmpWhat(kind, v6, code).toLowerCase()}` +
    `${about ? ` for ${about}` : ''}. ` +
    (
      {
        'frag-needed': `A packet${mtu ? ` larger than ${mtu} bytes` : ''} with "don't fragment" reached a link too small for it and was dropped; if the sender does not lower its packet size (path MTU discovery), large transfers stall while small requests work.`,
        'time-exceeded': `The packet's TTL ran out on the way: a routing loop (two routers sending it back and forth) or, from traceroute, expected.`,
        'parameter-problem': `A router or the receiver could not process a header field of the packet.`,
        unreachable: unreachableWhy(v6, code),
      } as Record<string, string>
    )[kind]!,
  alertIcmpFix: (kind: string, v6: boolean, code: number, mtu: number) =>
    kind === 'frag-needed'
      ? `Make the packets fit: lower the pod MTU${mtu ? ` to ${mtu} or less` : ''} (for VXLAN over IPv4, 50 bytes below the underlay MTU), or raise the MTU on the small link; make sure ICMP "fragmentation needed" is not filtered.`
      : kind === 'time-exceeded'
        ? `Look for two routers pointing at each other for this destination (ip route get on each hop).`
        : kind === 'parameter-problem'
          ? `Check the sender's headers (options, extension headers) in the quoted packet.`
          : (!v6 && (code === 3 || code === 2)) || (v6 && code === 4)
            ? `Start the service (or fix its port) on the destination, or correct the port the client uses.`
            : (!v6 && code >= 9 && code <= 13) || (v6 && (code === 1 || code === 5 || code === 6))
              ? `Look for the firewall rule or network policy on the reporting host that rejects this traffic.`
              : `Add the missing route (or neighbour) on the reporting host for the destination, or fix the destination address.`,
  alertFragmentedTitle: (kind: string, src: string, dst: string, inner: number, overhead: number, mtu: number) =>
    inner
      ? `${kind} packets ${src} → ${dst} are fragmented: inner ${inner} + ${overhead} bytes of ${kind} = ${inner + overhead} > underlay MTU ${mtu}`
      : `${kind} packets ${src} → ${dst} are fragmented by the underlay`,
  alertFragmentedExplanation: (kind: string, v6: boolean, inner: number, overhead: number, mtu: number, fragments: number, datagrams: number) =>
    `${plural(fragments, 'outer IP fragment')} of ${kind} packets${datagrams ? ` (${plural(datagrams, 'tunnel packet')} split)` : ''}. ` +
    (inner
      ? `The pod sent ${inner}-byte packets; ${kind} over IPv${v6 ? 6 : 4} adds ${overhead} bytes (outer IP, UDP, ${kind} header and ` +
        `inner Ethernet), so each tunnel packet is ${inner + overhead} bytes, more than the ${mtu} bytes the underlay carries ` +
        `(the size of the first fragments). `
      : `The first fragments were not captured, so the sizes are unknown. `) +
    `Every full-size pod packet becomes two fragments: more work, lost whole packets when one fragment is lost, and no ` +
    `traffic at all where fragments are filtered or DF is set. Small requests (ping, a SYN) work while transfers stall: the MTU trap.`,
  alertFragmentedFix: (kind: string, overhead: number, mtu: number) =>
    `Lower the pod MTU to ${mtu && overhead ? mtu - overhead : 'the underlay MTU minus the overhead'}` +
    `${mtu && overhead ? ` (${mtu} - ${overhead})` : ''} so ${kind} packets fit (Cilium and Flannel derive it from the device MTU: ` +
    `check the MTU setting and restart the pods), or raise the underlay MTU (jumbo frames, e.g. 9000) on every node and router.`,
  alertSnaplenTitle: (count: number, tunnel: boolean, capLen: number) =>
    `${plural(count, 'packet')} cut short by the snaplen (at most ${capLen} bytes kept): ${tunnel ? 'inner headers are missing' : 'headers are missing'}`,
  alertSnaplenExplanation: (tunnel: boolean, capLen: number) =>
    `The capture kept only the first ${capLen} bytes of ${tunnel ? 'these tunnel packets, which is not enough for the inner ' + 'Ethernet, IP and transport headers' : 'these packets, which is not enough for all of their headers'}: ` +
    `flows, states and alerts that need them are incomplete for these packets.`,
  alertSnaplenFix: () => `Capture whole packets (tcpdump -s 0, the default in recent tcpdump), or at least 200 bytes for tunnel traffic (-s 200).`,
  manySources: (n: number, atLeast: boolean) => `${atLeast ? 'at least ' : ''}${grouped(n)} sources`,
  alertsMoreTitle: (id: string, alerts: number, count: number) =>
    `…and ${plural(alerts, `more ${id} alert`)} (${plural(count, 'occurrence')}) not listed one by one`,
  alertsMoreExplanation: (max: number) =>
    `Only the ${max} largest alerts of this kind are listed; the others are summed up here. Narrow the analysis with -Y (a host, a port, a VNI) to see them.`,
  flowsUntracked: (packets: number) =>
    `more flows than the analysis keeps: ${plural(packets, 'packet')} of further flows were counted but not kept (narrow with -Y)`,
  // What the analysis commands print around their tables.
  flowsHeading: (flows: number, tunnelled: number, packets: number) =>
    `${plural(flows, 'flow')} (${grouped(tunnelled)} inside tunnels) in ${plural(packets, 'packet')}; forwarding copies count once`,
  tunnelsHeading: (tunnels: number, packets: number) =>
    tunnels
      ? `${plural(tunnels, 'tunnel')} in ${plural(packets, 'packet')}`
      : `no VXLAN or GENEVE tunnels in ${plural(packets, 'packet')} (another port? try -d udp.port==PORT,vxlan)`,
  cniHintLine: (cni: string, confidence: string, kind: string, port: number, reason: string) =>
    // Plain ESP, IPIP and GRE have no port (port 0).
    `CNI hint for ${kind}${port ? ` on ${port}` : ''}: ${confidence === 'likely' ? 'probably' : 'perhaps'} ${cni} (${reason}). A hint from ports and VNIs, not a certainty.`,
  hopsUnplaced: () =>
    `no hops: this capture does not record interfaces or directions, so a forwarded packet's two copies cannot be told apart ` +
    `(capture with tcpdump -i any, or a multi-interface pcapng)`,
  hopsHeading: (paths: number, copies: number) =>
    `${plural(copies, 'forwarded packet')} on ${plural(paths, 'path')}: each second copy is the forwarding, not a retransmission or duplicate`,
  tunnelIdentity: (vni: number, labels: string) => `VNI ${vni} is the Cilium identity of the sender: ${labels}`,
  unknownFieldsProtocol: (proto: string, known: string[]) => `unknown protocol "${proto}"; known: ${known.join(', ')}`,
  tunnelEncrypted: (kind: string) => `encrypted (${kind}): the inner packets, and so the pod flows, cannot be seen without the keys`,
  tunnelCarries: (pairs: string[], total: number) => `carries ${pairs.join(', ')}${total > pairs.length ? `, and ${total - pairs.length} more pairs` : ''}`,
  hopMacs: (i: { src: string; dst: string }, o: { src: string; dst: string }) =>
    `MAC in ${i.src || '?'}${i.dst ? ` → ${i.dst}` : ''}, out ${o.src || '?'}${o.dst ? ` → ${o.dst}` : ''}`,
  hopsTunnelNote: () =>
    `* tunnel packets: routed and bridged ones by their outer header; decap and encap pair a tunnel packet with the inner packet it carries`,
  hopsFragmentNote: () => `+ IP fragments not put back together: no header of theirs says what they carry`,
  hopsNotForHostNote: () => `! the copy out was addressed to another host (packet type OTHERHOST): this host drops it`,
  uplinkLine: (name: string, reason: string) => `Uplink: ${name} (${reason})`,
  uplinkUnknown: () => `Uplink: unknown (pass --ip-route FILE with the router's "ip route", or --uplink IFACE)`,
  podCidrLine: (prefixes: string[]) => `Pod range: ${prefixes.join(', ')}`,
  attachedLine: (iface: string, prefixes: string[]) => `Subnets on ${iface}: ${list(prefixes, 4)}`,
  alertEvidence: (frames: string, count: number) => `frames ${frames}${count > 1 ? ` (seen ${grouped(count)} times)` : ''}`,
  alertsSummary: (errors: number, warnings: number, infos: number, packets: number) =>
    `${plural(errors + warnings + infos, 'alert')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${grouped(infos)} info, in ${plural(packets, 'packet')}`,
  noAlerts: (packets: number) => `no alerts in ${plural(packets, 'packet')}`,

  // Kubernetes and Cilium context (--k8s, --cilium, --context, snapshot). Messages about one
  // file; msg.inInput puts its name in front.
  contextTooLarge: (limit: number) => `larger than ${limit / (1 << 20)} MiB, too large for a context file (expected kubectl or cilium-dbg JSON)`,
  contextNotJson: (why: string) => `not JSON (${why}); expected the output of "kubectl get ... -o json" or "cilium-dbg ... -o json"`,
  contextNothingUsable: (found: string) => `no pods, nodes, services, endpoint slices, Cilium endpoints or identities in it${found ? ` (found ${found})` : ''}`,
  contextEmptyDir: () => `no .json files in this directory`,
  contextTooManyFiles: (limit: number) => `more than ${limit} files in this directory; point --context at the snapshot directory itself`,
  contextNamesValue: (v: string) => `invalid --names "${v}": expected on or off`,
  // vxshark snapshot
  snapshotNeedsDir: () => `no directory given (try: vxshark snapshot DIR)`,
  snapshotNotDir: (dir: string) => `${dir}: exists and is not a directory`,
  snapshotExists: (file: string) => `${file}: already exists; choose an empty directory (files are never overwritten)`,
  snapshotNoKubectl: (cmd: string) => `"${cmd}" not found on PATH; install kubectl or set KUBECTL to its path`,
  snapshotFailed: (what: string, why: string) => `${what} failed: ${why} (is the cluster reachable? try: kubectl cluster-info)`,
  snapshotNotJson: (what: string, cmd: string) => `${what} did not print JSON (is "${cmd}" really kubectl?)`,
  snapshotNotJsonWhy: () => `it did not print JSON`,
  snapshotStep: (what: string) => `snapshot: ${what}`,
  snapshotWrote: (file: string, bytes: number) => `snapshot: wrote ${file} (${grouped(bytes)} bytes)`,
  snapshotNoCilium: (why: string) => `snapshot: no Cilium agent to ask (${why}); Cilium identities are left out`,
  snapshotCiliumFailed: (what: string, why: string) => `snapshot: ${what} failed (${why}); left out`,
  snapshotDone: (dir: string, files: number) => `snapshot: ${files} files in ${dir}; use them with --context ${dir}`,

  // journey and merge (several captures)
  journeyNeedsCaptures: (command: string) => `no capture file given (try: vxshark ${command} ctr=ctr.pcap router=router.pcap w0=w0.pcap)`,
  badCaptureName: (name: string) => `invalid capture name "${name}": use letters, digits, "-", "_" or "." (e.g. router=router.pcap)`,
  duplicateCaptureName: (name: string) => `two captures are named "${name}"; name them: NAME=PATH`,
  unknownCaptureName: (option: string, name: string, names: string[]) =>
    `${option} names capture "${name}", but the captures are ${names.map((n) => `"${n}"`).join(', ')}`,
  perCaptureOptionNeedsName: (option: string, value: string) => `${option} "${value}": with several captures say which one it belongs to: ${option} NAME=FILE`,
  badWindow: (text: string) => `invalid --window "${text}": expected seconds greater than 0, e.g. 2`,
  captureShrank: () => `the file became shorter while it was read`,
  journeysNotListed: (n: number) => `${n} more journeys not listed (the text lists the first ones; use --json, --summary or -Y to narrow)`,
  mergeNeedsOutput: () => `merge needs an output file: vxshark merge -w OUT.pcapng A.pcap B.pcap`,
};

// Helpers for the analysis messages.
function plural(n: number, one: string, many = `${one}s`): string {
  return `${grouped(n)} ${n === 1 ? one : many}`;
}

function list(items: string[], max: number): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

function protoText(proto: number): string {
  return ({ 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPv6' } as Record<number, string>)[proto] ?? `proto ${proto}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function uplinkSourceText(source: string): string {
  return source === 'option'
    ? 'given with --uplink'
    : source === 'ip-route'
      ? "the default route's interface in --ip-route"
      : 'inferred from the capture; pass --ip-route or --uplink to be sure';
}

function badHeaderWhat(problem: string, detail: string): string {
  return (
    (
      {
        'vxlan-i-flag': 'VXLAN I flag clear, the VNI is not valid',
        'vxlan-reserved': `reserved bits set (${detail})`,
        'geneve-version': `unknown GENEVE version ${detail}`,
        'geneve-reserved': `reserved bits set (${detail})`,
        'geneve-critical': `critical option of an unknown class (${detail})`,
        'geneve-c-bit': `C bit disagrees with the options (${detail})`,
        'inner-protocol': `unknown inner protocol (${detail})`,
      } as Record<string, string>
    )[problem] ?? detail
  );
}

const UNREACH_V4 = [
  'network unreachable',
  'host unreachable',
  'protocol unreachable',
  'port unreachable',
  'fragmentation needed',
  'source route failed',
  'destination network unknown',
  'destination host unknown',
  'source host isolated',
  'network administratively prohibited',
  'host administratively prohibited',
  'network unreachable for TOS',
  'host unreachable for TOS',
  'communication administratively filtered',
  'host precedence violation',
  'precedence cutoff in effect',
];
const UNREACH_V6 = [
  'no route to destination',
  'communication administratively prohibited',
  'beyond scope of source address',
  'address unreachable',
  'port unreachable',
  'source address failed ingress/egress policy',
  'reject route to destination',
];

function icmpWhat(kind: string, v6: boolean, code: number): string {
  if (kind === 'frag-needed') return v6 ? 'Packet too big' : 'Destination unreachable: fragmentation needed';
  if (kind === 'time-exceeded') return code === 1 ? 'Time exceeded: fragment reassembly' : 'Time exceeded: TTL expired in transit';
  if (kind === 'parameter-problem') return 'Parameter problem';
  return `Destination unreachable: ${(v6 ? UNREACH_V6 : UNREACH_V4)[code] ?? `code ${code}`}`;
}

function unreachableWhy(v6: boolean, code: number): string {
  if ((!v6 && code === 3) || (v6 && code === 4)) return 'The destination host is reachable but nothing listens on that port (or a firewall rejects it).';
  if (!v6 && code === 2) return 'The destination host does not handle that protocol.';
  if ((!v6 && code >= 9 && code <= 13) || (v6 && (code === 1 || code === 5 || code === 6)))
    return 'A firewall or policy on the reporting host rejects this traffic.';
  if ((!v6 && code === 1) || (v6 && code === 3))
    return 'The last router could not reach the host on its link (no ARP/neighbour answer): the host is down or the address is wrong.';
  return 'The reporting router has no route towards the destination.';
}
