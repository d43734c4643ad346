// `cryptsync verify PLAIN_DIR REMOTE:[path]`: rclone cryptcheck semantics (sizes, then each plain
// file re-encrypted with its twin's nonce and compared); nothing is decrypted. Exit 3 when
// anything differs or is missing on either side. The engine checks, as for the web UI.
// Then (or alone: `cryptsync verify REMOTE:[path]`) the catalog against its manifest when it has
// one (docs/manifest.md; --deep hashes every file, --no-manifest skips it); exit 3 when tampered.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { out, err, jsonLine } from '../io.js';
import { ExitCode } from '../exit-code.js';
import { EXIT, UsageError } from '../../util/errors.js';
import { verifyDifferences, verifySummaryText, manifestReportText } from '../../run/index.js';
import { withEngine } from '../open-engine.js';
import { withAbortOnSignal } from '../render/abort-on-signal.js';
import { type Opts, collect, wholeNumber, catalogOptions, filterOptions, profileOption } from '../render/sync-cli.js';
import { MAX_TRANSFERS } from '../../util/limits.js';

export function registerVerify(program: Command, io: CliIo): void {
  program
    .command('verify')
    .argument('[plain-dir]', 'the plain folder')
    .argument('[remote]', 'crypt remote, REMOTE:[path] (or the name of an encrypt task, for its catalog)')
    .description('check an encrypted catalog against its plain folder like rclone cryptcheck (nothing is decrypted)')
    .option('--exclude <pattern>', 'exclude files matching the rclone-style glob (repeatable)', collect)
    .option('--include <pattern>', 'include only files matching the glob (repeatable)', collect)
    .option('--exclude-from <file>', 'read exclude patterns from a file (repeatable)', collect)
    .option('--transfers <n>', 'worker threads (default: one per core)')
    .option('--config <file>', 'rclone config file (default: $RCLONE_CONFIG, else the cryptsync home)')
    .option('--profile <name>', 'profile of a task named instead of a remote (default: "default")')
    .option('--deep', 'check the catalog against its manifest by hashing every ciphertext file (default: listing, sizes, mtimes)')
    .option('--no-manifest', 'do not check the catalog against its manifest')
    .option('--json', 'one JSON object per event line, then a summary')
    .action(async (first: string | undefined, second: string | undefined, o: Opts) => {
      if (first === undefined) throw new UsageError('verify: give PLAIN_DIR and REMOTE:[path], or REMOTE:[path] alone for its manifest');
      if (second === undefined) return verifyManifestOnly(io, first, o);
      const [plainDir, spec] = [first, second];
      const transfers = wholeNumber(o.transfers, '--transfers', 1, MAX_TRANSFERS);
      const json = o.json === true;
      const filter = filterOptions(o);
      const r = await withEngine(io, profileOption(o), (engine) =>
        withAbortOnSignal((signal) =>
          engine.verify(
            spec,
            {
              ...catalogOptions(o, signal),
              plain: plainDir,
              ...(filter ? { filter } : {}),
              ...(transfers !== undefined ? { transfers } : {}),
              manifest: o.manifest !== false,
              deep: o.deep === true,
            },
            (e) => {
              if (json) jsonLine(io, e);
              else if (e.type === 'error' || e.type === 'warning') err(io, `${e.type}: ${e.path ? `${e.path}: ` : ''}${e.message} (${e.code})`);
            },
          ),
        ),
      );
      const differences = verifyDifferences(r);
      if (json) jsonLine(io, { type: 'summary', ...r, differences });
      else for (const line of verifySummaryText(r)) out(io, line);
      if (differences + r.errors > 0 || r.manifest?.verdict === 'tampered') throw new ExitCode(EXIT.PARTIAL);
    });
}

/** `cryptsync verify REMOTE:[path]`: the catalog against its manifest only. */
async function verifyManifestOnly(io: CliIo, spec: string, o: Opts): Promise<void> {
  if (o.manifest === false) throw new UsageError('verify REMOTE alone checks the manifest; --no-manifest leaves nothing to check', 'no-manifest');
  const r = await withEngine(io, profileOption(o), (engine) => withAbortOnSignal((signal) => engine.verifyManifest(spec, { ...catalogOptions(o, signal), deep: o.deep === true })));
  if (o.json === true) jsonLine(io, { type: 'summary', manifest: r });
  else for (const line of manifestReportText(r)) out(io, line);
  if (r.verdict === 'tampered') throw new ExitCode(EXIT.PARTIAL);
}
