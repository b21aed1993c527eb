// Search (Ctrl-F) in the pane in focus, with n / N for the next and previous match: packet
// summaries in the list (a slice at a time, so a million packets never freeze the screen),
// node labels in the detail tree, and bytes in the hex pane (as text, or as hex digits).
import { msg } from '../errors.js';
import type { UiState } from './app-state.js';

/** Rows of the list searched between two renders. */
const SLICE = 4000;

/** The bytes a search text stands for: "de ad be ef" / "deadbeef" as hex, anything else as ASCII. */
export function searchBytes(text: string): Uint8Array {
  const hex = text.replace(/\s+/g, '');
  if (/^([0-9a-f]{2})+$/i.test(hex) && (hex.length >= 4 || /\s/.test(text))) {
    return Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
  }
  return Uint8Array.from([...text].map((c) => c.charCodeAt(0) & 0xff));
}

export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number, dir: 1 | -1): number {
  if (!needle.length) return -1;
  for (let i = from; i >= 0 && i + needle.length <= hay.length; i += dir) {
    let k = 0;
    while (k < needle.length && hay[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
  }
  return -1;
}

export class Search {
  text = '';
  private job = 0;

  constructor(
    private readonly s: UiState,
    private readonly requestRender: () => void,
  ) {}

  /** Whether a search is still going through the list. */
  running = false;

  start(text: string): void {
    this.text = text;
    if (text) this.step(1);
  }

  step(dir: 1 | -1): void {
    const s = this.s;
    if (!this.text) return;
    if (s.view === 'packets' && s.focus === 'detail') return this.inTree(dir);
    if (s.view === 'packets' && s.focus === 'hex') return this.inBytes(dir);
    this.inList(dir);
  }

  cancel(): void {
    this.job++;
    this.running = false;
  }

  private inTree(dir: 1 | -1): void {
    const d = this.s.detail;
    d.setAll(true);
    const nodes = d.nodes;
    const needle = this.text.toLowerCase();
    for (let k = 1; k <= nodes.length; k++) {
      const i = (((d.selected + dir * k) % nodes.length) + nodes.length) % nodes.length;
      if (nodes[i]!.node.label.toLowerCase().includes(needle)) {
        d.moveTo(i);
        const r = d.selectedRange();
        if (r) this.s.hex.moveCursor(r.start);
        return this.s.setMessage(msg.uiSearchFound(this.text, 'in the tree'), 'good');
      }
    }
    this.s.setMessage(msg.uiSearchNotFound(this.text, 'in this packet’s tree'), 'warning');
  }

  private inBytes(dir: 1 | -1): void {
    const h = this.s.hex;
    const needle = searchBytes(this.text);
    let at = indexOfBytes(h.bytes, needle, h.cursor + dir, dir);
    if (at < 0) at = indexOfBytes(h.bytes, needle, dir === 1 ? 0 : h.bytes.length - needle.length, dir);
    if (at < 0) return this.s.setMessage(msg.uiSearchNotFound(this.text, 'in this packet’s bytes'), 'warning');
    h.moveCursor(at);
    this.s.detail.selectByte(at);
    this.s.setMessage(msg.uiSearchFound(this.text, `at offset ${at}`), 'good');
  }

  /** Searches the summaries (addresses, protocol, info) of the rows after (or before) the selection. */
  private inList(dir: 1 | -1): void {
    const s = this.s;
    const rows = s.rows;
    const store = s.store;
    if (!rows || !store || !rows.length) return;
    const job = ++this.job;
    const needle = this.text.toLowerCase();
    const n = rows.length;
    const from = s.list.selected;
    let k = 1;
    this.running = true;
    const slice = (): void => {
      if (job !== this.job || s.disposed) return;
      const end = Math.min(n, k + SLICE);
      for (; k <= end && k <= n; k++) {
        const row = (((from + dir * k) % n) + n) % n;
        const sum = store.summary(rows.position(row));
        const t = sum.tunnel;
        const text = `${sum.source} ${sum.destination} ${sum.protocol} ${sum.info} ${sum.interfaceName ?? ''} ${t ? `${t.outerSource} ${t.outerDestination} ${t.kind} ${t.vni}` : ''}`;
        if (text.toLowerCase().includes(needle)) {
          this.running = false;
          s.list.select(row, n);
          s.follow = false;
          s.setMessage(msg.uiSearchFound(this.text, `in frame ${rows.position(row) + 1}`), 'good');
          return this.requestRender();
        }
      }
      if (k > n) {
        this.running = false;
        s.setMessage(msg.uiSearchNotFound(this.text, 'in the packets shown'), 'warning');
        return this.requestRender();
      }
      s.setMessage(msg.uiSearching(this.text, k, n), 'note');
      this.requestRender();
      setImmediate(slice);
    };
    slice();
  }
}
