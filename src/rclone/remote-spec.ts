// rclone's "REMOTE:path" syntax for command arguments.
import { UsageError } from '../util/errors.js';

export function parseRemoteSpec(spec: string): { remote: string; path: string } {
  const i = spec.indexOf(':');
  if (i <= 0) throw new UsageError(`"${spec}" is not a remote: use NAME: or NAME:path`, spec);
  const remote = spec.slice(0, i);
  if (remote.includes('/')) throw new UsageError(`"${spec}" is not a remote: use NAME: or NAME:path`, spec);
  const path = spec.slice(i + 1).replace(/^\/+|\/+$/g, '');
  // '..' would be encrypted as a folder named '..' inside the catalog: a sibling catalog that a
  // later run of REMOTE: sees as its own folder and deletes. Never a path step up, never '.'.
  if (path !== '' && path.split('/').some((p) => p === '..' || p === '.' || p === '')) {
    throw new UsageError(`"${spec}": the path after "${remote}:" must not contain "." or ".." steps or empty parts`, spec);
  }
  return { remote, path };
}
