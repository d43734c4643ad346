// Sets a file's modification time to an exact nanosecond value.
// rclone compares local modtimes at 1 ns precision, but Node's utimes goes through a double and
// libuv truncates to whole microseconds. Times that one double carries exactly through libuv's
// conversion use utimes directly (fast path); anything else (finer than a microsecond, before
// 1970, or so late that the double has lost the microsecond: after 2242) goes to one long-lived
// perl helper per thread that calls utimensat(2), or to `touch -d @S.N` where no helper fits the
// platform. What the filesystem stored is read back and compared: a time it cannot hold (e.g.
// ext4 after 2446) is a CryptsyncError naming the path, never a silently different mtime (which
// would make every later run re-copy the file). Paths may be raw-byte strings
// (crypt/names-on-disk.ts); they reach the kernel as their exact bytes. Must never touch file contents.
import { utimes, lstat } from 'node:fs/promises';
import { spawn, execFile, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';
import { CryptsyncError } from '../util/errors.js';
import { fsPath, hasRawBytes, nameToBytes } from '../crypt/names-on-disk.js';

const NS_PER_US = 1000n;
const NS_PER_SEC = 1_000_000_000n;
const US_PER_SEC = 1_000_000;
/** half a microsecond: makes libuv's truncation land on the intended microsecond */
const HALF_US = 0.5;
const AT_FDCWD = -100;
/**
 * utimensat syscall numbers (Linux), by node's process.arch. Only 64-bit arches: the helper
 * packs struct timespec as two 64-bit fields ('q4'), which is wrong where time_t or long is
 * 32 bits; other arches take the `touch` path.
 */
const UTIMENSAT: Partial<Record<string, number>> = { x64: 280, arm64: 88, riscv64: 88 };

/** the utimensat syscall number the exact-mtime helper uses on `arch`, or undefined (use touch) */
export function utimensatSyscall(arch: string): number | undefined {
  return Object.hasOwn(UTIMENSAT, arch) ? UTIMENSAT[arch] : undefined;
}

const HELPER_SCRIPT = [
  '$/ = "\\0"; $| = 1; binmode STDIN; binmode STDOUT;',
  'while (defined(my $p = <STDIN>)) { chop $p; my $s = <STDIN>; chop $s; my $n = <STDIN>; chop $n;',
  `  my $r = syscall(${'$ARGV[0]'}, ${AT_FDCWD}, $p, pack('q4', $s, $n, $s, $n), 0);`,
  '  print(($r == 0 ? 0 : $!+0) . "\\n"); }',
].join('\n');

interface Pending {
  resolve: () => void;
  reject: (e: Error) => void;
  path: string;
}

class UtimensatHelper {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private buf = '';
  private dead: Error | null = null;

  constructor(syscallNo: number) {
    this.child = spawn('perl', ['-e', HELPER_SCRIPT, String(syscallNo)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('latin1');
    this.child.stdout.on('data', (d: string) => this.onData(d));
    this.child.on('error', (e) => this.fail(e));
    this.child.on('exit', () => this.fail(new Error('mtime helper exited')));
    this.child.stdin.on('error', (e) => this.fail(e));
    this.idle();
  }

  set(path: string, mtimeNs: bigint): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    const sec = mtimeNs / NS_PER_SEC;
    let nsec = mtimeNs % NS_PER_SEC;
    let s = sec;
    if (nsec < 0n) {
      nsec += NS_PER_SEC;
      s -= 1n;
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ resolve, reject, path });
      if (this.pending.length === 1) this.busy();
      this.child.stdin.write(Buffer.concat([nameToBytes(path), Buffer.from(`\0${s}\0${nsec}\0`)]));
    });
  }

  private onData(d: string): void {
    this.buf += d;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      const p = this.pending.shift();
      if (!p) continue;
      if (line === '0') p.resolve();
      else p.reject(new CryptsyncError('io', 'SET_MTIME_FAILED', `cannot set modification time (errno ${line})`, { subject: p.path }));
    }
    if (this.pending.length === 0) this.idle();
  }

  private fail(e: Error): void {
    if (this.dead) return;
    this.dead = e;
    for (const p of this.pending.splice(0)) p.reject(e);
    if (helper === this) helper = null;
  }

  // the helper must not keep the process alive when nothing is waiting on it
  private idle(): void {
    this.child.unref();
    (this.child.stdout as unknown as Socket).unref();
    (this.child.stdin as unknown as Socket).unref?.();
    (this.child.stderr as unknown as Socket).unref();
  }

  private busy(): void {
    this.child.ref();
    (this.child.stdout as unknown as Socket).ref();
  }
}

let helper: UtimensatHelper | null = null;
let helperBroken = false;

function touchExact(path: string, mtimeNs: bigint): Promise<void> {
  // argv is text: a name that is not UTF-8 cannot reach touch(1) byte for byte
  if (hasRawBytes(path)) {
    return Promise.reject(
      new CryptsyncError('io', 'SET_MTIME_FAILED', 'cannot set an exact modification time on a name that is not valid UTF-8 without perl', { subject: path }),
    );
  }
  const neg = mtimeNs < 0n;
  const abs = neg ? -mtimeNs : mtimeNs;
  const stamp = `${neg ? '-' : ''}${abs / NS_PER_SEC}.${(abs % NS_PER_SEC).toString().padStart(9, '0')}`;
  return new Promise((resolve, reject) => {
    execFile('touch', ['-d', `@${stamp}`, '--', path], (e) =>
      e ? reject(new CryptsyncError('io', 'SET_MTIME_FAILED', 'cannot set modification time', { subject: path, cause: e })) : resolve(),
    );
  });
}

/**
 * The nanoseconds libuv (uv__fs_to_timespec) stores for the double `t` seconds: the seconds are
 * truncated, the fraction times 1e9 is truncated, then cut to whole microseconds. Mirrors the C
 * arithmetic step by step (JS numbers are the same IEEE doubles).
 */
export function libuvStoredNs(t: number): bigint {
  let sec = Math.trunc(t);
  let nsec = Math.trunc((t - sec) * 1e9);
  nsec -= nsec % 1000;
  if (nsec < 0) {
    nsec += 1e9;
    sec -= 1;
  }
  return BigInt(sec) * NS_PER_SEC + BigInt(nsec);
}

/**
 * The double to hand to utimes for `mtimeNs`, or undefined when no double makes libuv store
 * exactly that time. Node turns negative times into "now", so times before 1970 never qualify.
 */
export function fastPathSeconds(mtimeNs: bigint): number | undefined {
  if (mtimeNs % NS_PER_US !== 0n || mtimeNs < 0n) return undefined;
  const us = mtimeNs / NS_PER_US;
  const t = Number(us / BigInt(US_PER_SEC)) + (Number(us % BigInt(US_PER_SEC)) + HALF_US) / US_PER_SEC;
  if (!Number.isFinite(t) || !Number.isSafeInteger(Math.trunc(t))) return undefined;
  return libuvStoredNs(t) === mtimeNs ? t : undefined;
}

/**
 * Sets atime and mtime of `path` to exactly `mtimeNs` nanoseconds since the epoch, then checks
 * that the filesystem stored exactly that; throws CryptsyncError MTIME_NOT_REPRESENTABLE (naming
 * `path`) when it cannot hold the time.
 */
export async function setMtimeNs(path: string, mtimeNs: bigint): Promise<void> {
  const t = fastPathSeconds(mtimeNs);
  const p = fsPath(path);
  if (t !== undefined) await utimes(p, t, t);
  else await setExact(path, mtimeNs);
  const stored = (await lstat(p, { bigint: true })).mtimeNs;
  if (stored === mtimeNs) return;
  // the fast path mirrors libuv; should a libuv differ, the exact path still gets it right
  if (t !== undefined) {
    await setExact(path, mtimeNs);
    if ((await lstat(p, { bigint: true })).mtimeNs === mtimeNs) return;
  }
  throw new CryptsyncError(
    'io',
    'MTIME_NOT_REPRESENTABLE',
    `the filesystem of ${path} cannot store the modification time ${mtimeNs} ns since 1970 (it stored ${stored})`,
    { subject: path },
  );
}

async function setExact(path: string, mtimeNs: bigint): Promise<void> {
  const no = utimensatSyscall(process.arch);
  if (process.platform === 'linux' && no !== undefined && !helperBroken) {
    if (!helper) helper = new UtimensatHelper(no);
    try {
      await helper.set(path, mtimeNs);
      return;
    } catch (e) {
      if (e instanceof CryptsyncError) throw e;
      // helper unavailable (no perl?): fall back to touch for the rest of this process
      helperBroken = true;
    }
  }
  await touchExact(path, mtimeNs);
}
