// Notifications, to real loopback receivers: a webhook gets the run's JSON (asserted field by
// field; no secret, no file name), a Healthchecks-style receiver sees /start then success or
// /fail, and an SMTP server (smtp-server) receives the e-mail over STARTTLS, logged in with the
// password stored obscured. A target that cannot be reached is reported and never fails the
// backup; `cryptsync notify test` reaches every target.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, rename, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { cryptsync, cliEnv, jsonLines, type CliResult } from '../helpers/cli.js';
import { makeTree } from '../helpers/tree.js';
import { until } from '../helpers/until.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { startDaemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/rclone-serve.js';
import Database from 'better-sqlite3';

const SEED = Number(process.env.TEST_SEED ?? Date.now() % 1_000_000);
console.log(`schedule-notify seed: ${SEED} (TEST_SEED=${SEED} to replay)`);
const rand = seededRandom(SEED);
const token = (n: number) => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(rand() * 36)]).join('');

const SMTP_USER = 'mailer';
const SMTP_PASSWORD = `pw-${token(24)}`;
const HC_UUID = token(32);
const HOOK_SECRET = token(20);

interface Hit {
  path: string;
  body: string;
  headers: IncomingMessage['headers'];
}

let work: string;
let http: Server;
let httpPort: number;
const hits: Hit[] = [];
let smtp: SMTPServer;
let smtpPort: number;
const mails: Array<{ user: string | undefined; secure: boolean; text: string }> = [];
let caFile: string;

function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'cryptsync-notify-'));
  http = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', body, headers: req.headers });
      res.end('OK');
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  httpPort = (http.address() as { port: number }).port;

  // a self-signed certificate for localhost, trusted by the cryptsync processes via NODE_EXTRA_CA_CERTS
  const key = join(work, 'smtp.key');
  caFile = join(work, 'smtp.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', caFile, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
  smtp = new SMTPServer({
    key: await readFile(key),
    cert: await readFile(caFile),
    authMethods: ['PLAIN', 'LOGIN'],
    // no AUTH before STARTTLS: a client that did not upgrade cannot log in
    allowInsecureAuth: false,
    onAuth(auth, _session, cb) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) cb(null, { user: auth.username });
      else cb(new Error('bad login'));
    },
    onData(stream, session, cb) {
      let text = '';
      stream.on('data', (d: Buffer) => (text += d.toString()));
      stream.on('end', () => {
        mails.push({ user: typeof session.user === 'string' ? session.user : undefined, secure: session.secure, text });
        cb();
      });
    },
    logger: false,
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  smtpPort = (smtp.server.address() as { port: number }).port;
});
after(async () => {
  await new Promise<void>((r) => http.close(() => r()));
  await new Promise<void>((r) => smtp.close(() => r()));
  await rm(work, { recursive: true, force: true });
});

test('webhook, Healthchecks and SMTP receive success and failure; no secret, no file name', async () => {
  const home = join(work, 'home');
  const env = cliEnv(home, { NODE_EXTRA_CA_CERTS: caFile });
  const src = join(work, 'private-documents-src');
  await makeTree(src, { 'tax-return-2025.pdf': `${token(200)}\n`, 'notes.txt': 'n\n' });
  const obscured = ok(await cryptsync(['obscure', '-'], { env, input: `${SMTP_PASSWORD}\n` }), 'obscure').stdout.trim();
  assert.notEqual(obscured, SMTP_PASSWORD);
  const base = `http://127.0.0.1:${httpPort}`;
  const targets = [
    { type: 'webhook', url: `${base}/hook?secret=${HOOK_SECRET}`, on: ['failure', 'success'] },
    { type: 'healthchecks', url: `${base}/ping/${HC_UUID}` },
    { type: 'email', to: ['admin@example.org'], from: 'backup@example.org', host: 'localhost', port: smtpPort, security: 'starttls', user: SMTP_USER, password: obscured, on: ['failure', 'success'] },
  ];
  ok(await cryptsync(['task', 'add', 'docs', '--type', 'synchronize', '--source', src, '--dest', join(work, 'dst'), ...targets.flatMap((t) => ['--notify', JSON.stringify(t)])], { env }), 'task add');
  const tasksJson = await readFile(join(home, 'profiles', 'default', 'tasks.json'), 'utf8');
  assert.ok(!tasksJson.includes(SMTP_PASSWORD), 'the SMTP password is stored obscured only');

  const run = ok(await cryptsync(['run', 'docs', '--json'], { env }), 'run');
  const runId = jsonLines(run.stdout).find((e) => e.type === 'run-start')!.runId as number;
  assert.ok(!jsonLines(run.stdout).some((e) => e.type === 'notice'), `no notification failed:\n${run.stdout}`);

  const hook = hits.find((h) => h.path.startsWith('/hook'))!;
  assert.equal(hook.headers['content-type'], 'application/json');
  const p = JSON.parse(hook.body) as Record<string, unknown>;
  assert.equal(p.source, 'cryptsync');
  assert.equal(p.event, 'success');
  assert.equal(p.task, 'docs');
  assert.equal(p.runId, runId);
  assert.equal(p.status, 'ok');
  assert.equal(p.startedBy, 'manual');
  assert.equal(typeof p.host, 'string');
  assert.equal(typeof p.durationMs, 'number');
  assert.match(String(p.startedAt), /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual(Object.keys(p.counts as object).sort(), ['bytes', 'changedFiles', 'deletedFiles', 'files', 'newFiles']);
  assert.equal((p.counts as { newFiles: number }).newFiles, 2);
  assert.equal(p.failedStep, undefined);
  assert.equal(p.firstError, undefined);
  for (const h of hits) {
    for (const bad of [SMTP_PASSWORD, obscured, HOOK_SECRET, src, 'tax-return', HC_UUID]) {
      assert.ok(!h.body.includes(bad), `a notification body must not contain ${bad}: ${h.body}`);
    }
  }
  const pings = hits.filter((h) => h.path.startsWith('/ping/')).map((h) => h.path);
  assert.deepEqual(pings, [`/ping/${HC_UUID}/start`, `/ping/${HC_UUID}`]);
  const mail = await until(() => mails[0], 'the e-mail');
  assert.equal(mail.user, SMTP_USER);
  assert.equal(mail.secure, true, 'the mail went over STARTTLS');
  assert.match(mail.text, /Subject: cryptsync: docs ok/);
  assert.match(mail.text, /To: admin@example.org/);
  assert.ok(!mail.text.includes(src) && !mail.text.includes(SMTP_PASSWORD));

  // the source vanishes: the run fails, every target hears it, the path is not in the messages
  hits.length = 0;
  await rename(src, `${src}-moved`);
  const failed = await cryptsync(['run', 'docs'], { env });
  assert.equal(failed.code, 1, failed.stdout + failed.stderr);
  const f = JSON.parse(hits.find((h) => h.path.startsWith('/hook'))!.body) as Record<string, unknown>;
  assert.equal(f.event, 'failure');
  assert.equal(f.status, 'failed');
  assert.equal(f.failedStep, 'rsync');
  assert.equal(typeof f.firstError, 'string');
  assert.ok(!String(f.firstError).includes('private-documents'), `the first error line is scrubbed of paths: ${String(f.firstError)}`);
  assert.deepEqual(hits.filter((h) => h.path.startsWith('/ping/')).map((h) => h.path), [`/ping/${HC_UUID}/start`, `/ping/${HC_UUID}/fail`]);
  const failMail = await until(() => mails[1], 'the failure e-mail');
  assert.match(failMail.text, /Subject: cryptsync: docs failed/);
  assert.match(failMail.text, /rsync step: /);
  assert.ok(!failMail.text.includes('private-documents'));
  await rename(`${src}-moved`, src);

  // notify test reaches all three
  hits.length = 0;
  const t = ok(await cryptsync(['notify', 'test', 'docs'], { env }), 'notify test');
  assert.match(t.stdout, new RegExp(`webhook 127\\.0\\.0\\.1:${httpPort}: sent`));
  assert.match(t.stdout, new RegExp(`healthchecks 127\\.0\\.0\\.1:${httpPort}: sent`));
  assert.match(t.stdout, new RegExp(`email via localhost:${smtpPort}: sent`));
  assert.ok(!t.stdout.includes(HOOK_SECRET) && !t.stdout.includes(HC_UUID), 'targets are named by host only');
  await until(() => mails[2], 'the test e-mail');
  assert.equal(JSON.parse(hits.find((h) => h.path.startsWith('/hook'))!.body).event, 'test');
});

test('an unreachable target and a wrong SMTP password are reported and never fail the backup', async () => {
  const home = join(work, 'home2');
  const env = cliEnv(home, { NODE_EXTRA_CA_CERTS: caFile, WRONG_SMTP: 'not-the-password' });
  const src = join(work, 'src2');
  await makeTree(src, { 'a.txt': 'a\n' });
  const dead = await freePort(); // nothing listens there
  const targets = [
    { type: 'webhook', url: `http://127.0.0.1:${dead}/hook`, on: ['success'] },
    { type: 'email', to: ['admin@example.org'], host: 'localhost', port: smtpPort, user: SMTP_USER, passwordEnv: 'WRONG_SMTP', on: ['success'] },
  ];
  ok(await cryptsync(['task', 'add', 'two', '--type', 'synchronize', '--source', src, '--dest', join(work, 'dst2'), ...targets.flatMap((t) => ['--notify', JSON.stringify(t)])], { env }), 'task add');
  const r = ok(await cryptsync(['run', 'two'], { env }), 'a run whose notifications fail still succeeds');
  assert.match(r.stdout, new RegExp(`warning: notification to webhook 127\\.0\\.0\\.1:${dead} failed`));
  assert.match(r.stdout, new RegExp(`warning: notification to email via localhost:${smtpPort} failed`));
  assert.ok(!r.stdout.includes('not-the-password'));
  const runs = jsonLines(ok(await cryptsync(['log', 'two', '--json'], { env }), 'log').stdout).map((l) => l.run) as Array<{ status: string }>;
  assert.equal(runs[0]?.status, 'ok');
  const t = await cryptsync(['notify', 'test', 'two'], { env });
  assert.equal(t.code, 1, 'notify test exits 1 when a target fails');
});

test('the scheduler tells an overdue target once per overdue spell', async () => {
  const home = join(work, 'home3');
  const env = cliEnv(home);
  const src = join(work, 'src3');
  await makeTree(src, { 'a.txt': 'a\n' });
  const target = { type: 'webhook', url: `http://127.0.0.1:${httpPort}/overdue`, on: ['overdue'] };
  ok(await cryptsync(['task', 'add', 'old', '--type', 'synchronize', '--source', src, '--dest', join(work, 'dst3'), '--threshold-days', '1', '--notify', JSON.stringify(target)], { env }), 'task add');
  ok(await cryptsync(['run', 'old'], { env }), 'run');
  assert.equal(hits.filter((h) => h.path === '/overdue').length, 0, 'a success is not an overdue notice');
  const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const db = new Database(join(home, 'cryptsync.db'));
  db.prepare('UPDATE runs SET started_at = ?, ended_at = ?').run(twoDaysAgo, twoDaysAgo);
  db.close();
  const d = startDaemon(env);
  try {
    const hit = await until(() => hits.find((h) => h.path === '/overdue'), 'the overdue notice');
    const p = JSON.parse(hit.body) as Record<string, unknown>;
    assert.equal(p.event, 'overdue');
    assert.equal(p.task, 'old');
    assert.equal(p.lastGoodAt, twoDaysAgo);
    assert.equal(p.thresholdDays, 1);
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(hits.filter((h) => h.path === '/overdue').length, 1, 'once, not every tick');
  } finally {
    assert.equal(await d.stop(), 0, d.output());
  }
});

test('profile-wide targets (notify profile) hear about every task; a bad one is refused naming the field', async () => {
  const home = join(work, 'home4');
  const env = cliEnv(home);
  const src = join(work, 'src4');
  await makeTree(src, { 'a.txt': 'a\n' });
  ok(await cryptsync(['task', 'add', 'plain', '--type', 'synchronize', '--source', src, '--dest', join(work, 'dst4')], { env }), 'task add');
  const bad = await cryptsync(['notify', 'profile', '--set', JSON.stringify({ type: 'ntfy', url: 'file:///etc/passwd' })], { env });
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /notify\.json: notify\[0\]\.url: must be an http/);
  const target = { type: 'webhook', url: `http://127.0.0.1:${httpPort}/profile-hook?token=${HOOK_SECRET}`, on: ['success', 'failure'] };
  ok(await cryptsync(['notify', 'profile', '--set', JSON.stringify(target)], { env }), 'notify profile --set');
  const shown = ok(await cryptsync(['notify', 'profile'], { env }), 'notify profile');
  assert.equal(shown.stdout.trim(), `webhook 127.0.0.1:${httpPort} (on success, failure)`);
  ok(await cryptsync(['run', 'plain'], { env }), 'run');
  const hit = await until(() => hits.find((h) => h.path.startsWith('/profile-hook')), 'the profile-wide webhook');
  const p = JSON.parse(hit.body) as Record<string, unknown>;
  assert.equal(p.task, 'plain');
  assert.equal(p.event, 'success');
  ok(await cryptsync(['notify', 'profile', '--clear'], { env }), 'notify profile --clear');
  assert.match(ok(await cryptsync(['notify', 'profile'], { env }), 'notify profile').stdout, /no profile-wide notification targets/);
  const none = await cryptsync(['notify', 'test', 'plain'], { env });
  assert.equal(none.code, 2, 'a task with no targets at all is a usage error');
});
