// Every JSON API route, in-process, through a real Engine on a temp home: the demo, tasks
// (add/edit/remove/connect/disconnect/command, field-level validation), runs (estimate,
// execute, conflict, abort, log filters), batches, crypt remotes (write-only passwords),
// browse/mapping/restore/verify over the demo's encrypted catalog.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startHarness, settle, type Harness } from './harness.js';

interface Task {
  name: string;
  type: string;
  combined: boolean;
  connectedTo?: string;
  estimate: { hasChanges: boolean; steps: Array<{ step: string; counts: { newFiles: number } }> } | null;
  lastRunAt: string | null;
  running: number | null;
  task: Record<string, unknown>;
}
interface ErrorBody {
  error: { code: string; message: string; field?: string; issues?: Array<{ path: string; message: string }> };
}
interface Run {
  id: number;
  task: string;
  dryRun: boolean;
  status: string;
  steps: Array<{ kind: string; status: string; filesNew: number; outputTail: string }>;
}

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

/** Every response text seen, to check afterwards that no secret ever left the server. */
const seen: string[] = [];
async function call<T>(method: string, path: string, body?: unknown) {
  const r = await h.json<T>(method, path, body);
  seen.push(r.text);
  return r;
}

test('demo: an empty home lists no tasks, loading the demo gives a combined task', async () => {
  assert.deepEqual((await call('GET', '/api/tasks')).body, []);
  const demo = await call<{ tasks: string[] }>('POST', '/api/demo');
  assert.equal(demo.status, 201);
  assert.deepEqual(demo.body.tasks, ['demo-encrypt', 'demo-backup']);
  const tasks = (await call<Task[]>('GET', '/api/tasks')).body;
  const backup = tasks.find((t) => t.name === 'demo-backup');
  assert.ok(backup?.combined);
  assert.equal(backup.connectedTo, 'demo-encrypt');
  assert.equal(backup.lastRunAt, null);
  assert.equal(backup.estimate, null);
  const one = await call<Task>('GET', '/api/tasks/demo-encrypt');
  assert.equal(one.body.type, 'encrypt');
  const cmd = await call<Array<{ step: string; shell: string }>>('GET', '/api/tasks/demo-backup/command');
  assert.deepEqual(
    cmd.body.map((c) => c.step),
    ['encrypt', 'rsync'],
  );
  assert.match(cmd.body[1]?.shell ?? '', /rsync/);
});

test('estimate -> review -> execute the combined task; the log has both steps', async () => {
  const est = await call<{ runId: number }>('POST', '/api/tasks/demo-backup/runs', { dryRun: true });
  assert.equal(est.status, 202);
  assert.equal((await h.engine.waitRun(est.body.runId)).status, 'ok');
  const after = (await call<Task>('GET', '/api/tasks/demo-backup')).body;
  assert.ok(after.estimate?.hasChanges);
  assert.deepEqual(
    after.estimate.steps.map((s) => s.step),
    ['encrypt', 'rsync'],
  );
  assert.equal(after.estimate.steps[0]?.counts.newFiles, 8, 'the demo has 8 files to encrypt');

  const run = await call<{ runId: number }>('POST', '/api/tasks/demo-backup/runs', {});
  assert.equal(run.status, 202);
  // a second start of the same task while it runs is refused
  const twice = await call<ErrorBody>('POST', '/api/tasks/demo-backup/runs', {});
  assert.equal(twice.status, 409);
  assert.ok(twice.body.error.code);
  assert.equal((await h.engine.waitRun(run.body.runId)).status, 'ok');

  const runs = (await call<Run[]>('GET', '/api/runs?task=demo-backup')).body;
  assert.equal(runs[0]?.id, run.body.runId, 'newest first');
  assert.deepEqual(
    runs[0]?.steps.filter((s) => s.kind === 'encrypt' || s.kind === 'rsync').map((s) => [s.kind, s.status]),
    [
      ['encrypt', 'ok'],
      ['rsync', 'ok'],
    ],
  );
  const one = await call<Run>('GET', `/api/runs/${run.body.runId}`);
  assert.equal(one.body.task, 'demo-backup');
  assert.equal((await call<Run[]>('GET', '/api/runs?status=failed')).body.length, 0);
  assert.equal((await call<Run[]>('GET', '/api/runs?limit=1')).body.length, 1);
  assert.equal((await call<ErrorBody>('GET', '/api/runs?limit=0')).status, 400);
  assert.equal((await call<ErrorBody>('GET', '/api/runs/abc')).status, 400);
  assert.equal((await call<ErrorBody>('GET', '/api/runs/99999')).status, 404);
  assert.deepEqual((await call('POST', '/api/runs/99999/abort')).body, { aborted: false });
  const server = join(h.home, 'demo', 'server');
  assert.ok((await readdir(server)).length > 0, 'the local "server" folder got the encrypted catalog');
  assert.ok(!(await readdir(server)).includes('README.txt'), 'and no plain names');
});

test('batches: estimate all, then run all with changes (none left)', async () => {
  const b = await call<{ tasks: string[] }>('POST', '/api/batch', { mode: 'estimate' });
  assert.equal(b.status, 202);
  assert.deepEqual(b.body.tasks.sort(), ['demo-backup', 'demo-encrypt']);
  assert.equal((await call<ErrorBody>('POST', '/api/batch', { mode: 'estimate' })).status, 409, 'one batch at a time');
  for (let i = 0; i < 300 && (await call<{ state: unknown }>('GET', '/api/batch')).body.state !== null; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal((await call<{ state: unknown }>('GET', '/api/batch')).body.state, null);
  const tasks = (await call<Task[]>('GET', '/api/tasks')).body;
  assert.ok(tasks.every((t) => t.estimate && !t.estimate.hasChanges), 'nothing changed since the run');
  const r = await call<{ tasks: string[] }>('POST', '/api/batch', { mode: 'run-changed' });
  assert.deepEqual(r.body.tasks, []);
  assert.equal((await call<ErrorBody>('POST', '/api/batch', { mode: 'everything' })).status, 400);
  await settle(h.engine);

  // a batch stopped at once runs at most its first task
  const events: Array<Record<string, unknown>> = [];
  const off = h.web.hub.subscribe((e) => {
    if (e.type === 'batch') events.push(e);
  });
  try {
    assert.equal((await call('POST', '/api/batch', { mode: 'estimate' })).status, 202);
    assert.deepEqual((await call('POST', '/api/batch/abort')).body, { aborted: true });
    for (let i = 0; i < 300 && (await call<{ state: unknown }>('GET', '/api/batch')).body.state !== null; i++) await new Promise((r) => setTimeout(r, 50));
    const finished = events.find((e) => e.finished)?.finished as { done: string[]; aborted: boolean };
    assert.equal(finished.aborted, true);
    assert.ok(finished.done.length <= 1, JSON.stringify(finished));
  } finally {
    off();
  }
  assert.deepEqual((await call('POST', '/api/batch/abort')).body, { aborted: false }, 'nothing to stop');
  await settle(h.engine);
});

test('info names the server and its version', async () => {
  const info = await call<{ version: string; serverId: string }>('GET', '/api/info');
  assert.equal(info.status, 200);
  assert.match(info.body.version, /^\d+\.\d+\.\d+/);
  assert.match(info.body.serverId, /^[0-9a-f]{16}$/);
});

test('browse, mapping, restore (fresh temp folder by default) and verify over the catalog', async () => {
  const root = (await call<Array<{ name: string; type: string; path: string; encrypted: string }>>('GET', '/api/browse?source=demo-encrypt')).body;
  assert.ok(root.some((e) => e.name === 'photos' && e.type === 'dir'));
  const readme = root.find((e) => e.name === 'README.txt');
  assert.ok(readme && readme.encrypted !== 'README.txt');
  const sub = (await call<Array<{ path: string }>>('GET', '/api/browse?source=demo-encrypt&path=photos/holiday')).body;
  assert.deepEqual(sub.map((e) => e.path).sort(), ['photos/holiday/beach.jpg', 'photos/holiday/sunset.jpg']);
  assert.equal((await call<ErrorBody>('GET', '/api/browse')).status, 400);
  assert.equal((await call<ErrorBody>('GET', '/api/browse?source=no-such-task')).status, 404);

  const mapping = (await call<Array<{ plain: string; encrypted: string }>>('GET', '/api/mapping?source=demo-crypt:')).body;
  assert.ok(mapping.some((m) => m.plain === 'notes/ideas.txt' && !m.encrypted.includes('ideas')));

  const dry = await call<{ target: string; summary: Record<string, unknown> }>('POST', '/api/restore', { source: 'demo-encrypt', paths: ['notes'], dryRun: true });
  assert.equal(dry.status, 200);
  const real = await call<{ target: string; summary: Record<string, unknown> }>('POST', '/api/restore', { source: 'demo-encrypt', paths: ['notes'] });
  assert.equal(real.status, 200);
  assert.notEqual(real.body.target, dry.body.target, 'each restore gets its own fresh folder');
  try {
    const plain = join(h.home, 'demo', 'plain');
    assert.deepEqual(await readFile(join(real.body.target, 'notes', 'ideas.txt')), await readFile(join(plain, 'notes', 'ideas.txt')));
    const files = (await readdir(real.body.target, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name);
    assert.deepEqual(files.sort(), ['2026-11 meeting.md', 'ideas.txt'], 'only the files picked');
  } finally {
    await rm(real.body.target, { recursive: true, force: true });
    await rm(dry.body.target, { recursive: true, force: true });
  }
  const bad = await call<ErrorBody>('POST', '/api/restore', { source: 'demo-encrypt', paths: 'notes' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'paths');

  const v = await call<Record<string, unknown>>('POST', '/api/verify', { task: 'demo-encrypt' });
  assert.equal(v.status, 200);
  await writeFile(join(h.home, 'demo', 'plain', 'notes', 'ideas.txt'), 'changed after the backup\n');
  const v2 = await call<Record<string, unknown>>('POST', '/api/verify', { task: 'demo-encrypt' });
  assert.notDeepEqual(v2.body, v.body, 'verify notices a changed plain file');
  assert.equal((await call<ErrorBody>('POST', '/api/verify', { task: 'demo-backup' })).status, 400, 'verify needs an encrypt task');
  assert.equal((await call<ErrorBody>('POST', '/api/verify', {})).status, 400);
});

test('add, validate (field errors), edit, connect/disconnect and remove tasks', async () => {
  const bad = await call<ErrorBody>('POST', '/api/tasks', { name: 'docs', type: 'synchronize', source: join(h.home, 'no-such-folder'), dest: join(h.home, 'out') });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'VALIDATION');
  assert.ok(bad.body.error.issues?.some((i) => /source$/.test(i.path)), JSON.stringify(bad.body));
  assert.doesNotMatch(bad.text, /\bat .*\.(js|ts):\d+/, 'no stack trace');
  const badName = await call<ErrorBody>('POST', '/api/tasks', { name: 'a b', type: 'encrypt', source: h.home, remote: 'demo-crypt:' });
  assert.ok(badName.body.error.issues?.some((i) => /name$/.test(i.path)));

  const src = join(h.home, 'docs');
  await mkdir(src);
  const add = await call<Task>('POST', '/api/tasks', { name: 'docs', type: 'synchronize', source: src, dest: join(h.home, 'out') });
  assert.equal(add.status, 201, add.text);
  assert.equal(add.body.combined, false);
  const dup = await call<ErrorBody>('POST', '/api/tasks', { name: 'docs', type: 'synchronize', source: src, dest: join(h.home, 'out') });
  assert.equal(dup.status, 400);

  const edit = await call<Task>('PATCH', '/api/tasks/docs', { thresholdDays: 3, compress: true });
  assert.equal(edit.status, 200, edit.text);
  assert.equal(edit.body.task.thresholdDays, 3);
  const badEdit = await call<ErrorBody>('PATCH', '/api/tasks/docs', { sshPort: 70000 });
  assert.equal(badEdit.status, 400);
  assert.ok(badEdit.body.error.issues?.some((i) => /sshPort$/.test(i.path)));
  assert.equal((await call<ErrorBody>('PATCH', '/api/tasks/nope', { compress: true })).status, 404);

  // docs' source is not demo-encrypt's catalog: connect explains instead of connecting
  const conn = await call<ErrorBody>('POST', '/api/tasks/docs/connect', { encrypt: 'demo-encrypt' });
  assert.ok(conn.status >= 400 && conn.status < 500, conn.text);
  assert.equal((await call<ErrorBody>('POST', '/api/tasks/docs/connect', {})).status, 400);
  const disc = await call<Task>('POST', '/api/tasks/demo-backup/disconnect');
  assert.equal(disc.status, 200);
  assert.equal(disc.body.combined, false);
  const re = await call<Task>('POST', '/api/tasks/demo-backup/connect', { encrypt: 'demo-encrypt' });
  assert.equal(re.status, 200, re.text);
  assert.equal(re.body.combined, true);

  assert.equal((await h.req('DELETE', '/api/tasks/docs')).status, 204);
  assert.equal((await call<ErrorBody>('GET', '/api/tasks/docs')).status, 404);
  assert.equal((await call<ErrorBody>('DELETE', '/api/tasks/docs')).status, 404);
});

test('abort a running execute: the run ends aborted and the rsync step never runs', async () => {
  const big = join(h.home, 'demo', 'plain', 'big.bin');
  await writeFile(big, Buffer.alloc(128 * 1024 * 1024, 1));
  try {
    let aborted: Promise<{ status: number; body: unknown }> | null = null;
    let runId = 0;
    const off = h.engine.subscribe((e) => {
      if (e.type === 'progress' && e.runId === runId && !aborted) aborted = call('POST', `/api/runs/${runId}/abort`);
    });
    try {
      runId = (await call<{ runId: number }>('POST', '/api/tasks/demo-backup/runs', {})).body.runId;
      const end = await h.engine.waitRun(runId);
      assert.ok(aborted, 'progress was reported before the end');
      assert.deepEqual((await (aborted as Promise<{ status: number; body: unknown }>)).body, { aborted: true });
      assert.equal(end.status, 'aborted');
    } finally {
      off();
    }
    const run = (await call<Run>('GET', `/api/runs/${runId}`)).body;
    assert.equal(run.status, 'aborted');
    assert.ok(!run.steps.some((s) => s.kind === 'rsync' && s.status === 'ok'), 'no rsync after an aborted encrypt');
  } finally {
    await rm(big, { force: true });
  }
});

test('crypt remotes: passwords are write-only and never come back', async () => {
  const pw = 'correct horse battery staple 1234';
  const bad = await call<ErrorBody>('POST', '/api/remotes', { name: 'vault', path: join(h.home, 'vault') });
  assert.ok(bad.status >= 400 && bad.status < 500, 'a remote without password is refused');
  const extra = await call<ErrorBody>('POST', '/api/remotes', { name: 'vault', path: join(h.home, 'vault'), password: pw, generatePassword: true });
  assert.equal(extra.status, 400, 'the server never generates a password it would have to send back');
  const add = await call<{ remote: { name: string } }>('POST', '/api/remotes', { name: 'vault', path: join(h.home, 'vault'), password: pw, password2: 'pepper grinder on the table' });
  assert.equal(add.status, 201, add.text);
  assert.equal(add.body.remote.name, 'vault');
  const list = await call<Array<{ name: string; hasPassword2: boolean }>>('GET', '/api/remotes');
  assert.ok(list.body.find((r) => r.name === 'vault')?.hasPassword2);

  const conf = await readFile(join(h.home, 'rclone.conf'), 'utf8');
  const stored = [...conf.matchAll(/^password2? = (.+)$/gm)].map((m) => m[1] as string);
  assert.ok(stored.length >= 3, 'demo and vault passwords are in rclone.conf (obscured)');
  for (const text of seen) {
    for (const s of [pw, 'pepper grinder on the table', ...stored]) assert.ok(!text.includes(s), `a response contained a secret: ${text.slice(0, 200)}`);
    assert.doesNotMatch(text, /"password2?"\s*:/);
  }
});
