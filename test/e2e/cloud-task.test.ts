// A cloud task from the web UI, in real Chromium: added through the task form (type cloud, an
// rclone remote as destination), listed in the table, shown with its "rclone push" step card,
// estimated and executed with the real rclone; a destination that is not REMOTE:path is refused
// inline, naming the field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openUi, type OpenUi } from '../helpers/browser.js';

let ui: OpenUi;
let home: string;
let page: Page;

before(async () => {
  ui = await openUi('cryptsync-cloud-ui-', (h) => writeFile(join(h, 'rclone.conf'), '[near]\ntype = local\n', { mode: 0o600 }));
  ({ home, page } = ui);
});

after(() => ui?.close());

test('add, estimate and execute a cloud task from the page; a bad destination is refused inline', async () => {
  const src = join(home, 'outbox');
  const dst = join(home, 'cloud-copy');
  await mkdir(src);
  const files = ['a.txt', 'b.txt', 'c.bin'];
  for (const f of files) await writeFile(join(src, f), `${f} contents`);

  await page.goto(ui.serve.url);
  await page.locator('[data-testid=connection]', { hasText: 'live' }).waitFor();
  await page.getByRole('button', { name: '+ Add task' }).click();
  const form = page.getByTestId('task-form');
  await form.locator('input[name=name]').fill('offsite');
  await form.locator('select[name=type]').selectOption('cloud');
  await form.locator('input[name=source]').fill(src);
  await form.locator('input[name=dest]').fill('/not/a/remote');
  await form.getByRole('button', { name: 'Add task' }).click();
  const err = form.getByTestId('error-dest');
  await err.waitFor();
  assert.match(await err.innerText(), /REMOTE:path/);

  await form.locator('input[name=dest]').fill(`near:${dst}`);
  await form.getByRole('button', { name: 'Add task' }).click();
  await form.waitFor({ state: 'detached' });
  const row = page.locator('tr[data-task="offsite"]');
  await row.waitFor();
  assert.match(await row.locator('td.type').innerText(), /cloud/);

  await row.click();
  const detail = page.getByTestId('task-detail');
  const card = detail.getByTestId('step-cloud');
  await card.waitFor();
  assert.match(await card.innerText(), /rclone push/);
  await page.getByRole('button', { name: 'Estimate', exact: true }).click();
  await card.locator('[data-testid=count-new]', { hasText: String(files.length) }).waitFor();
  await assert.rejects(readdir(dst), 'an estimate sends nothing');

  await page.getByRole('button', { name: /^Run( (Ctrl\+|⌘)R)?$/ }).click();
  await detail.locator('[data-testid=step-cloud][data-status=ok]').waitFor();
  await row.locator('.status-ok').waitFor();
  assert.deepEqual((await readdir(dst)).sort(), files);
});
