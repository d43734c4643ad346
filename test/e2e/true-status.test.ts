// True status in the web UI (real `cryptsync serve`, real rsync/ssh, Chromium): estimates count
// per step (the demo's first estimate is "encrypt 8 · rsync 8", not "16 changes"), carry their age,
// say calmly that a new combined task's catalog is not written yet (no "would delete everything"),
// say "includes the files the encrypt step will write" only when it does, turn stale when the
// connected encrypt task runs or the task is edited (and then "Run all with changes" is offered),
// and a failed estimate is red with its first error line, never a green "no changes". A plain
// folder pushed to a server is marked "unencrypted" in the table, the detail and the form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { OpenUi } from '../helpers/browser.js';
import { authHeader, openDemoUi, runVia as runOf } from '../helpers/demo-ui.js';

let ui: OpenUi;
let page: Page;
before(async () => {
  ui = await openDemoUi('cryptsync-status-');
  page = ui.page;
});
after(async () => {
  await ui?.close();
});

const auth = () => authHeader(ui);
function row(name: string) {
  return page.locator(`tr[data-task="${name}"]`);
}
const cell = (name: string) => row(name).getByTestId('estimated');

async function runVia(task: string, dryRun: boolean): Promise<void> {
  await runOf(ui, task, dryRun);
}

test('the first estimate of the combined task: counts per step, its age, calm about the unwritten catalog', async () => {
  await row('demo-backup').click();
  await page.getByRole('button', { name: 'Estimate', exact: true }).click();
  await cell('demo-backup').waitFor();
  const text = await cell('demo-backup').innerText();
  assert.match(text, /encrypt 8 · rsync 8/, text);
  assert.doesNotMatch(text, /16/, 'changes are never added across steps');
  assert.match(text, /\d+ s ago|0 s ago/);
  assert.equal(await cell('demo-backup').getAttribute('data-state'), 'fresh');
  const note = await page.getByTestId('estimate-note-rsync').innerText();
  assert.match(note, /first run: the encrypted catalog (does not exist|holds no files) yet/);
  assert.doesNotMatch(note, /includes the files/);
  assert.doesNotMatch(await page.locator('body').innerText(), /delete everything/);
  assert.match(await page.getByTestId('estimate-when').innerText(), /^estimated .* ago/);
});

test('"includes the files the encrypt step will write" only when it does', async () => {
  await page.getByRole('button', { name: /^Run( (Ctrl\+|⌘)R)?$/ }).click();
  await row('demo-backup').locator('.status-ok').waitFor();
  await page.getByRole('button', { name: 'Estimate', exact: true }).click();
  await cell('demo-backup').filter({ hasText: 'no changes' }).waitFor();
  assert.equal(await page.getByTestId('estimate-note-rsync').count(), 0, 'no note when the encrypt step writes nothing');
  await writeFile(join(ui.home, 'demo', 'plain', 'new-note.txt'), 'written after the first run\n');
  await page.getByRole('button', { name: 'Estimate', exact: true }).click();
  await cell('demo-backup').filter({ hasText: 'encrypt 1' }).waitFor();
  assert.match(await page.getByTestId('estimate-note-rsync').innerText(), /includes the files the encrypt step will write/);
});

test('an estimate turns stale when the connected encrypt task runs, and Run all with changes is offered', async () => {
  await runVia('demo-backup', false);
  await runVia('demo-backup', true);
  await cell('demo-backup').filter({ hasText: 'no changes' }).waitFor();
  assert.equal(await cell('demo-backup').getAttribute('data-state'), 'fresh');
  assert.equal(await page.getByRole('button', { name: /^Run all with changes/ }).isDisabled(), true);
  await writeFile(join(ui.home, 'demo', 'plain', 'another.txt'), 'the encrypt task alone writes this\n');
  await runVia('demo-encrypt', false);
  await cell('demo-backup').and(page.locator('[data-state=stale]')).waitFor();
  assert.match(await cell('demo-backup').innerText(), /stale/);
  assert.match((await cell('demo-backup').getAttribute('title')) ?? '', /demo-encrypt ran after this estimate/);
  assert.equal(await page.getByRole('button', { name: /^Run all with changes/ }).isDisabled(), false, 'a stale estimate may hide changes');
});

test('an estimate turns stale when the task settings are edited', async () => {
  await runVia('demo-encrypt', true);
  await cell('demo-encrypt').and(page.locator('[data-state=fresh]')).waitFor();
  const patch = await page.request.patch(`${ui.serve.origin}/api/tasks/demo-encrypt`, { data: { excludes: ['*.tmp'] }, headers: auth() });
  assert.equal(patch.status(), 200, await patch.text());
  await cell('demo-encrypt').and(page.locator('[data-state=stale]')).waitFor();
  assert.match((await cell('demo-encrypt').getAttribute('title')) ?? '', /settings changed/);
});

test('a failed estimate is red with its first error line; a plain folder to a server is marked unencrypted', async () => {
  const plain = join(ui.home, 'plain-photos');
  await mkdir(plain, { recursive: true });
  await writeFile(join(plain, 'a.jpg'), 'not really a photo');
  const add = await page.request.post(`${ui.serve.origin}/api/tasks`, {
    data: { name: 'photos-offsite', type: 'synchronize', source: plain, dest: 'nobody@127.0.0.1:/srv/photos', sshPort: 1 },
    headers: auth(),
  });
  assert.equal(add.status(), 201, await add.text());
  await row('photos-offsite').waitFor();
  await row('photos-offsite').getByTestId('sends-plain').waitFor();
  assert.equal(await row('demo-backup').getByTestId('sends-plain').count(), 0, 'the combined task sends ciphertext');
  await runVia('photos-offsite', true);
  const c = cell('photos-offsite');
  await c.and(page.locator('[data-state=failed]')).waitFor();
  const text = await c.innerText();
  assert.match(text, /estimate failed: \S/);
  assert.doesNotMatch(text, /no changes/);
  assert.doesNotMatch(text, /\n/, 'one line only');
  const color = await c.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color);
  const [r, g] = (color.match(/\d+/g) ?? []).map(Number) as [number, number];
  assert.ok(r > 150 && g < 100, `a failed estimate is red, not ${color}`);
  await row('photos-offsite').click();
  await page.getByTestId('estimate-error').waitFor();
  await page.getByTestId('sends-plain-detail').waitFor();
});

test('the task form says when a task would send unencrypted files', async () => {
  await page.getByRole('button', { name: '+ Add task' }).click();
  const form = page.getByTestId('task-form');
  await form.locator('select[name=type]').selectOption('synchronize');
  await form.locator('input[name=source]').fill(join(ui.home, 'plain-photos'));
  await form.locator('input[name=dest]').fill('me@backup.example:/srv/photos');
  await form.getByTestId('form-sends-plain').waitFor();
  const remotes = (await (await page.request.get(`${ui.serve.origin}/api/remotes`, { headers: auth() })).json()) as Array<{ path: string }>;
  const catalog = remotes[0]?.path;
  assert.ok(catalog, 'the demo has a crypt remote');
  await form.locator('input[name=source]').fill(catalog);
  await form.getByTestId('form-sends-plain').waitFor({ state: 'detached' });
  await form.locator('input[name=dest]').fill(join(ui.home, 'local-copy'));
  await form.locator('input[name=source]').fill(join(ui.home, 'plain-photos'));
  assert.equal(await form.getByTestId('form-sends-plain').count(), 0, 'a local destination is no server');
  await page.keyboard.press('Escape');
});
