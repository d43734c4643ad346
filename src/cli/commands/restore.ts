// `cryptsync restore REMOTE:[path] TARGET_DIR`: decrypt a catalog (or the part matching
// --include) into a folder, preserving mtimes. Exit 3 when some files could not be restored.
// The engine restores, exactly as for the web UI: the target goes through its restore guard
// (absolute, outside every catalog and sync source) before anything is written.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { ExitCode } from '../exit-code.js';
import { EXIT } from '../../util/errors.js';
import { withEngine } from '../open-engine.js';
import { createSyncRenderer } from '../render/sync-render.js';
import { withAbortOnSignal } from '../render/abort-on-signal.js';
import { type Opts, collect, wholeNumber, catalogOptions, profileOption } from '../render/sync-cli.js';
import { MAX_TRANSFERS } from '../../util/limits.js';

export function registerRestore(program: Command, io: CliIo): void {
  program
    .command('restore')
    .argument('<remote>', 'crypt remote, REMOTE:[path] (or the name of an encrypt task, for its catalog)')
    .argument('<target-dir>', 'folder to restore into (an absolute path)')
    .description('decrypt an encrypted catalog (or part of it) into a folder, preserving mtimes')
    .option('--dry-run', 'print what would be restored, write nothing')
    .option('--include <pattern>', 'restore only files matching the rclone-style glob (repeatable)', collect)
    .option('--overwrite', 'allow restoring into a non-empty folder (files equal in size and mtime are skipped)')
    .option('--transfers <n>', 'worker threads for the byte work (default: one per core)')
    .option('--no-manifest-check', "restore files whose ciphertext does not match the catalog's manifest too (default: they are withheld and reported)")
    .option('-v, --verbose', 'print every file')
    .option('--config <file>', 'rclone config file (default: $RCLONE_CONFIG, else the cryptsync home)')
    .option('--profile <name>', 'profile of a task named instead of a remote (default: "default")')
    .option('--json', 'one JSON object per event line, then a summary')
    .action(async (spec: string, target: string, o: Opts) => {
      const transfers = wholeNumber(o.transfers, '--transfers', 1, MAX_TRANSFERS);
      const dryRun = o.dryRun === true;
      const render = createSyncRenderer(io, { json: o.json === true, dryRun, verbose: o.verbose === true });
      const r = await withEngine(io, profileOption(o), (engine) =>
        withAbortOnSignal((signal) =>
          engine.restore(
            spec,
            {
              ...catalogOptions(o, signal),
              target,
              targetField: '<target-dir>',
              dryRun,
              overwrite: o.overwrite === true,
              ...(o.manifestCheck === false ? { noManifestCheck: true } : {}),
              ...(o.include ? { include: o.include as string[] } : {}),
              ...(transfers !== undefined ? { transfers } : {}),
            },
            (e) => render.onEvent(e),
          ),
        ),
      );
      render.finish(r.summary, r.text);
      if (r.summary.errors > 0) throw new ExitCode(EXIT.PARTIAL);
    });
}
