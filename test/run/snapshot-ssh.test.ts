// Dated snapshots end to end through a real sshd on loopback, the real rsync and the real rclone:
// a combined snapshot task (encrypt, then snapshot) run three times with edits and deletions in
// between gives three dated folders in a snapshot root the first run creates; unchanged files are
// hard links; stock `rclone copy` restores each snapshot to exactly the tree of its day; the list
// comes from the server; prune --dry-run changes nothing and prune removes exactly what it listed.
// File contents come from a seeded generator: the seed is printed (replay with TEST_SEED=N).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readdir, readFile, stat, writeFile, unlink, utimes, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type SshServer } from '../helpers/sshd.js';
import { cryptsync, cliEnv, jsonLines, type CliResult } from '../helpers/cli.js';
import { readTree, withoutManifest } from '../helpers/tree.js';
import { rclone } from '../helpers/rclone.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { createHash } from 'node:crypto';

const PASSWORD = 'snapshots keep yesterday safe, even over loopback';
const SEED = Number(process.env.TEST_SEED ?? Date.now() % 2 ** 31);
const DATED = /^\d{4}-\d{2}-\d{2}T\d{6}Z(-\d+)?$/;

let sshd: SshServer;
let work: string;
let env: NodeJS.ProcessEnv;
let plain: string;
let catalog: string;
let root: string;
const rand = seededRandom(SEED);

function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}, seed ${SEED}):\n${r.stderr}\n${r.stdout}`);
  return r;
}

function bytes(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

let tick = Date.parse('2025-06-01T12:00:00Z') / 1000;
async function put(rel: string, content: Buffer | string): Promise<void> {
  const p = join(plain, rel);
  await mkdir(join(p, '..'), { recursive: true });
  await writeFile(p, content);
  tick += 60; // every write a new mtime: the encrypt step sees the change
  await utimes(p, tick, tick);
}

/** the dated folders in the root, oldest first (the partial folder and others excluded) */
async function datedFolders(): Promise<string[]> {
  return (await readdir(root)).filter((n) => DATED.test(n)).sort();
}

/** A stock rclone crypt remote over one snapshot folder, from cryptsync's own [vault] section. */
async function stockRemoteOver(folder: string): Promise<string> {
  const conf = await readFile(join(work, 'home', 'rclone.conf'), 'utf8');
  const section = conf.split(/^(?=\[)/m).find((s) => s.startsWith('[vault]'));
  assert.ok(section, 'cryptsync wrote a [vault] section');
  const lines = section.split('\n').slice(1).filter((l) => l.trim() !== '' && !/^remote\s*=/.test(l));
  const path = join(work, `stock-${Date.now()}.conf`);
  await writeFile(path, ['[snap]', ...lines, `remote = ${folder}`, ''].join('\n'), { mode: 0o600 });
  return path;
}

async function restoreWithStockRclone(snapshot: string): Promise<Map<string, string>> {
  const config = await stockRemoteOver(join(root, snapshot));
  const target = await mkdtemp(join(work, 'restored-'));
  const r = await rclone(['copy', '--create-empty-src-dirs', 'snap:', target], { config });
  assert.equal(r.code, 0, `stock rclone copy of ${snapshot}: ${r.stderr}`);
  // each snapshot carries the catalog's manifest of its day as one extra file
  return withoutManifest(await fingerprint(target));
}

/** path -> sha256 of the content ('dir' for folders): short enough for a readable assertion diff */
async function fingerprint(dir: string): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  for (const [k, v] of await readTree(dir)) m.set(k, v === 'dir' ? v : createHash('sha256').update(v).digest('hex').slice(0, 16));
  return m;
}

before(async () => {
  console.log(`snapshot-ssh seed ${SEED} (replay: TEST_SEED=${SEED})`);
  sshd = await startSshd();
  work = await mkdtemp(join(tmpdir(), 'cryptsync-snap-ssh-'));
  env = cliEnv(join(work, 'home'), { VAULT_PW: PASSWORD });
  plain = join(work, 'plain');
  catalog = join(work, 'catalog');
  // two levels that do not exist yet (the first run must create them on the server), and a quote
  // and spaces in the name (the rename over ssh quotes every word)
  root = join(sshd.dir, 'server', "it's my snaps");
  await put('keep.bin', bytes(70_000));
  await put('edit.txt', 'day one\n');
  await put('gone-on-day-2.txt', 'deleted on the laptop after day one\n');
  await put('folder/inner.bin', bytes(1234));
  ok(await cryptsync(['remote', 'add', 'vault', '--path', catalog, '--password-env', 'VAULT_PW'], { env }), 'remote add');
  ok(await cryptsync(['task', 'add', 'enc', '--type', 'encrypt', '--source', plain, '--remote', 'vault:'], { env }), 'task add enc');
  ok(await cryptsync([
    'task', 'add', 'snaps', '--type', 'snapshot', '--source', catalog,
    '--dest', `${sshd.user}@127.0.0.1:${root}`, '--ssh-port', String(sshd.port), '--ssh-key', sshd.keyPath,
    ...sshd.sshOptions.flatMap((o) => ['--ssh-option', o]), '--connect', 'enc',
  ], { env }), 'task add snaps');
});

after(async () => {
  await sshd?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test('three snapshot runs: three dated folders, hard links, each restorable by stock rclone to its day', async () => {
  const days: Array<Map<string, string>> = [];
  ok(await cryptsync(['run', 'snaps'], { env }), 'run 1');
  days.push(await fingerprint(plain));

  await put('edit.txt', 'day two, longer than day one\n');
  await unlink(join(plain, 'gone-on-day-2.txt'));
  await put('new-on-day-2.bin', bytes(5000));
  const est = jsonLines(ok(await cryptsync(['estimate', 'snaps', '--json'], { env }), 'estimate 2').stdout);
  const rsyncEst = est.find((e) => e.type === 'step-end' && e.step === 'rsync');
  assert.match(String(rsyncEst?.message), /changes since snapshot \d{4}-/, 'the estimate compares with the newest snapshot');
  ok(await cryptsync(['run', 'snaps'], { env }), 'run 2');
  days.push(await fingerprint(plain));

  await put('edit.txt', 'day three\n');
  await unlink(join(plain, 'folder/inner.bin'));
  ok(await cryptsync(['run', 'snaps'], { env }), 'run 3');
  days.push(await fingerprint(plain));

  const folders = await datedFolders();
  assert.equal(folders.length, 3, `three dated folders: ${folders.join(', ')}`);
  assert.deepEqual((await readdir(root)).sort(), folders, 'nothing else in the root (no partial folder left)');

  // standard name encryption is deterministic: keep.bin and edit.txt have one encrypted name in all three
  const enc = async (name: string): Promise<string> => {
    const r = ok(await cryptsync(['decode', 'vault:', name, '--reverse', '--json'], { env }), `decode ${name}`);
    const v = jsonLines(r.stdout)[0]?.output;
    assert.ok(typeof v === 'string', `encrypted name of ${name} in ${r.stdout}`);
    return v;
  };
  const inodesOf = async (encName: string) => new Set(await Promise.all(folders.map(async (f) => (await stat(join(root, f, encName))).ino)));
  assert.equal((await inodesOf(await enc('keep.bin'))).size, 1, 'the unchanged file is one inode (hard links) in all three snapshots');
  assert.equal((await inodesOf(await enc('edit.txt'))).size, 3, 'the file edited every day is a new file in each snapshot');

  for (let i = 0; i < 3; i++) {
    const restored = await restoreWithStockRclone(folders[i]!);
    assert.deepEqual([...restored], [...days[i]!], `snapshot ${i + 1} (${folders[i]}) restores to the tree of its day (seed ${SEED})`);
  }
  const first = await restoreWithStockRclone(folders[0]!);
  assert.ok(first.has('gone-on-day-2.txt') && !days[2]!.has('gone-on-day-2.txt'), 'a file deleted on the laptop is still in the older snapshot');

  // the list comes from the server, with the run that wrote each
  const listed = jsonLines(ok(await cryptsync(['snapshots', 'snaps', '--json', '--sizes'], { env }), 'snapshots').stdout);
  assert.deepEqual(listed.map((s) => s.name), folders);
  assert.ok(listed.every((s) => typeof s.runId === 'number' && s.runStatus === 'ok'), JSON.stringify(listed));
  assert.ok(listed.every((s) => (s.files as number) > 0 && (s.bytes as number) > 0));
});

test('prune: a dry run changes nothing; prune removes exactly the listed snapshots', async () => {
  const before = await datedFolders();
  assert.equal(before.length, 3);
  const inoBefore = await Promise.all(before.map(async (f) => (await stat(join(root, f))).ino));
  ok(await cryptsync(['task', 'edit', 'snaps', '--keep-last', '2'], { env }), 'set retention');

  const dry = jsonLines(ok(await cryptsync(['prune', 'snaps', '--dry-run', '--json'], { env }), 'prune --dry-run').stdout);
  const planned = dry.filter((d) => d.type === 'prune-decision' && d.keep === false).map((d) => d.name);
  assert.deepEqual(planned, [before[0]], 'keepLast 2 removes the oldest');
  assert.deepEqual(await datedFolders(), before, 'the dry run removed nothing');
  assert.deepEqual(await Promise.all(before.map(async (f) => (await stat(join(root, f))).ino)), inoBefore);

  const real = jsonLines(ok(await cryptsync(['prune', 'snaps', '--json'], { env }), 'prune').stdout);
  const summary = real.find((d) => d.type === 'prune');
  assert.deepEqual(summary?.removed, planned);
  assert.deepEqual(await datedFolders(), before.slice(1), 'exactly the planned snapshot is gone');
  // the remaining snapshots are whole: the newest still restores to the last day's tree
  const restored = await restoreWithStockRclone(before[2]!);
  assert.ok(restored.has('edit.txt'));
});

test('prune refuses to remove more than half of the snapshots unless forced', async () => {
  ok(await cryptsync(['run', 'snaps'], { env }), 'run 4');
  ok(await cryptsync(['run', 'snaps'], { env }), 'run 5');
  const before = await datedFolders();
  assert.equal(before.length, 4);
  ok(await cryptsync(['task', 'edit', 'snaps', '--keep-last', '1'], { env }), 'keep 1');
  const r = await cryptsync(['prune', 'snaps'], { env });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /would remove 3 of 4 snapshots .*--force/);
  assert.deepEqual(await datedFolders(), before, 'refused: nothing removed');
  ok(await cryptsync(['prune', 'snaps', '--force'], { env }), 'prune --force');
  assert.deepEqual(await datedFolders(), before.slice(-1), 'forced: only the newest is left');
});
