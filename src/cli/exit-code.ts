// Thrown by a command that finished but must exit with a given code (3 = partial, for example);
// cli/main.ts turns it into the process exit code.
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = 'ExitCode';
  }
}
