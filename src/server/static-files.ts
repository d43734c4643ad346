// Serves the built browser app (web/dist) with strict headers. Unknown non-asset paths get
// index.html (the app routes in the browser). It must never serve a file outside its root.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { Hono } from 'hono';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** No inline script, no foreign origins, no framing (clickjacking). */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const NOT_BUILT =
  '<!doctype html><meta charset="utf-8"><title>cryptsync</title><body style="font-family:system-ui;padding:2em">' +
  '<h1>cryptsync</h1><p>The web UI is not built yet. Run <code>npm start</code> (it builds it), or <code>node scripts/web-build.mjs</code>.</p></body>';

export function registerStatic(app: Hono, webRoot: string): void {
  const root = normalize(webRoot);
  app.get('*', async (c) => {
    c.header('Content-Security-Policy', CSP);
    c.header('X-Frame-Options', 'DENY');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    let rel: string;
    try {
      rel = decodeURIComponent(c.req.path).replace(/^\/+/, '');
    } catch {
      return c.text('bad path', 400);
    }
    if (rel.includes('\0')) return c.text('bad path', 400);
    let file = normalize(join(root, rel));
    if (file !== root && !file.startsWith(root + sep)) return c.text('not found', 404);
    const isAsset = extname(rel) !== '';
    if (!isAsset || !existsSync(file)) {
      if (isAsset) return c.text('not found', 404);
      file = join(root, 'index.html');
      if (!existsSync(file)) return c.html(NOT_BUILT, 503);
    }
    const body = await readFile(file);
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    // hashed asset names may be cached; index.html must always be fresh
    c.header('Cache-Control', file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-store');
    return c.body(body, 200, { 'Content-Type': type });
  });
}
