// Sends a notice to a task's notification targets: webhook (JSON POST), ntfy and Gotify topic
// URLs, a Healthchecks-style ping URL (/start, success, /fail) and e-mail over SMTP (nodemailer).
// Every target has a timeout, and a failure is returned, never thrown: a notification can never
// fail or hold up a backup. Failures name the target by type and host only (a URL may carry a
// token), and never carry a password.
import { hostname } from 'node:os';
import { createTransport } from 'nodemailer';
import { reveal } from '../crypt/index.js';
import { DEFAULT_NOTIFY_ON, type EmailTarget, type NotifyEvent, type NotifyTarget } from '../tasks/index.js';
import { noticePayload, noticeText, noticeTitle, type Notice, type NoticeEvent } from './notify-message.js';

export { type Notice, type NoticeEvent };

/** how long one target may take */
export const NOTIFY_TIMEOUT_MS = 15_000;
const SMTP_PORT = { starttls: 587, tls: 465, none: 25 } as const;

export interface NotifyFailure {
  target: string;
  message: string;
}

export function localHost(): string {
  return hostname();
}

/** "webhook hooks.example.org", "email via smtp.example.org:587": never the path or query of a URL */
export function describeTarget(t: NotifyTarget): string {
  if (t.type === 'email') return `email via ${t.host}:${t.port ?? SMTP_PORT[t.security ?? 'starttls']}`;
  try {
    return `${t.type} ${new URL(t.url).host}`;
  } catch {
    return t.type;
  }
}

/** Does this target want this notice? Healthchecks gets every run's start and end, and nothing else. */
export function wants(t: NotifyTarget, event: NoticeEvent): boolean {
  if (event === 'test') return true;
  if (t.type === 'healthchecks') return event === 'start' || event === 'success' || event === 'failure';
  if (event === 'start') return false;
  return (t.on ?? DEFAULT_NOTIFY_ON).includes(event as NotifyEvent);
}

async function post(url: string, init: { body: string; headers: Record<string, string> }, signal: AbortSignal): Promise<void> {
  const res = await fetch(url, { method: 'POST', body: init.body, headers: init.headers, signal, redirect: 'error' });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
}

function pingUrl(base: string, event: NoticeEvent): string {
  const u = new URL(base);
  const suffix = event === 'start' ? '/start' : event === 'failure' ? '/fail' : '';
  u.pathname = `${u.pathname.replace(/\/+$/, '')}${suffix}`;
  return u.toString();
}

function smtpPassword(t: EmailTarget, env: NodeJS.ProcessEnv): string | undefined {
  if (t.passwordEnv !== undefined) {
    const p = env[t.passwordEnv];
    if (p === undefined || p === '') throw new Error(`the environment variable ${t.passwordEnv} (passwordEnv) is not set`);
    return p;
  }
  return t.password === undefined ? undefined : reveal(t.password);
}

async function sendMail(t: EmailTarget, n: Notice, env: NodeJS.ProcessEnv): Promise<void> {
  const security = t.security ?? 'starttls';
  const pass = smtpPassword(t, env);
  const transport = createTransport({
    host: t.host,
    port: t.port ?? SMTP_PORT[security],
    secure: security === 'tls',
    requireTLS: security === 'starttls',
    ignoreTLS: security === 'none',
    connectionTimeout: NOTIFY_TIMEOUT_MS,
    greetingTimeout: NOTIFY_TIMEOUT_MS,
    socketTimeout: NOTIFY_TIMEOUT_MS,
    ...(t.user !== undefined ? { auth: { user: t.user, ...(pass !== undefined ? { pass } : {}) } } : {}),
  });
  try {
    await transport.sendMail({
      from: t.from ?? `cryptsync <cryptsync@${n.host}>`,
      to: t.to,
      subject: noticeTitle(n),
      text: noticeText(n, t.names === true),
    });
  } finally {
    transport.close();
  }
}

async function sendOne(t: NotifyTarget, n: Notice, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<void> {
  switch (t.type) {
    case 'webhook':
      return post(t.url, { body: JSON.stringify(noticePayload(n, t.names === true)), headers: { 'content-type': 'application/json' } }, signal);
    case 'ntfy':
      return post(t.url, {
        body: noticeText(n, t.names === true),
        headers: { 'content-type': 'text/plain; charset=utf-8', title: noticeTitle(n), priority: n.event === 'failure' || n.event === 'overdue' ? 'high' : 'default', tags: n.event },
      }, signal);
    case 'gotify':
      return post(t.url, {
        body: JSON.stringify({ title: noticeTitle(n), message: noticeText(n, t.names === true), priority: n.event === 'failure' || n.event === 'overdue' ? 8 : 4 }),
        headers: { 'content-type': 'application/json' },
      }, signal);
    case 'healthchecks':
      return post(pingUrl(t.url, n.event), { body: n.event === 'test' ? 'test' : noticeText(n, false), headers: { 'content-type': 'text/plain; charset=utf-8' } }, signal);
    case 'email':
      return sendMail(t, n, env);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function reason(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${m}${cause}`.split('\n')[0] as string;
}

/** Sends `n` to every target that wants it, at once; resolves with the failures (never rejects). */
export async function sendNotice(targets: readonly NotifyTarget[], n: Notice, o: { env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<NotifyFailure[]> {
  const timeoutMs = o.timeoutMs ?? NOTIFY_TIMEOUT_MS;
  const chosen = targets.filter((t) => wants(t, n.event));
  const results = await Promise.all(
    chosen.map(async (t): Promise<NotifyFailure | null> => {
      const ctl = new AbortController();
      try {
        await withTimeout(sendOne(t, n, o.env, ctl.signal), timeoutMs);
        return null;
      } catch (e) {
        ctl.abort();
        return { target: describeTarget(t), message: reason(e) };
      }
    }),
  );
  return results.filter((r): r is NotifyFailure => r !== null);
}
