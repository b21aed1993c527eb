// Bytes handed from the printing worker to the main thread through shared memory: a ring of
// slots the worker fills in order and the main thread empties in order, so the worker runs
// at most a ring ahead and the hand-over holds a fixed amount of memory. A slot with no bytes
// and the end mark closes a batch. Both sides wait with Atomics; the control words also say
// when the main thread wants no more (stop), the worker failed, or the worker has finished.

const STOP = 0;
const FAILED = 1;
const FINISHED = 2;
const HEARTBEAT = 3;
const CONTROL_WORDS = 4;
const SLOT_WORDS = 4;
// A slot's words: whether it is full, how many bytes it holds, whether it ends a batch, and the
// batch's tag on an end (the worker's last frame number, for the main thread to check).
const FULL = 0;
const LENGTH = 1;
const END = 2;
const TAG = 3;

/** Milliseconds of one wait before the flags are looked at again. */
const WAIT_SLICE = 200;
/**
 * A worker that dies without a word (out of memory) cannot tell a main thread blocked in
 * Atomics.wait, whose event loop is not running: with no heartbeat for this long, it has failed.
 */
const SILENT_MS = 60_000;

export interface ChunkRingShape {
  slots: number;
  slotBytes: number;
}

export class ChunkRing {
  readonly shared: SharedArrayBuffer;
  private readonly words: Int32Array;
  private readonly data: Uint8Array;
  /** The next slot this side fills (worker) or empties (main thread). */
  private next = 0;

  constructor(
    readonly shape: ChunkRingShape,
    shared?: SharedArrayBuffer,
  ) {
    const wordBytes = 4 * (CONTROL_WORDS + SLOT_WORDS * shape.slots);
    this.shared = shared ?? new SharedArrayBuffer(wordBytes + shape.slots * shape.slotBytes);
    this.words = new Int32Array(this.shared, 0, wordBytes / 4);
    this.data = new Uint8Array(this.shared, wordBytes);
  }

  get stopped(): boolean {
    return Atomics.load(this.words, STOP) !== 0;
  }

  get failed(): boolean {
    return Atomics.load(this.words, FAILED) !== 0;
  }

  get finished(): boolean {
    return Atomics.load(this.words, FINISHED) !== 0;
  }

  /** Main thread: the worker is to stop at its next wait or frame. */
  stop(): void {
    this.raise(STOP);
  }

  /** Worker: it has failed (its message goes by another way). */
  fail(): void {
    this.raise(FAILED);
  }

  /** Worker: still alive (called for every chunk read and every packet printed). */
  beat(): void {
    Atomics.add(this.words, HEARTBEAT, 1);
  }

  /** Worker: everything it will ever put is in the ring. */
  finish(): void {
    this.raise(FINISHED);
  }

  private raise(flag: number): void {
    Atomics.store(this.words, flag, 1);
    for (let s = 0; s < this.shape.slots; s++) Atomics.notify(this.words, this.slotWord(s, FULL));
  }

  private slotWord(slot: number, word: number): number {
    return CONTROL_WORDS + SLOT_WORDS * slot + word;
  }

  /** Worker: copies up to a slot of bytes[offset, offset+length) into the next slot; 0 when it is still full. */
  put(bytes: Uint8Array, offset: number, length: number): number {
    const s = this.next;
    if (Atomics.load(this.words, this.slotWord(s, FULL)) !== 0) return 0;
    const n = Math.min(length, this.shape.slotBytes);
    this.data.set(bytes.subarray(offset, offset + n), s * this.shape.slotBytes);
    this.publish(s, n, false);
    return n;
  }

  /** Worker: ends the batch under way with its tag; false when the main thread stopped first. */
  endBatch(tag: number): boolean {
    while (!this.waitForRoom()) if (this.stopped) return false;
    this.publish(this.next, 0, true, tag);
    return true;
  }

  private publish(slot: number, length: number, end: boolean, tag = 0): void {
    this.words[this.slotWord(slot, LENGTH)] = length;
    this.words[this.slotWord(slot, END)] = end ? 1 : 0;
    this.words[this.slotWord(slot, TAG)] = tag;
    Atomics.store(this.words, this.slotWord(slot, FULL), 1);
    Atomics.notify(this.words, this.slotWord(slot, FULL));
    this.next = (slot + 1) % this.shape.slots;
  }

  /** Worker: waits a while for the next slot to be emptied; true once it is. */
  waitForRoom(): boolean {
    const full = this.slotWord(this.next, FULL);
    if (Atomics.load(this.words, full) === 0) return true;
    if (this.stopped) return false;
    Atomics.wait(this.words, full, 1, WAIT_SLICE);
    return Atomics.load(this.words, full) === 0;
  }

  /** The tag of the last batch takeBatch ended. */
  lastTag = 0;

  /**
   * Main thread: hands each chunk of the next batch to `write`, in order, until the batch's end.
   * Returns 'end' after it (its tag in lastTag), or why it cannot come: 'failed' (the worker said
   * so, or has been silent too long) or 'missing' (the worker finished without it).
   */
  takeBatch(write: (bytes: Uint8Array) => void): 'end' | 'failed' | 'missing' {
    for (;;) {
      const s = this.next;
      const full = this.slotWord(s, FULL);
      let beat = Atomics.load(this.words, HEARTBEAT);
      let heard = Date.now();
      while (Atomics.load(this.words, full) === 0) {
        if (this.failed) return 'failed';
        const now = Atomics.load(this.words, HEARTBEAT);
        if (now !== beat) {
          beat = now;
          heard = Date.now();
        } else if (Date.now() - heard > SILENT_MS) return 'failed';
        // Finished with this slot still empty: read again in case the last put came just before the flag.
        if (this.finished && Atomics.load(this.words, full) === 0) return 'missing';
        Atomics.wait(this.words, full, 0, WAIT_SLICE);
      }
      const length = this.words[this.slotWord(s, LENGTH)]!;
      const end = this.words[this.slotWord(s, END)] === 1;
      if (end) this.lastTag = this.words[this.slotWord(s, TAG)]!;
      if (length > 0) write(this.data.subarray(s * this.shape.slotBytes, s * this.shape.slotBytes + length));
      Atomics.store(this.words, full, 0);
      Atomics.notify(this.words, full);
      this.next = (s + 1) % this.shape.slots;
      if (end) return 'end';
    }
  }
}
