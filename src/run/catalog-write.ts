// What every writer of an encrypted catalog does before it writes, whatever the engine or front
// end (a task's encrypt step with either engine, the one-off `cryptsync encrypt`): refuse when
// another encrypt task mirrors another source into the same (or a nested) catalog, then leave an
// "encrypt in progress" mark that the rsync step honours (catalog-marks.ts). A dry run only checks.
import { encryptTasksOfHome, findCatalogClash, listProfiles, type CatalogWriter, type EncryptTask } from '../tasks/index.js';
import { defaultRcloneConfigPath } from '../util/home.js';
import { CryptsyncError } from '../util/errors.js';
import { markCatalogWrite, type CatalogWrite } from './catalog-marks.js';

export interface CatalogWriteInput {
  home: string;
  /** the writer: a task (name and profile) or a one-off command (name only, no profile) */
  writer: CatalogWriter;
  /** rclone.conf for tasks without their own `config` */
  defaultConfig: string;
  /** the catalog folder being written */
  catalog: string;
  dryRun: boolean;
}

const NO_WRITE: CatalogWrite = { complete: () => undefined };

export async function beginCatalogWrite(i: CatalogWriteInput): Promise<CatalogWrite> {
  const others = encryptTasksOfHome(i.home, listProfiles(i.home)).filter((t) => !(t.name === i.writer.name && t.profile === i.writer.profile));
  const clash = await findCatalogClash(i.writer, others, (t) => t.config ?? i.defaultConfig);
  if (clash) {
    throw new CryptsyncError('guard', 'CATALOG_SHARED', `${i.writer.profile ? `encrypt task "${i.writer.name}"` : i.writer.name}: ${clash.message}; nothing was changed`, {
      subject: i.writer.remote,
    });
  }
  if (i.dryRun) return NO_WRITE;
  return markCatalogWrite(i.home, i.catalog, i.writer.profile ? `task "${i.writer.name}" (profile "${i.writer.profile}")` : i.writer.name);
}

/** The same, for a task's encrypt step (either engine). */
export function beginTaskCatalogWrite(task: EncryptTask, ctx: { home: string; profile: string; env: NodeJS.ProcessEnv; dryRun: boolean }, catalog: string): Promise<CatalogWrite> {
  return beginCatalogWrite({ home: ctx.home, writer: { ...task, profile: ctx.profile }, defaultConfig: defaultRcloneConfigPath(ctx.env, ctx.home), catalog, dryRun: ctx.dryRun });
}
