// The options that name a server copy (restore and verify): --from-task TASK [--snapshot S], or
// a [user@]host:path with --remote REMOTE: and its ssh settings; and the words for the phases of
// a restore or verify from a server.
import { UsageError } from '../../util/errors.js';
import { humanBytes } from '../../util/human-bytes.js';
import type { ServerEvent, ServerSourceInput } from '../../run/index.js';
import type { CliIo } from '../io.js';
import { out, jsonLine } from '../io.js';
import type { SyncRenderer } from './sync-render.js';
import { wholeNumber, type Opts } from './sync-cli.js';
import { MAX_TCP_PORT } from '../../tasks/task-schema.js';

/** The server source of the options, or undefined when they name none (a local catalog). */
/** --ssh-port, --ssh-key and --ssh-option, as given */
export function sshFlags(o: Opts): { sshPort?: number; sshKey?: string; sshOptions?: string[] } {
  return {
    ...(o.sshPort !== undefined ? { sshPort: wholeNumber(o.sshPort, '--ssh-port', 1, MAX_TCP_PORT) as number } : {}),
    ...(typeof o.sshKey === 'string' ? { sshKey: o.sshKey } : {}),
    ...(o.sshOption ? { sshOptions: o.sshOption as string[] } : {}),
  };
}

export function serverSourceOptions(o: Opts, location: string | undefined): ServerSourceInput | undefined {
  const ssh = sshFlags(o);
  const snapshot = typeof o.snapshot === 'string' ? { snapshot: o.snapshot } : {};
  const remote = typeof o.remote === 'string' ? { remote: o.remote } : {};
  if (typeof o.fromTask === 'string') {
    if (Object.keys(ssh).length > 0) throw new UsageError('--ssh-port, --ssh-key and --ssh-option go with a [user@]host:path; --from-task uses the task\'s own ssh settings', 'from-task');
    return { fromTask: o.fromTask, ...snapshot, ...remote };
  }
  if (typeof o.remote === 'string') {
    if (location === undefined) throw new UsageError('--remote: name the server copy as [user@]host:path (or its local folder)', 'source');
    return { location, ...remote, ...ssh, ...snapshot };
  }
  if (Object.keys(ssh).length > 0 || o.snapshot !== undefined) throw new UsageError('--snapshot and the --ssh-* options need a server source: --from-task TASK, or [user@]host:path --remote REMOTE:', 'from-task');
  return undefined;
}

export function phaseText(e: Extract<ServerEvent, { type: 'phase' }>): string {
  const what = `${e.files} files (${humanBytes(e.bytes)})`;
  switch (e.phase) {
    case 'list':
      return 'listing the server copy';
    case 'fetch':
      return `fetching ${what} of ciphertext from the server`;
    case 'decrypt':
      return `decrypting and authenticating ${what}`;
    case 'check':
      return `checking ${e.files} files`;
  }
}

/** Renders a server restore's events: the sync events through `render`, phases as lines (JSON: every event). */
export function serverRestoreEvents(io: CliIo, render: SyncRenderer, json: boolean): (e: ServerEvent) => void {
  return (e) => {
    if (e.type === 'server-run' || e.type === 'phase') {
      if (json) jsonLine(io, e);
      else if (e.type === 'phase' && e.phase !== 'list') out(io, phaseText(e));
    } else render.onEvent(e);
  };
}
