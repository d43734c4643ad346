// `cryptsync service install|uninstall|status`: start `cryptsync daemon` at login/boot with this
// home and profile. Linux with systemd: a systemd user unit (enabled with systemctl --user;
// `loginctl enable-linger` keeps it running without a login). macOS: a launchd agent. Elsewhere
// (no systemd running): nothing is written, the cron line to add is printed. It prints every
// file it writes and every command it runs; uninstall removes exactly the file install wrote
// (it carries a marker line naming the home and profile) and nothing else.
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, unlinkSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option } from 'commander';
import { describeHolder, schedulerHolder } from '../../run/index.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { CryptsyncError } from '../../util/errors.js';
import { cryptsyncHome } from '../../util/home.js';
import { EXIT } from '../../util/vocabulary.js';
import { ExitCode } from '../exit-code.js';
import { type CliIo, out, err, jsonLine } from '../io.js';
import { SERVICE_KINDS, cronLine, launchdPlist, marker, serviceName, servicePath, systemdUnit, type ServiceKind, type ServiceSpec } from '../service-files.js';

/** bin/cryptsync.js, from dist/src/cli/commands/service.js */
const BIN = fileURLToPath(new URL('../../../../bin/cryptsync.js', import.meta.url));
/** the unit and the agent are read by the service manager, not secrets: world-readable is its norm */
const SERVICE_FILE_MODE = 0o644;
const COMMAND_TIMEOUT_MS = 30_000;

interface ServiceOptions {
  profile?: string;
  kind?: ServiceKind;
  enable?: boolean;
  json?: boolean;
}

/** sd_booted(): systemd is the running init system */
export function detectKind(platform: NodeJS.Platform = process.platform): ServiceKind {
  if (platform === 'darwin') return 'launchd';
  return existsSync('/run/systemd/system') ? 'systemd' : 'cron';
}

function specOf(io: CliIo, o: ServiceOptions): ServiceSpec {
  return {
    node: process.execPath,
    bin: BIN,
    home: cryptsyncHome(io.env),
    profile: o.profile ?? 'default',
    userHome: io.env.HOME || homedir(),
    ...(io.env.XDG_CONFIG_HOME ? { xdgConfigHome: io.env.XDG_CONFIG_HOME } : {}),
  };
}

function run(io: CliIo, o: ServiceOptions, program: string, args: string[]): boolean {
  const shown = [program, ...args].join(' ');
  const r = spawnSync(program, args, { encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS, env: io.env });
  const ok = r.status === 0;
  const detail = (r.error?.message ?? `${r.stderr ?? ''}`.trim()).split('\n')[0] ?? '';
  if (o.json) jsonLine(io, { type: 'service-command', command: shown, ok, ...(ok ? {} : { message: detail }) });
  else if (ok) out(io, `ran: ${shown}`);
  else err(io, `failed: ${shown}${detail ? `: ${detail}` : ''}`);
  return ok;
}

function enableCommands(kind: ServiceKind, s: ServiceSpec, path: string): Array<[string, string[]]> {
  if (kind === 'systemd') return [['systemctl', ['--user', 'daemon-reload']], ['systemctl', ['--user', 'enable', '--now', `${serviceName(s)}.service`]]];
  return [['launchctl', ['load', '-w', path]]];
}

function disableCommands(kind: ServiceKind, s: ServiceSpec, path: string): Array<[string, string[]]> {
  if (kind === 'systemd') return [['systemctl', ['--user', 'disable', '--now', `${serviceName(s)}.service`]]];
  return [['launchctl', ['unload', '-w', path]]];
}

/** The file at `path` was written by install for this home and profile (or is absent). */
function ours(path: string, s: ServiceSpec): boolean | null {
  if (!existsSync(path)) return null;
  const ok = readFileSync(path, 'utf8').includes(marker(s));
  if (!ok) {
    throw new CryptsyncError('conflict', 'SERVICE_FOREIGN', `${path} exists but was not written by "cryptsync service install" for home ${s.home} and profile "${s.profile}"; leaving it alone`, { subject: path });
  }
  return true;
}

function printCron(io: CliIo, o: ServiceOptions, s: ServiceSpec, what: 'install' | 'uninstall'): void {
  const line = cronLine(s);
  if (o.json) {
    jsonLine(io, { type: 'service', kind: 'cron', action: what, written: false, cronLine: line });
    return;
  }
  out(io, 'systemd is not running on this machine (no /run/systemd/system), so no service was written.');
  out(io, what === 'install' ? 'Add this line to your crontab (crontab -e) to start the scheduler at boot:' : 'Remove this line from your crontab (crontab -e):');
  out(io, line);
}

async function install(io: CliIo, o: ServiceOptions): Promise<void> {
  const s = specOf(io, o);
  const kind = o.kind ?? detectKind();
  const path = servicePath(kind, s);
  if (path === null) return printCron(io, o, s, 'install');
  ours(path, s);
  mkdirSync(dirname(path), { recursive: true });
  await writeFileAtomic(path, kind === 'systemd' ? systemdUnit(s) : launchdPlist(s), SERVICE_FILE_MODE);
  if (o.json) jsonLine(io, { type: 'service', kind, action: 'install', written: true, path, enabled: o.enable !== false });
  else out(io, `wrote ${path} (runs "cryptsync daemon --profile ${s.profile}" with CRYPTSYNC_HOME=${s.home})`);
  const cmds = enableCommands(kind, s, path);
  if (o.enable === false) {
    if (!o.json) out(io, `not enabled (--no-enable); to enable it, run:\n${cmds.map(([p, a]) => `  ${[p, ...a].join(' ')}`).join('\n')}`);
  } else if (!cmds.every(([p, a]) => run(io, o, p, a))) {
    throw new ExitCode(EXIT.FATAL);
  }
  if (kind === 'systemd' && !o.json) out(io, `on a server without a login session, keep user services running with: loginctl enable-linger ${io.env.USER ?? '$USER'}`);
}

async function uninstall(io: CliIo, o: ServiceOptions): Promise<void> {
  const s = specOf(io, o);
  const kind = o.kind ?? detectKind();
  const path = servicePath(kind, s);
  if (path === null) return printCron(io, o, s, 'uninstall');
  if (ours(path, s) === null) {
    if (o.json) jsonLine(io, { type: 'service', kind, action: 'uninstall', removed: false, path });
    else out(io, `nothing to remove: ${path} does not exist`);
    return;
  }
  if (o.enable !== false) for (const [p, a] of disableCommands(kind, s, path)) run(io, o, p, a);
  unlinkSync(path);
  if (o.enable !== false && kind === 'systemd') run(io, o, 'systemctl', ['--user', 'daemon-reload']);
  if (o.json) jsonLine(io, { type: 'service', kind, action: 'uninstall', removed: true, path });
  else out(io, `removed ${path}`);
}

function status(io: CliIo, o: ServiceOptions): void {
  const s = specOf(io, o);
  const kind = o.kind ?? detectKind();
  const path = servicePath(kind, s);
  const installed = path !== null && ours(path, s) === true;
  let active: string | null = null;
  if (installed && kind === 'systemd') {
    const r = spawnSync('systemctl', ['--user', 'is-active', `${serviceName(s)}.service`], { encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS, env: io.env });
    active = r.error ? `unknown (${r.error.message})` : (r.stdout ?? '').trim() || 'unknown';
  }
  const holder = schedulerHolder(s.home);
  if (o.json) {
    jsonLine(io, { type: 'service', kind, action: 'status', path, installed, active, scheduler: holder });
    return;
  }
  out(io, path === null ? 'service: none (no systemd here: see "cryptsync service install" for the cron line)' : `service: ${installed ? `installed, ${path}` : `not installed (${path})`}${active ? `, ${active}` : ''}`);
  out(io, `scheduler: ${holder ? describeHolder(holder) : 'not running for this home'}`);
}

export function registerService(program: Command, io: CliIo): void {
  const service = program.command('service').description('start the scheduler (cryptsync daemon) at login/boot: systemd user unit, launchd agent, or a cron line');
  const common = (c: Command) =>
    c
      .option('--profile <name>', 'profile (default: "default")')
      .addOption(new Option('--kind <kind>', 'service manager (default: systemd if running, launchd on macOS, else cron)').choices([...SERVICE_KINDS]))
      .option('--no-enable', 'only write (or remove) the file; print the systemctl/launchctl commands instead of running them')
      .option('--json', 'JSON output');
  common(service.command('install').description('write and enable the service running "cryptsync daemon" for this home and profile')).action((o: ServiceOptions) => install(io, o));
  common(service.command('uninstall').description('disable and remove exactly the service file install wrote')).action((o: ServiceOptions) => uninstall(io, o));
  common(service.command('status').description('is the service installed and running; who schedules this home')).action((o: ServiceOptions) => status(io, o));
}
