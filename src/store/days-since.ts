// Days between a stored ISO timestamp and now, for the "days since last run" column and its
// threshold. Fractional on purpose (RsyncOSX shows e.g. 1.25); callers round for display.
import { CryptsyncError } from '../util/errors.js';

const MS_PER_DAY = 86_400_000;

export function daysSince(iso: string, now: Date = new Date()): number {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new CryptsyncError('usage', 'BAD_TIMESTAMP', `not a timestamp: ${JSON.stringify(iso)}`);
  return Math.max(0, (now.getTime() - t) / MS_PER_DAY);
}
