/**
 * A one-line progress bar on stderr for long reads. Only on a terminal, and only when
 * stdout is not the same terminal (the bar would garble the packet lines).
 */
export class ProgressBar {
  private last = 0;
  private shown = false;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  static wanted(): boolean {
    return process.stderr.isTTY === true && process.stdout.isTTY !== true;
  }

  update(done: number, total: number | undefined, frames: number): void {
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    const width = Math.max(10, Math.min(40, (this.stream.columns || 80) - 50));
    let text: string;
    if (total) {
      const frac = Math.min(1, done / total);
      const filled = Math.round(frac * width);
      text = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${frames} packets`;
    } else text = `${this.label} ${frames} packets`;
    this.stream.write(`\r${text}\u001b[K`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\u001b[K');
    this.shown = false;
  }
}
