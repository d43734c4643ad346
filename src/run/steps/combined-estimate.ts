// The estimate of a push that follows an encrypt step which has only planned its writes: the
// push's dry run of the catalog as it is now, plus what the encrypt step will write. Before the
// first run the catalog may not exist at all, or be an empty folder (the crypt remote was just
// made): that is normal, not an empty source about to wipe the server, and the encrypt plan is
// the estimate.
import type { StepCounts } from '../events.js';
import type { StepResult } from '../step-result.js';
import { holdsUserFiles, isDirectory } from './push-guards.js';

function hasWrites(c: StepCounts): boolean {
  return c.newFiles + c.changedFiles + c.deletedFiles > 0;
}

async function notWrittenYet(source: string): Promise<'missing' | 'empty' | null> {
  if (!(await isDirectory(source))) return 'missing';
  try {
    return (await holdsUserFiles(source)) ? null : 'empty';
  } catch {
    return null; // unreadable: the dry run reports it
  }
}

export async function estimateAfterEncrypt(source: string, pending: StepCounts, dryRun: () => Promise<StepResult>): Promise<StepResult> {
  const first = await notWrittenYet(source);
  if (first) {
    const what = first === 'missing' ? 'does not exist yet' : 'holds no files yet';
    return {
      status: 'ok',
      exitCode: 0,
      counts: { ...pending },
      message: `first run: the encrypted catalog ${what} (the encrypt step writes it); this step will send what the encrypt step writes`,
      tail: `catalog ${source} ${what}; estimate taken from the encrypt step\n`,
    };
  }
  const r = await dryRun();
  if (r.status !== 'ok') return r;
  if (!hasWrites(pending)) return r;
  const c = r.counts;
  return {
    ...r,
    counts: {
      newFiles: c.newFiles + pending.newFiles,
      changedFiles: c.changedFiles + pending.changedFiles,
      deletedFiles: c.deletedFiles + pending.deletedFiles,
      files: c.files,
      bytes: c.bytes + pending.bytes,
    },
    message: `${r.message ? `${r.message}; ` : ''}includes the files the encrypt step will write`,
  };
}
