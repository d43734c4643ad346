// The web task form's retention fields (real Chromium against `cryptsync serve`): a bad value is
// shown inline under the field the server names, nothing is saved; good values become the task's
// `retention`; an edit shows them again and keeps them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openUi, type OpenUi } from '../helpers/browser.js';

let ui: OpenUi;
let src: string;

before(async () => {
  ui = await openUi('cryptsync-snap-web-', async (home) => {
    src = join(home, 'plain-src');
    await mkdir(src, { recursive: true });
  });
});

after(async () => {
  await ui?.close();
});

async function savedRetention(): Promise<unknown> {
  const text = await readFile(join(ui.home, 'profiles', 'default', 'tasks.json'), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '{"tasks":[]}'; // no task saved yet
    throw e;
  });
  const file = JSON.parse(text) as { tasks: Array<{ name: string; retention?: unknown }> };
  return file.tasks.find((t) => t.name === 'history')?.retention;
}

test('retention fields of a snapshot task: inline error, then saved, then shown on edit', async () => {
  const { page } = ui;
  await page.goto(ui.serve.url);
  await page.getByRole('button', { name: '+ Add task' }).click();
  const form = page.getByTestId('task-form');
  await form.locator('input[name=name]').fill('history');
  await form.locator('select[name=type]').selectOption('snapshot');
  await form.locator('input[name=source]').fill(src);
  await form.locator('input[name=dest]').fill(join(ui.home, 'snaps'));
  const fields = form.getByTestId('retention-fields');
  await fields.locator('input[name="retention.keepDaily"]').fill('7');
  await fields.locator('input[name="retention.keepWithin"]').fill('30 days');
  await form.getByRole('button', { name: 'Add task' }).click();
  const err = form.getByTestId('error-retention.keepWithin');
  await err.waitFor();
  assert.match(await err.innerText(), /must be a duration such as "30d"/);
  assert.equal(await savedRetention(), undefined, 'nothing saved');

  await fields.locator('input[name="retention.keepWithin"]').fill('30d');
  await fields.locator('select[name="retention.preset"]').selectOption('rsyncosx');
  await fields.locator('input[name="retention.timeZone"]').fill('Europe/Berlin');
  await fields.locator('input[name="retention.pruneAfterRun"]').check();
  await form.getByRole('button', { name: 'Add task' }).click();
  await form.waitFor({ state: 'detached' });
  assert.deepEqual(await savedRetention(), { keepDaily: 7, keepWithin: '30d', preset: 'rsyncosx', timeZone: 'Europe/Berlin', pruneAfterRun: true });

  await page.locator('tr[data-task="history"]').dblclick();
  const edit = page.getByTestId('task-form');
  const editFields = edit.getByTestId('retention-fields');
  assert.equal(await editFields.locator('input[name="retention.keepDaily"]').inputValue(), '7');
  await editFields.locator('input[name="retention.keepWeekly"]').fill('4');
  await editFields.locator('input[name="retention.keepWithin"]').fill('');
  await edit.getByRole('button', { name: 'Save' }).click();
  await edit.waitFor({ state: 'detached' });
  assert.deepEqual(await savedRetention(), { keepDaily: 7, keepWeekly: 4, preset: 'rsyncosx', timeZone: 'Europe/Berlin', pruneAfterRun: true });
});
