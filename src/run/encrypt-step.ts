// The encrypt step of a run: the built-in engine (sync/encryptCatalog) or, for tasks with
// engine "rclone", the real rclone binary (rclone-engine.ts). Maps sync events to engine events.
import type { EncryptTask } from '../tasks/index.js';
import { openCryptRemote } from '../rclone/index.js';
import { encryptCatalog, type SyncEvent } from '../sync/index.js';
import { defaultRcloneConfigPath } from '../util/home.js';
import { TailBuffer } from '../util/tail-buffer.js';
import { ZERO_COUNTS, type StepCounts } from './events.js';
import { failedStep, type StepContext, type StepResult } from './step-result.js';
import { runRcloneEncrypt } from './rclone-engine.js';

export function configPathFor(task: EncryptTask, env: NodeJS.ProcessEnv): string {
  return task.config ?? defaultRcloneConfigPath(env);
}

export async function runEncryptStep(task: EncryptTask, ctx: StepContext): Promise<StepResult> {
  if (task.engine === 'rclone') return runRcloneEncrypt(task, ctx, configPathFor(task, ctx.env));
  const tail = new TailBuffer();
  let counts: StepCounts = { ...ZERO_COUNTS };
  const onEvent = (e: SyncEvent): void => {
    switch (e.type) {
      case 'plan':
        counts = { ...counts, newFiles: e.newFiles, changedFiles: e.changedFiles, deletedFiles: e.deletedFiles, bytes: e.bytes };
        tail.line(
          `plan: ${e.newFiles} new, ${e.changedFiles} changed, ${e.deletedFiles} to delete, ${e.unchanged} unchanged, ${e.bytes} bytes`,
        );
        break;
      case 'file':
        tail.line(`${ctx.dryRun ? 'would ' : ''}${e.action}: ${e.path}`);
        break;
      case 'progress':
        ctx.emit({ ...e, type: 'progress', runId: ctx.runId, step: 'encrypt' });
        break;
      case 'warning':
      case 'error':
        tail.line(`${e.type}: ${e.path ? `${e.path}: ` : ''}${e.message}`);
        ctx.emit({
          type: 'log',
          runId: ctx.runId,
          step: 'encrypt',
          level: e.type,
          message: e.message,
          ...(e.path ? { path: e.path } : {}),
        });
        break;
    }
  };
  try {
    const { cipher, root } = await openCryptRemote(task.remote, configPathFor(task, ctx.env));
    const s = await encryptCatalog({
      source: task.source,
      dest: { cipher, root },
      dryRun: ctx.dryRun,
      filter: { include: task.includes ?? [], exclude: task.excludes ?? [], excludeFrom: task.excludeFrom ?? [] },
      ...(task.maxDelete !== undefined ? { maxDelete: task.maxDelete } : {}),
      ...(task.transfers !== undefined ? { transfers: task.transfers } : {}),
      copyLinks: task.copyLinks ?? false,
      force: ctx.force,
      signal: ctx.signal,
      onEvent,
    });
    counts = { newFiles: s.newFiles, changedFiles: s.changedFiles, deletedFiles: s.deletedFiles, files: s.filesScanned, bytes: s.bytes };
    const summary =
      `${ctx.dryRun ? 'estimate' : 'done'}: ${s.newFiles} new, ${s.changedFiles} changed, ${s.deletedFiles} deleted, ` +
      `${s.unchanged} unchanged, ${s.bytes} bytes, ${s.errors} errors, ${s.warnings} warnings` +
      (s.deletionsSkipped ? ' (deletions skipped because of errors)' : '');
    tail.line(summary);
    return {
      status: s.errors > 0 ? 'partial' : 'ok',
      exitCode: s.errors > 0 ? 3 : 0,
      counts,
      message: s.errors > 0 ? `${s.errors} file(s) failed; see the output` : summary,
      tail: tail.toString(),
    };
  } catch (e) {
    tail.line(`error: ${e instanceof Error ? e.message : String(e)}`);
    return failedStep(e, counts, tail.toString());
  }
}
