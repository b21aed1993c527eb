// The detail tree of the selected packet. Nodes are identified by a path of field names
// ("eth#1/eth.src" is the source MAC of the second Ethernet header), so what is expanded and
// what is selected carries over when the selection moves to another packet of the same shape.
import type { TreeNode } from '../../dissect/types.js';
import { fit, narrow } from '../text.js';
import type { Theme } from '../theme.js';

export interface FlatNode {
  node: TreeNode;
  depth: number;
  path: string;
  /** Index of the parent in the flat list (-1 for a layer). */
  parent: number;
  hasChildren: boolean;
  expanded: boolean;
}

/** Paths of a list of sibling nodes: name#k, k counting earlier siblings of the same name. */
function childPaths(nodes: readonly TreeNode[], prefix: string): string[] {
  const seen = new Map<string, number>();
  return nodes.map((n) => {
    const key = n.field ?? n.label.replace(/[:\s].*$/, '');
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    return `${prefix}${key}#${k}`;
  });
}

export class DetailView {
  /** Expanded nodes by path; kept for the whole session. */
  readonly expanded = new Set<string>();
  selected = 0;
  top = 0;
  private selectedPath: string | undefined;
  private tree: readonly TreeNode[] = [];
  private flat: FlatNode[] = [];
  private lastHeight = 1;

  constructor(private readonly theme: Theme) {}

  get nodes(): readonly FlatNode[] {
    return this.flat;
  }

  /** Shows another packet's tree, keeping the selection on the same field when it has one. */
  setTree(tree: readonly TreeNode[]): void {
    if (tree === this.tree) return;
    this.tree = tree;
    this.flatten();
    this.restoreSelection();
  }

  private flatten(): void {
    const out: FlatNode[] = [];
    const walk = (nodes: readonly TreeNode[], depth: number, prefix: string, parent: number): void => {
      const paths = childPaths(nodes, prefix);
      nodes.forEach((node, i) => {
        const path = paths[i]!;
        const hasChildren = (node.children?.length ?? 0) > 0;
        const expanded = hasChildren && this.expanded.has(path);
        out.push({ node, depth, path, parent, hasChildren, expanded });
        if (expanded) walk(node.children!, depth + 1, path + '/', out.length - 1);
      });
    };
    walk(this.tree, 0, '', -1);
    this.flat = out;
  }

  private restoreSelection(): void {
    let path = this.selectedPath;
    while (path) {
      const i = this.flat.findIndex((f) => f.path === path);
      if (i >= 0) {
        this.selected = i;
        this.clamp();
        return;
      }
      const cut = path.lastIndexOf('/');
      path = cut < 0 ? undefined : path.slice(0, cut);
    }
    this.selected = Math.min(this.selected, Math.max(0, this.flat.length - 1));
    this.clamp();
  }

  private clamp(height = this.lastHeight): void {
    const page = Math.max(1, height - 1);
    this.selected = Math.max(0, Math.min(this.selected, this.flat.length - 1));
    if (this.selected < this.top) this.top = this.selected;
    if (this.selected >= this.top + page) this.top = this.selected - page + 1;
    this.top = Math.max(0, Math.min(this.top, Math.max(0, this.flat.length - page)));
  }

  /** Remembers the field the user chose, to find it again in the next packet. */
  private remember(): void {
    this.selectedPath = this.flat[this.selected]?.path;
  }

  current(): FlatNode | undefined {
    return this.flat[this.selected];
  }

  /** Byte range of the selected node, for the hex view. */
  selectedRange(): { start: number; length: number } | undefined {
    const n = this.current()?.node;
    return n && n.length > 0 ? { start: n.start, length: n.length } : undefined;
  }

  moveBy(delta: number): void {
    this.selected += delta;
    this.clamp();
    this.remember();
  }

  moveTo(i: number): void {
    this.selected = i;
    this.clamp();
    this.remember();
  }

  pageSize(): number {
    return Math.max(1, this.lastHeight - 1);
  }

  toggle(): void {
    const f = this.current();
    if (!f?.hasChildren) return;
    if (f.expanded) this.expanded.delete(f.path);
    else this.expanded.add(f.path);
    this.selectedPath = f.path;
    this.flatten();
    this.restoreSelection();
  }

  /** Right arrow: expand, or step into the first child when already expanded. */
  expandOrEnter(): void {
    const f = this.current();
    if (!f?.hasChildren) return;
    if (!f.expanded) this.toggle();
    else this.moveBy(1);
  }

  /** Left arrow: collapse, or step out to the parent when already collapsed. */
  collapseOrLeave(): void {
    const f = this.current();
    if (!f) return;
    if (f.expanded) this.toggle();
    else if (f.parent >= 0) this.moveTo(f.parent);
  }

  /** Expands (or collapses) every node of the current packet. */
  setAll(expanded: boolean): void {
    const walk = (nodes: readonly TreeNode[], prefix: string): void => {
      const paths = childPaths(nodes, prefix);
      nodes.forEach((n, i) => {
        if (!n.children?.length) return;
        if (expanded) this.expanded.add(paths[i]!);
        else this.expanded.delete(paths[i]!);
        walk(n.children, paths[i]! + '/');
      });
    };
    walk(this.tree, '');
    this.flatten();
    this.restoreSelection();
  }

  /**
   * Selects the most specific field covering a byte (the hex view's cursor), expanding the
   * nodes above it. Returns false when no field covers it.
   */
  selectByte(offset: number): boolean {
    let best: { path: string; length: number; depth: number } | undefined;
    const walk = (nodes: readonly TreeNode[], prefix: string, depth: number): void => {
      const paths = childPaths(nodes, prefix);
      nodes.forEach((n, i) => {
        const covers = n.length > 0 && offset >= n.start && offset < n.start + n.length;
        if (covers && (!best || n.length < best.length || (n.length === best.length && depth > best.depth))) {
          best = { path: paths[i]!, length: n.length, depth };
        }
        if (n.children?.length) walk(n.children, paths[i]! + '/', depth + 1);
      });
    };
    walk(this.tree, '', 0);
    if (!best) return false;
    const parts = best.path.split('/');
    for (let k = 1; k < parts.length; k++) this.expanded.add(parts.slice(0, k).join('/'));
    this.selectedPath = best.path;
    this.flatten();
    this.restoreSelection();
    return true;
  }

  render(width: number, height: number, focused: boolean, title: string): string[] {
    this.lastHeight = height;
    this.clamp(height);
    const th = this.theme;
    const lines = [th.paint(focused ? 'titleFocused' : 'title', fit(` ${title}`, width))];
    const end = Math.min(this.flat.length, this.top + height - 1);
    for (let i = this.top; i < end; i++) {
      const f = this.flat[i]!;
      const marker = f.hasChildren ? (f.expanded ? '▾' : '▸') : ' ';
      const text = fit(`${'  '.repeat(f.depth)}${marker} ${narrow(f.node.label)}`, width);
      if (i === this.selected) lines.push(th.paint(focused ? 'selected' : 'selectedDim', text));
      else if (f.depth === 0) lines.push(th.paint('key', text));
      else lines.push(text);
    }
    return lines;
  }
}
