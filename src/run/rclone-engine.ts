// The encrypt step done by the real rclone binary (tasks with engine "rclone", as RsyncOSX ran
// it): the argv is computed from the task (and shown by `task command`), rclone is spawned
// without a shell, its JSON log is parsed into the same events and counts as the built-in engine.
// Unlike RsyncOSX, rclone's exit status decides the step's status.
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
import { checkCatalogPassword } from '../sync/index.js';
import { syncFlags } from './sync-flags.js';

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

export async function runRcloneEncrypt(task: EncryptTask, ctx: StepContext, configPath: string): Promise<StepResult> {
  const tail = new TailBuffer();
  const counts: StepCounts = { ...ZERO_COUNTS };
  try {
    const { cipher, root } = await openCryptRemote(task.remote, configPath);
    // rclone skips undecryptable names silently and would upload everything again under a wrong
    // password: refuse before it runs, as the built-in engine does.
    await checkCatalogPassword({ cipher, root }, task.remote);
    const exists = (plainPath: string): boolean => existsSync(join(root, cipher.encryptFileName(plainPath)));
    const args = rcloneSyncArgs(task, configPath, ctx.dryRun);
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
          ctx.emit({
            type: 'progress',
            runId: ctx.runId,
            step: 'encrypt',
            files: s.transfers,
            filesTotal: s.totalTransfers,
            bytes: s.bytes,
            bytesTotal: s.totalBytes,
            rateBps: s.speed,
            etaSec: s.eta,
          });
          counts.bytes = ctx.dryRun ? s.totalBytes : s.bytes;
          return;
        }
        const msg = j.msg ?? '';
        const obj = j.object ?? '';
        if (msg.startsWith('Copied (new)')) counts.newFiles++;
        else if (msg.startsWith('Copied (replaced')) counts.changedFiles++;
        else if (msg === 'Deleted') counts.deletedFiles++;
        else if (j.skipped === 'copy') {
          if (exists(obj)) counts.changedFiles++;
          else counts.newFiles++;
        } else if (j.skipped === 'delete') counts.deletedFiles++;
        else if (j.level === 'error' || j.level === 'critical') {
          ctx.emit({ type: 'log', runId: ctx.runId, step: 'encrypt', level: 'error', message: msg, ...(obj ? { path: obj } : {}) });
        }
        tail.line(`${j.level ?? ''}: ${obj ? `${obj}: ` : ''}${msg.trim()}`);
      });
      // both the process and its stderr must be done: 'close' of either may come first
      Promise.all([once(child, 'close') as Promise<[number | null]>, once(rl, 'close')]).then(([[c]]) => resolve(c), reject);
    });
    counts.files = counts.newFiles + counts.changedFiles;
    if (ctx.signal.aborted) return { status: 'aborted', exitCode: code, counts, message: 'aborted', errorCode: 'CANCELLED', tail: tail.toString() };
    if (code === 0) return { status: 'ok', exitCode: 0, counts, tail: tail.toString() };
    return { status: 'failed', exitCode: code, counts, message: `rclone exited with code ${code}`, tail: tail.toString() };
  } catch (e) {
    tail.line(`error: ${e instanceof Error ? e.message : String(e)}`);
    return failedStep(e, counts, tail.toString());
  }
}
