// "Run anyway" in the web UI, in real Chromium: a synchronize task whose source lost most of its
// files is refused by the mass-deletion guard (the server copy keeps every file); the task's
// detail says why and offers a forced run, which needs the task name typed and is checked again
// by the server (confirmTask); the forced run then mirrors the deletions. The number of files and
// which ones vanish come from a printed seed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openUi, type OpenUi } from '../helpers/browser.js';
import { cryptsync } from '../helpers/cli.js';
import { seededRandom } from '../helpers/seeded-random.js';

let ui: OpenUi;
let home: string;
let env: NodeJS.ProcessEnv;
let page: Page;

before(async () => {
  ui = await openUi('cryptsync-force-');
  ({ home, env, page } = ui);
});

after(() => ui?.close());

/** POST as the page does (browser code as text: the test is compiled without DOM types) */
function postFromPage(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  return page.evaluate(`(async () => {
    const t = sessionStorage.getItem('cryptsync-token');
    const r = await fetch(${JSON.stringify(path)}, { method: 'POST', headers: { Authorization: 'Bearer ' + t, 'Content-Type': 'application/json' }, body: ${JSON.stringify(JSON.stringify(body))} });
    return { status: r.status, json: await r.json() };
  })()`) as Promise<{ status: number; json: Record<string, unknown> }>;
}

test('a mass deletion is refused, explained, and run only after the task name is typed', async () => {
  const seed = Number(process.env.FORCE_SEED || Math.floor(Math.random() * 2 ** 32));
  console.log(`force-run seed: ${seed} (replay with FORCE_SEED=${seed})`);
  const rand = seededRandom(seed);
  const total = 20 + Math.floor(rand() * 40);
  const src = join(home, 'src');
  const dst = join(home, 'dst');
  await mkdir(src);
  const names = Array.from({ length: total }, (_, i) => `file-${i}.txt`);
  for (const n of names) await writeFile(join(src, n), `${n} ${rand()}`);
  const add = await cryptsync(['task', 'add', 'docs', '--type', 'synchronize', '--source', src, '--dest', dst], { env });
  assert.equal(add.code, 0, add.stderr);
  const first = await cryptsync(['run', 'docs'], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.equal((await readdir(dst)).length, total);

  // more than half of the files vanish
  const gone = names.filter(() => rand() < 0.9);
  if (gone.length <= total / 2) gone.push(...names.filter((n) => !gone.includes(n)).slice(0, Math.ceil(total / 2)));
  for (const n of gone) await rm(join(src, n));
  const kept = total - gone.length;

  await page.goto(ui.serve.url);
  await page.locator('[data-testid=connection]', { hasText: 'live' }).waitFor();
  await page.locator('tr[data-task="docs"]').click();
  await page.getByRole('button', { name: /^Run( (Ctrl\+|⌘)R)?$/ }).click();
  const notice = page.getByTestId('guard-notice');
  await notice.waitFor();
  assert.match(await notice.innerText(), /stopped to protect the backup[\s\S]*delete/i);
  assert.equal((await readdir(dst)).length, total, 'the refused run deleted nothing');

  // the server insists on the typed name, whatever the page does
  const bare = await postFromPage('/api/tasks/docs/runs', { dryRun: false, force: true });
  assert.equal(bare.status, 400);
  assert.equal((bare.json.error as { code: string }).code, 'CONFIRM_REQUIRED');
  const wrong = await postFromPage('/api/tasks/docs/runs', { dryRun: false, force: true, confirmTask: 'other' });
  assert.equal(wrong.status, 400);
  assert.equal((await readdir(dst)).length, total);

  await notice.getByRole('button', { name: 'Run anyway…' }).click();
  const dialog = page.getByTestId('force-dialog');
  const go = dialog.getByRole('button', { name: 'Run anyway' });
  assert.equal(await go.isDisabled(), true, 'disabled until the name is typed');
  await dialog.locator('input[name=confirmTask], input').first().fill('doc');
  assert.equal(await go.isDisabled(), true);
  await dialog.locator('input').first().fill('docs');
  await go.click();
  await page.locator('tr[data-task="docs"] .status-ok').waitFor();
  assert.equal((await readdir(dst)).length, kept, 'the forced run mirrored the deletions');
  await page.getByTestId('guard-notice').waitFor({ state: 'detached' });
});
