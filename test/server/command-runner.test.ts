// The web API is not a command runner: task fields that make cryptsync, rsync or ssh execute a
// program (pre/post commands, ProxyCommand and friends, --rsync-path / -e) cannot be set or
// changed through it unless `serve --allow-commands`; a whole-task edit that keeps commands set
// from the CLI still works. Restore targets must be absolute, and overwrite needs confirmTarget.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startHarness, type Harness } from './harness.js';

let locked: Harness;
let open: Harness;

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

before(async () => {
  locked = await startHarness();
  open = await startHarness({ allowCommands: true });
  for (const h of [locked, open]) await mkdir(join(h.home, 'src'), { recursive: true });
});
after(async () => {
  await locked.close();
  await open.close();
});

function base(h: Harness, name: string): Record<string, unknown> {
  return { name, type: 'synchronize', source: join(h.home, 'src'), dest: 'backup@nas.example:/srv/backup/docs' };
}

/** field named in the refusal, and the fields that carry it */
const EXEC_INPUTS: Array<[string, Record<string, unknown>]> = [
  ['preCommand', { preCommand: ['/bin/sh', '-c', 'id > /tmp/pwned'] }],
  ['postCommand', { postCommand: ['/bin/echo', 'done'] }],
  ['sshOptions', { sshOptions: ['ProxyCommand=/bin/sh -c "id > /tmp/pwned"'] }],
  ['sshOptions', { sshOptions: ['Compression=yes', 'LocalCommand=/bin/id', 'PermitLocalCommand=yes'] }],
  ['sshOptions', { sshOptions: ['knownhostscommand=/bin/id'] }],
  ['sshOptions', { sshOptions: ['Match=exec "/bin/id"'] }],
  ['extraFlags', { extraFlags: ['--rsync-path=/usr/bin/rsync'] }],
  ['extraFlags', { extraFlags: ['--numeric-ids', '--rsync-pa=/usr/bin/rsync'] }],
];

test('add: every command-running field is refused by default (400 naming the field); nothing is added', async () => {
  const info = await locked.json<{ allowCommands: boolean }>('GET', '/api/info');
  assert.equal(info.body.allowCommands, false);
  for (const [i, [field, extra]] of EXEC_INPUTS.entries()) {
    const r = await locked.json<ErrorBody>('POST', '/api/tasks', { ...base(locked, `t${i}`), ...extra });
    assert.equal(r.status, 400, `${JSON.stringify(extra)}: ${r.text}`);
    assert.equal(r.body.error.code, 'COMMANDS_LOCKED');
    assert.equal(r.body.error.field, field);
    assert.match(r.body.error.message, /cryptsync task edit|tasks\.json/);
  }
  assert.deepEqual(locked.engine.listTasks(), []);
  // fields that run nothing stay open
  const plain = await locked.json('POST', '/api/tasks', { ...base(locked, 'plain'), sshOptions: ['Compression=yes'], extraFlags: ['--numeric-ids'] });
  assert.equal(plain.status, 201, plain.text);
});

test('add: the same fields are accepted when serve was started with --allow-commands', async () => {
  const info = await open.json<{ allowCommands: boolean }>('GET', '/api/info');
  assert.equal(info.body.allowCommands, true);
  for (const [i, [, extra]] of EXEC_INPUTS.entries()) {
    const r = await open.json('POST', '/api/tasks', { ...base(open, `t${i}`), ...extra });
    assert.equal(r.status, 201, `${JSON.stringify(extra)}: ${r.text}`);
  }
  assert.equal(open.engine.listTasks().length, EXEC_INPUTS.length);
});

test('edit: a whole-task edit keeping CLI-set commands works; changing, adding or removing one is refused', async () => {
  const cliSet = {
    ...base(locked, 'cli-set'),
    preCommand: ['/bin/echo', 'mount'],
    haltOnPreError: true,
    sshOptions: ['ProxyCommand=/usr/bin/nc %h %p', 'Compression=yes'],
    extraFlags: ['--rsync-path=/usr/bin/rsync'],
  };
  await locked.engine.addTask(cliSet); // what `cryptsync task add` does
  const whole = { ...locked.engine.getTask('cli-set').task, notes: 'edited in the browser', sshOptions: ['ProxyCommand=/usr/bin/nc %h %p', 'Compression=no'] };
  const ok = await locked.json<{ task: Record<string, unknown> }>('PATCH', '/api/tasks/cli-set', whole);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.task.notes, 'edited in the browser');
  assert.deepEqual(ok.body.task.preCommand, ['/bin/echo', 'mount']);
  for (const [field, patch] of [
    ['preCommand', { preCommand: ['/bin/sh', '-c', 'id'] }],
    ['preCommand', { preCommand: null }],
    ['haltOnPreError', { haltOnPreError: false }],
    ['postCommand', { postCommand: ['/bin/echo', 'x'] }],
    ['sshOptions', { sshOptions: ['ProxyCommand=/bin/sh -c id', 'Compression=no'] }],
    ['sshOptions', { sshOptions: ['Compression=no', 'KnownHostsCommand=/bin/id'] }],
    ['extraFlags', { extraFlags: ['--rsync-path=/tmp/evil'] }],
    ['extraFlags', { extraFlags: ['--rsync-path=/usr/bin/rsync', '-M--rsync-path=/tmp/x'] }],
  ] as const) {
    const r = await locked.json<ErrorBody>('PATCH', '/api/tasks/cli-set', patch);
    assert.equal(r.status, 400, `${JSON.stringify(patch)}: ${r.text}`);
    assert.equal(r.body.error.code, 'COMMANDS_LOCKED');
    assert.equal(r.body.error.field, field);
  }
  assert.deepEqual(locked.engine.getTask('cli-set').task.preCommand, ['/bin/echo', 'mount'], 'nothing changed');
  // a task without commands cannot gain one by an edit either
  const gain = await locked.json<ErrorBody>('PATCH', '/api/tasks/plain', { postCommand: ['/bin/id'] });
  assert.equal(gain.status, 400);
  assert.equal(gain.body.error.field, 'postCommand');
  const openEdit = await open.json('PATCH', '/api/tasks/t0', { preCommand: ['/bin/echo', 'changed'] });
  assert.equal(openEdit.status, 200, openEdit.text);
});

test('restore: a relative target is refused; overwrite needs confirmTarget equal to target', async () => {
  const h = locked;
  const plain = join(h.home, 'plain');
  await mkdir(plain, { recursive: true });
  await writeFile(join(plain, 'a.txt'), 'restore me');
  await h.engine.addRemote({ name: 'v', path: join(h.home, 'catalog'), password: 'command runner test password' });
  await h.engine.addTask({ name: 'enc', type: 'encrypt', source: plain, remote: 'v:' });
  const { runId } = h.engine.startRun('enc');
  assert.equal((await h.engine.waitRun(runId)).status, 'ok');

  for (const target of ['restored', './restored', '../escape']) {
    const r = await h.json<ErrorBody>('POST', '/api/restore', { source: 'enc', target });
    assert.equal(r.status, 400, `${target}: ${r.text}`);
    assert.equal(r.body.error.code, 'RESTORE_TARGET_RELATIVE');
    assert.equal(r.body.error.field, 'target');
  }
  const target = join(h.home, 'out');
  await mkdir(target, { recursive: true });
  await writeFile(join(target, 'keep.txt'), 'already here');
  for (const confirm of [undefined, '', `${target}/`, join(h.home, 'other')]) {
    const r = await h.json<ErrorBody>('POST', '/api/restore', { source: 'enc', target, overwrite: true, ...(confirm === undefined ? {} : { confirmTarget: confirm }) });
    assert.equal(r.status, 400, `confirm ${confirm}: ${r.text}`);
    assert.equal(r.body.error.code, 'CONFIRM_TARGET');
    assert.equal(r.body.error.field, 'confirmTarget');
  }
  const ok = await h.json<{ target: string }>('POST', '/api/restore', { source: 'enc', target, overwrite: true, confirmTarget: target });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.target, target);
});
