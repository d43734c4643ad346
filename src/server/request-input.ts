// Reading and shape-checking browser input. Only the shape is checked here (types, required
// fields); what the values mean is validated by the engine, the same way as for the CLI.
import type { Context } from 'hono';
import { z } from 'zod';
import { RequestError } from './http-errors.js';

export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RequestError('BAD_JSON', 'request body is not valid JSON');
  }
}

export async function readBody<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  const parsed = schema.safeParse(await readJson(c));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const first = issues[0];
    throw new RequestError('VALIDATION', first ? `${first.path || 'body'}: ${first.message}` : 'invalid request body', {
      issues,
      ...(first?.path ? { field: first.path } : {}),
    });
  }
  return parsed.data;
}

export function intParam(c: Context, name: string): number {
  const raw = c.req.param(name) ?? '';
  if (!/^\d{1,15}$/.test(raw)) throw new RequestError('BAD_PARAM', `${name}: not a number: ${raw}`, { field: name });
  return Number(raw);
}

export function requiredQuery(c: Context, name: string): string {
  const v = c.req.query(name);
  if (v === undefined || v === '') throw new RequestError('MISSING_PARAM', `${name}: required`, { field: name });
  return v;
}

/** Keys that must never leave the server, whatever the engine hands back. */
const SECRET_KEY = /^(password2?|pass2?|secret|token|salt)$/i;

/** Deep copy without secret-named keys: a second fence behind the engine's own views. */
export function withoutSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutSecrets) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!SECRET_KEY.test(k)) out[k] = withoutSecrets(v);
    return out as T;
  }
  return value;
}
