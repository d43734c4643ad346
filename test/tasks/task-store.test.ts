// The JSON task store on real files: round trips, atomic writes, corrupt files, profiles,
// connect/disconnect against a real rclone.conf, concurrent edits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { TaskStore, listProfiles, ValidationError, type Task } from '../../src/tasks/index.js';
import { CryptsyncError } from '../../src/util/errors.js';
import { obscure } from '../../src/crypt/index.js';
import { execFileSync, spawnSync } from 'node:child_process';

interface Env {
  home: string;
  plain: string;
  catalog: string;
  conf: string;
}

function setup(t: { after: (fn: () => void) => void }): Env {
  const root = mkdtempSync(join(tmpdir(), 'cryptsync-store-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const home = join(root, 'home');
  const plain = join(root, 'plain');
  const catalog = join(root, 'catalog');
  mkdirSync(plain);
  const conf = join(home, 'rclone.conf');
  mkdirSync(home);
  writeFileSync(
    conf,
    [
      '[secret]',
      'type = crypt',
      `remote = ${catalog}`,
      `password = ${obscure('catalog test password')}`,
      '',
      '[disk]',
      'type = local',
      '',
      '[viadisk]',
      'type = crypt',
      `remote = disk:${catalog}-2`,
      'password = x',
      '',
      '[plainnames]',
      'type = crypt',
      `remote = ${catalog}-3`,
      'filename_encryption = off',
      'password = x',
      '',
      '[cloud]',
      'type = crypt',
      'remote = s3:bucket/x',
      'password = x',
      '',
    ].join('\n'),
  );
  return { home, plain, catalog, conf };
}

function open(e: Env, profile?: string): TaskStore {
  return TaskStore.open(e.home, profile, { rcloneConfig: e.conf });
}

function rejectsWith(code: string, re?: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof CryptsyncError, String(err));
    assert.equal(err.code, code, err.message);
    if (re) assert.match(err.message, re);
    return true;
  };
}

test('creates nothing until the first write; add, list, get, update, remove round trip', async (t) => {
  const e = setup(t);
  const store = open(e);
  assert.equal(store.path, join(e.home, 'profiles', 'default', 'tasks.json'));
  assert.deepEqual(store.list(), []);
  assert.equal(existsSync(join(e.home, 'profiles')), false);

  const enc = await store.add({ name: 'enc', type: 'encrypt', source: e.plain, remote: 'secret:', thresholdDays: 2 });
  assert.equal(enc.type, 'encrypt');
  await store.add({ name: 'push', type: 'synchronize', source: e.catalog, dest: 'me@127.0.0.1:/srv/backup', sshPort: 2222 });
  assert.deepEqual(
    store.list().map((x) => x.name),
    ['enc', 'push'],
  );
  const text = readFileSync(store.path, 'utf8');
  assert.ok(text.startsWith('{\n  "version": 1,\n  "tasks": [\n'), 'pretty-printed, versioned');
  assert.ok(text.endsWith('\n'));
  assert.deepEqual(JSON.parse(text).tasks[1], { name: 'push', type: 'synchronize', source: e.catalog, dest: 'me@127.0.0.1:/srv/backup', sshPort: 2222 });
  assert.deepEqual(
    readdirSync(dirname(store.path)).sort(),
    ['tasks.json'],
    'no temporary or lock files left behind',
  );

  const updated = await store.update('push', { sshPort: null, delete: false, excludes: ['*.tmp'] });
  assert.ok(updated.type === 'synchronize');
  assert.equal(updated.sshPort, undefined, 'null removes a field');
  assert.equal(updated.delete, false);
  assert.deepEqual(store.get('push'), updated);

  await assert.rejects(store.update('push', { sshPort: 99999 }), (err: unknown) => {
    assert.ok(err instanceof ValidationError);
    assert.equal(err.message, 'task "push": sshPort: must be 1..65535');
    return true;
  });
  await assert.rejects(store.add({ name: 'enc', type: 'encrypt', source: e.plain, remote: 'secret:' }), /task "enc": name: a task named "enc" already exists/);
  await assert.rejects(
    store.add({ name: 'x', type: 'encrypt', source: join(e.plain, 'nope'), remote: 'secret:' }),
    /^ValidationError: task "x": source: folder does not exist$/m,
  );
  assert.throws(() => store.get('ghost'), rejectsWith('TASK_NOT_FOUND', /no task "ghost" in profile "default"/));

  await store.remove('push');
  assert.deepEqual(
    store.list().map((x) => x.name),
    ['enc'],
  );
  await assert.rejects(store.remove('push'), rejectsWith('TASK_NOT_FOUND'));
});

test('sees edits made by hand and by another store on the same file', async (t) => {
  const e = setup(t);
  const a = open(e);
  const b = open(e);
  await a.add({ name: 'enc', type: 'encrypt', source: e.plain, remote: 'secret:' });
  assert.equal(b.get('enc').name, 'enc');
  const doc = JSON.parse(readFileSync(a.path, 'utf8'));
  doc.tasks[0].thresholdDays = 30;
  writeFileSync(a.path, JSON.stringify(doc, null, 2));
  assert.equal(a.get('enc').thresholdDays, 30);
  assert.equal(b.get('enc').thresholdDays, 30);
  const copy = a.list();
  (copy[0] as Task).notes = 'changed by the caller';
  assert.equal(a.get('enc').notes, undefined, 'callers get copies');
});

test('concurrent edits from two stores lose nothing', async (t) => {
  const e = setup(t);
  const a = open(e);
  const b = open(e);
  const adds: Array<Promise<Task>> = [];
  for (let i = 0; i < 10; i++) {
    adds.push((i % 2 === 0 ? a : b).add({ name: `t${i}`, type: 'encrypt', source: e.plain, remote: 'secret:' }));
  }
  await Promise.all(adds);
  assert.deepEqual(a.list().map((x) => x.name).sort(), Array.from({ length: 10 }, (_, i) => `t${i}`).sort());
});

test('a lock left by a killed process is taken over at once', async (t) => {
  const e = setup(t);
  const store = open(e);
  await store.add({ name: 'enc', type: 'encrypt', source: e.plain, remote: 'secret:' });
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  assert.ok(dead);
  writeFileSync(`${store.path}.lock`, `${dead}\n`);
  const started = Date.now();
  await store.update('enc', { thresholdDays: 2 });
  assert.ok(Date.now() - started < 2000, 'did not wait for the lock timeout');
  assert.equal(store.get('enc').thresholdDays, 2);
  assert.equal(existsSync(`${store.path}.lock`), false);
});

test('a corrupt tasks.json is reported with its position and never overwritten', async (t) => {
  const e = setup(t);
  const store = open(e);
  mkdirSync(dirname(store.path), { recursive: true });
  const broken = '{\n  "version": 1,\n  "tasks": [\n    { "name": "a", }\n  ]\n}\n';
  writeFileSync(store.path, broken);
  assert.throws(
    () => store.list(),
    rejectsWith('TASKS_CORRUPT', new RegExp(`^${store.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON at line 4 column \\d+ \\(position \\d+\\); fix or move the file`)),
  );
  await assert.rejects(store.add({ name: 'b', type: 'encrypt', source: e.plain, remote: 'secret:' }), rejectsWith('TASKS_CORRUPT'));
  await assert.rejects(store.remove('a'), rejectsWith('TASKS_CORRUPT'));
  assert.equal(readFileSync(store.path, 'utf8'), broken, 'the file is untouched');

  writeFileSync(store.path, JSON.stringify({ version: 2, tasks: [] }));
  assert.throws(() => store.list(), rejectsWith('TASKS_CORRUPT', /version: 2 was written by a newer cryptsync/));
  writeFileSync(store.path, JSON.stringify([]));
  assert.throws(() => store.list(), rejectsWith('TASKS_CORRUPT', /must be a JSON object/));
  writeFileSync(store.path, '');
  assert.throws(() => store.list(), rejectsWith('TASKS_CORRUPT', /the file is empty/));

  const invalid = JSON.stringify({
    version: 1,
    tasks: [
      { name: 'a', type: 'encrypt', source: e.plain, remote: 'secret:' },
      { name: 'b', type: 'synchronize', source: e.plain, dest: '/x' },
      { name: 'c', type: 'synchronize', source: 'relative', dest: '/x' },
    ],
  });
  writeFileSync(store.path, invalid);
  assert.throws(() => store.list(), (err: unknown) => {
    assert.ok(err instanceof ValidationError);
    assert.equal(err.message, `${store.path}: tasks[2].source: must be an absolute path`);
    assert.ok(err.message.endsWith('tasks.json: tasks[2].source: must be an absolute path'));
    return true;
  });
  await assert.rejects(store.update('a', { thresholdDays: 3 }), ValidationError);
  assert.equal(readFileSync(store.path, 'utf8'), invalid);
});

test('profiles are separate task sets; default is always listed first', async (t) => {
  const e = setup(t);
  assert.deepEqual(listProfiles(e.home), ['default']);
  await open(e, 'work').add({ name: 'enc', type: 'encrypt', source: e.plain, remote: 'secret:' });
  await open(e, 'alpha').add({ name: 'enc2', type: 'encrypt', source: e.plain, remote: 'secret:' });
  assert.deepEqual(listProfiles(e.home), ['default', 'alpha', 'work']);
  assert.deepEqual(open(e).list(), []);
  assert.equal(open(e, 'work').list()[0]?.name, 'enc');
  assert.equal(open(e, 'work').path, join(e.home, 'profiles', 'work', 'tasks.json'));
  assert.throws(() => open(e, '../escape'), /profile name "..\/escape" is not valid/);
});

test('connect checks the source is the encrypted catalog; disconnect restores both', async (t) => {
  const e = setup(t);
  const store = open(e);
  await store.add({ name: 'enc', type: 'encrypt', source: e.plain, remote: 'secret:' });
  // the catalog does not exist before the first encrypt run: a warning, not an error
  await store.add({ name: 'push', type: 'synchronize', source: e.catalog, dest: 'me@127.0.0.1:/srv/b' });
  await store.add({ name: 'wrong', type: 'synchronize', source: e.plain, dest: 'me@127.0.0.1:/srv/c' });
  await store.add({ name: 'pull', type: 'syncremote', source: 'me@127.0.0.1:/srv/b', dest: join(e.plain, '..', 'pulled') });
  const before = store.list();

  await store.connect('push', 'enc');
  const push = store.get('push');
  assert.ok(push.type === 'synchronize');
  assert.equal(push.connectedTo, 'enc');
  assert.deepEqual(store.get('enc'), before[0], 'the encrypt task is unchanged');

  await assert.rejects(
    store.connect('wrong', 'enc'),
    rejectsWith(
      'CONNECT_SOURCE_MISMATCH',
      new RegExp(`task "wrong" pushes ${e.plain}, but encrypt task "enc" writes its encrypted catalog to ${e.catalog} \\(secret:\\).*Fix: cryptsync task edit wrong --source ${e.catalog}, then connect again`),
    ),
  );
  await assert.rejects(store.connect('pull', 'enc'), rejectsWith('NOT_CONNECTABLE'));
  await assert.rejects(store.connect('push', 'wrong'), rejectsWith('NOT_ENCRYPT_TASK'));
  await assert.rejects(store.remove('enc'), rejectsWith('TASK_CONNECTED', /disconnect first \(cryptsync task disconnect push\)/));
  await assert.rejects(store.update('enc', { type: 'synchronize', dest: '/x' }), rejectsWith('TASK_CONNECTED'));

  // renaming the encrypt task follows the connection
  await store.update('enc', { name: 'encrypt-docs' });
  const renamed = store.get('push');
  assert.ok(renamed.type === 'synchronize');
  assert.equal(renamed.connectedTo, 'encrypt-docs');
  await store.update('encrypt-docs', { name: 'enc' });

  await store.disconnect('push');
  assert.deepEqual(store.list(), before, 'disconnect restores both tasks exactly');
  await assert.rejects(store.disconnect('push'), rejectsWith('NOT_CONNECTED'));
});

test('connect follows local and alias-free remotes, plain names, and refuses non-local catalogs', async (t) => {
  const e = setup(t);
  const store = open(e);
  await store.addMany(
    [
      { name: 'e2', type: 'encrypt', source: e.plain, remote: 'viadisk:' },
      { name: 'e3', type: 'encrypt', source: e.plain, remote: 'plainnames:sub/dir' },
      { name: 'e4', type: 'encrypt', source: e.plain, remote: 'cloud:' },
      { name: 'e5', type: 'encrypt', source: e.plain, remote: 'secret:encrypted/sub' },
      { name: 's2', type: 'synchronize', source: `${e.catalog}-2/`, dest: 'h:/b' },
      { name: 's3', type: 'snapshot', source: join(`${e.catalog}-3`, 'sub', 'dir'), dest: 'h:/b' },
      { name: 's4', type: 'synchronize', source: e.catalog, dest: 'h:/b' },
    ],
    { checkFs: false },
  );
  await store.connect('s2', 'e2');
  await store.connect('s3', 'e3');
  await assert.rejects(store.connect('s4', 'e4'), rejectsWith('CATALOG_UNKNOWN', /encrypt task "e4": cannot tell where its encrypted catalog is: .*"cloud".*s3/));

  // a sub path with encrypted folder names: the folder is named as stock rclone names it
  const encrypted = execFileSync('rclone', ['cryptdecode', '--reverse', '--config', e.conf, 'secret:', 'encrypted', 'encrypted/sub'], {
    encoding: 'utf8',
  });
  const encName = (plain: string): string => {
    const line = encrypted.split('\n').find((l) => l.startsWith(`${plain} \t`));
    assert.ok(line, encrypted);
    return line.split(' \t ')[1]?.trim() as string;
  };
  const expected = join(e.catalog, encName('encrypted/sub'));
  assert.ok(expected.startsWith(join(e.catalog, encName('encrypted'))));
  await assert.rejects(store.connect('s4', 'e5'), rejectsWith('CONNECT_SOURCE_MISMATCH', new RegExp(`writes its encrypted catalog to ${expected} `)));
  mkdirSync(expected, { recursive: true });
  await store.update('s4', { source: expected });
  await store.connect('s4', 'e5');
  // a connected task cannot be pointed at another folder, nor added pointing at the wrong one
  await assert.rejects(store.update('s4', { source: e.catalog }), rejectsWith('CONNECT_SOURCE_MISMATCH'));
  await assert.rejects(
    store.add({ name: 's5', type: 'synchronize', source: e.plain, dest: 'h:/b', connectedTo: 'e2' }),
    rejectsWith('CONNECT_SOURCE_MISMATCH', /Fix: cryptsync task edit s5 --source /),
  );
  assert.throws(() => store.get('s5'), rejectsWith('TASK_NOT_FOUND'));
  await store.disconnect('s4');
  await store.update('s4', { source: e.catalog });

  // a resolver from the caller replaces the default (e.g. a password from the environment)
  const withCipher = TaskStore.open(e.home, 'default', { rcloneConfig: e.conf, resolveCatalog: async () => e.catalog });
  await withCipher.connect('s4', 'e5');
});

test('setSnapshotNum updates only snapshot tasks', async (t) => {
  const e = setup(t);
  const store = open(e);
  await store.add({ name: 'snap', type: 'snapshot', source: e.plain, dest: join(e.home, 'snaps') });
  await store.add({ name: 'enc', type: 'encrypt', source: e.plain, remote: 'secret:' });
  await store.setSnapshotNum('snap', 3);
  const s = store.get('snap');
  assert.ok(s.type === 'snapshot');
  assert.equal(s.snapshotNum, 3);
  await assert.rejects(store.setSnapshotNum('enc', 2), /not a snapshot task/);
  await assert.rejects(store.setSnapshotNum('snap', 0), /whole number >= 1/);
});

test('an encrypt task saved with the old key "engine" loads as encryptWith and is saved with the new key', async (t) => {
  const e = setup(t);
  const file = join(e.home, 'profiles', 'default', 'tasks.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ version: 1, tasks: [{ name: 'enc', type: 'encrypt', source: e.plain, remote: 'secret:', engine: 'rclone' }] }));
  const s = TaskStore.open(e.home, 'default', { rcloneConfig: e.conf });
  const enc = s.get('enc');
  assert.equal(enc.type === 'encrypt' ? enc.encryptWith : undefined, 'rclone');
  assert.ok(!('engine' in enc));
  await s.update('enc', { notes: 'touched' });
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { tasks: Array<Record<string, unknown>> };
  assert.equal(saved.tasks[0]!.encryptWith, 'rclone');
  assert.ok(!('engine' in saved.tasks[0]!), 'the old key is gone from the file');
  // both keys at once is a mistake to report, not to guess at
  writeFileSync(file, JSON.stringify({ version: 1, tasks: [{ name: 'enc', type: 'encrypt', source: e.plain, remote: 'secret:', engine: 'rclone', encryptWith: 'native' }] }));
  assert.throws(() => TaskStore.open(e.home, 'default', { rcloneConfig: e.conf }).list(), /engine/);
});
