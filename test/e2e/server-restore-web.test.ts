// The web UI restores from a server snapshot (real sshd on loopback, real rsync, Chromium): a
// snapshot task connected to the encrypt task runs twice with an edit in between; in the page the
// user picks "server — snaps", the OLDER snapshot, browses, picks one file, the dry run lists it,
// and the restore gives that day's bytes (not the newer ones) and leaves no staging folder behind;
// Abort of a restore of the latest snapshot (a big file) leaves no staging folder either.
// The view has no serious or critical axe violation. The fixture's seed is printed by it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { cryptsync, jsonLines } from '../helpers/cli.js';
import { launchBrowser, startServe, type ServeProcess } from '../helpers/browser.js';
import { startServerFixture, ok, type ServerFixture } from '../run/server-fixture.js';

let f: ServerFixture;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let snapshots: string[] = [];
const DAY1 = 'the first day\'s words, before the edit\n';
const DAY2 = 'edited on day two: entirely different bytes\n';

async function put(rel: string, content: string, t: number): Promise<void> {
  const p = join(f.plain, rel);
  await mkdir(join(p, '..'), { recursive: true });
  await writeFile(p, content);
  await utimes(p, t, t);
}

before(async () => {
  f = await startServerFixture({ count: 3 });
  const root = join(f.work, 'snaps');
  ok(await cryptsync(['task', 'add', 'snaps', '--type', 'snapshot', '--source', f.catalog, '--dest', `${f.sshd.user}@127.0.0.1:${root}`, ...f.sshFlags, '--connect', 'enc'], { env: f.env }), 'task add snaps');
  await put('diary/entry.txt', DAY1, 1_750_000_000);
  ok(await cryptsync(['run', 'snaps'], { env: f.env }), 'run 1');
  await new Promise((r) => setTimeout(r, 1100)); // the snapshot folders are named by the second
  await put('diary/entry.txt', DAY2, 1_750_000_600);
  // big enough that an abort lands while the restore of the latest snapshot still runs
  const big = Buffer.alloc(96 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) & 0xff;
  await mkdir(join(f.plain, 'video'), { recursive: true });
  await writeFile(join(f.plain, 'video/big.bin'), big);
  ok(await cryptsync(['run', 'snaps'], { env: f.env }), 'run 2');
  const listed = jsonLines(ok(await cryptsync(['snapshots', 'snaps', '--json'], { env: f.env }), 'snapshots').stdout);
  snapshots = listed.filter((e) => typeof e.name === 'string').map((e) => e.name as string);
  assert.equal(snapshots.length, 2, `two snapshots: ${JSON.stringify(listed)}`);
  serve = await startServe(f.env);
  browser = await launchBrowser();
  page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(serve.url);
});

after(async () => {
  await browser?.close();
  const code = await serve?.stop();
  await f?.stop();
  assert.equal(code, 0, `cryptsync serve exited with ${code}`);
});

test('pick the older snapshot, dry run lists the file, restore gives that day\'s bytes', async () => {
  await page.getByRole('tab', { name: 'Restore' }).click();
  await page.getByLabel('restore from').selectOption('snaps');
  const older = snapshots[0] as string;
  const snap = page.getByLabel('snapshot', { exact: true });
  await snap.locator(`option[value="${older}"]`).waitFor({ state: 'attached' });
  const values = await snap.locator('option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
  assert.deepEqual(values, ['', snapshots[1], snapshots[0]], 'latest first, then newest first');
  await snap.selectOption(older);
  const tree = page.getByTestId('restore-tree');
  await tree.locator('[data-path="diary"] button.twisty').click();
  await page.getByLabel('pick diary/entry.txt').check();
  await page.getByRole('button', { name: 'Dry run' }).click();
  const dry = page.getByTestId('dry-run-files');
  await dry.getByText('diary/entry.txt').waitFor();
  assert.equal(await dry.locator('tr').count(), 1, 'the dry run lists exactly the picked file');

  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
  assert.deepEqual(bad, [], 'no serious or critical axe violation in the server restore view');

  await page.getByRole('button', { name: 'Restore', exact: true }).click();
  await page.getByTestId('restore-result').getByText('Restored', { exact: true }).waitFor();
  const target = await page.getByTestId('restore-target').innerText();
  assert.ok(target.startsWith(tmpdir()), `restored into a fresh temporary folder: ${target}`);
  assert.deepEqual(await readFile(join(target, 'diary/entry.txt')), Buffer.from(DAY1), 'the older snapshot\'s content, byte for byte');
  assert.deepEqual(await readdir(target), ['diary']);
  const staging = await readdir(join(f.home, 'staging')).catch(() => []);
  assert.deepEqual(staging, [], 'no staging folder left in the home');
});

test('Abort stops a restore from the server and leaves no staging folder', async () => {
  await page.getByLabel('snapshot', { exact: true }).selectOption('');
  await page.getByTestId('restore-tree').locator('[data-path="video"]').waitFor();
  await page.getByRole('button', { name: 'Restore', exact: true }).click();
  await page.getByRole('button', { name: 'Abort' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /cancel|abort/i, 'the page says the restore was stopped');
  await page.getByRole('button', { name: 'Restore', exact: true }).waitFor();
  const staging = await readdir(join(f.home, 'staging')).catch(() => []);
  assert.deepEqual(staging, [], 'the aborted restore removed its staging folder');
});
