// Every message vxshark shows a user is written here, so wording stays consistent and
// each layer can raise errors without knowing how the command line prints them.

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

const hex32 = (n: number): string => '0x' + (n >>> 0).toString(16).padStart(8, '0');

export const msg = {
  // opening files
  // Messages about one input; the loader puts the input's name in front of them.
  missingFile: () => `no such file`,
  isDirectory: () => `is a directory, not a capture file`,
  unreadable: (why: string) => `cannot read (${why})`,
  emptyFile: () => `empty file, not a capture`,
  tooShort: (size: number) => `only ${size} bytes, too short to be a pcap or pcapng file`,
  notCapture: (looksLikeText: boolean) =>
    looksLikeText ? `a text file, not a pcap or pcapng capture` : `not a pcap or pcapng capture (unknown magic number)`,
  unsupportedMagic: (magic: number, what: string) => `unsupported capture format: ${what} (magic ${hex32(magic)})`,

  // classic pcap
  pcapVersion: (major: number, minor: number) => `unsupported pcap version ${major}.${minor}`,
  pcapReservedLinkType: (field: number) =>
    `pcap link-type field has reserved bits set (${hex32(field)})`,
  recordTooLong: (offset: number, length: number, limit: number) =>
    `record at byte ${offset} claims ${length} captured bytes, more than the limit of ${limit}: the file is corrupt`,

  // pcapng
  pcapngVersion: (major: number, minor: number) => `unsupported pcapng version ${major}.${minor}`,
  pcapngFirstBlock: (type: number) =>
    `pcapng file does not start with a Section Header Block (found block type ${hex32(type)})`,
  pcapngBadMagic: (offset: number) => `section header at byte ${offset} has no valid byte-order magic`,
  blockLength: (offset: number, length: number) =>
    `block at byte ${offset} has an invalid total length ${length}`,
  blockLengthMismatch: (offset: number, head: number, tail: number) =>
    `block at byte ${offset}: total length ${head} in its header but ${tail} in its trailer; reading stopped`,
  blockBodyOverrun: (offset: number, what: string) =>
    `block at byte ${offset}: ${what} runs past the end of the block`,
  optionOverrun: (offset: number, code: number, length: number) =>
    `block at byte ${offset}: option ${code} of length ${length} runs past the end of the block`,
  unknownInterface: (offset: number, id: number) =>
    `packet block at byte ${offset} refers to interface ${id}, which no Interface Description Block defines`,
  packetBeforeIdb: (offset: number) =>
    `packet block at byte ${offset} comes before any Interface Description Block`,
  badTsresol: (offset: number, value: number) =>
    `interface block at byte ${offset} has an unsupported time resolution byte 0x${value.toString(16)}`,
  sectionSkipped: (offset: number, major: number, minor: number) =>
    `section at byte ${offset} has unsupported version ${major}.${minor}; its blocks were skipped`,

  // common record problems (warnings)
  truncated: (offset: number, need: number, have: number) =>
    `truncated at byte ${offset}: the last record needs ${need} bytes but only ${have} remain; every complete packet before it was kept`,
  pcapMinorVersion: (major: number, minor: number) =>
    `pcap version ${major}.${minor} is not standard; read as 2.4`,
  invalidFraction: (frame: number, frac: number, unit: string) =>
    `frame ${frame}: fractional time stamp ${frac} is not a valid number of ${unit}`,
  capLenOverSnaplen: (frames: number) =>
    `${frames} record(s) claim more captured bytes than the snaplen`,

  inInput: (name: string, message: string) => `${name === '-' ? 'standard input' : name}: ${message}`,

  outputExists: () => `already exists; vxshark does not overwrite files (remove it or choose another name)`,

  // standard input
  stdinIsTerminal: () => `standard input is a terminal; pipe a capture into it (tcpdump -w - | vxshark -r -)`,
  spoolFailed: (why: string) => `cannot spool standard input to a temporary file (${why})`,

  // frame access
  frameOutOfRange: (n: number, count: number) => `frame ${n} does not exist (the capture has ${count})`,
  frameReadShort: (n: number) => `frame ${n} could not be read completely; did the file change?`,

  // dissection options
  badDecodeAs: (text: string) =>
    `invalid decode-as "${text}": expected TABLE==PORT,PROTOCOL such as udp.port==8472,vxlan`,
  unknownDecodeAsProtocol: (proto: string, known: string[]) =>
    `unknown protocol "${proto}" in decode-as; known: ${known.join(', ')}`,

  // interface names
  noIpLinkEntries: () => `no interfaces found; expected the output of "ip -o link", "ip link" or "ip -j link"`,
  badIfname: (text: string) => `invalid --ifname "${text}": expected INDEX=NAME such as 28=eth1`,

  // live capture
  liveNoTool: () => `live capture needs tcpdump or dumpcap, and neither is installed (apt-get install tcpdump)`,
  liveOneInterface: () => `tcpdump captures one interface at a time; use -i any, or install dumpcap for several`,
  liveFailed: (tool: string, why: string) => `${tool.split('/').pop()} could not capture: ${why.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')}`,
  liveAndFile: () => `give either a capture file or -i INTERFACE, not both`,

  // command line
  unknownField: (name: string, suggestion: string | undefined) =>
    `unknown field "${name}"${suggestion ? `; did you mean ${suggestion}?` : ''}`,
  badTimeFormat: (text: string) => `invalid time format "${text}": use a, ad, u, ud, r, d, dd or e`,
  badFieldOption: (text: string) => `invalid -E option "${text}": use header=y|n, separator=CHAR, occurrence=f|l|a, aggregator=CHAR`,
  badCount: (text: string) => `invalid packet count "${text}": expected a positive whole number`,
  fieldsNeedE: () => `-T fields needs at least one -e FIELD`,
  noInput: () => `no capture file given (try: vxshark capinfo FILE, or vxshark --help)`,

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
  filterUnexpected: (text: string, column: number) =>
    `unexpected "${text}" at column ${column}; expected "and", "or" or the end of the filter`,
  filterUnexpectedChar: (ch: string, column: number) => `unexpected character "${ch}" at column ${column}`,
  filterUnterminatedString: (column: number) => `unterminated string starting at column ${column}`,
  filterBadEscape: (text: string, column: number) => `invalid escape "${text}" at column ${column}`,
  filterBadChar: (text: string, column: number) => `invalid character constant ${text} at column ${column}`,
  filterInNeedsBraces: (column: number) =>
    `expected "{" after "in" at column ${column}; write a set as {80, 443} or {8000..8080}`,
  filterUnclosedSet: (column: number) => `the set "{" at column ${column} is never closed with "}"`,
  filterEmptySet: (column: number) => `empty set at column ${column}`,
  filterUnexpectedInSet: (text: string, column: number) =>
    `unexpected "${text}" at column ${column} in a set; expected values separated by commas`,
  filterBadRange: (text: string, column: number) => `invalid range "${text}" at column ${column}; expected LOW..HIGH such as 8000..8080`,
  filterBadLayer: (text: string, column: number) =>
    `invalid layer "${text}" at column ${column}; use #1 for the outermost, #2 for the next, #-1 for the innermost, or a range #[1-2]`,
  filterLayerTwice: (column: number) => `only one of inner., outer. and #N may select the layer (column ${column})`,
  filterBadIpv4: (text: string, column: number) => `invalid IPv4 address "${text}" at column ${column}`,
  filterBadIpv6: (text: string, column: number) => `invalid IPv6 address "${text}" at column ${column}`,
  filterBadPrefix: (text: string, column: number, max: number) =>
    `invalid prefix length in "${text}" at column ${column}; expected /0 to /${max}`,
  filterBadMac: (text: string, column: number) =>
    `invalid MAC address "${text}" at column ${column}; expected 6 bytes such as aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or aabb.ccdd.eeff`,
  filterBadBytes: (text: string, column: number) => `invalid byte string "${text}" at column ${column}; expected hex bytes such as 0a:1b:2c`,
  filterBadRegex: (pattern: string, column: number, why: string) => `invalid regular expression "${pattern}" at column ${column}: ${why}`,
  filterRegexNeedsQuotes: (column: number) => `"matches" needs a double-quoted regular expression at column ${column}`,
  filterTypeMismatch: (field: string, kind: string, text: string, column: number) =>
    `${field} is ${kind}; "${text}" is not (column ${column})`,
  filterOperatorType: (op: string, field: string, kind: string, column: number) =>
    `"${op}" cannot be used with ${field}, which is ${kind} (column ${column})`,
  filterPrefixNeedsEquality: (text: string, column: number) =>
    `the prefix "${text}" at column ${column} can only be compared with == or != or used in a set`,
  filterFieldTypes: (a: string, aKind: string, b: string, bKind: string, column: number) =>
    `cannot compare ${a} (${aKind}) with ${b} (${bKind}) at column ${column}`,
};
