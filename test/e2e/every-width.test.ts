// Every width: the real `cryptsync serve` with the demo profile (estimated, then run once) in
// Chromium at 1366, 800 and 390 px. In every view the page never scrolls sideways, and the
// controls a person needs there lie inside the viewport: the task table's type/name/status/
// estimate, the run buttons, the Logs detail, the Restore button, the Add-remote form, the
// Mapping names (cut in the middle, whole on focus). Screenshots of the task view at the three
// widths, light and dark, go to docs/screenshots/width-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { openUi, screenshot, type OpenUi } from '../helpers/browser.js';

const WIDTHS = [1366, 800, 390] as const;
const HEIGHT = 860;

let ui: OpenUi;
let page: Page;
before(async () => {
  ui = await openUi('cryptsync-width-');
  page = ui.page;
  await page.setViewportSize({ width: 1366, height: HEIGHT });
  await page.goto(ui.serve.url);
  await page.getByTestId('load-demo').click();
  const row = page.locator('tr[data-task="demo-backup"]');
  await row.click();
  await page.getByRole('button', { name: 'Estimate', exact: true }).click();
  await row.getByTestId('estimated').waitFor();
  await page.getByRole('button', { name: /^Run( (Ctrl\+|⌘)R)?$/ }).click();
  await row.locator('.status-ok').waitFor();
});
after(async () => {
  await ui?.close();
});

/** the page itself never scrolls sideways (a table may scroll inside its own box) */
async function assertNoSideScroll(where: string): Promise<void> {
  const m = await page.evaluate<{ scroll: number; client: number }>('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })');
  assert.ok(m.scroll <= m.client, `${where}: the page is ${m.scroll} px wide in a ${m.client} px window`);
}

/** the element is drawn, and wholly inside the window horizontally */
async function assertInView(l: Locator, width: number, where: string): Promise<void> {
  await l.scrollIntoViewIfNeeded();
  const box = await l.boundingBox();
  assert.ok(box, `${where}: not drawn at ${width} px`);
  assert.ok(box.x >= 0 && box.x + box.width <= width + 0.5, `${where}: at x ${box.x}..${box.x + box.width} in a ${width} px window`);
  assert.ok(box.width > 4 && box.height > 4, `${where}: collapsed to ${box.width}x${box.height}`);
}

async function tab(name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
}

for (const width of WIDTHS) {
  test(`at ${width} px nothing is cut off and nothing scrolls sideways`, async () => {
    await page.setViewportSize({ width, height: HEIGHT });
    await page.emulateMedia({ colorScheme: 'light' });
    await tab('Tasks');
    const row = page.locator('tr[data-task="demo-backup"]');
    await row.click();
    await assertNoSideScroll('tasks');
    const table = await page.locator('.tasks-view > .table-wrap').evaluate((w) => {
      const box = w as unknown as { scrollWidth: number; clientWidth: number };
      return { scroll: box.scrollWidth, client: box.clientWidth };
    });
    assert.ok(table.scroll <= table.client, `the task table needs ${table.scroll} px in ${table.client} px`);
    await assertInView(row.locator('td.type .badge'), width, 'task type');
    await assertInView(row.locator('td.name'), width, 'task name');
    await assertInView(row.locator('.status-ok'), width, 'last run status');
    await assertInView(row.locator('td.est'), width, 'estimate');
    for (const b of [/^Estimate$/, /^Run( (Ctrl\+|⌘)R)?$/, /^Abort/]) await assertInView(page.getByRole('button', { name: b }).first(), width, `button ${String(b)}`);
    await assertInView(page.getByTestId('step-rsync'), width, 'rsync step card');
    const secondary = await row.locator('td.secondary').first().isVisible();
    assert.equal(secondary, width > 800, `the Source column is ${secondary ? 'shown' : 'folded'} at ${width} px`);

    await tab('Logs');
    await page.locator('tr[data-run]').first().click();
    await assertNoSideScroll('logs');
    await assertInView(page.getByTestId('run-detail').locator('h2'), width, 'logs detail heading');
    await assertInView(page.getByTestId('run-detail').locator('[data-step=rsync] .step-counts'), width, 'logs rsync counts');

    await tab('Restore');
    await page.getByTestId('restore-tree').getByText('README.txt').waitFor();
    await assertNoSideScroll('restore');
    await assertInView(page.getByRole('button', { name: 'Restore', exact: true }), width, 'Restore button');
    await assertInView(page.getByLabel('pick README.txt'), width, 'restore pick box');

    await tab('Mapping');
    const first = page.locator('table.mapping tbody tr .mid-ellipsis').nth(1);
    await first.waitFor();
    await assertNoSideScroll('mapping');
    await assertInView(first, width, 'encrypted name');
    const full = (await first.getAttribute('title')) ?? '';
    assert.equal(await first.innerText(), full, 'the whole name stays in the text');
    await first.focus();
    await assertInView(first, width, 'focused encrypted name');

    await tab('Crypt remotes');
    await assertNoSideScroll('remotes');
    await assertInView(page.getByRole('button', { name: 'Add crypt remote' }), width, 'Add crypt remote');
    await assertInView(page.getByTestId('remote-password'), width, 'remote password field');
    await assertInView(page.getByRole('button', { name: 'remove demo-crypt' }), width, 'Remove button');

    await tab('Tasks');
    await page.getByRole('button', { name: /add task/i }).click();
    const dialog = page.getByRole('dialog');
    await assertNoSideScroll('task form');
    await assertInView(dialog.getByRole('button', { name: 'Add task' }), width, 'the form button');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await row.click();
      await screenshot(page, `width-${width}-${scheme}`);
    }
  });
}

test('a long mapping name is cut in the middle: its end stays visible', async () => {
  await page.setViewportSize({ width: 390, height: HEIGHT });
  await tab('Mapping');
  const names = page.locator('table.mapping tbody tr td:nth-child(2) .mid-ellipsis');
  await names.first().waitFor();
  const n = await names.count();
  let cut = 0;
  for (let i = 0; i < n; i++) {
    const name = names.nth(i);
    const full = (await name.getAttribute('title')) ?? '';
    const tail = name.locator('.mid-tail');
    if ((await tail.count()) === 0) continue;
    const clipped = await name.locator('.mid-head').evaluate((h) => {
      const box = h as unknown as { scrollWidth: number; clientWidth: number };
      return box.scrollWidth > box.clientWidth;
    });
    if (!clipped) continue;
    cut++;
    assert.ok(full.endsWith(await tail.innerText()), 'the tail is the end of the name');
    await assertInView(tail, 390, `tail of ${full}`);
  }
  assert.ok(cut > 0, 'no encrypted name was long enough to be cut at 390 px');
});
