// The files `cryptsync service install` writes, as pure text builders: a systemd user unit, a
// launchd agent, or (where neither runs) a cron line. Each runs `cryptsync daemon` with the
// given home and profile, and carries a marker line naming them, so uninstall removes only a
// file this command wrote for this home and profile.
import { join } from 'node:path';

export const SERVICE_KINDS = ['systemd', 'launchd', 'cron'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export interface ServiceSpec {
  /** node, and bin/cryptsync.js */
  node: string;
  bin: string;
  home: string;
  profile: string;
  /** the user's home folder, for the launchd and systemd paths */
  userHome: string;
  xdgConfigHome?: string;
}

/** the exit code after which a restart would only fight another scheduler (EXIT.LOCKED) */
const HELD_EXIT = 4;

export function marker(s: ServiceSpec): string {
  return `cryptsync service: home=${s.home} profile=${s.profile}`;
}

export function serviceName(s: ServiceSpec): string {
  return s.profile === 'default' ? 'cryptsync' : `cryptsync-${s.profile}`;
}

export function servicePath(kind: ServiceKind, s: ServiceSpec): string | null {
  if (kind === 'systemd') return join(s.xdgConfigHome || join(s.userHome, '.config'), 'systemd', 'user', `${serviceName(s)}.service`);
  if (kind === 'launchd') return join(s.userHome, 'Library', 'LaunchAgents', `org.cryptsync.${s.profile}.plist`);
  return null;
}

/** systemd's quoting: double quotes, with \ and " escaped, and % doubled (a specifier otherwise) */
function sdQuote(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%')}"`;
}

export function systemdUnit(s: ServiceSpec): string {
  return [
    `# ${marker(s)}`,
    '# Written by "cryptsync service install"; "cryptsync service uninstall" removes it.',
    '[Unit]',
    `Description=cryptsync scheduler (profile ${s.profile})`,
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `Environment=${sdQuote(`CRYPTSYNC_HOME=${s.home}`)}`,
    `ExecStart=${[s.node, s.bin, 'daemon', '--profile', s.profile].map(sdQuote).join(' ')}`,
    'Restart=on-failure',
    'RestartSec=60',
    `RestartPreventExitStatus=${HELD_EXIT}`,
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

function xml(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function launchdPlist(s: ServiceSpec): string {
  const str = (v: string) => `<string>${xml(v)}</string>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    `<!-- ${xml(marker(s))} -->`,
    '<plist version="1.0">',
    '<dict>',
    `  <key>Label</key>${str(`org.cryptsync.${s.profile}`)}`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...[s.node, s.bin, 'daemon', '--profile', s.profile].map((a) => `    ${str(a)}`),
    '  </array>',
    '  <key>EnvironmentVariables</key>',
    `  <dict><key>CRYPTSYNC_HOME</key>${str(s.home)}</dict>`,
    '  <key>RunAtLoad</key><true/>',
    '  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>',
    `  <key>StandardOutPath</key>${str(join(s.home, 'daemon.log'))}`,
    `  <key>StandardErrorPath</key>${str(join(s.home, 'daemon.log'))}`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

/** POSIX shell single quotes (cron runs the line with /bin/sh) */
function shQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

export function cronLine(s: ServiceSpec): string {
  const log = shQuote(join(s.home, 'daemon.log'));
  // % is a line break in a crontab entry: escape it
  return `@reboot CRYPTSYNC_HOME=${shQuote(s.home)} ${[s.node, s.bin].map(shQuote).join(' ')} daemon --profile ${shQuote(s.profile)} >> ${log} 2>&1`.replace(/%/g, '\\%');
}
