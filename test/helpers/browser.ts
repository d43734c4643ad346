// Browser-test helpers: Debian's chromium driven by playwright-core (never a downloaded
// browser), and the real `cryptsync serve --port 0` as a process on a temp home.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { BIN, ROOT, cliEnv } from './cli.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface ServeProcess {
  /** the start-up URL, with the access token */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  proc: ChildProcess;
  output(): string;
  /** SIGTERM, then waits for the exit; resolves with the exit code */
  stop(): Promise<number | null>;
}

const URL_LINE = /^cryptsync web UI: (http:\/\/\S+)$/m;

/** Spawns `cryptsync serve`; `--port 0` is added unless args name a port or o.freePort is false (PORT env tests). */
export function startServe(env: NodeJS.ProcessEnv, args: string[] = [], o: { timeoutMs?: number; freePort?: boolean } = {}): Promise<ServeProcess> {
  const timeoutMs = o.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const portArgs = args.includes('--port') || o.freePort === false ? [] : ['--port', '0'];
    const proc = spawn(process.execPath, [BIN, 'serve', ...portArgs, ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let settled = false;
    const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
    const timer = setTimeout(() => fail(new Error(`cryptsync serve printed no URL in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    function fail(e: Error) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(e);
    }
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = URL_LINE.exec(out);
      if (m && !settled) {
        settled = true;
        clearTimeout(timer);
        const url = m[1] as string;
        const u = new URL(url);
        resolve({
          url,
          origin: u.origin,
          port: Number(u.port),
          proc,
          output: () => out,
          stop: async () => {
            if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.on('exit', (code) => fail(new Error(`cryptsync serve exited with ${code}:\n${out}`)));
  });
}

/**
 * Takes a screenshot of the page. It goes to docs/screenshots when that file is missing or
 * CRYPTSYNC_SCREENSHOTS=update; otherwise to a temp folder, so a plain `npm test` does not
 * rewrite the committed images (they differ in every run: temp paths, times).
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  const docs = join(SCREENSHOTS, `${name}.png`);
  const update = process.env.CRYPTSYNC_SCREENSHOTS === 'update' || !existsSync(docs);
  const dir = update ? SCREENSHOTS : join(tmpdir(), 'cryptsync-screenshots');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

export interface OpenUi {
  home: string;
  env: NodeJS.ProcessEnv;
  serve: ServeProcess;
  browser: Browser;
  page: Page;
  /** closes the browser, stops the server (asserting it exits 0) and removes the home */
  close(): Promise<void>;
}

/** A fresh home, `cryptsync serve` on it and one Chromium page; `prepare` runs before the server starts. */
export async function openUi(prefix: string, prepare?: (home: string) => Promise<void>, timeoutMs = 30_000): Promise<OpenUi> {
  const home = await mkdtemp(join(tmpdir(), prefix));
  await prepare?.(home);
  const env = cliEnv(home);
  const serve = await startServe(env);
  const browser = await launchBrowser();
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(timeoutMs);
  return {
    home,
    env,
    serve,
    browser,
    page,
    async close() {
      await browser.close();
      const code = await serve.stop();
      await rm(home, { recursive: true, force: true });
      if (code !== 0) throw new Error(`cryptsync serve exited with ${code}:\n${serve.output()}`);
    },
  };
}
