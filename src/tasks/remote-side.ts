// Reads the two kinds of "remote" a task names, by the same rules as the tools that use them:
//  - rsync sides: `[user@]host:path`, `[user@]host::module/path`, `rsync://[user@]host[:port]/module/path`
//    (rsync: a ':' before any '/' makes it remote);
//  - rclone remotes: `REMOTE:[path]` for the crypt remote of an encrypt task.
// Pure string functions: no file system, no network.

export interface RemoteSide {
  host: string;
  user?: string;
  path: string;
  /** rsync daemon (`::` or rsync://), no ssh */
  daemon: boolean;
  /** TCP port of an rsync daemon given in an rsync:// URL */
  port?: number;
}

const RSYNC_URL = 'rsync://';
const HOST_PATTERN = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/;
const USER_PATTERN = /^[A-Za-z0-9_.][A-Za-z0-9_.$-]*$/;

/** The remote side of an rsync path, or null for a local path. Syntax only: see checkRemoteSide. */
export function parseRemoteSide(spec: string): RemoteSide | null {
  if (spec.startsWith(RSYNC_URL)) return parseRsyncUrl(spec.slice(RSYNC_URL.length));
  let rest = spec;
  let user: string | undefined;
  let host: string;
  const firstSlash = spec.indexOf('/');
  const at = spec.indexOf('@');
  if (at >= 0 && (firstSlash < 0 || at < firstSlash)) {
    user = spec.slice(0, at);
    rest = spec.slice(at + 1);
  }
  let afterHost: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0 || rest[close + 1] !== ':') return null;
    host = rest.slice(1, close);
    afterHost = rest.slice(close + 1);
  } else {
    const colon = rest.indexOf(':');
    const slash = rest.indexOf('/');
    if (colon < 0 || (slash >= 0 && slash < colon)) return null;
    host = rest.slice(0, colon);
    afterHost = rest.slice(colon);
  }
  const daemon = afterHost.startsWith('::');
  const path = afterHost.slice(daemon ? 2 : 1);
  return { host, ...(user !== undefined ? { user } : {}), path, daemon };
}

function parseRsyncUrl(rest: string): RemoteSide {
  const slash = rest.indexOf('/');
  let authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  let user: string | undefined;
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    user = authority.slice(0, at);
    authority = authority.slice(at + 1);
  }
  let host = authority;
  let portText = '';
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    portText = close < 0 ? '' : host.slice(close + 1).replace(/^:/, '');
    host = host.slice(1, close < 0 ? undefined : close);
  } else if (host.includes(':')) {
    portText = host.slice(host.indexOf(':') + 1);
    host = host.slice(0, host.indexOf(':'));
  }
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : undefined;
  return { host, ...(user !== undefined ? { user } : {}), path, daemon: true, ...(port !== undefined ? { port } : {}) };
}

/** Problems with a parsed remote side, as messages (empty = fine). */
export function checkRemoteSide(r: RemoteSide): string[] {
  const problems: string[] = [];
  if (r.host === '') problems.push('server name is missing before ":"');
  else if (r.host.startsWith('-') || !HOST_PATTERN.test(r.host)) problems.push(`server name "${r.host}" is not a valid host name or address`);
  if (r.user !== undefined && (r.user === '' || !USER_PATTERN.test(r.user))) {
    problems.push(`user name "${r.user}" is not valid (letters, digits, ".", "_", "-"; not starting with "-")`);
  }
  if (r.path === '') {
    problems.push(r.daemon ? 'rsync daemon module is missing after "::"' : 'path on the server is missing after ":" (write e.g. host:backups/docs)');
  }
  return problems;
}

export interface RcloneSpec {
  remote: string;
  path: string;
}

const RCLONE_REMOTE_NAME = /^[\p{L}\p{N}_.+@-][\p{L}\p{N}_. +@-]*$/u;

/** `REMOTE:[path]` -> parts, or null when it is not a named rclone remote. */
export function parseRcloneSpec(spec: string): RcloneSpec | null {
  const colon = spec.indexOf(':');
  if (colon <= 0) return null;
  const remote = spec.slice(0, colon);
  if (remote.includes('/') || remote.includes('\\')) return null;
  return { remote, path: spec.slice(colon + 1) };
}

export function checkRcloneRemoteName(name: string): string[] {
  if (!RCLONE_REMOTE_NAME.test(name) || name.startsWith('-') || name.endsWith(' ')) {
    return [`remote name "${name}" is not valid (letters, digits, "_", ".", "+", "@", "-", spaces inside)`];
  }
  return [];
}
