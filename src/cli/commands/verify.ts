// `cryptsync verify PLAIN_DIR REMOTE:[path]`: rclone cryptcheck semantics (sizes, then each plain
// file re-encrypted with its twin's nonce and compared); nothing is decrypted. Exit 3 when
// anything differs or is missing on either side.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { out, err, jsonLine } from '../io.js';
import { ExitCode } from '../exit-code.js';
import { EXIT } from '../../util/errors.js';
import { verifyCatalog } from '../../sync/index.js';
import { withAbortOnSignal } from '../render/abort-on-signal.js';
import { type Opts, openDest, collect, wholeNumber } from '../render/sync-cli.js';
import { MAX_TRANSFERS } from '../../util/limits.js';

export function registerVerify(program: Command, io: CliIo): void {
  program
    .command('verify')
    .argument('<plain-dir>', 'the plain folder')
    .argument('<remote>', 'crypt remote, REMOTE:[path]')
    .description('check an encrypted catalog against its plain folder like rclone cryptcheck (nothing is decrypted)')
    .option('--exclude <pattern>', 'exclude files matching the rclone-style glob (repeatable)', collect)
    .option('--include <pattern>', 'include only files matching the glob (repeatable)', collect)
    .option('--exclude-from <file>', 'read exclude patterns from a file (repeatable)', collect)
    .option('--transfers <n>', 'worker threads (default: one per core)')
    .option('--config <file>', 'rclone config file (default: $RCLONE_CONFIG, else the cryptsync home)')
    .option('--json', 'one JSON object per event line, then a summary')
    .action(async (plainDir: string, spec: string, o: Opts) => {
      const transfers = wholeNumber(o.transfers, '--transfers', 1, MAX_TRANSFERS);
      const dest = await openDest(spec, o, io);
      const json = o.json === true;
      const r = await withAbortOnSignal((signal) =>
        verifyCatalog({
          plain: resolve(plainDir),
          dest,
          filter: {
            ...(o.include ? { include: o.include as string[] } : {}),
            ...(o.exclude ? { exclude: o.exclude as string[] } : {}),
            ...(o.excludeFrom ? { excludeFrom: o.excludeFrom as string[] } : {}),
          },
          ...(transfers !== undefined ? { transfers } : {}),
          signal,
          onEvent: (e) => {
            if (json) jsonLine(io, e);
            else if (e.type === 'error' || e.type === 'warning') err(io, `${e.type}: ${e.path ? `${e.path}: ` : ''}${e.message} (${e.code})`);
          },
        }),
      );
      const differences = r.differing.length + r.missingOnDest.length + r.missingOnSource.length;
      if (json) jsonLine(io, { type: 'summary', ...r, differences });
      else {
        out(io, `${differences} differences found`);
        if (r.missingOnDest.length) out(io, `${r.missingOnDest.length} files missing in the encrypted catalog`);
        if (r.missingOnSource.length) out(io, `${r.missingOnSource.length} files missing in the plain folder`);
        if (r.errors) out(io, `${r.errors} errors while checking`);
        out(io, `${r.matching} matching files`);
      }
      if (differences + r.errors > 0) throw new ExitCode(EXIT.PARTIAL);
    });
}
