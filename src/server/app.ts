// The web UI's HTTP application: security first, then the JSON API under /api/, the live event
// stream, and the built browser app. Testable in-process with app.request(). It holds no
// engine logic and never speaks to the terminal (the caller passes `report`).
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { EnginePort } from './engine-port.js';
import { EventHub } from './event-hub.js';
import { BatchRunner } from './batch.js';
import { securityMiddleware, TicketBook } from './security.js';
import { onApiError, RequestError } from './http-errors.js';
import { registerEvents } from './sse-route.js';
import { registerTaskRoutes } from './api-tasks.js';
import { registerRunRoutes } from './api-runs.js';
import { registerCatalogRoutes } from './api-catalog.js';
import { registerServerCopyRoutes } from './api-server-copy.js';
import { registerSshRoutes } from './api-ssh.js';
import { registerStatic } from './static-files.js';

/** Largest request body accepted (task forms are a few KB). */
export const MAX_BODY_BYTES = 1024 * 1024;
export const SERVER_VERSION = '0.1.0';

export interface AppOptions {
  engine: EnginePort;
  token: string;
  port: number;
  boundHost: string;
  extraHosts?: string[];
  webRoot: string;
  /** let the API set and change task fields that run programs (serve --allow-commands) */
  allowCommands?: boolean;
  /** where unexpected (500) errors are reported; never the browser */
  report?: (e: unknown) => void;
}

export interface WebApp {
  app: Hono;
  hub: EventHub;
  /** ends the event streams and detaches from the engine (does not close the engine) */
  close(): void;
}

export function createApp(o: AppOptions): WebApp {
  const app = new Hono();
  const hub = new EventHub();
  const closing = new AbortController();
  const serverId = randomBytes(8).toString('hex');
  const unsubscribe = o.engine.subscribe((e) => hub.publish(e as { type: string }));
  const batch = new BatchRunner(o.engine, hub);
  const tickets = new TicketBook();

  app.onError(onApiError(o.report ?? (() => {})));
  app.use('*', securityMiddleware({ token: o.token, port: o.port, boundHost: o.boundHost, tickets, ...(o.extraHosts ? { extraHosts: o.extraHosts } : {}) }));
  app.use('/api/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new RequestError('BODY_TOO_LARGE', `request body larger than ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );

  const allowCommands = o.allowCommands === true;
  app.get('/api/info', (c) => c.json({ version: SERVER_VERSION, serverId, allowCommands }));
  registerEvents(app, hub, serverId, closing.signal, tickets);
  registerTaskRoutes(app, o.engine, batch, { allowCommands });
  registerRunRoutes(app, o.engine);
  registerCatalogRoutes(app, o.engine, hub);
  registerServerCopyRoutes(app, o.engine, hub);
  registerSshRoutes(app, o.engine);
  app.all('/api/*', (c) => c.json({ error: { code: 'NOT_FOUND', message: `no such API route: ${c.req.method} ${c.req.path}` } }, 404));
  registerStatic(app, o.webRoot);

  return {
    app,
    hub,
    close() {
      batch.abort();
      closing.abort();
      unsubscribe();
    },
  };
}
