// Calls to the server's JSON API. The access token travels as the Authorization header (see
// auth.ts), only to this page's own origin; errors become ApiError with the server's
// field-level issues.
import { authHeaders } from './auth';
export interface Issue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
  }

  /** field name -> message, for inline form errors ("tasks[0].source" -> "source") */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const i of this.issues) {
      const key = i.path.split(/[.[\]]/).filter(Boolean).pop() ?? '';
      if (key && !out[key]) out[key] = i.message;
    }
    if (this.field && !out[this.field]) out[this.field] = this.message;
    return out;
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'omit',
    headers: { ...authHeaders(), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; field?: string; issues?: Issue[] } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? `${res.status} ${res.statusText}`, e?.field, e?.issues ?? []);
  }
  return data as T;
}

export const get = <T,>(p: string) => api<T>('GET', p);
export const post = <T,>(p: string, b: unknown = {}) => api<T>('POST', p, b);

export function q(params: Record<string, string | undefined>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') s.set(k, v);
  const t = s.toString();
  return t ? `?${t}` : '';
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
