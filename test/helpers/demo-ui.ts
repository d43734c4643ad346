// The web UI with the demo profile loaded (real `cryptsync serve`, Chromium), and the API calls
// tests make beside the page: the bearer header and a run started and waited for.
import assert from 'node:assert/strict';
import { openUi, type OpenUi } from './browser.js';

/** a fresh home, the server, one page at `width`x`height`, the demo loaded from its button */
export async function openDemoUi(prefix: string, width = 1366, height = 860): Promise<OpenUi> {
  const ui = await openUi(prefix);
  await ui.page.setViewportSize({ width, height });
  await ui.page.goto(ui.serve.url);
  await ui.page.getByTestId('load-demo').click();
  await ui.page.locator('tr[data-task="demo-backup"]').waitFor();
  return ui;
}

/** the header the page itself sends (the token from the start-up URL) */
export function authHeader(ui: OpenUi): Record<string, string> {
  return { authorization: `Bearer ${new URL(ui.serve.url).hash.replace(/^#token=/, '')}` };
}

/** starts a run (or estimate) through the API and waits for its end; its id and final status */
export async function runVia(ui: OpenUi, task: string, dryRun: boolean): Promise<{ id: number; status: string }> {
  const res = await ui.page.request.post(`${ui.serve.origin}/api/tasks/${task}/runs`, { data: { dryRun }, headers: authHeader(ui) });
  assert.equal(res.status(), 202, await res.text());
  const { runId } = (await res.json()) as { runId: number };
  for (;;) {
    const r = (await (await ui.page.request.get(`${ui.serve.origin}/api/runs/${runId}`, { headers: authHeader(ui) })).json()) as { status: string };
    if (r.status !== 'running') return { id: runId, status: r.status };
    await ui.page.waitForTimeout(100);
  }
}
