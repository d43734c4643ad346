// The words a person reads at the end of a one-off encrypt, a restore or a verify, whichever front
// end started it (the CLI prints these lines; the web API returns them as `text`).
import type { SyncSummary, VerifyResult } from '../sync/index.js';
import { humanBytes } from '../util/human-bytes.js';
import type { ManifestReport } from '../integrity/index.js';
import { manifestReportText } from './manifest-text.js';

/** `verb`: what the run did to a file ("encrypted", "restored") */
export function syncSummaryText(verb: string, s: SyncSummary): string[] {
  const what = s.dryRun ? `dry run, nothing ${verb}` : verb;
  return [
    `${what}: ${s.newFiles} new, ${s.changedFiles} changed, ${s.deletedFiles} deleted files; ${s.newDirs} new, ${s.deletedDirs} deleted folders; ` +
      `${s.unchanged} unchanged; ${humanBytes(s.bytes)} in ${(s.durationMs / 1000).toFixed(1)} s`,
    ...(s.errors + s.warnings > 0 ? [`${s.errors} errors, ${s.warnings} warnings${s.deletionsSkipped ? '; deletions skipped because of errors' : ''}`] : []),
  ];
}

/** Everything that differs or is missing on either side; any of it (or an error) means exit 3. */
export function verifyDifferences(r: VerifyResult): number {
  return r.differing.length + r.missingOnDest.length + r.missingOnSource.length;
}

/** A cryptcheck's lines, then the manifest check's when there was one (manifest-text.ts). */
export function verifySummaryText(r: VerifyResult & { manifest?: ManifestReport }): string[] {
  return [
    `${verifyDifferences(r)} differences found`,
    ...(r.missingOnDest.length ? [`${r.missingOnDest.length} files missing in the encrypted catalog`] : []),
    ...(r.missingOnSource.length ? [`${r.missingOnSource.length} files missing in the plain folder`] : []),
    ...(r.errors ? [`${r.errors} errors while checking`] : []),
    `${r.matching} matching files`,
    ...(r.manifest ? manifestReportText(r.manifest) : []),
  ];
}
