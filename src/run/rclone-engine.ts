// The encrypt step done by the real rclone binary (tasks with encryptWith "rclone", as RsyncOSX ran
// it): the argv is computed from the task (and shown by `task command`), rclone is spawned
// without a shell, its JSON log is parsed into the same events and counts as the built-in engine.
// Unlike RsyncOSX, rclone's exit status decides the step's status. rclone knows none of
// cryptsync's guards, so the built-in engine first plans the same sync without writing (every
// deletion guard, the wrong-password check, the catalog-sharing check and the source checks
// hold exactly as for the built-in engine); rclone runs only if that plan passes. Counts, bytes
// (plain, as the built-in engine reports them) and the summary line come out the same.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EncryptTask } from '../tasks/index.js';
import { openCryptRemote, rcloneSyncArgs, runRclone, type RcloneLogEvent } from '../rclone/index.js';
import { TailBuffer } from '../util/tail-buffer.js';
import { ZERO_COUNTS, type StepCounts } from './events.js';
import { failedStep, type StepContext, type StepResult } from './step-result.js';
import { encryptCatalog, type SyncSummary } from '../sync/index.js';
import { beginTaskCatalogWrite } from './catalog-write.js';
import { encryptEventSink, encryptOptionsFor, encryptResult, writeManifestAfterEncrypt } from './encrypt-step.js';

/** The argv `task command` shows and the step spawns (byte for byte the same). */
export function encryptRcloneArgs(task: EncryptTask, configPath: string, dryRun: boolean): string[] {
  return rcloneSyncArgs({
    source: task.source,
    dest: task.remote,
    configPath,
    dryRun,
    createEmptyDirs: true,
    // the manifest is cryptsync's; rclone's include rules come before excludes, so an include
    // matching `/.cryptsync-manifest` would still let rclone delete it: the write after the run
    // then continues the chain from this machine's record (docs/manifest.md)
    excludeReserved: true,
    ...(task.excludes ? { excludes: task.excludes } : {}),
    ...(task.includes ? { includes: task.includes } : {}),
    ...(task.excludeFrom ? { excludeFrom: task.excludeFrom } : {}),
    ...(task.maxDelete !== undefined ? { maxDelete: task.maxDelete } : {}),
    ...(task.transfers !== undefined ? { transfers: task.transfers } : {}),
    ...(task.copyLinks ? { copyLinks: true } : {}),
  });
}

/** The built-in engine's plan of the sync rclone is about to do: guards judged, nothing written. */
async function planWithGuards(task: EncryptTask, ctx: StepContext, dest: { cipher: import('../crypt/index.js').Cipher; root: string }, tail: TailBuffer, counts: StepCounts) {
  const plainBytes = new Map<string, number>();
  const sink = encryptEventSink({ ...ctx, dryRun: true }, new TailBuffer(), counts);
  const plan = await encryptCatalog({
    ...encryptOptionsFor(task, dest, ctx),
    dryRun: true,
    guardsOnly: !ctx.dryRun,
    onEvent: (e) => {
      if (e.type === 'file' && (e.action === 'new' || e.action === 'update')) plainBytes.set(e.path, e.bytes);
      // the plan's own warnings (undecryptable names, a refusal an estimate reports) are the step's
      if (e.type === 'warning' || e.type === 'plan') sink(e);
    },
  });
  tail.line(`plan: ${plan.newFiles} new, ${plan.changedFiles} changed, ${plan.deletedFiles} to delete, ${plan.unchanged} unchanged, ${plan.bytes} bytes`);
  return { plan, plainBytes };
}

export async function runRcloneEncrypt(task: EncryptTask, ctx: StepContext, configPath: string): Promise<StepResult> {
  const tail = new TailBuffer();
  const counts: StepCounts = { ...ZERO_COUNTS };
  try {
    const { cipher, root } = await openCryptRemote(task.remote, configPath, ctx.env);
    // rclone skips undecryptable names silently and would upload everything again under a wrong
    // password; the plan checks that (and every deletion guard) before rclone runs.
    const { plan, plainBytes } = await planWithGuards(task, ctx, { cipher, root }, tail, counts);
    const write = await beginTaskCatalogWrite(task, ctx, root);
    const exists = (plainPath: string): boolean => existsSync(join(root, cipher.encryptFileName(plainPath)));
    const args = encryptRcloneArgs(task, configPath, ctx.dryRun);
    const done: SyncSummary = { ...plan, newFiles: 0, changedFiles: 0, deletedFiles: 0, bytes: 0, errors: 0, dryRun: ctx.dryRun };
    // rclone names files by their plain path on the crypt remote; bytes are counted plain, once each
    const copied = new Set<string>();
    const onEvent = (e: RcloneLogEvent): void => {
      if (e.type === 'file' && (e.action === 'new' || e.action === 'replaced' || e.action === 'copied' || e.action === 'skipped-copy')) {
        if (!copied.has(e.object)) done.bytes += plainBytes.get(e.object) ?? 0;
        copied.add(e.object);
      } else if (e.type === 'error' || e.type === 'retry') {
        done.errors++;
        ctx.emit({ type: 'log', runId: ctx.runId, step: 'encrypt', level: 'error', message: e.message, ...(e.type === 'error' && e.object ? { path: e.object } : {}) });
      }
    };
    const r = await runRclone(args, {
      env: ctx.env,
      signal: ctx.signal,
      existsAtDest: exists,
      onEvent,
      onProgress: (s) => {
        // rclone counts ciphertext bytes; report plain bytes, as the built-in engine does
        const share = s.totalBytes > 0 ? s.bytes / s.totalBytes : 1;
        ctx.emit({
          type: 'progress',
          runId: ctx.runId,
          step: 'encrypt',
          files: s.transfers,
          filesTotal: s.totalTransfers,
          bytes: Math.round(plan.bytes * share),
          bytesTotal: plan.bytes,
          rateBps: s.totalBytes > 0 ? Math.round((s.speed * plan.bytes) / s.totalBytes) : 0,
          etaSec: s.eta,
        });
      },
    });
    tail.push(r.tail.endsWith('\n') || r.tail === '' ? r.tail : `${r.tail}\n`);
    Object.assign(done, { newFiles: r.counts.newFiles, changedFiles: r.counts.changedFiles, deletedFiles: r.counts.deletedFiles });
    Object.assign(counts, { newFiles: done.newFiles, changedFiles: done.changedFiles, deletedFiles: done.deletedFiles, bytes: done.bytes, files: plan.filesScanned });
    const code = r.exitCode;
    // rclone writes files in place: only a clean exit proves no torn file is left under a real name
    if (code === 0) write.complete();
    if (r.aborted || ctx.signal.aborted) return { status: 'aborted', exitCode: code, counts, message: 'aborted', errorCode: 'CANCELLED', tail: tail.toString() };
    if (code === 0) {
      await writeManifestAfterEncrypt({ cipher, root }, ctx, tail);
      return encryptResult(done, ctx, root, counts, tail);
    }
    return { status: 'failed', exitCode: code, counts, message: r.message, tail: tail.toString() };
  } catch (e) {
    tail.line(`error: ${e instanceof Error ? e.message : String(e)}`);
    return failedStep(e, counts, tail.toString());
  }
}
