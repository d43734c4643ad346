// Every top-level command of the CLI, loaded lazily: a command's module (and what it pulls in:
// SQLite, the web server, worker pools) is imported only when that command runs, so a quick
// `cryptsync encrypt` or `decode` does not pay for the rest. `--help` loads them all.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';

export type RegisterCommand = (program: Command, io: CliIo) => void;

type Loader = () => Promise<RegisterCommand>;

/** top-level command name -> its module's register function, in the order --help lists them */
export const COMMAND_LOADERS: ReadonlyArray<[string[], Loader]> = [
  [['remote'], async () => (await import('./remote.js')).registerRemote],
  [['encrypt'], async () => (await import('./encrypt.js')).registerEncrypt],
  [['restore'], async () => (await import('./restore.js')).registerRestore],
  [['recover'], async () => (await import('./recover.js')).registerRecover],
  [['mapping'], async () => (await import('./mapping.js')).registerMapping],
  [['verify'], async () => (await import('./verify.js')).registerVerify],
  [['decode'], async () => (await import('./decode.js')).registerDecode],
  [['cat'], async () => (await import('./cat.js')).registerCat],
  [['obscure'], async () => (await import('./obscure.js')).registerObscure],
  [['task'], async () => (await import('./task.js')).registerTask],
  [['estimate', 'run', 'log'], async () => (await import('./runs.js')).registerRuns],
  [['snapshots'], async () => (await import('./snapshots.js')).registerSnapshots],
  [['prune'], async () => (await import('./prune.js')).registerPrune],
  [['doctor'], async () => (await import('./doctor.js')).registerDoctor],
  [['ssh'], async () => (await import('./ssh.js')).registerSsh],
  [['import-rsyncosx'], async () => (await import('./import-rsyncosx.js')).registerImport],
  [['demo'], async () => (await import('./demo.js')).registerDemo],
  [['serve'], async () => (await import('./serve.js')).registerServe],
  [['daemon'], async () => (await import('./daemon.js')).registerDaemon],
  [['status'], async () => (await import('./status.js')).registerStatus],
  [['notify'], async () => (await import('./notify.js')).registerNotify],
  [['service'], async () => (await import('./service.js')).registerService],
];

/** The register functions needed for argv: only the named command's, or all of them. */
export async function loadCommands(argv: string[]): Promise<RegisterCommand[]> {
  const first = argv.find((a) => !a.startsWith('-'));
  const wanted = first === undefined || first === 'help' ? undefined : COMMAND_LOADERS.find(([names]) => names.includes(first));
  const loaders = wanted ? [wanted[1]] : COMMAND_LOADERS.map(([, l]) => l);
  return Promise.all(loaders.map((l) => l()));
}
