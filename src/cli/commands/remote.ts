// `cryptsync remote add|list|show|remove`: crypt remotes in an rclone.conf (cryptsync's own by
// default, or --config FILE / RCLONE_CONFIG). Passwords are stored obscured in a 0600 file and
// never printed by list/show, in text or JSON. A generated password is printed exactly once.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { out, err, jsonLine, readSecretLine, askLine } from '../io.js';
import { UsageError } from '../../util/errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { PRIVATE_FILE_MODE } from '../../util/home.js';
import { kitHtml, kitText, KIT_CONFIG_FILE } from '../../run/index.js';
import { withEngine } from '../open-engine.js';
import { chmod } from 'node:fs/promises';
import { defaultRcloneConfigPath } from '../../util/home.js';
import { checkPasswordStrength } from '../../run/remotes.js';
import {
  addCryptRemote,
  describeCryptRemote,
  generatePassword,
  generatedStrengthText,
  GENERATED_PASSWORD_BITS,
  getCryptRemote,
  listRemotes,
  loadRcloneConfig,
  removeRemote,
  parseRcloneConfig,
} from '../../rclone/index.js';
import type { FilenameEncoding, FilenameEncryption } from '../../crypt/index.js';

type Opts = Record<string, unknown>;

const ENCRYPTIONS = ['standard', 'obfuscate', 'off'];
const ENCODINGS = ['base32', 'base64', 'base32768'];

export function configPathOf(o: Opts, io: CliIo): string {
  return typeof o.config === 'string' && o.config !== '' ? o.config : defaultRcloneConfigPath(io.env);
}

function fromEnv(io: CliIo, variable: string, what: string): string {
  const v = io.env[variable];
  if (v === undefined || v === '') throw new UsageError(`--${what}-env: environment variable ${variable} is not set or empty`, variable);
  return v;
}

async function promptPassword(io: CliIo, label: string): Promise<string> {
  const pw = await readSecretLine(io, `${label}: `);
  if (io.stdin.isTTY) {
    const again = await readSecretLine(io, `${label} (again): `);
    if (again !== pw) throw new UsageError('the two passwords differ');
  }
  return pw;
}

async function addAction(io: CliIo, name: string, o: Opts): Promise<void> {
  const configPath = configPathOf(o, io);
  if (typeof o.path !== 'string' || o.path === '') throw new UsageError('remote add: --path DIR is required (the folder for the encrypted files)', 'path');
  const enc = String(o.filenameEncryption ?? 'standard').toLowerCase();
  const encoding = String(o.filenameEncoding ?? 'base32').toLowerCase();
  if (!ENCRYPTIONS.includes(enc)) throw new UsageError(`--filename-encryption must be one of ${ENCRYPTIONS.join(', ')}`, 'filename-encryption');
  if (!ENCODINGS.includes(encoding)) throw new UsageError(`--filename-encoding must be one of ${ENCODINGS.join(', ')}`, 'filename-encoding');
  const sources = [o.passwordEnv !== undefined, o.generatePassword === true].filter(Boolean).length;
  if (sources > 1) throw new UsageError('use only one of --password-env and --generate-password');
  if (o.bits !== undefined && o.generatePassword !== true) throw new UsageError('--bits only goes with --generate-password', 'bits');

  let password: string;
  let generated = false;
  const bits = o.bits === undefined ? GENERATED_PASSWORD_BITS : Number(o.bits);
  if (o.generatePassword === true) {
    password = generatePassword(bits);
    generated = true;
  } else if (typeof o.passwordEnv === 'string') {
    password = fromEnv(io, o.passwordEnv, 'password');
  } else {
    password = await promptPassword(io, 'Password');
  }
  if (password === '') throw new UsageError('the password must not be empty');
  let password2: string | undefined;
  if (typeof o.password2Env === 'string') password2 = fromEnv(io, o.password2Env, 'password2');
  else if (o.askPassword2 === true) password2 = (await promptPassword(io, 'Password2 (salt, empty for none)')) || undefined;
  // the same rule as the engine's addRemote (web API): generated passwords are strong by construction
  const strength = { allowWeak: o.weakPassword === true, override: '--weak-password' };
  if (!generated) checkPasswordStrength('password', password, strength);
  if (password2 !== undefined) checkPasswordStrength('password2', password2, strength);

  await addCryptRemote(configPath, {
    name,
    remote: resolve(o.path),
    filenameEncryption: enc as FilenameEncryption,
    filenameEncoding: encoding as FilenameEncoding,
    directoryNameEncryption: o.directoryNameEncryption !== false,
    noDataEncryption: o.dataEncryption === false,
    password,
    ...(password2 !== undefined ? { password2 } : {}),
  });
  const warning = 'Write this password down and keep it safe: without it the encrypted backup cannot be read, by anyone.';
  if (o.json) {
    if (generated) jsonLine(io, { type: 'generated-password', name, password, bits, warning });
    jsonLine(io, { type: 'remote-added', name, config: configPath });
  } else {
    if (generated) {
      out(io, `Generated password for "${name}": ${password}`);
      out(io, `(a ${generatedStrengthText(bits)} random password)`);
      err(io, `WARNING: ${warning} It is shown only this once.`);
    }
    out(io, `Added crypt remote "${name}" to ${configPath}`);
  }
}

/**
 * The kit shows the password in clear: only after the user typed the remote's name on a terminal,
 * or with --yes (scripts).
 */
async function confirmKit(io: CliIo, name: string, o: Opts): Promise<void> {
  if (o.yes === true) return;
  if (io.stdin.isTTY !== true) throw new UsageError(`remote kit: the kit shows the password of "${name}" in clear; confirm with --yes (there is no terminal to ask)`, 'yes');
  const typed = await askLine(io, `The emergency kit shows the password of "${name}" in clear. Type the remote's name to go on: `);
  if (typed !== name) throw new UsageError('remote kit: not confirmed; nothing was written', 'yes');
}

async function kitAction(io: CliIo, name: string, o: Opts): Promise<void> {
  await confirmKit(io, name, o);
  const kit = await withEngine(io, typeof o.profile === 'string' ? { profile: o.profile } : {}, (e) => e.emergencyKit(name, { config: configPathOf(o, io) }));
  const text = o.html === true ? kitHtml(kit) : kitText(kit);
  if (typeof o.output === 'string' && o.output !== '') {
    const path = resolve(o.output);
    await writeFileAtomic(path, text, PRIVATE_FILE_MODE);
    await chmod(path, PRIVATE_FILE_MODE);
    if (o.json) jsonLine(io, { type: 'kit-written', name, path, copies: kit.copies.map((c) => c.task) });
    else out(io, `Wrote the emergency kit of "${name}" to ${path} (mode 0600, ${kit.copies.length} server ${kit.copies.length === 1 ? 'copy' : 'copies'}). It holds the password: print it, then keep it offline.`);
    return;
  }
  io.stdout.write(text);
  err(io, `The kit above holds the password of "${name}": keep it offline. Save its rclone.conf part as ${KIT_CONFIG_FILE} to use the commands.`);
}

export function registerRemote(program: Command, io: CliIo): void {
  const remote = program.command('remote').description('manage crypt remotes in the rclone config (cryptsync\'s own by default)');

  remote
    .command('add')
    .argument('<name>', 'name of the new crypt remote')
    .requiredOption('--path <dir>', 'folder that will hold the encrypted files')
    .option('--filename-encryption <mode>', 'standard | obfuscate | off', 'standard')
    .option('--filename-encoding <enc>', 'base32 | base64 | base32768', 'base32')
    .option('--no-directory-name-encryption', 'leave directory names in clear text')
    .option('--no-data-encryption', 'store file content unencrypted (names only)')
    .option('--password-env <var>', 'read the password from this environment variable')
    .option('--password2-env <var>', 'read password2 (the salt) from this environment variable')
    .option('--ask-password2', 'prompt for password2 (the salt) as well')
    .option('--generate-password', 'generate a strong random password and print it once')
    .option('--weak-password', 'keep a password (or password2) that the strength estimate calls too easy to guess')
    .option('--bits <n>', `strength of the generated password in bits (64..1024, default ${GENERATED_PASSWORD_BITS}, as in the web UI and the demo)`)
    .option('--config <file>', 'rclone config file')
    .option('--json', 'JSON output')
    .description('add a crypt remote (the password is prompted for, taken from --password-env, or generated)')
    .action(async (name: string, o: Opts) => addAction(io, name, o));

  remote
    .command('list')
    .option('--config <file>', 'rclone config file')
    .option('--json', 'one JSON object per remote')
    .description('list the remotes in the rclone config')
    .action(async (o: Opts) => {
      const path = configPathOf(o, io);
      const cfg = await loadRcloneConfig(path).catch((e: { code?: string }) => {
        if (e.code === 'CONFIG_NOT_FOUND') return parseRcloneConfig('', path);
        throw e;
      });
      for (const r of listRemotes(cfg)) {
        if (o.json) jsonLine(io, { name: r.name, type: r.type });
        else out(io, `${r.name}: ${r.type}`);
      }
    });

  remote
    .command('show')
    .argument('<name>', 'crypt remote')
    .option('--config <file>', 'rclone config file')
    .option('--json', 'JSON output')
    .description('show a crypt remote\'s settings (never its passwords)')
    .action(async (name: string, o: Opts) => {
      const cfg = await loadRcloneConfig(configPathOf(o, io));
      const d = describeCryptRemote(getCryptRemote(cfg, name, io.env));
      if (o.json) jsonLine(io, d);
      else for (const [k, v] of Object.entries(d)) out(io, `${k}: ${String(v)}`);
    });

  remote
    .command('kit')
    .argument('<name>', 'crypt remote')
    .option('--output <file>', 'write the kit to this file (mode 0600) instead of stdout')
    .option('--html', 'an HTML page instead of text')
    .option('--yes', 'do not ask before showing the password (for scripts)')
    .option('--config <file>', 'rclone config file')
    .option('--profile <name>', 'profile whose tasks name the server copies (default: "default")')
    .option('--json', 'with --output: a JSON line saying where the kit went')
    .description('an emergency kit: the settings, password, server paths and stock rclone commands to restore without cryptsync')
    .action(async (name: string, o: Opts) => kitAction(io, name, o));

  remote
    .command('remove')
    .argument('<name>', 'remote to remove')
    .option('--config <file>', 'rclone config file')
    .option('--json', 'JSON output')
    .description('remove a remote from the rclone config (the encrypted files stay)')
    .action(async (name: string, o: Opts) => {
      const path = configPathOf(o, io);
      await removeRemote(path, name);
      if (o.json) jsonLine(io, { type: 'remote-removed', name, config: path });
      else out(io, `Removed remote "${name}" from ${path}`);
    });
}
