// Every key the UI understands, in one table: the dispatcher looks actions up here and the
// help overlay (`?`) is generated from it, so the two cannot disagree.
import type { KeyEvent } from './blessed.js';

export type ViewId = 'packets' | 'layers' | 'stats' | 'flows' | 'tunnels' | 'hops' | 'alerts' | 'journey';

export type Action =
  | 'quit'
  | 'help'
  | 'filter'
  | 'command'
  | 'nextPane'
  | 'prevPane'
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'pageUp'
  | 'pageDown'
  | 'halfUp'
  | 'halfDown'
  | 'first'
  | 'last'
  | 'toggle'
  | 'expandAll'
  | 'collapseAll'
  | 'cancel'
  | 'nextEvidence'
  | 'prevEvidence'
  | 'sort'
  | 'side'
  | 'search'
  | 'mark'
  | 'jumpMark'
  | 'follow'
  | 'followStream'
  | 'copy'
  | `view:${ViewId}`;

export interface Binding {
  keys: string[];
  action: Action;
  help: string;
  group: string;
}

export interface ViewEntry {
  id: ViewId;
  key: string;
  title: string;
}

/** Views in the order of their number keys. Which exist depends on the modules present. */
export const VIEWS: readonly ViewEntry[] = [
  { id: 'packets', key: '1', title: 'Packets' },
  { id: 'layers', key: '2', title: 'Layers' },
  { id: 'stats', key: '3', title: 'Statistics' },
  { id: 'flows', key: '4', title: 'Flows' },
  { id: 'tunnels', key: '5', title: 'Tunnels' },
  { id: 'hops', key: '6', title: 'Hops' },
  { id: 'alerts', key: '7', title: 'Alerts' },
];

/** With several captures in one list: the selected packet's path through them. */
export const JOURNEY_VIEW: ViewEntry = { id: 'journey', key: '8', title: 'Journey' };

const BINDINGS: Binding[] = [
  { keys: ['q'], action: 'quit', help: 'quit (also Ctrl-C)', group: 'General' },
  { keys: ['C-c'], action: 'quit', help: '', group: 'General' },
  { keys: ['?'], action: 'help', help: 'show or hide this help', group: 'General' },
  { keys: ['/'], action: 'filter', help: 'edit the display filter (Tab completes a field, Enter applies, Esc cancels)', group: 'General' },
  { keys: [':'], action: 'command', help: 'command line (the commands are listed below)', group: 'General' },
  { keys: ['escape'], action: 'cancel', help: 'close an overlay, or stop a running filter', group: 'General' },
  { keys: ['up', 'k'], action: 'up', help: 'previous packet / node / line', group: 'Moving' },
  { keys: ['down', 'j'], action: 'down', help: 'next packet / node / line', group: 'Moving' },
  { keys: ['pageup', 'C-b'], action: 'pageUp', help: 'one page up', group: 'Moving' },
  { keys: ['pagedown'], action: 'pageDown', help: 'one page down', group: 'Moving' },
  { keys: ['C-u'], action: 'halfUp', help: 'half a page up', group: 'Moving' },
  { keys: ['C-d'], action: 'halfDown', help: 'half a page down', group: 'Moving' },
  { keys: ['g', 'home'], action: 'first', help: 'first packet / node / byte', group: 'Moving' },
  { keys: ['G', 'end'], action: 'last', help: 'last packet / node / byte', group: 'Moving' },
  { keys: ['F'], action: 'follow', help: 'live input: follow the newest packet again', group: 'Moving' },
  { keys: ['tab'], action: 'nextPane', help: 'next pane (list → details → bytes); next Statistics page', group: 'Panes and the tree' },
  { keys: ['S-tab'], action: 'prevPane', help: 'previous pane', group: 'Panes and the tree' },
  {
    keys: ['enter', 'space'],
    action: 'toggle',
    help: 'tree: expand or collapse; list: go to the details; other views: open the row',
    group: 'Panes and the tree',
  },
  {
    keys: ['right', 'l'],
    action: 'right',
    help: 'expand / into the node; next byte in the bytes pane; in lists, more columns (then the rest of Info)',
    group: 'Panes and the tree',
  },
  { keys: ['left', 'h'], action: 'left', help: 'collapse / up to the parent; previous byte; in lists, the columns scrolled past', group: 'Panes and the tree' },
  { keys: ['e'], action: 'expandAll', help: 'expand every node of the packet', group: 'Panes and the tree' },
  { keys: ['c'], action: 'collapseAll', help: 'collapse every node', group: 'Panes and the tree' },
  { keys: ['C-f'], action: 'search', help: 'search the pane in focus (list, tree or bytes); n / N: next / previous match', group: 'Search and marks' },
  { keys: ['m'], action: 'mark', help: 'mark the selected packet: m then a letter', group: 'Search and marks' },
  { keys: ["'"], action: 'jumpMark', help: "jump to a marked packet: ' then its letter", group: 'Search and marks' },
  {
    keys: ['f'],
    action: 'followStream',
    help: "follow the packet's TCP/UDP stream (Tab: mode, Esc: back)",
    group: 'Search and marks',
  },
  { keys: ['y'], action: 'copy', help: 'copy the summary, field, bytes or stream (OSC 52; :copy FILE)', group: 'Search and marks' },
  { keys: ['s'], action: 'sort', help: 'sort: Flows, Tunnels, and the Statistics tables (packets, bytes, ...)', group: 'Statistics' },
  { keys: ['i'], action: 'side', help: 'Statistics: outer (node to node) or inner (inside tunnels) side', group: 'Statistics' },
  { keys: ['n'], action: 'nextEvidence', help: 'next frame of the selected alert (or next search match)', group: 'Alerts' },
  { keys: ['N'], action: 'prevEvidence', help: 'previous frame of the selected alert (or previous match)', group: 'Alerts' },
];

/** Normalizes a blessed key event: printable keys as typed ("G", "?"), others by name ("C-d", "S-tab"). */
export function keyName(ch: string | undefined, key: KeyEvent): string | undefined {
  const full = key.full;
  // blessed reports "\r" twice (return, then enter); keep one. "\n" arrives as linefeed.
  if (full === 'return') return undefined;
  if (full === 'linefeed') return 'enter';
  if (ch === ' ') return 'space';
  if (ch && ch.length === 1 && ch >= '!' && ch <= '~' && !key.ctrl && !key.meta) return ch;
  return full;
}

export class Keymap {
  private readonly byKey = new Map<string, Action>();
  readonly bindings: Binding[];

  constructor(readonly views: readonly ViewEntry[]) {
    this.bindings = [
      ...BINDINGS.filter((b) => b.group !== 'Alerts' || views.some((v) => v.id === 'alerts')),
      ...views.map((v) => ({ keys: [v.key], action: `view:${v.id}` as Action, help: `${v.title} view`, group: 'Views' })),
    ];
    for (const b of this.bindings) for (const k of b.keys) this.byKey.set(k, b.action);
  }

  action(name: string): Action | undefined {
    return this.byKey.get(name);
  }

  /** Lines of the help overlay, grouped. */
  helpLines(): { group: string; keys: string; help: string }[] {
    const pretty = (k: string): string =>
      ({
        'C-c': 'Ctrl-C',
        'C-u': 'Ctrl-U',
        'C-d': 'Ctrl-D',
        'C-f': 'Ctrl-F',
        'C-b': 'Ctrl-B',
        'S-tab': 'Shift-Tab',
        pageup: 'PgUp',
        pagedown: 'PgDn',
        escape: 'Esc',
        space: 'Space',
        enter: 'Enter',
        tab: 'Tab',
        up: '↑',
        down: '↓',
        left: '←',
        right: '→',
        home: 'Home',
        end: 'End',
      })[k] ?? k;
    return this.bindings.filter((b) => b.help).map((b) => ({ group: b.group, keys: b.keys.map(pretty).join(' '), help: b.help }));
  }
}

/** Mouse actions, listed in the help overlay after the keys. */
/** What the `:` command line understands, for the help overlay. */
export const COMMAND_HELP = [
  { keys: 'goto N, N', help: 'select frame N' },
  { keys: 'filter TEXT', help: 'apply a display filter' },
  { keys: 'decode T==N PROTO', help: 'decode as: decode udp.port==9000 vxlan (PROTO none undoes it)' },
  { keys: 'column add FIELD', help: 'a packet-list column for any field (inner./outer. pick one header)' },
  { keys: 'column remove|move', help: 'column remove FIELD|N, column move FIELD N; column lists them' },
  { keys: 'copy FILE', help: 'write what y copies to a new file' },
  { keys: 'help, quit', help: 'this help; quit' },
];

export const MOUSE_HELP = [
  { keys: 'click', help: 'select a packet, a tree node or a byte; focuses that pane' },
  { keys: 'wheel', help: 'scroll the pane under the pointer' },
];
