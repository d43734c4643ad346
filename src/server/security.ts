// Access control for the local web UI: a random bearer token, a Host allow-list against DNS
// rebinding, and an Origin check against cross-site writes.
// The token is never put in a cookie: browsers do not separate cookies by port, so a cookie for
// 127.0.0.1:8787 is also sent to every other web server on 127.0.0.1. Instead the start-up URL
// carries it in the fragment (#token=…, never sent to any server), the page keeps it in
// sessionStorage (scoped to this exact origin, port included) and sends it as
// `Authorization: Bearer …` on every API call. EventSource cannot send headers, so the event
// stream is opened with a ticket: random, single use, valid for a few seconds, obtained by an
// authenticated POST; it is never the token. No CORS headers are ever sent, so a page of another
// origin can neither read an API answer nor send the Authorization header (the preflight fails).
// The app shell (HTML, scripts, styles) holds no secret and is served without the token.
// This module must never log, echo or put the token anywhere.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';

/** Bytes of randomness in an access token (base64url: 43 characters). */
export const TOKEN_BYTES = 32;
/** Fragment key carrying the token in the start-up URL: http://127.0.0.1:8787/#token=… */
export const TOKEN_FRAGMENT = 'token';
/** Query parameter carrying an event-stream ticket. */
export const TICKET_PARAM = 'ticket';
/** How long a ticket may wait before it is used. */
export const TICKET_TTL_MS = 10_000;
/** Tickets waiting at once; the oldest are dropped beyond this (a page needs one at a time). */
export const MAX_TICKETS = 64;
/** The one route that accepts a ticket instead of the token. */
export const EVENTS_PATH = '/api/events';

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
  tickets: TicketBook;
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

/**
 * Single-use tickets for the event stream. `now` is injectable so expiry is testable without
 * waiting. A ticket is removed when it is used, whether or not it was still valid.
 */
export class TicketBook {
  #tickets = new Map<string, number>();
  constructor(private readonly now: () => number = Date.now) {}

  issue(): { ticket: string; expiresInMs: number } {
    const t = this.now();
    for (const [k, exp] of this.#tickets) if (exp <= t) this.#tickets.delete(k);
    while (this.#tickets.size >= MAX_TICKETS) this.#tickets.delete(this.#tickets.keys().next().value as string);
    const ticket = randomBytes(TOKEN_BYTES).toString('base64url');
    this.#tickets.set(ticket, t + TICKET_TTL_MS);
    return { ticket, expiresInMs: TICKET_TTL_MS };
  }

  /** true once for a ticket issued less than TICKET_TTL_MS ago; false ever after */
  redeem(ticket: string): boolean {
    const exp = this.#tickets.get(ticket);
    if (exp === undefined) return false;
    this.#tickets.delete(ticket);
    return exp > this.now();
  }
}

function bearer(c: Context): string | undefined {
  const auth = c.req.header('authorization');
  if (auth && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  return undefined;
}

function refuse(c: Context, status: 401 | 403, code: string, message: string): Response {
  c.header('Cache-Control', 'no-store');
  if (c.req.path.startsWith('/api/')) return c.json({ error: { code, message } }, status);
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
const NOT_SIGNED_IN = 'Not signed in. Open the URL printed by `cryptsync serve` (or run `cryptsync serve --url`).';

/**
 * One middleware for every request: Host check, Origin check for writes, then for /api/* the
 * bearer token (or, for the event stream only, a ticket).
 */
export function securityMiddleware(o: SecurityOptions): MiddlewareHandler {
  const hosts = allowedHosts(o);
  const origins = new Set([...hosts].map((h) => `http://${h}`));
  return async (c, next) => {
    const host = (c.req.header('host') ?? '').toLowerCase();
    if (!hosts.has(host)) {
      return refuse(c, 403, 'FOREIGN_HOST', 'Refused: this server only answers to its own address (Host header not allowed).');
    }
    const origin = c.req.header('origin');
    if (!SAFE_METHODS.has(c.req.method) && origin !== undefined && !origins.has(origin.toLowerCase())) {
      return refuse(c, 403, 'FOREIGN_ORIGIN', 'Refused: cross-site request (Origin not allowed).');
    }
    c.header('Referrer-Policy', 'no-referrer');
    if (!c.req.path.startsWith('/api/')) return next();
    const ticket = c.req.query(TICKET_PARAM);
    if (ticket !== undefined) {
      if (c.req.method !== 'GET' || c.req.path !== EVENTS_PATH || !o.tickets.redeem(ticket)) {
        return refuse(c, 401, 'BAD_TICKET', 'The event-stream ticket is unknown, used or expired; ask for a new one (POST /api/events/ticket).');
      }
      return next();
    }
    const got = bearer(c);
    if (got === undefined || !sameSecret(got, o.token)) return refuse(c, 401, 'UNAUTHORIZED', NOT_SIGNED_IN);
    await next();
  };
}
