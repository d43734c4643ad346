// `cryptsync verify PLAIN_DIR REMOTE:[path]`: rclone cryptcheck semantics (sizes, then each plain
// file re-encrypted with its twin's nonce and compared); nothing is decrypted. Exit 3 when
// anything differs or is missing on either side. The engine checks, as for the web UI.
// `cryptsync verify --server TASK [--snapshot S] [--read-data [--sample S] [--max-duration D]]`:
// the task's server copy — quick: its listing against the local catalog; deep: a resumable
// sample fetched and authenticated chunk by chunk (and compared with the plain file at hand).
// Exit 3 when anything is missing, extra, differing or damaged; logged as a run.
// Then (or alone: `cryptsync verify REMOTE:[path]`) the catalog against its manifest when it has
// one (docs/manifest.md; --deep hashes every file, --no-manifest skips it); exit 3 when tampered.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { out, err, jsonLine } from '../io.js';
import { ExitCode } from '../exit-code.js';
import { EXIT, UsageError } from '../../util/errors.js';
import { verifyDifferences, verifySummaryText, manifestReportText, parseSampleSpec, parseDuration, type Engine, type ServerVerifyResult } from '../../run/index.js';
import { withEngine } from '../open-engine.js';
import { withAbortOnSignal } from '../render/abort-on-signal.js';
import { type Opts, collect, wholeNumber, catalogOptions, filterOptions, profileOption } from '../render/sync-cli.js';
import { phaseText } from '../render/server-cli.js';
import { displayName } from '../../crypt/index.js';
import { MAX_TRANSFERS } from '../../util/limits.js';

function serverVerifyText(r: ServerVerifyResult & { runId: number }): string[] {
  const q = r.quick;
  const lines = [
    `server copy of ${r.source}${r.snapshot !== undefined ? ` (snapshot ${r.snapshot})` : ''}: ${q.serverFiles} files on the server, ${q.localFiles} in the local catalog: ` +
      `${q.matching} match, ${q.missing.length} missing, ${q.extra.length} extra, ${q.differing.length} differing, ${q.undecryptable.length} undecryptable`,
    ...q.missing.map((p) => `missing on the server: ${displayName(p)}`),
    ...q.extra.map((p) => `extra on the server: ${displayName(p)}`),
    ...q.differing.map((d) => `differs: ${displayName(d.path)} (${d.why})`),
    ...q.undecryptable.map((p) => `name does not decrypt: ${displayName(p)}`),
  ];
  const d = r.deep;
  if (d) {
    lines.push(
      `deep: ${d.authenticated} of ${d.sampled} sampled files read and authenticated (${d.comparedWithPlain} compared with the plain file), ${d.failed.length} damaged; ` +
        `round ${d.round}: ${d.covered} of ${d.totalFiles} files covered${d.stoppedByTime ? '; stopped by --max-duration' : ''}`,
      ...d.failed.map((f) => `damaged: ${displayName(f.path)}: ${f.message} (${f.code})`),
    );
  }
  lines.push(r.problems === 0 ? `the server copy checks out (run ${r.runId})` : `${r.problems} problems found (run ${r.runId})`);
  return lines;
}

async function verifyServer(io: CliIo, engine: Engine, task: string, o: Opts, signal: AbortSignal): Promise<void> {
  const json = o.json === true;
  const readData = o.readData === true;
  if (!readData && (o.sample !== undefined || o.maxDuration !== undefined)) throw new UsageError('--sample and --max-duration go with --read-data', 'read-data');
  const r = await engine.serverVerify(
    {
      task,
      readData,
      ...(typeof o.snapshot === 'string' ? { snapshot: o.snapshot } : {}),
      ...(typeof o.sample === 'string' ? { sample: parseSampleSpec(o.sample) } : {}),
      ...(typeof o.maxDuration === 'string' ? { maxDurationMs: parseDuration(o.maxDuration) } : {}),
      ...catalogOptions(o, signal),
    },
    (e) => {
      if (json) jsonLine(io, e);
      else if (e.type === 'phase' && e.phase !== 'list') err(io, phaseText(e));
      else if (e.type === 'warning') err(io, `warning: ${e.path ? `${displayName(e.path)}: ` : ''}${e.message} (${e.code})`);
    },
  );
  if (json) jsonLine(io, { type: 'summary', ...r });
  else for (const line of serverVerifyText(r)) out(io, line);
  if (r.problems > 0) throw new ExitCode(EXIT.PARTIAL);
}

export function registerVerify(program: Command, io: CliIo): void {
  program
    .command('verify')
    .argument('[plain-dir]', 'the plain folder')
    .argument('[remote]', 'crypt remote, REMOTE:[path] (or the name of an encrypt task, for its catalog)')
    .description('check an encrypted catalog against its plain folder like rclone cryptcheck (nothing is decrypted), or with --server a task\'s server copy')
    .option('--server <task>', 'check the server copy of this synchronize or snapshot task instead')
    .option('--snapshot <date>', 'with --server of a snapshot task: "latest" (default), a snapshot folder name or a date prefix')
    .option('--read-data', 'with --server: fetch a sample of the ciphertext and authenticate every chunk (deep)')
    .option('--sample <n>', 'with --read-data: 10% (default), a number of files, or a size such as 500M; successive runs cover different files')
    .option('--max-duration <d>', 'with --read-data: stop fetching new batches after this long (90s, 10m, 1h)')
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
      if (typeof o.server === 'string') {
        if (first !== undefined || second !== undefined) throw new UsageError('verify --server TASK takes no folder or remote (the task names both)', 'server');
        const server = o.server;
        await withEngine(io, profileOption(o), (engine) => withAbortOnSignal((signal) => verifyServer(io, engine, server, o, signal)));
        return;
      }
      if (first === undefined) throw new UsageError('verify: give PLAIN_DIR and REMOTE:[path], REMOTE:[path] alone for its manifest, or --server TASK');
      if (o.readData !== undefined || o.snapshot !== undefined) throw new UsageError('--read-data and --snapshot go with --server TASK', 'server');
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
