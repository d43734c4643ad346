// Small pieces the encrypt/restore/mapping/verify commands share: opening the crypt remote named
// on the command line, repeatable options, whole-number options, the summary text.
import { UsageError } from '../../util/errors.js';
import { defaultRcloneConfigPath } from '../../util/home.js';
import { openCryptRemote } from '../../rclone/index.js';
import type { CryptDest, SyncSummary } from '../../sync/index.js';
import type { CliIo } from '../io.js';
import { humanBytes } from '../../util/human-bytes.js';

export type Opts = Record<string, unknown>;

export async function openDest(spec: string, o: Opts, io: CliIo): Promise<CryptDest> {
  const config = typeof o.config === 'string' && o.config !== '' ? o.config : defaultRcloneConfigPath(io.env);
  const opened = await openCryptRemote(spec, config, io.env);
  return { cipher: opened.cipher, root: opened.root };
}

/** commander collector for repeatable options */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A whole-number flag in min..max (max: a cap such as MAX_TRANSFERS; the message gives the range). */
export function wholeNumber(v: unknown, flag: string, min = 0, max?: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  const ok = Number.isSafeInteger(n) && n >= min && (max === undefined || n <= max);
  if (!ok) throw new UsageError(max === undefined ? `${flag} must be a whole number >= ${min}` : `${flag} must be a whole number from ${min} to ${max}`, flag);
  return n;
}

export function summaryText(verb: string, s: SyncSummary): string[] {
  const what = s.dryRun ? `dry run, nothing ${verb}` : verb;
  return [
    `${what}: ${s.newFiles} new, ${s.changedFiles} changed, ${s.deletedFiles} deleted files; ${s.newDirs} new, ${s.deletedDirs} deleted folders; ` +
      `${s.unchanged} unchanged; ${humanBytes(s.bytes)} in ${(s.durationMs / 1000).toFixed(1)} s`,
    ...(s.errors + s.warnings > 0 ? [`${s.errors} errors, ${s.warnings} warnings${s.deletionsSkipped ? '; deletions skipped because of errors' : ''}`] : []),
  ];
}
