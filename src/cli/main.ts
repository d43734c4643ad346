// The CLI's top level: builds the command tree and is the ONE place where errors become
// messages and exit codes (README "Exit codes").
import { Command, CommanderError } from 'commander';
import { CryptsyncError, EXIT, describeError } from '../util/errors.js';
import { type CliIo, processIo, err, jsonLine } from './io.js';
import { loadCommands, type RegisterCommand } from './commands/index.js';

import { ExitCode } from './exit-code.js';

export { ExitCode };

export function buildProgram(io: CliIo, commands: RegisterCommand[]): Command {
  const program = new Command();
  program
    .name('cryptsync')
    .description('Encrypted backups to your own server: rclone-crypt compatible encryption, then rsync over ssh.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  for (const register of commands) register(program, io);
  for (const cmd of allCommands(program)) cmd.exitOverride();
  return program;
}

function allCommands(c: Command): Command[] {
  return [c, ...c.commands.flatMap(allCommands)];
}

export function exitCodeFor(e: unknown): number {
  if (e instanceof ExitCode) return e.code;
  if (e instanceof CryptsyncError) {
    switch (e.kind) {
      case 'usage':
        return EXIT.USAGE;
      case 'cancelled':
        return EXIT.CANCELLED;
      case 'conflict':
        return EXIT.LOCKED;
      case 'crypto':
        return e.code === 'WRONG_PASSWORD' ? EXIT.WRONG_PASSWORD : EXIT.FATAL;
      default:
        return EXIT.FATAL;
    }
  }
  return EXIT.FATAL;
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io, await loadCommands(argv));
  const wantsJson = argv.includes('--json');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.OK;
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (e instanceof ExitCode) return e.code;
    const code = exitCodeFor(e);
    if (wantsJson) {
      jsonLine(io, {
        type: 'error',
        code: e instanceof CryptsyncError ? e.code : 'INTERNAL',
        message: describeError(e),
        ...(e instanceof CryptsyncError && e.subject ? { subject: e.subject } : {}),
      });
    }
    err(io, `cryptsync: error: ${describeError(e)}`);
    if (!(e instanceof CryptsyncError) && io.env.CRYPTSYNC_DEBUG) err(io, String((e as Error)?.stack ?? e));
    return code;
  }
}
