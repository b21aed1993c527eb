// The follow-stream view: a conversation's bytes as each side sent them, one side's lines
// marked → and the other's ←, each in its own colour, as text, a hex dump or raw hex. Lines
// are made once per chunk as the search finds them (again only when the mode or width changes).
import { endpointText, type StreamChunk } from '../../analysis/follow.js';
import type { StreamSession } from '../stream-session.js';
import { Cursor, clip, fit, paragraph, thousands } from '../text.js';
import type { Role, Theme } from '../theme.js';

export type StreamMode = 'text' | 'hex' | 'raw';
const MODES: readonly StreamMode[] = ['text', 'hex', 'raw'];
const GUTTER = ['→ ', '← '];
const SIDE: Role[] = ['stream0', 'stream1'];
/** Lines above the bytes: the title, who sent what, and the tunnel (when there is one). */
const HEAD = 3;

interface StreamLine {
  node: 0 | 1;
  text: string;
  frame: number;
  marker?: boolean;
}

const printable = (c: number): string => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.');
const bytesText = (n: number): string => `${thousands(n)} byte${n === 1 ? '' : 's'}`;

/** A chunk as text lines: CR LF and LF end a line, a tab goes to the next multiple of 8, other controls are '.'. */
function textLines(data: Uint8Array, width: number): string[] {
  const out: string[] = [];
  let line = '';
  const flush = (): void => {
    if (line.length === 0) out.push('');
    for (let k = 0; k < line.length; k += width) out.push(line.slice(k, k + width));
    line = '';
  };
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    if (c === 0x0a) flush();
    else if (c === 0x0d && data[i + 1] === 0x0a) continue;
    else if (c === 0x09) line += ' '.repeat(8 - (line.length % 8));
    else line += printable(c);
  }
  if (line.length > 0) flush();
  return out;
}

function hexLines(data: Uint8Array, offset: number, perLine: number): string[] {
  const out: string[] = [];
  for (let at = 0; at < data.length; at += perLine) {
    let hex = '';
    let text = '';
    for (let k = 0; k < perLine; k++) {
      const c = data[at + k];
      hex += c === undefined ? '   ' : `${c.toString(16).padStart(2, '0')} `;
      if (k === 7 && perLine > 8) hex += ' ';
      if (c !== undefined) text += printable(c);
    }
    out.push(`${(offset + at).toString(16).padStart(8, '0')}  ${hex} ${text}`);
  }
  return out;
}

/** Where each side's packets travelled: one tunnel for both, or each side's (VXLAN picks a VNI per sender). */
function tunnelNotes([to, back]: readonly (string | undefined)[]): string[] {
  if (to && back && to !== back) return [`→ in ${to}`, `← in ${back}`];
  const one = to ?? back;
  return one ? [`inside ${one}`] : [];
}

export class StreamView {
  mode: StreamMode = 'text';
  readonly cursor = new Cursor();
  private page = 1;
  private lines: StreamLine[] = [];
  private made = { chunks: 0, mode: this.mode, width: 0, session: undefined as StreamSession | undefined, offsets: [0, 0] };
  /**
   * Until the user moves: the frame whose bytes the cursor goes to when they show up (the
   * followed packet's, or the one selected before Tab), and the first line not looked at yet.
   */
  private anchor: { frame: number; scanned: number } | undefined;

  constructor(private readonly theme: Theme) {}

  nextMode(): void {
    this.mode = MODES[(MODES.indexOf(this.mode) + 1) % MODES.length]!;
    const frame = this.selectedFrame();
    if (frame !== undefined) this.anchor = { frame, scanned: 0 };
    this.cursor.selected = 0;
    this.cursor.top = 0;
  }

  move(delta: number): void {
    this.anchor = undefined;
    this.cursor.move(delta, this.lines.length, this.page);
  }

  pageSize(): number {
    return this.page;
  }

  /** The frame that carried the selected line's bytes. */
  selectedFrame(): number | undefined {
    return this.lines[this.cursor.selected]?.frame;
  }

  render(session: StreamSession, width: number, height: number): string[] {
    const th = this.theme;
    const f = session.follow;
    this.update(session, width);

    const [a, b] = f.nodes ?? session.ends;
    const title = ` Follow ${session.proto.toUpperCase()} stream ${endpointText(a)} ⇄ ${endpointText(b)}`;
    const room = width - title.length - 2;
    const keys = [`${this.mode}   Tab: text/hex/raw   Enter: packet   Esc: back `, `${this.mode} `].find((k) => k.length <= room) ?? '';
    const out = [th.paint('titleFocused', keys ? title + ' '.repeat(width - title.length - keys.length) + keys : fit(title, width))];

    const searching = session.searching ? `   searching ${Math.floor(session.fraction * 100)}%` : '';
    const repeated = f.repeated ? `, ${thousands(f.repeated)} repeated` : '';
    const summary =
      th.paint('stream0', `→ ${bytesText(f.bytes[0])}`) +
      '   ' +
      th.paint('stream1', `← ${bytesText(f.bytes[1])}`) +
      clip(`   ${thousands(session.packets)} packet${session.packets === 1 ? '' : 's'}${repeated}${searching}`, Math.max(0, width - 30));
    out.push(summary);
    const notes = [
      ...tunnelNotes(session.tunnels),
      f.cut ? `showing the first ${bytesText(this.shownBytes(session))}` : '',
      f.waiting ? `${thousands(f.waiting)} segment${f.waiting === 1 ? '' : 's'} past a gap not shown` : '',
    ].filter(Boolean);
    // The notes wrap (a tunnel for each side is long) rather than hide the second side's VNI.
    const noteLines = notes.length ? paragraph(notes.join('; '), width).slice(0, 2) : [fit('', width)];
    for (const l of noteLines) out.push(th.paint('dim', l));
    this.page = Math.max(1, height - HEAD - (noteLines.length - 1));
    this.cursor.clamp(this.lines.length, this.page);

    if (this.lines.length === 0) {
      out.push(fit(session.searching ? ' Searching the capture for the conversation…' : ' No payload bytes in this conversation.', width));
      return out;
    }
    const { top } = this.cursor;
    for (let r = top; r < Math.min(this.lines.length, top + this.page); r++) {
      const line = this.lines[r]!;
      const text = fit(GUTTER[line.node]! + line.text, width);
      if (r === this.cursor.selected) out.push(th.paint('selected', text));
      else out.push(th.paint(line.marker ? 'warning' : SIDE[line.node]!, text));
    }
    return out;
  }

  private shownBytes(session: StreamSession): number {
    let n = 0;
    for (const c of session.follow.chunks) n += c.data.length;
    return n;
  }

  /** Adds the lines of chunks found since the last render; all of them again after a mode or width change. */
  private update(session: StreamSession, width: number): void {
    const m = this.made;
    if (m.session !== session || m.mode !== this.mode || m.width !== width) {
      if (m.session !== session) {
        this.cursor.selected = 0;
        this.cursor.top = 0;
        this.anchor = { frame: session.fromFrame, scanned: 0 };
      } else if (m.width !== width && !this.anchor) {
        const frame = this.selectedFrame();
        if (frame !== undefined) this.anchor = { frame, scanned: 0 };
      }
      this.lines = [];
      this.made = { chunks: 0, mode: this.mode, width, session, offsets: [0, 0] };
    }
    const chunks = session.follow.chunks;
    for (let i = this.made.chunks; i < chunks.length; i++) this.addChunk(chunks[i]!, width - GUTTER[0]!.length);
    this.made.chunks = chunks.length;
    this.placeAnchor(session);
  }

  /** Puts the cursor on the first line carried by the anchor frame or a later one, once it exists. */
  private placeAnchor(session: StreamSession): void {
    const a = this.anchor;
    if (!a) return;
    for (; a.scanned < this.lines.length; a.scanned++) {
      if (this.lines[a.scanned]!.frame < a.frame) continue;
      this.cursor.selected = a.scanned;
      this.cursor.top = Math.max(0, a.scanned - 2);
      this.anchor = undefined;
      return;
    }
    // The whole stream is in and nothing came at or after that frame: the cursor stays put.
    if (!session.searching) this.anchor = undefined;
  }

  private addChunk(chunk: StreamChunk, width: number): void {
    const push = (text: string, marker = false): void => {
      this.lines.push(marker ? { node: chunk.node, text, frame: chunk.frame, marker } : { node: chunk.node, text, frame: chunk.frame });
    };
    if (chunk.missing !== undefined) return push(`[${thousands(chunk.missing)} bytes missing in the capture]`, true);
    const offsets = this.made.offsets;
    if (this.mode === 'text') for (const t of textLines(chunk.data, Math.max(8, width))) push(t);
    else if (this.mode === 'hex') for (const t of hexLines(chunk.data, offsets[chunk.node]!, width >= 76 ? 16 : 8)) push(t);
    else {
      const hex = Buffer.from(chunk.data).toString('hex');
      const step = Math.max(2, width - (width % 2));
      for (let k = 0; k < hex.length; k += step) push(hex.slice(k, k + step));
    }
    offsets[chunk.node]! += chunk.data.length;
  }
}
