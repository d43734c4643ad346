// `cryptsync recover`: the guided way back after the laptop is gone, in an empty cryptsync home.
// Asks (or takes from flags, or reads from an rclone.conf / emergency kit) the crypt settings and
// password and the server copy, lists its snapshots (none: a mirror), restores the chosen one into
// a new folder, checks every restored file against the fetched ciphertext, and at the end offers
// to save the remote and a connected encrypt + push task so backups continue. With --yes nothing
// is asked: a missing answer is a usage error naming its flag. Exit 3 when a file could not be
// restored or does not check out.
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { out, err, jsonLine, askLine, readSecretLine } from '../io.js';
import { ExitCode } from '../exit-code.js';
import { EXIT, UsageError } from '../../util/errors.js';
import { withEngine } from '../open-engine.js';
import { withAbortOnSignal } from '../render/abort-on-signal.js';
import { createSyncRenderer } from '../render/sync-render.js';
import { collect, type Opts } from '../render/sync-cli.js';
import { serverRestoreEvents, sshFlags } from '../render/server-cli.js';
import { cipherOf, cryptRemotesIn, keysFromConfig, pickSnapshot, saveRecovered, snapshotsAt, type CryptSettings, type RecoverKeys, type ServerLocation } from '../../run/index.js';
import type { FilenameEncoding, FilenameEncryption } from '../../crypt/index.js';
import { humanBytes } from '../../util/human-bytes.js';

const ENCRYPTIONS = ['standard', 'obfuscate', 'off'];
const ENCODINGS = ['base32', 'base64', 'base32768'];

/** Questions for this one command: on a terminal each is read as typed; from a pipe one reader serves them all. */
interface Questions {
  ask(prompt: string, fallback?: string): Promise<string>;
  secret(prompt: string): Promise<string>;
  close(): void;
}

function questions(io: CliIo, yes: boolean): Questions {
  const refuse = (what: string): never => {
    throw new UsageError(`recover --yes: ${what} is missing (give its flag)`, what);
  };
  if (io.stdin.isTTY === true) {
    return {
      ask: async (p, d) => (yes ? d ?? refuse(p) : (await askLine(io, `${p}${d !== undefined ? ` [${d}]` : ''}: `)) || (d ?? '')),
      secret: async (p) => (yes ? refuse(p) : readSecretLine(io, `${p}: `)),
      close: () => undefined,
    };
  }
  const rl = createInterface({ input: io.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const next = async (p: string): Promise<string> => {
    io.stderr.write(`${p}: `);
    const n = await lines.next();
    io.stderr.write('\n');
    return n.done ? '' : String(n.value).trim();
  };
  return {
    ask: async (p, d) => (yes ? d ?? refuse(p) : (await next(`${p}${d !== undefined ? ` [${d}]` : ''}`)) || (d ?? '')),
    secret: async (p) => (yes ? refuse(p) : next(p)),
    close: () => rl.close(),
  };
}

function choice(v: string, allowed: string[], field: string): string {
  const x = v.toLowerCase();
  if (!allowed.includes(x)) throw new UsageError(`${field} must be one of ${allowed.join(', ')}, got "${v}"`, field);
  return x;
}

async function keysOf(io: CliIo, o: Opts, q: Questions): Promise<RecoverKeys> {
  const conf = typeof o.rcloneConfig === 'string' ? o.rcloneConfig : await q.ask('rclone.conf or emergency kit holding the crypt remote (empty: type the settings)', '');
  if (conf !== '') {
    const remotes = await cryptRemotesIn(conf);
    const name = typeof o.remote === 'string' ? o.remote : remotes.length === 1 ? (remotes[0] as string) : await q.ask(`crypt remote (${remotes.join(', ') || 'none found'})`);
    return keysFromConfig(conf, name, io.env);
  }
  const fromEnv = (flag: unknown, dflt: string): string | undefined => {
    const v = io.env[typeof flag === 'string' ? flag : dflt];
    return v === undefined || v === '' ? undefined : v;
  };
  const password = fromEnv(o.passwordEnv, 'CRYPTSYNC_PASSWORD') ?? (await q.secret('password'));
  if (password === '') throw new UsageError('the password must not be empty', 'password-env');
  const password2 = fromEnv(o.password2Env, 'CRYPTSYNC_PASSWORD2') ?? (o.yes === true ? '' : await q.secret('password2 (salt; empty for none)'));
  const settings: CryptSettings = {
    filenameEncryption: choice(typeof o.filenameEncryption === 'string' ? o.filenameEncryption : await q.ask('filename encryption (standard, obfuscate, off)', 'standard'), ENCRYPTIONS, '--filename-encryption') as FilenameEncryption,
    filenameEncoding: choice(typeof o.filenameEncoding === 'string' ? o.filenameEncoding : await q.ask('filename encoding (base32, base64, base32768)', 'base32'), ENCODINGS, '--filename-encoding') as FilenameEncoding,
    directoryNameEncryption: o.directoryNameEncryption === false ? false : !/^n/i.test(await q.ask('folder names encrypted too (y/n)', 'y')),
    noDataEncryption: false,
    suffix: '.bin',
    password,
    ...(password2 ? { password2 } : {}),
  };
  return { settings, cipher: await cipherOf(settings) };
}

async function serverOf(o: Opts, keys: RecoverKeys, q: Questions): Promise<ServerLocation> {
  const spec = typeof o.server === 'string' ? o.server : await q.ask('server copy: [user@]host:path, or a local folder', keys.server?.spec);
  if (spec === '') throw new UsageError('--server: name the server copy ([user@]host:path)', 'server');
  // the kit's own ssh settings for its server, each overridden by a flag given
  const base = keys.server && keys.server.spec === spec ? keys.server : { spec };
  return { ...base, ...sshFlags(o), spec };
}

export function registerRecover(program: Command, io: CliIo): void {
  program
    .command('recover')
    .description('guided recovery on a new machine: crypt settings + password and the server address are enough')
    .option('--rclone-config <file>', 'an rclone.conf or an emergency kit (remote kit) holding the crypt remote')
    .option('--remote <name>', 'the crypt remote in it')
    .option('--filename-encryption <mode>', 'typed settings: standard | obfuscate | off')
    .option('--filename-encoding <enc>', 'typed settings: base32 | base64 | base32768')
    .option('--no-directory-name-encryption', 'typed settings: folder names are not encrypted')
    .option('--password-env <var>', 'read the password from this variable (default CRYPTSYNC_PASSWORD)')
    .option('--password2-env <var>', 'read password2 from this variable (default CRYPTSYNC_PASSWORD2)')
    .option('--server <spec>', 'the server copy: [user@]host:path (a mirror, or the root of the snapshots), or a local folder')
    .option('--ssh-port <n>', 'ssh port of the server')
    .option('--ssh-key <file>', 'ssh key for the server')
    .option('--ssh-option <key=value>', 'ssh -o option (repeatable)', collect)
    .option('--snapshot <date>', 'which snapshot: "latest" (default), a folder name or a date prefix')
    .option('--target <dir>', 'a new folder to restore into')
    .option('--save <name>', 'afterwards save crypt remote NAME and tasks NAME-enc + NAME so backups continue')
    .option('--catalog <dir>', 'with --save: the new folder for the local encrypted catalog')
    .option('--yes', 'ask nothing: every answer comes from the flags')
    .option('--json', 'one JSON object per event line, then a summary')
    .action(async (o: Opts) => {
      const yes = o.yes === true;
      const json = o.json === true;
      const q = questions(io, yes);
      try {
        const keys = await keysOf(io, o, q);
        const root = await serverOf(o, keys, q);
        await withEngine(io, {}, async (engine) =>
          withAbortOnSignal(async (signal) => {
            const snaps = await snapshotsAt(root, { env: io.env, signal });
            let location = root;
            let snapshot: string | undefined;
            if (snaps.length > 0) {
              if (json) jsonLine(io, { type: 'snapshots', server: root.spec, names: snaps.map((s) => s.name) });
              else out(io, `snapshots on the server (oldest first): ${snaps.map((s) => s.name).join(', ')}`);
              const which = typeof o.snapshot === 'string' ? o.snapshot : await q.ask('snapshot to restore', 'latest');
              const picked = pickSnapshot(snaps, which);
              location = picked.location;
              snapshot = picked.name;
            } else if (o.snapshot !== undefined) {
              throw new UsageError(`--snapshot: ${root.spec} holds no snapshots (it is a mirror)`, 'snapshot');
            }
            const targetText = typeof o.target === 'string' ? o.target : await q.ask('restore into (a new folder)');
            if (targetText === '') throw new UsageError('--target: name a new folder to restore into', 'target');
            const target = resolve(targetText);
            const render = createSyncRenderer(io, { json, dryRun: false });
            const r = await engine.serverRestore(
              {
                location: location.spec,
                ...(location.sshPort !== undefined ? { sshPort: location.sshPort } : {}),
                ...(location.sshKey !== undefined ? { sshKey: location.sshKey } : {}),
                ...(location.sshOptions ? { sshOptions: location.sshOptions } : {}),
                cipher: keys.cipher,
                target,
                targetField: '--target',
                verify: true,
                signal,
              },
              serverRestoreEvents(io, render, json),
            );
            const v = r.verified;
            const bad = v ? v.differing.length + v.missingOnDest.length + v.missingOnSource.length + v.errors : 0;
            const text = [
              ...r.text,
              `restored ${r.summary.newFiles} files (${humanBytes(r.summary.bytes)}) from ${root.spec}${snapshot !== undefined ? `, snapshot ${snapshot}` : ''} into ${target}`,
              v ? (bad === 0 ? `verified: all ${v.matching} restored files match the server's ciphertext` : `verify: ${bad} files do not match the server's ciphertext`) : '',
            ].filter((l) => l !== '');
            let saved: Awaited<ReturnType<typeof saveRecovered>> | undefined;
            const wantSave = typeof o.save === 'string' ? o.save : yes ? '' : /^y/i.test(await q.ask('save the remote and a task so backups continue (y/n)', 'n')) ? await q.ask('name for the remote and task', 'recovered') : '';
            if (wantSave !== '') {
              const catalog = typeof o.catalog === 'string' ? o.catalog : await q.ask('new folder for the local encrypted catalog');
              if (catalog === '') throw new UsageError('--catalog: name a new folder for the encrypted catalog', 'catalog');
              saved = await saveRecovered(engine, { name: wantSave, catalog: resolve(catalog), plain: target, settings: keys.settings, server: root, snapshots: snaps.length > 0 });
              text.push(`saved crypt remote "${saved.remote}:" and tasks "${saved.encryptTask}" + "${saved.pushTask}" (connected); the first run encrypts and uploads everything again`);
            }
            render.finish({ ...r.summary, target, server: root.spec, ...(snapshot !== undefined ? { snapshot } : {}), runId: r.runId, verified: v ?? null, ...(saved ? { saved } : {}) }, text);
            if (r.summary.errors > 0 || bad > 0) throw new ExitCode(EXIT.PARTIAL);
          }),
        );
      } finally {
        q.close();
      }
      if (!json) err(io, 'Keep the password safe; `cryptsync remote kit NAME` writes an emergency kit once a remote is saved.');
    });
}
