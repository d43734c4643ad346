// The encrypt step done by the real rclone binary (tasks with engine "rclone", as RsyncOSX ran
// it): the argv is computed from the task (and shown by `task command`), rclone is spawned
// without a shell, its JSON log is parsed into the same events and counts as the built-in engine.
// Unlike RsyncOSX, rclone's exit status decides the step's status. rclone knows none of
// cryptsync's guards, so the built-in engine first plans the same sync without writing (every
// deletion guard, the wrong-password check, the catalog-sharing check and the source checks
// hold exactly as for the built-in engine); rclone runs only if that plan passes. Counts, bytes
// (plain, as the built-in engine reports them) and the summary line come out the same.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { EncryptTask } from '../tasks/index.js';
import { openCryptRemote } from '../rclone/index.js';
import { CryptsyncError } from '../util/errors.js';
import { TailBuffer } from '../util/tail-buffer.js';
import { ZERO_COUNTS, type StepCounts } from './events.js';
import { failedStep, type StepContext, type StepResult } from './step-result.js';
import { encryptCatalog, type SyncSummary } from '../sync/index.js';
import { syncFlags } from './sync-flags.js';
import { beginTaskCatalogWrite } from './catalog-write.js';
import { encryptEventSink, encryptOptionsFor, encryptResult } from './encrypt-step.js';

export function rcloneSyncArgs(task: EncryptTask, configPath: string, dryRun: boolean): string[] {
  return [
    'sync', task.source, task.remote, '--config', configPath, '--create-empty-src-dirs',
    ...syncFlags(task, dryRun),
    '--use-json-log', '-v', '--stats', '1s', '--stats-log-level', 'NOTICE',
  ];
}

interface RcloneLogLine {
  level?: string;
  msg?: string;
  object?: string;
  size?: number;
  skipped?: string;
  stats?: { bytes: number; totalBytes: number; transfers: number; totalTransfers: number; speed: number; eta: number | null; deletes: number; errors: number };
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
    const args = rcloneSyncArgs(task, configPath, ctx.dryRun);
    const done: SyncSummary = { ...plan, newFiles: 0, changedFiles: 0, deletedFiles: 0, bytes: 0, errors: 0, dryRun: ctx.dryRun };
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('rclone', args, { stdio: ['ignore', 'pipe', 'pipe'], env: ctx.env, signal: ctx.signal, killSignal: 'SIGINT' });
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') reject(new CryptsyncError('external', 'RCLONE_NOT_FOUND', 'rclone is not installed (apt-get install rclone), or not on PATH'));
        else reject(e);
      });
      child.stdout.on('data', (d: Buffer) => tail.push(d.toString('utf8')));
      const rl = createInterface({ input: child.stderr });
      rl.on('line', (line) => {
        let j: RcloneLogLine;
        try {
          j = JSON.parse(line) as RcloneLogLine;
        } catch {
          tail.line(line);
          return;
        }
        if (j.stats) {
          const s = j.stats;
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
          return;
        }
        const msg = j.msg ?? '';
        const obj = j.object ?? '';
        const copied = (isNew: boolean): void => {
          if (isNew) done.newFiles++;
          else done.changedFiles++;
          done.bytes += plainBytes.get(obj) ?? 0;
        };
        if (msg.startsWith('Copied (new)')) copied(true);
        else if (msg.startsWith('Copied (replaced')) copied(false);
        else if (msg === 'Deleted') done.deletedFiles++;
        else if (j.skipped === 'copy') copied(!exists(obj));
        else if (j.skipped === 'delete') done.deletedFiles++;
        else if (j.level === 'error' || j.level === 'critical') {
          done.errors++;
          ctx.emit({ type: 'log', runId: ctx.runId, step: 'encrypt', level: 'error', message: msg, ...(obj ? { path: obj } : {}) });
        }
        tail.line(`${j.level ?? ''}: ${obj ? `${obj}: ` : ''}${msg.trim()}`);
      });
      // both the process and its stderr must be done: 'close' of either may come first
      Promise.all([once(child, 'close') as Promise<[number | null]>, once(rl, 'close')]).then(([[c]]) => resolve(c), reject);
    });
    Object.assign(counts, { newFiles: done.newFiles, changedFiles: done.changedFiles, deletedFiles: done.deletedFiles, bytes: done.bytes, files: plan.filesScanned });
    // rclone writes files in place: only a clean exit proves no torn file is left under a real name
    if (code === 0) write.complete();
    if (ctx.signal.aborted) return { status: 'aborted', exitCode: code, counts, message: 'aborted', errorCode: 'CANCELLED', tail: tail.toString() };
    if (code === 0) return encryptResult(done, ctx, root, counts, tail);
    return { status: 'failed', exitCode: code, counts, message: `rclone exited with code ${code}`, tail: tail.toString() };
  } catch (e) {
    tail.line(`error: ${e instanceof Error ? e.message : String(e)}`);
    return failedStep(e, counts, tail.toString());
  }
}
