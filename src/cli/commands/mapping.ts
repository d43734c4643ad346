// `cryptsync mapping REMOTE:[path]`: every plain path (files and folders) with its encrypted
// path, like rclone's --crypt-show-mapping. Text: `plain -> encrypted` (folders end in '/').
// A name that is not valid UTF-8 shows its raw bytes as `\xNN` in text; in JSON the string keeps
// them as \udcNN escapes and `plainBase64` / `encryptedBase64` give the exact bytes.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { out, jsonLine } from '../io.js';
import { withEngine } from '../open-engine.js';
import { withAbortOnSignal } from '../render/abort-on-signal.js';
import { type Opts, catalogOptions, profileOption } from '../render/sync-cli.js';
import { displayName } from '../../crypt/index.js';
import { rawBytesFields } from '../render/raw-bytes.js';

export function registerMapping(program: Command, io: CliIo): void {
  program
    .command('mapping')
    .argument('<remote>', 'crypt remote, REMOTE:[path] (or the name of an encrypt task, for its catalog)')
    .description('list every plain path with its encrypted path (like rclone --crypt-show-mapping)')
    .option('--config <file>', 'rclone config file (default: $RCLONE_CONFIG, else the cryptsync home)')
    .option('--profile <name>', 'profile of a task named instead of a remote (default: "default")')
    .option('--json', 'one JSON object per entry, then a summary')
    .action(async (spec: string, o: Opts) => {
      const entries = await withEngine(io, profileOption(o), (engine) => withAbortOnSignal((signal) => engine.mapping(spec, catalogOptions(o, signal))));
      for (const m of entries) {
        if (o.json === true) jsonLine(io, { ...m, ...rawBytesFields('plain', m.plain), ...rawBytesFields('encrypted', m.encrypted) });
        else {
          const slash = m.type === 'dir' ? '/' : '';
          out(io, `${displayName(m.plain)}${slash} -> ${displayName(m.encrypted)}${slash}`);
        }
      }
      const files = entries.filter((m) => m.type === 'file').length;
      if (o.json === true) jsonLine(io, { type: 'summary', files, dirs: entries.length - files });
    });
}
