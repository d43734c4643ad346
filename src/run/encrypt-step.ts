// The encrypt step of a run: the built-in engine (sync/encryptCatalog) or, for tasks with
// encryptWith "rclone", the real rclone binary (rclone-engine.ts). Both go through the same guards:
// the catalog-sharing check and the "encrypt in progress" mark (catalog-write.ts), and the
// deletion guards of the plan (sync/deletion-guard.ts). Maps sync events to engine events.
import type { EncryptTask } from '../tasks/index.js';
import { openCryptRemote } from '../rclone/index.js';
import { encryptCatalog, type EncryptOptions, type SyncEvent, type SyncSummary } from '../sync/index.js';
import { defaultRcloneConfigPath } from '../util/home.js';
import { TailBuffer } from '../util/tail-buffer.js';
import { ZERO_COUNTS, type StepCounts } from './events.js';
import { failedStep, type StepContext, type StepResult } from './step-result.js';
import { runRcloneEncrypt } from './rclone-engine.js';
import { beginTaskCatalogWrite } from './catalog-write.js';
import type { CryptDest } from '../sync/index.js';
import { writeCatalogManifest, type WrittenManifest } from '../integrity/index.js';

export function configPathFor(task: EncryptTask, env: NodeJS.ProcessEnv, home?: string): string {
  return task.config ?? defaultRcloneConfigPath(env, home);
}

/** The options of encryptCatalog a task sets (filters, limits), for either engine's plan. */
export function encryptOptionsFor(task: EncryptTask, dest: CryptDest, ctx: StepContext): EncryptOptions {
  return {
    source: task.source,
    dest,
    dryRun: ctx.dryRun,
    filter: { include: task.includes ?? [], exclude: task.excludes ?? [], excludeFrom: task.excludeFrom ?? [] },
    ...(task.maxDelete !== undefined ? { maxDelete: task.maxDelete } : {}),
    ...(task.maxDeletePercent !== undefined ? { maxDeletePercent: task.maxDeletePercent } : {}),
    ...(task.transfers !== undefined ? { transfers: task.transfers } : {}),
    copyLinks: task.copyLinks ?? false,
    checksum: task.checksum ?? false,
    force: ctx.force,
    signal: ctx.signal,
  };
}

/** One line for the run log and the step message, the same for both engines. */
export function encryptSummaryLine(s: Pick<SyncSummary, 'newFiles' | 'changedFiles' | 'deletedFiles' | 'unchanged' | 'bytes' | 'errors' | 'warnings' | 'deletionsSkipped'>, dryRun: boolean): string {
  return (
    `${dryRun ? 'estimate' : 'done'}: ${s.newFiles} new, ${s.changedFiles} changed, ${s.deletedFiles} deleted, ` +
    `${s.unchanged} unchanged, ${s.bytes} bytes, ${s.errors} errors, ${s.warnings} warnings` +
    (s.deletionsSkipped ? ' (deletions skipped because of errors)' : '')
  );
}

/** Sync events as engine events and tail lines; `counts` follows the plan. */
export function encryptEventSink(ctx: StepContext, tail: TailBuffer, counts: StepCounts): (e: SyncEvent) => void {
  return (e) => {
    switch (e.type) {
      case 'plan':
        Object.assign(counts, { newFiles: e.newFiles, changedFiles: e.changedFiles, deletedFiles: e.deletedFiles, bytes: e.bytes });
        tail.line(`plan: ${e.newFiles} new, ${e.changedFiles} changed, ${e.deletedFiles} to delete, ${e.unchanged} unchanged, ${e.bytes} bytes`);
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
        ctx.emit({ type: 'log', runId: ctx.runId, step: 'encrypt', level: e.type, message: e.message, ...(e.path ? { path: e.path } : {}) });
        break;
    }
  };
}

/** The step's result from an engine's summary: partial when files failed, a dry run's refusal in the message. */
export function encryptResult(s: SyncSummary, ctx: StepContext, root: string, counts: StepCounts, tail: TailBuffer): StepResult {
  const summary = encryptSummaryLine(s, ctx.dryRun);
  tail.line(summary);
  const message = s.errors > 0 ? `${s.errors} file(s) failed; see the output` : s.refusal ? `${summary}. WARNING: ${s.refusal.message}` : summary;
  return {
    status: s.errors > 0 ? 'partial' : 'ok',
    exitCode: s.errors > 0 ? 3 : 0,
    counts,
    message,
    tail: tail.toString(),
    catalog: { root, foreign: s.foreign ?? [] },
  };
}

/**
 * After a successful encrypt (either engine, a task's step or a one-off encrypt): the catalog's
 * next manifest, written last (src/integrity, docs/manifest.md). Nothing for a dry run. A step
 * with failed files writes none: the previous manifest stays, and verify reports the difference.
 */
export async function writeManifestAfterEncrypt(dest: CryptDest, ctx: { dryRun: boolean; home: string; signal?: AbortSignal }, tail: { line(s: string): void }): Promise<WrittenManifest | null> {
  if (ctx.dryRun) return null;
  const w = await writeCatalogManifest({ root: dest.root, cipher: dest.cipher, home: ctx.home, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  for (const n of w.notes) tail.line(`manifest: ${n}`);
  tail.line(manifestWrittenLine(w));
  return w;
}

export function manifestWrittenLine(w: WrittenManifest): string {
  if (w.skipped !== undefined) return `manifest: not written (${w.skipped})`;
  if (!w.written) return `manifest: generation ${w.generation} kept (the catalog did not change; ${w.files} files, ${w.dirs} folders; ${w.hashed} hashed)`;
  return `manifest: generation ${w.generation} written (${w.files} files, ${w.dirs} folders; ${w.hashed} hashed, ${w.files - w.hashed} unchanged)`;
}

export async function runEncryptStep(task: EncryptTask, ctx: StepContext): Promise<StepResult> {
  const configPath = configPathFor(task, ctx.env, ctx.home);
  if (task.encryptWith === 'rclone') return runRcloneEncrypt(task, ctx, configPath);
  const tail = new TailBuffer();
  const counts: StepCounts = { ...ZERO_COUNTS };
  try {
    const { cipher, root } = await openCryptRemote(task.remote, configPath, ctx.env);
    const write = await beginTaskCatalogWrite(task, ctx, root);
    let s: SyncSummary;
    try {
      s = await encryptCatalog({ ...encryptOptionsFor(task, { cipher, root }, ctx), onEvent: encryptEventSink(ctx, tail, counts) });
      if (s.errors === 0) await writeManifestAfterEncrypt({ cipher, root }, ctx, tail);
    } finally {
      // the built-in engine never leaves a torn file under a real name, even when it stops early
      write.complete();
    }
    counts.newFiles = s.newFiles;
    counts.changedFiles = s.changedFiles;
    counts.deletedFiles = s.deletedFiles;
    counts.files = s.filesScanned;
    counts.bytes = s.bytes;
    return encryptResult(s, ctx, root, counts, tail);
  } catch (e) {
    tail.line(`error: ${e instanceof Error ? e.message : String(e)}`);
    return failedStep(e, counts, tail.toString());
  }
}
