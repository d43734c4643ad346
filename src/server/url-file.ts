// The running web UI's address book entry: `web-ui.json` in the cryptsync home, written by
// `cryptsync serve` once it listens and removed when it stops, so `cryptsync serve --url` can
// print a usable start-up URL again (the start-up line is not the only place it lives). It holds
// the access token, so it is created 0600 (and re-chmodded if it existed) and never printed
// except as the URL the user asked for.
import { chmodSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const URL_FILE_NAME = 'web-ui.json';
/** owner read/write only: the file carries the token */
export const URL_FILE_MODE = 0o600;

export interface UrlFileRecord {
  pid: number;
  /** the start-up URL with the token in its fragment */
  urlWithToken: string;
  url: string;
  port: number;
  host: string;
  startedAt: string;
}

export function urlFilePath(home: string): string {
  return join(home, URL_FILE_NAME);
}

/** Atomic: a reader sees the old entry or the new one, never a half-written file. */
export function writeUrlFile(home: string, rec: UrlFileRecord): void {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const path = urlFilePath(home);
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', URL_FILE_MODE);
  try {
    writeSync(fd, `${JSON.stringify(rec, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, URL_FILE_MODE); // the umask may have narrowed, never widened, but be exact
  renameSync(tmp, path);
}

export function readUrlFile(home: string): UrlFileRecord | null {
  try {
    const rec = JSON.parse(readFileSync(urlFilePath(home), 'utf8')) as Partial<UrlFileRecord>;
    if (typeof rec.pid !== 'number' || typeof rec.urlWithToken !== 'string' || typeof rec.url !== 'string') return null;
    return rec as UrlFileRecord;
  } catch {
    return null;
  }
}

/** Removes the entry only if it is still this process's (another serve may have replaced it). */
export function removeUrlFile(home: string, pid: number): void {
  if (readUrlFile(home)?.pid !== pid) return;
  try {
    unlinkSync(urlFilePath(home));
  } catch {
    /* already gone */
  }
}
