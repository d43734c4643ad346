// Task and profile validation: `path: message` errors and warnings, against real folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateTask, validateProfile, ValidationError, parseRemoteSide, checkRemoteSide, type Task } from '../../src/tasks/index.js';

function setup(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cryptsync-validate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function messages(issues: Array<{ path: string; message: string }>): string[] {
  return issues.map((i) => `${i.path}: ${i.message}`);
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

test('parseRemoteSide reads rsync remote syntax and leaves local paths alone', () => {
  assert.equal(parseRemoteSide('/srv/backup'), null);
  assert.equal(parseRemoteSide('./a:b'), null);
  assert.equal(parseRemoteSide('/data/x@y:z'), null);
  assert.deepEqual(parseRemoteSide('host:backups'), { host: 'host', path: 'backups', daemon: false });
  assert.deepEqual(parseRemoteSide('me@host.example:/srv/my docs'), { host: 'host.example', user: 'me', path: '/srv/my docs', daemon: false });
  assert.deepEqual(parseRemoteSide('me@nas::module/sub'), { host: 'nas', user: 'me', path: 'module/sub', daemon: true });
  assert.deepEqual(parseRemoteSide('u@[::1]:/p'), { host: '::1', user: 'u', path: '/p', daemon: false });
  assert.deepEqual(parseRemoteSide('rsync://u@nas:873/mod/x'), { host: 'nas', user: 'u', path: 'mod/x', daemon: true, port: 873 });
  assert.deepEqual(parseRemoteSide('rsync://nas/mod'), { host: 'nas', path: 'mod', daemon: true });
  assert.deepEqual(checkRemoteSide(parseRemoteSide('u@host:')!), ['path on the server is missing after ":" (write e.g. host:backups/docs)']);
  assert.match(checkRemoteSide(parseRemoteSide('-oProxyCommand=x:y')!)[0] ?? '', /not a valid host/);
  assert.match(checkRemoteSide(parseRemoteSide('-l@host:y')!)[0] ?? '', /user name "-l" is not valid/);
});

test('shape errors name the field', () => {
  assert.deepEqual(messages(validateTask('x').errors), [': a task must be a JSON object']);
  assert.deepEqual(messages(validateTask({ name: 'a' }).errors), ['type: is required: use one of encrypt, synchronize, snapshot, syncremote, cloud']);
  assert.deepEqual(messages(validateTask({ name: 'a', type: 'backup' }).errors), [
    'type: "backup" is not a task type: use one of encrypt, synchronize, snapshot, syncremote, cloud',
  ]);
  const r = validateTask({
    name: 'bad name!',
    type: 'synchronize',
    source: '/a',
    sshPort: 70000,
    delete: 'yes',
    exclude: ['*.tmp'],
    excludes: ['ok', 3],
  });
  const m = messages(r.errors);
  assert.ok(m.includes('name: use 1 to 64 letters, digits, ".", "_" or "-"'), m.join('\n'));
  assert.ok(m.includes('dest: is required'), m.join('\n'));
  assert.ok(m.includes('sshPort: must be 1..65535'), m.join('\n'));
  assert.ok(m.includes('delete: must be a boolean'), m.join('\n'));
  assert.ok(m.includes('excludes[1]: must be a string'), m.join('\n'));
  assert.ok(m.some((x) => x.startsWith('exclude: unknown field for a synchronize task (known: name, type, source, dest')), m.join('\n'));
  assert.equal(r.task, undefined);
});

test('meaning errors: paths, remotes, ports, keys, flags, connections', (t) => {
  const dir = setup(t);
  const src = join(dir, 'plain');
  mkdirSync(src);
  const key = join(dir, 'id_ed25519');
  writeFileSync(key, 'key');
  const enc: Task = { name: 'enc', type: 'encrypt', source: src, remote: 'secret:' };
  const ok = validateTask(
    { name: 'push', type: 'synchronize', source: src, dest: 'me@host:/srv/b', sshPort: 2222, sshKey: key, thresholdDays: 3 },
    { checkFs: true, existing: [enc] },
  );
  assert.deepEqual(ok.errors, []);
  assert.deepEqual(ok.warnings, []);
  assert.equal(ok.task?.name, 'push');

  const cases: Array<[unknown, string]> = [
    [{ name: 'a', type: 'encrypt', source: join(dir, 'missing'), remote: 'secret:' }, 'source: folder does not exist'],
    [{ name: 'a', type: 'encrypt', source: key, remote: 'secret:' }, 'source: is not a folder'],
    [{ name: 'a', type: 'encrypt', source: 'relative/dir', remote: 'secret:' }, 'source: must be an absolute path'],
    [{ name: 'a', type: 'encrypt', source: src, remote: '/local/path' }, 'remote: must be a crypt remote written REMOTE:[path], e.g. "secret:" or "secret:photos"'],
    [{ name: 'enc', type: 'encrypt', source: src, remote: 'secret:' }, 'name: a task named "enc" already exists'],
    [{ name: 'a', type: 'synchronize', source: join(dir, 'nope'), dest: '/x' }, 'source: folder does not exist'],
    [{ name: 'a', type: 'synchronize', source: 'h:/x', dest: '/x' }, 'source: must be a local folder (to pull from a server, use a syncremote task)'],
    [{ name: 'a', type: 'synchronize', source: src, dest: src }, 'dest: is the same folder as source'],
    [{ name: 'a', type: 'synchronize', source: src, dest: join(src, 'copy') }, 'dest: is inside source: rsync would copy its own copy'],
    [{ name: 'a', type: 'synchronize', source: src, dest: 'me@host:' }, 'dest: path on the server is missing after ":" (write e.g. host:backups/docs)'],
    [{ name: 'a', type: 'synchronize', source: src, dest: 'me@h:/x', sshKey: join(dir, 'nokey') }, `sshKey: key file ${join(dir, 'nokey')} does not exist`],
    [{ name: 'a', type: 'synchronize', source: src, dest: 'me@h:/x', sshKey: '~/.ssh/id' }, 'sshKey: write the full path: "~" is not expanded (nothing runs through a shell)'],
    [{ name: 'a', type: 'synchronize', source: src, dest: 'me@h::mod', sshPort: 22 }, 'sshPort: does not apply to an rsync daemon (dest uses "::"), which is reached without ssh'],
    [{ name: 'a', type: 'synchronize', source: src, dest: 'me@h:/x', sshOptions: ['-oFoo'] }, 'sshOptions[0]: must look like KEY=VALUE (passed to ssh as -o KEY=VALUE)'],
    [{ name: 'a', type: 'synchronize', source: src, dest: '/x', extraFlags: ['--remove-source-files'] }, "extraFlags: extra flag 1 '--remove-source-files': --remove-source-files is not allowed: a backup must never delete its source"],
    [{ name: 'a', type: 'synchronize', source: src, dest: '/x', extraFlags: ['x; rm -rf /'] }, "extraFlags: extra flag 1 'x; rm -rf /': must be an option starting with '-' (write a value as --option=VALUE in one item)"],
    [{ name: 'a', type: 'synchronize', source: src, dest: '/x', connectedTo: 'ghost' }, 'connectedTo: there is no task "ghost"'],
    [{ name: 'a', type: 'synchronize', source: src, dest: '/x', connectedTo: 'push2' }, 'connectedTo: "push2" is a synchronize task; connect to an encrypt task'],
    [{ name: 'a', type: 'syncremote', source: '/local', dest: '/x' }, 'source: must be on a server ([user@]host:path or host::module/path): a syncremote task pulls from a server'],
    [{ name: 'a', type: 'syncremote', source: 'h:/x', dest: 'h:/y' }, 'dest: must be a local folder: a syncremote task pulls into a local folder'],
    [{ name: 'a', type: 'syncremote', source: 'h:/x', dest: '/y', connectedTo: 'enc' }, 'connectedTo: only synchronize, snapshot, cloud tasks can be connected to an encrypt task'],
    [{ name: 'a', type: 'cloud', source: src, dest: '/not/a/remote' }, 'dest: must be an rclone remote written REMOTE:path, e.g. "offsite:backups/docs" (a remote in your rclone config)'],
    [{ name: 'a', type: 'cloud', source: 'h:/x', dest: 'offsite:b' }, 'source: must be an absolute path of a local folder'],
    [{ name: 'a', type: 'cloud', source: src, dest: 'offsite:b', connectedTo: 'push2' }, 'connectedTo: "push2" is a synchronize task; connect to an encrypt task'],
    [{ name: 'a', type: 'cloud', source: src, dest: 'offsite:b', sshPort: 22 }, 'sshPort: unknown field for a cloud task (known: name, type, source, dest, thresholdDays, preCommand, postCommand, haltOnPreError, haltOnPostError, notes, schedule, scheduleTimeZone, stallMinutes, notify, config, delete, excludes, maxDelete, maxDeletePercent, transfers, connectedTo)'],
    [{ name: 'a', type: 'snapshot', source: src, dest: 'h:/' }, 'dest: a snapshot root cannot be "/": name a folder to hold the dated snapshots'],
    [{ name: 'a', type: 'snapshot', source: src, dest: '/x', snapshotNum: 0 }, 'snapshotNum: must be 1 or more'],
    [{ name: 'a', type: 'encrypt', source: src, remote: 's:', preCommand: ['bin/x'] }, 'preCommand[0]: give the program as an absolute path or a bare name looked up on PATH (it runs without a shell)'],
    [{ name: 'a', type: 'encrypt', source: src, remote: 's:', preCommand: [join(dir, 'no-such-script')] }, `preCommand[0]: program ${join(dir, 'no-such-script')} does not exist`],
    [{ name: 'a', type: 'encrypt', source: src, remote: 's:', transfers: 0 }, 'transfers: must be 1 or more'],
  ];
  const existing: Task[] = [enc, { name: 'push2', type: 'synchronize', source: src, dest: '/y' }];
  for (const [input, expected] of cases) {
    const r = validateTask(input, { checkFs: true, existing });
    assert.ok(messages(r.errors).includes(expected), `${JSON.stringify(input)}\n expected: ${expected}\n got: ${messages(r.errors).join(' | ')}`);
    assert.equal(r.task, undefined);
  }
});

test('warnings: delete into a non-empty folder, no threshold, ssh settings on a local task, catalog not made yet', (t) => {
  const dir = setup(t);
  const dest = join(dir, 'pulled');
  mkdirSync(dest);
  writeFileSync(join(dest, 'mine.txt'), 'x');
  const r = validateTask({ name: 'pull', type: 'syncremote', source: 'me@h:/srv/x', dest }, { checkFs: true });
  assert.ok(r.task, messages(r.errors).join());
  assert.deepEqual(messages(r.warnings), [
    'thresholdDays: not set: overdue after the default of 7 days',
    'dest: is not empty and delete is on: files in it that are not on the server will be deleted',
  ]);
  const noDelete = validateTask({ name: 'pull', type: 'syncremote', source: 'me@h:/srv/x', dest, delete: false, thresholdDays: 1 }, { checkFs: true });
  assert.deepEqual(noDelete.warnings, []);

  const local = validateTask({ name: 'l', type: 'synchronize', source: dest, dest: join(dir, 'copy'), sshPort: 22, thresholdDays: 1 }, { checkFs: true });
  assert.deepEqual(messages(local.warnings), ['sshPort: has no effect: both sides are local']);

  const catalog = join(dir, 'catalog');
  const pending = validateTask(
    { name: 's', type: 'synchronize', source: catalog, dest: 'me@h:/b', thresholdDays: 1 },
    { checkFs: true, catalogFolders: new Map([[catalog, 'enc']]) },
  );
  assert.ok(pending.task, messages(pending.errors).join());
  assert.deepEqual(messages(pending.warnings), ['source: folder does not exist yet: it is made by the first run of encrypt task "enc"']);
});

test('never mutates its input; the returned task is a separate copy', () => {
  const input = deepFreeze({ name: 'a', type: 'synchronize', source: '/s', dest: '/d', excludes: ['x'] });
  const r = validateTask(input);
  assert.ok(r.task);
  assert.notEqual(r.task, input);
  assert.deepEqual(r.task, input);
});

test('validateProfile reports tasks[i].field paths; ValidationError lists each on its own line', (t) => {
  const dir = setup(t);
  const src = join(dir, 'src');
  mkdirSync(src);
  const tasks: Task[] = [
    { name: 'enc', type: 'encrypt', source: src, remote: 'secret:', thresholdDays: 7 },
    { name: 'push', type: 'synchronize', source: src, dest: '/b', connectedTo: 'enc', thresholdDays: 7 },
    { name: 'gone', type: 'synchronize', source: join(dir, 'unplugged'), dest: '/b', thresholdDays: 7 },
    { name: 'push', type: 'synchronize', source: src, dest: '/c', thresholdDays: 7 },
  ];
  const r = validateProfile(tasks, { checkFs: true });
  assert.deepEqual(messages(r.errors), [
    'tasks[1].name: a task named "push" already exists',
    'tasks[2].source: folder does not exist',
    'tasks[3].name: a task named "push" already exists',
  ]);
  const e = new ValidationError('tasks.json', r.errors);
  assert.equal(e.code, 'VALIDATION');
  assert.equal(e.kind, 'usage');
  assert.equal(
    e.message,
    [
      'tasks.json: tasks[1].name: a task named "push" already exists',
      'tasks.json: tasks[2].source: folder does not exist',
      'tasks.json: tasks[3].name: a task named "push" already exists',
    ].join('\n'),
  );
  assert.deepEqual(validateProfile(tasks.slice(0, 2), { checkFs: true }).errors, []);
});
