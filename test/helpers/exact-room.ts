import { TextBytes } from '../../src/dissect/text-bytes.js';

/**
 * A TextBytes that grows to exactly what room() asks for: -V's compiled writers (tree-lines.ts)
 * store bytes after one room() for several lines, and a store past the end of a typed array is
 * dropped without a word, so any line whose room was counted short loses bytes (or throws) here.
 */
export class ExactRoom extends TextBytes {
  override room(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const bigger = Buffer.alloc(this.length + n);
    this.buffer.copy(bigger, 0, 0, this.length);
    this.use(bigger);
  }
}
