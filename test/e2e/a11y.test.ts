// Accessibility of every view, checked by axe-core in the real Chromium: no serious or critical
// violation (WCAG 2.x A and AA rules) on the task table with the demo loaded, the task form, the
// remote form, logs, restore, mapping and verify, the history charts and the 30-day strip, the
// narrow layout — in the light and the dark colour scheme.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { openUi, type OpenUi } from '../helpers/browser.js';

let ui: OpenUi;
before(async () => {
  ui = await openUi('cryptsync-a11y-');
});
after(async () => {
  await ui?.close();
});

async function violations(page: Page, where: string): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${where}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`no serious or critical axe violation in any view (${scheme})`, async () => {
    const page = ui.page;
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(ui.serve.url);
    const found: string[] = [];
    if (scheme === 'light') {
      await page.getByText('No tasks yet').waitFor();
      found.push(...(await violations(page, 'empty tasks')));
      await page.getByTestId('load-demo').click();
    }
    await page.locator('tr[data-task="demo-backup"]').waitFor();
    await page.locator('tr[data-task="demo-backup"]').click();
    found.push(...(await violations(page, 'tasks')));
    if (scheme === 'light') {
      // a run gives the detail its history charts and the strip a green day; an estimate its age
      await page.getByRole('button', { name: /^Run( (Ctrl\+|⌘)R)?$/ }).click();
      await page.locator('tr[data-task="demo-backup"] .status-ok').waitFor();
      await page.getByRole('button', { name: 'Estimate', exact: true }).click();
      await page.locator('tr[data-task="demo-backup"] [data-testid=estimated]').waitFor();
    }
    await page.getByTestId('run-charts').waitFor();
    found.push(...(await violations(page, 'tasks with history and an estimate')));
    await page.setViewportSize({ width: 390, height: 800 });
    found.push(...(await violations(page, 'tasks at 390 px')));
    await page.setViewportSize({ width: 1280, height: 720 });
    for (const tab of ['Logs', 'Restore', 'Mapping', 'Verify', 'Crypt remotes']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.waitForTimeout(300);
      found.push(...(await violations(page, tab)));
    }
    await page.getByRole('tab', { name: 'Tasks' }).click();
    await page.getByRole('button', { name: /add task/i }).click();
    await page.getByRole('dialog').waitFor();
    found.push(...(await violations(page, 'task form')));
    await page.keyboard.press('Escape');
    assert.deepEqual(found, []);
    assert.equal(await page.evaluate('document.documentElement.dataset.theme'), scheme, 'the page does not follow the colour scheme');
  });
}

test('the dark palette is really dark, and the toggle wins over the system and is remembered', async () => {
  const page = ui.page;
  const background = (): Promise<string> => page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor');
  const luminance = (rgb: string): number => {
    const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(ui.serve.url);
  await page.locator('tr[data-task="demo-backup"]').waitFor();
  assert.ok(luminance(await background()) < 60, `dark background is ${await background()}`);
  const toggle = page.getByTestId('theme-toggle');
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  await toggle.click();
  assert.ok(luminance(await background()) > 200, `light background is ${await background()}`);
  await page.reload();
  await page.locator('tr[data-task="demo-backup"]').waitFor();
  assert.equal(await page.evaluate('document.documentElement.dataset.theme'), 'light', 'the choice was not remembered');
  assert.equal(await page.getByTestId('theme-toggle').getAttribute('aria-pressed'), 'false');
  await page.evaluate("localStorage.removeItem('cryptsync.theme')");
});
