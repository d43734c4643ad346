// The web UI end to end: the real `cryptsync serve` process on an empty temp home, driven by
// Debian's chromium. Start, load the demo, estimate, execute the combined task and watch it
// finish, read both steps in the logs, restore a file and compare it, verify, map names, add a
// task with a bad path (inline field error), Ctrl+R on a selected row, a run started from the
// CLI showing up live. The screenshots in docs/screenshots are taken here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot, startServe, type ServeProcess } from '../helpers/browser.js';
import { cliEnv, cryptsync } from '../helpers/cli.js';

const VIEWPORT = { width: 1360, height: 820 };
const WAIT_MS = 30_000;
const BIG_FILE_BYTES = 256 * 1024 * 1024;

let home: string;
let env: NodeJS.ProcessEnv;
let serve: ServeProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'cryptsync-web-e2e-'));
  env = cliEnv(home);
  serve = await startServe(env);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
});

after(async () => {
  await browser?.close();
  const code = await serve?.stop();
  assert.equal(code, 0, `cryptsync serve ends cleanly on SIGTERM:\n${serve?.output()}`);
  await rm(home, { recursive: true, force: true });
});

function tokenOf(url: string): string {
  return new URL(url).hash.replace(/^#token=/, '');
}
/** The page sends the token as a header; requests made by the test do the same. */
function auth(): Record<string, string> {
  return { authorization: `Bearer ${tokenOf(serve.url)}` };
}

interface Run {
  id: number;
  task: string;
  dryRun: boolean;
  status: string;
}
async function runs(): Promise<Run[]> {
  const res = await page.request.get(`${serve.origin}/api/runs`, { headers: auth() });
  assert.equal(res.status(), 200);
  return (await res.json()) as Run[];
}

function row(name: string) {
  return page.locator(`tr[data-task="${name}"]`);
}

test('start from an empty home: the token moves from the URL fragment to sessionStorage, no cookie; the demo offer shows', async () => {
  assert.match(serve.url, /^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
  await page.goto(serve.url);
  await page.waitForFunction('location.hash === ""');
  assert.equal(page.url(), `${serve.origin}/`, 'the token is gone from the address bar');
  assert.deepEqual(await context.cookies(), [], 'no cookie: cookies are shared with every port of 127.0.0.1');
  await page.getByText('No tasks yet').waitFor();
  await page.locator('[data-testid=connection]', { hasText: 'live' }).waitFor();
  await screenshot(page, 'first-start');
});

test('load the demo: a combined task marked as such, never run', async () => {
  await page.getByTestId('load-demo').click();
  await row('demo-backup').waitFor();
  await row('demo-encrypt').waitFor();
  const combined = row('demo-backup');
  assert.match((await combined.getAttribute('class')) ?? '', /combined/);
  assert.match(await combined.locator('td.type').innerText(), /combined[\s\S]*encrypt\s*→\s*synchronize/);
  assert.match(await combined.innerText(), /not verified \(dry run\)/);
});

test('estimate the combined task: per-step counts and the green estimated marker', async () => {
  await row('demo-backup').click();
  await page.getByRole('button', { name: 'Estimate', exact: true }).click();
  await row('demo-backup').getByTestId('estimated').waitFor();
  const detail = page.getByTestId('task-detail');
  await detail.locator('[data-testid=step-encrypt] [data-testid=count-new]', { hasText: '8' }).waitFor();
  await detail.getByTestId('step-rsync').waitFor();
  assert.match(await row('demo-backup').getByTestId('estimated').innerText(), /change/);
  await screenshot(page, 'tasks-estimated');
});

test('execute the combined task and watch both steps finish', async () => {
  // a bigger file so the encrypt step shows progress for a moment
  await writeFile(join(home, 'demo', 'plain', 'video.bin'), Buffer.alloc(48 * 1024 * 1024, 7));
  await page.getByRole('button', { name: /^Run( (Ctrl\+|⌘)R)?$/ }).click();
  const detail = page.getByTestId('task-detail');
  await detail.getByTestId('run-status').filter({ hasText: /run #\d+: (running|ok)/ }).waitFor();
  await detail.locator('[data-testid=step-encrypt][data-status=ok]').waitFor();
  await detail.locator('[data-testid=step-rsync][data-status=ok]').waitFor();
  await detail.getByTestId('run-status').filter({ hasText: /: ok$/ }).waitFor();
  assert.match(await detail.getByTestId('progress-encrypt').innerText(), /files/);
  await row('demo-backup').locator('.status-ok').waitFor();
  await screenshot(page, 'tasks');
  const last = (await runs())[0];
  assert.equal(last?.task, 'demo-backup');
  assert.equal(last?.dryRun, false);
  assert.equal(last?.status, 'ok');
});

test('logs: the run shows both steps with their output', async () => {
  await page.getByRole('tab', { name: 'Logs' }).click();
  const first = page.locator('tr[data-run]').first();
  await first.waitFor();
  assert.match(await first.innerText(), /demo-backup[\s\S]*run[\s\S]*encrypt → rsync[\s\S]*ok/);
  await first.click();
  const detail = page.getByTestId('run-detail');
  await detail.locator('[data-step=encrypt]').waitFor();
  await detail.locator('[data-step=rsync]').waitFor();
  await page.getByLabel('filter by status').selectOption('failed');
  await page.getByText('No runs match the filter').waitFor();
  await page.getByLabel('filter by status').selectOption('');
  await first.click();
  await screenshot(page, 'logs');
});

test('restore: browse decrypted names, pick a file, restore into a fresh folder and compare', async () => {
  await page.getByRole('tab', { name: 'Restore' }).click();
  const tree = page.getByTestId('restore-tree');
  await tree.getByText('README.txt').waitFor();
  await tree.locator('[data-path="notes"] button.twisty').click();
  await page.getByLabel('pick notes/ideas.txt').check();
  await page.getByRole('button', { name: 'Dry run' }).click();
  await page.getByTestId('restore-result').getByText('Dry run: nothing was written').waitFor();
  await page.getByRole('button', { name: 'Restore', exact: true }).click();
  await page.getByTestId('restore-result').getByText('Restored', { exact: true }).waitFor();
  const target = await page.getByTestId('restore-target').innerText();
  assert.ok(target.startsWith(tmpdir()), `restored into a temp folder: ${target}`);
  try {
    assert.deepEqual(await readFile(join(target, 'notes', 'ideas.txt')), await readFile(join(home, 'demo', 'plain', 'notes', 'ideas.txt')));
    await screenshot(page, 'restore');
  } finally {
    await rm(target, { recursive: true, force: true });
  }
});

test('mapping is searchable; verify reports the catalog matches', async () => {
  await page.getByRole('tab', { name: 'Mapping' }).click();
  await page.locator('table.mapping tbody tr').first().waitFor();
  await page.getByLabel('search names').fill('beach');
  await page.locator('table.mapping tbody tr', { hasText: 'photos/holiday/beach.jpg' }).waitFor();
  assert.equal(await page.locator('table.mapping tbody tr').count(), 1);
  await screenshot(page, 'mapping');

  await page.getByRole('tab', { name: 'Verify' }).click();
  await page.getByRole('button', { name: 'Verify' }).click();
  const result = page.getByTestId('verify-result');
  await result.waitFor();
  assert.equal(await result.getAttribute('data-problems'), '0', await result.innerText());
  // and the catalog against the manifest its encrypt wrote
  const manifest = page.getByTestId('manifest-check');
  assert.equal(await manifest.getAttribute('data-verdict'), 'clean', await result.innerText());
  assert.match(await manifest.innerText(), /manifest generation \d+ .*the catalog matches it/);
  await screenshot(page, 'verify');
});

test('add a task with a bad path: the field error is shown inline and nothing is saved', async () => {
  await page.getByRole('tab', { name: 'Tasks' }).click();
  await page.getByRole('button', { name: '+ Add task' }).click();
  const form = page.getByTestId('task-form');
  await form.locator('input[name=name]').fill('photos');
  await form.locator('select[name=type]').selectOption('synchronize');
  await form.locator('input[name=source]').fill('/no/such/folder');
  await form.locator('input[name=dest]').fill(join(home, 'photos-backup'));
  await form.getByRole('button', { name: 'Add task' }).click();
  const err = form.getByTestId('error-source');
  await err.waitFor();
  assert.match(await err.innerText(), /not exist|no such|missing/i);
  await screenshot(page, 'add-task-error');
  await page.keyboard.press('Escape');
  await form.waitFor({ state: 'detached' });
  assert.equal(await row('photos').count(), 0);
});

test('edit a task in the form; disconnect and connect again', async () => {
  await row('demo-encrypt').dblclick();
  const form = page.getByTestId('task-form');
  assert.equal(await form.locator('input[name=name]').inputValue(), 'demo-encrypt');
  assert.equal(await form.locator('input[name=remote]').inputValue(), 'demo-crypt:');
  await form.getByText('More options').click();
  await form.locator('input[name=thresholdDays]').fill('0.5');
  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached' });
  const task = (await (await page.request.get(`${serve.origin}/api/tasks/demo-encrypt`, { headers: auth() })).json()) as { thresholdDays: number };
  assert.equal(task.thresholdDays, 0.5);

  await row('demo-backup').click();
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page.locator('tr[data-task="demo-backup"]:not(.combined)').waitFor();
  await page.getByRole('button', { name: 'Connect…' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Connect' }).click();
  await page.locator('tr[data-task="demo-backup"].combined').waitFor();
});

test('keyboard: arrows move the selection, Ctrl+R executes the selected task', async () => {
  await row('demo-encrypt').click();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  const names = await page.locator('tr[data-task]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-task')));
  const target = 'demo-encrypt';
  assert.equal(await row(target).getAttribute('aria-selected'), 'true', `rows: ${names.join(', ')}`);
  const before = (await runs())[0]?.id ?? 0;
  await page.evaluate('window.__notReloaded = true');
  await page.keyboard.press('Control+r');
  await page.getByTestId('run-status').filter({ hasText: /^run #\d+: ok$/ }).waitFor();
  const newest = (await runs())[0];
  assert.ok(newest && newest.id > before, 'a new run');
  assert.equal(newest.task, target);
  assert.equal(newest.dryRun, false);
  assert.equal(await page.evaluate('window.__notReloaded'), true, 'Ctrl+R ran the task instead of reloading the page');
});

test('a run started from the CLI shows up in the open page', async () => {
  await row('demo-backup').click();
  const cli = await cryptsync(['run', 'demo-backup'], { env });
  assert.equal(cli.code, 0, cli.stderr);
  const newest = (await runs())[0];
  assert.equal(newest?.task, 'demo-backup');
  await page.getByTestId('run-status').filter({ hasText: `run #${newest.id}: ok` }).waitFor();
});

test('after a page reload the detail shows the last run from the log', async () => {
  const newest = (await runs())[0] as Run;
  await page.reload();
  await row(newest.task).click();
  await page.getByTestId('last-run').filter({ hasText: `run #${newest.id}` }).waitFor();
  await page.locator('[data-testid=step-encrypt][data-status=ok]').waitFor();
  // a threshold below the time since the last run turns the days red (live, on tasks-changed)
  const patch = await page.request.patch(`${serve.origin}/api/tasks/${newest.task}`, { data: { thresholdDays: 0.000001 }, headers: auth() });
  assert.equal(patch.status(), 200, await patch.text());
  await row(newest.task).locator('td.overdue').waitFor();
  await page.request.patch(`${serve.origin}/api/tasks/${newest.task}`, { data: { thresholdDays: null }, headers: auth() });
  await row(newest.task).locator('td.overdue').waitFor({ state: 'detached' });
});

test('Abort stops a running execute; the run is logged as aborted', async () => {
  // big enough that both steps together take seconds here, so Abort lands inside the run
  const big = join(home, 'demo', 'plain', 'big.bin');
  await writeFile(big, Buffer.alloc(BIG_FILE_BYTES, 3));
  try {
    await row('demo-backup').click();
    await page.getByRole('button', { name: /^Run( (Ctrl\+|⌘)R)?$/ }).click();
    await page.locator('[data-testid=step-encrypt][data-status=running]').waitFor();
    await screenshot(page, 'tasks-running');
    await page.getByRole('button', { name: 'Abort' }).click();
    await page.getByTestId('run-status').filter({ hasText: /: aborted$/ }).waitFor();
    const newest = (await runs())[0];
    assert.equal(newest?.status, 'aborted');
  } finally {
    await rm(big, { force: true });
  }
});

test('after the server restarts, the page reconnects and reloads full state', async () => {
  await page.getByRole('tab', { name: 'Tasks' }).click();
  const token = tokenOf(serve.url);
  assert.equal(await serve.stop(), 0, serve.output());
  await page.locator('[data-testid=connection]', { hasText: 'reconnecting' }).waitFor();
  // a change made while the page was cut off
  await mkdir(join(home, 'later'));
  const cli = await cryptsync(['task', 'add', 'later', '--type', 'synchronize', '--source', join(home, 'later'), '--dest', join(home, 'later-copy')], { env });
  assert.equal(cli.code, 0, cli.stderr);
  serve = await startServe({ ...env, CRYPTSYNC_WEB_TOKEN: token }, ['--port', String(serve.port)]);
  await page.locator('[data-testid=connection]', { hasText: 'live' }).waitFor();
  await row('later').waitFor();
});

test('after a restart with a new token the page says so; the new URL signs in again', async () => {
  assert.equal(await serve.stop(), 0, serve.output());
  serve = await startServe(env, ['--port', String(serve.port)]);
  await page.locator('[data-testid=connection]', { hasText: 'signed out' }).waitFor();
  await page.getByText('no valid access token').waitFor();
  await page.goto(serve.url);
  await page.locator('[data-testid=connection]', { hasText: 'live' }).waitFor();
  await row('demo-backup').waitFor();
});

test('crypt remote form: a generated password is shown once with a warning and a copy button', async () => {
  await page.getByRole('tab', { name: 'Crypt remotes' }).click();
  await page.locator('table[aria-label="crypt remotes"] td', { hasText: 'demo-crypt:' }).waitFor();
  const form = page.getByTestId('remote-form');
  await form.locator('input').first().fill('vault');
  await form.getByPlaceholder('/home/me/encrypted').fill(join(home, 'vault'));
  await form.getByRole('button', { name: 'Generate a strong password' }).click();
  const shown = page.getByTestId('generated-password');
  await shown.waitFor();
  assert.match(await shown.innerText(), /shown only once/);
  await shown.getByRole('button', { name: 'Copy' }).waitFor();
  await screenshot(page, 'remotes');
  const password = await shown.locator('code').innerText();
  assert.ok(password.length >= 40);
  await form.getByRole('button', { name: 'Add crypt remote' }).click();
  await page.locator('table[aria-label="crypt remotes"] td', { hasText: 'vault:' }).waitFor();
  await shown.waitFor({ state: 'detached' });
  const list = await (await page.request.get(`${serve.origin}/api/remotes`, { headers: auth() })).text();
  assert.ok(!list.includes(password));
  assert.ok(!serve.output().includes(password), 'the password never reaches the server log');
});

test('crypt remotes: an unused remote is removed after a confirmation; one in use is refused', async () => {
  await page.getByRole('tab', { name: 'Crypt remotes' }).click();
  const rows = page.locator('table[aria-label="crypt remotes"] td.name');
  await rows.filter({ hasText: 'vault:' }).waitFor();
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'remove vault' }).click();
  await rows.filter({ hasText: 'vault:' }).waitFor({ state: 'detached' });
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'remove demo-crypt' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /used by task\(s\) demo-encrypt/);
  await rows.filter({ hasText: 'demo-crypt:' }).waitFor();
});
