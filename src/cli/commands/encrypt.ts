// `cryptsync encrypt PLAIN_DIR REMOTE:[path]`: make the encrypted catalog match the plain folder
// (sync semantics, rclone-compatible). Exit 3 when some files failed. The catalog (a crypt remote,
// or an encrypt task's) is opened and guarded by the engine, as for the web UI.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { ExitCode } from '../exit-code.js';
import { EXIT, UsageError } from '../../util/errors.js';
import { withEngine } from '../open-engine.js';
import { createSyncRenderer } from '../render/sync-render.js';
import { withAbortOnSignal } from '../render/abort-on-signal.js';
import { type Opts, collect, wholeNumber, catalogOptions, filterOptions, profileOption } from '../render/sync-cli.js';
import { MAX_TRANSFERS } from '../../util/limits.js';

export function registerEncrypt(program: Command, io: CliIo): void {
  program
    .command('encrypt')
    .argument('<plain-dir>', 'the plain folder to back up')
    .argument('<remote>', 'crypt remote, REMOTE:[path] (or the name of an encrypt task, for its catalog)')
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
    .option('--profile <name>', 'profile of a task named instead of a remote (default: "default")')
    .option('--json', 'one JSON object per event line, then a summary')
    .action(async (plainDir: string, spec: string, o: Opts) => {
      const maxDelete = wholeNumber(o.maxDelete, '--max-delete');
      const maxDeletePercent = wholeNumber(o.maxDeletePercent, '--max-delete-percent');
      if (maxDeletePercent !== undefined && maxDeletePercent > 100) throw new UsageError('--max-delete-percent must be 0..100', '--max-delete-percent');
      const transfers = wholeNumber(o.transfers, '--transfers', 1, MAX_TRANSFERS);
      const dryRun = o.dryRun === true;
      const filter = filterOptions(o);
      const render = createSyncRenderer(io, { json: o.json === true, dryRun, verbose: o.verbose === true });
      const r = await withEngine(io, profileOption(o), (engine) =>
        withAbortOnSignal((signal) =>
          engine.encrypt(
            spec,
            {
              ...catalogOptions(o, signal),
              source: plainDir,
              dryRun,
              ...(filter ? { filter } : {}),
              ...(maxDelete !== undefined ? { maxDelete } : {}),
              ...(maxDeletePercent !== undefined ? { maxDeletePercent } : {}),
              ...(transfers !== undefined ? { transfers } : {}),
              copyLinks: o.copyLinks === true,
              checksum: o.checksum === true,
              force: o.force === true,
            },
            (e) => render.onEvent(e),
          ),
        ),
      );
      render.finish(r.summary, r.text);
      if (r.summary.errors > 0) throw new ExitCode(EXIT.PARTIAL);
    });
}
