// Render scheduling: what a key changed is drawn at once, loading progress at most every
// 80 ms, and each render is timed into the marks tests and benchmarks read.
import type { UiMarks } from './app-state.js';

export class RenderLoop {
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private lastDraw = 0;
  private waiters: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly draw: () => void,
    private readonly marks: UiMarks,
  ) {}

  /** Schedules a render: at once for keys, at most every 80 ms for loading progress. */
  request(urgent = true): void {
    if (this.stopped) return;
    if (urgent) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.draw();
      });
      return;
    }
    if (this.scheduled || this.timer) return;
    const wait = Math.max(0, 80 - (performance.now() - this.lastDraw));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, wait);
  }

  /** Resolves after the next render. */
  next(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Whether a render is scheduled. */
  get pending(): boolean {
    return this.scheduled || this.timer !== undefined;
  }

  /** Records a render that started at `t0` and has just reached the terminal. */
  rendered(t0: number, showedRows: boolean): void {
    const t1 = performance.now();
    this.lastDraw = t1;
    this.marks.renders++;
    this.marks.lastRenderMs = t1 - t0;
    this.marks.firstRender ??= t1;
    if (showedRows) this.marks.firstRows ??= t1;
    for (const w of this.waiters.splice(0)) w();
  }

  dispose(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.waiters.splice(0)) w();
  }
}
