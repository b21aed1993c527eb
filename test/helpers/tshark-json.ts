// Reads `tshark -T json` output without losing repeated keys. tshark writes one JSON key per
// protocol occurrence, so a VXLAN packet has two "eth", two "ip" and two "udp" keys in its
// layers object (and ip.addr twice inside each "ip"); JSON.parse keeps only the last of each.
// Here an object is the list of its [key, value] entries, in document order.

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export type JsonEntry = [key: string, value: JsonValue];

/** A JSON object as the ordered list of its entries, duplicates kept. */
export class JsonObject {
  constructor(readonly entries: JsonEntry[]) {}

  /** The first value under `key`. */
  get(key: string): JsonValue | undefined {
    for (const [k, v] of this.entries) if (k === key) return v;
    return undefined;
  }

  /** Every value under `key`, in document order. */
  getAll(key: string): JsonValue[] {
    return this.entries.filter(([k]) => k === key).map(([, v]) => v);
  }

  keys(): string[] {
    return this.entries.map(([k]) => k);
  }
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  parseDocument(): JsonValue {
    const v = this.value();
    this.ws();
    if (this.i !== this.s.length) this.fail('trailing characters');
    return v;
  }

  private fail(what: string): never {
    throw new SyntaxError(`JSON: ${what} at offset ${this.i}`);
  }

  private ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }

  private value(): JsonValue {
    this.ws();
    const c = this.s[this.i];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        return this.fail(c === undefined ? 'unexpected end' : `unexpected ${JSON.stringify(c)}`);
    }
  }

  private literal<T extends JsonValue>(word: string, v: T): T {
    if (!this.s.startsWith(word, this.i)) this.fail(`expected ${word}`);
    this.i += word.length;
    return v;
  }

  private number(): number {
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = this.i;
    const r = m.exec(this.s);
    if (!r) this.fail('bad number');
    this.i += r[0].length;
    return Number(r[0]);
  }

  private string(): string {
    const s = this.s;
    this.i++; // opening quote
    let out = '';
    let run = this.i;
    for (;;) {
      if (this.i >= s.length) this.fail('unterminated string');
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        out += s.slice(run, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) this.fail('control character in string');
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      out += s.slice(run, this.i);
      const e = s[this.i + 1];
      this.i += 2;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = s.slice(this.i, this.i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.i += 4;
          break;
        }
        default:
          this.fail('bad escape');
      }
      run = this.i;
    }
  }

  private array(): JsonValue[] {
    this.i++;
    const out: JsonValue[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return out;
      if (c !== ',') this.fail('expected , or ]');
    }
  }

  private object(): JsonObject {
    this.i++;
    const entries: JsonEntry[] = [];
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return new JsonObject(entries);
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('expected a key');
      const key = this.string();
      this.ws();
      if (this.s[this.i++] !== ':') this.fail('expected :');
      entries.push([key, this.value()]);
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return new JsonObject(entries);
      if (c !== ',') this.fail('expected , or }');
    }
  }
}

/** Parses JSON text, keeping every repeated object key. */
export function parseJson(text: string): JsonValue {
  return new Parser(text).parseDocument();
}

/** One packet of `tshark -T json`: its `_source.layers` object. */
export type TsharkPacket = JsonObject;

/** The packets of a `tshark -T json` document, in order. */
export function tsharkPackets(text: string): TsharkPacket[] {
  const doc = parseJson(text);
  if (!Array.isArray(doc)) throw new Error('tshark JSON: top level is not an array');
  return doc.map((p, i) => {
    const layers = p instanceof JsonObject ? p.get('_source') : undefined;
    const l = layers instanceof JsonObject ? layers.get('layers') : undefined;
    if (!(l instanceof JsonObject)) throw new Error(`tshark JSON: packet ${i + 1} has no _source.layers`);
    return l;
  });
}

/**
 * Every string value of field `name` in a packet, in document order: outer protocol
 * occurrences first, nested subtrees (`ip.flags_tree`, `geneve.options_tree`, the quoted
 * packet inside an ICMP error ...) where they appear.
 */
export function values(pkt: JsonObject, name: string): string[] {
  const out: string[] = [];
  const walk = (o: JsonObject): void => {
    for (const [k, v] of o.entries) {
      if (k === name && typeof v === 'string') out.push(v);
      if (v instanceof JsonObject) walk(v);
      else if (Array.isArray(v)) for (const x of v) if (x instanceof JsonObject) walk(x);
    }
  };
  walk(pkt);
  return out;
}

/** The protocol objects at the top of the packet ("frame", "eth", "ip", ...), in order. */
export function protocols(pkt: JsonObject): string[] {
  return pkt.keys();
}
