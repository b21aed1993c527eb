// Capture contents are untrusted: a payload, DNS name or interface name may hold escape
// sequences that would drive the user's terminal. Everything that came from capture bytes
// passes through here before it is printed or drawn.

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const HAS_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  if (code <= 0xff) return '\\x' + code.toString(16).padStart(2, '0');
  return '\\u' + code.toString(16).padStart(4, '0');
}

/** Makes a string from a capture safe to show: control and bidi-override characters become visible escapes. */
export function safeText(s: string): string {
  // Almost every string is clean: testing first avoids building a copy of it.
  return HAS_UNSAFE.test(s) ? s.replace(UNSAFE, escapeChar) : s;
}

/** Bytes shown as text, printable ASCII kept and everything else escaped, e.g. an HTTP request line. */
export function safeAscii(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b >= 0x20 && b < 0x7f) out += b === 0x5c ? '\\\\' : String.fromCharCode(b);
    else out += escapeChar(String.fromCharCode(b));
  }
  return out;
}
