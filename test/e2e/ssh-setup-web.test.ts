// ssh set-up from the web UI against a real loopback sshd with an account that logs in with its
// password (made with useradd; root only): the dialog shows the fingerprint ssh-keygen computes on
// the server's key, trusts it on confirmation, installs a fresh key with the password typed into
// the dialog, and the task's next run works over that key. The password is sent only in a POST
// body: it never shows in the server's output, the task, the run log or a URL. A wrong fingerprint
// trusts nothing, and a task without an ssh server cannot be used to reach anything.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Request } from 'playwright-core';
import type { OpenUi } from '../helpers/browser.js';
import { authHeader, openDemoUi, runVia } from '../helpers/demo-ui.js';
import { startSshd, type SshServer } from '../helpers/sshd.js';
import { IS_ROOT, makePasswordUser, type PasswordUser } from '../helpers/password-user.js';
import { makeTree, readTree, SAMPLE_TREE } from '../helpers/tree.js';

const isRoot = IS_ROOT;
const skip = !isRoot && 'needs root to make a password-login account';
let USER: string;
let PASSWORD: string;
let account: PasswordUser;
let sshd: SshServer;
let ui: OpenUi;
let userHome: string;
let fingerprint: string;
const requests: Request[] = [];

before(async () => {
  if (!isRoot) return;
  ui = await openDemoUi('cryptsync-web-ssh-');
  account = await makePasswordUser('cswebssh', ui.home);
  ({ name: USER, password: PASSWORD, home: userHome } = account);
  sshd = await startSshd({ passwordUsers: [USER] });
  fingerprint = execFileSync('ssh-keygen', ['-lf', join(sshd.dir, 'host_ed25519.pub')]).toString().split(' ')[1]!;
  ui.page.on('request', (r) => requests.push(r));
});
after(async () => {
  if (!isRoot) return;
  await sshd?.stop();
  await ui?.close();
  account?.remove();
});

test('the dialog shows the fingerprint, trusts it, installs a key with the password; the run then works', { skip }, async () => {
  const page = ui.page;
  const source = join(ui.home, 'photos');
  await makeTree(source, SAMPLE_TREE);
  const dest = join(userHome, 'backup');
  const add = await page.request.post(`${ui.serve.origin}/api/tasks`, {
    data: { name: 'push', type: 'synchronize', source, dest: `${USER}@127.0.0.1:${dest}`, sshPort: sshd.port },
    headers: authHeader(ui),
  });
  assert.equal(add.status(), 201, await add.text());
  assert.notEqual((await runVia(ui, 'push', false)).status, 'ok', 'a run before the set-up got in without a trusted host key');
  const wrong = await page.request.post(`${ui.serve.origin}/api/tasks/push/ssh/setup`, { data: { trust: `SHA256:${'A'.repeat(43)}`, password: PASSWORD }, headers: authHeader(ui) });
  assert.ok(wrong.status() >= 400, await wrong.text());
  assert.match(await wrong.text(), /does not match the server/);
  assert.ok(!(await wrong.text()).includes(PASSWORD), 'the error repeats the password');
  assert.ok(!existsSync(join(ui.home, 'ssh', 'known_hosts')), 'a wrong fingerprint trusted the host');

  await page.locator('tr[data-task="push"]').click();
  await page.getByRole('button', { name: 'Set up ssh…' }).click();
  const dialog = page.getByTestId('ssh-setup');
  await dialog.getByTestId('fingerprint').filter({ hasText: fingerprint }).waitFor();
  await dialog.getByRole('radio', { name: new RegExp(fingerprint.replace(/[+/]/g, '\\$&')) }).check();
  await dialog.getByRole('button', { name: /trust this key/ }).click();
  await dialog.getByTestId('ssh-password').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Set up ssh' }).click();
  const result = dialog.getByTestId('ssh-result');
  await result.waitFor({ timeout: 60_000 });
  assert.match(await result.innerText(), /host-key[\s\S]*key[\s\S]*install[\s\S]*login/);

  const task = (await (await page.request.get(`${ui.serve.origin}/api/tasks/push`, { headers: authHeader(ui) })).json()) as { task: { sshKey?: string; sshOptions?: string[] } };
  assert.equal(task.task.sshKey, join(ui.home, 'ssh', 'id_ed25519'));
  assert.ok(task.task.sshOptions?.includes('StrictHostKeyChecking=yes'), JSON.stringify(task.task.sshOptions));
  const run = await runVia(ui, 'push', false);
  assert.equal(run.status, 'ok');
  assert.deepEqual(await readTree(dest), await readTree(source));

  // the password went in one POST body and nowhere else
  const carrying = requests.filter((r) => (r.postData() ?? '').includes(PASSWORD));
  assert.deepEqual(carrying.map((r) => `${r.method()} ${new URL(r.url()).pathname}`), ['POST /api/tasks/push/ssh/setup']);
  assert.ok(requests.every((r) => !r.url().includes(PASSWORD)), 'the password was in a URL');
  assert.ok(!ui.serve.output().includes(PASSWORD), 'the server printed the password');
  const everything = JSON.stringify(await (await page.request.get(`${ui.serve.origin}/api/runs?limit=50`, { headers: authHeader(ui) })).json()) + JSON.stringify(task);
  assert.ok(!everything.includes(PASSWORD), 'the password is in the run log or the task');
});

test('a task without an ssh server reaches nothing; a fingerprint must look like one', { skip }, async () => {
  const page = ui.page;
  const local = await page.request.post(`${ui.serve.origin}/api/tasks/demo-backup/ssh/scan`, { headers: authHeader(ui) });
  assert.equal(local.status(), 400, await local.text());
  assert.match(await local.text(), /does not reach a server over ssh/);
  const garbage = await page.request.post(`${ui.serve.origin}/api/tasks/push/ssh/setup`, { data: { trust: 'yes; rm -rf /' }, headers: authHeader(ui) });
  assert.equal(garbage.status(), 400);
});
