// Where a task's notifications go, as saved in tasks.json (`notify`: a list of targets). Shape
// only (zod); run/notify*.ts sends them. Secrets: an e-mail password is stored obscured (as
// rclone.conf does) or named by an environment variable; a URL that carries a token (ntfy,
// Gotify, Healthchecks) is in tasks.json (0600) and is never logged or shown whole.
import { z } from 'zod';

/** when a target is told: a run that did not succeed (default), one that did, a task past its threshold */
export const NOTIFY_EVENTS = ['failure', 'success', 'overdue'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
export const DEFAULT_NOTIFY_ON: readonly NotifyEvent[] = ['failure'];
export const SMTP_SECURITY = ['starttls', 'tls', 'none'] as const;

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

const url = z.string().refine(isHttpUrl, 'must be an http:// or https:// URL (without user:password@)');
const on = z.array(z.enum(NOTIFY_EVENTS)).min(1, `give at least one of ${NOTIFY_EVENTS.join(', ')}`).optional();
/** file names and paths in a message only when the user turns this on */
const names = z.boolean().optional();
const address = z.string().regex(/^[^\s@<>,;]+@[^\s@<>,;]+$/, 'must be an e-mail address such as me@example.org');

export const notifyTargetSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('webhook'), url, on, names }),
  z.strictObject({ type: z.literal('ntfy'), url, on, names }),
  z.strictObject({ type: z.literal('gotify'), url, on, names }),
  /** pinged at every real run: URL/start, then URL (success) or URL/fail */
  z.strictObject({ type: z.literal('healthchecks'), url }),
  z.strictObject({
    type: z.literal('email'),
    to: z.array(address).min(1, 'give at least one address'),
    from: address.optional(),
    host: z.string().min(1, 'must not be empty').regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or address'),
    port: z.number().int('must be a whole number').min(1, 'must be 1..65535').max(65535, 'must be 1..65535').optional(),
    /** starttls (default): plain connection upgraded, refused if the server cannot; tls: TLS from the start */
    security: z.enum(SMTP_SECURITY).optional(),
    user: z.string().min(1).optional(),
    /** obscured (cryptsync obscure), never plain */
    password: z.string().min(1).optional(),
    /** or: the name of an environment variable holding the password */
    passwordEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').optional(),
    on,
    names,
  }),
]);

export type NotifyTarget = z.infer<typeof notifyTargetSchema>;
export type EmailTarget = Extract<NotifyTarget, { type: 'email' }>;
