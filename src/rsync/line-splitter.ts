// Splits a byte stream into lines on '\n' AND '\r' (rsync redraws progress with '\r'), decoding
// UTF-8 across chunk boundaries. Empty lines are dropped.
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  constructor(private readonly onLine: (line: string) => void) {}

  write(chunk: Buffer): void {
    this.feed(this.decoder.write(chunk));
  }

  end(): void {
    this.feed(this.decoder.end());
    if (this.pending !== '') this.onLine(this.pending);
    this.pending = '';
  }

  private feed(text: string): void {
    const parts = (this.pending + text).split(/\r\n|\r|\n/);
    this.pending = parts.pop() ?? '';
    for (const p of parts) if (p !== '') this.onLine(p);
  }
}
