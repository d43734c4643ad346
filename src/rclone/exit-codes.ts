// What rclone's exit codes mean (rclone docs, "Exit Code"). Pure.
// Policy, as for rsync: only 0 is a clean run. 6 (less serious errors, e.g. a file that could not
// be read) and 8 (--max-transfer reached) are 'partial': rclone ran but the copy is not complete.
// 9 comes only with --error-on-no-transfer and means the sync found nothing to do: 'ok'.
// Everything else (a bad flag, a missing remote or folder, a fatal error such as --max-delete
// exceeded, an error retries did not cure) is 'failed'.

const EXIT_MEANING: Record<number, string> = {
  0: 'success',
  1: 'syntax or usage error, or the remote could not be opened (not in rclone.conf, login or connection failed)',
  2: 'error not otherwise categorised (often a login or connection failure)',
  3: 'directory not found',
  4: 'file not found',
  5: 'temporary error (retrying may help)',
  6: 'less serious errors (e.g. files that could not be read)',
  7: 'fatal error (retrying will not help, e.g. --max-delete exceeded or the account is suspended)',
  8: 'transfer limit reached (--max-transfer)',
  9: 'no files transferred (--error-on-no-transfer)',
};

export type RcloneOutcome = 'ok' | 'partial' | 'failed';

const PARTIAL_EXITS = new Set([6, 8]);
export const RCLONE_NO_TRANSFER_EXIT = 9;

export function describeRcloneExit(code: number): string {
  return EXIT_MEANING[code] ?? `unknown rclone exit code ${code}`;
}

export function classifyRcloneExit(code: number | null): RcloneOutcome {
  if (code === 0 || code === RCLONE_NO_TRANSFER_EXIT) return 'ok';
  if (code !== null && PARTIAL_EXITS.has(code)) return 'partial';
  return 'failed';
}
