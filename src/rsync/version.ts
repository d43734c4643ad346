// Asks the installed rsync for its version (for `doctor` and for choosing flags older rsyncs lack).
// Never throws: a missing or odd rsync is reported as null.
import { execFile } from 'node:child_process';
import { DEFAULT_RSYNC_PATH } from './runner.js';

/** --version should answer at once; do not hang doctor on a broken binary */
const VERSION_TIMEOUT_MS = 10_000;

export interface RsyncVersion {
  version: string;
  protocol: number;
}

/** "rsync  version 3.2.7  protocol version 31" (openrsync says "openrsync: protocol version 29") */
export function parseRsyncVersion(output: string): RsyncVersion | null {
  const m = /rsync\s+version\s+v?(\S+)\s+protocol version\s+(\d+)/.exec(output);
  if (m) return { version: m[1]!, protocol: Number(m[2]) };
  const open = /openrsync: protocol version (\d+)/.exec(output);
  if (open) return { version: 'openrsync', protocol: Number(open[1]) };
  return null;
}

export function rsyncVersion(rsyncPath: string = DEFAULT_RSYNC_PATH): Promise<RsyncVersion | null> {
  return new Promise((resolve) => {
    execFile(rsyncPath, ['--version'], { timeout: VERSION_TIMEOUT_MS }, (err, stdout) => {
      if (err && !stdout) resolve(null);
      else resolve(parseRsyncVersion(String(stdout)));
    });
  });
}
