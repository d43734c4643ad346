// A bounded tail of text output: keeps the last `limit` characters (whole lines where it can),
// so a run log can show the end of a long rsync or encrypt transcript in fixed memory.
export class TailBuffer {
  #parts: string[] = [];
  #size = 0;
  #dropped = false;
  constructor(readonly limit = 32 * 1024) {}

  push(text: string): void {
    if (text.length === 0) return;
    this.#parts.push(text);
    this.#size += text.length;
    while (this.#size > this.limit && this.#parts.length > 1) {
      this.#size -= this.#parts.shift()!.length;
      this.#dropped = true;
    }
  }

  line(text: string): void {
    this.push(text.endsWith('\n') ? text : `${text}\n`);
  }

  toString(): string {
    let s = this.#parts.join('');
    if (s.length > this.limit) {
      s = s.slice(s.length - this.limit);
      this.#dropped = true;
    }
    return this.#dropped ? `[... earlier output dropped ...]\n${s}` : s;
  }
}
