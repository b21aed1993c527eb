// The Statistics view, drawn with blessed-contrib: packets per second over time (line
// chart), the protocol hierarchy (bar chart), and the top talkers outside and inside the
// tunnels (tables). It only draws a StatsModel; stats-model.ts (or the analysis module)
// fills it.
import { TUNNEL_SHORT_NAMES } from '../../dissect/encap/index.js';
import { contrib, type BarChart, type Box, type LineChart, type Table } from '../blessed.js';
import type { StatsModel, Talker } from '../stats-model.js';
import { monoSgr, type Theme } from '../theme.js';
import { thousands } from '../text.js';

interface Area {
  left: number;
  top: number;
  width: number;
  height: number;
}

const SHORT: Record<string, string> = { Ethernet: 'Eth', 'VXLAN-GPE': 'GPE', Geneve: 'GENEVE', '802.1Q': 'VLAN' };

/** Bars for the hierarchy: the most common nodes, kept in depth-first order, inner ones marked "i". */
export function hierarchyBars(model: StatsModel, max: number): { titles: string[]; data: number[] } {
  const nodes = model.hierarchy.map((h, i) => ({ ...h, i }));
  // A node is inner when an ancestor on its path is a tunnel header.
  const inner: boolean[] = [];
  const stack: { depth: number; tunnel: boolean }[] = [];
  for (const n of nodes) {
    while (stack.length && stack[stack.length - 1]!.depth >= n.depth) stack.pop();
    const under = stack.some((s) => s.tunnel);
    inner.push(under);
    stack.push({ depth: n.depth, tunnel: TUNNEL_SHORT_NAMES.has(n.name) });
  }
  const keep = new Set([...nodes].sort((a, b) => b.packets - a.packets).slice(0, max).map((n) => n.i));
  const picked = nodes.filter((n) => keep.has(n.i));
  return {
    titles: picked.map((n) => (inner[n.i] ? 'i' : '') + (SHORT[n.name] ?? n.name)),
    data: picked.map((n) => n.packets),
  };
}

function talkerRows(list: Talker[]): string[][] {
  return list.map((t) => [`${t.a} ↔ ${t.b}`, thousands(t.packets), thousands(t.bytes)]);
}

export class StatsView {
  private line: LineChart | undefined;
  private bar: BarChart | undefined;
  private outer: Table | undefined;
  private inner: Table | undefined;
  private area: Area | undefined;

  constructor(
    private readonly theme: Theme,
    private readonly parent: Box,
  ) {}

  /**
   * contrib canvases create their drawing context on 'attach', which they listen for only
   * after blessed has already attached a widget given a `parent`: so widgets are made
   * detached and appended here.
   */
  private monoize<T extends Box>(w: T): T {
    this.parent.append(w);
    if (!this.theme.mono) return w;
    const set = w.setContent.bind(w);
    w.setContent = (text: string) => set(monoSgr(text));
    return w;
  }

  private border(): Record<string, unknown> {
    return this.theme.mono ? { border: { type: 'line' } } : { border: { type: 'line' }, style: { border: { fg: 'gray' }, label: { fg: 'white' } } };
  }

  /** (Re)creates the widgets for an area; contrib canvases are sized when they are attached. */
  private build(area: Area): void {
    this.destroy();
    const th = this.theme;
    const topH = Math.max(8, Math.floor(area.height * 0.5));
    const lineW = Math.floor(area.width * 0.55);
    const botH = Math.max(5, area.height - topH);
    const halfW = Math.floor(area.width / 2);
    this.line = this.monoize(
      contrib.line({
        left: 0,
        top: 0,
        width: lineW,
        height: topH,
        label: ' Packets per second ',
        showLegend: false,
        wholeNumbersOnly: false,
        style: { line: th.contribColor('cyan'), text: th.contribColor('white'), baseline: th.contribColor('white') },
        ...this.border(),
      }),
    );
    this.bar = this.monoize(
      contrib.bar({
        left: lineW,
        top: 0,
        width: area.width - lineW,
        height: topH,
        label: ' Protocol hierarchy (packets; i = inside the tunnel) ',
        barWidth: 5,
        barSpacing: 7,
        xOffset: 1,
        maxHeight: 1,
        barBgColor: th.contribColor('blue'),
        barFgColor: th.contribColor('white'),
        labelColor: th.contribColor('white'),
        ...this.border(),
      }),
    );
    const table = (left: number, width: number, label: string): Table =>
      this.monoize(
        contrib.table({
            left,
          top: topH,
          width,
          height: botH,
          label,
          interactive: false,
          keys: false,
          fg: th.mono ? 'default' : 'white',
          columnSpacing: 1,
          columnWidth: [Math.max(10, width - 24), 9, 11],
          ...this.border(),
        }),
      );
    this.outer = table(0, halfW, ' Top talkers: outer (node to node) ');
    this.inner = table(halfW, area.width - halfW, ' Top talkers: inner (pod to pod, inside tunnels) ');
    this.area = area;
  }

  layout(area: Area): void {
    const a = this.area;
    if (!a || a.width !== area.width || a.height !== area.height || a.left !== area.left || a.top !== area.top) this.build(area);
  }

  update(model: StatsModel): void {
    if (!this.line || !this.bar || !this.outer || !this.inner || !this.area) return;
    const r = model.rate;
    const labelEvery = Math.max(1, Math.ceil(r.x.length / Math.max(1, Math.floor(this.area.width * 0.55 - 12) / 7)));
    (this.line as unknown as { options: { showNthLabel: number } }).options.showNthLabel = labelEvery;
    const x = r.x.length ? r.x : ['0'];
    const y = r.y.length ? r.y : [0];
    this.line.setData([{ title: 'pkt/s', x, y, style: { line: this.theme.contribColor('cyan') } }]);
    const per = r.bucketSeconds >= 1 ? `${r.bucketSeconds} s` : `${r.bucketSeconds * 1000} ms`;
    this.line.setLabel(` Packets per second (time from start, ${per} buckets) `);
    const barWidth = this.area.width - Math.floor(this.area.width * 0.55);
    const bars = hierarchyBars(model, Math.max(1, Math.floor((barWidth - 4) / 7)));
    if (bars.titles.length) this.bar.setData(bars);
    const partial = model.counted < model.total ? ` (counting ${Math.floor((model.counted / Math.max(1, model.total)) * 100)}%)` : '';
    this.bar.setLabel(` Protocol hierarchy (i = inside the tunnel)${partial} `);
    this.outer.setData({ headers: ['Conversation', 'Packets', 'Bytes'], data: talkerRows(model.outer) });
    this.inner.setData({
      headers: ['Conversation', 'Packets', 'Bytes'],
      data: model.inner.length ? talkerRows(model.inner) : [['(no tunnelled packets)', '', '']],
    });
  }

  destroy(): void {
    for (const w of [this.line, this.bar, this.outer, this.inner]) w?.destroy();
    this.line = this.bar = this.outer = this.inner = undefined;
    this.area = undefined;
  }
}
