// `cryptsync decode REMOTE: NAME... [--reverse]`: like `rclone cryptdecode`. Names are rclone
// Standard-encoded paths; a name that fails prints "Failed to decrypt" and the exit code stays 0.
// A result that is not valid UTF-8 shows its raw bytes as `\xNN` in text; in JSON `output` keeps
// them as \udcNN escapes and `outputBase64` gives the exact bytes.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { out, jsonLine } from '../io.js';
import { cipherForRemote, getCryptRemote, loadRcloneConfig, parseRemoteSpec } from '../../rclone/index.js';
import { CryptError, displayName } from '../../crypt/index.js';
import { rawBytesFields } from '../render/raw-bytes.js';
import { configPathOf } from './remote.js';

type Opts = Record<string, unknown>;
const FAILED = 'Failed to decrypt';

export function registerDecode(program: Command, io: CliIo): void {
  program
    .command('decode')
    .argument('<remote>', 'crypt remote, as REMOTE:')
    .argument('<names...>', 'encrypted names (or plain names with --reverse)')
    .option('--reverse', 'encrypt the names instead')
    .option('--config <file>', 'rclone config file')
    .option('--json', 'one JSON object per name')
    .description('decrypt (or with --reverse encrypt) file names, like rclone cryptdecode')
    .action(async (spec: string, names: string[], o: Opts) => {
      const { remote } = parseRemoteSpec(spec);
      const cfg = await loadRcloneConfig(configPathOf(o, io));
      const cipher = await cipherForRemote(getCryptRemote(cfg, remote, io.env));
      for (const name of names) {
        let result: string;
        let ok = true;
        let code: string | undefined;
        try {
          result = o.reverse ? cipher.encryptFileName(name) : cipher.decryptFileName(name);
        } catch (e) {
          if (!(e instanceof CryptError)) throw e;
          result = FAILED;
          ok = false;
          code = e.code;
        }
        if (o.json) jsonLine(io, { input: name, output: ok ? result : null, ...(ok ? rawBytesFields('output', result) : {}), ok, ...(code ? { code } : {}) });
        else out(io, `${displayName(name)} \t ${displayName(result)}`);
      }
    });
}
