// Schedules and "is my data safe?" in the web UI (the real `cryptsync serve`, which also runs the
// scheduler, driven by Chromium): a bad schedule in the task form is a field error naming the bad
// part; a good one shows the next run; runs the scheduler starts appear live (no reload) and the
// summary shows the last good backup in green; past the threshold it turns red.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openUi, type OpenUi } from '../helpers/browser.js';
import { cliEnv, cryptsync } from '../helpers/cli.js';
import { makeTree } from '../helpers/tree.js';

let ui: OpenUi;

function auth(): Record<string, string> {
  return { authorization: `Bearer ${new URL(ui.serve.url).hash.replace(/^#token=/, '')}` };
}

before(async () => {
  ui = await openUi('cryptsync-sched-web-', async (home) => {
    await makeTree(join(home, 'plain'), { 'a.txt': 'alpha\n', 'b/c.txt': 'gamma\n' });
    const r = await cryptsync(['task', 'add', 'docs', '--type', 'synchronize', '--source', join(home, 'plain'), '--dest', join(home, 'copy')], { env: cliEnv(home) });
    assert.equal(r.code, 0, r.stderr);
  });
  await ui.page.goto(ui.serve.url);
});
after(async () => {
  await ui?.close();
});

test('a bad schedule is a field error; a good one shows the next run; scheduled runs appear live; the summary turns red past the threshold', async () => {
  const { page } = ui;
  const card = page.getByTestId('safety-docs');
  await card.waitFor();
  assert.equal(await card.getAttribute('data-level'), 'warning', 'no good backup yet: amber');
  assert.match((await card.getByTestId('last-good').textContent()) ?? '', /no good backup yet/);
  assert.match((await card.getByTestId('next-run').textContent()) ?? '', /not scheduled/);

  await page.locator('tr[data-task=docs]').dblclick();
  const form = page.getByTestId('task-form');
  await form.locator('input[name=schedule]').fill('daily 25:00');
  await form.getByRole('button', { name: 'Save' }).click();
  const err = form.getByTestId('error-schedule');
  await err.waitFor();
  assert.match((await err.textContent()) ?? '', /"25:00" is not a time of day/);

  await form.locator('input[name=schedule]').fill('*/3 * * * * *');
  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached' });
  await page.locator('tr[data-task=docs] [data-testid=next-run-cell]').filter({ hasText: /^(in \d+ s|running now)$/ }).waitFor();

  // the scheduler of this serve process runs it; the page hears of it without a reload
  await card.locator('[data-testid=last-good]').filter({ hasText: /last good backup (\d+ s ago|just now)/ }).waitFor();
  assert.equal(await card.getAttribute('data-level'), 'ok', 'a good backup within the threshold: green');
  const runs = (await (await page.request.get(`${ui.serve.origin}/api/runs?task=docs`, { headers: auth() })).json()) as Array<{ startedBy: string; status: string }>;
  assert.ok(runs.length >= 1 && runs.every((r) => r.startedBy === 'schedule'), JSON.stringify(runs));

  // a weekly slot from now on; then, a little later, a threshold (0.86 s) the last good backup is past: red
  const weekly = await page.request.patch(`${ui.serve.origin}/api/tasks/docs`, { data: { schedule: 'weekly sun 03:00' }, headers: auth() });
  assert.equal(weekly.status(), 200, await weekly.text());
  await card.getByTestId('next-run').filter({ hasText: /^next run in \d+ (d|h|min)/ }).waitFor();
  await new Promise((r) => setTimeout(r, 1500));
  const patch = await page.request.patch(`${ui.serve.origin}/api/tasks/docs`, { data: { thresholdDays: 0.00001 }, headers: auth() });
  assert.equal(patch.status(), 200, await patch.text());
  await page
    .locator('[data-testid=safety-docs][data-level=overdue]')
    .waitFor()
    .catch(async (e: unknown) => {
      const tasks = (await (await page.request.get(`${ui.serve.origin}/api/tasks`, { headers: auth() })).json()) as unknown;
      throw new Error(`${String(e)}\ncard: ${await card.innerHTML()}\napi: ${JSON.stringify(tasks)}\nserve: ${ui.serve.output()}`);
    });
  assert.match((await card.getByTestId('last-good').textContent()) ?? '', /last good backup (\d+ s ago|just now) \(threshold 0\.00001 d\)/);
});
