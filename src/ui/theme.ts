// Colours of the terminal UI. Views never name colours: they ask for a role ("selected",
// "filterBad", "proto.dns") and the theme turns it into SGR attributes, which blessed parses
// out of element content. Three palettes: 256 colours, the 16 ANSI colours, and "mono" for
// NO_COLOR (https://no-color.org), which uses only bold, underline and inverse.

export type ColorDepth = 256 | 16 | 0;

export type Role =
  | 'header'
  | 'title'
  | 'titleFocused'
  | 'selected'
  | 'selectedDim'
  | 'highlight'
  | 'cursor'
  | 'dim'
  | 'key'
  | 'filterOk'
  | 'filterBad'
  | 'filterIdle'
  | 'status'
  | 'statusAccent'
  | 'progress'
  | 'error'
  | 'warning'
  | 'note'
  | 'good'
  | 'forwarded'
  | 'misroute'
  | 'proto.tunnel'
  | 'proto.icmp'
  | 'proto.tcp'
  | 'proto.tcpFlags'
  | 'proto.udp'
  | 'proto.arp'
  | 'proto.dns'
  | 'proto.http'
  | 'layer0'
  | 'layer1'
  | 'layer2'
  | 'layer3'
  | 'edge0'
  | 'edge1'
  | 'edge2'
  | 'edge3'
  | 'stream0'
  | 'stream1';

/** An attribute: SGR parameters such as "1;38;5;33". */
type Attr = string;

const P256: Record<Role, Attr> = {
  header: '1;38;5;252;48;5;238',
  title: '38;5;250;48;5;236',
  titleFocused: '1;38;5;231;48;5;25',
  selected: '38;5;231;48;5;25',
  selectedDim: '38;5;231;48;5;240',
  highlight: '38;5;16;48;5;179',
  cursor: '1;38;5;16;48;5;45',
  dim: '38;5;244',
  key: '1;38;5;179',
  filterOk: '38;5;16;48;5;114',
  filterBad: '38;5;231;48;5;124',
  filterIdle: '38;5;252;48;5;236',
  status: '38;5;252;48;5;236',
  statusAccent: '1;38;5;231;48;5;236',
  progress: '38;5;16;48;5;72',
  error: '1;38;5;203',
  warning: '38;5;214',
  note: '38;5;111',
  good: '38;5;114',
  forwarded: '38;5;244',
  misroute: '1;38;5;203',
  'proto.tunnel': '38;5;117',
  'proto.icmp': '38;5;183',
  'proto.tcp': '38;5;252',
  'proto.tcpFlags': '38;5;150',
  'proto.udp': '38;5;152',
  'proto.arp': '38;5;222',
  'proto.dns': '38;5;110',
  'proto.http': '38;5;114',
  layer0: '38;5;16;48;5;110',
  layer1: '38;5;16;48;5;150',
  layer2: '38;5;16;48;5;222',
  layer3: '38;5;16;48;5;183',
  edge0: '38;5;110',
  edge1: '38;5;150',
  edge2: '38;5;222',
  edge3: '38;5;183',
  // Follow stream: the two sides of a conversation, in Wireshark's red and blue.
  stream0: '38;5;210',
  stream1: '38;5;111',
};

const P16: Record<Role, Attr> = {
  header: '1;37;44',
  title: '37;40',
  titleFocused: '1;97;44',
  selected: '97;44',
  selectedDim: '30;47',
  highlight: '30;43',
  cursor: '1;30;46',
  dim: '90',
  key: '1;33',
  filterOk: '30;42',
  filterBad: '97;41',
  filterIdle: '37;40',
  status: '30;47',
  statusAccent: '1;30;47',
  progress: '30;42',
  error: '1;91',
  warning: '93',
  note: '96',
  good: '92',
  forwarded: '90',
  misroute: '1;91',
  'proto.tunnel': '96',
  'proto.icmp': '95',
  'proto.tcp': '37',
  'proto.tcpFlags': '92',
  'proto.udp': '36',
  'proto.arp': '33',
  'proto.dns': '94',
  'proto.http': '32',
  layer0: '30;46',
  layer1: '30;42',
  layer2: '30;43',
  layer3: '30;45',
  edge0: '36',
  edge1: '32',
  edge2: '33',
  edge3: '35',
  stream0: '91',
  stream1: '94',
};

// --theme light: the roles whose dark-background colours would vanish on a light one.
const LIGHT256: Partial<Record<Role, Attr>> = {
  dim: '38;5;242',
  key: '1;38;5;130',
  warning: '38;5;166',
  note: '38;5;25',
  good: '38;5;28',
  error: '1;38;5;160',
  misroute: '1;38;5;160',
  forwarded: '38;5;242',
  'proto.tunnel': '38;5;24',
  'proto.icmp': '38;5;90',
  'proto.tcp': '38;5;236',
  'proto.tcpFlags': '38;5;28',
  'proto.udp': '38;5;30',
  'proto.arp': '38;5;94',
  'proto.dns': '38;5;25',
  'proto.http': '38;5;28',
  edge0: '38;5;25',
  edge1: '38;5;28',
  edge2: '38;5;130',
  edge3: '38;5;90',
  stream0: '38;5;124',
  stream1: '38;5;19',
};

const LIGHT16: Partial<Record<Role, Attr>> = {
  dim: '90',
  key: '1;34',
  warning: '31',
  note: '34',
  good: '32',
  error: '1;31',
  misroute: '1;31',
  'proto.tunnel': '34',
  'proto.icmp': '35',
  'proto.tcp': '30',
  'proto.tcpFlags': '32',
  'proto.udp': '36',
  'proto.arp': '33',
  'proto.dns': '34',
  'proto.http': '32',
  edge0: '34',
  edge1: '32',
  edge2: '33',
  edge3: '35',
  stream0: '31',
  stream1: '34',
};

export type ThemeName = 'dark' | 'light';

// NO_COLOR: attributes only, chosen so every state stays distinguishable.
const MONO: Record<Role, Attr> = {
  header: '1;4',
  title: '4',
  titleFocused: '1;7',
  selected: '7',
  // Bold as well as underlined: an unfocused selection on a bold top-level tree node still shows.
  selectedDim: '1;4',
  highlight: '7',
  cursor: '1;4;7',
  dim: '',
  key: '1',
  filterOk: '',
  filterBad: '1',
  filterIdle: '',
  status: '7',
  statusAccent: '1;7',
  progress: '',
  error: '1',
  warning: '1',
  note: '',
  good: '',
  forwarded: '',
  misroute: '1;4',
  'proto.tunnel': '',
  'proto.icmp': '',
  'proto.tcp': '',
  'proto.tcpFlags': '',
  'proto.udp': '',
  'proto.arp': '',
  'proto.dns': '',
  'proto.http': '',
  layer0: '7',
  layer1: '',
  layer2: '7',
  layer3: '',
  edge0: '',
  edge1: '',
  edge2: '',
  edge3: '',
  // The → and ← marks tell the sides apart; the other side's bytes are also bold.
  stream0: '',
  stream1: '1',
};

export const RESET = '\x1b[0m';

export class Theme {
  readonly mono: boolean;
  private readonly attrs: Record<Role, string>;

  constructor(
    readonly depth: ColorDepth,
    readonly name: ThemeName = 'dark',
  ) {
    this.mono = depth === 0;
    const base = depth === 256 ? P256 : depth === 16 ? P16 : MONO;
    const palette = name === 'light' && depth !== 0 ? { ...base, ...(depth === 256 ? LIGHT256 : LIGHT16) } : base;
    this.attrs = Object.fromEntries(Object.entries(palette).map(([k, v]) => [k, v ? `\x1b[${v}m` : ''])) as Record<Role, string>;
  }

  /** The escape sequence that starts a role ("" when the role has no attributes). */
  open(role: Role): string {
    return this.attrs[role];
  }

  /** Text in a role, followed by a reset. The text must already be safe (see safeText). */
  paint(role: Role, text: string): string {
    const a = this.attrs[role];
    return a ? a + text + RESET : text;
  }
}

/**
 * The palette for this environment: NO_COLOR (any non-empty value) wins, then an explicit
 * depth, then what the terminal says it supports.
 */
export function chooseDepth(env: NodeJS.ProcessEnv, terminalColors: number, explicit?: ColorDepth, terminal = env.TERM): ColorDepth {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (explicit !== undefined) return explicit;
  // A dumb terminal understands no attributes at all, whatever terminfo says about colours.
  if (terminal === 'dumb' || terminalColors < 8) return 0;
  if (/^(truecolor|24bit)$/i.test(env.COLORTERM ?? '')) return 256;
  return terminalColors >= 256 ? 256 : 16;
}
