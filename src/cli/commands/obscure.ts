// `cryptsync obscure [PASSWORD|-]`: rclone's reversible config-file obscuring (NOT encryption).
// "-" reads the first line of stdin; without an argument the password is prompted for.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { out, jsonLine, readSecretLine } from '../io.js';
import { obscure } from '../../crypt/index.js';

type Opts = Record<string, unknown>;

export function registerObscure(program: Command, io: CliIo): void {
  program
    .command('obscure')
    .argument('[password]', 'the password, or - to read one line from stdin')
    .option('--json', 'JSON output')
    .description('obscure a password for an rclone config file (reversible, like rclone obscure)')
    .action(async (password: string | undefined, o: Opts) => {
      const plain = password === undefined || password === '-' ? await readSecretLine(io, 'Password: ') : password;
      const result = obscure(plain);
      if (o.json) jsonLine(io, { obscured: result });
      else out(io, result);
    });
}
