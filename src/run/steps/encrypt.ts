// The encrypt step: a plain folder into its rclone-crypt catalog, by the built-in engine or by
// the rclone binary (engine "rclone"); see encrypt-step.ts and rclone-engine.ts.
import type { EncryptTask, Task } from '../../tasks/index.js';
import { openCryptRemote } from '../../rclone/index.js';
import { checkCatalogPassword } from '../../sync/index.js';
import { describeError } from '../../util/errors.js';
import { runEncryptStep } from '../encrypt-step.js';
import { encryptRcloneArgs } from '../rclone-engine.js';
import { syncFlags } from '../sync-flags.js';
import { folderCheck } from '../doctor-checks.js';
import { rcloneTool } from './rclone-tool.js';
import { taskOfType, type StepDriver } from './driver.js';

const isEncrypt = (t: Task): t is EncryptTask => t.type === 'encrypt';
const encryptTask = (t: Task): EncryptTask => taskOfType(t, 'encrypt', isEncrypt);

export function encryptCommandArgs(task: EncryptTask, configPath: string, dryRun: boolean): string[] {
  return ['encrypt', task.source, task.remote, '--config', configPath, ...syncFlags(task, dryRun)];
}

export const encryptDriver: StepDriver = {
  kind: 'encrypt',
  logsCommand: false,
  run: (task, ctx) => runEncryptStep(encryptTask(task), ctx),
  // nothing runs before an encrypt step
  estimateAfter: (task, ctx) => runEncryptStep(encryptTask(task), ctx),
  command(task, o) {
    const t = encryptTask(task);
    const conf = t.config ?? o.defaultConfig;
    if (t.engine === 'rclone') return { program: 'rclone', args: encryptRcloneArgs(t, conf, o.dryRun) };
    return { program: 'cryptsync', args: encryptCommandArgs(t, conf, o.dryRun) };
  },
  // no tool check: the built-in engine needs no program; an rclone-engine task checks rclone below
  async doctor(task, d) {
    const t = encryptTask(task);
    const out = [await folderCheck(t.name, 'source folder', t.source)];
    if (t.engine === 'rclone') out.push({ ...(await rcloneTool(d)), task: t.name });
    try {
      const r = await openCryptRemote(t.remote, t.config ?? d.rcloneConfig, d.env);
      await checkCatalogPassword({ cipher: r.cipher, root: r.root }, t.remote);
      out.push({ task: t.name, check: 'crypt remote', status: 'ok', detail: `${t.remote} loads; catalog at ${r.root}` });
    } catch (e) {
      out.push({ task: t.name, check: 'crypt remote', status: 'error', detail: describeError(e) });
    }
    return out;
  },
};
