// Whether a task sends plain (not encrypted) files to a server: a synchronize or snapshot push to
// a remote host whose source is neither fed by an encrypt step (combined) nor inside the folder of
// a crypt remote. Allowed, but never silent: the table and the form mark it.
import type { RemoteView, TaskView } from './types';

const PUSHES_TO_SERVER: readonly TaskView['type'][] = ['synchronize', 'snapshot'];

function inside(path: string, folder: string): boolean {
  const f = folder.replace(/\/+$/, '');
  return f !== '' && (path === f || path.startsWith(`${f}/`));
}

/** `source` lies in the encrypted folder of one of the crypt remotes */
export function isCatalogPath(source: string, remotes: readonly RemoteView[]): boolean {
  return remotes.some((r) => r.path.startsWith('/') && inside(source.replace(/\/+$/, ''), r.path));
}

export function sendsPlain(p: { type: TaskView['type']; source: string; server?: string | undefined; connectedTo?: string | undefined }, remotes: readonly RemoteView[]): boolean {
  return PUSHES_TO_SERVER.includes(p.type) && !!p.server && !p.connectedTo && !isCatalogPath(p.source, remotes);
}

/** the host of an rsync destination written [user@]host:path (none for a local path) */
export function serverOf(dest: string): string | undefined {
  const m = /^(?:[^@/:\s]+@)?([^/:\s]+):/.exec(dest.trim());
  return m?.[1];
}
