// Before a push that is not part of a combined run, find out whether its source is the encrypted
// catalog of one of the profile's encrypt tasks and, if so, list the catalog's entries that are
// not encrypted names (a combined run gets this from its encrypt step for free). A source that is
// no task's catalog (a plain folder the user pushes on purpose) is not checked here.
import { resolve } from 'node:path';
import { openCryptRemote } from '../rclone/index.js';
import { findCatalogFolder, type Task } from '../tasks/index.js';
import { listForeignEntries } from '../sync/index.js';

export async function catalogNamesOf(
  pushed: string,
  tasks: Task[],
  defaultConfig: string,
  signal: AbortSignal,
  env: NodeJS.ProcessEnv,
): Promise<{ root: string; foreign: string[] } | undefined> {
  const source = resolve(pushed);
  for (const enc of tasks) {
    if (enc.type !== 'encrypt') continue;
    const config = enc.config ?? defaultConfig;
    const found = await findCatalogFolder(enc.remote, config, { lightOnly: true });
    if (!found.ok || resolve(found.folder) !== source) continue;
    const { cipher, root } = await openCryptRemote(enc.remote, config, env);
    return { root, foreign: await listForeignEntries({ cipher, root }, signal) };
  }
  return undefined;
}
