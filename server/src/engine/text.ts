/** Offsets ↔ 1-based line/column for one text. Columns count UTF-16 code units, as LSP and SARIF do. */
export class LineIndex {
  private readonly starts: number[];
  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
    }
    this.starts = starts;
  }
  get lineCount(): number {
    return this.starts.length;
  }
  /** 1-based line of an offset */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
  position(offset: number): { line: number; column: number } {
    const line = this.lineOf(offset);
    return { line, column: offset - this.starts[line - 1] + 1 };
  }
  /** offset of the first character of a 1-based line */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))];
  }
  /** offset just past the line's content (before its line break) */
  lineEnd(line: number): number {
    const next = line < this.starts.length ? this.starts[line] : this.text.length;
    let end = next;
    if (end > 0 && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > 0 && this.text.charCodeAt(end - 1) === 13 && end > this.lineStart(line)) end--;
    return Math.max(end, this.lineStart(line));
  }
  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }
  offsetAt(line: number, column: number): number {
    return this.lineStart(line) + column - 1;
  }
}
