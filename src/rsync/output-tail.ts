// A bounded tail of text lines: keeps the most recent lines up to a byte budget, so a run log can
// store the end of rsync's output without holding gigabytes of file listings in memory.

export class OutputTail {
  private readonly lines: string[] = [];
  private head = 0;
  private bytes = 0;
  constructor(private readonly maxBytes: number) {}

  push(line: string): void {
    const size = Buffer.byteLength(line) + 1;
    this.lines.push(line);
    this.bytes += size;
    while (this.bytes > this.maxBytes && this.head < this.lines.length - 1) {
      this.bytes -= Buffer.byteLength(this.lines[this.head]!) + 1;
      this.lines[this.head] = '';
      this.head++;
    }
    // Compact now and then so dropped lines do not keep the array growing.
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines.splice(0, this.head);
      this.head = 0;
    }
  }

  toString(): string {
    const text = this.lines.slice(this.head).join('\n');
    // A single line larger than the budget is cut from the front.
    return text.length > this.maxBytes ? text.slice(text.length - this.maxBytes) : text;
  }
}
