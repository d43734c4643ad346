// One fixture for the tests of restore / verify / recovery straight from a server: a real sshd on
// loopback, a cryptsync home with crypt remote "vault", encrypt task "enc" over a SEEDED random
// plain tree, and synchronize task "push" (connected) to user@127.0.0.1:<dir>/server, run once.
// The seed is printed (and taken from CRYPTSYNC_TEST_SEED to replay a failure).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type SshServer } from '../helpers/sshd.js';
import { cryptsync, cliEnv, type CliResult } from '../helpers/cli.js';
import { seededRandom } from '../helpers/seeded-random.js';

export const PASSWORD = 'correct horse battery staple, but longer';

export interface ServerFixture {
  sshd: SshServer;
  work: string;
  home: string;
  env: NodeJS.ProcessEnv;
  plain: string;
  catalog: string;
  /** the server folder the push task mirrors the catalog into */
  server: string;
  /** `user@127.0.0.1:<server>` */
  dest: string;
  /** ssh flags for an explicit location: --ssh-port, --ssh-key, --ssh-option... */
  sshFlags: string[];
  seed: number;
  /** plain relative path -> contents */
  files: Map<string, Buffer>;
  stop(): Promise<void>;
}

export function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r;
}

const NAMES = ['notes', 'Photos 2019', 'naïve café', 'report [draft]', '日本語', 'a', 'data.bin', 'x y z', 'résumé', 'b'];
const SIZES = [0, 1, 100, 4096, 65535, 65536, 65537, 200_000];

/** A seeded tree: folders 1-3 deep, names with spaces, brackets and non-ASCII, sizes at chunk edges. */
export function seededTree(seed: number, count: number): Map<string, Buffer> {
  const rnd = seededRandom(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
  const out = new Map<string, Buffer>();
  while (out.size < count) {
    const depth = Math.floor(rnd() * 3);
    const dirs = Array.from({ length: depth }, () => pick(NAMES));
    const path = [...dirs, `${pick(NAMES)}-${out.size}.dat`].join('/');
    if ([...out.keys()].some((k) => path.startsWith(`${k}/`))) continue;
    const size = pick(SIZES);
    const buf = Buffer.alloc(size);
    for (let i = 0; i < size; i++) buf[i] = Math.floor(rnd() * 256);
    out.set(path, buf);
  }
  return out;
}

export async function writeTree(root: string, files: Map<string, Buffer>): Promise<void> {
  const mtime = new Date('2025-06-01T12:00:00Z');
  for (const [rel, buf] of files) {
    const p = join(root, rel);
    await mkdir(join(p, '..'), { recursive: true });
    await writeFile(p, buf);
    await utimes(p, mtime, mtime);
  }
}

export async function startServerFixture(o: { count?: number; extra?: Map<string, Buffer> } = {}): Promise<ServerFixture> {
  const seed = Number(process.env.CRYPTSYNC_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`server fixture seed: ${seed} (replay with CRYPTSYNC_TEST_SEED=${seed})`);
  const sshd = await startSshd();
  const work = await mkdtemp(join(tmpdir(), 'cryptsync-srv-'));
  const home = join(work, 'home');
  const env = cliEnv(home, { VAULT_PW: PASSWORD });
  const plain = join(work, 'plain');
  const catalog = join(work, 'catalog');
  const server = join(work, 'server');
  const files = seededTree(seed, o.count ?? 12);
  for (const [k, v] of o.extra ?? []) files.set(k, v);
  await writeTree(plain, files);
  const sshFlags = ['--ssh-port', String(sshd.port), '--ssh-key', sshd.keyPath, ...sshd.sshOptions.flatMap((x) => ['--ssh-option', x])];
  const dest = `${sshd.user}@127.0.0.1:${server}`;
  ok(await cryptsync(['remote', 'add', 'vault', '--path', catalog, '--password-env', 'VAULT_PW'], { env }), 'remote add');
  ok(await cryptsync(['task', 'add', 'enc', '--type', 'encrypt', '--source', plain, '--remote', 'vault:'], { env }), 'task add enc');
  ok(await cryptsync(['task', 'add', 'push', '--type', 'synchronize', '--source', catalog, '--dest', dest, ...sshFlags, '--connect', 'enc'], { env }), 'task add push');
  ok(await cryptsync(['run', 'push'], { env }), 'run push');
  return {
    sshd,
    work,
    home,
    env,
    plain,
    catalog,
    server,
    dest,
    sshFlags,
    seed,
    files,
    stop: async () => {
      await sshd.stop();
      await rm(work, { recursive: true, force: true });
    },
  };
}
