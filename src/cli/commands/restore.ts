// `cryptsync restore REMOTE:[path] TARGET_DIR`: decrypt a catalog (or the part matching
// --include / --path) into a folder, preserving mtimes. Exit 3 when some files could not be restored.
// With a server source — `--from-task TASK [--snapshot S]` or `[user@]host:path --remote REMOTE:` —
// only the picked ciphertext is fetched from the server (rsync) into a private staging folder
// and restored from there; the restore is logged as a run. The engine restores, exactly as for
// the web UI: the target goes through its restore guard (absolute, outside every catalog and
// sync source) before anything is written.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { ExitCode } from '../exit-code.js';
import { EXIT, UsageError } from '../../util/errors.js';
import { withEngine } from '../open-engine.js';
import { createSyncRenderer } from '../render/sync-render.js';
import { withAbortOnSignal } from '../render/abort-on-signal.js';
import { type Opts, collect, wholeNumber, catalogOptions, profileOption } from '../render/sync-cli.js';
import { serverSourceOptions, serverRestoreEvents } from '../render/server-cli.js';
import { MAX_TRANSFERS } from '../../util/limits.js';
import { humanBytes } from '../../util/human-bytes.js';

export function registerRestore(program: Command, io: CliIo): void {
  program
    .command('restore')
    .argument('[source]', 'crypt remote REMOTE:[path] (or an encrypt task, for its catalog); with --remote: a server copy [user@]host:path (or its local folder); omit with --from-task')
    .argument('[target-dir]', 'folder to restore into (an absolute path); default with --from-task: a fresh temporary folder')
    .description('decrypt an encrypted catalog — the local one, or a server copy — (or part of it) into a folder, preserving mtimes')
    .option('--from-task <task>', 'restore from the server copy of a synchronize or snapshot task (keys of its connected encrypt task)')
    .option('--snapshot <date>', 'with --from-task of a snapshot task: "latest" (default), a snapshot folder name or a date prefix')
    .option('--remote <remote>', 'the crypt remote REMOTE: whose keys read a server copy named by [user@]host:path')
    .option('--ssh-port <n>', 'ssh port for a [user@]host:path server copy')
    .option('--ssh-key <file>', 'ssh key for a [user@]host:path server copy')
    .option('--ssh-option <key=value>', 'ssh -o option for a [user@]host:path server copy (repeatable)', collect)
    .option('--dry-run', 'print what would be restored (names and sizes), write nothing')
    .option('--include <pattern>', 'restore only files matching the rclone-style glob (repeatable)', collect)
    .option('--path <path>', 'restore only this file or folder, named literally (repeatable)', collect)
    .option('--overwrite', 'allow restoring into a non-empty folder (files equal in size and mtime are skipped)')
    .option('--transfers <n>', 'worker threads for the byte work (default: one per core)')
    .option('--no-manifest-check', "restore files whose ciphertext does not match the catalog's manifest too (default: they are withheld and reported)")
    .option('-v, --verbose', 'print every file')
    .option('--config <file>', 'rclone config file (default: $RCLONE_CONFIG, else the cryptsync home)')
    .option('--profile <name>', 'profile of a task named instead of a remote (default: "default")')
    .option('--json', 'one JSON object per event line, then a summary')
    .action(async (first: string | undefined, second: string | undefined, o: Opts) => {
      const transfers = wholeNumber(o.transfers, '--transfers', 1, MAX_TRANSFERS);
      const dryRun = o.dryRun === true;
      const json = o.json === true;
      const render = createSyncRenderer(io, { json, dryRun, verbose: o.verbose === true });
      const server = serverSourceOptions(o, first);
      const picks = {
        ...(o.include ? { include: o.include as string[] } : {}),
        ...(o.path ? { paths: o.path as string[] } : {}),
        dryRun,
        overwrite: o.overwrite === true,
        ...(transfers !== undefined ? { transfers } : {}),
      };
      if (!server) {
        if (first === undefined || second === undefined) throw new UsageError('restore: give REMOTE:[path] and TARGET_DIR, or a server source (--from-task TASK, or [user@]host:path --remote REMOTE:)');
        const r = await withEngine(io, profileOption(o), (engine) =>
          withAbortOnSignal((signal) =>
            engine.restore(
              first,
              { ...catalogOptions(o, signal), ...picks, ...(o.manifestCheck === false ? { noManifestCheck: true } : {}), target: second, targetField: '<target-dir>' },
              (e) => render.onEvent(e),
            ),
          ),
        );
        render.finish(r.summary, r.text);
        if (r.summary.errors > 0) throw new ExitCode(EXIT.PARTIAL);
        return;
      }
      const target = o.fromTask !== undefined ? first : second;
      if (o.fromTask !== undefined && second !== undefined) throw new UsageError('restore --from-task: give only the target folder (the task names the source)', '<target-dir>');
      const r = await withEngine(io, profileOption(o), (engine) =>
        withAbortOnSignal((signal) =>
          engine.serverRestore(
            { ...catalogOptions(o, signal), ...server, ...picks, ...(target !== undefined ? { target, targetField: '<target-dir>' } : {}) },
            serverRestoreEvents(io, render, json),
          ),
        ),
      );
      const where = `${r.source}${r.snapshot !== undefined ? ` (snapshot ${r.snapshot})` : ''}`;
      const text = dryRun
        ? [`dry run: would restore ${r.picked.files} files (${humanBytes(r.picked.bytes)}) from ${where}; nothing fetched, nothing written`]
        : [...r.text, `from ${where} into ${r.target} (run ${r.runId})`];
      render.finish({ ...r.summary, target: r.target, source: r.source, runId: r.runId, picked: r.picked, undecryptable: r.undecryptable, ...(r.snapshot !== undefined ? { snapshot: r.snapshot } : {}) }, text);
      if (r.summary.errors > 0) throw new ExitCode(EXIT.PARTIAL);
    });
}
