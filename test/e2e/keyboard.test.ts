// The web UI by keyboard alone, in the real Chromium against the real `cryptsync serve` with the
// demo profile: the view tabs follow the ARIA tabs pattern, task rows are one Tab stop with arrow
// keys inside (roving tabindex) and Enter opens the task, dialogs keep Tab inside and give focus
// back to their opener, the focus ring shows on the dark top bar, icon-only buttons say what they
// act on, and the run shortcuts the browser may keep (Ctrl+T, Ctrl+B) work as Alt+T / Alt+B,
// which the buttons show.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { OpenUi } from '../helpers/browser.js';
import { openDemoUi } from '../helpers/demo-ui.js';

let ui: OpenUi;
let page: Page;
before(async () => {
  ui = await openDemoUi('cryptsync-keys-');
  page = ui.page;
});
after(async () => {
  await ui?.close();
});

/** a short description of the focused element */
function focused(): Promise<string> {
  return page.evaluate<string>(`(() => {
    const el = document.activeElement;
    if (!el) return 'none';
    return [el.tagName.toLowerCase(), el.id && '#' + el.id, el.getAttribute('data-task') && 'task=' + el.getAttribute('data-task'), (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40)].filter(Boolean).join(' ');
  })()`);
}
function focusInside(selector: string): Promise<boolean> {
  return page.evaluate<boolean>(`!!document.activeElement && !!document.activeElement.closest(${JSON.stringify(selector)})`);
}

test('the view tabs: roles, aria-controls, one Tab stop, arrows/Home/End move and show the view', async () => {
  const tabs = page.getByRole('tablist').getByRole('tab');
  assert.equal(await tabs.count(), 6);
  const panel = await tabs.first().getAttribute('aria-controls');
  assert.ok(panel, 'a tab names the panel it controls');
  assert.equal(await page.locator(`#${panel}`).getAttribute('role'), 'tabpanel');
  assert.deepEqual(await tabs.evaluateAll((l) => l.map((t) => t.getAttribute('tabindex'))), ['0', '-1', '-1', '-1', '-1', '-1']);

  await page.getByRole('tab', { name: 'Tasks' }).focus();
  await page.keyboard.press('ArrowRight');
  assert.match(await focused(), /#tab-logs/);
  assert.equal(await page.getByRole('tab', { name: 'Logs' }).getAttribute('aria-selected'), 'true');
  await page.locator('table[aria-label=runs]').waitFor();
  assert.equal(await page.locator(`#${panel}`).getAttribute('aria-labelledby'), 'tab-logs');
  await page.keyboard.press('End');
  assert.match(await focused(), /#tab-remotes/);
  await page.getByTestId('remote-form').waitFor();
  await page.keyboard.press('ArrowRight');
  assert.match(await focused(), /#tab-tasks/, 'the arrows wrap around');
  await page.keyboard.press('ArrowLeft');
  assert.match(await focused(), /#tab-remotes/);
  await page.keyboard.press('Home');
  assert.match(await focused(), /#tab-tasks/);
  await page.locator('table[aria-label=tasks]').waitFor();
});

test('a visible focus ring on the dark top bar', async () => {
  await page.getByRole('tab', { name: 'Tasks' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  const ring = await page.evaluate<{ style: string; width: string; color: string; bar: string }>(`(() => {
    const s = getComputedStyle(document.activeElement);
    return { style: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor, bar: getComputedStyle(document.querySelector('.topbar')).backgroundColor };
  })()`);
  assert.notEqual(ring.style, 'none', `no outline on the focused tab: ${JSON.stringify(ring)}`);
  assert.ok(parseFloat(ring.width) >= 2, `outline ${ring.width}`);
  const lum = (rgb: string) => {
    const [r, g, b] = (rgb.match(/[\d.]+/g) ?? []).map(Number) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  assert.ok(lum(ring.color) - lum(ring.bar) > 100, `the ring ${ring.color} does not stand out on the bar ${ring.bar}`);
});

test('task rows: one Tab stop, arrows move selection and focus, Enter opens, Escape returns focus', async () => {
  const rows = page.locator('table[aria-label=tasks] tbody tr');
  const stops = await rows.evaluateAll((l) => l.filter((r) => r.getAttribute('tabindex') === '0').length);
  assert.equal(stops, 1, 'exactly one row is in the Tab order');
  await page.locator('tr[data-task="demo-encrypt"]').click();
  await page.locator('tr[data-task="demo-encrypt"]').focus();
  await page.keyboard.press('ArrowDown');
  assert.match(await focused(), /task=demo-backup/);
  assert.equal(await page.locator('tr[data-task="demo-backup"]').getAttribute('aria-selected'), 'true');
  assert.equal(await page.locator('tr[data-task="demo-backup"]').getAttribute('tabindex'), '0');
  assert.equal(await page.locator('tr[data-task="demo-encrypt"]').getAttribute('tabindex'), '-1');
  await page.keyboard.press('Home');
  assert.match(await focused(), /task=demo-encrypt/);
  await page.keyboard.press('End');
  assert.match(await focused(), /task=demo-backup/);
  await page.keyboard.press('Enter');
  const form = page.getByTestId('task-form');
  await form.waitFor();
  assert.equal(await form.locator('input[name=name]').inputValue(), 'demo-backup');
  await page.keyboard.press('Escape');
  await form.waitFor({ state: 'detached' });
  assert.match(await focused(), /task=demo-backup/, 'focus goes back to the row that opened the form');
  // Shift+Tab from the row leaves the table in one step (no other row is a Tab stop)
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focusInside('table[aria-label=tasks] tbody'), false, `still in the table: ${await focused()}`);
});

test('a dialog keeps Tab inside (both ways) and gives focus back to its opener', async () => {
  const add = page.getByRole('button', { name: '+ Add task' });
  await add.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.equal(await focusInside('[role=dialog]'), true, 'focus moves into the dialog');
  const n = await dialog.evaluate((d) => d.querySelectorAll('a[href], button, input, select, textarea, summary').length);
  for (let i = 0; i < n + 3; i++) {
    await page.keyboard.press('Tab');
    assert.equal(await focusInside('[role=dialog]'), true, `Tab #${i + 1} left the dialog: ${await focused()}`);
  }
  for (let i = 0; i < n + 3; i++) {
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focusInside('[role=dialog]'), true, `Shift+Tab #${i + 1} left the dialog: ${await focused()}`);
  }
  await dialog.getByRole('button', { name: 'close dialog' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.match(await focused(), /Add task/, 'focus is back on "+ Add task"');
});

test('icon-only buttons name what they act on', async () => {
  // run the encrypt step once so the catalog has folders to expand
  await page.locator('tr[data-task="demo-encrypt"]').click();
  await page.keyboard.press('Control+r');
  await page.locator('tr[data-task="demo-encrypt"] .status-ok').waitFor();
  await page.getByRole('tab', { name: 'Restore' }).click();
  const expand = page.getByRole('button', { name: 'expand folder notes' });
  await expand.waitFor();
  assert.equal(await expand.getAttribute('aria-expanded'), 'false');
  await expand.click();
  await page.getByRole('button', { name: 'collapse folder notes' }).waitFor();
  // every button in every view has a name a screen reader can say, more than a bare verb
  for (const tab of ['Tasks', 'Logs', 'Restore', 'Mapping', 'Verify', 'Crypt remotes']) {
    await page.getByRole('tab', { name: tab }).click();
    await page.waitForTimeout(200);
    const bad = await page.evaluate<string[]>(`[...document.querySelectorAll('button')].filter((b) => {
      const name = (b.getAttribute('aria-label') || b.textContent || '').trim();
      return name === '' || /^(expand|collapse|close|dismiss|remove|✕|▸|▾)$/i.test(name);
    }).map((b) => b.outerHTML.slice(0, 80))`);
    assert.deepEqual(bad, [], `${tab}: buttons without a telling name`);
  }
});

test('Alt+T estimates all and Alt+B runs all with changes; the buttons show those keys', async () => {
  await page.getByRole('tab', { name: 'Tasks' }).click();
  const estimateAll = page.getByRole('button', { name: /^Estimate all/ });
  assert.match(await estimateAll.innerText(), /Alt\+T/);
  assert.match((await estimateAll.getAttribute('aria-keyshortcuts')) ?? '', /Alt\+T/);
  assert.match(await page.getByRole('button', { name: /^Run all with changes/ }).innerText(), /Alt\+B/);
  await page.locator('tr[data-task="demo-backup"]').click();
  await page.keyboard.press('Alt+t');
  await page.locator('tr[data-task="demo-backup"] [data-testid=estimated]').waitFor();
  await page.locator('tr[data-task="demo-encrypt"] [data-testid=estimated]').waitFor();
  await page.getByRole('button', { name: /^Estimate all/ }).and(page.locator(':not([disabled])')).waitFor();
  await page.keyboard.press('Alt+b');
  await page.getByTestId('batch').waitFor();
  await page.locator('tr[data-task="demo-backup"] .status-ok').waitFor();
});
