import { fieldsOf, protocolField } from '../field-helpers.js';
import type { Dissector, FieldValue, Layer, Packet } from '../types.js';
import { safeAscii } from '../../text/escape.js';
import { latin1 } from '../../text/latin1.js';

// HTTP/1.x on TCP 80 and 8080: the request or status line and the Host header, nothing more
// (no reassembly across segments, no bodies). A segment that does not begin like HTTP
// (say, the middle of a body) is left as data.

const METHODS = [
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'CONNECT',
  'TRACE',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
];
/** How far to look for the end of the headers; a longer head is shown only up to here. */
const MAX_HEAD = 16384;

function startsWith(d: Uint8Array, at: number, end: number, word: string): boolean {
  if (at + word.length > end) return false;
  for (let i = 0; i < word.length; i++) if (d[at + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** Whether the bytes begin a request ("GET ") or a response ("HTTP/"). */
export function looksLikeHttp(d: Uint8Array, start: number, end: number): boolean {
  // Every method and "HTTP/" start with an upper-case letter: most segments fail this first test.
  const first = d[start];
  if (first === undefined || first < 0x41 || first > 0x5a) return false;
  if (startsWith(d, start, end, 'HTTP/')) return true;
  for (const m of METHOD_WORDS) if (startsWith(d, start, end, m)) return true;
  return false;
}

const METHOD_WORDS = METHODS.map((m) => `${m} `);

// Every field reads the header lines of one layer: their bounds are found once per layer (-V
// asks ten fields in turn), and only the lines a field needs become text.
let linesOf: Layer | undefined;
let linesData: Uint8Array | undefined;
let lineCount = 0;
const lineStart: number[] = [];
const lineEnd: number[] = [];
let lastFirst: FirstLine | undefined;

/** Finds the header lines, each without its line ending; the first is the request or status line. */
function findLines(p: Packet, l: Layer): void {
  if (l === linesOf && p.data === linesData) return;
  const d = p.data;
  let n = 0;
  let from = l.start;
  for (let i = l.start; i < l.payload; i++) {
    if (d[i] !== 0x0a) continue;
    const to = i > from && d[i - 1] === 0x0d ? i - 1 : i;
    if (to === from) break;
    lineStart[n] = from;
    lineEnd[n++] = to;
    from = i + 1;
  }
  if (from < l.payload && n === 0) {
    lineStart[0] = from;
    lineEnd[n++] = l.payload;
  }
  lineCount = n;
  lastFirst = splitFirst(n ? latin1(d, lineStart[0]!, lineEnd[0]!) : undefined);
  linesOf = l;
  linesData = p.data;
}

/** Whether bytes [at, end) begin with `lower` (lower-case ASCII), letters in either case. */
function startsWithAnyCase(d: Uint8Array, at: number, end: number, lower: string): boolean {
  if (at + lower.length > end) return false;
  for (let k = 0; k < lower.length; k++) {
    const c = lower.charCodeAt(k);
    const b = d[at + k]!;
    if (b !== c && !(c >= 0x61 && c <= 0x7a && (b | 0x20) === c)) return false;
  }
  return true;
}

interface FirstLine {
  request: boolean;
  parts: [string, string, string];
}

function firstLine(p: Packet, l: Layer): FirstLine | undefined {
  findLines(p, l);
  return lastFirst;
}

function splitFirst(line: string | undefined): FirstLine | undefined {
  if (line === undefined) return undefined;
  const a = line.indexOf(' ');
  const b = a < 0 ? -1 : line.indexOf(' ', a + 1);
  const parts: [string, string, string] =
    a < 0 ? [line, '', ''] : b < 0 ? [line.slice(0, a), line.slice(a + 1), ''] : [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1)];
  return { request: !line.startsWith('HTTP/'), parts };
}

const part = (request: boolean, k: 0 | 1 | 2, conv: (s: string) => FieldValue | undefined = (s) => s) => ({
  get: (p: Packet, l: Layer): FieldValue | undefined => {
    const f = firstLine(p, l);
    return f && f.request === request && f.parts[k] !== '' ? conv(f.parts[k]) : undefined;
  },
});

function header(name: string): (p: Packet, l: Layer) => string | undefined {
  const re = new RegExp(`^${name}:[ \\t]*(.*?)[ \\t]*$`, 'i');
  // Only a line that starts with the name can match: the others are not made into text.
  const prefix = `${name.toLowerCase()}:`;
  return (p, l) => {
    findLines(p, l);
    const d = p.data;
    for (let i = 1; i < lineCount; i++) {
      if (!startsWithAnyCase(d, lineStart[i]!, lineEnd[i]!, prefix)) continue;
      const m = re.exec(latin1(d, lineStart[i]!, lineEnd[i]!));
      if (m) return m[1];
    }
    return undefined;
  };
}
const host = header('host');
const contentLength = header('content-length');

export const http: Dissector = {
  proto: 'http',
  name: 'Hypertext Transfer Protocol',
  short: 'HTTP',
  fields: [
    protocolField('http', 'Hypertext Transfer Protocol'),
    ...fieldsOf('http', [
      ['http.request', 'Request', 'bool', { hidden: true, get: (p, l) => (firstLine(p, l)?.request ? true : undefined) }],
      ['http.response', 'Response', 'bool', { hidden: true, get: (p, l) => (firstLine(p, l)?.request === false ? true : undefined) }],
      ['http.request.method', 'Request Method', 'string', part(true, 0)],
      ['http.request.uri', 'Request URI', 'string', part(true, 1)],
      ['http.request.version', 'Request Version', 'string', part(true, 2)],
      ['http.response.version', 'Response Version', 'string', part(false, 0)],
      ['http.response.code', 'Status Code', 'uint', part(false, 1, (s) => (/^\d{3}$/.test(s) ? Number(s) : undefined))],
      ['http.response.phrase', 'Response Phrase', 'string', part(false, 2)],
      ['http.host', 'Host', 'string', { get: host }],
      [
        'http.content_length',
        'Content length',
        'uint',
        {
          get: (p, l) => {
            const v = contentLength(p, l);
            return v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
          },
        },
      ],
    ]),
  ],
  decode(ctx, start, end) {
    const d = ctx.pkt.data;
    if (!looksLikeHttp(d, start, end)) return { proto: 'data', start, end };
    // The head ends at the first empty line; what follows is the body.
    let head = Math.min(end, start + MAX_HEAD);
    for (let i = start; i + 3 < Math.min(end, start + MAX_HEAD); i++) {
      if (d[i] === 0x0d && d[i + 1] === 0x0a && d[i + 2] === 0x0d && d[i + 3] === 0x0a) {
        head = i + 4;
        break;
      }
    }
    ctx.push('http', start, head, end);
    return head < end ? { proto: 'data', start: head, end } : undefined;
  },
  title: () => 'Hypertext Transfer Protocol',
  info(p, l) {
    const d = p.data;
    let to = l.start;
    while (to < l.payload && d[to] !== 0x0d && d[to] !== 0x0a) to++;
    // The request line is attacker-controlled text: every byte that is not printable ASCII is escaped.
    return safeAscii(d, l.start, to);
  },
};
