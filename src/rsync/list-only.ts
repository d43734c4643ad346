// Reading a folder on the server with rsync itself (`rsync --list-only`), so a listing needs no
// shell on the server and works through an rrsync-restricted key too. Pure: the argv and the line
// parser; the run layer spawns it with runRsync. rsync prints each entry as
//   -rw-r--r--        5000 2026/12/02 18:00:47 a/b/big file
// (with --no-human-readable: plain digits; times in the local zone of the rsync process, so the
// caller runs it with TZ=UTC; in the C locale every byte outside printable ASCII is escaped as
// \#ooo, so a name comes back byte for byte, valid UTF-8 or not; `name -> target` for a link).
import type { RsyncOptions } from './options.js';
import { buildSshCommand, remoteSpec } from './args.js';

export type ListedKind = 'file' | 'dir' | 'symlink' | 'other';

export interface ListedEntry {
  /** relative to the listed folder, '/'-separated, never '.' */
  path: string;
  kind: ListedKind;
  size: number;
  /** modification time, whole seconds since the epoch (UTC) */
  mtimeSec: number;
  /** a symlink's target */
  target?: string;
}

const LINE = /^([-dlpscbD])[-rwxsStT]{9}\s+(\d+) (\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d) (.+)$/;

const KIND_OF: Record<string, ListedKind> = { '-': 'file', d: 'dir', l: 'symlink' };

/** turns a name's bytes into the caller's name string (default: UTF-8 text) */
export type NameDecoder = (bytes: Buffer) => string;
const utf8: NameDecoder = (b) => b.toString('utf8');

/** rsync's escape of unprintable bytes: `\#ooo` (three octal digits) */
function unescapeName(s: string, decode: NameDecoder): string {
  if (!s.includes('\\#')) return s;
  const bytes: number[] = [];
  const raw = Buffer.from(s, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const m = raw[i] === 0x5c && raw[i + 1] === 0x23 ? /^[0-7]{3}/.exec(raw.subarray(i + 2, i + 5).toString('latin1')) : null;
    if (m) {
      bytes.push(parseInt(m[0], 8));
      i += 4;
    } else {
      bytes.push(raw[i] as number);
    }
  }
  return decode(Buffer.from(bytes));
}

/** One line of `rsync --list-only --no-h` output as an entry; null for '.' and for other lines. */
export function parseListOnlyLine(line: string, decode: NameDecoder = utf8): ListedEntry | null {
  const m = LINE.exec(line);
  if (!m) return null;
  const [, type, size, y, mo, d, h, mi, s, rest] = m as unknown as string[];
  const kind = KIND_OF[type as string] ?? 'other';
  const sizeN = Number(size);
  let name = rest as string;
  let target: string | undefined;
  if (kind === 'symlink') {
    // `name -> target`; the size is the target's length in bytes, which tells where the name ends
    const arrow = findArrow(name, sizeN);
    if (arrow >= 0) {
      target = unescapeName(name.slice(arrow + 4), decode);
      name = name.slice(0, arrow);
    }
  }
  const path = unescapeName(name, decode);
  if (path === '.' || path === '') return null;
  const mtimeSec = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
  return { path, kind, size: sizeN, mtimeSec, ...(target !== undefined ? { target } : {}) };
}

function escapedLength(text: string): number {
  return Buffer.byteLength(text.replace(/\\#[0-7]{3}/g, '.'));
}

function findArrow(text: string, targetBytes: number): number {
  let at = text.lastIndexOf(' -> ');
  while (at >= 0) {
    if (escapedLength(text.slice(at + 4)) === targetBytes) return at;
    at = text.lastIndexOf(' -> ', at - 1);
  }
  return text.lastIndexOf(' -> ');
}

export type ListOnlyOptions = Pick<RsyncOptions, 'remote' | 'sshKey' | 'sshPort' | 'sshOptions'> & {
  /** the folder to list: a local path, or the remote's path when `remote` is set */
  path: string;
  recursive: boolean;
};

/** argv (without 'rsync') that lists the contents of a folder, one entry per line. */
export function listOnlyArgs(o: ListOnlyOptions): string[] {
  const args = ['--list-only', '--no-human-readable', '--links'];
  if (o.recursive) args.push('--recursive');
  const folder = o.path.endsWith('/') ? o.path : `${o.path}/`;
  if (o.remote && !o.remote.daemon) args.push('-e', buildSshCommand(o));
  if (o.remote?.daemon && o.remote.port !== undefined) args.push(`--port=${o.remote.port}`);
  args.push(o.remote ? remoteSpec({ ...o.remote, path: folder }) : folder);
  return args;
}
