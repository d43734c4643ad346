// `cryptsync encrypt PLAIN_DIR REMOTE:[path]`: make the encrypted catalog match the plain folder
// (sync semantics, rclone-compatible). Exit 3 when some files failed.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { ExitCode } from '../exit-code.js';
import { EXIT, UsageError } from '../../util/errors.js';
import { cryptsyncHome, defaultRcloneConfigPath } from '../../util/home.js';
import { encryptCatalog } from '../../sync/encrypt-catalog.js';
import { beginCatalogWrite } from '../../run/catalog-write.js';
import type { CatalogWrite } from '../../run/catalog-marks.js';
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
    .option('--max-delete-percent <n>', 'refuse to run when it would delete more than N % of the catalog (default 50, from 10 deletions on)')
    .option('--transfers <n>', 'worker threads for the byte work (default: one per core)')
    .option('--copy-links', 'follow symlinks instead of skipping them')
    .option('--checksum', 'also re-check files unchanged by size and mtime against their encrypted copy (cryptcheck) and encrypt again those that differ')
    .option('--force', 'allow an empty source to empty a full catalog, and deleting more than the share limit (a missing source is always refused)')
    .option('-v, --verbose', 'print every file')
    .option('--config <file>', 'rclone config file (default: $RCLONE_CONFIG, else the cryptsync home)')
    .option('--json', 'one JSON object per event line, then a summary')
    .action(async (plainDir: string, spec: string, o: Opts) => {
      const maxDelete = wholeNumber(o.maxDelete, '--max-delete');
      const maxDeletePercent = wholeNumber(o.maxDeletePercent, '--max-delete-percent');
      if (maxDeletePercent !== undefined && maxDeletePercent > 100) throw new UsageError('--max-delete-percent must be 0..100', '--max-delete-percent');
      const transfers = wholeNumber(o.transfers, '--transfers', 1, MAX_TRANSFERS);
      const dryRun = o.dryRun === true;
      const source = resolve(plainDir);
      // not awaited: the key is derived (libuv pool) while encryptCatalog scans the plain folder;
      // the same catalog guards as a task's encrypt step run before anything is written
      let write: CatalogWrite | undefined;
      const dest = openDest(spec, o, io).then(async (d) => {
        write = await beginCatalogWrite({
          home: cryptsyncHome(io.env),
          writer: { name: 'cryptsync encrypt', source, remote: spec, ...(typeof o.config === 'string' && o.config !== '' ? { config: o.config } : {}) },
          defaultConfig: defaultRcloneConfigPath(io.env),
          catalog: d.root,
          dryRun,
        });
        return d;
      });
      const render = createSyncRenderer(io, { json: o.json === true, dryRun, verbose: o.verbose === true });
      const summary = await withAbortOnSignal((signal) =>
        encryptCatalog({
          source,
          dest,
          dryRun,
          filter: {
            ...(o.include ? { include: o.include as string[] } : {}),
            ...(o.exclude ? { exclude: o.exclude as string[] } : {}),
            ...(o.excludeFrom ? { excludeFrom: o.excludeFrom as string[] } : {}),
          },
          ...(maxDelete !== undefined ? { maxDelete } : {}),
          ...(maxDeletePercent !== undefined ? { maxDeletePercent } : {}),
          ...(transfers !== undefined ? { transfers } : {}),
          copyLinks: o.copyLinks === true,
          checksum: o.checksum === true,
          force: o.force === true,
          signal,
          onEvent: (e) => render.onEvent(e),
        }).finally(() => write?.complete()),
      );
      render.finish(summary, summaryText('encrypted', summary));
      if (summary.errors > 0) throw new ExitCode(EXIT.PARTIAL);
    });
}
