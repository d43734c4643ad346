// Runs a command under strace and turns the trace into ordered syscall events, so tests can check
// the order of writes, flushes and renames the kernel really saw. Traced with -f (threads and
// child processes) and -y (file descriptors shown with their paths). A syscall that another
// thread interrupted in the log ("<unfinished ...>" / "<... resumed>") becomes one event with
// its start and end positions; an event A happened before B when A.end < B.start.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface SyscallEvent {
  pid: number;
  name: string;
  /** the raw argument text */
  args: string;
  /** return value text ("0", "-1 ENOENT (...)") */
  ret: string;
  /** line positions of the start and the end of the call in the trace */
  start: number;
  end: number;
}

/** `args) = ret` (strace pads before the `=`) into args and ret */
function splitReturn(text: string): [string, string] {
  const m = /^(.*)\)\s+= (.*)$/.exec(text);
  return m ? [m[1] as string, m[2] as string] : [text, ''];
}

/** Parses `strace -f -y` output (one `PID  call(...) = ret` per line) into events in start order. */
export function parseStrace(text: string): SyscallEvent[] {
  const out: SyscallEvent[] = [];
  const open = new Map<number, { name: string; args: string; start: number }>();
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const m = /^(\d+)\s+(.*)$/.exec(line);
    if (!m) return;
    const pid = Number(m[1]);
    const body = m[2] as string;
    const resumed = /^<\.\.\. (\w+) resumed>(.*)$/.exec(body);
    if (resumed) {
      const o = open.get(pid);
      open.delete(pid);
      if (!o) return;
      const [args, ret] = splitReturn(o.args + (resumed[2] as string));
      out.push({ pid, name: o.name, args, ret, start: o.start, end: i });
      return;
    }
    const call = /^(\w+)\((.*)$/.exec(body);
    if (!call) return;
    const rest = call[2] as string;
    if (rest.endsWith('<unfinished ...>')) {
      open.set(pid, { name: call[1] as string, args: rest.slice(0, -'<unfinished ...>'.length), start: i });
      return;
    }
    const [args, ret] = splitReturn(rest);
    out.push({ pid, name: call[1] as string, args, ret, start: i, end: i });
  });
  return out.sort((a, b) => a.start - b.start);
}

/** the path strace -y printed for the first file descriptor argument, e.g. `7</a/b>` gives /a/b */
export function fdPath(e: SyscallEvent): string | undefined {
  return /^-?\d+<([^>]*)>/.exec(e.args)?.[1];
}

/** the quoted path arguments of a call, made absolute against their `dirfd<dir>` where relative */
export function pathArgs(e: SyscallEvent): string[] {
  const out: string[] = [];
  const re = /(?:(?:AT_FDCWD|\d+)<([^>]*)>, )?"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(e.args); m; m = re.exec(e.args)) {
    const p = (m[2] as string).replace(/\\(.)/g, '$1');
    out.push(p.startsWith('/') || m[1] === undefined ? p : `${m[1]}/${p}`);
  }
  return out;
}

/** Runs `cmd` under strace, tracing `calls`; resolves with the parsed trace and the command's stdout. */
export async function straced(
  cmd: string[],
  calls: string[],
  traceFile: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ events: SyscallEvent[]; stdout: string; code: number | null }> {
  const child = spawn('strace', ['-f', '-y', '-qq', '-o', traceFile, '-e', `trace=${calls.join(',')}`, ...cmd], { stdio: ['ignore', 'pipe', 'inherit'], env });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  return { events: parseStrace(await readFile(traceFile, 'utf8')), stdout, code };
}
