// In-process harness for API tests: a real Engine on a temp CRYPTSYNC_HOME behind the real
// hono app, called with app.request() (no socket). Every request carries a Host header, as a
// browser's would.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/run/engine.js';
import { createApp, type WebApp } from '../../src/server/app.js';
import { ROOT } from '../helpers/cli.js';

export const PORT = 8787;
export const HOST = `127.0.0.1:${PORT}`;
export const ORIGIN = `http://${HOST}`;
export const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuvwx';

export interface Harness {
  home: string;
  engine: Engine;
  web: WebApp;
  /** errors the app reported as 500 */
  reported: unknown[];
  req(method: string, path: string, o?: { body?: unknown; raw?: string; headers?: Record<string, string>; auth?: boolean }): Promise<Response>;
  json<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; text: string }>;
  close(): Promise<void>;
}

export async function startHarness(o: { allowCommands?: boolean } = {}): Promise<Harness> {
  const home = await mkdtemp(join(tmpdir(), 'cryptsync-server-'));
  const env: NodeJS.ProcessEnv = { ...process.env, CRYPTSYNC_HOME: home };
  delete env.RCLONE_CONFIG;
  const engine = Engine.open({ home, env });
  const reported: unknown[] = [];
  const web = createApp({ engine, token: TOKEN, port: PORT, boundHost: '127.0.0.1', webRoot: join(ROOT, 'web', 'dist'), allowCommands: o.allowCommands === true, report: (e) => reported.push(e) });
  const req: Harness['req'] = (method, path, o = {}) => {
    const headers: Record<string, string> = { host: HOST, ...(o.auth === false ? {} : { authorization: `Bearer ${TOKEN}` }), ...o.headers };
    let body: string | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    return Promise.resolve(web.app.request(`http://${HOST}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) }));
  };
  return {
    home,
    engine,
    web,
    reported,
    req,
    async json<T>(method: string, path: string, body?: unknown) {
      const res = await req(method, path, body === undefined ? {} : { body });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as T, text };
    },
    async close() {
      web.close();
      engine.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Waits until the engine has no active run (runs started over the API finish in the background). */
export async function settle(engine: Engine, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const active = engine.activeRuns();
    if (active.length === 0) return;
    if (Date.now() > end) throw new Error(`runs still active: ${JSON.stringify(active)}`);
    await Promise.all(active.map((a) => engine.waitRun(a.runId)));
  }
}
