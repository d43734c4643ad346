// rclone's "REMOTE:path" syntax for command arguments.
import { UsageError } from '../util/errors.js';

export function parseRemoteSpec(spec: string): { remote: string; path: string } {
  const i = spec.indexOf(':');
  if (i <= 0) throw new UsageError(`"${spec}" is not a remote: use NAME: or NAME:path`, spec);
  const remote = spec.slice(0, i);
  if (remote.includes('/')) throw new UsageError(`"${spec}" is not a remote: use NAME: or NAME:path`, spec);
  return { remote, path: spec.slice(i + 1).replace(/^\/+|\/+$/g, '') };
}
