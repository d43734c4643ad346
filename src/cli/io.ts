// The CLI's view of the outside world: where output goes, the environment, and how to ask for
// a secret. Commands write only through this, so tests can run them in-process.
import { createInterface } from 'node:readline';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  // `cryptsync ... | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

export function out(io: CliIo, line: string): void {
  io.stdout.write(line.endsWith('\n') ? line : `${line}\n`);
}

export function err(io: CliIo, line: string): void {
  io.stderr.write(line.endsWith('\n') ? line : `${line}\n`);
}

/** One JSON object per line on stdout (the --json contract). Secrets are Secret objects and print redacted. */
export function jsonLine(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Reads one line from stdin; on a TTY it prompts on stderr without echoing. */
export async function readSecretLine(io: CliIo, prompt: string): Promise<string> {
  const tty = io.stdin.isTTY === true;
  if (tty) io.stderr.write(prompt);
  const rl = createInterface({ input: io.stdin, terminal: false });
  const stdinAny = io.stdin as unknown as { setRawMode?: (b: boolean) => void };
  try {
    if (tty && stdinAny.setRawMode) {
      // no echo: read char by char
      return await new Promise<string>((resolve) => {
        let buf = '';
        stdinAny.setRawMode?.(true);
        const onData = (d: Buffer) => {
          for (const ch of d.toString('utf8')) {
            if (ch === '\r' || ch === '\n') {
              io.stdin.removeListener('data', onData);
              stdinAny.setRawMode?.(false);
              io.stderr.write('\n');
              resolve(buf);
              return;
            }
            if (ch === '\u0003') process.exit(130);
            if (ch === '\u007f') buf = buf.slice(0, -1);
            else buf += ch;
          }
        };
        rl.close();
        io.stdin.on('data', onData);
        io.stdin.resume();
      });
    }
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
  }
}

/** Reads one line from stdin (echoed), prompting on stderr; for questions that are not secrets. */
export async function askLine(io: CliIo, prompt: string): Promise<string> {
  io.stderr.write(prompt);
  const rl = createInterface({ input: io.stdin, terminal: false });
  try {
    const it = rl[Symbol.asyncIterator]();
    const next = await it.next();
    return next.done ? '' : String(next.value).trim();
  } finally {
    rl.close();
  }
}
