// History plots in the real Chromium against the real `cryptsync serve`: after three runs of the
// demo's combined task, its detail draws duration, bytes sent and files changed per step (uPlot);
// hovering names the run under the cursor and a click opens that run in Logs. The 30-day strip
// turns today red while a task's last run failed, amber once it ran fine again, and a click on a
// day opens its failed run in Logs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { screenshot, type OpenUi } from '../helpers/browser.js';
import { authHeader, openDemoUi, runVia as runOf } from '../helpers/demo-ui.js';

let ui: OpenUi;
let page: Page;
const runIds: number[] = [];

const auth = () => authHeader(ui);
const runVia = (task: string) => runOf(ui, task, false);

before(async () => {
  ui = await openDemoUi('cryptsync-plots-', 1366, 1000);
  page = ui.page;
  for (let i = 0; i < 3; i++) {
    await writeFile(join(ui.home, 'demo', 'plain', `added-${i}.txt`), 'x'.repeat(1000 * (i + 1)));
    const r = await runVia('demo-backup');
    assert.equal(r.status, 'ok');
    runIds.push(r.id);
  }
});
after(async () => {
  await ui?.close();
});

function today() {
  return page.getByTestId('status-strip').locator('button.day').last();
}

test('the task detail charts its runs; hover names a run, a click opens it in Logs', async () => {
  await page.locator('tr[data-task="demo-backup"]').click();
  const charts = page.getByTestId('run-charts');
  await charts.and(page.locator('[data-points="3"]')).waitFor();
  assert.equal(await charts.locator('canvas').count(), 3, 'three charts');
  assert.match(await charts.innerText(), /duration[\s\S]*bytes sent[\s\S]*files changed, per step/i);
  const plot = charts.locator('.chart-box').first();
  const box = await plot.boundingBox();
  assert.ok(box);
  // sweep across the plot until the cursor snaps to a run
  let shown = '';
  for (let x = box.x + box.width - 8; x > box.x + 40 && !/run #\d+/.test(shown); x -= 12) {
    await page.mouse.move(x, box.y + box.height / 3);
    shown = await page.getByTestId('chart-hover').innerText();
  }
  const m = /run #(\d+)/.exec(shown);
  assert.ok(m, `hover never named a run: "${shown}"`);
  const id = Number(m[1]);
  assert.ok(runIds.includes(id), `run #${id} is one of ${runIds.join(', ')}`);
  assert.match(shown, /ok · .* sent · encrypt \d+, rsync \d+ changed/);
  await screenshot(page, 'task-history');
  await page.mouse.down();
  await page.mouse.up();
  await page.getByRole('tab', { name: 'Logs', selected: true }).waitFor();
  await page.getByTestId('run-detail').locator('h2', { hasText: `Run #${id}:` }).waitFor();
});

test('the 30-day strip: green, red while a task is left failed, amber once it ran fine again', async () => {
  await page.getByRole('tab', { name: 'Tasks' }).click();
  assert.equal(await page.getByTestId('status-strip').locator('button.day').count(), 30);
  await today().and(page.locator('[data-level=ok]')).waitFor();
  const plain = join(ui.home, 'photos');
  await mkdir(plain, { recursive: true });
  await writeFile(join(plain, 'p.jpg'), 'photo');
  const add = await page.request.post(`${ui.serve.origin}/api/tasks`, {
    data: { name: 'photos', type: 'synchronize', source: plain, dest: 'nobody@127.0.0.1:/srv/photos', sshPort: 1 },
    headers: auth(),
  });
  assert.equal(add.status(), 201, await add.text());
  const failed = await runVia('photos');
  assert.equal(failed.status, 'failed');
  await today().and(page.locator('[data-level=bad]')).waitFor();
  assert.match((await today().getAttribute('title')) ?? '', new RegExp(`#${failed.id} photos failed`));
  const fix = await page.request.patch(`${ui.serve.origin}/api/tasks/photos`, { data: { dest: join(ui.home, 'photos-copy'), sshPort: null }, headers: auth() });
  assert.equal(fix.status(), 200, await fix.text());
  assert.equal((await runVia('photos')).status, 'ok');
  await today().and(page.locator('[data-level=warn]')).waitFor();
  await today().click();
  await page.getByRole('tab', { name: 'Logs', selected: true }).waitFor();
  await page.getByTestId('run-detail').locator('h2', { hasText: `Run #${failed.id}: photos` }).waitFor();
});
