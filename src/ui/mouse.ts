// The mouse in the Packets view: a click selects a row, tree node or byte and focuses its
// pane (a second click on a node opens or closes it); the wheel scrolls the pane under it.
import type { Pane, UiState } from './app-state.js';
import type { Box, MouseEvent } from './blessed.js';
import { num } from './layout.js';

export function bindMouse(boxes: { list: Box; detail: Box; hex: Box }, s: UiState, requestRender: () => void): void {
  const { list, detail, hex } = boxes;

  const clickList = (m: MouseEvent): void => {
    const n = s.rows?.length ?? 0;
    const row = s.list.rowAtLine(m.y - num(list.atop), n);
    s.focus = 'list';
    if (row !== undefined) s.list.select(row, n);
    requestRender();
  };

  const clickDetail = (m: MouseEvent): void => {
    const y = m.y - num(detail.atop);
    s.focus = 'detail';
    if (y >= 1) {
      const i = s.detail.top + y - 1;
      if (i < s.detail.nodes.length) {
        if (i === s.detail.selected) s.detail.toggle();
        else s.detail.moveTo(i);
        const r = s.detail.selectedRange();
        if (r) s.hex.moveCursor(r.start);
      }
    }
    requestRender();
  };

  const clickHex = (m: MouseEvent): void => {
    const off = s.hex.byteAt(m.x - num(hex.aleft), m.y - num(hex.atop));
    s.focus = 'hex';
    if (off !== undefined) {
      s.hex.moveCursor(off);
      s.detail.selectByte(off);
    }
    requestRender();
  };

  const wheel = (pane: Pane, lines: number): void => {
    if (pane === 'list') s.list.scrollBy(lines, s.rows?.length ?? 0);
    else if (pane === 'detail') s.detail.moveBy(lines);
    else s.hex.scrollBy(lines);
    requestRender();
  };

  list.on('click', clickList);
  detail.on('click', clickDetail);
  hex.on('click', clickHex);
  list.on('wheeldown', () => wheel('list', 3));
  list.on('wheelup', () => wheel('list', -3));
  detail.on('wheeldown', () => wheel('detail', 3));
  detail.on('wheelup', () => wheel('detail', -3));
  hex.on('wheeldown', () => wheel('hex', 2));
  hex.on('wheelup', () => wheel('hex', -2));
}
