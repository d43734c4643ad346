// `cryptsync encrypt PLAIN_DIR REMOTE:[path]`: make the encrypted catalog match the plain folder
// (sync semantics, rclone-compatible). Exit 3 when some files failed.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { ExitCode } from '../exit-code.js';
import { EXIT } from '../../util/errors.js';
import { encryptCatalog } from '../../sync/encrypt-catalog.js';
import { createSyncRenderer } from '../render/sync-render.js';
import { withAbortOnSignal } from '../render/abort-on-signal.js';
import { type Opts, openDest, collect, wholeNumber, summaryText } from '../render/sync-cli.js';
import { MAX_TRANSFERS } from '../../util/limits.js';

export function registerEncrypt(program: Command, io: CliIo): void {
  program
    .command('encrypt')
    .argument('<plain-dir>', 'the plain folder to back up')
    .argument('<remote>', 'crypt remote, REMOTE:[path]')
    .description('encrypt a plain folder into an rclone-crypt catalog, incrementally (new and changed files encrypted, extraneous ones deleted)')
    .option('--dry-run', 'print the plan, change nothing')
    .option('--exclude <pattern>', 'exclude files matching the rclone-style glob (repeatable)', collect)
    .option('--include <pattern>', 'include only files matching the glob (repeatable)', collect)
    .option('--exclude-from <file>', 'read exclude patterns from a file (repeatable)', collect)
    .option('--max-delete <n>', 'refuse to run when it would delete more than N files')
    .option('--transfers <n>', 'worker threads for the byte work (default: one per core)')
    .option('--copy-links', 'follow symlinks instead of skipping them')
    .option('--force', 'allow an empty or missing source to empty a full catalog')
    .option('-v, --verbose', 'print every file')
    .option('--config <file>', 'rclone config file (default: $RCLONE_CONFIG, else the cryptsync home)')
    .option('--json', 'one JSON object per event line, then a summary')
    .action(async (plainDir: string, spec: string, o: Opts) => {
      const maxDelete = wholeNumber(o.maxDelete, '--max-delete');
      const transfers = wholeNumber(o.transfers, '--transfers', 1, MAX_TRANSFERS);
      // not awaited: the key is derived (libuv pool) while encryptCatalog scans the plain folder
      const dest = openDest(spec, o, io);
      const dryRun = o.dryRun === true;
      const render = createSyncRenderer(io, { json: o.json === true, dryRun, verbose: o.verbose === true });
      const summary = await withAbortOnSignal((signal) =>
        encryptCatalog({
          source: resolve(plainDir),
          dest,
          dryRun,
          filter: {
            ...(o.include ? { include: o.include as string[] } : {}),
            ...(o.exclude ? { exclude: o.exclude as string[] } : {}),
            ...(o.excludeFrom ? { excludeFrom: o.excludeFrom as string[] } : {}),
          },
          ...(maxDelete !== undefined ? { maxDelete } : {}),
          ...(transfers !== undefined ? { transfers } : {}),
          copyLinks: o.copyLinks === true,
          force: o.force === true,
          signal,
          onEvent: (e) => render.onEvent(e),
        }),
      );
      render.finish(summary, summaryText('encrypted', summary));
      if (summary.errors > 0) throw new ExitCode(EXIT.PARTIAL);
    });
}
