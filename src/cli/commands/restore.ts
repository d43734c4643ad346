// `cryptsync restore REMOTE:[path] TARGET_DIR`: decrypt a catalog (or the part matching
// --include) into a folder, preserving mtimes. Exit 3 when some files could not be restored.
// The target goes through the engine's restore guard (src/run/restore-guard.ts) before anything
// is written, exactly as a restore from the web UI does.
import { isAbsolute } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { ExitCode } from '../exit-code.js';
import { EXIT, UsageError } from '../../util/errors.js';
import { cryptsyncHome, defaultRcloneConfigPath } from '../../util/home.js';
import { assertSafeRestoreTarget } from '../../run/restore-guard.js';
import { restoreCatalog } from '../../sync/index.js';
import { createSyncRenderer } from '../render/sync-render.js';
import { withAbortOnSignal } from '../render/abort-on-signal.js';
import { type Opts, openDest, collect, wholeNumber, summaryText } from '../render/sync-cli.js';
import { MAX_TRANSFERS } from '../../util/limits.js';

export function registerRestore(program: Command, io: CliIo): void {
  program
    .command('restore')
    .argument('<remote>', 'crypt remote, REMOTE:[path]')
    .argument('<target-dir>', 'folder to restore into (an absolute path)')
    .description('decrypt an encrypted catalog (or part of it) into a folder, preserving mtimes')
    .option('--dry-run', 'print what would be restored, write nothing')
    .option('--include <pattern>', 'restore only files matching the rclone-style glob (repeatable)', collect)
    .option('--overwrite', 'allow restoring into a non-empty folder (files equal in size and mtime are skipped)')
    .option('--transfers <n>', 'worker threads for the byte work (default: one per core)')
    .option('-v, --verbose', 'print every file')
    .option('--config <file>', 'rclone config file (default: $RCLONE_CONFIG, else the cryptsync home)')
    .option('--json', 'one JSON object per event line, then a summary')
    .action(async (spec: string, target: string, o: Opts) => {
      const transfers = wholeNumber(o.transfers, '--transfers', 1, MAX_TRANSFERS);
      if (!isAbsolute(target)) throw new UsageError(`<target-dir>: give the restore target as an absolute path, got "${target}"`, '<target-dir>');
      const config = typeof o.config === 'string' && o.config !== '' ? o.config : defaultRcloneConfigPath(io.env);
      await assertSafeRestoreTarget(target, { home: cryptsyncHome(io.env), rcloneConfig: config }, '<target-dir>');
      const source = await openDest(spec, o, io);
      const dryRun = o.dryRun === true;
      const render = createSyncRenderer(io, { json: o.json === true, dryRun, verbose: o.verbose === true });
      const summary = await withAbortOnSignal((signal) =>
        restoreCatalog({
          source,
          target,
          dryRun,
          overwrite: o.overwrite === true,
          ...(o.include ? { include: o.include as string[] } : {}),
          ...(transfers !== undefined ? { transfers } : {}),
          signal,
          onEvent: (e) => render.onEvent(e),
        }),
      );
      render.finish(summary, summaryText('restored', summary));
      if (summary.errors > 0) throw new ExitCode(EXIT.PARTIAL);
    });
}
