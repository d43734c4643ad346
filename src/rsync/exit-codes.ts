// What rsync's exit codes mean (rsync(1) EXIT VALUES; 255 comes from ssh). Pure.
// Policy: only 0 is success. 23 (some files failed), 24 (source files vanished while copying) and
// 25 (--max-delete stopped deletions) are 'partial': the transfer ran but the copy is not
// complete, so a run must not be reported as clean (CLI exit 3). Everything else is 'failed'.

const EXIT_MEANING: Record<number, string> = {
  0: 'success',
  1: 'syntax or usage error',
  2: 'protocol incompatibility',
  3: 'errors selecting input/output files or folders',
  4: 'requested action not supported (by this rsync or the one on the server)',
  5: 'error starting the client-server protocol',
  6: 'daemon unable to append to its log file',
  10: 'error in socket I/O',
  11: 'error in file I/O',
  12: 'error in the rsync protocol data stream (often the ssh connection or the remote rsync failed)',
  13: 'errors with program diagnostics',
  14: 'error in IPC code',
  15: 'sibling process crashed',
  16: 'sibling process was killed by a signal',
  19: 'received SIGUSR1',
  20: 'interrupted (received SIGINT, SIGTERM or SIGHUP)',
  21: 'some error returned by waitpid()',
  22: 'error allocating core memory buffers',
  23: 'partial transfer: some files could not be transferred',
  24: 'partial transfer: some source files vanished before they could be copied',
  25: 'the --max-delete limit stopped deletions',
  30: 'timeout in data send/receive',
  35: 'timeout waiting for the daemon connection',
  255: 'ssh failed: the server is unreachable, refused the login or the host key is unknown',
};

/** rsync exit code 255 is ssh's own "connection failed" status */
export const SSH_FAILURE_EXIT = 255;
const PARTIAL_EXITS = new Set([23, 24, 25]);

export type RsyncOutcome = 'ok' | 'partial' | 'failed';

export function describeRsyncExit(code: number): string {
  return EXIT_MEANING[code] ?? `unknown rsync exit code ${code}`;
}

export function isRsyncSuccess(code: number): boolean {
  return code === 0;
}

export function classifyRsyncExit(code: number | null): RsyncOutcome {
  if (code === 0) return 'ok';
  if (code !== null && PARTIAL_EXITS.has(code)) return 'partial';
  return 'failed';
}

/** stderr lines that only ssh prints when it could not connect or log in */
const SSH_FAILURE_LINE = /^ssh: |^Host key verification failed\.|^Permission denied \(|^kex_exchange_identification:|^Connection (closed|reset) by /;
const RSYNC_PROTOCOL_EXIT = 12;

/**
 * When ssh fails, rsync exits with 255 (ssh's status) or 12 (the pipe closed first), depending on
 * a race inside rsync: the same unreachable server gives either on successive runs. So a 12 whose
 * stderr shows ssh's own failure message is reported as 255, making "ssh failed" stable.
 */
export function effectiveRsyncExit(code: number | null, stderrLines: readonly string[]): number | null {
  if (code === RSYNC_PROTOCOL_EXIT && stderrLines.some((l) => SSH_FAILURE_LINE.test(l))) return SSH_FAILURE_EXIT;
  return code;
}
