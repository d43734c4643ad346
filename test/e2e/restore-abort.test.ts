// Restore progress in the web UI (real `cryptsync serve`, Chromium): a restore of the whole demo
// catalog, grown to 160 files of 2 MiB, shows a progress bar (files, bytes and ETA once the first
// progress arrives) and an Abort button; Abort stops it part way, the page says so, and every file left in the target under its
// real name is whole (restore writes under a temporary name first).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { OpenUi } from '../helpers/browser.js';
import { openDemoUi, runVia } from '../helpers/demo-ui.js';

const FILES = 160;
const SIZE = 2 * 1024 * 1024;
let ui: OpenUi;
let page: Page;
before(async () => {
  ui = await openDemoUi('cryptsync-restore-abort-');
  page = ui.page;
  for (let i = 0; i < FILES; i++) await writeFile(join(ui.home, 'demo', 'plain', `bulk-${String(i).padStart(3, '0')}.bin`), randomBytes(SIZE));
  assert.equal((await runVia(ui, 'demo-encrypt', false)).status, 'ok');
});
after(async () => {
  await ui?.close();
});

test('a restore shows its progress bar, and Abort stops it part way with nothing half-written', async () => {
  const before = new Set((await readdir(tmpdir())).filter((n) => n.startsWith('cryptsync-restore-')));
  await page.getByRole('tab', { name: 'Restore' }).click();
  await page.getByTestId('restore-tree').getByText('README.txt').waitFor();
  await page.getByRole('button', { name: 'Restore', exact: true }).click();
  const progress = page.getByTestId('restore-progress');
  await progress.getByRole('progressbar').waitFor();
  assert.match(await progress.locator('.progress-text').innerText(), /starting…|\d+ \/ \d+ files · .* · ETA/);
  // enabled once the server has announced this restore (its id is what Abort names)
  await progress.getByTestId('restore-abort').and(page.locator(':not([disabled])')).click();
  await page.getByRole('alert').filter({ hasText: 'Restore aborted' }).waitFor();
  await progress.waitFor({ state: 'detached' });
  const made = (await readdir(tmpdir())).filter((n) => n.startsWith('cryptsync-restore-') && !before.has(n));
  assert.equal(made.length, 1, `restore targets made: ${made.join(', ')}`);
  const target = join(tmpdir(), made[0]!);
  try {
    const names = (await readdir(target)).filter((n) => /^bulk-\d{3}\.bin$/.test(n));
    assert.ok(names.length < FILES, `the abort came too late: all ${names.length} files restored`);
    for (const n of names) assert.equal((await stat(join(target, n))).size, SIZE, `${n} is half-written under its real name`);
  } finally {
    await rm(target, { recursive: true, force: true });
  }
});
