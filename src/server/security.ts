// Access control for the local web UI: a random bearer token (first delivered in the start-up
// URL, then kept in an HttpOnly SameSite=Strict cookie), a Host allow-list against DNS
// rebinding, and an Origin check against cross-site writes. It must never log, echo or put the
// token anywhere but the one Set-Cookie of the first visit.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

/** Bytes of randomness in an access token (base64url: 43 characters). */
export const TOKEN_BYTES = 32;
/** Query parameter carrying the token in the start-up URL. */
export const TOKEN_PARAM = 'token';
const COOKIE_PREFIX = 'cryptsync_token';

export function generateToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

export interface SecurityOptions {
  token: string;
  /** the port the server listens on (part of every allowed Host and Origin) */
  port: number;
  /** the host the server is bound to, as typed by the user (e.g. 127.0.0.1) */
  boundHost: string;
  /** more names this server may be reached by (its addresses, when bound to all interfaces) */
  extraHosts?: string[];
}

/** Cookies are not separated by port, so two servers on one machine need two names. */
export function cookieName(port: number): string {
  return `${COOKIE_PREFIX}_${port}`;
}

function hostWithPort(host: string, port: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${h}:${port}`.toLowerCase();
}

/** Host header values accepted: the bound host and the loopback names, each with the port. */
export function allowedHosts(o: Pick<SecurityOptions, 'port' | 'boundHost' | 'extraHosts'>): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', o.boundHost, ...(o.extraHosts ?? [])]);
  return new Set([...names].map((n) => hostWithPort(n, o.port)));
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function presentedToken(c: Context, port: number): string | undefined {
  const auth = c.req.header('authorization');
  if (auth && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  return getCookie(c, cookieName(port));
}

function refuse(c: Context, status: 401 | 403, code: string, message: string): Response {
  if (c.req.path.startsWith('/api/')) return c.json({ error: { code, message } }, status);
  c.header('Cache-Control', 'no-store');
  return c.html(
    `<!doctype html><meta charset="utf-8"><title>cryptsync</title><body style="font-family:system-ui;padding:2em">` +
      `<h1>cryptsync</h1><p>${escapeHtml(message)}</p></body>`,
    status,
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * One middleware for every request: Host check, Origin check for writes, then the token
 * (query on first visit -> cookie + redirect; afterwards cookie or Authorization: Bearer).
 */
export function securityMiddleware(o: SecurityOptions): MiddlewareHandler {
  const hosts = allowedHosts(o);
  const origins = new Set([...hosts].map((h) => `http://${h}`));
  const cookie = cookieName(o.port);
  return async (c, next) => {
    const host = (c.req.header('host') ?? '').toLowerCase();
    if (!hosts.has(host)) {
      return refuse(c, 403, 'FOREIGN_HOST', 'Refused: this server only answers to its own address (Host header not allowed).');
    }
    const origin = c.req.header('origin');
    if (!SAFE_METHODS.has(c.req.method) && origin !== undefined && !origins.has(origin.toLowerCase())) {
      return refuse(c, 403, 'FOREIGN_ORIGIN', 'Refused: cross-site request (Origin not allowed).');
    }
    const fromQuery = c.req.query(TOKEN_PARAM);
    if (fromQuery !== undefined && c.req.method === 'GET' && !c.req.path.startsWith('/api/')) {
      if (!sameSecret(fromQuery, o.token)) return refuse(c, 401, 'BAD_TOKEN', 'This link has a wrong or old access token. Open the URL printed by `cryptsync serve`.');
      setCookie(c, cookie, o.token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      const url = new URL(c.req.url);
      url.searchParams.delete(TOKEN_PARAM);
      c.header('Cache-Control', 'no-store');
      c.header('Referrer-Policy', 'no-referrer');
      return c.redirect(url.pathname + url.search, 303);
    }
    const got = presentedToken(c, o.port);
    if (got === undefined || !sameSecret(got, o.token)) {
      return refuse(c, 401, 'UNAUTHORIZED', 'Not signed in. Open the URL printed by `cryptsync serve` (it carries the access token).');
    }
    await next();
  };
}
