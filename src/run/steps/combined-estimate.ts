// The estimate of a push that follows an encrypt step which has only planned its writes: the
// push's dry run of the catalog as it is now, plus what the encrypt step will write. Before the
// first run the catalog may not exist at all; then the encrypt plan is the estimate.
import type { StepCounts } from '../events.js';
import type { StepResult } from '../step-result.js';
import { isDirectory } from './push-guards.js';

export async function estimateAfterEncrypt(source: string, pending: StepCounts, dryRun: () => Promise<StepResult>): Promise<StepResult> {
  if (!(await isDirectory(source))) {
    return {
      status: 'ok',
      exitCode: 0,
      counts: { ...pending },
      message: `the encrypted catalog ${source} is not written yet: this step will send what the encrypt step writes`,
      tail: `catalog ${source} does not exist yet; estimate taken from the encrypt step\n`,
    };
  }
  const r = await dryRun();
  if (r.status !== 'ok') return r;
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
