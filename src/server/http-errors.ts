// The server's one place where errors become HTTP responses: CryptsyncError kinds map to
// status codes and a body {error:{code,message,field?,issues?}}. It must never send a stack
// trace, an internal message of a non-cryptsync error, or anything secret.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { CryptsyncError, type ErrorKind } from '../util/errors.js';

const STATUS_BY_KIND: Record<ErrorKind, ContentfulStatusCode> = {
  usage: 400,
  config: 400,
  'not-found': 404,
  crypto: 422,
  io: 500,
  conflict: 409,
  guard: 409,
  external: 502,
  cancelled: 409,
  internal: 500,
};

export interface ApiIssue {
  path: string;
  message: string;
}

export interface ApiErrorBody {
  error: { code: string; message: string; field?: string; issues?: ApiIssue[] };
}

/** An error raised by the server itself for bad request input (not from the engine). */
export class RequestError extends CryptsyncError {
  readonly issues?: ApiIssue[];
  constructor(code: string, message: string, opts: { field?: string; issues?: ApiIssue[] } = {}) {
    super('usage', code, message, opts.field === undefined ? {} : { subject: opts.field });
    this.name = 'RequestError';
    if (opts.issues) this.issues = opts.issues;
  }
}

function issuesOf(e: unknown): ApiIssue[] | undefined {
  const raw = (e as { issues?: unknown }).issues;
  if (!Array.isArray(raw)) return undefined;
  return raw.map((i: { path?: unknown; message?: unknown }) => ({
    path: Array.isArray(i.path) ? i.path.join('.') : String(i.path ?? ''),
    message: String(i.message ?? ''),
  }));
}

export function errorBody(e: unknown): { status: ContentfulStatusCode; body: ApiErrorBody } {
  if (e instanceof CryptsyncError) {
    const issues = issuesOf(e);
    const field = e.subject ?? (issues?.length === 1 ? issues[0]?.path : undefined);
    return {
      status: STATUS_BY_KIND[e.kind] ?? 500,
      body: {
        error: {
          code: e.code,
          message: e.message,
          ...(field ? { field } : {}),
          ...(issues ? { issues } : {}),
        },
      },
    };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error (see the server console)' } } };
}

/** hono onError handler. Non-cryptsync errors are reported on the server's stderr only. */
export function onApiError(report: (e: unknown) => void) {
  return (e: Error, c: Context): Response => {
    const { status, body } = errorBody(e);
    if (status >= 500) report(e);
    c.header('Cache-Control', 'no-store');
    return c.json(body, status);
  };
}
