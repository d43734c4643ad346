// Starts the web UI on a TCP port: binds (loopback unless told otherwise), builds the app once
// the real port is known (the Host checks need it) and returns the start-up
// URL. Closing ends the event streams and open connections; the engine is the caller's.
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { EnginePort } from './engine-port.js';
import { createApp, type WebApp } from './app.js';
import { generateToken, TOKEN_FRAGMENT } from './security.js';
import { UsageError } from '../util/errors.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8787;

export interface StartOptions {
  engine: EnginePort;
  host?: string;
  port?: number;
  /** binding a non-loopback address must be asked for explicitly */
  allowRemote?: boolean;
  webRoot: string;
  token?: string;
  /** let the API set task fields that run programs (see command-guard.ts) */
  allowCommands?: boolean;
  report?: (e: unknown) => void;
}

export interface RunningServer {
  url: string;
  /** the URL with the access token in its fragment (never sent to a server): print it once, never log it elsewhere */
  urlWithToken: string;
  port: number;
  host: string;
  web: WebApp;
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** 0.0.0.0 / :: listen on every interface: the Host header may then name any of them. */
export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

function interfaceNames(): string[] {
  const out = [hostname()];
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.push(a.address);
  return out;
}

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export async function startWebServer(o: StartOptions): Promise<RunningServer> {
  const host = o.host ?? DEFAULT_HOST;
  const port = o.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: must be 0..65535, got ${port}`, 'port');
  if (!isLoopback(host) && !o.allowRemote) {
    throw new UsageError(`--host ${host} is not a loopback address: add --allow-remote to expose the web UI on the network`, 'host');
  }
  const token = o.token ?? generateToken();
  let web: WebApp | null = null;
  const server = createAdaptorServer({
    fetch: (req: Request) => (web ? web.app.fetch(req) : new Response('starting', { status: 503 })),
  }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new UsageError(`port ${port} on ${host} is already in use (choose another with --port, or --port 0 for a free one)`, 'port')
          : e,
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  const w = createApp({
    engine: o.engine,
    token,
    port: actualPort,
    boundHost: host,
    ...(isWildcard(host) ? { extraHosts: interfaceNames() } : {}),
    webRoot: o.webRoot,
    allowCommands: o.allowCommands === true,
    ...(o.report ? { report: o.report } : {}),
  });
  web = w;
  const url = `http://${urlHost(isWildcard(host) ? DEFAULT_HOST : host)}:${actualPort}/`;
  return {
    url,
    urlWithToken: `${url}#${TOKEN_FRAGMENT}=${token}`,
    port: actualPort,
    host,
    web: w,
    close: () =>
      new Promise<void>((resolve) => {
        w.close();
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
