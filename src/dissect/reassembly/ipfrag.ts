// IPv4 and IPv6 fragment reassembly for sequential passes (printing, filtering a file).
// Memory is bounded: a limited number of datagrams and bytes are held, the oldest are
// dropped first, and a datagram whose fragments stop arriving expires.

export interface ReassemblyLimits {
  /** Datagrams waiting for fragments at once. */
  maxDatagrams: number;
  /** Payload bytes held across all waiting datagrams. */
  maxBytes: number;
  /** Seconds (capture time) after the first fragment that a datagram may take to complete. */
  timeoutSeconds: number;
  /** Largest datagram accepted (IPv4 and IPv6 without jumbograms: 65535). */
  maxDatagramBytes: number;
}

export const DEFAULT_LIMITS: ReassemblyLimits = {
  maxDatagrams: 4096,
  maxBytes: 16 * 1024 * 1024,
  timeoutSeconds: 60,
  maxDatagramBytes: 65535,
};

interface Fragment {
  offset: number;
  data: Uint8Array;
  frame: number;
}

interface Datagram {
  fragments: Fragment[];
  /** Known once the fragment without "more fragments" arrives. */
  total: number | undefined;
  firstSeen: number;
  bytes: number;
}

export interface Reassembled {
  payload: Uint8Array;
  /** Frame numbers of the fragments, in offset order. */
  frames: number[];
  /** Fragments overlapped with different bytes (an evasion attempt or a broken sender). */
  conflict: boolean;
}

export class IpReassembler {
  private readonly waiting = new Map<string, Datagram>();
  private held = 0;

  constructor(private readonly limits: ReassemblyLimits = DEFAULT_LIMITS) {}

  /** Bytes currently held, for tests of the memory bound. */
  get heldBytes(): number {
    return this.held;
  }

  get pending(): number {
    return this.waiting.size;
  }

  /**
   * Adds one fragment's payload (copied). Returns the whole datagram's payload when this
   * fragment completes it, otherwise undefined.
   */
  add(key: string, offset: number, data: Uint8Array, more: boolean, frame: number, time: number): Reassembled | undefined {
    this.expire(time);
    if (offset + data.length > this.limits.maxDatagramBytes) return undefined;
    let d = this.waiting.get(key);
    if (!d) {
      d = { fragments: [], total: undefined, firstSeen: time, bytes: 0 };
      this.waiting.set(key, d);
    }
    d.fragments.push({ offset, data: data.slice(), frame });
    d.bytes += data.length;
    this.held += data.length;
    if (!more) d.total = offset + data.length;
    const done = this.complete(d);
    if (done) {
      this.drop(key, d);
      return done;
    }
    this.enforceLimits();
    return undefined;
  }

  private complete(d: Datagram): Reassembled | undefined {
    if (d.total === undefined) return undefined;
    const sorted = [...d.fragments].sort((a, b) => a.offset - b.offset);
    let covered = 0;
    for (const f of sorted) {
      if (f.offset > covered) return undefined;
      covered = Math.max(covered, f.offset + f.data.length);
    }
    if (covered < d.total) return undefined;
    const payload = new Uint8Array(d.total);
    // Earlier-arriving data wins where fragments overlap; a later fragment that disagrees
    // with what is already there is a conflict (tshark's "Conflicting data in fragment overlap").
    const written = new Uint8Array(d.total);
    let conflict = false;
    for (const f of d.fragments) {
      const n = Math.max(0, Math.min(f.data.length, d.total - f.offset));
      for (let k = 0; k < n; k++) {
        const at = f.offset + k;
        if (written[at]) {
          if (payload[at] !== f.data[k]) conflict = true;
        } else {
          payload[at] = f.data[k]!;
          written[at] = 1;
        }
      }
    }
    return { payload, frames: sorted.map((f) => f.frame), conflict };
  }

  private drop(key: string, d: Datagram): void {
    this.waiting.delete(key);
    this.held -= d.bytes;
  }

  private expire(now: number): void {
    for (const [key, d] of this.waiting) {
      if (now - d.firstSeen <= this.limits.timeoutSeconds) break; // insertion order is arrival order
      this.drop(key, d);
    }
  }

  private enforceLimits(): void {
    while (this.waiting.size > this.limits.maxDatagrams || this.held > this.limits.maxBytes) {
      const oldest = this.waiting.entries().next().value as [string, Datagram] | undefined;
      if (!oldest) break;
      this.drop(oldest[0], oldest[1]);
    }
  }
}
